"""The figures stage, one construction per test, on sentences written for these tests (and the
three figures of the seed article). Each text is parsed once; the earlier stages run on it."""

from __future__ import annotations

import pytest

from newsdesk.figures import extract_figures, figure_changes, load_lexicon, same_subject
from newsdesk.ingest import Document
from newsdesk.pipeline import build_analysis
from newsdesk.records import Event, Figure, Span

from .conftest import SEED_TEXT, needs

PUBLISHED = "2025-03-05"  # a Wednesday


@pytest.fixture(scope="module")
def figures(analyzer):
    def run(text: str, published: str | None = PUBLISHED, events=None):
        doc = analyzer.nlp(text)
        meta = {"published": published} if published else {}
        analysis = build_analysis(doc, Document(text, meta=meta))
        found = extract_figures(
            doc,
            analysis.entities,
            analysis.quotes,
            analysis.events if events is None else events,
            analysis.dates,
            published,
        )
        for figure in found:
            assert text[figure.span.start : figure.span.end] == figure.span.text
        return found

    return run


def at(found, text: str):
    """The figure whose span is ``text``."""
    matches = [f for f in found if f.span.text == text]
    assert matches, f"no figure {text!r} in {[f.span.text for f in found]}"
    return matches[0]


def spans(found) -> list[str]:
    return [f.span.text for f in found]


# -- numbers -------------------------------------------------------------------------------------


def test_digits_with_thousands_separator_count_a_noun(figures):
    figure = at(figures("Officials counted 19,546 children in the camps."), "19,546 children")
    assert figure.value == 19546 and figure.unit == "children"
    assert figure.approx is None and figure.bound is None


def test_spelled_numbers_and_scales(figures):
    found = figures(
        "Two million refugees crossed the border, and three hundred and twenty people were "
        "evacuated, while twenty-five soldiers stayed behind."
    )
    assert at(found, "Two million refugees").value == 2_000_000
    assert at(found, "three hundred and twenty people").value == 320
    assert at(found, "twenty-five soldiers").value == 25


def test_a_dozen_and_half_a_million(figures):
    found = figures("A dozen journalists waited while half a million people lost power.")
    assert at(found, "A dozen journalists").value == 12
    assert at(found, "half a million people").value == 500_000


@pytest.mark.parametrize(
    ("text", "span", "value", "unit"),
    [
        ("The European Union pledged $1.2 billion in aid.", "$1.2 billion", 1.2e9, "USD"),
        ("The bank lent 1.2bn euros to the utility.", "1.2bn euros", 1.2e9, "EUR"),
        ("Britain promised £2.5 billion to Kyiv.", "£2.5 billion", 2.5e9, "GBP"),
        ("Brussels set aside €3.5bn for roads.", "€3.5bn", 3.5e9, "EUR"),
        ("The fund paid US$5m to the farmers.", "US$5m", 5e6, "USD"),
        ("The plan costs 5 million dollars.", "5 million dollars", 5e6, "USD"),
    ],
)
def test_money_has_a_currency_and_the_scale_applied(figures, text, span, value, unit):
    figure = at(figures(text), span)
    assert figure.value == pytest.approx(value) and figure.unit == unit


@pytest.mark.parametrize("written", ["30%", "30 percent", "30 per cent"])
def test_percentages(figures, written):
    figure = at(figures(f"Turnout fell to {written} in the capital."), written)
    assert figure.value == 30 and figure.unit == "percent"
    assert figure.counted == "Turnout"  # the subject of a value verb is what is measured


def test_area_with_what_it_measures(figures):
    found = figures("Rebels hold about 5,000 square kilometers of farmland near the border.")
    figure = at(found, "about 5,000 square kilometers")
    assert (figure.value, figure.unit, figure.approx) == (5000, "km2", "about")
    assert figure.counted == "farmland"


def test_lengths_weights_and_hyphenated_units(figures):
    found = figures(
        "The corridor shipped 33 million tonnes of grain along a 1,600-kilometer route, "
        "a line of trenches more than 2,000 kilometres long."
    )
    assert at(found, "33 million tonnes").unit == "tonnes"
    assert at(found, "33 million tonnes").counted == "grain"
    assert at(found, "1,600-kilometer").unit == "km"
    assert at(found, "more than 2,000 kilometres").bound == "min"


