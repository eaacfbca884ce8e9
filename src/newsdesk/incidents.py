"""Incidents: one event as many articles report it.

Events of the same PLOVER type between the same actors, close in time and place, from different
articles are one **incident** with every report and its evidence. The per-article event records
stay as they are (``events``, ``event_actors``); the store's ``incidents`` and
``incident_events`` tables (schema 6) say which incident each event belongs to.

When an event joins an incident (docs/monitoring.md, "Incidents"):

- **type**: the same PLOVER type;
- **modality**: the same one of factual, negated, hypothetical (hypothetical or conditional) and
  future; "did not attack" or "could attack" never joins an attack that happened. An event
  reported by someone (``reported_by``: alleged) joins factual ones and keeps its flag; an
  incident all of whose reports are alleged is ``alleged``;
- **actors**, side by side (source, target): codes that overlap are a match; two different
  code sets are a conflict. A side without codes (an unknown actor, "security forces") is
  compatible with anything, but only when the *other* side matches by code: at least one side
  must match by code, so two events with no codes never merge. A named actor without a code
  (a person the knowledge base does not know) is someone, not an unknown: it does not join a
  side with codes. Two sides that both lack codes
  must share a word of their actors' names ("gunmen" and "unidentified gunmen") or both have
  no actor at all;
- **days**: every report's day (``events.day``: the event's own date, else the publication
  day) within ``window`` days (default 2) of every other's, so daily strikes on one city do not
  chain into one month-long incident. An event without a day joins nothing;
- **place**: the same place, or one of them has none, or both are in the same country;
- **articles**: two events of one article join only if they are the same words (the same
  evidence text); an article that recounts a strike twice is not two reports of it.

An event that fits several incidents joins the one with the most sides matched by code, then
the same place, then the nearest day, then the oldest. Events are added in the order their
articles were stored, so the incidents built as articles arrive (:func:`update_article`, the
``after_save`` hook of ``pipeline.ingest``) are those :func:`rebuild` builds from scratch. An
incident's id is derived from its first event (article id, evidence offset, type), so it is
stable across rebuilds.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from .records import Analysis, Span
from .store import Store, _bound

DEFAULT_WINDOW = 2  # days
_NAMED = "@named"  # among an uncoded side's words: one of its actors is a named entity

_NAME_STOP = frozenset(
    "the a an of and in on at for to by with from its his her their our this that these those "
    "some several two three four many".split()
)


@dataclass
class IncidentReport:
    """One article's report of an incident: its event and where the words are."""

    article_id: str
    idx: int  # the event's position in its article's events
    outlet: str | None
    title: str | None
    url: str | None
    published: str | None
    day: str | None
    evidence: Span
    trigger: Span
    reported_by: str | None  # who the article says reported it (alleged), else None
    source: list[str]  # actor names as the article gives them
    target: list[str]
    place: str | None

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["evidence"] = self.evidence.__dict__
        out["trigger"] = self.trigger.__dict__
        return out


@dataclass
class Incident:
    id: str
    type: str
    modality: str  # factual | negated | hypothetical | future
    source_codes: list[str]
    target_codes: list[str]
    first_day: str | None
    last_day: str | None
    places: list[dict[str, str | None]]  # {name, country}
    alleged: bool  # every report is someone's claim (reported_by)
    reports: list[IncidentReport] = field(default_factory=list)

    @property
    def articles(self) -> int:
        return len({r.article_id for r in self.reports})

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "modality": self.modality,
            "source_codes": self.source_codes,
            "target_codes": self.target_codes,
            "first_day": self.first_day,
            "last_day": self.last_day,
            "places": self.places,
            "alleged": self.alleged,
            "articles": self.articles,
            "reports": [r.to_dict() for r in self.reports],
        }


# -- the events as the matcher sees them ------------------------------------------------------


@dataclass
class _Event:
    article_id: str
    idx: int
    type: str
    modality: str
    day: str | None
    source: set[str]
    target: set[str]
    source_names: set[str]  # words of the actors without a code
    target_names: set[str]
    source_bare: bool  # no actor at all on that side
    target_bare: bool
    place: str | None
    country: str | None
    evidence: str
    evidence_start: int
    reported: bool
    fingerprint: str


