"""A killed ingest leaves a consistent store that loses nothing committed, and a rerun resumes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from newsdesk.records import Analysis
from newsdesk.store import Store

from .conftest import VOA, needs


def stored(db: str) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


@pytest.mark.slow
def test_kill_midway_then_resume(tmp_path):
    needs(VOA)
    db = str(tmp_path / "kill.db")
    command = [sys.executable, "-m", "newsdesk.cli", "ingest", str(VOA), "--db", db, "-q"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while stored(db) < 10 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    before = stored(db)
    assert 10 <= before < 89, "the ingest should have been killed midway"

    with Store(db) as store:
        assert store.integrity() == "ok"
        for analysis in store.iter_analyses():
            assert isinstance(analysis, Analysis) and analysis.article.text
            count = store.db.execute(
                "SELECT count(*) FROM entities WHERE article_id = ?", (analysis.article.id,)
            ).fetchone()[0]
            assert count == len(analysis.entities)
        ids_before = {a.article.id for a in store.iter_analyses()}

    rerun = subprocess.run(command, capture_output=True, text=True, check=True)
    assert f"stored {89 - before}, updated 0, duplicate {before}, failed 0" in rerun.stdout
    with Store(db) as store:
        assert store.count() == 89
        assert ids_before <= {a.article.id for a in store.iter_analyses()}
    first = json.loads(VOA.read_text("utf-8").splitlines()[0])
    with Store(db) as store:
        assert store.get(first["id"]).article.url == first["url"]
