"""Knowledge files are read with YAML 1.2 booleans: "on", "no", "off" stay words."""

from __future__ import annotations

from importlib import resources

import pytest

from newsdesk.events import load_lexicon
from newsdesk.quotes import load_cues
from newsdesk.yamlfile import YAMLError, load_yaml


def test_only_true_and_false_are_booleans():
    data = load_yaml("preps: [on, off, 'for']\ncodes: [NO, yes, n, Y]\nflags: [true, False]\n")
    assert data == {
        "preps": ["on", "off", "for"],
        "codes": ["NO", "yes", "n", "Y"],
        "flags": [True, False],
    }
    assert load_yaml("when: 2025-03-05\nn: 3\n")["n"] == 3


def test_malformed_yaml_raises_the_yaml_error():
    with pytest.raises(YAMLError):
        load_yaml("a: [on, for\n")


def _booleans(value, where=""):
    if isinstance(value, bool):
        yield where
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _booleans(key, f"{where}/{key!r}")
            yield from _booleans(item, f"{where}/{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _booleans(item, f"{where}[{i}]")


def test_shipped_knowledge_holds_words_not_booleans():
    data = resources.files("newsdesk").joinpath("data")
    files = [f for f in data.iterdir() if f.name.endswith(".yaml")]
    files += [f for f in data.joinpath("kb").iterdir() if f.name.endswith(".yaml")]
    assert len(files) > 10
    found = {f.name: list(_booleans(load_yaml(f.read_text("utf-8")))) for f in files}
    assert not {name: where for name, where in found.items() if where}


def test_lexicons_keep_the_preposition_on():
    assert {"on", "for"} <= load_cues().prepositions["call"]
    (request,) = [r for r in load_lexicon().verbs["call"] if r.prep == "on"]
    assert "on" in request.target
