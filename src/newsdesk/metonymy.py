"""Metonymy: is a capital or seat of power acting (a government) or a place here?

"Kyiv rejected the demand" and "the Kremlin said" are Ukraine's and Russia's governments as
actors; "envoys met in the Kremlin" is a building. The rules read the dependency parse; the
word lists are data (``data/metonymy.yaml``).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.tokens import Span

from .yamlfile import load_yaml

_SUBJECTS = {"nsubj", "nsubjpass", "csubj", "expl"}


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, frozenset[str]]:
    text = resources.files("newsdesk").joinpath("data/metonymy.yaml").read_text("utf-8")
    data: dict[str, Any] = load_yaml(text)
    return {key: frozenset(values) for key, values in data.items()}


def is_actor(span: Span, *, default: bool) -> bool:
    """Whether ``span`` names a government acting; ``default`` when the syntax does not say."""
    words = _lexicon()
    token = span.root
    dep = token.dep_
    if dep == "conj":  # "Moscow and Kyiv said": take the role of the first conjunct
        while token.dep_ == "conj" and token.head.i != token.i:
            token = token.head
        dep = token.dep_
    if dep in _SUBJECTS or dep == "poss":
        return True
    if dep == "compound" or dep == "nmod":
        return token.head.lemma_.lower() in words["institution_words"] or default
    if dep in ("dobj", "obj"):
        return token.head.lemma_.lower() in words["actor_object_verbs"] or default
    if dep == "pobj":
        return _object_of_preposition(token.head, words)
    if dep == "agent":
        return True
    return default


def _object_of_preposition(prep: Any, words: dict[str, frozenset[str]]) -> bool:
    word = prep.lower_
    if word == "by" or prep.dep_ == "agent":
        return True
    if word == "to":
        return prep.head.lemma_.lower() not in words["movement_words"]
    return word not in words["place_prepositions"]
