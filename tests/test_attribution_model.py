"""The learned attribution fallback: candidates, features, the model file, training on hand-written
brat files, and how its quotes join the rules' (tests/test_quotes.py has the rules)."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdesk.attribution_model import (
    MODEL_ENV,
    Model,
    candidates,
    configured_model,
    features,
    load_model,
)
from newsdesk.cli import main
from newsdesk.errors import EvalError, ModelError
from newsdesk.evaluation.polnear import load_split
from newsdesk.evaluation.train_quotes import label, train_attribution_model
from newsdesk.ingest import Document

POLNEAR_DEV = Path(__file__).parent / "data" / "polnear" / "dev"


@pytest.fixture(scope="module")
def nlp(analyzer):
    return analyzer.nlp


@pytest.fixture(scope="module")
def analyze(analyzer):
    return lambda text: analyzer.analyze_document(Document(text))


def found(nlp, text: str) -> dict[tuple[str, str], str]:
    """(cue word, complement kind) -> content text of every candidate."""
    return {
        (c.cue.text, c.kind): " ".join(t.text for t in c.content) for c in candidates(nlp(text))
    }


def test_candidates_are_a_cue_with_each_complement(nlp):
    got = found(nlp, "The senator chided the governor for his remarks on taxes.")
    assert got[("chided", "dobj")] == "the governor"
    assert got[("chided", "prep:for")] == "his remarks on taxes"
    assert ("senator", "dobj") not in got


def test_a_pronoun_object_is_not_a_candidate(nlp):
    got = found(nlp, "She called him a liar and told them nothing.")
    assert not any(
        kind == "dobj" and content in ("him", "them") for (_, kind), content in got.items()
    )


def test_features_name_the_lemma_construction_and_speaker(nlp):
    doc = nlp("He scoffed at the plan. The ministry scoffed at the plan.")
    first, second = [c for c in candidates(doc) if c.cue.lemma_ == "scoff"]
    assert {"lemma=scoff", "lemma+kind=scoff|prep:at", "speaker=person-pronoun"} <= set(
        features(first)
    )
    assert "speaker=noun" in features(second)
    assert "quoted" in features(first, quoted=True)
    assert "quoted" not in features(first)


def test_probability_is_the_logistic_of_the_summed_weights():
    model = Model(bias=-1.0, weights={"a": 2.0, "b": 0.5}, threshold=0.5)
    assert model.probability(["a"]) == pytest.approx(1 / (1 + 2.718281828 ** (-1.0)), rel=1e-6)
    assert model.probability(["a", "b", "unknown"]) > model.probability(["a"])
    assert model.probability([]) < 0.5


def write_model(path: Path, weights: dict[str, float], bias: float = -4.0, threshold=0.5) -> Path:
    path.write_text(json.dumps({"bias": bias, "weights": weights, "threshold": threshold}))
    return path


def test_model_files_load_and_bad_ones_fail_with_one_clear_error(tmp_path, monkeypatch):
    good = write_model(tmp_path / "m.json", {"lemma=scoff": 6.0})
    assert load_model(str(good)).weights == {"lemma=scoff": 6.0}
    (tmp_path / "bad.json").write_text('{"bias": 1}')
    with pytest.raises(ModelError, match="not a quote model"):
        load_model(str(tmp_path / "bad.json"))
    with pytest.raises(ModelError, match="cannot read"):
        load_model(str(tmp_path / "missing.json"))
    write_model(tmp_path / "t.json", {}, threshold=1.5)
    with pytest.raises(ModelError, match="threshold"):
        load_model(str(tmp_path / "t.json"))
    monkeypatch.setenv(MODEL_ENV, "none")
    assert configured_model() is None
    monkeypatch.setenv(MODEL_ENV, str(good))
    assert configured_model() is load_model(str(good))


def test_the_packaged_model_is_there_and_sane():
    model = load_model()
    assert model is not None and 0.3 <= model.threshold <= 0.9
    # what the training data teaches: "say" with a clause is attribution; words inside a quote
    # are not a new one (PolNeAR marks the outer quote only)
    assert model.weights["lemma+kind=say|ccomp"] > 0 > model.weights["quoted"]


TEXT = (
    "The senator scoffed at the governor's plan for new roads. "
    "Putin said Russia would take the region. Workers painted the fence."
)


def test_learned_quotes_join_the_rules_without_overlapping_them(analyze, tmp_path, monkeypatch):
    # a model that only knows "scoff" and, wrongly, "say" and "paint"
    weights = {"lemma=scoff": 6.0, "lemma=say": 6.0, "lemma=paint": 1.0}
    monkeypatch.setenv(MODEL_ENV, str(write_model(tmp_path / "m.json", weights)))
    quotes = analyze(TEXT).quotes
    learned = [q for q in quotes if q.method == "learned"]
    assert [(q.cue.text, q.content.text) for q in learned] == [
        ("scoffed at", "the governor's plan for new roads")
    ]
    assert learned[0].speaker.mention.text == "The senator"
    assert 0.5 <= learned[0].confidence <= 1.0
    said = [q for q in quotes if q.cue and q.cue.text == "said"]
    assert len(said) == 1 and said[0].method == "rules" and said[0].confidence is None
    monkeypatch.setenv(MODEL_ENV, "none")
    assert not [q for q in analyze(TEXT).quotes if q.method == "learned"]


def test_learned_quotes_never_overlap_each_other(analyze, tmp_path, monkeypatch):
    # every candidate scores 0.98: one quote per cue word, no content inside another's
    monkeypatch.setenv(MODEL_ENV, str(write_model(tmp_path / "m.json", {}, bias=4.0)))
    quotes = analyze(TEXT).quotes
    spans = sorted((q.content.start, q.content.end) for q in quotes)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in pairwise(spans))
    cues = [q.cue.start for q in quotes if q.cue]
    assert len(cues) == len(set(cues))
    assert not any(
        q.content.start <= other.cue.start < q.content.end
        for q in quotes
        for other in quotes
        if other.cue is not None and other is not q
    )


def write_split(root: Path, articles: dict[str, tuple[str, str]]) -> Path:
    """A PolNeAR-shaped split from (text, brat annotation) pairs, one annotator "x"."""
    folder = root / "train"
    (folder / "text").mkdir(parents=True)
    (folder / "attributions").mkdir()
    rows = ["compartment\tfilename\tlevel\tannotators\tpublisher\ttitle"]
    for name, (text, ann) in articles.items():
        (folder / "text" / f"{name}.txt").write_text(text, "utf-8")
        (folder / "attributions" / f"{name}_x.ann").write_text(ann, "utf-8")
        rows.append(f"train\t{name}\tNone\tx\ttest\t{name}")
    (root / "metadata.tsv").write_text("\n".join(rows) + "\n", "utf-8")
    return folder


def brat(text: str, source: str, cue: str, content: str) -> str:
    def at(words: str) -> str:
        start = text.index(words)
        return f"{start} {start + len(words)}\t{words}"

    return (
        f"T1\tSource {at(source)}\nT2\tCue {at(cue)}\nT3\tContent {at(content)}\n"
        f"T4\tAttribution {at(cue)}\nE1\tAttribution:T4 Source:T1 Cue:T2 Content:T3\n"
    )


ARTICLES = {
    f"a{i}": (
        f"{who} scoffed at {what}. Crews painted {thing}.",
        brat(f"{who} scoffed at {what}. Crews painted {thing}.", who, "scoffed", what),
    )
    for i, (who, what, thing) in enumerate(
        [
            ("The senator", "the plan", "the fence"),
            ("Critics", "the new budget", "the old bridge"),
            ("The mayor", "the proposal for roads", "a mural"),
        ]
    )
}


def test_labels_need_the_cue_word_and_the_content(analyzer, tmp_path):
    (gold, *_) = load_split(write_split(tmp_path, ARTICLES))
    doc = analyzer.nlp(gold.text)
    labels = {(c.cue.text, c.kind): label(c, gold) for c in candidates(doc)}
    assert labels[("scoffed", "prep:at")] is True
    assert labels[("painted", "dobj")] is False


def test_training_learns_from_hand_written_brat_files(analyzer, tmp_path):
    folder = write_split(tmp_path, ARTICLES)
    model = train_attribution_model(folder, analyzer, min_count=1, prune=0.0, l2=0.5)
    assert model["positives"] == 3 and model["examples"] > 3
    assert model["weights"]["lemma=scoff"] > 0 > model["weights"]["lemma=paint"]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model))
    learned = load_model(str(path))
    doc = analyzer.nlp("The governor scoffed at the idea. Volunteers painted the wall.")
    scores = {c.cue.text: learned.probability(features(c)) for c in candidates(doc)}
    assert scores["scoffed"] > 0.5 > scores["painted"]


def test_training_refuses_the_dev_split(analyzer):
    with pytest.raises(EvalError, match="quality gate"):
        train_attribution_model(POLNEAR_DEV, analyzer)


def test_train_quotes_command_writes_a_model_and_reports_errors(tmp_path):
    folder = write_split(tmp_path, ARTICLES)
    out = tmp_path / "m.json"
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["train-quotes", "--polnear", str(folder), "--out", str(out), "--min-count", "1"],
    )
    assert result.exit_code == 0, result.output
    assert "(3 attributions)" in result.output
    assert json.loads(out.read_text())["threshold"] == 0.6
    result = runner.invoke(main, ["train-quotes", "--polnear", str(tmp_path / "nothing")])
    assert result.exit_code == 1 and "no PolNeAR split here" in result.output
    unwritable = str(tmp_path / "no" / "such" / "dir" / "m.json")
    result = runner.invoke(
        main, ["train-quotes", "--polnear", str(folder), "--out", unwritable, "--min-count", "1"]
    )
    assert result.exit_code == 1 and "cannot write the model" in result.output
    assert result.output.count("\n") == 1  # one line, no traceback


def test_the_writers_hedges_are_not_learned_quotes(analyze, tmp_path, monkeypatch):
    # a model that takes everything: hedges and namings still give no quote
    monkeypatch.setenv(MODEL_ENV, str(write_model(tmp_path / "m.json", {}, bias=4.0)))
    text = (
        "North Korea appears to be preparing a launch. The group, known for its raids on "
        "border towns, seems to be growing. Officials know that the talks will fail."
    )
    quotes = analyze(text).quotes
    learned = {q.cue.text for q in quotes if q.method == "learned" and q.cue}
    assert learned and not learned & {"appears", "known for", "seems", "known"}
    # "know" with a subject is a stated belief, not a hedge
    assert "that the talks will fail" in {q.content.text for q in quotes}


def test_material_acts_are_not_learned_quotes(analyze, tmp_path, monkeypatch):
    # a model that takes everything: verbs the event lexicon reads only as deeds give no quote
    monkeypatch.setenv(MODEL_ENV, str(write_model(tmp_path / "m.json", {}, bias=4.0)))
    text = (
        "A court sentenced Zamora to six years in prison on money-laundering charges. Both "
        "countries withdrew ambassadors over the crackdown. The mayor hailed the agreement."
    )
    learned = {q.cue.text.split()[0] for q in analyze(text).quotes if q.method == "learned"}
    assert learned and not learned & {"sentenced", "withdrew"}


def test_objects_that_hold_no_words_are_not_learned_quotes(analyze, tmp_path, monkeypatch):
    monkeypatch.setenv(MODEL_ENV, str(write_model(tmp_path / "m.json", {}, bias=4.0)))
    text = (
        "The league issued a statement. Nigeria is seeing a wave of kidnappings. "
        "Officials see the plan as a trap. The mayor hailed the agreement."
    )
    learned = {q.cue.text.split()[0] for q in analyze(text).quotes if q.method == "learned"}
    assert "see" in learned  # an attitude: "see X as Y"
    assert not learned & {"issued", "seeing"}
