"""Entities: correct the statistical NER with the gazetteer, then group mentions into entities.

``newsdesk_entity_fixer`` is a spaCy component (match, then set ``doc.ents``):
- a PERSON that is a known place, with no honorific before it and not the surname of a person
  named in the same story, becomes GPE ("Kyiv said", "Donetsk and Luhansk");
- a PERSON made only of hyphen-joined places becomes GPE ("U.S.-Russia");
- spans lose a trailing possessive, a leading "the" and anything after a line break.
:func:`extract_entities` then groups mentions by normalised name and surname.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from . import gazetteer
from .kb import KBEntry, KnowledgeBase, country_entry, load_kb
from .metonymy import is_actor
from .places import Context, geocode
from .records import Entity
from .records import Span as TextSpan
from .roles import Description, describe
from .yamlfile import load_yaml

ENTITY_LABELS = (
    "PERSON",
    "ORG",
    "GPE",
    "LOC",
    "NORP",
    "FAC",
    "EVENT",
    "LAW",
    "PRODUCT",
    "WORK_OF_ART",
)
_POSSESSIVE = {"'s", "’s", "'", "’"}


@lru_cache(maxsize=1)
def honorifics() -> frozenset[str]:
    text = resources.files("newsdesk").joinpath("data/honorifics.yaml").read_text("utf-8")
    return frozenset(load_yaml(text))


# Head words that make a proper-noun phrase an organisation, never a person.
_ORG_WORDS = frozenset(
    """ministry council court army forces party union agency bank committee
    commission office department police guard front movement group company corporation fund
    organization organisation university institute association federation league alliance
    brigade battalion regiment command service services administration government parliament
    assembly news times post press tv radio network""".split()
)
_REGION_WORDS = (
    "region",
    "regions",
    "oblast",
    "oblasts",
    "province",
    "provinces",
    "governorate",
    "governorates",
    "state",
    "states",
    "district",
    "districts",
)


@Language.factory("newsdesk_entity_fixer", default_config={"kb_files": []})
def make_entity_fixer(nlp: Language, name: str, kb_files: list[str]) -> EntityFixer:
    return EntityFixer(title_words(load_kb(tuple(kb_files))))


def title_words(kb: KnowledgeBase | None = None) -> frozenset[str]:
    """Words that title a person: the last word of each KB title ("spokesman", "publisher")
    and the honorifics ("Mr", "Gen")."""
    kb = kb or load_kb()
    return frozenset({w.split()[-1] for w in kb.title_words()} | set(honorifics()))


class EntityFixer:
    """Corrects entity spans and labels the statistical model gets wrong in news text."""

    def __init__(self, title_words: frozenset[str] = frozenset()) -> None:
        self.title_words = title_words or _default_title_words()

    def __call__(self, doc: Doc) -> Doc:
        ents = doc.ents
        people = _person_tokens(ents)
        fixed = [self.fix(ent, people) for ent in ents]
        kept = _harmonise([span for span in fixed if span is not None])
        doc.ents = filter_spans(kept + self.missed_places(doc, kept))
        return doc

    def missed_places(self, doc: Doc, ents: list[Span]) -> list[Span]:
        """Known places the model left out: "the Donetsk and Luhansk regions"."""
        taken = {t.i for e in ents for t in e}
        places = {t.i for e in ents if e.label_ in ("GPE", "LOC") for t in e}
        found = []
        for token in doc:
            if token.i in taken or token.pos_ != "PROPN" or not token.text[:1].isupper():
                continue
            following = doc[token.i + 1] if token.i + 1 < len(doc) else None
            sibling = token.head if token.dep_ == "conj" else None
            conj = [c.i for c in token.conjuncts]
            near_region = following is not None and following.lower_ in _REGION_WORDS
            near_place = (sibling is not None and sibling.i in places) or any(
                i in places for i in conj
            )
            chained = any(doc[i].head.lower_ in _REGION_WORDS for i in conj)
            if (near_region or near_place or chained) and gazetteer.is_place(token.text):
                found.append(Span(doc, token.i, token.i + 1, label="GPE"))
        return found

    def fix(self, ent: Span, people: set[str]) -> Span | None:
        span = _trim(ent)
        if span is None:
            return None
        if span.label_ == "PERSON":
            span = self.with_first_name(span)
        label = span.label_
        if span.kb_id_:
            return span
        if (
            label == "ORG"
            and len(span) == 1
            and span.end < len(span.doc)
            and span.doc[span.end].lower_ in self.title_words
        ):
            return None  # "Commerce" in "Commerce Secretary Howard Lutnick" is part of a title
        if label == "PERSON" and len(span) == 1 and load_kb().demonym(span.text):
            label = "NORP"  # "Africans"
        elif label == "PERSON" and self.is_place_not_person(span, people):
            label = "GPE"
        elif label in ("ORG", "GPE", "NORP") and self.is_titled_person(span):
            label = "PERSON"
        elif label in ("ORG", "NORP") and gazetteer.is_place(span.text):
            label = "GPE"
        return Span(span.doc, span.start, span.end, label=label)

    def with_first_name(self, span: Span) -> Span:
        """ "Ivanka Trump" where the model tagged only "Trump" (which the KB would then read as
        Donald Trump): an untagged capitalised name word compounded onto the person's name joins
        it, unless it is a title, a place or a demonym."""
        doc, start = span.doc, span.start
        while start > 0 and span.start - start < 2:
            word = doc[start - 1]
            if not (
                word.pos_ == "PROPN"
                and word.dep_ == "compound"
                and span.start <= word.head.i < span.end
                and word.text[:1].isupper()
                and word.text.isalpha()
                and not word.ent_type_
                and word.lower_ not in self.title_words  # "Publisher Zamora"
                and not gazetteer.is_place(word.text)
                and not load_kb().demonym(word.text)
            ):
                break
            start -= 1
        if start == span.start:
            return span
        known = [e for e in load_kb().lookup(doc[start : span.end].text) if e.kind == "person"]
        kb_id = known[0].id if len(known) == 1 else ""  # "Ursula Von der Leyen" stays linked
        return Span(doc, start, span.end, label="PERSON", kb_id=kb_id)

    def is_titled_person(self, span: Span) -> bool:
        """ "spokesman Nabil Abdallah", "Ukraine's lead negotiator, Rustem Umerov", "Karin
        Lindqvist, the agency's spokeswoman": a proper name next to a title is a person."""
        if len(span) > 4 or any(t.pos_ != "PROPN" or t.lower_ in _ORG_WORDS for t in span):
            return False
        if not all(t.text[:1].isupper() for t in span) or gazetteer.is_place(span.text):
            return False
        root = span.root
        before = span.doc[span.start - 1] if span.start > 0 else None
        if before is not None and before.lower_.rstrip(".") in self.title_words:
            return True
        if root.dep_ == "appos" and root.head.lower_ in self.title_words:
            return True
        return any(c.dep_ == "appos" and c.lower_ in self.title_words for c in root.children)

    def is_place_not_person(self, span: Span, people: set[str]) -> bool:
        text = span.text
        parts = [p for p in re.split(r"-(?=[A-Z])", text) if p]
        if len(parts) > 1:
            return all(gazetteer.is_place(p) for p in parts)
        if text.casefold() in people or not gazetteer.is_place(text):
            return False
        before = span.doc[span.start - 1].lower_.rstrip(".") if span.start > 0 else ""
        return before not in honorifics()


