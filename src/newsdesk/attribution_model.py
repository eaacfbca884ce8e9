"""A learned second opinion for attributions the cue rules do not read.

The rules in :mod:`newsdesk.quotes` know how news reports speech through a cue lexicon and a few
constructions. Many attributions use rarer verbs ("chided", "floated", "mused") or a known verb
in another construction. This module scores every remaining *candidate* — a verb, noun or
adjective with a complement (a clause, an infinitive, an object or a prepositional phrase) — by
a logistic regression over parse features, trained on PolNeAR's train split
(``newsdesk train-quotes``), and keeps the candidates it is confident about.

The model is a JSON file of feature weights (``data/attribution_model.json``): which lemmas,
constructions and speaker types make an attribution. No text of the training articles is in
it. See docs/quotes.md ("The learned fallback") for how it was trained and what it scores.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from spacy.tokens import Doc, Token

from .errors import ModelError

MODEL_FILE = "data/attribution_model.json"

_CUE_POS = frozenset({"VERB", "AUX", "NOUN", "ADJ"})
_COMPLEMENTS = ("ccomp", "xcomp", "dobj", "prep", "dative", "attr", "acomp", "oprd", "acl")
_SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
_PERSON = frozenset({"he", "she", "i", "you"})
_GROUP = frozenset({"we", "they"})
_WHO = frozenset({"who", "that", "which"})
_MODALS = frozenset({"will", "would", "could", "should", "can", "may", "might", "must"})
_RAISING = frozenset({"seem", "appear"})  # "Melania seems to have vanished": not her words


@dataclass(frozen=True)
class Candidate:
    """A possible cue with the complement that would be its content: the tokens
    ``start``..``end`` (exclusive) of the complement's subtree (the parse is projective)."""

    cue: Token
    complement: Token
    kind: str  # the complement's dependency, "prep:<word>" for a preposition
    start: int
    end: int

    @property
    def size(self) -> int:
        return self.end - self.start

    @property
    def content(self) -> tuple[Token, ...]:
        return tuple(self.cue.doc[self.start : self.end])


def candidates(doc: Doc) -> Iterator[Candidate]:
    """Every verb, noun or adjective with a complement that could hold what was said."""
    for token in doc:
        if token.pos_ not in _CUE_POS:
            continue
        for child in token.children:
            dep = child.dep_
            if dep not in _COMPLEMENTS or dep == "acl" and token.pos_ != "NOUN":
                continue
            if dep == "prep":
                objects = [c for c in child.children if c.dep_ in ("pobj", "pcomp")]
                if not objects or child.i < token.i:
                    continue
                start, end = objects[0].left_edge.i, objects[-1].right_edge.i + 1
                kind = "prep:" + child.lower_
            else:
                start, end = child.left_edge.i, child.right_edge.i + 1
                kind = dep
            while start < end and doc[start].is_space:
                start += 1
            while end > start and doc[end - 1].is_space:
                end -= 1
            if end - start == 1 and kind == "dobj" and child.pos_ == "PRON":
                continue  # "called him a liar", "told them": a pronoun object is not what was said
            if end > start:
                yield Candidate(token, child, kind, start, end)


def subject_of(token: Token) -> Token | None:
    """Who holds the candidate's content: the cue's subject, or that of the verb it hangs from
    (conjuncts, participles, "were coy about"), a noun cue's owner ("Trump's claims", "made
    suggestions"), the noun a participle describes ("a statement announcing"). Raising verbs
    ("seems to") and passives without "by" name nobody."""
    current = token
    for _ in range(4):
        if current.lemma_.lower() in _RAISING:
            return None
        agent = next((c for c in current.children if c.dep_ == "agent"), None)
        if agent is not None:
            return next((c for c in agent.children if c.dep_ == "pobj"), None)
        subject = next((c for c in current.children if c.dep_ in _SUBJECT_DEPS), None)
        if subject is not None:
            return None if subject.dep_ == "nsubjpass" else subject  # "was criticized": no source
        owner = next((c for c in current.children if c.dep_ == "poss"), None)
        if current.pos_ == "NOUN" and owner is not None:
            return owner
        head = current.head
        if head.i == current.i:
            return None
        if current.dep_ == "relcl":
            return head
        if current.dep_ == "acl" and current.pos_ in ("VERB", "AUX"):
            return head  # "a statement announcing the pick"
        if current.dep_ == "pcomp" and head.head.i != head.i:
            current = head.head  # "by criticizing": from the verb the preposition hangs on
            continue
        if current.dep_ in ("conj", "xcomp", "advcl", "acomp") or (
            current.pos_ == "NOUN" and current.dep_ in ("dobj", "attr")
        ):
            current = head
            continue
        return None
    return None


def writers_hedge(token: Token) -> bool:
    """ "North Korea appears to be preparing a launch", "seems to", "a group known for ...":
    the writer hedging or naming, which PolNeAR marks as a sourceless attribution but no
    analyst reads as anyone's statement. The fallback leaves these out."""
    lemma = token.lemma_.lower()
    if lemma in _RAISING:
        return True
    return (
        lemma == "know"
        and token.tag_ == "VBN"
        and not any(c.dep_ in ("agent", "nsubj") for c in token.children)
    )


