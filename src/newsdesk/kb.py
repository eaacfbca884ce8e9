"""The knowledge base: people, organisations, armed groups, seats of power, titles, demonyms.

Shipped as YAML in ``data/kb/`` and extended by the user's own files (``--kb FILE`` or
``NEWSDESK_KB``, several separated by ``:``). A user file holds any of the top-level keys
``people``, ``organisations``, ``armed_groups``, ``seats``, ``titles``, ``demonyms`` with the
same entry shapes as the shipped files (docs/knowledge-base.md); its entries are added, and an
entry with the id of a shipped one replaces it.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from . import gazetteer
from .errors import InputError
from .yamlfile import YAMLError, load_yaml, one_line

KB_FILES = ("people", "organisations", "media", "armed_groups", "seats", "titles", "demonyms")


@dataclass(frozen=True)
class Role:
    title: str
    of: str | None = None
    start: str | None = None
    end: str | None = None

    def held_on(self, when: date | None) -> bool:
        """Whether the role was held on ``when`` (today when None)."""
        day = (when or date.today()).isoformat()
        return (self.start or "0000") <= day and (self.end is None or day <= _end_of(self.end))


@dataclass(frozen=True)
class KBEntry:
    id: str
    name: str
    type: str  # PERSON | ORG | GPE | FAC
    kind: str  # person | igo | un_body | court | ngo | bloc | mission | nsag | ... | seat | capital
    country: str | None = None
    code: str | None = None  # actor code: alpha-3, IGO acronym or group name
    wikidata: str | None = None
    aliases: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    sector: str | None = None
    descriptors: tuple[str, ...] = ()
    stands_for: str | None = None

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Title:
    words: tuple[str, ...]
    role: str
    sector: str | None


@dataclass
class KnowledgeBase:
    entries: dict[str, KBEntry] = field(default_factory=dict)
    titles: list[Title] = field(default_factory=list)
    demonyms: dict[str, str] = field(default_factory=dict)
    index: dict[str, list[KBEntry]] = field(default_factory=lambda: defaultdict(list))

    def add(self, entry: KBEntry) -> None:
        old = self.entries.get(entry.id)
        if old is not None:
            for name in old.names():
                bucket = self.index[gazetteer.normalise(name)]
                bucket[:] = [e for e in bucket if e.id != old.id]
        self.entries[entry.id] = entry
        for name in entry.names():
            self.index[gazetteer.normalise(name)].append(entry)

    def lookup(self, name: str) -> list[KBEntry]:
        return list(self.index.get(gazetteer.normalise(name), ()))

    def get(self, entry_id: str) -> KBEntry | None:
        return self.entries.get(entry_id)

    def seat(self, name: str) -> KBEntry | None:
        """The seat of power or capital called ``name`` ("Kremlin", "Kyiv"), if any."""
        return next((e for e in self.lookup(name) if e.kind in ("seat", "capital")), None)

    def demonym(self, word: str) -> str | None:
        return self.demonyms.get(gazetteer.normalise(word))

    def title_words(self) -> dict[str, Title]:
        return {w: t for t in self.titles for w in t.words}


def country_entry(code: str) -> KBEntry:
    """The KB entry of a country (built from pycountry and data/country_wikidata.yaml)."""
    return KBEntry(
        id=code,
        name=gazetteer.country_name(code) or code,
        type="GPE",
        kind="country",
        country=code,
        code=code,
        wikidata=_country_wikidata().get(code),
    )


@lru_cache(maxsize=1)
def _country_wikidata() -> dict[str, str]:
    text = resources.files("newsdesk").joinpath("data/country_wikidata.yaml").read_text("utf-8")
    return dict(load_yaml(text))


def user_kb_files() -> tuple[str, ...]:
    value = os.environ.get("NEWSDESK_KB", "")
    return tuple(p for p in value.split(os.pathsep) if p)


@lru_cache(maxsize=4)
def load_kb(extra: tuple[str, ...] = ()) -> KnowledgeBase:
    """The shipped KB plus the user files in ``extra`` (and ``NEWSDESK_KB``)."""
    kb = KnowledgeBase()
    sections: dict[str, list[Any]] = {name: _shipped(name) for name in KB_FILES}
    for path in (*user_kb_files(), *extra):
        for name, items in _user_file(path).items():
            sections[name] = list(sections[name]) + list(items)
    for item in sections["people"]:
        kb.add(_person(item))
    for item in (*sections["organisations"], *sections["media"]):
        kb.add(_organisation(item))
    for item in sections["armed_groups"]:
        kb.add(_armed_group(item))
    for item in sections["seats"]:
        kb.add(_seat(item))
    kb.titles = [
        Title(tuple(w.lower() for w in t["words"]), t["role"], t.get("sector"))
        for t in sections["titles"]
    ]
    kb.demonyms = _demonyms(sections["demonyms"])
    return kb


def _shipped(name: str) -> list[Any]:
    path = resources.files("newsdesk").joinpath(f"data/kb/{name}.yaml")
    if not path.is_file():
        return []
    data = load_yaml(path.read_text("utf-8")) or []
    return list(data.items()) if isinstance(data, dict) else list(data)


def _user_file(path: str) -> dict[str, list[Any]]:
    try:
        data = load_yaml(Path(path).read_text("utf-8")) or {}
    except (OSError, YAMLError) as error:
        raise InputError(
            f"cannot read knowledge-base file: {one_line(error)}", source=path
        ) from error
    if not isinstance(data, dict) or not set(data) <= set(KB_FILES):
        raise InputError(f"a KB file holds only the keys {', '.join(KB_FILES)}", source=path)
    return {k: list(v.items()) if isinstance(v, dict) else list(v) for k, v in data.items()}


def _person(item: dict[str, Any]) -> KBEntry:
    roles = tuple(
        Role(r["title"], r.get("of"), _date_text(r.get("from")), _date_text(r.get("to")))
        for r in item.get("roles") or ()
    )
    return KBEntry(
        id=item["id"],
        name=item["name"],
        type="PERSON",
        kind="person",
        country=item.get("country"),
        code=item.get("country"),
        wikidata=item.get("wikidata"),
        aliases=_aliases(item),
        roles=roles,
    )


def _organisation(item: dict[str, Any]) -> KBEntry:
    acronym = item.get("acronym")
    aliases = _aliases(item) + ((acronym,) if acronym else ())
    return KBEntry(
        id=item["id"],
        name=item["name"],
        type="ORG",
        kind=item.get("kind", "igo"),
        country=item.get("country"),
        code=acronym or item["id"].upper(),
        wikidata=item.get("wikidata"),
        aliases=aliases,
        descriptors=tuple(item.get("descriptors") or ()),
    )


def _armed_group(item: dict[str, Any]) -> KBEntry:
    return KBEntry(
        id=item["id"],
        name=item["name"],
        type="ORG",
        kind=item.get("kind", "nsag"),
        country=item.get("country"),
        code=item["name"],
        wikidata=item.get("wikidata"),
        aliases=_aliases(item),
        sector=item.get("sector"),
        descriptors=tuple(item.get("descriptors") or ("group",)),
    )


def _seat(item: dict[str, Any]) -> KBEntry:
    slug = gazetteer.normalise(item["name"]).replace(" ", "-")
    kind = item.get("kind", "seat")
    return KBEntry(
        id=f"{kind}:{slug}",
        name=item["name"],
        type="GPE" if kind == "capital" else "FAC",
        kind="capital" if kind == "capital" else "seat",
        country=item.get("country"),
        code=item.get("country"),
        aliases=_aliases(item),
        stands_for=item.get("stands_for", "government"),
    )


def _aliases(item: dict[str, Any]) -> tuple[str, ...]:
    return tuple(a for a in item.get("aliases") or () if isinstance(a, str) and a.strip())


def _demonyms(items: Iterable[Any]) -> dict[str, str]:
    table: dict[str, str] = {}
    for code, words in items:
        for word in words or ():
            table[gazetteer.normalise(str(word))] = str(code)
    return table


def _date_text(value: Any) -> str | None:
    return None if value is None else str(value)


def _end_of(value: str) -> str:
    """The last day a partial date covers: "2021" -> "2021-12-31", "2021-05" -> "2021-05-31"."""
    return {4: value + "-12-31", 7: value + "-31"}.get(len(value), value)