@lru_cache(maxsize=1)
def _default_title_words() -> frozenset[str]:
    return title_words()


def _harmonise(spans: list[Span]) -> list[Span]:
    """One name, one reading: "Dadaab" read as a place once and a person elsewhere, and known
    as a place, is a place everywhere."""
    places = {s.text for s in spans if s.label_ in ("GPE", "LOC")}
    people = {s.text for s in spans if s.label_ == "PERSON"}
    both = {t for t in places & people if gazetteer.is_place(t) or places_any(t)}
    return [
        Span(s.doc, s.start, s.end, label="GPE", kb_id=s.kb_id_)
        if s.text in both and s.label_ == "PERSON"
        else s
        for s in spans
    ]


def places_any(name: str) -> bool:
    from .places import is_town

    return is_town(name, 0)


def _person_tokens(ents: Iterable[Span]) -> set[str]:
    """Surnames of multi-word PERSON mentions: "Jackson" stays a person after "Michael Jackson"."""
    return {e[-1].text.casefold() for e in ents if e.label_ == "PERSON" and len(e) > 1}


def _trim(ent: Span) -> Span | None:
    start, end = ent.start, ent.end
    doc = ent.doc
    for index in range(start, end):
        if "\n" in doc[index].text or "\n" in doc[index].whitespace_:
            end = index + 1 if "\n" in doc[index].whitespace_ else index
            break
    if ent.label_ == "ORG":
        comma = next((i for i in range(start + 1, end) if doc[i].text == ","), None)
        end = comma if comma is not None else end  # "Ministry of Culture, Zia Haqmal"
    while end > start and (
        doc[end - 1].text in _POSSESSIVE
        or doc[end - 1].pos_ in ("ADP", "CCONJ", "DET")
        or doc[end - 1].text in ("-", "–", ",")
    ):
        end -= 1
    while (
        end > start
        and doc[end - 1].text.endswith("-")
        and len(doc[end - 1]) > 1
        and end - start == 1
    ):
        return None  # "Mexican-" cut from a compound
    if (
        end - start > 1
        and doc[start].lower_ == "the"
        and ent.label_ in ("ORG", "GPE", "LOC", "FAC", "NORP")
    ):
        start += 1
    if end <= start:
        return None
    return Span(doc, start, end, label=ent.label_, kb_id=ent.kb_id_)