def _speaker_kind(subject: Token | None) -> str:
    if subject is None:
        return "none"
    word = subject.lower_
    if word in _PERSON:
        return "person-pronoun"
    if word in _GROUP:
        return "group-pronoun"
    if word == "it":
        return "it"
    if word in _WHO:
        return "who"
    if subject.ent_type_:
        return "ent-" + subject.ent_type_
    if any(c.dep_ == "compound" and c.ent_type_ for c in subject.children):
        return "ent-compound"
    if subject.pos_ == "NOUN":
        return "noun"
    return "other-" + subject.pos_


def features(candidate: Candidate, quoted: bool = False) -> list[str]:
    """The candidate's features: lexical, syntactic and about its would-be speaker."""
    cue, comp, kind = candidate.cue, candidate.complement, candidate.kind
    lemma = cue.lemma_.lower()
    subject = subject_of(cue)
    speaker = _speaker_kind(subject)
    marks = [c.lower_ for c in comp.children if c.dep_ in ("mark", "aux") and c.i < comp.i]
    mark = marks[0] if marks else "-"
    own_subject = any(c.dep_ in _SUBJECT_DEPS for c in comp.children)
    prt = next((c.lower_ for c in cue.children if c.dep_ == "prt"), "")
    modal = any(c.lower_ in _MODALS for c in cue.children if c.dep_ == "aux")
    length = candidate.size
    first = cue.doc[candidate.start].lower_
    size = "1" if length == 1 else "2-3" if length <= 3 else "4-8" if length <= 8 else "9+"
    others = sorted(
        {c.dep_ for c in cue.children if c.dep_ in _COMPLEMENTS and c.i != comp.i} - {"prep"}
    )
    head = comp
    if kind.startswith("prep:"):
        head = next((c for c in comp.children if c.dep_ in ("pobj", "pcomp")), comp)
    feats = [
        "bias",
        f"others={'+'.join(others)}",
        f"kind+others={kind}|{'+'.join(others)}",
        f"lemma+others={lemma}|{'+'.join(others)}",
        f"object-ent={head.ent_type_ or head.pos_}",
        f"kind+object-ent={kind}|{head.ent_type_ or head.pos_}",
        f"first={first}",
        f"kind+first={kind}|{first}",
        f"before={cue.nbor(-1).lower_ if cue.i > 0 else '-'}",
        f"sent-start={any(t.is_sent_start for t in cue.doc[max(0, cue.i - 2) : cue.i + 1])}",
        f"lemma={lemma}",
        f"lemma+kind={lemma}|{kind}",
        f"lemma+prt={lemma}|{prt}",
        f"lemma+speaker={lemma}|{speaker}",
        f"kind={kind}",
        f"pos={cue.pos_}",
        f"tag={cue.tag_}",
        f"dep={cue.dep_}",
        f"kind+dep={kind}|{cue.dep_}",
        f"speaker={speaker}",
        f"speaker+kind={speaker}|{kind}",
        f"subjdep={subject.dep_ if subject is not None else '-'}",
        f"mark={mark}",
        f"kind+mark={kind}|{mark}",
        f"comp-pos={comp.pos_}",
        f"comp-tag={comp.tag_}",
        f"kind+clause={kind}|{own_subject}",
        f"size={size}",
        f"kind+size={kind}|{size}",
        f"head-lemma={cue.head.lemma_.lower() if cue.head.i != cue.i else '-'}",
        f"comp-lemma={lemma}|{comp.lemma_.lower()}",
    ]
    if quoted:
        feats.append("quoted")
    if any(c.dep_ == "neg" for c in cue.children):
        feats.append("negated")
    if modal:
        feats.append("modal")
    if any(c.dep_ == "auxpass" for c in cue.children):
        feats.append("passive")
    if cue.pos_ == "NOUN" and any(c.dep_ == "poss" for c in cue.children):
        feats.append("possessive-noun")
    if comp.i < cue.i:
        feats.append("comp-before")
    return feats


@dataclass(frozen=True)
class Model:
    bias: float
    weights: dict[str, float]
    threshold: float

    def probability(self, feats: Iterable[str]) -> float:
        score = self.bias + sum(self.weights.get(f, 0.0) for f in feats)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))


MODEL_ENV = "NEWSDESK_QUOTE_MODEL"


def configured_model() -> Model | None:
    """The model ``NEWSDESK_QUOTE_MODEL`` names (a file, or ``none`` for rules only), else the
    packaged one."""
    choice = os.environ.get(MODEL_ENV, "").strip()
    if choice.lower() in ("none", "off", "rules"):
        return None
    return load_model(choice or None)


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> Model | None:
    """The packaged model (``None`` if the package has none), or the one at ``path``."""
    if path is None:
        packaged = resources.files("newsdesk").joinpath(MODEL_FILE)
        if not packaged.is_file():
            return None
        raw, where = packaged.read_text("utf-8"), MODEL_FILE
    else:
        try:
            raw, where = Path(path).read_text("utf-8"), path
        except (OSError, UnicodeDecodeError) as error:
            raise ModelError(f"cannot read the quote model: {error}", source=path) from None
    try:
        data = json.loads(raw)
        weights = {str(k): float(v) for k, v in data["weights"].items()}
        model = Model(float(data["bias"]), weights, float(data["threshold"]))
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ModelError(
            "not a quote model (JSON with bias, weights and threshold)", source=where
        ) from None
    if not 0.0 < model.threshold <= 1.0:
        raise ModelError("the threshold must be in (0, 1]", source=where)
    return model
