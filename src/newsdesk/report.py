"""The readable terminal report of one analysis."""

from __future__ import annotations

from collections.abc import Iterable

import click

from .records import Actor, Analysis, Entity, Event, Quote

_GROUPS = (
    ("People", ("PERSON",)),
    ("Countries and places", ("GPE", "LOC", "FAC")),
    ("Organisations", ("ORG",)),
    ("Nationalities and groups", ("NORP",)),
    ("Other names", ("EVENT", "LAW", "PRODUCT", "WORK_OF_ART")),
)
WIDTH = 100


def render(analysis: Analysis, *, color: bool = False) -> str:
    """The report as text; ``color`` adds ANSI styles for a terminal."""
    style = click.style if color else (lambda text, **_: text)
    article = analysis.article
    lines = [style(article.title or "(untitled)", bold=True)]
    facts = [
        article.outlet,
        f"by {article.byline}" if article.byline else None,
        f"published {article.published}" if article.published else None,
        f"id {article.id}",
        f"{len(article.text):,} characters",
    ]
    lines.append(" · ".join(f for f in facts if f))
    if article.source:
        lines.append(f"source: {article.source}")
    if article.copies:
        lines.append(f"also published as: {len(article.copies)} copies")
        for copy in article.copies:
            where = [copy.outlet, copy.title, (copy.published or "")[:10] or None]
            lines.append(f"  {' · '.join(w for w in where if w) or '-'}: {copy.url or copy.source}")
    lines.append("")
    for heading, types in _GROUPS:
        group = [e for e in analysis.entities if e.type in types]
        if group:
            lines.append(style(f"{heading} ({len(group)})", bold=True))
            lines.extend(_wrap(", ".join(_entity_label(e) for e in group)))
    if analysis.dates:
        lines.append(style(f"Dates ({len(analysis.dates)})", bold=True))
        for d in analysis.dates:
            value = d.value or "unresolved"
            lines.append(f"  {d.span.text!r} → {value} ({d.granularity}) @{d.span.start}")
    if analysis.quotes:
        lines.append(style(f"Quotes ({len(analysis.quotes)})", bold=True))
        for quote in analysis.quotes:
            lines.extend(_wrap(f"{quote_label(quote)}: {clip(quote.content.text)}"))
    if analysis.events:
        lines.append(style(f"Events ({len(analysis.events)})", bold=True))
        for event in analysis.events:
            lines.extend(_wrap(event_line(event), hanging=True))
    for name, records in (
        ("Figures", analysis.figures),
        ("Claims", analysis.claims),
    ):
        if records:
            lines.append(style(f"{name} ({len(records)})", bold=True))
    return "\n".join(lines)


def quote_label(quote: Quote) -> str:
    """ "Vladimir Putin told → India Today [direct]": who, cue, addressee and kind."""
    who = quote.speaker.name if quote.speaker else "(no speaker)"
    cue = f" {quote.cue.text}" if quote.cue else ""
    to = f" → {quote.addressee.name}" if quote.addressee else ""
    learned = f", learned {quote.confidence:.2f}" if quote.method == "learned" else ""
    return f"{who}{cue}{to} [{quote.kind}{learned}]"


def event_label(event: Event) -> str:
    """ "THREATEN (territory) Russia [RUS] -> Ukraine [UKR]  [conditional; reported by X]"."""
    flags = event_flags(event)
    return f"{event_head(event)}  [{flags}]" if flags else event_head(event)


def event_head(event: Event) -> str:
    """Type, mode and actors: "ASSAULT Russian troops [RUS] -> Kharkiv [UKR]"."""
    mode = f" ({event.mode})" if event.mode else ""
    source = ", ".join(_actor(a) for a in event.source) or "?"
    target = " -> " + ", ".join(_actor(a) for a in event.target) if event.target else ""
    return f"{event.type}{mode} {source}{target}"


def event_flags(event: Event) -> str:
    """ "negated, conditional, future, hypothetical; reported by X" (only those that hold)."""
    flags = [
        name
        for name, value in (
            ("negated", event.negated),
            ("conditional", event.conditional),
            ("future", event.future),
            ("hypothetical", event.hypothetical),
        )
        if value
    ]
    text = ", ".join(flags)
    if event.reported_by is not None:
        text += ("; " if text else "") + f"reported by {event.reported_by.name}"
    return text


def event_line(event: Event) -> str:
    """One event in the report: label, where and when, flags and the evidence."""
    where = [f"in {event.place}"] if event.place else []
    where += [f"on {event.date}"] if event.date else []
    flags = event_flags(event)
    return (
        event_head(event)
        + (f", {' '.join(where)}" if where else "")
        + (f"  [{flags}]" if flags else "")
        + f'  "{clip(event.evidence.text, 120)}"'
    )


def _actor(actor: Actor) -> str:
    """ "Russia [RUS]"; the code is left out when it is the name ("Rapid Support Forces")."""
    if actor.code and actor.code.casefold() != actor.name.casefold():
        return f"{actor.name} [{actor.code}]"
    return actor.name


def clip(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _entity_label(entity: Entity) -> str:
    extra = [entity.country] if entity.country else []
    if entity.place and entity.place.admin1 and entity.type != "PERSON":
        extra.append(entity.place.admin1)
    count = len(entity.mentions)
    suffix = f" ×{count}" if count > 1 else ""
    roles = f" ({'; '.join(entity.roles[:2])})" if entity.roles else ""
    return f"{entity.name}{' [' + ', '.join(extra) + ']' if extra else ''}{roles}{suffix}"


def _wrap(text: str, *, hanging: bool = False) -> Iterable[str]:
    import textwrap

    rest = "    " if hanging else "  "
    return textwrap.wrap(text, WIDTH, initial_indent="  ", subsequent_indent=rest)
