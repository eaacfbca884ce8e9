"""Article text with its records highlighted by their offsets, as safe HTML (the dashboard's
article view, docs/dashboard.md).

Spans may nest or overlap (a quote holds entity mentions, an event's trigger, a figure; a claim
shares a quote's words; two quotes may cross). Spans with the same offsets become one element;
otherwise an element that starts inside another and ends after it is split, so the HTML stays
properly nested (``<mark>`` fragments, each carrying the records it shows). A ``\\n`` ends a
paragraph: open marks are closed before it and reopened after.

Every piece of text and every attribute value goes through :func:`markupsafe.escape`; tag and
class names come from this module, never from the article.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from markupsafe import Markup, escape

#: The layers, in the order their classes are listed (and the legend shows them).
KINDS = ("quote", "claim", "entity", "actor", "event", "figure", "response")
_SAFE = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True)
class Layer:
    """One highlighted span: ``ref`` names its record in the page's records island."""

    start: int
    end: int
    kind: str  # one of KINDS
    ref: str
    anchor: str | None = None  # an element id for the first fragment (links point at it)
    href: str | None = None  # a same-site link (a quote: its speaker's entity page)
    tag: str | None = None  # an extra class word (entity type, "contested")


@dataclass
class _Element:
    start: int
    end: int
    layers: list[Layer] = field(default_factory=list)
    opened: bool = False  # a fragment was written (the next ones are continuations)


def safe_token(value: str) -> str:
    """A value usable in an id or a class name: letters, digits, ``_`` and ``-`` only."""
    return _SAFE.sub("", value)


def render(text: str, layers: list[Layer]) -> Markup:
    """``text`` as ``<p>`` paragraphs with every layer marked; spans outside the text or empty
    are left out."""
    groups: dict[tuple[int, int], _Element] = {}
    for layer in layers:
        if 0 <= layer.start < layer.end <= len(text):
            key = (layer.start, layer.end)
            groups.setdefault(key, _Element(layer.start, layer.end)).layers.append(layer)
    starts: dict[int, list[_Element]] = defaultdict(list)
    for element in groups.values():
        starts[element.start].append(element)
    for elements in starts.values():
        elements.sort(key=lambda e: -e.end)  # the longer one outside
    bounds = {0, len(text)} | {e.start for e in groups.values()} | {e.end for e in groups.values()}
    for match in re.finditer("\n", text):
        bounds |= {match.start(), match.end()}
    ordered = sorted(bounds)

    out: list[str] = ["<p>"]
    stack: list[tuple[_Element, str]] = []  # open elements, outermost first, with their tag

    def open_(element: _Element) -> None:
        tag = _open_tag(element, inside_link=any(t == "a" for _, t in stack))
        out.append(tag[1])
        stack.append((element, tag[0]))
        element.opened = True

    def close_from(index: int) -> list[_Element]:
        closed = [e for e, _ in stack[index:]]
        out.extend(f"</{t}>" for _, t in reversed(stack[index:]))
        del stack[index:]
        return closed

    for position, following in zip(ordered, ordered[1:], strict=False):
        ending = [i for i, (e, _) in enumerate(stack) if e.end <= position]
        if ending:
            for element in close_from(min(ending)):
                if element.end > position:
                    open_(element)
        for element in starts.get(position, []):
            open_(element)
        piece = text[position:following]
        if piece == "\n":
            reopen = close_from(0)
            out.append("</p>\n<p>")
            for element in reopen:
                open_(element)
        else:
            out.append(str(escape(piece)))
    close_from(0)
    out.append("</p>")
    return Markup("".join(out))


def _open_tag(element: _Element, *, inside_link: bool) -> tuple[str, str]:
    layers = sorted(element.layers, key=lambda layer: KINDS.index(layer.kind))
    classes = ["hl"] + [f"k-{layer.kind}" for layer in layers]
    classes += [f"t-{safe_token(layer.tag)}" for layer in layers if layer.tag]
    if element.opened:
        classes.append("cont")
    refs = " ".join(dict.fromkeys(safe_token(layer.ref) for layer in layers))
    attributes = [f'class="{escape(" ".join(dict.fromkeys(classes)))}"', f'data-r="{refs}"']
    anchor = next((layer.anchor for layer in layers if layer.anchor), None)
    if anchor and not element.opened:
        attributes.append(f'id="{escape(safe_token(anchor))}"')
    href = next((layer.href for layer in layers if layer.href), None)
    if href is not None and not inside_link:
        attributes.append(f'href="{escape(href)}"')
        return "a", f"<a {' '.join(attributes)}>"
    if not element.opened:
        attributes.append('tabindex="0"')  # the first fragment takes the keyboard focus
    return "mark", f"<mark {' '.join(attributes)}>"
