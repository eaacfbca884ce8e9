"""The event coder, one construction per test, on sentences written for these tests."""

from __future__ import annotations

import pytest

from newsdesk.events import load_lexicon

PUBLISHED = "2025-03-05"  # a Wednesday


@pytest.fixture(scope="module")
def code(analyzer):
    from newsdesk.ingest import Options, from_text

    def run(text: str, published: str | None = PUBLISHED):
        meta = {"published": published} if published else {}
        document = from_text(text, None, Options(clean=False, check_language=False), meta)
        return analyzer.analyze_document(document).events

    return run


def codes(actors):
    return {a.code for a in actors}


def only(events, kind):
    found = [e for e in events if e.type == kind]
    assert found, f"no {kind} in {[(e.type, e.trigger.text) for e in events]}"
    return found[0]


def test_plain_event_with_source_target_place_and_date(code):
    event = only(code("Pakistan held talks with Afghanistan in Doha on Monday."), "CONSULT")
    assert codes(event.source) == {"PAK"} and codes(event.target) == {"AFG"}
    assert event.trigger.text == "talks"
    assert event.place == "Doha"
    assert event.date == "2025-03-03"
    assert not (event.negated or event.future or event.conditional or event.hypothetical)


def test_a_day_is_not_a_recipient(code):
    event = only(code("Serbia agreed on Tuesday to reopen the border with Croatia."), "AGREE")
    assert all(a.mention.text != "Tuesday" for a in event.target)
    assert codes(event.source) == {"SRB"}


def test_negation_is_a_flag(code):
    event = only(code("Israel did not attack the convoy, the army said."), "ASSAULT")
    assert event.negated
    assert codes(event.source) == {"ISR"}


def test_negated_acceptance_is_a_rejection(code):
    events = code("Serbia will not accept the European proposal.")
    assert [e.type for e in events] == ["REJECT"]
    assert not events[0].negated


def test_conditional_threat_and_its_demand(code):
    events = code(
        "Turkey will cut off water supplies to Syria unless Damascus expels the militants, "
        "President Recep Tayyip Erdogan said on Tuesday."
    )
    threat = only(events, "THREATEN")
    assert threat.conditional and threat.future
    assert codes(threat.source) == {"TUR"} and codes(threat.target) == {"SYR"}
    assert threat.reported_by is not None and "Erdo" in threat.reported_by.name
    demand = only(events, "REQUEST")
    assert codes(demand.source) == {"TUR"} and codes(demand.target) == {"SYR"}
    assert not demand.conditional
    assert "expels" in demand.evidence.text


def test_threat_frame_takes_mode_and_recipient_from_its_complement(code):
    event = only(code("Iran threatened to ban imports from Britain."), "THREATEN")
    assert event.mode == "restrict"
    assert codes(event.target) == {"GBR"}
    assert len(code("Iran threatened to ban imports from Britain.")) == 1  # no separate ban


def test_vow_to_use_force_is_a_threat(code):
    event = only(code("China has vowed to retake Taiwan by force."), "THREATEN")
    assert event.mode == "territory" and codes(event.target) == {"TWN"}


def test_planned_event_keeps_its_type_and_looks_forward(code):
    event = only(
        code("French officials are due to meet Chinese negotiators in Paris on Friday."), "CONSULT"
    )
    assert event.future
    assert event.date == "2025-03-07"  # the coming Friday, not the last one
    assert codes(event.source) == {"FRA"} and codes(event.target) == {"CHN"}


def test_future_cooperation_is_a_commitment(code):
    event = only(code("Japan will provide emergency aid to Turkey."), "AGREE")
    assert event.future and codes(event.target) == {"TUR"}


def test_modal_could_is_hypothetical(code):
    event = only(code("Washington could impose sanctions on Venezuela."), "SANCTION")
    assert event.hypothetical and not event.future
    assert codes(event.source) == {"USA"} and codes(event.target) == {"VEN"}


def test_accusation_carries_the_alleged_act_as_reported(code):
    events = code("Ukraine accused Russia of shelling a hospital in Kharkiv.")
    accuse = only(events, "ACCUSE")
    assert codes(accuse.source) == {"UKR"} and codes(accuse.target) == {"RUS"}
    assert accuse.reported_by is None
    alleged = only(events, "ASSAULT")
    assert codes(alleged.source) == {"RUS"}
    assert alleged.reported_by is not None and alleged.reported_by.name == "Ukraine"
    assert alleged.place == "Kharkiv"


