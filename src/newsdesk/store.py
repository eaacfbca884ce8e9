"""The store: an SQLite file (WAL, versioned schema, FTS5) that every face reads and writes.

Ingest is idempotent: an article is identified by its content hash, so storing the same story
twice stores it once (the second source is kept as a copy). Saving an article replaces all of
its records in one transaction; each article commits on its own, so a killed ingest loses
nothing that was committed and leaves no half-written article.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from calendar import monthrange
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import NotFoundError, QueryError, StoreError
from .ingest import Document, content_hash
from .records import Actor, Analysis, Claim, Copy, Event, Figure, Quote, from_dict, to_dict

SCHEMA_VERSION = 6
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

    def __init__(
        self, path: str | os.PathLike[str] | None = None, *, check_same_thread: bool = True
    ) -> None:
        """``check_same_thread=False`` lets one thread after another use the connection (a web
        request handled by several worker threads in turn); never use it from two at once."""
        self.path = str(path if path is not None else default_path())
        try:
            self.db = sqlite3.connect(
                self.path, isolation_level=None, timeout=30, check_same_thread=check_same_thread
            )
            self.db.row_factory = sqlite3.Row
            self.db.create_function("event_day", 2, event_day, deterministic=True)
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
        published = analysis.article.published
        self.db.executemany(
            "INSERT INTO events (article_id, idx, type, source_codes, target_codes, date, data, "
            "day) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    aid,
                    i,
                    e.type,
                    _codes(e.source),
                    _codes(e.target),
                    e.date,
                    _json(e),
                    event_day(e.date, published),
                )
                for i, e in enumerate(analysis.events)
            ],
        )
        self.db.executemany(
            "INSERT INTO event_actors (article_id, idx, role, position, code, name, entity, "
            "entity_name, kb_id, sector) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (aid, i, role, n, a.code, a.name, a.entity, *_entity_names(analysis, a), a.sector)
                for i, e in enumerate(analysis.events)
                for role, actors in (("source", e.source), ("target", e.target))
                for n, a in enumerate(actors)
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
                (aid, i, c.holder.name, c.stance, int(c.contested), _json(c))
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
        return self.find_articles(limit=limit, offset=offset)[0]

    def find_articles(
        self,
        *,
        q: str | None = None,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[ArticleRow], int]:
        """Stored articles, newest first, and how many match in all.

        ``q``: words that must all occur in the title or text (full text); ``outlet``: part of
        the outlet's name (any case); ``since``/``until``: ``YYYY``, ``YYYY-MM`` or
        ``YYYY-MM-DD`` (inclusive) on the publication day, else the day it was stored.
        """
        where: list[str] = []
        params: list[Any] = []
        if q is not None:
            match = fts_query(q)  # no searchable word: nothing matches
            where.append(
                "a.rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
                if match
                else "0"
            )
            params += [match] if match else []
        if outlet:
            where.append("a.outlet LIKE ? ESCAPE '\\'")
            params.append("%" + _like_prefix(outlet)[:-1] + "%")
        day = "substr(coalesce(a.published, a.ingested_at), 1, 10)"
        if since:
            where.append(f"{day} >= ?")
            params.append(_bound(since, "since"))
        if until:
            where.append(f"{day} <= ?")
            params.append(_bound(until, "until"))
        return self._article_rows(where, params, limit, offset)

    def _article_rows(
        self, where: list[str], params: list[Any], limit: int | None, offset: int = 0
    ) -> tuple[list[ArticleRow], int]:
        condition = " WHERE " + " AND ".join(where) if where else ""
        total = self.db.execute(f"SELECT count(*) FROM articles a{condition}", params).fetchone()
        rows = self.db.execute(
            "SELECT a.id, a.title, a.outlet, a.published, a.source, "
            "(SELECT count(*) FROM entities e WHERE e.article_id = a.id) AS entities, "
            "(SELECT count(*) FROM copies c WHERE c.article_id = a.id) AS copies "
            f"FROM articles a{condition} "
            "ORDER BY coalesce(a.published, a.ingested_at) DESC, a.rowid DESC LIMIT ? OFFSET ?",
            (*params, -1 if limit is None else limit, offset),
        ).fetchall()
        return [ArticleRow(**dict(row)) for row in rows], int(total[0])

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
        method: str | None = None,
        limit: int = 50,
    ) -> list[QuoteRow]:
        """Stored quotes, newest first; ``speaker`` and ``about`` match a name or KB id;
        ``method`` is "rules" or "learned" (quotes stored without the field are "rules")."""
        where, params = [], []
        if method:
            where.append("coalesce(json_extract(q.data, '$.method'), 'rules') = ?")
            params.append(method)
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
            "SELECT q.*, a.published, a.title, a.outlet FROM quotes q JOIN articles a ON a.id = "
            "q.article_id"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY coalesce(a.published, a.ingested_at) DESC, q.article_id, q.idx LIMIT ?"
        )
        rows = self.db.execute(sql, (*params, limit)).fetchall()
        return [
            QuoteRow(
                r["article_id"],
                r["published"],
                r["title"],
                from_dict(Quote, json.loads(r["data"])),
                r["outlet"],
                r["speaker_kb"],
            )
            for r in rows
        ]

    def events(
        self,
        *,
        type: str | None = None,
        source: str | None = None,
        target: str | None = None,
        since: str | None = None,
        until: str | None = None,
        article: str | None = None,
        negated: bool | None = None,
        conditional: bool | None = None,
        future: bool | None = None,
        hypothetical: bool | None = None,
        limit: int | None = 50,
    ) -> list[EventRow]:
        """Stored events, newest first, with their article.

        ``source`` and ``target`` match an actor's code (``RUS``, ``nato``: any case), its KB id,
        or whole words of its name or its entity's name ("Putin"). ``since`` and ``until`` are
        ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (inclusive) and apply to the day an event is
        filed under: its own date when it has one, else its article's publication day (see
        :func:`event_day`). A flag left at None does not filter; True or False requires it.
        """
        where, params = self._event_filters(
            type, source, target, since, until, article, negated, conditional, future, hypothetical
        )
        sql = (
            "SELECT e.article_id, e.idx, e.day, e.data, a.title, a.published FROM events e "
            "JOIN articles a ON a.id = e.article_id"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY e.day IS NULL, e.day DESC, a.rowid DESC, e.idx"
            + (" LIMIT ?" if limit is not None else "")
        )
        rows = self.db.execute(sql, (*params, *([limit] if limit is not None else []))).fetchall()
        return [
            EventRow(
                r["article_id"],
                r["idx"],
                r["title"],
                r["published"],
                r["day"],
                from_dict(Event, json.loads(r["data"])),
            )
            for r in rows
        ]

    def claims(
        self,
        *,
        contested: bool | None = None,
        about: str | None = None,
        holder: str | None = None,
        article: str | None = None,
        limit: int | None = 500,
        holders: Collection[str] | None = None,
    ) -> list[ClaimRow]:
        """Stored claims with their article, oldest first. ``about`` matches the claim's words or
        any name of an entity called that ("Ukraine" also finds "Kyiv"); ``holder`` matches the
        holder's name or KB id. ``holders``: only the claims whose :func:`holder_key` is one of
        these (the others are not even read)."""
        sql, params = self._claim_query(
            "c.article_id, c.idx, c.data, a.title, a.outlet, a.published, e.kb_id, c.holder",
            contested,
            holder,
            article,
        )
        rows = [
            ClaimRow(
                r["article_id"],
                r["idx"],
                r["title"],
                r["outlet"],
                r["published"],
                r["kb_id"],
                from_dict(Claim, json.loads(r["data"])),
            )
            for r in self.db.execute(sql, params)
            if holders is None or holder_key(r["kb_id"], r["holder"]) in holders
        ]
        if about:
            names = self._names_of(about)
            rows = [r for r in rows if _mentions_any(r.claim.content.text, names)]
        return rows[:limit] if limit is not None else rows

    def contested_holders(
        self, *, about: str | None = None, holder: str | None = None, article: str | None = None
    ) -> set[str]:
        """The :func:`holder_key` of every holder of a contested claim that matches the filters
        (those of :meth:`claims`), without reading the claims themselves."""
        sql, params = self._claim_query(
            "e.kb_id, c.holder, json_extract(c.data, '$.content.text') AS words",
            True,
            holder,
            article,
        )
        names = self._names_of(about) if about else None
        return {
            holder_key(r["kb_id"], r["holder"])
            for r in self.db.execute(sql, params)
            if names is None or _mentions_any(r["words"] or "", names)
        }

    def _claim_query(
        self, columns: str, contested: bool | None, holder: str | None, article: str | None
    ) -> tuple[str, list[object]]:
        where: list[str] = []
        params: list[object] = []
        if contested is not None:
            where.append("c.contested = ?")
            params.append(int(contested))
        if article:
            where.append("c.article_id LIKE ? ESCAPE '\\'")
            params.append(_like_prefix(article))
        if holder:
            pattern = "%" + _like_prefix(holder)[:-1] + "%"
            where.append(
                "(c.holder LIKE ? ESCAPE '\\' OR e.kb_id = ? OR e.name LIKE ? ESCAPE '\\')"
            )
            params += [pattern, holder, pattern]
        sql = (
            f"SELECT {columns} FROM claims c JOIN articles a ON a.id = c.article_id "
            "LEFT JOIN entities e ON e.article_id = c.article_id "
            "AND e.entity_id = json_extract(c.data, '$.holder.entity')"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY coalesce(a.published, a.ingested_at), c.article_id, c.idx"
        )
        return sql, params

    def figures(
        self,
        *,
        about: str | None = None,
        kind: str | None = None,
        article: str | None = None,
        limit: int | None = 500,
    ) -> list[FigureRow]:
        """Stored figures with their article, oldest first, so that a count's changes read in
        order. ``about`` matches what is counted, the figure's words or its unit."""
        where, params = [], []
        if kind:
            where.append("json_extract(f.data, '$.kind') = ?")
            params.append(kind.lower())
        if article:
            where.append("f.article_id LIKE ? ESCAPE '\\'")
            params.append(_like_prefix(article))
        if about:
            pattern = "%" + _like_prefix(about)[:-1] + "%"
            where.append(
                "(json_extract(f.data, '$.counted') LIKE ? ESCAPE '\\' OR "
                "json_extract(f.data, '$.span.text') LIKE ? ESCAPE '\\' OR f.unit LIKE ? ESCAPE '\\')"
            )
            params += [pattern, pattern, pattern]
        sql = (
            "SELECT f.article_id, f.idx, f.data, a.title, a.outlet, a.published "
            "FROM figures f JOIN articles a ON a.id = f.article_id"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY coalesce(a.published, a.ingested_at), f.article_id, f.idx"
            + (" LIMIT ?" if limit is not None else "")
        )
        args = (*params, *([limit] if limit is not None else []))
        return [
            FigureRow(
                r["article_id"],
                r["idx"],
                r["title"],
                r["outlet"],
                r["published"],
                from_dict(Figure, json.loads(r["data"])),
            )
            for r in self.db.execute(sql, args)
        ]

    def entity_records(self, key: str, *, type: str | None = None) -> EntityRecords:
        """One entity across the store, by KB id or by name (any case), with the articles that
        mention it, the quotes it says and the quotes about it (that mention it), and the events
        it is a source or a target of, each newest first.

        A name that belongs to a KB entity gives that entity. Other entities are one per type,
        name and country (as in :meth:`entities`); ``type`` picks one when a name has several,
        else the most mentioned is taken. Raises :class:`NotFoundError` when none matches.
        """
        by_kb = "SELECT * FROM entities WHERE kb_id = ?"
        rows = self.db.execute(by_kb, (key,)).fetchall()
        if not rows:
            named = self.db.execute(
                "SELECT * FROM entities WHERE name = ? COLLATE NOCASE"
                + (" AND type = ?" if type else ""),
                (key, *([type.upper()] if type else [])),
            ).fetchall()
            linked = [r for r in named if r["kb_id"]]
            if not named:
                raise NotFoundError(f"entity {key!r} is not in the store", source=self.path)
            top = summarise_entities(iter(linked or named))[0]
            if top.kb_id:
                rows = self.db.execute(by_kb, (top.kb_id,)).fetchall()
            else:
                rows = [r for r in named if _entity_key(r) == _entity_key(top)]
        summary = summarise_entities(iter(rows))[0]
        if summary.kb_id:
            match, args = "e.kb_id = ?", [summary.kb_id]
        else:
            match = (
                "e.kb_id IS NULL AND e.name = ? COLLATE NOCASE AND e.type = ? "
                "AND coalesce(e.country, '') = ?"
            )
            args = [summary.name, summary.type, summary.country or ""]
        in_articles = f"SELECT e.article_id FROM entities e WHERE {match}"
        articles, _ = self._article_rows([f"a.id IN ({in_articles})"], args, None)
        quote_sql = (
            "SELECT q.*, a.published, a.title FROM quotes q JOIN articles a ON a.id = "
            "q.article_id WHERE {} ORDER BY coalesce(a.published, a.ingested_at) DESC, "
            "q.article_id, q.idx"
        )
        said = (
            "EXISTS (SELECT 1 FROM entities e WHERE e.article_id = q.article_id "
            f"AND e.entity_id = q.speaker_entity AND {match})"
        )
        about = f"q.about LIKE ? ESCAPE '\\' AND q.article_id IN ({in_articles})"
        tag = "%|" + _like_prefix(summary.kb_id or summary.name)[:-1] + "|%"
        quotes_by = [_quote_row(r) for r in self.db.execute(quote_sql.format(said), args)]
        quotes_about = [
            _quote_row(r) for r in self.db.execute(quote_sql.format(about), [tag, *args])
        ]
        event_sql = (
            "SELECT ev.article_id, ev.idx, ev.day, ev.data, a.title, a.published FROM events ev "
            "JOIN articles a ON a.id = ev.article_id WHERE EXISTS (SELECT 1 FROM event_actors x "
            "JOIN entities e ON e.article_id = x.article_id AND e.entity_id = x.entity "
            f"WHERE x.article_id = ev.article_id AND x.idx = ev.idx AND x.role = ? AND {match}) "
            "ORDER BY ev.day IS NULL, ev.day DESC, a.rowid DESC, ev.idx"
        )
        as_source, as_target = (
            [_event_row(r) for r in self.db.execute(event_sql, [role, *args])]
            for role in ("source", "target")
        )
        return EntityRecords(summary, articles, quotes_by, quotes_about, as_source, as_target)

    def _names_of(self, about: str) -> set[str]:
        """``about`` and every mention of the entities named or KB-identified by it."""
        names = {about}
        pattern = _like_prefix(about)[:-1]
        for row in self.db.execute(
            "SELECT data FROM entities WHERE kb_id = ? OR name LIKE ? ESCAPE '\\'",
            (about, pattern),
        ):
            names |= {m["text"] for m in json.loads(row["data"]).get("mentions", [])}
        return {n for n in names if len(n) > 1}

    def event_counts(
        self,
        by: str = "day",
        *,
        type: str | None = None,
        source: str | None = None,
        target: str | None = None,
        since: str | None = None,
        until: str | None = None,
        article: str | None = None,
        negated: bool | None = None,
        conditional: bool | None = None,
        future: bool | None = None,
        hypothetical: bool | None = None,
    ) -> list[dict[str, Any]]:
        """How many stored events match, grouped ``by`` one of :data:`EVENT_COUNTS`.

        Rows are dicts with the group's fields and ``events``: ``{"day", "events"}`` in date
        order (a null day last), ``{"month", "events"}`` likewise, ``{"type", "events"}`` and
        ``{"source", "target", "events"}`` most frequent first. A pair counts each event once
        per distinct (source code, target code); an event without a coded actor on a side has
        ``None`` there. The filters are those of :meth:`events`.
        """
        if by not in EVENT_COUNTS:
            raise QueryError(f"cannot count events by {by!r}; use one of {', '.join(EVENT_COUNTS)}")
        where, params = self._event_filters(
            type, source, target, since, until, article, negated, conditional, future, hypothetical
        )
        filtered = "SELECT e.* FROM events e" + (" WHERE " + " AND ".join(where) if where else "")
        if by == "pair":
            sql = (
                f"WITH f AS ({filtered}) SELECT upper(s.code) AS source, upper(t.code) AS target, "
                "count(DISTINCT f.article_id || ' ' || f.idx) AS events FROM f "
                "LEFT JOIN event_actors s ON s.article_id = f.article_id AND s.idx = f.idx "
                "AND s.role = 'source' AND s.code IS NOT NULL "
                "LEFT JOIN event_actors t ON t.article_id = f.article_id AND t.idx = f.idx "
                "AND t.role = 'target' AND t.code IS NOT NULL "
                "GROUP BY 1, 2 ORDER BY events DESC, source IS NULL, source, target IS NULL, target"
            )
        else:
            key = {"day": "day", "month": "substr(day, 1, 7)", "type": "type"}[by]
            order = f"{by} IS NULL, {by}" if by in ("day", "month") else f"events DESC, {by}"
            sql = (
                f"WITH f AS ({filtered}) SELECT {key} AS {by}, count(*) AS events FROM f "
                f"GROUP BY 1 ORDER BY {order}"
            )
        return [dict(row) for row in self.db.execute(sql, params)]

    def event_places(self, **filters: Any) -> list[dict[str, Any]]:
        """Geocoded events: those whose ``place`` is an entity of their article with
        coordinates, as ``{article_id, idx, type, day, place, lat, lon}`` (newest first). Takes
        the filters of :meth:`events`."""
        names = (
            *("type", "source", "target", "since", "until", "article"),
            *("negated", "conditional", "future", "hypothetical"),
        )
        unknown = set(filters) - set(names)
        if unknown:
            raise TypeError(f"unknown event filters: {', '.join(sorted(unknown))}")
        where, params = self._event_filters(*(filters.get(n) for n in names))
        sql = (
            "WITH f AS (SELECT e.*, json_extract(e.data, '$.place') AS place FROM events e"
            + (" WHERE " + " AND ".join(where) if where else "")
            + ") SELECT f.article_id, f.idx, f.type, f.day, f.place, "
            "json_extract(n.data, '$.place.lat') AS lat, json_extract(n.data, '$.place.lon') AS lon "
            "FROM f JOIN entities n ON n.article_id = f.article_id AND n.name = f.place "
            "WHERE f.place IS NOT NULL AND json_extract(n.data, '$.place.lat') IS NOT NULL "
            "AND json_extract(n.data, '$.place.lon') IS NOT NULL "
            "GROUP BY f.article_id, f.idx ORDER BY f.day IS NULL, f.day DESC, f.article_id, f.idx"
        )
        return [dict(row) for row in self.db.execute(sql, params)]

    def titles(self, ids: list[str]) -> dict[str, str | None]:
        """The title of each stored article among ``ids``."""
        marks = ", ".join("?" for _ in ids)
        rows = self.db.execute(f"SELECT id, title FROM articles WHERE id IN ({marks})", ids)
        return {row["id"]: row["title"] for row in rows}

    def outlets(self) -> list[tuple[str, int]]:
        """Each outlet of the stored articles with its number of articles, most first."""
        rows = self.db.execute(
            "SELECT outlet, count(*) AS n FROM articles WHERE outlet IS NOT NULL "
            "GROUP BY outlet ORDER BY n DESC, outlet"
        )
        return [(row["outlet"], int(row["n"])) for row in rows]

    def _event_filters(
        self,
        type: str | None,
        source: str | None,
        target: str | None,
        since: str | None,
        until: str | None,
        article: str | None,
        negated: bool | None,
        conditional: bool | None,
        future: bool | None,
        hypothetical: bool | None,
    ) -> tuple[list[str], list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        if type:
            where.append("e.type = ?")
            params.append(type.strip().upper())
        for role, actor in (("source", source), ("target", target)):
            if actor:
                words = "(' ' || {0} || ' ') LIKE ? ESCAPE '\\'"
                where.append(
                    "EXISTS (SELECT 1 FROM event_actors x WHERE x.article_id = e.article_id "
                    f"AND x.idx = e.idx AND x.role = '{role}' AND (x.code = ? OR x.kb_id = ? OR "
                    f"{words.format('x.name')} OR {words.format('x.entity_name')}))"
                )
                pattern = "% " + _like_prefix(" ".join(actor.split()))[:-1] + " %"
                params += [actor.strip(), actor.strip(), pattern, pattern]
        if since:
            where.append("e.day >= ?")
            params.append(_bound(since, "since"))
        if until:
            where.append("e.day <= ?")
            params.append(_bound(until, "until"))
        if article:
            where.append("e.article_id = ?")
            params.append(self.resolve_id(article))
        for flag, value in (
            ("negated", negated),
            ("conditional", conditional),
            ("future", future),
            ("hypothetical", hypothetical),
        ):
            if value is not None:
                where.append(f"coalesce(json_extract(e.data, '$.{flag}'), 0) = ?")
                params.append(int(value))
        return where, params

    def integrity(self) -> str:
        return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])