@dataclass
class _Group:
    key: str
    spans: list[Span] = field(default_factory=list)
    entry: KBEntry | None = None
    place_use: bool = False  # a capital or seat named as a place, not as a government


def extract_entities(
    doc: Doc, published: str | None = None, kb: KnowledgeBase | None = None
) -> tuple[Entity, ...]:
    """Group the doc's mentions into entities linked to the KB, in order of first mention.

    - a KB match (``Span.kb_id_``) links to its entry; a country name to its ISO code;
    - a capital or seat that acts ("Kyiv rejected", "the Kremlin said") joins its country's
      entity; named as a place ("met in the Kremlin") it stays a place of its own;
    - a one-word PERSON mention joins the one person whose full name ends with it;
    - titles and appositions give roles and, for people outside the KB, a country;
    - places are geocoded from the article's context.
    """
    kb = kb or load_kb()
    text = doc.text  # doc.text and doc.ents are rebuilt on every access: read them once
    spans = [e for e in doc.ents if e.label_ in ENTITY_LABELS]
    full_names = _full_names(spans, kb)
    groups: dict[str, _Group] = {}
    for span in spans:
        group = _assign(span, kb, full_names)
        groups.setdefault(group.key, group).spans.append(span)
    when = _published_date(published)
    described = {
        key: [describe(s, kb) for s in g.spans if s.label_ == "PERSON"] for key, g in groups.items()
    }
    _add_descriptor_mentions(doc, groups, described)
    context = _place_context(groups.values(), described, doc, kb)
    entities = []
    for number, (key, group) in enumerate(groups.items(), start=1):
        entities.append(_entity(f"e{number}", group, described[key], text, when, context))
    return tuple(entities)