def test_passive_agent_is_the_source(code):
    event = only(code("Two Kenyan soldiers were killed by al-Shabaab fighters."), "ASSAULT")
    assert {a.sector for a in event.source} == {"REB"}
    assert codes(event.target) == {"KEN"}


def test_compound_source_gives_two_actors(code):
    event = only(code("The United States and Jordan signed a trade agreement."), "SUPPORT")
    assert codes(event.source) == {"USA", "JOR"}


def test_described_actor_keeps_its_words_and_gets_a_sector(code):
    event = only(
        code("Protesters in Nairobi staged a rally against President William Ruto on Sunday."),
        "PROTEST",
    )
    (source,) = event.source
    assert source.name == "Protesters in Nairobi" and source.sector == "OPP"
    assert source.code == "KEN"
    assert [a.name for a in event.target] == ["William Ruto"]
    assert event.date == "2025-03-02"


def test_no_actor_no_event(code):
    assert code("A bomb exploded in the market.") == ()


def test_background_clause_yields_to_the_main_event(code):
    events = code("After rebels attacked the town, the Malian army sent troops to the region.")
    assert [e.type for e in events] == ["MOBILIZE"]
    assert codes(events[0].source) == {"MLI"}


def test_speaker_of_an_inverted_attribution_reports_the_event(code):
    event = only(
        code("Moscow rejected the Ukrainian peace plan, Kremlin spokesman Dmitry Peskov said."),
        "REJECT",
    )
    assert event.reported_by is not None and event.reported_by.name == "Dmitry Peskov"
    assert codes(event.target) == {"UKR"}
    assert "said" not in event.evidence.text


def test_rejecting_an_account_targets_whoever_gave_it(code):
    events = code(
        "Russia has acknowledged moving some children, saying it was for their safety; "
        "Ukraine rejects that account."
    )
    reject = only(events, "REJECT")
    assert codes(reject.source) == {"UKR"} and codes(reject.target) == {"RUS"}


def test_evidence_and_trigger_are_offsets_into_the_text(code):
    text = "Police arrested dozens of opposition supporters in Kampala."
    (event,) = code(text)
    assert text[event.trigger.start : event.trigger.end] == event.trigger.text == "arrested"
    assert text[event.evidence.start : event.evidence.end] == event.evidence.text
    assert event.evidence.start <= event.trigger.start < event.trigger.end <= event.evidence.end


def test_user_lexicon_extends_the_shipped_one(tmp_path):
    extra = tmp_path / "events.yaml"
    extra.write_text("verbs:\n  torpedo: {type: REJECT, target: [obj]}\n", "utf-8")
    lexicon = load_lexicon((str(extra),))
    assert lexicon.verbs["torpedo"][0].type == "REJECT"
    assert "meet" in lexicon.verbs  # the shipped entries stay
    assert "torpedo" not in load_lexicon().verbs


def test_lexicon_types_are_plover(code):
    lexicon = load_lexicon()
    plover = {
        "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
        "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
    }  # fmt: skip
    used = {
        rule.type
        for section in (lexicon.verbs, lexicon.nouns, lexicon.adjectives)
        for rules in section.values()
        for rule in rules
    }
    assert used <= plover
    assert used == plover  # every type has at least one trigger


def test_a_pronoun_in_a_direct_quote_is_not_a_name_outside_it(code):
    story = (
        "The archaeologist Sirio Canos-Donnay studied the ruins of Kansala for a decade.\n"
        '"The legend is he set fire to the gunpowder house and blew the whole site up," '
        "Canos-Donnay said."
    )
    assert not [e for e in code(story) if any("Canos" in a.name for a in e.source)]
    named = (
        "The archaeologist Sirio Canos-Donnay studied the ruins of Kansala for a decade.\n"
        '"The army said the rebels attacked the town, and then they burned it," she said.'
    )
    (attack, *_) = [e for e in code(named) if e.type == "ASSAULT"]
    assert not any("Canos" in a.name for a in attack.source)


@pytest.mark.parametrize("content", ["verbs: [torpedo\n  - broken", "- just\n- a list\n"])
def test_a_malformed_user_lexicon_is_one_clear_error(tmp_path, content):
    from newsdesk.errors import InputError

    bad = tmp_path / "bad.yaml"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_lexicon((str(bad),))
    assert caught.value.source == str(bad)
    assert "\n" not in str(caught.value) and "event lexicon" in str(caught.value)