@dataclass
class _Incident:
    id: str
    type: str
    modality: str
    source: set[str]
    target: set[str]
    source_names: set[str]
    target_names: set[str]
    source_bare: bool
    target_bare: bool
    first_day: str
    last_day: str
    places: list[dict[str, str | None]]
    alleged: bool
    events: int
    articles: set[str]

    def data(self) -> str:
        return json.dumps(
            {
                "source_names": sorted(self.source_names),
                "target_names": sorted(self.target_names),
                "source_bare": self.source_bare,
                "target_bare": self.target_bare,
                "places": self.places,
                "articles": sorted(self.articles),
            },
            ensure_ascii=False,
        )


def _modality(data: dict[str, Any]) -> str:
    if data.get("negated"):
        return "negated"
    if data.get("hypothetical") or data.get("conditional"):
        return "hypothetical"
    if data.get("future"):
        return "future"
    return "factual"


def _name_words(name: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", name.lower()) if w not in _NAME_STOP}


def _codes_text(codes: Iterable[str]) -> str:
    ordered = sorted(set(codes), key=lambda c: (c.upper(), c))
    return "," + ",".join(ordered) + "," if ordered else ""


def _codes_of(text: str) -> set[str]:
    return {c for c in text.split(",") if c}


def _load_events(store: Store, article_id: str | None = None) -> Iterator[_Event]:
    """Stored events (of one article, or all) in the order their articles were stored."""
    where, params = ("WHERE e.article_id = ?", [article_id]) if article_id else ("", [])
    actors: dict[tuple[str, int], list[Any]] = {}
    for row in store.db.execute(
        f"SELECT x.article_id, x.idx, x.role, x.code, x.name, x.entity FROM event_actors x "
        f"{where.replace('e.', 'x.')}",
        params,
    ):
        actors.setdefault((row["article_id"], row["idx"]), []).append(row)
    countries: dict[tuple[str, str], str | None] = {}
    for row in store.db.execute(
        f"SELECT n.article_id, n.name, n.country FROM entities n {where.replace('e.', 'n.')}",
        params,
    ):
        countries.setdefault((row["article_id"], row["name"].casefold()), row["country"])
    rows = store.db.execute(
        "SELECT e.article_id, e.idx, e.type, e.day, e.data FROM events e "
        f"JOIN articles a ON a.id = e.article_id {where} ORDER BY a.rowid, e.idx",
        params,
    )
    for row in rows:
        data = json.loads(row["data"])
        key = (row["article_id"], row["idx"])
        sides: dict[str, tuple[set[str], set[str], bool]] = {}
        for role in ("source", "target"):
            mine = [a for a in actors.get(key, []) if a["role"] == role]
            codes = {a["code"] for a in mine if a["code"]}
            names = {w for a in mine if not a["code"] for w in _name_words(a["name"])}
            if any(not a["code"] and a["entity"] for a in mine):
                names.add(_NAMED)  # a named actor without a code is not an unknown one
            sides[role] = (codes, names, not mine)
        place = data.get("place")
        evidence = data.get("evidence") or {}
        yield _Event(
            article_id=row["article_id"],
            idx=row["idx"],
            type=row["type"],
            modality=_modality(data),
            day=row["day"],
            source=sides["source"][0],
            target=sides["target"][0],
            source_names=sides["source"][1],
            target_names=sides["target"][1],
            source_bare=sides["source"][2],
            target_bare=sides["target"][2],
            place=place,
            country=countries.get((row["article_id"], place.casefold())) if place else None,
            evidence=evidence.get("text", ""),
            evidence_start=int(evidence.get("start", 0)),
            reported=data.get("reported_by") is not None,
            fingerprint=_fingerprint(row["data"], row["day"]),
        )


def _fingerprint(data: str, day: str | None) -> str:
    return hashlib.sha1(f"{data}|{day}".encode()).hexdigest()[:16]


def _incident_id(event: _Event) -> str:
    seed = f"{event.article_id}:{event.evidence_start}:{event.type}:{event.idx}"
    return "inc-" + hashlib.sha1(seed.encode()).hexdigest()[:12]


# -- matching ---------------------------------------------------------------------------------


def _side(
    codes: set[str], other: set[str], names: set[str], other_names: set[str], bare: bool, ob: bool
) -> str:
    """How one side of an event fits the same side of an incident: code | unknown | conflict."""
    if codes and other:
        return "code" if _upper(codes) & _upper(other) else "conflict"
    if codes or other:
        # "security forces" may be RUS; "Abdul Qahar Balkhi" (named, no code) is someone else
        return "conflict" if _NAMED in names | other_names else "unknown"
    if bare and ob:
        return "unknown"
    if names & other_names:
        return "unknown"
    return "conflict"


def _upper(codes: set[str]) -> set[str]:
    return {c.upper() for c in codes}


def _days_apart(a: str, b: str) -> int:
    return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)