def test_magnitudes_are_approximate(figures):
    found = figures(
        "Hundreds of thousands of people have fled, tens of thousands were detained and "
        "thousands of homes were destroyed."
    )
    big = at(found, "Hundreds of thousands of people")
    assert (big.value, big.approx, big.unit) == (100_000, "hundreds of thousands of", "people")
    tens = at(found, "tens of thousands")
    assert (tens.value, tens.approx) == (10_000, "tens of thousands")
    homes = at(found, "thousands of homes")
    assert (homes.value, homes.approx, homes.unit) == (1000, "thousands of", "homes")


def test_fractions_before_of(figures):
    found = figures("Nearly two-thirds of the budget goes to defence, and a third of voters agree.")
    two_thirds = at(found, "Nearly two-thirds")
    assert two_thirds.unit == "fraction" and two_thirds.value == pytest.approx(0.6666, abs=1e-3)
    assert two_thirds.approx == "nearly" and two_thirds.counted == "budget"
    assert at(found, "a third").value == pytest.approx(0.3333, abs=1e-3)


# -- ranges, bounds and hedges -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Between 10 and 20 migrants drowned off Libya.", "Between 10 and 20 migrants"),
        ("Police arrested 10 to 20 protesters.", "10 to 20 protesters"),
        ("Police arrested 10-20 protesters.", "10-20 protesters"),
    ],
)
def test_ranges(figures, text, span):
    figure = at(figures(text), span)
    assert (figure.value, figure.upper, figure.bound) == (10, 20, "range")


def test_a_scale_on_the_top_of_a_range_applies_to_both_ends(figures):
    figure = at(
        figures("Some 10 to 20 million people may need aid."), "Some 10 to 20 million people"
    )
    assert (figure.value, figure.upper) == (10_000_000, 20_000_000)


def test_a_change_is_two_figures_not_a_range(figures):
    found = figures("Inflation rose from 10% to 15% in March.")
    assert spans(found) == ["10%", "15%"]
    assert all(f.bound is None for f in found)


@pytest.mark.parametrize(
    ("phrase", "bound"),
    [
        ("at least 20", "min"),
        ("more than 20", "min"),
        ("over 20", "min"),
        ("up to 20", "max"),
        ("fewer than 20", "max"),
        ("at most 20", "max"),
    ],
)
def test_bounds(figures, phrase, bound):
    figure = at(figures(f"The army said {phrase} soldiers were wounded."), f"{phrase} soldiers")
    assert figure.bound == bound and figure.value == 20 and figure.approx is None


@pytest.mark.parametrize("hedge", ["about", "around", "nearly", "almost", "some", "roughly"])
def test_hedges_keep_their_words(figures, hedge):
    figure = at(figures(f"Rescuers found {hedge} 300 survivors."), f"{hedge} 300 survivors")
    assert figure.approx == hedge and figure.value == 300 and figure.bound is None


def test_an_estimated(figures):
    figure = at(
        figures("An estimated 2,500 families lost their homes."), "An estimated 2,500 families"
    )
    assert figure.approx == "an estimated"


def test_about_as_a_preposition_is_not_a_hedge(figures):
    figure = at(figures("The minister talked about 20 hostages."), "20 hostages")
    assert figure.approx is None


# -- what is counted -----------------------------------------------------------------------------


def test_unit_is_the_plural_noun_with_its_noun_compounds(figures):
    found = figures(
        "The pact admits 30,000 asylum seekers, one soldier and 19 aircraft, and hundreds of "
        "health workers."
    )
    assert at(found, "30,000 asylum seekers").unit == "asylum seekers"
    assert at(found, "19 aircraft").unit == "aircraft"  # left singular after a number
    assert at(found, "hundreds of health workers").unit == "health workers"


def test_counted_keeps_the_passive_clause_that_restricts_it(figures):
    figure = at(
        figures("Officials say 4,750 migrants were deported to Albania in March."), "4,750 migrants"
    )
    assert figure.counted == "migrants deported to Albania in March"


def test_a_bare_number_takes_the_unit_of_the_count_in_its_clause(figures):
    found = figures(
        "The army says 101 hostages remain in Gaza, including 35 who are believed dead."
    )
    figure = at(found, "35")
    assert figure.unit == "hostages" and figure.kind == "killed"
    vote = at(figures("The parliament approved the pact by 322 votes to 266."), "266")
    assert vote.unit == "votes"


