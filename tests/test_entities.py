"""The entity fixer and mention grouping, on hand-built Docs (no statistical model needed)."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc, Span

from newsdesk.entities import EntityFixer, extract_entities

NLP = spacy.blank("en")


def doc_with(
    words: list[str], ents: list[tuple[int, int, str]], spaces: list[bool] | None = None
) -> Doc:
    doc = Doc(NLP.vocab, words=words, spaces=spaces)
    doc.ents = [Span(doc, start, end, label=label) for start, end, label in ents]
    return EntityFixer()(doc)


def labels(doc: Doc) -> list[tuple[str, str]]:
    return [(e.text, e.label_) for e in doc.ents]


@pytest.mark.parametrize("place", ["Kyiv", "Donetsk", "Luhansk", "Pokrovsk", "Khartoum"])
def test_a_town_read_as_a_person_becomes_a_place(place):
    doc = doc_with([place, "rejected", "the", "plan", "."], [(0, 1, "PERSON")])
    assert labels(doc) == [(place, "GPE")]


def test_honorific_keeps_a_person():
    doc = doc_with(["President", "Jackson", "said", "no", "."], [(1, 2, "PERSON")])
    assert labels(doc) == [("Jackson", "PERSON")]


def test_surname_of_a_named_person_stays_a_person():
    words = ["Michael", "Jackson", "arrived", ".", "Jackson", "said", "no", "."]
    doc = doc_with(words, [(0, 2, "PERSON"), (4, 5, "PERSON")])
    assert labels(doc) == [("Michael Jackson", "PERSON"), ("Jackson", "PERSON")]


def test_unknown_names_stay_people():
    doc = doc_with(["Umerov", "flew", "in", "."], [(0, 1, "PERSON")])
    assert labels(doc) == [("Umerov", "PERSON")]


def test_hyphenated_places_become_a_place():
    doc = doc_with(["U.S.-Russia", "talks", "ended", "."], [(0, 1, "PERSON")])
    assert labels(doc) == [("U.S.-Russia", "GPE")]


def test_possessive_and_leading_the_are_trimmed():
    words = ["The", "United", "Nations", "and", "North", "Korea", "’s", "army"]
    doc = doc_with(words, [(0, 3, "ORG"), (4, 7, "GPE")])
    assert labels(doc) == [("United Nations", "ORG"), ("North Korea", "GPE")]


def test_entity_stops_at_a_line_break():
    words = ["Abdiwahab", "Ahmed", "\n", "Axadle", "Times"]
    doc = doc_with(words, [(0, 5, "PERSON")], spaces=[True, False, False, True, False])
    assert labels(doc) == [("Abdiwahab Ahmed", "PERSON")]


def test_surname_mentions_join_the_full_name():
    words = ["Vladimir", "Putin", "spoke", ".", "Putin", "left", ".", "Russia", "and", "U.S."]
    doc = doc_with(words, [(0, 2, "PERSON"), (4, 5, "PERSON"), (7, 8, "GPE"), (9, 10, "GPE")])
    entities = extract_entities(doc)
    assert [(e.name, e.type, len(e.mentions), e.country) for e in entities] == [
        ("Vladimir Putin", "PERSON", 2, None),
        ("Russia", "GPE", 1, "RUS"),
        ("United States", "GPE", 1, "USA"),
    ]


def test_a_surname_shared_by_two_people_is_not_merged():
    words = ["Joe", "Smith", "and", "Ann", "Smith", "met", ".", "Smith", "said", "."]
    doc = doc_with(words, [(0, 2, "PERSON"), (3, 5, "PERSON"), (7, 8, "PERSON")])
    assert [e.name for e in extract_entities(doc)] == ["Joe Smith", "Ann Smith", "Smith"]


def test_mentions_carry_offsets_into_the_text():
    doc = doc_with(["Talks", "in", "Doha", "."], [(2, 3, "GPE")])
    (entity,) = extract_entities(doc)
    mention = entity.mentions[0]
    assert doc.text[mention.start : mention.end] == mention.text == "Doha"


def _parsed(words, heads, deps, pos, ent, kb_id=""):
    doc = Doc(NLP.vocab, words=words, heads=heads, deps=deps, pos=pos)
    doc.ents = [Span(doc, ent[0], ent[1], label="PERSON", kb_id=kb_id)]
    return EntityFixer()(doc)


def test_an_untagged_first_name_joins_the_person():
    doc = _parsed(
        ["Ivanka", "Trump", "noted", "the", "rule", "."],
        [1, 2, 2, 4, 2, 2],
        ["compound", "nsubj", "ROOT", "det", "dobj", "punct"],
        ["PROPN", "PROPN", "VERB", "DET", "NOUN", "PUNCT"],
        (1, 2),
        kb_id="donald-trump",
    )
    (ent,) = doc.ents
    assert (ent.text, ent.label_, ent.kb_id_) == ("Ivanka Trump", "PERSON", "")


def test_a_first_name_keeps_the_kb_person_it_names():
    doc = _parsed(
        ["Ursula", "Von", "der", "Leyen", "spoke"],
        [3, 3, 3, 4, 4],
        ["compound", "compound", "compound", "nsubj", "ROOT"],
        ["PROPN", "PROPN", "PROPN", "PROPN", "VERB"],
        (1, 4),
        kb_id="ursula-von-der-leyen",
    )
    (ent,) = doc.ents
    assert (ent.text, ent.kb_id_) == ("Ursula Von der Leyen", "ursula-von-der-leyen")


@pytest.mark.parametrize("title", ["Publisher", "Senator", "Editor"])
def test_a_title_before_a_name_does_not_join_it(title):
    doc = _parsed(
        [title, "Zamora", "spoke"],
        [1, 2, 2],
        ["compound", "nsubj", "ROOT"],
        ["PROPN", "PROPN", "VERB"],
        (1, 2),
    )
    assert [e.text for e in doc.ents] == ["Zamora"]
