"""PLOVER event evaluation on hand-written gold records (tests/data/plover) and hand-built events."""

from __future__ import annotations

import json
from pathlib import Path

import pycountry
import pytest

from newsdesk.errors import EvalError
from newsdesk.evaluation.metrics import PRF
from newsdesk.evaluation.plover import (
    GoldActor,
    actor_matches,
    evaluate_plover,
    iso_code,
    load_gold,
    plover_type,
    score_events,
    words,
)
from newsdesk.records import Actor, Analysis, Article, Event, Span
from newsdesk.yamlfile import load_yaml

GOLD = Path(__file__).parent / "data" / "plover" / "gold.json"
CAMEO_ISO = Path(__file__).parent.parent / "src" / "newsdesk" / "data" / "cameo_iso.yaml"
NOWHERE = Span(0, 0, "")


@pytest.fixture(scope="module")
def gold():
    return {sentence.id: sentence for sentence in load_gold(GOLD)}


def actor(mention: str, code: str | None = None) -> Actor:
    return Actor(None, mention, code, Span(0, len(mention), mention))


def event(kind: str, source=(), target=()) -> Event:
    return Event(kind, NOWHERE, NOWHERE, source=tuple(source), target=tuple(target))


def test_reader_skips_documents_maps_labels_and_reads_missing_actors(gold):
    assert list(gold) == [
        "TEST-DEMAND-0001",
        "TEST-FIGHT-0001",
        "TEST-AGREE-0001",
        "TEST-INVESTIGATE-0001",
    ]
    assert [g.type for g in gold.values()] == ["REQUEST", "ASSAULT", "AGREE", "ACCUSE"]
    assert [g.label for g in gold.values()] == ["DEMAND", "FIGHT", "AGREE", "INVESTIGATE"]
    demand = gold["TEST-DEMAND-0001"]
    assert demand.source == (GoldActor("Romanian officials", "ROM", "GOV"),)
    assert demand.target == (GoldActor("Moldova", "MDA", None),)
    # A target of "" and of null both mean no target; an empty mode is no mode.
    assert gold["TEST-AGREE-0001"].target == gold["TEST-INVESTIGATE-0001"].target == ()
    assert gold["TEST-FIGHT-0001"].mode is None


def test_v05_labels_map_to_plover_2():
    assert plover_type("DEMAND") == "REQUEST"
    assert plover_type("DISAPPROVE") == "ACCUSE"
    assert plover_type("investigate") == "ACCUSE"
    assert plover_type("FIGHT") == "ASSAULT"
    assert plover_type("AGREE") == "AGREE"


def test_cameo_codes_map_to_iso_and_others_pass_through():
    assert iso_code("ROM") == "ROU"
    assert iso_code("zar") == "COD"
    assert iso_code("ROU") == "ROU"
    assert iso_code("USA") == "USA"
    assert iso_code("") is None and iso_code(None) is None
    table = load_yaml(CAMEO_ISO.read_text("utf-8"))
    # Each mapped code is not an ISO code and maps to one.
    assert all(pycountry.countries.get(alpha_3=code) is None for code in table)
    assert all(pycountry.countries.get(alpha_3=iso) is not None for iso in table.values())


def test_words_ignore_case_punctuation_possessives_and_stopwords():
    assert words("Romania's new Government") == {"romania", "new", "government"}
    assert words("The U.N.") == {"un"}
    assert words("the army of Zaire") == {"army", "zaire"}
    assert words("Greek-Cypriot") == {"greek", "cypriot"}


def test_actor_matching_by_token_overlap_or_iso_code():
    officials = GoldActor("Romanian officials", "ROM")
    assert actor_matches(actor("the officials"), officials)
    assert actor_matches(actor("Bucharest", "ROU"), officials)  # ROM is ROU
    assert not actor_matches(actor("Bucharest", "MDA"), officials)
    assert not actor_matches(actor("the", None), GoldActor("the army of Zaire", "ZAR"))
    un = GoldActor("U.N.", "IGO")
    assert actor_matches(actor("UN"), un)
    # IGO names no organisation: it never matches by code alone.
    assert not actor_matches(actor("World Bank", "IGO"), un)


def test_perfect_events_score_one(gold):
    g = list(gold.values())
    predicted = [
        [event("REQUEST", [actor("officials", "ROU")], [actor("Moldova", "MDA")])],
        [event("ASSAULT", [actor("Rebels")], [actor("army", "COD")])],
        [event("AGREE", [actor("U.N.", "IGO")])],
        [event("ACCUSE", [actor("Swedish inspectors", "SWE")])],
    ]
    score = score_events(zip(g, predicted, strict=True))
    assert score.name == "plover events: 4 sentences"
    assert score.metrics == dict.fromkeys(
        [
            "type_accuracy",
            "event_precision",
            "event_recall",
            "event_f1",
            "source_accuracy",
            "target_accuracy",
        ],
        1.0,
    )
    assert score.misses == []
    assert score.details[0] == "type ACCUSE: gold=1 predicted=1 correct=1"


def test_duplicates_beyond_the_first_are_false_positives(gold):
    demand = gold["TEST-DEMAND-0001"]
    twice = [event("REQUEST", [actor("officials")], [actor("Moldova")])] * 2
    score = score_events([(demand, twice)])
    assert score.metrics["type_accuracy"] == 1.0
    assert score.metrics["event_precision"] == 0.5
    assert score.metrics["event_recall"] == 1.0
    assert (score.types["REQUEST"].tp, score.types["REQUEST"].predicted) == (1, 2)
    assert score.misses == ["TEST-DEMAND-0001: spurious REQUEST"]


