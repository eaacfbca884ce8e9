"""Throughput and memory of near-duplicate detection over 10,000 synthetic articles, in one process.

    python benchmarks/dedup.py [--articles 10000] [--share 0.2] [--seed 7]

Generates articles of random words (a Zipf-like draw from a made-up vocabulary, 6-10 paragraphs
of 25-45 words) of which ``--share`` are near-duplicate variants of an earlier article (the last
paragraphs cut, ``--reword`` of the words replaced, two paragraphs swapped), then feeds them through
a temporary SQLite store without the spaCy analysis, three ways:

- ``exact``: the content-hash check and the article row (the baseline: what ingest always does);
- ``shingle``: the same plus shingling each text (the cheapest part of near-dup detection);
- ``dedup``: the same plus the near-duplicate lookup (signature, indexed bucket query,
  verification) and storing the signature of each new article.

Prints articles/s for each and the ratios against the baseline, the detections (variants found,
articles wrongly matched), peak Python memory (tracemalloc, in a separate run of ``dedup``) and
the process's peak RSS, and what an in-memory datasketch ``MinHashLSH`` rebuilt from the stored
signatures would cost at start-up instead (the alternative to the bucket table).
"""

from __future__ import annotations

import argparse
import itertools
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from datasketch import LeanMinHash, MinHashLSH

from newsdesk import dedup
from newsdesk.ingest import content_hash
from newsdesk.store import Store


@dataclass
class Item:
    id: str
    text: str
    original: str | None  # the article it is a variant of


def vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    letters = "abcdefghijklmnoprstuvwyz"
    words = {"".join(rng.choices(letters, k=rng.randint(2, 10))) for _ in range(size * 2)}
    return sorted(words)[:size]


def generate(count: int, share: float, seed: int, reword: float) -> list[Item]:
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocab))))

    def paragraph() -> list[str]:  # Zipf-like: common words recur, as in text
        return rng.choices(vocab, cum_weights=cumulative, k=rng.randint(25, 45))

    items: list[Item] = []
    originals: list[Item] = []
    for n in range(count):
        if originals and rng.random() < share:
            base = rng.choice(originals)
            paras = [p.split() for p in base.text.split("\n")]
            paras = paras[: len(paras) - rng.randint(0, 2)]  # trimmed
            for words in paras:  # reworded: a share of the words replaced
                for i in rng.sample(range(len(words)), round(len(words) * reword)):
                    words[i] = rng.choice(vocab)
            i = rng.randrange(1, len(paras) - 1)
            paras[i], paras[i + 1] = paras[i + 1], paras[i]  # a paragraph moved
            items.append(Item(f"a{n}", "\n".join(" ".join(p) for p in paras), base.id))
        else:
            text = "\n".join(" ".join(paragraph()) for _ in range(rng.randint(6, 10)))
            items.append(Item(f"a{n}", text, None))
            originals.append(items[-1])
    return items


def insert_article(store: Store, item: Item, digest: str) -> None:
    store.db.execute(
        "INSERT INTO articles (id, hash, text, analysis, ingested_at, analyzed_at) "
        "VALUES (?, ?, ?, '{}', '', '')",
        (item.id, digest, item.text),
    )


def run(items: list[Item], mode: str, folder: Path) -> dict[str, int]:
    """Feed the items through a fresh store; counts of stored, exact and near copies."""
    path = folder / f"{mode}.db"
    counts = {"stored": 0, "exact": 0, "found": 0, "wrong": 0, "missed": 0}
    with Store(path) as store:
        near = dedup.NearDuplicates(store)
        for item in items:
            digest = content_hash(item.text)
            if store.find_hash(digest) is not None:
                counts["exact"] += 1
                continue
            if mode == "shingle":
                dedup.shingles(item.text)
            print_ = near.fingerprint(item.text) if mode == "dedup" else None
            match = near.find(print_) if print_ is not None else None
            if match is not None:
                good = item.original is not None and match.article_id == item.original
                counts["found" if good else "wrong"] += 1
                continue
            if item.original is not None and mode == "dedup":
                counts["missed"] += 1
            with store.transaction():
                insert_article(store, item, digest)
                if print_ is not None:
                    near._write(item.id, print_)
            counts["stored"] += 1
    path.unlink()
    return counts


def rebuild_in_memory(items: list[Item], folder: Path) -> tuple[float, float, int]:
    """Store the signatures, then time rebuilding a datasketch MinHashLSH from them (what a
    process would do at start-up without the bucket table); its seconds and MiB."""
    settings = dedup.DEFAULT
    with Store(folder / "lsh.db") as store:
        near = dedup.NearDuplicates(store)
        with store.transaction():
            for item in items:
                insert_article(store, item, content_hash(item.text) + item.id)
                near._write(item.id, near.fingerprint(item.text))
        tracemalloc.start()
        start = time.perf_counter()
        lsh = MinHashLSH(
            num_perm=settings.num_perm, params=(settings.bands, settings.num_perm // settings.bands)
        )
        for row in store.db.execute("SELECT article_id, signature FROM minhash"):
            values = np.frombuffer(row["signature"], dtype=np.uint32)
            lsh.insert(row["article_id"], LeanMinHash(seed=1, hashvalues=values, scheme="affine32"))
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        size = (
            store.db.execute(
                "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'minhash%'"
            ).fetchone()[0]
            if _has_dbstat(store)
            else 0
        )
    return seconds, peak / 2**20, int(size or 0)


def _has_dbstat(store: Store) -> bool:
    try:
        store.db.execute("SELECT 1 FROM dbstat LIMIT 1")
    except Exception:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--share", type=float, default=0.2, help="Share of near-duplicates.")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--reword", type=float, default=0.03, help="Share of a variant's words replaced."
    )
    args = parser.parse_args()

    items = generate(args.articles, args.share, args.seed, args.reword)
    variants = sum(item.original is not None for item in items)
    words = sum(len(item.text.split()) for item in items)
    print(
        f"{len(items):,} synthetic articles ({variants:,} near-duplicate variants), "
        f"{words:,} words; settings {dedup.DEFAULT}"
    )
    times: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for mode in ("exact", "shingle", "dedup"):
            start = time.perf_counter()
            counts = run(items, mode, folder)
            times[mode] = time.perf_counter() - start
            print(
                f"{mode:8} {len(items) / times[mode]:8.0f} articles/s  ({times[mode]:.1f} s)  {counts}"
            )
        tracemalloc.start()
        run(items, "dedup", folder)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        rebuild, lsh_peak, table_bytes = rebuild_in_memory(items, folder)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"ratio dedup/exact throughput {times['exact'] / times['dedup']:.2f}x "
        f"(shingle/exact {times['exact'] / times['shingle']:.2f}x)"
    )
    print(f"peak Python memory during dedup (tracemalloc): {peak:.1f} MiB; peak RSS {rss:.0f} MiB")
    print(
        f"in-memory alternative: MinHashLSH rebuilt from {len(items):,} stored signatures in "
        f"{rebuild:.2f} s, {lsh_peak:.0f} MiB (tracemalloc peak)"
        + (f"; minhash tables on disk {table_bytes / 2**20:.1f} MiB" if table_bytes else "")
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