def _assign(span: Span, kb: KnowledgeBase, full_names: dict[str, str]) -> _Group:
    """The group a mention belongs to (a fresh one; the caller merges by key)."""
    entry = kb.get(span.kb_id_) if span.kb_id_ else None
    if entry is None and span.label_ in ("GPE", "LOC", "FAC", "ORG"):
        entry = kb.seat(span.text)
    if entry is not None and entry.kind in ("seat", "capital") and entry.country:
        if is_actor(span, default=entry.kind == "seat"):
            return _Group(f"KB:{entry.country}", entry=country_entry(entry.country))
        return _Group(f"PLACE:{entry.id}", entry=entry, place_use=True)
    if entry is not None:
        return _Group(f"KB:{entry.id}", entry=entry)
    name = gazetteer.normalise(span.text)
    one_word = " " not in span.text.strip()
    if one_word and span.label_ in ("ORG", "GPE", "NORP") and name in full_names:
        key = full_names[name]  # "Khoshbo said" read as an ORG after "Naveeda Khoshbo"
        return _Group(key, entry=kb.get(key[3:]) if key.startswith("KB:") else None)
    if span.label_ == "PERSON":
        if one_word and name in full_names:
            key = full_names[name]
            return _Group(key, entry=kb.get(key[3:]) if key.startswith("KB:") else None)
        return _Group(f"PERSON:{name}")
    code = gazetteer.country_codes().get(name) if span.label_ in ("GPE", "LOC") else None
    if code:
        return _Group(f"KB:{code}", entry=country_entry(code))
    return _Group(f"{span.label_}:{name}")


def _add_descriptor_mentions(
    doc: Doc, groups: dict[str, _Group], described: dict[str, list[Description]]
) -> None:
    """ "the alliance" after NATO, "the ombudsman" after Dmytro Lubinets: a definite noun that
    names a kind of the last compatible entity mentioned before it becomes its mention."""
    owners: list[tuple[int, str, frozenset[str]]] = []
    for key, group in groups.items():
        words = _descriptor_words(group, described.get(key, []))
        owners += [(span.start, key, words) for span in group.spans if words]
    if not owners:
        return
    owners.sort()
    taken = {t.i for g in groups.values() for s in g.spans for t in s}
    for token in doc:
        if token.i in taken or token.pos_ != "NOUN" or token.i == 0:
            continue
        if doc[token.i - 1].lower_ != "the" or token.dep_ == "compound":
            continue
        previous = [
            (start, key)
            for start, key, words in owners
            if start < token.i and token.lemma_.lower() in words
        ]
        if previous:
            key = previous[-1][1]
            groups[key].spans.append(doc[token.i - 1 : token.i + 1])


def _descriptor_words(group: _Group, described: list[Description]) -> frozenset[str]:
    entry = group.entry
    words = set(entry.descriptors) if entry is not None else set()
    for description in described:
        for role in description.roles:
            words.add(role.split()[-1].lower())
    return frozenset(words)


def _full_names(spans: list[Span], kb: KnowledgeBase) -> dict[str, str]:
    """Surname -> group key, for surnames that belong to exactly one person in the story."""
    owners: dict[str, set[str]] = defaultdict(set)
    for span in spans:
        if span.label_ == "PERSON" and " " in span.text.strip():
            key = f"KB:{span.kb_id_}" if span.kb_id_ else f"PERSON:{gazetteer.normalise(span.text)}"
            owners[gazetteer.normalise(span.text.split()[-1])].add(key)
    return {surname: next(iter(keys)) for surname, keys in owners.items() if len(keys) == 1}


def _entity(
    entity_id: str,
    group: _Group,
    described: list[Description],
    text: str,
    when: date | None,
    context: Context,
) -> Entity:
    spans = [m for m in group.spans if m.label_]  # named mentions; descriptors only point
    every = sorted(group.spans, key=lambda m: m.start)
    mentions = tuple(TextSpan.of(text, m.start_char, m.end_char) for m in every)
    entry = group.entry
    label = (
        entry.type
        if entry is not None
        else "PERSON"
        if group.key.startswith("PERSON:")
        else Counter(m.label_ for m in spans).most_common(1)[0][0]
    )
    if entry is not None:
        name, country = _display_name(entry, spans), entry.country
    else:
        name = max((m.text for m in spans), key=lambda t: (len(t.split()), len(t)))
        country = next((d.country for d in described if d.country), None)
    roles = _roles(entry, described, when)
    place = None
    if label in ("GPE", "LOC", "FAC") and (entry is None or entry.kind != "country"):
        region = any(_names_region(m) for m in spans)
        place = geocode(name, context, region=region, country=entry.country if entry else None)
        if place is not None and country is None:
            country = place.country
        if place is not None and place.lat is None and label == "GPE":
            label = "LOC"  # an area of data/regions.yaml (Donbas, Darfur), not a political unit
        if region and not name.lower().endswith(_REGION_WORDS):
            word = _ADMIN_WORD.get(country or "") or _region_word(spans)
            name = f"{name} {word}"
    return Entity(
        id=entity_id,
        name=name,
        type=label,
        mentions=mentions,
        kb_id=entry.id if entry is not None else None,
        wikidata=entry.wikidata if entry is not None else None,
        country=country,
        roles=roles,
        place=place,
    )


