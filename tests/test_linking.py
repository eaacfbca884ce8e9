"""Linking rules, one construction per test, on sentences parsed by the statistical model."""

from __future__ import annotations

import pytest

from newsdesk.entities import extract_entities
from newsdesk.kb import load_kb
from newsdesk.nlp import load_nlp

from .conftest import ROOT

KB_FILE = str(ROOT / "tests" / "data" / "kb_test.yaml")


@pytest.fixture(scope="module")
def link():
    kb = load_kb((KB_FILE,))
    nlp = load_nlp(kb_files=(KB_FILE,))

    def run(text: str, published: str | None = None):
        return extract_entities(nlp(text), published, kb)

    return run


def by_mention(entities, text):
    return next(e for e in entities if any(m.text == text for m in e.mentions))


@pytest.mark.parametrize(
    ("sentence", "mention", "country_entity"),
    [
        ("Kyiv rejected the proposal on Monday.", "Kyiv", "Ukraine"),
        ("The Kremlin said the talks had been useful.", "Kremlin", "Russia"),
        ("Ukraine accused Moscow of shelling civilians in the east.", "Moscow", "Russia"),
        ("Moscow's demands remain unacceptable, officials said.", "Moscow", "Russia"),
        ("The minister said Kyiv would not gift its territory to Moscow.", "Moscow", "Russia"),
    ],
)
def test_capitals_and_seats_that_act_are_governments(link, sentence, mention, country_entity):
    entity = by_mention(link(sentence), mention)
    assert entity.name == country_entity
    assert entity.type == "GPE"
    assert entity.place is None


@pytest.mark.parametrize(
    ("sentence", "mention"),
    [
        ("U.S. envoys met Putin in the Kremlin on Tuesday.", "Kremlin"),
        ("Thousands of people rallied in Kyiv on Sunday.", "Kyiv"),
        ("The president flew to Moscow for talks last week.", "Moscow"),
    ],
)
def test_capitals_and_seats_named_as_places_stay_places(link, sentence, mention):
    entity = by_mention(link(sentence), mention)
    assert entity.name == mention
    assert entity.kb_id and entity.kb_id.split(":")[0] in ("seat", "capital")


def test_a_capital_place_is_geocoded(link):
    entity = by_mention(link("Thousands of people rallied in Kyiv on Sunday."), "Kyiv")
    assert entity.place is not None and entity.place.country == "UKR"


@pytest.mark.parametrize(
    ("sentence", "name", "role", "country"),
    [
        ("Kremlin aide Yuri Ushakov said the talks were useful.", "Yuri Ushakov", "aide", "RUS"),
        (
            "Ukraine's lead negotiator, Rustem Umerov, flew to Florida.",
            "Rustem Umerov",
            "lead negotiator",
            "UKR",
        ),
        (
            "Ukraine's human rights ombudsman, Dmytro Lubinets, cited testimony from children.",
            "Dmytro Lubinets",
            "human rights ombudsman",
            "UKR",
        ),
        ("Russian President Ivan Petrenko spoke on Friday.", "Ivan Petrenko", "President", "RUS"),
        (
            "Halyna Bondar, a Ukrainian spokeswoman, said the talks had ended.",
            "Halyna Bondar",
            "spokeswoman",
            "UKR",
        ),
    ],
)
def test_titles_and_appositions_give_roles_and_country(link, sentence, name, role, country):
    entity = next(e for e in link(sentence) if e.name == name)
    assert entity.type == "PERSON"
    assert role in entity.roles
    assert entity.country == country


def test_former_in_the_text_overrides_current_kb_roles(link):
    entity = by_mention(
        link("Former Foreign Minister Olena Marchuk said she was hopeful."), "Olena Marchuk"
    )
    assert entity.kb_id == "test-olena-marchuk"
    assert "former Foreign Minister" in entity.roles
    assert "Foreign Minister (Ukraine)" not in entity.roles