def _fit(event: _Event, incident: _Incident, window: int) -> tuple[int, int, int] | None:
    """How well an event fits an incident (higher is better), or None if it does not."""
    if event.type != incident.type or event.modality != incident.modality or event.day is None:
        return None
    first = min(incident.first_day, event.day)
    last = max(incident.last_day, event.day)
    if _days_apart(first, last) > window:
        return None
    sides = [
        _side(
            event.source,
            incident.source,
            event.source_names,
            incident.source_names,
            event.source_bare,
            incident.source_bare,
        ),
        _side(
            event.target,
            incident.target,
            event.target_names,
            incident.target_names,
            event.target_bare,
            incident.target_bare,
        ),
    ]
    if "conflict" in sides or "code" not in sides:
        return None
    place_score = 0
    if event.place and incident.places:
        names = {str(p["name"]).casefold() for p in incident.places}
        countries = {p["country"] for p in incident.places if p["country"]}
        if event.place.casefold() in names:
            place_score = 2
        elif event.country and event.country in countries:
            place_score = 1
        else:
            return None
    nearest = min(
        _days_apart(event.day, incident.first_day), _days_apart(event.day, incident.last_day)
    )
    return sides.count("code"), place_score, -nearest


def _candidates(store: Store, event: _Event, window: int) -> list[_Incident]:
    assert event.day is not None
    day = date.fromisoformat(event.day)
    low = (day - timedelta(days=window)).isoformat()
    high = (day + timedelta(days=window)).isoformat()
    rows = store.db.execute(
        "SELECT rowid, * FROM incidents WHERE type = ? AND modality = ? AND first_day >= ? "
        "AND last_day <= ? ORDER BY rowid",
        (event.type, event.modality, low, high),
    )
    return [_incident_of(row) for row in rows]


def _incident_of(row: Any) -> _Incident:
    data = json.loads(row["data"])
    return _Incident(
        id=row["id"],
        type=row["type"],
        modality=row["modality"],
        source=_codes_of(row["source_codes"]),
        target=_codes_of(row["target_codes"]),
        source_names=set(data["source_names"]),
        target_names=set(data["target_names"]),
        source_bare=data["source_bare"],
        target_bare=data["target_bare"],
        first_day=row["first_day"],
        last_day=row["last_day"],
        places=data["places"],
        alleged=bool(row["alleged"]),
        events=row["events"],
        articles=set(data["articles"]),
    )


#: Acts that happen once at a place and time: an attack, an arrest, a deployment. Two reports of
#: one with both sides matched by code are one incident. Other types (statements: requests,
#: accusations, rejections, meetings) are many a day between the same actors, so they merge
#: only when the reports also share words (:data:`MIN_SHARED_WORDS`, :data:`MIN_OVERLAP`).
MATERIAL_TYPES = frozenset(
    {"ASSAULT", "COERCE", "MOBILIZE", "RETREAT", "PROTEST", "AID", "SANCTION"}
)
MIN_SHARED_WORDS = 2
MIN_OVERLAP = 0.25
_WORD_STOP = _NAME_STOP | frozenset(
    "was were is are be been has have had will would could should not said says say who which "
    "that than then there into over after before about against also while under".split()
)