# -- casualties ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "kind"),
    [
        ("Twenty people were killed in the blast.", "Twenty people", "killed"),
        ("The army said it killed 30 terrorists.", "30 terrorists", "killed"),
        ("Twelve people died overnight.", "Twelve people", "killed"),
        ("The strike left 12 dead in the town.", "12 dead", "killed"),
        ("Police detained 47 protesters.", "47 protesters", "arrested"),
        ("A dozen journalists are missing.", "A dozen journalists", "missing"),
        ("Gunmen kidnapped 15 students.", "15 students", "abducted"),
        ("The fighting has forced 2 million people to flee.", "2 million people", "displaced"),
        ("Some 2,500 migrants were deported last month.", "Some 2,500 migrants", "deported"),
        ("Collapsing buildings injured 15 people.", "15 people", "injured"),
        ("The bombing claimed 30 lives.", "30 lives", "killed"),
    ],
)
def test_casualty_kinds(figures, text, span, kind):
    assert at(figures(text), span).kind == kind


def test_a_death_toll_is_a_count_of_the_dead(figures):
    found = figures("A death toll of 156 was announced after the death toll rose to 160.")
    for written in ("156", "160"):
        figure = at(found, written)
        assert (figure.kind, figure.unit) == ("killed", "people")
        assert figure.counted == "death toll"


def test_the_agent_of_a_killing_is_not_its_casualty(figures):
    found = figures("Twenty soldiers killed 30 civilians.")
    assert at(found, "Twenty soldiers").kind is None
    assert at(found, "30 civilians").kind == "killed"


def test_a_released_status_is_not_a_casualty(figures):
    found = figures("Israel released 90 Palestinian prisoners and Hamas freed 3 hostages.")
    assert at(found, "90 Palestinian prisoners").kind is None
    assert at(found, "3 hostages").kind is None


def test_no_kind_for_ordinary_counts(figures):
    assert at(figures("The ministry bought 300 tanks."), "300 tanks").kind is None


# -- who, where, when, which event ---------------------------------------------------------------


def test_a_figure_inside_an_attribution_is_claimed_by_its_speaker(figures):
    found = figures(
        "At least 14 people were killed in Kharkiv, Interior Minister Ihor Klymenko said."
    )
    figure = at(found, "At least 14 people")
    assert figure.claimed_by is not None and figure.claimed_by.name == "Ihor Klymenko"
    assert figure.claimed_by.entity is not None


def test_a_figure_in_the_newsrooms_voice_has_no_claimant(figures):
    assert at(figures("Police arrested 47 protesters."), "47 protesters").claimed_by is None


def test_a_pledge_is_an_act_not_a_claim(figures):
    found = figures("The European Union pledged $1.2 billion in military aid.")
    figure = at(found, "$1.2 billion")
    assert figure.claimed_by is None and figure.counted == "military aid"


def test_place_and_date_of_the_figures_clause(figures):
    found = figures("Police arrested more than 200 protesters in Tbilisi on Saturday.")
    figure = at(found, "more than 200 protesters")
    assert figure.place == "Tbilisi"
    assert figure.date == "2025-03-01"


def test_a_place_inside_the_prepositional_phrase(figures):
    figure = at(figures("Gunmen abducted 15 students from a school in Kaduna."), "15 students")
    assert figure.place == "Kaduna"


def test_the_event_whose_trigger_governs_the_figure(analyzer, figures):
    text = "Police arrested 47 protesters and the mayor met 12 students."
    start = text.index("arrested")
    trigger = Span(start, start + len("arrested"), "arrested")
    met = text.index("met")
    events = (
        Event("CONSULT", Span(met, met + 3, "met"), Span(met, met + 3, "met")),
        Event("COERCE", trigger, trigger),
    )
    found = figures(text, events=events)
    assert at(found, "47 protesters").event == 1
    assert at(found, "12 students").event == 0


# -- what is not a figure ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The war began in 2014 and the talks were held on March 5, 2023.",
        "They met at 10:30 a.m. on Tuesday.",
        "The fighting has lasted four years and the siege 20 days.",
        "A 45-year-old man, aged 45, was arrested. Khoshbo, 33, said so.",
        "The 14th brigade came second.",
        "For details call +1 202-555-0143.",
        "The G7 leaders discussed Resolution 2231 and Article 5 with the Group of Seven.",
        "Ukraine wants F-16 jets, and COVID-19 spread.",
        "The rule is on page 3 of section 4.",
        "One of the leaders said no one would come.",
        "The two leaders agreed on a 28-point plan during a two-day visit.",
        "An earthquake of magnitude 6.2 struck, then a magnitude 5.1 aftershock.",
    ],
)
def test_not_figures(figures, text):
    assert figures(text) == ()


def test_what_is_counted_is_never_cut_mid_phrase(figures):
    (found,) = figures(
        "Police have arrested at least 2,400 people for suspected participation in the "
        "anti-coup demonstrations since February 1."
    )
    assert found.counted == "people for suspected participation in the anti-coup demonstrations"
    found = figures("The storm displaced more than 3,000 people, who are now in six camps.")
    assert not found[0].counted.endswith(("in", "six", "the"))


