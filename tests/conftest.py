from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED = Path(os.environ.get("NEWSDESK_SHARED", ROOT.parent / "shared"))
SEED_TEXT = SHARED / "seed" / "donbas-talks.txt"
SEED_GOLD = SHARED / "seed" / "donbas-talks.gold.json"
VOA = SHARED / "corpus" / "voa" / "voa_stories.jsonl"
SCHEMA = ROOT / "src" / "newsdesk" / "data" / "contract.schema.json"


def needs(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared data folder sits beside the checkout)")


@pytest.fixture(scope="session")
def analyzer():
    from newsdesk.pipeline import Analyzer

    return Analyzer.load()


@pytest.fixture(scope="session")
def seed_analysis(analyzer):
    from newsdesk.ingest import Options, read_path

    needs(SEED_TEXT)
    (document,) = list(read_path(SEED_TEXT, Options()))
    return analyzer.analyze_document(document)


@pytest.fixture(scope="session")
def schema():
    return json.loads(SCHEMA.read_text("utf-8"))


@pytest.fixture()
def store():
    from newsdesk.store import Store

    with Store(":memory:") as the_store:
        yield the_store