def test_best_event_is_the_first_and_roles_are_scored_only_when_it_is_right(gold):
    demand, fight = gold["TEST-DEMAND-0001"], gold["TEST-FIGHT-0001"]
    score = score_events(
        [
            (demand, [event("ACCUSE", [actor("officials")]), event("REQUEST")]),
            (fight, [event("ASSAULT", [actor("soldiers")], [actor("army")])]),
        ]
    )
    assert score.metrics["type_accuracy"] == 0.5
    assert score.metrics["event_precision"] == pytest.approx(2 / 3)
    assert score.metrics["event_recall"] == 1.0
    # Only the FIGHT sentence counts for roles: its source is wrong, its target right.
    assert (score.metrics["source_accuracy"], score.metrics["target_accuracy"]) == (0.0, 1.0)
    assert score.types["ACCUSE"] == PRF(0, 1, 0)
    assert score.misses[0].startswith("TEST-DEMAND-0001: type REQUEST vs ACCUSE, REQUEST")
    assert score.misses[1] == "TEST-FIGHT-0001: source ['Rebels'/ZAR] vs ['soldiers'/-]"


def test_an_empty_gold_target_is_right_only_when_none_is_predicted(gold):
    agree = gold["TEST-AGREE-0001"]
    source = [actor("U.N.")]
    alone = score_events([(agree, [event("AGREE", source)])])
    assert alone.metrics["target_accuracy"] == 1.0
    extra = score_events([(agree, [event("AGREE", source, [actor("observers")])])])
    assert extra.metrics["target_accuracy"] == 0.0
    assert extra.misses == ["TEST-AGREE-0001: target [] vs ['observers'/-]"]
    # A gold actor with no predicted one is wrong too.
    nobody = score_events([(agree, [event("AGREE")])])
    assert nobody.metrics["source_accuracy"] == 0.0


def test_no_events_score_zero(gold):
    score = score_events((g, []) for g in gold.values())
    assert score.metrics["type_accuracy"] == 0.0
    assert score.metrics["event_recall"] == 0.0
    assert score.metrics["source_accuracy"] == 0.0
    assert score.types["REQUEST"].gold == 1 and score.types["REQUEST"].predicted == 0
    assert score.misses[0] == (
        "TEST-DEMAND-0001: type REQUEST vs - | gold ['Romanian officials'/ROM] -> ['Moldova'/MDA]"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read gold file"),
        ("[{", "cannot read gold file"),
        ('{"id": "x"}', "must be a JSON list"),
        ('[{"id": "x", "event": "AGREE"}]', r"record 0 \(x\): missing or empty 'text'"),
        ('[{"id": "x", "event": "AGREE", "text": "t", "source": [1]}]', "without actorText"),
        ('[{"id": "x", "event": "AGREE", "text": "t", "target": {}}]', "must be a list"),
        ('[{"id": "x", "event": "A", "text": "t"}, {"id": "x", "event": "A", "text": "u"}]', "dup"),
    ],
)
def test_missing_or_malformed_gold_is_an_eval_error(tmp_path, content, message):
    path = tmp_path / "gold.json"
    if content is not None:
        path.write_text(content, "utf-8")
    with pytest.raises(EvalError, match=message) as caught:
        load_gold(path)
    assert str(path) in str(caught.value)


class Echo:
    """Stands in for the analyzer: AGREE by the second word of each sentence; keeps its input."""

    def __init__(self):
        self.documents = []

    def analyze_document(self, document):
        self.documents.append(document)
        agree = event("AGREE", [actor(document.text.split()[1])])
        return Analysis(Article(id="x", text=document.text), events=(agree,))


def test_evaluate_plover_analyses_each_raw_sentence_and_honours_limit(gold):
    echo = Echo()
    score = evaluate_plover(GOLD, echo, limit=3)
    assert [d.text for d in echo.documents] == [g.text for g in list(gold.values())[:3]]
    assert [d.source for d in echo.documents] == list(gold)[:3]
    assert all("published" not in d.meta for d in echo.documents)
    assert score.name == "plover events: 3 sentences"
    assert score.metrics["type_accuracy"] == pytest.approx(1 / 3)
    assert score.metrics["source_accuracy"] == 1.0  # "U.N." of "The U.N. agreed ..."


def test_cli_events_prints_metrics_and_types_and_reports_a_missing_file(tmp_path):
    from click.testing import CliRunner

    from newsdesk.cli import main

    runner = CliRunner()
    args = ["eval", "events", "--plover", str(GOLD), "--limit", "2"]
    result = runner.invoke(main, [*args, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["name"] == "plover events: 2 sentences"
    assert {t: c["gold"] for t, c in data["types"].items() if c["gold"]} == {
        "REQUEST": 1,
        "ASSAULT": 1,
    }
    assert 0.0 <= data["metrics"]["type_accuracy"] <= 1.0
    result = runner.invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "  type_accuracy" in result.stdout
    assert any(line.split()[:2] == ["REQUEST", "1"] for line in result.stdout.splitlines())
    result = runner.invoke(main, ["eval", "events", "--plover", str(tmp_path / "none.json")])
    assert result.exit_code == 1
    assert "no PLOVER gold file here" in result.stderr