def test_kb_roles_follow_the_publication_date(link):
    sentence = "Olena Marchuk arrived in Brussels on Monday."
    in_2021 = by_mention(link(sentence, "2021-06-01"), "Olena Marchuk").roles
    in_2024 = by_mention(link(sentence, "2024-06-01"), "Olena Marchuk").roles
    assert in_2021 == ("Ambassador to NATO (Ukraine)",)
    assert in_2024 == ("Foreign Minister (Ukraine)",)


def test_surname_mention_links_to_the_kb_person(link):
    entities = link("Olena Marchuk arrived on Monday. Marchuk said the talks were useful.")
    (person,) = [e for e in entities if e.type == "PERSON"]
    assert person.kb_id == "test-olena-marchuk"
    assert [m.text for m in person.mentions] == ["Olena Marchuk", "Marchuk"]


def test_descriptor_refers_back_to_the_last_compatible_entity(link):
    text = "The NDA met in Oslo on Monday. The alliance said it would send more troops."
    entity = by_mention(link(text), "NDA")
    assert entity.kb_id == "test-alliance" and entity.name == "NDA"  # the text only says NDA
    assert [m.text for m in entity.mentions] == ["NDA", "The alliance"]


@pytest.mark.parametrize("spelling", ["Kostiantynivka", "Kostyantynivka", "Konstantinovka"])
def test_frontline_towns_in_a_ukraine_story_go_to_donetsk_oblast(link, spelling):
    text = (
        f"Russian forces shelled {spelling} and Krasnohorivka, Donetsk Oblast, overnight, "
        "Ukraine's military said, adding that Pokrovsk was also hit."
    )
    entities = link(text)
    for name in (spelling, "Krasnohorivka", "Pokrovsk"):
        place = by_mention(entities, name).place
        assert place is not None and place.country == "UKR", name
        assert place.admin1 == "Donetsk", name


def test_the_same_names_in_a_russian_regional_story_stay_in_russia(link):
    text = (
        "Floods cut power to Pokrovsk in Russia's Sakha region, the Russian emergencies "
        "ministry said, as rescuers in Yakutsk and Russian officials in Moscow met."
    )
    place = by_mention(link(text), "Pokrovsk").place
    assert place is not None and place.country == "RUS"


def test_named_regions_become_regions(link):
    text = "The Donetsk and Luhansk regions have seen the heaviest fighting since 2014."
    entities = link(text)
    donetsk = by_mention(entities, "Donetsk")
    assert donetsk.name == "Donetsk Oblast"  # what Ukraine calls its regions
    assert donetsk.place is not None and donetsk.place.geonameid is None
    assert donetsk.country == "UKR"


def test_a_surname_the_model_reads_as_an_org_joins_the_person(link):
    text = (
        "Naveeda Khoshbo wrote the book in Kabul. Khoshbo said the ban reflected the "
        "repression of women."
    )
    people = [e for e in link(text) if e.type == "PERSON"]
    assert [(p.name, len(p.mentions)) for p in people] == [("Naveeda Khoshbo", 2)]


@pytest.mark.parametrize("area", ["Africa", "Middle East", "Sahel"])
def test_areas_are_not_geocoded_to_towns_of_the_same_name(link, area):
    entities = link(f"Drought is spreading across the {area}, aid agencies warned on Monday.")
    entity = by_mention(entities, area)
    assert entity.place is None or entity.place.geonameid is None


def test_a_kb_capital_is_geocoded_in_its_own_country(link):
    text = "Kenyan officials flew to Moscow after talks in Nairobi and Mombasa on Friday."
    place = by_mention(link(text), "Moscow").place
    assert place is not None and place.country == "RUS"


def test_the_place_index_is_built_in_the_configured_cache(tmp_path, monkeypatch):
    from newsdesk import places

    monkeypatch.setenv("NEWSDESK_CACHE", str(tmp_path))
    path = places.index_path()
    assert path.parent == tmp_path
    places.build_index(path)
    import sqlite3

    db = sqlite3.connect(path)
    count = db.execute("SELECT count(*) FROM city WHERE country = 'UKR' AND admin1 = 'Donetsk'")
    assert count.fetchone()[0] > 50
    assert not list(tmp_path.glob("*.tmp"))
