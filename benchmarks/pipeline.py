"""Throughput of newsdesk against the bare spaCy pipeline on the same texts, in one process.

    python benchmarks/pipeline.py [--corpus ../shared/corpus/voa/voa_stories.jsonl] [--rounds 2]

Prints articles/s and words/s for: the bare spaCy pipeline as spaCy loads it (BLIS matmul), the
bare pipeline with newsdesk's matmul setting, newsdesk analyze, and ingest into a fresh SQLite
file (1 and 2 workers), then the ratios the project keeps (analyze >= 0.80x and
ingest >= 0.70x the bare pipeline) and peak memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import spacy

from newsdesk.ingest import Options, from_record, read_inputs
from newsdesk.nlp import load_nlp, resolve_model, resolve_ops, use_ops
from newsdesk.pipeline import Analyzer, ingest
from newsdesk.store import Store

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared/corpus/voa/voa_stories.jsonl"


def best_of(rounds: int, jobs: dict[str, Callable[[], object]]) -> dict[str, float]:
    """The fastest of ``rounds`` runs of each job, in seconds. Jobs take turns within a round,
    so a slow spell of the machine hits all of them alike rather than one."""
    times: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(rounds):
        for name, work in jobs.items():
            start = time.perf_counter()
            work()
            times[name].append(time.perf_counter() - start)
    return {name: min(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", type=int, default=0, help="Use only the first N articles.")
    args = parser.parse_args()

    records = [json.loads(line) for line in args.corpus.read_text("utf-8").splitlines()]
    records = records[: args.limit] if args.limit else records
    texts = [r["text"] for r in records]
    words = sum(len(t.split()) for t in texts)
    model, ops = resolve_model(), resolve_ops()
    print(f"corpus: {len(texts)} articles, {words:,} words; model {model}; newsdesk ops {ops}")

    spacy_default = spacy.load(model)  # spaCy's own defaults: BLIS matmul
    bare = load_nlp(model, ops, bare=True)
    analyzer = Analyzer.load(model, ops)
    documents = [from_record(r, str(i), Options()) for i, r in enumerate(records)]
    for nlp in (spacy_default, bare, analyzer.nlp):
        list(nlp.pipe(texts[:3]))  # warm up caches and lazy loads

    use_ops(bare, ops)

    def run_ingest(workers: int) -> None:
        with tempfile.TemporaryDirectory() as folder:
            store = Store(Path(folder) / "bench.db")
            items = read_inputs([str(args.corpus)], Options())
            if args.limit:
                items = (item for i, item in zip(range(args.limit), items, strict=False))
            summary = ingest(store, items, analyzer, workers=workers)
            assert summary.stored == len(texts), summary
            store.close()

    results = best_of(
        args.rounds,
        {
            "spacy_default": lambda: list(spacy_default.pipe(texts)),
            "bare": lambda: list(bare.pipe(texts)),
            "analyze": lambda: list(analyzer.analyze_documents(documents)),
            "ingest": lambda: run_ingest(1),
            "ingest_2_workers": lambda: run_ingest(2),
        },
    )

    print(f"{'pipeline':<18} {'seconds':>8} {'articles/s':>11} {'words/s':>9} {'vs bare':>8}")
    for name, seconds in results.items():
        ratio = results["bare"] / seconds
        print(
            f"{name:<18} {seconds:8.2f} {len(texts) / seconds:11.2f} {words / seconds:9.0f}"
            f" {ratio:7.2f}x"
        )
    print(
        f"analyze / bare             {results['bare'] / results['analyze']:.2f}x  (target >= 0.80)"
    )
    print(
        f"ingest / bare              {results['bare'] / results['ingest']:.2f}x  (target >= 0.70)"
    )
    print(f"ingest 2 workers / 1       {results['ingest'] / results['ingest_2_workers']:.2f}x")
    print(f"newsdesk ops / spaCy BLIS  {results['spacy_default'] / results['bare']:.2f}x")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: {own:.0f} MiB (largest worker {children:.0f} MiB)")


if __name__ == "__main__":
    sys.exit(main())
