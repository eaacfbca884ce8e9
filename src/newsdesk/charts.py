"""Geometry of the dashboard's charts, computed on the server (docs/dashboard.md): a timeline in
swim lanes, an actor network on a circle, and a map of points in the equirectangular projection
with a graticule. The templates draw them as inline SVG; no script and no map data is needed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

#: Colour classes (``c0`` ... ``c7`` in dashboard.css), given to chart series in turn.
PALETTE = 8


def colour(index: int) -> str:
    return f"c{index % PALETTE}"


# -- timeline ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    r: float
    count: int
    title: str
    href: str | None
    css: str


@dataclass(frozen=True)
class Lane:
    label: str
    y: float
    total: int
    href: str | None
    css: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass
class Timeline:
    width: int
    height: int
    left: int
    right: int
    axis_y: float
    unit: str  # day | month | year: what one dot counts
    lanes: list[Lane] = field(default_factory=list)
    dots: list[Dot] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    undated: int = 0


LaneData = tuple[str, Sequence[tuple[str | None, int]]]  # (label, [(YYYY-MM-DD or None, count)])


def timeline(
    lanes: Sequence[LaneData],
    *,
    lane_link: Callable[[str], str | None] = lambda label: None,
    dot_link: Callable[[str, str], str | None] = lambda label, period: None,
    nouns: tuple[str, str] = ("event", "events"),
    width: int = 900,
    left: int = 120,
    lane_height: int = 30,
) -> Timeline:
    """One lane per label, one dot per period (day, month or year, whichever suits the range
    of the dates), its area by the count. ``dot_link(label, period)`` gets the period as
    ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (the store's since/until forms)."""
    days = [date.fromisoformat(d[:10]) for _, items in lanes for d, _ in items if d]
    right = 24
    chart = Timeline(width, 0, left, right, 0.0, "day")
    chart.undated = sum(n for _, items in lanes for d, n in items if not d)
    if not days:
        chart.height = 40
        return chart
    first, last = min(days), max(days)
    span = (last - first).days
    chart.unit = unit = "day" if span <= 92 else "month" if span <= 4 * 366 else "year"
    low, high = _bin_start(first, unit), _bin_end(last, unit)
    pad = max(1, (high - low).days // 40)
    low, high = low - timedelta(days=pad), high + timedelta(days=pad)
    plot = width - left - right

    def x_of(day: date) -> float:
        return round(left + plot * (day - low).days / max(1, (high - low).days), 1)

    binned: list[tuple[str, dict[date, int]]] = []
    for label, items in lanes:
        bins: dict[date, int] = {}
        for day_text, count in items:
            if day_text:
                key = _bin_start(date.fromisoformat(day_text[:10]), unit)
                bins[key] = bins.get(key, 0) + count
        if bins:
            binned.append((label, bins))
    largest = max((n for _, bins in binned for n in bins.values()), default=1)
    for row, (label, bins) in enumerate(binned):
        y = 14 + row * lane_height + lane_height / 2
        css = colour(row)
        chart.lanes.append(Lane(label, y, sum(bins.values()), lane_link(label), css))
        for start, count in sorted(bins.items()):
            middle = start + (_bin_end(start, unit) - start) / 2
            period = _period(start, unit)
            noun = nouns[0] if count == 1 else nouns[1]
            chart.dots.append(
                Dot(
                    x_of(middle),
                    y,
                    round(3 + 8 * math.sqrt(count / largest), 1),
                    count,
                    f"{label} · {period} · {count} {noun}",
                    dot_link(label, period),
                    css,
                )
            )
    chart.axis_y = 14 + len(binned) * lane_height + 4
    chart.height = int(chart.axis_y + 26)
    chart.ticks = [Tick(x_of(day), text) for day, text in _ticks(low, high)]
    return chart


def _bin_start(day: date, unit: str) -> date:
    if unit == "month":
        return day.replace(day=1)
    if unit == "year":
        return day.replace(month=1, day=1)
    return day


def _bin_end(start: date, unit: str) -> date:
    """The first day after the period that starts at ``start``."""
    if unit == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    if unit == "year":
        return start.replace(year=start.year + 1, month=1, day=1)
    return start + timedelta(days=1)


def _period(start: date, unit: str) -> str:
    text = start.isoformat()
    return text[:7] if unit == "month" else text[:4] if unit == "year" else text


def _ticks(low: date, high: date, most: int = 8) -> list[tuple[date, str]]:
    span = (high - low).days
    if span <= 120:
        step = max(1, math.ceil(span / most))
        days = [low + timedelta(days=i) for i in range(0, span + 1, step)]
        return [(d, d.isoformat()[5:] if span < 300 else d.isoformat()) for d in days]
    months = span / 30.4
    if months <= most * 6:
        step = next(s for s in (1, 2, 3, 6) if months / s <= most)
        ticks, day = [], _bin_end(low.replace(day=1), "month")
        while day <= high:
            if (day.month - 1) % step == 0:
                ticks.append((day, day.isoformat()[:7]))
            day = _bin_end(day, "month")
        return ticks
    years = span / 365.25
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100) if years / s <= most)
    return [
        (date(year, 1, 1), str(year))
        for year in range(low.year + 1, high.year + 1)
        if year % step == 0 and date(year, 1, 1) <= high
    ]