def test_the_number_next_to_a_trap_is_still_a_figure(figures):
    found = figures("In 2014, 300 soldiers were killed near Donetsk.")
    assert spans(found) == ["300 soldiers"]


def test_a_number_misread_as_a_name_is_still_a_figure(figures):
    found = figures("According to security sources, 104 passengers had been rescued.")
    assert "104 passengers" in spans(found)


def test_the_lexicon_is_data():
    lexicon = load_lexicon()
    assert lexicon.scales["billion"] == 1e9
    assert lexicon.casualties["kidnap"] == "abducted"
    assert lexicon.modifiers[("at", "least")] == (False, "min")
    assert lexicon.modifiers[("an", "estimated")] == (True, None)


# -- the seed article ----------------------------------------------------------------------------


def test_seed_figures(analyzer):
    from newsdesk.ingest import Options, read_path

    needs(SEED_TEXT)
    (document,) = list(read_path(SEED_TEXT, Options()))
    doc = analyzer.nlp(document.text)
    analysis = build_analysis(doc, document)
    found = extract_figures(
        doc, analysis.entities, analysis.quotes, analysis.events, analysis.dates, None
    )

    area = at(found, "About 5,000 square kilometers")
    assert (area.value, area.unit, area.approx, area.claimed_by) == (5000, "km2", "about", None)
    assert area.counted == "Donetsk province under Ukrainian control"

    relocated = at(found, "nearly 20,000 children")
    assert (relocated.value, relocated.unit, relocated.approx) == (20000, "children", "nearly")
    assert relocated.claimed_by is not None and relocated.claimed_by.name == "Ukraine"
    assert relocated.counted == "children forcibly relocated since 2022"
    assert relocated.kind == "deported" and relocated.date == "2022"

    abducted = at(found, "thousands of abducted Ukrainian children")
    assert (abducted.value, abducted.unit, abducted.approx) == (1000, "children", "thousands of")
    assert abducted.claimed_by is not None and abducted.claimed_by.name == "Ukraine"
    assert abducted.counted is not None and "abducted Ukrainian children" in abducted.counted
    assert abducted.kind == "abducted"

    assert not [f for f in found if f.span.text in ("2014", "2022", "2023", "four")]


# -- a figure's changes over time ---------------------------------------------------------------


def _fig(value, unit, counted, kind=None, place=None):
    return Figure(Span(0, 1, "x"), value, unit, counted=counted, kind=kind, place=place)


def test_same_subject_needs_unit_kind_and_what_is_counted():
    deported = _fig(20000, "children", "children deported to Russia", "deported")
    later = _fig(19546, "children", "Ukrainian children deported to Russia", "deported")
    assert same_subject(deported, later)
    assert not same_subject(deported, _fig(19546, "children", "children in Sudan", "deported"))
    assert not same_subject(deported, _fig(19546, "children", "children deported to Russia"))
    killed = _fig(25, "people", "people killed in protests", "killed")
    assert not same_subject(killed, _fig(1200, "people", "people killed in Israel", "killed"))
    gaza = _fig(90, "percent", "population", place="Gaza")
    assert not same_subject(gaza, _fig(65, "percent", "population"))
    assert same_subject(gaza, _fig(65, "percent", "population", place="Gaza"))
    assert same_subject(killed, _fig(30, "people", "people", "killed"), anchored=True)
    assert not same_subject(
        _fig(1, "people", "people", "killed", "Gaza"),
        _fig(2, "people", "people", "killed", "Haiti"),
        anchored=True,
    )


def test_figure_changes_compare_other_articles_within_the_window():
    first = _fig(20000, "children", "children deported to Russia", "deported")
    again = _fig(20000, "children", "children deported to Russia", "deported")
    same_article = _fig(18000, "children", "children deported to Russia", "deported")
    update = _fig(19546, "children", "children deported to Russia", "deported")
    much_later = _fig(21000, "children", "children deported to Russia", "deported")
    rows = [
        ("a", "2025-01-01", first),
        ("b", "2025-01-03", again),
        ("b", "2025-01-03", same_article),
        ("c", "2025-01-10", update),
        ("d", "2025-12-01", much_later),
    ]
    changes = figure_changes(rows)
    assert set(changes) == {2, 3}  # "again" repeats the count; "much_later" is out of the window
    assert changes[2][0] == "a"
    assert changes[3][2].value == 18000
    assert 4 in figure_changes(rows, anchored=True)
