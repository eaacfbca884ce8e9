"""The web dashboard: server-rendered HTML pages over the store, added to the API's app by
:func:`install` (``newsdesk serve``; docs/dashboard.md).

Pages: ``/`` (latest articles), ``/articles/{id}`` (the text with its records highlighted),
``/entities`` and ``/entities/{key}``, ``/events`` (timeline, actor network, map), ``/claims``
(contested claims) and ``/search``. Templates are Jinja2 with autoescape on; the article's records
travel to the page's script in a JSON island (:func:`json_island`) that ``</script>`` cannot
close; the script and the stylesheet are files under ``/static``, and HTML pages carry a CSP that
allows only those (no inline script or style, nothing from another origin).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.staticfiles import StaticFiles

from . import __version__, charts, highlight
from .api import _timeline, claim_groups
from .errors import NewsdeskError, NotFoundError
from .gazetteer import country_name
from .records import Analysis, Entity, EntityRef, Span, to_dict
from .store import Store

#: The Content-Security-Policy of every HTML page: scripts, styles and images from this server
#: only, no inline script or style, no plugins, no framing, forms to this server only.
HTML_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
PAGE = 50  # rows per page of a list
TIMELINE_WIDTH = 1150  # the width of the page's content, so that 1 unit draws 1 pixel
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

_environment = Environment(
    loader=PackageLoader("newsdesk", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def json_island(data: Any) -> Markup:
    """JSON for a ``<script type="application/json">`` element: ``<``, ``>`` and ``&`` (and the
    JavaScript line separators) are written as ``\\u`` escapes, so no string in the data can
    close the element or open a comment, and ``JSON.parse`` reads it back unchanged."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return Markup(text)


def entity_href(kb_id: str | None, name: str, type: str | None = None) -> str:
    """The entity page of a KB entity (by id) or of a name (with its type, which picks one
    when a name has several)."""
    href = "/entities/" + quote(kb_id or name, safe="")
    return href if kb_id or not type else f"{href}?{urlencode({'type': type})}"


def article_href(article_id: str, anchor: str | None = None) -> str:
    return "/articles/" + quote(article_id, safe="") + (f"#{anchor}" if anchor else "")


def snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """A search snippet with its matching words in ``[brackets]`` as (text, matched) parts."""
    parts: list[tuple[str, bool]] = []
    position = 0
    for match in re.finditer(r"\[([^\[\]]+)\]", snippet):
        if match.start() > position:
            parts.append((snippet[position : match.start()], False))
        parts.append((match.group(1), True))
        position = match.end()
    if position < len(snippet):
        parts.append((snippet[position:], False))
    return parts


_environment.globals.update(
    entity_href=entity_href,
    article_href=article_href,
    snippet_parts=snippet_parts,
    version=__version__,
)


def _render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = _environment.get_template(template).render(path=request.url.path, **context)
    return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": HTML_CSP})


def _text(value: str | None) -> str | None:
    """A query parameter as given, or None when it is missing or blank."""
    return value.strip() if value and value.strip() else None


def _date(value: str | None, name: str, problems: list[str]) -> str | None:
    value = _text(value)
    if value is not None and not _DATE.match(value):
        problems.append(f"{name}: {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD (ignored)")
        return None
    return value


