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
from functools import lru_cache
from importlib import resources

import yaml
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from . import gazetteer
from .records import Entity
from .records import Span as TextSpan

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
    return frozenset(yaml.safe_load(text))


@Language.factory("newsdesk_entity_fixer")
def make_entity_fixer(nlp: Language, name: str) -> EntityFixer:
    return EntityFixer()


class EntityFixer:
    """Corrects entity spans and labels the statistical model gets wrong in news text."""

    def __call__(self, doc: Doc) -> Doc:
        people = _person_tokens(doc.ents)
        fixed = [self.fix(ent, people) for ent in doc.ents]
        doc.ents = filter_spans([span for span in fixed if span is not None])
        return doc

    def fix(self, ent: Span, people: set[str]) -> Span | None:
        span = _trim(ent)
        if span is None:
            return None
        label = span.label_
        if label == "PERSON" and self.is_place_not_person(span, people):
            label = "GPE"
        return Span(span.doc, span.start, span.end, label=label)

    def is_place_not_person(self, span: Span, people: set[str]) -> bool:
        text = span.text
        parts = [p for p in re.split(r"-(?=[A-Z])", text) if p]
        if len(parts) > 1:
            return all(gazetteer.is_place(p) for p in parts)
        if text.casefold() in people or not gazetteer.is_place(text):
            return False
        before = span.doc[span.start - 1].lower_.rstrip(".") if span.start > 0 else ""
        return before not in honorifics()


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
    while end > start and doc[end - 1].text in _POSSESSIVE:
        end -= 1
    if (
        end - start > 1
        and doc[start].lower_ == "the"
        and ent.label_ in ("ORG", "GPE", "LOC", "FAC", "NORP")
    ):
        start += 1
    if end <= start:
        return None
    return Span(doc, start, end, label=ent.label_)


def extract_entities(doc: Doc) -> tuple[Entity, ...]:
    """Group the doc's named-entity mentions into entities, in order of first mention.

    Mentions group by normalised name; a one-word PERSON mention joins the person whose full name
    ends with it ("Putin" -> "Vladimir Putin").
    """
    groups: dict[str, list[Span]] = defaultdict(list)
    order: list[str] = []
    spans = [e for e in doc.ents if e.label_ in ENTITY_LABELS]  # doc.ents and doc.text are
    text = doc.text  # rebuilt on every access: read them once
    full_names = _full_names(spans)
    for span in spans:
        key = _group_key(span, full_names)
        if key not in groups:
            order.append(key)
        groups[key].append(span)
    return tuple(_entity(f"e{i}", groups[key], text) for i, key in enumerate(order, start=1))


def _full_names(spans: list[Span]) -> dict[str, str]:
    """Surname -> normalised full name, for surnames that belong to exactly one person."""
    owners: dict[str, set[str]] = defaultdict(set)
    for span in spans:
        if span.label_ == "PERSON" and len(span) > 1:
            owners[span[-1].text.casefold()].add(gazetteer.normalise(span.text))
    return {surname: next(iter(names)) for surname, names in owners.items() if len(names) == 1}


def _group_key(span: Span, full_names: dict[str, str]) -> str:
    name = gazetteer.normalise(span.text)
    if span.label_ == "PERSON" and len(span) == 1 and name in full_names:
        return f"PERSON:{full_names[name]}"
    if span.label_ == "PERSON":
        return f"PERSON:{name}"
    code = gazetteer.country_codes().get(name) if span.label_ == "GPE" else None
    return f"GPE:{code}" if code else f"OTHER:{name}"


def _entity(entity_id: str, mentions: list[Span], doc_text: str) -> Entity:
    label = Counter(m.label_ for m in mentions).most_common(1)[0][0]
    name = max((m.text for m in mentions), key=lambda t: (len(t.split()), len(t)))
    country = gazetteer.country_codes().get(gazetteer.normalise(name)) if label == "GPE" else None
    if country:
        name = gazetteer.country_name(country) or name
    spans = tuple(TextSpan.of(doc_text, m.start_char, m.end_char) for m in mentions)
    return Entity(id=entity_id, name=name, type=label, mentions=spans, country=country)
