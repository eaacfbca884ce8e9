"""The store: an SQLite file (WAL, versioned schema, FTS5) that every face reads and writes.

Ingest is idempotent: an article is identified by its content hash, so storing the same story
twice stores it once (the second source is kept as a copy). Saving an article replaces all of
its records in one transaction; each article commits on its own, so a killed ingest loses
nothing that was committed and leaves no half-written article.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import NotFoundError, StoreError
from .ingest import Document, content_hash
from .records import Analysis, Copy, Quote, from_dict, to_dict

SCHEMA_VERSION = 2
DEFAULT_DB = "newsdesk.db"


def default_path() -> str:
    return os.environ.get("NEWSDESK_DB") or DEFAULT_DB


@dataclass(frozen=True)
class SearchHit:
    kind: str  # article | quote
    article_id: str
    title: str | None
    snippet: str


@dataclass(frozen=True)
class ArticleRow:
    id: str
    title: str | None
    outlet: str | None
    published: str | None
    source: str | None
    entities: int
    copies: int


class Store:
    """A newsdesk database. ``Store(":memory:")`` for tests, ``Store("newsdesk.db")`` on disk."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = str(path if path is not None else default_path())
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA foreign_keys = ON")
            if self.path != ":memory:":
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as error:
            raise StoreError(f"cannot open store: {error}", source=self.path) from error

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"store has schema {version}, newer than this newsdesk "
                f"({SCHEMA_VERSION}); upgrade newsdesk",
                source=self.path,
            )
        if version == 0:
            tables = self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables:
                raise StoreError("not a newsdesk store (it has other tables)", source=self.path)
        data = resources.files("newsdesk").joinpath("data")
        for step in range(version + 1, SCHEMA_VERSION + 1):
            script = data.joinpath("schema.sql" if step == 1 else f"migrations/{step}.sql")
            with self.transaction():  # each step commits whole or not at all
                for statement in _statements(script.read_text("utf-8")):
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {step}")

    def transaction(self) -> _Transaction:
        return _Transaction(self.db)

    # -- writing -----------------------------------------------------------------------------

    def find_hash(self, digest: str) -> str | None:
        row = self.db.execute("SELECT id FROM articles WHERE hash = ?", (digest,)).fetchone()
        return row["id"] if row else None

    def add_copy(self, article_id: str, document: Document) -> bool:
        """Record another source of a stored article; False if that source was already known."""
        meta = document.meta
        source = document.source or meta.get("url") or "<unknown>"
        stored = self.db.execute(
            "SELECT source FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if stored and stored["source"] == source:
            return False
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO copies (article_id, source, url, outlet, title, published, "
            "seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                article_id,
                source,
                meta.get("url"),
                meta.get("outlet"),
                meta.get("title"),
                meta.get("published"),
                _now(),
            ),
        )
        return cursor.rowcount > 0

    def save(self, analysis: Analysis, *, model: str | None = None) -> str:
        """Store an analysis, replacing any earlier one of the same article.

        Returns ``stored`` (new), ``updated`` (same id, new text or re-analysis) or
        ``duplicate`` (same text already stored under another id; kept as a copy).
        """
        article = analysis.article
        digest = content_hash(article.text)
        with self.transaction():
            owner = self.find_hash(digest)
            if owner is not None and owner != article.id:
                self.add_copy(owner, Document(article.text, article.source, to_dict(article)))
                return "duplicate"
            exists = self.db.execute(
                "SELECT 1 FROM articles WHERE id = ?", (article.id,)
            ).fetchone()
            self._write_article(analysis, digest, model, update=bool(exists))
            self._write_records(analysis)
        return "updated" if exists else "stored"

    def _write_article(
        self, analysis: Analysis, digest: str, model: str | None, *, update: bool
    ) -> None:
        article = analysis.article
        body = to_dict(replace(analysis, article=replace(article, text="", copies=())))
        now = _now()
        values = (
            digest,
            article.source,
            article.url,
            article.title,
            article.outlet,
            article.byline,
            article.published,
            article.language,
            article.text,
            json.dumps(article.meta, ensure_ascii=False),
            json.dumps(body, ensure_ascii=False),
            model,
            now,
        )
        if update:
            self.db.execute(
                "UPDATE articles SET hash=?, source=?, url=?, title=?, outlet=?, byline=?, "
                "published=?, language=?, text=?, meta=?, analysis=?, model=?, analyzed_at=? "
                "WHERE id=?",
                (*values, article.id),
            )
            for table in RECORD_TABLES:
                self.db.execute(f"DELETE FROM {table} WHERE article_id = ?", (article.id,))
        else:
            self.db.execute(
                "INSERT INTO articles (hash, source, url, title, outlet, byline, published, "
                "language, text, meta, analysis, model, analyzed_at, id, ingested_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, article.id, now),
            )

    def _write_records(self, analysis: Analysis) -> None:
        aid = analysis.article.id
        self.db.executemany(
            "INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (aid, e.id, e.name, e.type, e.kb_id, e.country, len(e.mentions), _json(e))
                for e in analysis.entities
            ],
        )
        self.db.executemany(
            "INSERT INTO quotes (article_id, idx, kind, speaker, speaker_entity, content, data, "
            "speaker_kb, about) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    aid,
                    i,
                    q.kind,
                    q.speaker.name if q.speaker else None,
                    q.speaker.entity if q.speaker else None,
                    q.content.text,
                    _json(q),
                    _speaker_kb(analysis, q),
                    _about(analysis, q),
                )
                for i, q in enumerate(analysis.quotes)
            ],
        )
        self.db.executemany(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (aid, i, e.type, _codes(e.source), _codes(e.target), e.date, _json(e))
                for i, e in enumerate(analysis.events)
            ],
        )
        self.db.executemany(
            "INSERT INTO figures VALUES (?, ?, ?, ?, ?)",
            [(aid, i, f.value, f.unit, _json(f)) for i, f in enumerate(analysis.figures)],
        )
        self.db.executemany(
            "INSERT INTO dates VALUES (?, ?, ?, ?, ?)",
            [(aid, i, d.value, d.granularity, _json(d)) for i, d in enumerate(analysis.dates)],
        )
        self.db.executemany(
            "INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?)",
            [
                (aid, i, c.holder.name, c.stance, int(bool(c.responses)), _json(c))
                for i, c in enumerate(analysis.claims)
            ],
        )

    # -- reading -----------------------------------------------------------------------------

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def resolve_id(self, article_id: str) -> str:
        """The full id of an article given its id or a unique prefix of it."""
        rows = self.db.execute(
            "SELECT id FROM articles WHERE id = ? UNION SELECT id FROM articles "
            "WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
            (article_id, _like_prefix(article_id)),
        ).fetchall()
        exact = [r["id"] for r in rows if r["id"] == article_id]
        if exact:
            return exact[0]
        if len(rows) == 1:
            return str(rows[0]["id"])
        reason = "is ambiguous" if rows else "is not in the store"
        raise NotFoundError(f"article {article_id!r} {reason}", source=self.path)

    def get(self, article_id: str) -> Analysis:
        row = self.db.execute(
            "SELECT * FROM articles WHERE id = ?", (self.resolve_id(article_id),)
        ).fetchone()
        return self._analysis(row)

    def _analysis(self, row: sqlite3.Row) -> Analysis:
        data = json.loads(row["analysis"])
        data["article"]["text"] = row["text"]
        data["article"]["copies"] = [to_dict(c) for c in self.copies(row["id"])]
        return Analysis.from_dict(data)

    def copies(self, article_id: str) -> list[Copy]:
        rows = self.db.execute(
            "SELECT url, outlet, title, published, source FROM copies WHERE article_id = ? "
            "ORDER BY seen_at",
            (article_id,),
        ).fetchall()
        return [Copy(**dict(row)) for row in rows]

    def iter_analyses(self) -> Iterator[Analysis]:
        for row in self.db.execute("SELECT * FROM articles ORDER BY rowid"):
            yield self._analysis(row)

    def list_articles(self, limit: int = 50, offset: int = 0) -> list[ArticleRow]:
        rows = self.db.execute(
            "SELECT a.id, a.title, a.outlet, a.published, a.source, "
            "(SELECT count(*) FROM entities e WHERE e.article_id = a.id) AS entities, "
            "(SELECT count(*) FROM copies c WHERE c.article_id = a.id) AS copies "
            "FROM articles a ORDER BY coalesce(a.published, a.ingested_at) DESC, a.rowid DESC "
            "LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
        return [ArticleRow(**dict(row)) for row in rows]

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Full-text search over articles and quotes; words must all occur (any order)."""
        match = fts_query(query)
        if not match:
            return []
        hits = [
            SearchHit("article", r["id"], r["title"], r["snippet"])
            for r in self.db.execute(
                "SELECT a.id, a.title, snippet(articles_fts, 1, '[', ']', '…', 12) AS snippet "
                "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
                "WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
                (match, limit),
            )
        ]
        hits += [
            SearchHit("quote", r["article_id"], r["speaker"], r["snippet"])
            for r in self.db.execute(
                "SELECT q.article_id, q.speaker, snippet(quotes_fts, 0, '[', ']', '…', 16) AS snippet "
                "FROM quotes_fts JOIN quotes q ON q.rowid = quotes_fts.rowid "
                "WHERE quotes_fts MATCH ? ORDER BY rank LIMIT ?",
                (match, limit),
            )
        ]
        return hits

    def entities(
        self,
        *,
        type: str | None = None,
        name: str | None = None,
        country: str | None = None,
        limit: int = 50,
    ) -> list[EntitySummary]:
        """Entities across all articles with mention and article counts, roles and place."""
        where, params = [], []
        if type:
            where.append("type = ?")
            params.append(type.upper())
        if name:
            where.append("name LIKE ? ESCAPE '\\'")
            params.append("%" + _like_prefix(name)[:-1] + "%")
        if country:
            where.append("country = ?")
            params.append(country.upper())
        sql = "SELECT * FROM entities" + (" WHERE " + " AND ".join(where) if where else "")
        return summarise_entities(self.db.execute(sql, params))[:limit]

    def quotes(
        self,
        *,
        speaker: str | None = None,
        about: str | None = None,
        since: str | None = None,
        text: str | None = None,
        limit: int = 50,
    ) -> list[QuoteRow]:
        """Stored quotes, newest first; ``speaker`` and ``about`` match a name or KB id."""
        where, params = [], []
        if speaker:
            where.append(
                "(q.speaker_kb = ? OR q.speaker LIKE ? ESCAPE '\\' OR "
                "q.speaker_kb IN (SELECT kb_id FROM entities WHERE name LIKE ? "
                "ESCAPE '\\'))"
            )
            pattern = "%" + _like_prefix(speaker)[:-1] + "%"
            params += [speaker, pattern, pattern]
        if about:
            where.append("q.about LIKE ? ESCAPE '\\'")
            params.append("%" + _like_prefix(about)[:-1] + "%")
        if since:
            where.append("coalesce(a.published, a.ingested_at) >= ?")
            params.append(since)
        if text:
            where.append("q.rowid IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?)")
            params.append(fts_query(text))
        sql = (
            "SELECT q.*, a.published, a.title FROM quotes q JOIN articles a ON a.id = "
            "q.article_id"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY coalesce(a.published, a.ingested_at) DESC, q.article_id, q.idx LIMIT ?"
        )
        rows = self.db.execute(sql, (*params, limit)).fetchall()
        return [
            QuoteRow(
                r["article_id"], r["published"], r["title"], from_dict(Quote, json.loads(r["data"]))
            )
            for r in rows
        ]

    def integrity(self) -> str:
        return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])


@dataclass(frozen=True)
class QuoteRow:
    article_id: str
    published: str | None
    title: str | None
    quote: Quote


@dataclass
class EntitySummary:
    """One entity across the stored articles: KB entities by id, others by name + country."""

    name: str
    type: str
    kb_id: str | None
    wikidata: str | None
    country: str | None
    mentions: int = 0
    articles: int = 0
    roles: dict[str, int] = field(default_factory=dict)
    place: dict[str, Any] | None = None

    def top_roles(self, count: int = 3) -> list[str]:
        return sorted(self.roles, key=lambda r: -self.roles[r])[:count]


def summarise_entities(rows: Iterator[sqlite3.Row]) -> list[EntitySummary]:
    summaries: dict[tuple[str, ...], EntitySummary] = {}
    for row in rows:
        data = json.loads(row["data"])
        key = (
            (row["kb_id"],)
            if row["kb_id"]
            else (row["type"], row["name"].casefold(), row["country"] or "")
        )
        summary = summaries.get(key)
        if summary is None:
            summary = summaries[key] = EntitySummary(
                row["name"], row["type"], row["kb_id"], data.get("wikidata"), row["country"]
            )
        summary.mentions += row["mention_count"]
        summary.articles += 1
        for role in data.get("roles", []):
            summary.roles[role] = summary.roles.get(role, 0) + 1
        summary.place = summary.place or data.get("place")
    return sorted(summaries.values(), key=lambda s: (-s.mentions, s.name))


RECORD_TABLES = ("entities", "quotes", "events", "figures", "dates", "claims")


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception (nested use joins the outer)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.outer = False

    def __enter__(self) -> sqlite3.Connection:
        self.outer = not self.db.in_transaction
        if self.outer:
            self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind: object, *exc: object) -> None:
        if not self.outer:
            return
        self.db.execute("ROLLBACK" if kind else "COMMIT")


def fts_query(query: str) -> str:
    """Turn user words into an FTS5 query that cannot be a syntax error: each word quoted."""
    words = [w.replace('"', '""') for w in query.split() if any(c.isalnum() for c in w)]
    return " ".join(f'"{w}"' for w in words)


def _statements(script: str) -> Iterator[str]:
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""


def _speaker_kb(analysis: Analysis, quote: Quote) -> str | None:
    entity = (
        analysis.entity(quote.speaker.entity) if quote.speaker and quote.speaker.entity else None
    )
    return entity.kb_id if entity is not None else None


def _about(analysis: Analysis, quote: Quote) -> str | None:
    """Names (and KB ids) of the entities mentioned inside the quote, "|"-separated."""
    start, end = quote.content.start, quote.content.end
    names = []
    for entity in analysis.entities:
        if any(start <= m.start and m.end <= end for m in entity.mentions):
            names += [entity.name] + ([entity.kb_id] if entity.kb_id else [])
    return "|" + "|".join(names) + "|" if names else None


def _json(record: Any) -> str:
    return json.dumps(to_dict(record), ensure_ascii=False)


def _codes(actors: Any) -> str | None:
    codes = sorted({a.code for a in actors if a.code})
    return ",".join(codes) if codes else None


def _like_prefix(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def ensure_parent(path: str) -> None:
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