def _offset(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


def _link(base: str, params: Mapping[str, Any], **changes: Any) -> str:
    """``base`` with the non-empty ``params`` (``changes`` applied) as its query."""
    merged = {**params, **changes}
    query = urlencode({k: v for k, v in merged.items() if v not in (None, "", 0)})
    return f"{base}?{query}" if query else base


@dataclass
class Pager:
    offset: int
    shown: int
    total: int
    previous: str | None
    next: str | None


def _pager(base: str, params: Mapping[str, Any], offset: int, shown: int, total: int) -> Pager:
    previous = _link(base, params, offset=max(0, offset - PAGE)) if offset > 0 else None
    following = _link(base, params, offset=offset + PAGE) if offset + shown < total else None
    return Pager(offset, shown, total, previous, following)


# -- the article view -------------------------------------------------------------------------


def _ref_row(label: str, ref: EntityRef | None, analysis: Analysis) -> list[Any]:
    if ref is None:
        return [label, "—", None]
    entity = analysis.entity(ref.entity) if ref.entity else None
    href = entity_href(entity.kb_id, entity.name, entity.type) if entity else None
    return [label, ref.name, href]


def _span_text(span: Span | None) -> str:
    return span.text if span is not None else "—"


def _flags(record: Any) -> str:
    names = ("negated", "conditional", "future", "hypothetical")
    return ", ".join(n for n in names if getattr(record, n)) or "none"


def article_view(analysis: Analysis) -> dict[str, Any]:
    """The highlighted text, the records island and the lists of the article page."""
    layers: list[highlight.Layer] = []
    records: dict[str, dict[str, Any]] = {}
    entity_refs: dict[str, str] = {}

    def entity_page(entity: Entity) -> str:
        return entity_href(entity.kb_id, entity.name, entity.type)

    for i, entity in enumerate(analysis.entities):
        ref = entity_refs[entity.id] = f"n{i}"
        place = entity.place
        rows: list[list[Any]] = [
            ["Name", entity.name, entity_page(entity)],
            ["Type", entity.type, None],
        ]
        rows += [["KB id", entity.kb_id, None]] if entity.kb_id else []
        rows += [["Country", entity.country, None]] if entity.country else []
        rows += [["Role", role, None] for role in entity.roles]
        if place is not None and place.lat is not None and place.lon is not None:
            where = ", ".join(p for p in (place.admin1, place.country) if p)
            rows.append(["Place", f"{place.lat:.3f}, {place.lon:.3f} {where}".strip(), None])
        rows.append(["Mentions", str(len(entity.mentions)), None])
        records[ref] = {
            "kind": "entity",
            "title": f"{entity.name} ({entity.type})",
            "rows": rows,
            "raw": to_dict(entity),
        }
        for n, mention in enumerate(entity.mentions):
            anchor = f"entity-{entity.id}" if n == 0 else None
            layers.append(
                highlight.Layer(mention.start, mention.end, "entity", ref, anchor, tag=entity.type)
            )

    for i, quote_ in enumerate(analysis.quotes):
        ref = f"q{i}"
        speaker = quote_.speaker
        said_by = analysis.entity(speaker.entity) if speaker and speaker.entity else None
        rows = [
            ["Kind", quote_.kind, None],
            _ref_row("Speaker", speaker, analysis),
            ["Cue", _span_text(quote_.cue), None],
        ]
        rows += [_ref_row("Addressee", quote_.addressee, analysis)] if quote_.addressee else []
        rows.append(["Words", quote_.content.text, None])
        if quote_.method == "learned":
            rows.append(["Found by", f"the learned fallback ({quote_.confidence:.2f})", None])
        records[ref] = {
            "kind": "quote",
            "title": f"Quote by {speaker.name}" if speaker else "Quote",
            "rows": rows,
            "raw": to_dict(quote_),
        }
        span = quote_.content
        layers.append(
            highlight.Layer(
                span.start,
                span.end,
                "quote",
                ref,
                f"quote-{span.start}-{span.end}",
                href=entity_page(said_by) if said_by else None,
            )
        )

    for i, event in enumerate(analysis.events):
        ref = f"v{i}"
        rows = [["Type", event.type + (f" ({event.mode})" if event.mode else ""), None]]
        for side, actors in (("Source", event.source), ("Target", event.target)):
            for actor in actors:
                known = analysis.entity(actor.entity) if actor.entity else None
                label = actor.name + (f" [{actor.code}]" if actor.code else "")
                rows.append([side, label, entity_page(known) if known else None])
                layers.append(highlight.Layer(actor.mention.start, actor.mention.end, "actor", ref))
            if not actors:
                rows.append([side, "—", None])
        rows += [
            ["Trigger", event.trigger.text, None],
            ["Evidence", event.evidence.text, None],
        ]
        rows += [["Place", event.place, None]] if event.place else []
        rows += [["Date", event.date, None]] if event.date else []
        rows += [["Context", ", ".join(event.contexts), None]] if event.contexts else []
        rows.append(["Flags", _flags(event), None])
        rows += [_ref_row("Reported by", event.reported_by, analysis)] if event.reported_by else []
        records[ref] = {
            "kind": "event",
            "title": f"Event {event.type}",
            "rows": rows,
            "raw": to_dict(event),
        }
        trigger = event.trigger
        layers.append(highlight.Layer(trigger.start, trigger.end, "event", ref, f"event-{i}"))

    for i, figure in enumerate(analysis.figures):
        ref = f"f{i}"
        value = "—" if figure.value is None else f"{figure.value:g}"
        if figure.upper is not None:
            value += f" to {figure.upper:g}"
        rows = [["Value", value + (f" {figure.unit}" if figure.unit else ""), None]]
        for label, text in (
            ("Hedge", figure.approx),
            ("Bound", figure.bound),
            ("Counts", figure.counted),
            ("Kind", figure.kind),
            ("Place", figure.place),
            ("Date", figure.date),
        ):
            if text:
                rows.append([label, text, None])
        if figure.claimed_by:
            rows.append(_ref_row("Claimed by", figure.claimed_by, analysis))
        if figure.event is not None and 0 <= figure.event < len(analysis.events):
            rows.append(["Event", analysis.events[figure.event].type, f"#event-{figure.event}"])
        rows.append(["Words", figure.span.text, None])
        records[ref] = {
            "kind": "figure",
            "title": f"Figure: {figure.span.text}",
            "rows": rows,
            "raw": to_dict(figure),
        }
        layers.append(
            highlight.Layer(figure.span.start, figure.span.end, "figure", ref, f"figure-{i}")
        )

    for i, claim in enumerate(analysis.claims):
        ref = f"c{i}"
        rows = [
            _ref_row("Holder", claim.holder, analysis),
            ["Stance", claim.stance, None],
            ["Contested", "yes" if claim.contested else "no", None],
            ["Words", claim.content.text, None],
        ]
        for response in claim.responses:
            holder_row = _ref_row("Response", response.holder, analysis)
            holder_row[1] = f"{response.holder.name}: {response.stance} ({response.cue.text})"
            rows.append(holder_row)
            layers.append(highlight.Layer(response.cue.start, response.cue.end, "response", ref))
        records[ref] = {
            "kind": "claim",
            "title": ("Contested claim" if claim.contested else "Claim")
            + f" by {claim.holder.name}",
            "rows": rows,
            "raw": to_dict(claim),
        }
        span = claim.content
        layers.append(
            highlight.Layer(
                span.start,
                span.end,
                "claim",
                ref,
                f"claim-{claim.id}",
                tag="contested" if claim.contested else None,
            )
        )

    by_type: dict[str, list[Entity]] = {}
    for entity in analysis.entities:
        by_type.setdefault(entity.type, []).append(entity)
    return {
        "text": highlight.render(analysis.article.text, layers),
        "records": json_island(records),
        "entity_types": sorted(by_type.items(), key=lambda item: (-len(item[1]), item[0])),
    }


# -- the routes -------------------------------------------------------------------------------


def install(app: FastAPI, open_store: Callable[[], Any]) -> None:
    """Add the dashboard's pages and its static files to ``app``; ``open_store`` is the
    context manager factory that gives each request its own :class:`Store`."""
    app.mount("/static", StaticFiles(packages=[("newsdesk", "static")]), name="static")

    def page(request: Request, template: str, build: Callable[[Store], dict[str, Any]]) -> Any:
        try:
            with open_store() as store:
                context = build(store)
        except NotFoundError as error:
            return _render(request, "error.html", 404, title="Not found", message=error.message)
        except NewsdeskError as error:
            return _render(request, "error.html", 422, title="Bad request", message=error.message)
        return _render(request, template, **context)

    @app.get("/", include_in_schema=False, response_class=HTMLResponse)
    def home(
        request: Request,
        since: str | None = None,
        until: str | None = None,
        outlet: str | None = None,
        offset: str | None = None,
    ) -> Any:
        def build(store: Store) -> dict[str, Any]:
            problems: list[str] = []
            filters = {
                "since": _date(since, "since", problems),
                "until": _date(until, "until", problems),
                "outlet": _text(outlet),
            }
            start = _offset(offset)
            rows, total = store.find_articles(**filters, limit=PAGE, offset=start)
            return {
                "title": "Latest articles",
                "filters": filters,
                "problems": problems,
                "articles": rows,
                "outlets": store.outlets(),
                "pager": _pager("/", filters, start, len(rows), total),
                "stored": store.count(),
            }

        return page(request, "home.html", build)

    @app.get("/articles/{article_id}", include_in_schema=False, response_class=HTMLResponse)
    def article(request: Request, article_id: str) -> Any:
        def build(store: Store) -> dict[str, Any]:
            analysis = store.get(article_id)
            return {
                "title": analysis.article.title or analysis.article.id,
                "analysis": analysis,
                "article": analysis.article,
                **article_view(analysis),
            }

        return page(request, "article.html", build)

    @app.get("/entities", include_in_schema=False, response_class=HTMLResponse)
    def entities(
        request: Request,
        type: str | None = None,
        name: str | None = None,
        offset: str | None = None,
    ) -> Any:
        def build(store: Store) -> dict[str, Any]:
            filters = {"type": _text(type), "name": _text(name)}
            every = store.entities(limit=2**62)
            rows = store.entities(**filters, limit=2**62) if any(filters.values()) else every
            start = _offset(offset)
            shown = rows[start : start + PAGE]
            return {
                "title": "Entities",
                "filters": filters,
                "entities": shown,
                "types": sorted({row.type for row in every}),
                "pager": _pager("/entities", filters, start, len(shown), len(rows)),
            }

        return page(request, "entities.html", build)

    @app.get("/entities/{key:path}", include_in_schema=False, response_class=HTMLResponse)
    def entity(request: Request, key: str, type: str | None = None) -> Any:
        def build(store: Store) -> dict[str, Any]:
            return entity_context(store, key, _text(type))

        return page(request, "entity.html", build)

    @app.get("/events", include_in_schema=False, response_class=HTMLResponse)
    def events(
        request: Request,
        type: str | None = None,
        source: str | None = None,
        target: str | None = None,
        since: str | None = None,
        until: str | None = None,
        offset: str | None = None,
    ) -> Any:
        def build(store: Store) -> dict[str, Any]:
            problems: list[str] = []
            filters = {
                "type": _text(type),
                "source": _text(source),
                "target": _text(target),
                "since": _date(since, "since", problems),
                "until": _date(until, "until", problems),
            }
            return events_context(store, filters, problems, _offset(offset))

        return page(request, "events.html", build)

    @app.get("/claims", include_in_schema=False, response_class=HTMLResponse)
    def claims(
        request: Request,
        show: str | None = None,
        holder: str | None = None,
        about: str | None = None,
        offset: str | None = None,
    ) -> Any:
        def build(store: Store) -> dict[str, Any]:
            everything = show == "all"
            filters = {"show": "all" if everything else None, "holder": _text(holder)}
            filters["about"] = _text(about)
            groups = claim_groups(
                store,
                holder=filters["holder"],
                about=filters["about"],
                contested=None if everything else True,
            )
            start = _offset(offset)
            shown = groups[start : start + PAGE]
            return {
                "title": "Claims" if everything else "Contested claims",
                "filters": filters,
                "everything": everything,
                "groups": shown,
                "pager": _pager("/claims", filters, start, len(shown), len(groups)),
            }

        return page(request, "claims.html", build)

    @app.get("/incidents", include_in_schema=False, response_class=HTMLResponse)
    def incidents_page(
        request: Request,
        type: str | None = None,
        source: str | None = None,
        target: str | None = None,
        since: str | None = None,
        until: str | None = None,
        min_reports: str | None = None,
        offset: str | None = None,
    ) -> Any:
        from .incidents import incidents, sync

        def build(store: Store) -> dict[str, Any]:
            problems: list[str] = []
            least = int(min_reports) if min_reports and min_reports.isdigit() else 2
            filters: dict[str, Any] = {
                "type": (_text(type) or "").upper() or None,
                "source": _text(source),
                "target": _text(target),
                "since": _date(since, "from", problems),
                "until": _date(until, "to", problems),
                "min_reports": least,
            }
            sync(store)  # events stored without the incidents hook join first
            start = _offset(offset)
            found, total = incidents(
                store,
                type=filters["type"],
                source=filters["source"],
                target=filters["target"],
                since=filters["since"],
                until=filters["until"],
                min_reports=least,
                limit=PAGE,
                offset=start,
            )
            return {
                "title": "Incidents",
                "filters": filters,
                "problems": problems,
                "incidents": found,
                "pager": _pager("/incidents", filters, start, len(found), total),
            }

        return page(request, "incidents.html", build)

    @app.get("/search", include_in_schema=False, response_class=HTMLResponse)
    def search(
        request: Request,
        q: str | None = None,
        kind: str | None = None,
        offset: str | None = None,
    ) -> Any:
        def build(store: Store) -> dict[str, Any]:
            words = _text(q)
            wanted = kind if kind in ("article", "quote") else None
            found = store.search(words, limit=500) if words else []
            hits = [h for h in found if h.kind == (wanted or h.kind)]
            start = _offset(offset)
            shown = hits[start : start + PAGE]
            filters = {"q": words, "kind": wanted}
            return {
                "titles": store.titles(sorted({h.article_id for h in shown})) if shown else {},
                "title": f"Search: {words}" if words else "Search",
                "q": words or "",
                "filters": filters,
                "hits": shown,
                "pager": _pager("/search", filters, start, len(shown), len(hits)),
            }

        return page(request, "search.html", build)


# -- page contexts ----------------------------------------------------------------------------


def entity_context(store: Store, key: str, type: str | None) -> dict[str, Any]:
    records = store.entity_records(key, type=type)
    summary = records.summary
    timeline = _timeline(records)
    lane_names = {
        ("article", "mentioned"): "mentioned",
        ("quote", "said"): "said",
        ("quote", "about"): "quoted about",
        ("event", "source"): "source of",
        ("event", "target"): "target of",
    }
    lanes: dict[str, list[tuple[str | None, int]]] = {name: [] for name in lane_names.values()}
    for item in timeline:
        lanes[lane_names[(item["kind"], item["role"])]].append((item["date"], 1))
    actor = summary.kb_id or summary.name

    def dot_link(label: str, period: str) -> str | None:
        role = {"source of": "source", "target of": "target"}.get(label)
        if role is None:
            return None
        return _link("/events", {role: actor, "since": period, "until": period})

    chart = charts.timeline(
        [(name, items) for name, items in lanes.items() if items],
        dot_link=dot_link,
        nouns=("item", "items"),
        width=TIMELINE_WIDTH,
    )
    return {
        "title": summary.name,
        "summary": summary,
        "country": country_name(summary.country) if summary.country else None,
        "records": records,
        "timeline": chart,
        "actor": actor,
        "limit": PAGE,
    }


def events_context(
    store: Store, filters: dict[str, Any], problems: list[str], offset: int
) -> dict[str, Any]:
    types = store.event_counts("type", **{**filters, "type": None})
    shown_types = [t for t in types if not filters["type"] or t["type"] == filters["type"]]
    lanes = [
        (
            row["type"],
            [(r["day"], r["events"]) for r in store.event_counts("day", **filters | row)],
        )
        for row in ({"type": t["type"]} for t in shown_types)
    ]
    timeline = charts.timeline(
        lanes,
        lane_link=lambda label: _link("/events", filters, type=label, offset=None),
        dot_link=lambda label, period: _link(
            "/events", filters, type=label, since=period, until=period, offset=None
        ),
        width=TIMELINE_WIDTH,
    )
    pairs = store.event_counts("pair", **filters)
    network = charts.network(
        [(p["source"], p["target"], p["events"]) for p in pairs],
        name=lambda code: f"{code} ({country_name(code)})" if country_name(code) else code,
        node_link=lambda code: _link("/events", filters, source=code, target=None, offset=None),
        edge_link=lambda a, b: _link("/events", filters, source=a, target=b, offset=None),
    )
    places: dict[tuple[str, float, float], list[dict[str, Any]]] = {}
    located = store.event_places(**filters)
    for row in located:
        places.setdefault((row["place"], row["lat"], row["lon"]), []).append(row)
    points = [
        (
            name,
            lat,
            lon,
            len(rows),
            f"{name}: {len(rows)} event{'s' if len(rows) != 1 else ''} ("
            + ", ".join(sorted({r["type"] for r in rows}))
            + ")",
            article_href(rows[0]["article_id"], f"event-{rows[0]['idx']}"),
        )
        for (name, lat, lon), rows in places.items()
    ]
    total = sum(t["events"] for t in shown_types)
    rows = store.events(**filters, limit=offset + PAGE)[offset:]
    return {
        "title": "Events",
        "filters": filters,
        "problems": problems,
        "types": types,
        "total": total,
        "timeline": timeline,
        "network": network,
        "map": charts.world_map(points),
        "located": len(located),
        "events": rows,
        "pager": _pager("/events", filters, offset, len(rows), total),
    }