@dataclass(frozen=True)
class EventRow:
    article_id: str
    idx: int  # the event's position in its article's ``events``
    title: str | None
    published: str | None
    day: str | None  # the day it is filed under: see event_day()
    event: Event


EVENT_COUNTS = ("day", "month", "type", "pair")


@dataclass(frozen=True)
class ClaimRow:
    article_id: str
    idx: int
    title: str | None
    outlet: str | None
    published: str | None
    holder_kb: str | None  # the KB id of the holder's entity, for matching across articles
    claim: Claim


@dataclass
class FigureRow:
    article_id: str
    idx: int
    title: str | None
    outlet: str | None
    published: str | None
    figure: Figure


@dataclass
class QuoteRow:
    article_id: str
    published: str | None
    title: str | None
    quote: Quote
    outlet: str | None = None  # filled by Store.quotes (for quotes grouped across outlets)
    speaker_kb: str | None = None


def _quote_row(r: sqlite3.Row) -> QuoteRow:
    return QuoteRow(
        r["article_id"], r["published"], r["title"], from_dict(Quote, json.loads(r["data"]))
    )


def _event_row(r: sqlite3.Row) -> EventRow:
    return EventRow(
        r["article_id"],
        r["idx"],
        r["title"],
        r["published"],
        r["day"],
        from_dict(Event, json.loads(r["data"])),
    )


