"""Titles and appositions around a name: roles and a country for the person.

"Kremlin aide Yuri Ushakov" -> role "aide", country RUS; "Ukraine's lead negotiator, Rustem
Umerov" -> "lead negotiator", UKR; "Former President Donald Trump" -> "former President".
A phrase gives a role only if it holds a title word of ``data/kb/titles.yaml``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.tokens import Span, Token

from . import gazetteer
from .kb import KnowledgeBase

_SKIP_DEPS = {"det", "case", "punct", "cc", "relcl", "acl", "advcl", "prep"}
_FORMER = {"former", "ex", "ex-", "then", "late", "outgoing", "ousted", "deposed", "erstwhile"}


@dataclass(frozen=True)
class Description:
    roles: tuple[str, ...] = ()
    country: str | None = None
    former: bool = False
    titles: tuple[str, ...] = ()  # normalised roles from the title lexicon ("president")


def describe(span: Span, kb: KnowledgeBase) -> Description:
    """Roles and country that the words around one mention give its person."""
    roles: list[str] = []
    titles: list[str] = []
    country = None
    former = False
    for phrase in _phrases(span):
        possessor = next((t for t in phrase if t.dep_ == "poss"), None)
        if possessor is not None:  # "brief Ukraine's lead negotiator": start at "Ukraine's"
            phrase = [t for t in phrase if t.i >= possessor.left_edge.i]
        title = _title(phrase, kb)
        if title is None:
            continue
        words = [
            t
            for t in phrase
            if not _is_country_word(t, kb) and t.dep_ not in ("det", "case") and not t.is_punct
        ]
        while words and words[0].pos_ in ("VERB", "AUX", "ADP", "PART", "DET", "CCONJ", "PRON"):
            words = words[1:]  # "to brief Ukraine's lead negotiator": the verb is no title
        text = " ".join(t.text for t in words).strip()
        if text:
            roles.append(text[0].lower() + text[1:] if words[0].lower_ in _FORMER else text)
            titles.append(title)
        former = former or any(t.lower_ in _FORMER for t in phrase)
        country = country or next(filter(None, (_country_of(t, kb) for t in phrase)), None)
    return Description(tuple(dict.fromkeys(roles)), country, former, tuple(titles))


def _phrases(span: Span) -> Iterable[Sequence[Token]]:
    root = span.root
    left = _left_block(span)
    if left:
        yield left
    if root.dep_ == "appos" and root.head.i < span.start:
        head = root.head
        yield [
            t
            for t in head.subtree
            if t.i < span.start and t.dep_ not in _SKIP_DEPS or t.i == head.i
        ]
    for child in root.rights:
        if child.dep_ == "appos":
            yield _noun_phrase(child)


def _left_block(span: Span) -> list[Token]:
    """The words of the name's noun phrase before it: "Russian President", "Kremlin aide"."""
    doc = span.doc
    block: list[Token] = []
    index = span.start - 1
    allowed = set(span.root.subtree)
    while index >= 0 and doc[index] in allowed and doc[index].dep_ not in ("det", "punct"):
        block.insert(0, doc[index])
        index -= 1
    return block


def _noun_phrase(token: Token) -> list[Token]:
    """An apposition's words, without relative clauses or trailing prepositional phrases."""
    words = [token]
    for child in token.lefts:
        words.extend(child.subtree)
    for child in token.rights:
        if (
            child.dep_ in ("compound", "amod", "nmod")
            or child.dep_ == "prep"
            and child.lower_ in ("of", "for")
        ):
            words.extend(child.subtree)
    return sorted(words, key=lambda t: t.i)


def _title(phrase: Sequence[Token], kb: KnowledgeBase) -> str | None:
    """The longest title of the lexicon found in the phrase, as its normalised role."""
    lexicon = kb.title_words()
    words = [t.lower_ for t in phrase]
    for size in range(min(4, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            gram = " ".join(words[start : start + size])
            if gram in lexicon:
                return lexicon[gram].role
            singular = gram[:-1] if gram.endswith("s") else None
            if singular and singular in lexicon:
                return lexicon[singular].role
    return None


def _is_country_word(token: Token, kb: KnowledgeBase) -> bool:
    return _country_of(token, kb) is not None or token.lower_ in ("'s", "’s")


def _country_of(token: Token, kb: KnowledgeBase) -> str | None:
    if token.ent_type_ in ("GPE", "NORP", "FAC", "ORG") or token.text[:1].isupper():
        text = token.text
        ent = _entity_of(token)
        if ent is not None:
            text = ent.text
        seat = kb.seat(text)
        if seat is not None:
            return seat.country
        code = gazetteer.country_codes().get(gazetteer.normalise(text))
        return code or kb.demonym(text)
    return None


def _entity_of(token: Token) -> Span | None:
    if not token.ent_type_:
        return None
    doc = token.doc
    start = token.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = token.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[start:end]