# -- network ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    key: str
    label: str
    title: str
    x: float
    y: float
    r: float
    label_x: float
    label_y: float
    anchor: str  # start | middle | end
    href: str | None


@dataclass(frozen=True)
class Edge:
    path: str
    width: float
    weight: int
    title: str
    href: str | None


@dataclass
class Network:
    size: int
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    left_out: int = 0  # events whose pair is not drawn (one side unknown, itself, small actor)


def network(
    pairs: Sequence[tuple[str | None, str | None, int]],
    *,
    name: Callable[[str], str] = lambda key: key,
    node_link: Callable[[str], str | None] = lambda key: None,
    edge_link: Callable[[str, str], str | None] = lambda a, b: None,
    max_nodes: int = 16,
    size: int = 560,
) -> Network:
    """Who acts on whom: actors on a circle (the most active first, clockwise from the top),
    one curved arrow per (source, target) with its width by the number of events."""
    chart = Network(size)
    usable = [(a, b, n) for a, b, n in pairs if a and b and a != b]
    chart.left_out = sum(n for a, b, n in pairs) - sum(n for _, _, n in usable)
    degree: dict[str, int] = {}
    for a, b, n in usable:
        degree[a] = degree.get(a, 0) + n
        degree[b] = degree.get(b, 0) + n
    keys = sorted(degree, key=lambda k: (-degree[k], k))[:max_nodes]
    if not keys:
        return chart
    kept = set(keys)
    chart.left_out += sum(n for a, b, n in usable if a not in kept or b not in kept)
    centre, radius = size / 2, size / 2 - 125
    top = max(degree[k] for k in keys)
    position: dict[str, tuple[float, float, float]] = {}
    for i, key in enumerate(keys):
        angle = -math.pi / 2 + 2 * math.pi * i / len(keys)
        x, y = centre + radius * math.cos(angle), centre + radius * math.sin(angle)
        r = round(6 + 10 * math.sqrt(degree[key] / top), 1)
        position[key] = (x, y, r)
        out = radius + r + 6
        cos = math.cos(angle)
        anchor = "start" if cos > 0.25 else "end" if cos < -0.25 else "middle"
        label = key if len(key) <= 12 else key[:11] + "…"
        lift = 4 if anchor != "middle" else (-2 if math.sin(angle) < 0 else 10)
        chart.nodes.append(
            Node(
                key,
                label,
                f"{name(key)}: {degree[key]} events",
                round(x, 1),
                round(y, 1),
                r,
                round(centre + out * cos, 1),
                round(centre + out * math.sin(angle) + lift, 1),
                anchor,
                node_link(key),
            )
        )
    drawn = [(a, b, n) for a, b, n in usable if a in kept and b in kept]
    heaviest = max((n for _, _, n in drawn), default=1)
    for a, b, n in sorted(drawn, key=lambda p: p[2]):
        (x1, y1, r1), (x2, y2, r2) = position[a], position[b]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1.0
        bend = 0.18 * length  # to the right of the direction, so a->b and b->a stay apart
        cx, cy = (x1 + x2) / 2 - dy / length * bend, (y1 + y2) / 2 + dx / length * bend
        sx, sy = _towards(x1, y1, cx, cy, r1 + 1)
        ex, ey = _towards(x2, y2, cx, cy, r2 + 3)
        noun = "event" if n == 1 else "events"
        chart.edges.append(
            Edge(
                f"M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}",
                round(1 + 5 * n / heaviest, 1),
                n,
                f"{name(a)} → {name(b)}: {n} {noun}",
                edge_link(a, b),
            )
        )
    return chart