@dataclass
class EntityRecords:
    """What the store holds about one entity: see :meth:`Store.entity_records`."""

    summary: EntitySummary
    articles: list[ArticleRow]
    quotes_by: list[QuoteRow]
    quotes_about: list[QuoteRow]
    events_as_source: list[EventRow]
    events_as_target: list[EventRow]


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


def _entity_key(entity: sqlite3.Row | EntitySummary) -> tuple[str, ...]:
    """How entities are told apart across articles: by KB id, else by type, name and country."""
    if isinstance(entity, EntitySummary):
        kb_id, type, name, country = entity.kb_id, entity.type, entity.name, entity.country
    else:
        kb_id, type, name, country = (entity[k] for k in ("kb_id", "type", "name", "country"))
    return (kb_id,) if kb_id else (type, name.casefold(), country or "")


def summarise_entities(rows: Iterator[sqlite3.Row]) -> list[EntitySummary]:
    summaries: dict[tuple[str, ...], EntitySummary] = {}
    for row in rows:
        data = json.loads(row["data"])
        key = _entity_key(row)
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


RECORD_TABLES = ("entities", "quotes", "events", "event_actors", "figures", "dates", "claims")


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


def holder_key(kb_id: str | None, name: str) -> str:
    """How claims are told apart by holder across articles (as ``claims.group_claims`` does): the
    holder's KB id, else its name in lower case."""
    return kb_id or name.lower()


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