def needs_words(event: _Event, score: tuple[int, int, int]) -> bool:
    """Must the reports also share words? Yes for a statement, and for an act with a side
    only known on one of them (an unknown side is compatible, so words must confirm it)."""
    return event.type not in MATERIAL_TYPES or score[0] < 2


def evidence_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2} - _WORD_STOP


def _shares_words(store: Store, incident: _Incident, event: _Event) -> bool:
    """Do the event's evidence words overlap one report's of the incident: at least
    MIN_SHARED_WORDS in common, and MIN_OVERLAP of the shorter one's words?"""
    mine = evidence_words(event.evidence)
    for row in store.db.execute(
        "SELECT json_extract(e.data, '$.evidence.text') AS words FROM incident_events ie "
        "JOIN events e ON e.article_id = ie.article_id AND e.idx = ie.idx "
        "WHERE ie.incident_id = ?",
        (incident.id,),
    ):
        theirs = evidence_words(row["words"] or "")
        shared = len(mine & theirs)
        if shared >= MIN_SHARED_WORDS and shared / min(len(mine), len(theirs)) >= MIN_OVERLAP:
            return True
    return False


def _same_article_conflict(store: Store, incident: _Incident, event: _Event) -> bool:
    """Does the incident hold an event of the same article with other words?"""
    if event.article_id not in incident.articles:
        return False
    rows = store.db.execute(
        "SELECT json_extract(e.data, '$.evidence.text') AS words FROM incident_events ie "
        "JOIN events e ON e.article_id = ie.article_id AND e.idx = ie.idx "
        "WHERE ie.incident_id = ? AND ie.article_id = ?",
        (incident.id, event.article_id),
    )
    return any(row["words"] != event.evidence for row in rows)


def _add(store: Store, event: _Event, window: int) -> str:
    """Put one event into the incident it fits best, or a new one; returns the incident id."""
    best: tuple[tuple[int, int, int], _Incident] | None = None
    if event.day is not None:
        for incident in _candidates(store, event, window):
            score = _fit(event, incident, window)
            if score is None or (best is not None and score <= best[0]):
                continue
            if _same_article_conflict(store, incident, event):
                continue
            if needs_words(event, score) and not _shares_words(store, incident, event):
                continue
            best = (score, incident)
    if best is None:
        incident = _Incident(
            id=_incident_id(event),
            type=event.type,
            modality=event.modality,
            source=set(event.source),
            target=set(event.target),
            source_names=set(event.source_names),
            target_names=set(event.target_names),
            source_bare=event.source_bare,
            target_bare=event.target_bare,
            first_day=event.day or "",
            last_day=event.day or "",
            places=[],
            alleged=event.reported,
            events=0,
            articles=set(),
        )
        fresh = True
    else:
        incident, fresh = best[1], False
    incident.source |= event.source
    incident.target |= event.target
    incident.source_names |= event.source_names
    incident.target_names |= event.target_names
    incident.source_bare = incident.source_bare and event.source_bare
    incident.target_bare = incident.target_bare and event.target_bare
    if event.day is not None:
        incident.first_day = min(incident.first_day or event.day, event.day)
        incident.last_day = max(incident.last_day or event.day, event.day)
    if event.place and event.place.casefold() not in {
        str(p["name"]).casefold() for p in incident.places
    }:
        incident.places.append({"name": event.place, "country": event.country})
    incident.alleged = incident.alleged and event.reported
    incident.events += 1
    incident.articles.add(event.article_id)
    values = (
        incident.type,
        incident.modality,
        _codes_text(incident.source),
        _codes_text(incident.target),
        incident.first_day or None,
        incident.last_day or None,
        len(incident.articles),
        incident.events,
        int(incident.alleged),
        incident.data(),
    )
    if fresh:
        store.db.execute(
            "INSERT INTO incidents (type, modality, source_codes, target_codes, first_day, "
            "last_day, reports, events, alleged, data, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*values, incident.id),
        )
    else:
        store.db.execute(
            "UPDATE incidents SET type = ?, modality = ?, source_codes = ?, target_codes = ?, "
            "first_day = ?, last_day = ?, reports = ?, events = ?, alleged = ?, data = ? "
            "WHERE id = ?",
            (*values, incident.id),
        )
    store.db.execute(
        "INSERT INTO incident_events (incident_id, article_id, idx, position, fingerprint) "
        "VALUES (?, ?, ?, ?, ?)",
        (incident.id, event.article_id, event.idx, incident.events, event.fingerprint),
    )
    return incident.id


