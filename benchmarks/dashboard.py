"""Response times of the dashboard's pages and the main API endpoints over a realistic store.

    python benchmarks/dashboard.py [--corpus ../shared/corpus/voa/voa_stories.jsonl] [-n 30]

Ingests the VOA stories and the project's examples (examples/) into a temporary store through
the library (or uses ``--db FILE`` as it is), then requests every page ``n`` times in process
(FastAPI's TestClient: routing, the store, templates and the security middleware, no network)
after one warm-up request each, and prints the median and 95th percentile in milliseconds and
whether every page's median, and every p95, stays under the target (200 ms).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from newsdesk.api import create_app
from newsdesk.ingest import Options, read_inputs
from newsdesk.pipeline import Analyzer, ingest
from newsdesk.store import Store

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared/corpus/voa/voa_stories.jsonl"
TARGET_MS = 200.0


def fill(db: str, corpus: Path) -> None:
    started = time.perf_counter()
    with Store(db) as store:
        summary = ingest(
            store, read_inputs([str(corpus), str(ROOT / "examples")], Options()), Analyzer.load()
        )
    print(
        f"store: {summary.stored} articles stored, {summary.failed} inputs refused "
        f"(examples/bad), in {time.perf_counter() - started:.1f} s"
    )


def pages(store: Store) -> list[tuple[str, str]]:
    """(label, path) of every page, with ids taken from the store."""
    rows, _ = store.find_articles(limit=2**62)
    longest = max(rows, key=lambda row: row.entities)
    person = next(e for e in store.entities(type="PERSON", limit=2**62) if e.kb_id)
    country = max(
        (e for e in store.entities(type="GPE", limit=2**62) if e.kb_id), key=lambda e: e.mentions
    )
    return [
        ("home", "/"),
        ("home, filtered", "/?since=2025-03&until=2025-03-31"),
        ("article (most entities)", f"/articles/{longest.id}"),
        ("entities", "/entities"),
        (f"entity {person.kb_id}", f"/entities/{person.kb_id}"),
        (f"entity {country.kb_id} (most mentioned country)", f"/entities/{country.kb_id}"),
        ("events", "/events"),
        ("events, type=ASSAULT", "/events?type=ASSAULT"),
        ("claims (contested)", "/claims"),
        ("claims, show=all", "/claims?show=all"),
        ("search", "/search?q=ceasefire"),
        ("static js", "/static/dashboard.js"),
        ("api: articles", "/api/articles"),
        ("api: article", f"/api/articles/{longest.id}"),
        ("api: entity", f"/api/entities/{country.kb_id}"),
        ("api: events", "/api/events"),
        ("api: event counts by pair", "/api/events/counts?by=pair"),
        ("api: claims contested", "/api/claims?contested=true"),
        ("api: search", "/api/search?q=ceasefire"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--db", help="Use this store as it is (no ingest).")
    parser.add_argument("-n", type=int, default=30, help="Requests per page.")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        db = args.db or str(Path(folder) / "bench.db")
        if not args.db:
            fill(db, args.corpus)
        with Store(db) as store:
            targets = pages(store)
            print(f"store: {store.count()} articles; {args.n} requests per page, in process")
        client = TestClient(create_app(db))
        print("\n| page | median ms | p95 ms | bytes |\n|---|---|---|---|")
        worst_median, worst = 0.0, 0.0
        for label, path in targets:
            answer = client.get(path)  # warm-up: first use loads word lists and templates
            if answer.status_code != 200:
                sys.exit(f"{path}: HTTP {answer.status_code}")
            times = []
            for _ in range(args.n):
                started = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            median = statistics.median(times)
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            worst_median, worst = max(worst_median, median), max(worst, p95)
            print(f"| {label} | {median:.1f} | {p95:.1f} | {len(answer.content):,} |")
        print()
        for name, value in (("median", worst_median), ("p95", worst)):
            verdict = "yes" if value < TARGET_MS else "NO"
            print(f"every {name} under {TARGET_MS:.0f} ms: {verdict} (slowest {value:.1f} ms)")


if __name__ == "__main__":
    main()