def _towards(x: float, y: float, tx: float, ty: float, distance: float) -> tuple[float, float]:
    length = math.hypot(tx - x, ty - y) or 1.0
    return x + (tx - x) / length * distance, y + (ty - y) / length * distance


# -- map --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    r: float
    label: str | None  # None when it would cover another label (the title still names it)
    label_x: float
    title: str
    href: str | None


@dataclass(frozen=True)
class GridLine:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str
    label_x: float
    label_y: float
    major: bool  # the equator or the prime meridian


@dataclass
class Map:
    width: int
    height: int
    extent: tuple[float, float, float, float]  # west, south, east, north
    step: int = 30  # degrees between graticule lines
    grid: list[GridLine] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)


MapPoint = tuple[str, float, float, int, str, str | None]  # name, lat, lon, count, title, href


def world_map(
    points: Sequence[MapPoint], *, width: int = 560, min_height: int = 240, max_height: int = 460
) -> Map:
    """Equirectangular projection (one degree of latitude as long as one of longitude) of the
    area around the points (the whole world when there are none), with a graticule."""
    if points:
        lats, lons = [p[1] for p in points], [p[2] for p in points]
        west, east, south, north = min(lons), max(lons), min(lats), max(lats)
        pad_x, pad_y = max(6.0, (east - west) * 0.2), max(5.0, (north - south) * 0.2)
        west, east, south, north = west - pad_x, east + pad_x, south - pad_y, north + pad_y
    else:
        west, east, south, north = -180.0, 180.0, -90.0, 90.0
    span_x, span_y = max(east - west, 30.0), max(north - south, 15.0)
    # one scale for both axes: the area fills the width, the height follows (within limits),
    # and the other axis is widened to keep degrees square
    scale = min(width / span_x, max_height / span_y)
    height = min(max(round(span_y * scale), min_height), max_height)
    span_x, span_y = min(width / scale, 360.0), min(height / scale, 180.0)
    width, height = round(span_x * scale), round(span_y * scale)
    mid_x, mid_y = (west + east) / 2, (south + north) / 2
    west = min(max(mid_x - span_x / 2, -180.0), 180.0 - span_x)
    south = min(max(mid_y - span_y / 2, -90.0), 90.0 - span_y)
    east, north = west + span_x, south + span_y
    chart = Map(width, height, (west, south, east, north))

    def project(lat: float, lon: float) -> tuple[float, float]:
        return round((lon - west) * scale, 1), round((north - lat) * scale, 1)

    chart.step = step = next(s for s in (1, 2, 5, 10, 15, 30, 45, 60) if span_x / s <= 12)
    for lon in range(math.ceil(west / step) * step, math.floor(east) + 1, step):
        x, _ = project(0, lon)
        text = f"{abs(lon)}°{'E' if lon > 0 else 'W' if lon < 0 else ''}"
        chart.grid.append(GridLine(x, 0, x, height, text, x + 3, height - 5, lon == 0))
    for lat in range(math.ceil(south / step) * step, math.floor(north) + 1, step):
        _, y = project(lat, 0)
        text = f"{abs(lat)}°{'N' if lat > 0 else 'S' if lat < 0 else ''}"
        chart.grid.append(GridLine(0, y, width, y, text, 3, y - 3, lat == 0))
    largest = max((p[3] for p in points), default=1)
    taken: list[tuple[float, float, float, float]] = []
    for name, at_lat, at_lon, count, title, href in sorted(points, key=lambda p: -p[3]):
        x, y = project(at_lat, at_lon)
        r = round(4 + 6 * math.sqrt(count / largest), 1)
        box = (x + r + 2, y - 9, x + r + 4 + 7.5 * len(name), y + 5)
        free = box[2] <= width and not any(_overlap(box, other) for other in taken)
        if free:
            taken.append(box)
        taken.append((x - r, y - r, x + r, y + r))
        chart.points.append(Point(x, y, r, name if free else None, x + r + 3, title, href))
    return chart


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