# -- keeping the incidents up to date ---------------------------------------------------------


def update_article(store: Store, article_id: str, *, window: int = DEFAULT_WINDOW) -> int:
    """Bring the incidents up to date with one stored article (new or analysed again); returns
    how many of its events were (re)assigned. Idempotent: an article whose events have not
    changed is left alone."""
    with store.transaction():
        return _sync(store, article_id, window)


def sync(store: Store, *, window: int = DEFAULT_WINDOW) -> int:
    """Assign every stored event not yet in an incident (and those whose article was analysed
    again without the hook), in the order their articles were stored."""
    with store.transaction():
        return _sync(store, None, window)


def rebuild(store: Store, *, window: int = DEFAULT_WINDOW) -> int:
    """Forget all incidents and build them again from the stored events; returns how many."""
    with store.transaction():
        store.db.execute("DELETE FROM incident_events")
        store.db.execute("DELETE FROM incidents")
        _sync(store, None, window)
        return int(store.db.execute("SELECT count(*) FROM incidents").fetchone()[0])


def _sync(store: Store, article_id: str | None, window: int) -> int:
    events = list(_load_events(store, article_id))
    current = {(e.article_id, e.idx): e.fingerprint for e in events}
    where, params = ("WHERE article_id = ?", [article_id]) if article_id else ("", [])
    stale: set[str] = set()  # articles analysed again: their events leave their incidents
    members = store.db.execute(
        f"SELECT article_id, idx, fingerprint FROM incident_events {where}", params
    ).fetchall()
    for row in members:
        key = (row["article_id"], row["idx"])
        if current.get(key) != row["fingerprint"]:
            stale.add(row["article_id"])
    assigned = {(r["article_id"], r["idx"]) for r in members if r["article_id"] not in stale}
    readd: list[tuple[str, int]] = []
    if stale:
        marks = ", ".join("?" for _ in stale)
        dissolved = [
            r["incident_id"]
            for r in store.db.execute(
                f"SELECT DISTINCT incident_id FROM incident_events WHERE article_id IN ({marks})",
                sorted(stale),
            )
        ]
        for incident_id in dissolved:
            readd += [
                (r["article_id"], r["idx"])
                for r in store.db.execute(
                    "SELECT article_id, idx FROM incident_events WHERE incident_id = ? "
                    "AND article_id NOT IN (" + marks + ")",
                    (incident_id, *sorted(stale)),
                )
            ]
            store.db.execute("DELETE FROM incidents WHERE id = ?", (incident_id,))
        store.db.execute(
            f"DELETE FROM incident_events WHERE article_id IN ({marks})", sorted(stale)
        )
    todo = [e for e in events if (e.article_id, e.idx) not in assigned]
    if readd:  # members of dissolved incidents from other articles join again, in store order
        others = {a for a, _ in readd}
        wanted = set(readd)
        for other in sorted(others, key=lambda a: _rowid(store, a)):
            todo += [e for e in _load_events(store, other) if (e.article_id, e.idx) in wanted]
        todo.sort(key=lambda e: (_rowid(store, e.article_id), e.idx))
    for event in todo:
        _add(store, event, window)
    return len(todo)


def _rowid(store: Store, article_id: str) -> int:
    row = store.db.execute("SELECT rowid FROM articles WHERE id = ?", (article_id,)).fetchone()
    return int(row[0]) if row else 0


class IncidentUpdater:
    """``pipeline.ingest(..., after_save=IncidentUpdater(store))``: incidents follow each saved
    article."""

    def __init__(self, store: Store, *, window: int = DEFAULT_WINDOW) -> None:
        self.store = store
        self.window = window

    def __call__(self, analysis: Analysis, status: str) -> None:
        update_article(self.store, analysis.article.id, window=self.window)