# What a country calls its first-level regions, where news writes them that way.
_ADMIN_WORD = {"UKR": "Oblast", "BLR": "Oblast"}


def _display_name(entry: KBEntry, spans: list[Span]) -> str:
    """An organisation the story names only by its acronym keeps the acronym ("NATO")."""
    if entry.type != "ORG" or not entry.code or entry.code == entry.name:
        return entry.name
    written = {gazetteer.normalise(s.text) for s in spans}
    if gazetteer.normalise(entry.name) in written or gazetteer.normalise(entry.code) not in written:
        return entry.name
    return entry.code


def _roles(
    entry: KBEntry | None, described: list[Description], when: date | None
) -> tuple[str, ...]:
    """Roles the text gives, then KB roles held at publication (unless the text says "former")."""
    from_text = [r for d in described for r in d.roles]
    former = {t for d in described if d.former for t in d.titles}
    from_kb = []
    if entry is not None:
        for role in entry.roles:
            if role.held_on(when) and role.title.lower() not in former:
                from_kb.append(_role_text(role.title, role.of))
    seen: dict[str, str] = {}
    for text in from_text + from_kb:
        seen.setdefault(text.casefold(), text)
    return tuple(seen.values())


def _role_text(title: str, of: str | None) -> str:
    if not of:
        return title
    place = gazetteer.country_name(of) if len(of) == 3 and of.isupper() else None
    if place is None:
        organisation = load_kb().get(of)
        place = organisation.name if organisation is not None else of
    return f"{title} ({place})"


def _names_region(span: Span) -> bool:
    """ "Donetsk Oblast", "the Donetsk and Luhansk regions", "Donetsk province"."""
    doc = span.doc
    if span[-1].lower_ in _REGION_WORDS:
        return True
    following = doc[span.end : min(span.end + 4, len(doc))]
    for token in following:
        if token.lower_ in _REGION_WORDS:
            return True
        if not (token.lower_ in ("and", ",", "&") or token.ent_type_ in ("GPE", "LOC")):
            return False
    return False


def _region_word(spans: list[Span]) -> str:
    for span in spans:
        doc = span.doc
        for token in doc[span.end : min(span.end + 4, len(doc))]:
            if token.lower_ in _REGION_WORDS:
                word = token.lower_.rstrip("s") if token.lower_ != "oblasts" else "oblast"
                return word.capitalize() if word == "oblast" else word
    return "region"


def _place_context(
    groups: Iterable[_Group], described: dict[str, list[Description]], doc: Doc, kb: KnowledgeBase
) -> Context:
    """Country weights (mentions of countries, demonyms, people's countries) and named regions."""
    countries: Counter[str] = Counter()
    for group in groups:
        entry = group.entry
        code = entry.country if entry is not None else None
        if code is None:
            code = next((d.country for d in described.get(group.key, []) if d.country), None)
        if code is None and group.spans[0].label_ == "NORP":
            code = kb.demonym(group.spans[0].text)
        if code:
            countries[code] += len(group.spans)
    regions = frozenset(s.text for g in groups for s in g.spans if _names_region(s))
    return Context(countries, regions)


def _published_date(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None