def _entity_names(analysis: Analysis, actor: Actor) -> tuple[str | None, str | None]:
    entity = analysis.entity(actor.entity) if actor.entity else None
    return (entity.name, entity.kb_id) if entity is not None else (None, None)


_DAY = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_WEEK = re.compile(r"(\d{4})-W(\d{2})")
_DECADE = re.compile(r"(\d{3})X")


def event_day(value: str | None, published: str | None = None) -> str | None:
    """The day (``YYYY-MM-DD``) an event is filed under, for filtering, sorting and counting.

    The event's own date when the coder found one, at its first day when it is coarser
    (``2025-03`` -> ``2025-03-01``, ``2025-W10`` -> that Monday, ``2014`` -> ``2014-01-01``,
    ``199X`` -> ``1990-01-01``); else the article's publication day; else None. Durations and
    unresolved values count as no date.
    """
    for candidate in (value, published):
        day = _first_day(candidate) if candidate else None
        if day is not None:
            return day
    return None


def _first_day(value: str) -> str | None:
    try:
        if match := _DAY.fullmatch(value[:10]):
            year, month, day = match.groups()
            return date(int(year), int(month or 1), int(day or 1)).isoformat()
        if match := _WEEK.fullmatch(value):
            return date.fromisocalendar(int(match[1]), int(match[2]), 1).isoformat()
        if match := _DECADE.fullmatch(value):
            return f"{match[1]}0-01-01"
    except ValueError:
        return None
    return None


def _bound(value: str, name: str) -> str:
    """A --since/--until value as a day: the first day of its period for since, the last for until."""
    match = _DAY.fullmatch(value.strip())
    try:
        if match is None:
            raise ValueError(value)
        year, month, day = int(match[1]), int(match[2] or 0), int(match[3] or 0)
        if name == "since":
            return date(year, month or 1, day or 1).isoformat()
        month = month or 12
        return date(year, month, day or monthrange(year, month)[1]).isoformat()
    except ValueError:
        raise QueryError(f"bad {name} date {value!r}: use YYYY, YYYY-MM or YYYY-MM-DD") from None


def _like_prefix(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def ensure_parent(path: str) -> None:
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _mentions_any(text: str, names: set[str]) -> bool:
    """Does ``text`` contain one of ``names`` as whole words (case-insensitive)?"""
    lowered = text.lower()
    return any(
        re.search(r"(?<!\w)" + re.escape(name.lower()) + r"(?!\w)", lowered) for name in names
    )
