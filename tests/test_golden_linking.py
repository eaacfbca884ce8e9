"""Golden linking tests on the seed and three of the project's own example articles."""

from __future__ import annotations

import pytest

from newsdesk.ingest import Options, read_path

from .conftest import EXAMPLES


@pytest.fixture(scope="module")
def linked(analyzer):
    def run(name: str):
        (document,) = list(read_path(EXAMPLES / name, Options()))
        return analyzer.analyze_document(document).entities

    return run


def find(entities, name):
    return next(e for e in entities if e.name == name)


def test_seed_metonyms_roles_and_places(seed_analysis):
    entities = seed_analysis.entities
    ukraine, russia = find(entities, "Ukraine"), find(entities, "Russia")
    assert {"Kyiv", "Ukraine"} <= {m.text for m in ukraine.mentions}
    assert {"Moscow", "Kremlin", "Russia"} <= {m.text for m in russia.mentions}
    assert (ukraine.wikidata, russia.wikidata) == ("Q212", "Q159")
    kremlin_place = find(entities, "Kremlin")  # "met in the Kremlin" stays a place
    assert [m.text for m in kremlin_place.mentions] == ["Kremlin"]
    assert kremlin_place.country == "RUS" and kremlin_place.kb_id == "seat:kremlin"
    umerov, ushakov = find(entities, "Rustem Umerov"), find(entities, "Yuri Ushakov")
    assert (umerov.type, umerov.country) == ("PERSON", "UKR")
    assert "lead negotiator" in umerov.roles and "aide" in ushakov.roles
    trump = find(entities, "Donald Trump")
    assert "former President" in trump.roles
    assert not any(r.startswith("President (") for r in trump.roles)
    donetsk = next(e for e in entities if any(m.text == "Donetsk" for m in e.mentions))
    assert donetsk.place.country == "UKR" and donetsk.place.admin1 == "Donetsk"
    for place in ("Kyiv", "Donetsk", "Luhansk"):
        assert not any(
            e.type == "PERSON" and any(m.text == place for m in e.mentions) for e in entities
        )


def test_armenia_azerbaijan_example(linked):
    entities = linked("06-armenia-azerbaijan-border.txt")
    pashinyan, aliyev = find(entities, "Nikol Pashinyan"), find(entities, "Ilham Aliyev")
    assert (pashinyan.kb_id, pashinyan.country) == ("nikol-pashinyan", "ARM")
    assert (aliyev.kb_id, aliyev.country) == ("ilham-aliyev", "AZE")
    rustamov = find(entities, "Elnur Rustamov")
    assert rustamov.country == "AZE" and "foreign ministry spokesman" in rustamov.roles
    baku = find(entities, "Baku")  # "told reporters in Baku": a place
    assert baku.place is not None and baku.place.country == "AZE"


def test_ukraine_drone_strikes_example(linked):
    entities = linked("07-ukraine-drone-strikes.html")
    russia = find(entities, "Russia")
    assert "Moscow" in {m.text for m in russia.mentions}  # "Moscow denied that"
    peskov = find(entities, "Dmitry Peskov")
    assert (peskov.kb_id, peskov.country) == ("dmitry-peskov", "RUS")
    odesa = next(e for e in entities if e.name.startswith("Odesa"))
    assert odesa.place is not None and odesa.place.country == "UKR"


def test_mali_drone_strike_example(linked):
    entities = linked("02-mali-drone-strike.txt")
    djenne = find(entities, "Djenné")
    assert djenne.place is not None and djenne.place.country == "MLI"
    assert djenne.place.admin1 == "Mopti"
    jnim = next(e for e in entities if e.kb_id == "jnim")
    assert jnim.type == "ORG"
    sangare = find(entities, "Bakary Sangaré")
    assert any("spokesman" in r for r in sangare.roles)