# -- reading ----------------------------------------------------------------------------------


def incidents(
    store: Store,
    *,
    type: str | None = None,
    source: str | None = None,
    target: str | None = None,
    since: str | None = None,
    until: str | None = None,
    min_reports: int = 1,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[Incident], int]:
    """Stored incidents, newest first (by their last day; no day last), with every report, and
    how many match in all. ``source``/``target``: a code (any case) among the incident's;
    ``since``/``until``: ``YYYY[-MM[-DD]]``, an incident matches when its days overlap the
    range; ``min_reports``: at least that many articles report it."""
    where: list[str] = ["i.reports >= ?"]
    params: list[Any] = [max(1, min_reports)]
    if type:
        where.append("i.type = ?")
        params.append(type.strip().upper())
    for column, code in (("source_codes", source), ("target_codes", target)):
        if code:
            where.append(f"i.{column} LIKE ?")
            params.append("%," + code.strip().replace("%", "").replace("_", "") + ",%")  # any case
    if since:
        where.append("i.last_day >= ?")
        params.append(_bound(since, "since"))
    if until:
        where.append("i.first_day <= ?")
        params.append(_bound(until, "until"))
    condition = " WHERE " + " AND ".join(where)
    total = int(
        store.db.execute(f"SELECT count(*) FROM incidents i{condition}", params).fetchone()[0]
    )
    rows = store.db.execute(
        f"SELECT i.* FROM incidents i{condition} ORDER BY i.last_day IS NULL, i.last_day DESC, "
        "i.reports DESC, i.rowid LIMIT ? OFFSET ?",
        (*params, -1 if limit is None else limit, offset),
    ).fetchall()
    found = [_read(row) for row in rows]
    _fill_reports(store, found)
    return found, total


def get_incident(store: Store, incident_id: str) -> Incident | None:
    row = store.db.execute("SELECT * FROM incidents WHERE id = ?", (incident_id,)).fetchone()
    if row is None:
        return None
    found = [_read(row)]
    _fill_reports(store, found)
    return found[0]


def incident_of_event(store: Store, article_id: str, idx: int) -> str | None:
    row = store.db.execute(
        "SELECT incident_id FROM incident_events WHERE article_id = ? AND idx = ?",
        (article_id, idx),
    ).fetchone()
    return row["incident_id"] if row else None


def _read(row: Any) -> Incident:
    data = json.loads(row["data"])
    return Incident(
        id=row["id"],
        type=row["type"],
        modality=row["modality"],
        source_codes=sorted(_codes_of(row["source_codes"])),
        target_codes=sorted(_codes_of(row["target_codes"])),
        first_day=row["first_day"],
        last_day=row["last_day"],
        places=data["places"],
        alleged=bool(row["alleged"]),
    )


def _fill_reports(store: Store, found: list[Incident]) -> None:
    if not found:
        return
    by_id = {i.id: i for i in found}
    marks = ", ".join("?" for _ in by_id)
    rows = store.db.execute(
        "SELECT ie.incident_id, ie.article_id, ie.idx, e.day, e.data, a.outlet, a.title, a.url, "
        "a.published FROM incident_events ie JOIN events e ON e.article_id = ie.article_id AND "
        "e.idx = ie.idx JOIN articles a ON a.id = ie.article_id "
        f"WHERE ie.incident_id IN ({marks}) ORDER BY ie.incident_id, ie.position",
        list(by_id),
    )
    for row in rows:
        data = json.loads(row["data"])
        reporter = data.get("reported_by")
        by_id[row["incident_id"]].reports.append(
            IncidentReport(
                article_id=row["article_id"],
                idx=row["idx"],
                outlet=row["outlet"],
                title=row["title"],
                url=row["url"],
                published=row["published"],
                day=row["day"],
                evidence=Span(**data["evidence"]),
                trigger=Span(**data["trigger"]),
                reported_by=reporter["name"] if reporter else None,
                source=[a["name"] for a in data.get("source", [])],
                target=[a["name"] for a in data.get("target", [])],
                place=data.get("place"),
            )
        )
