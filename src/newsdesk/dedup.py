"""Near-duplicate detection: republished and lightly edited copies of a stored story.

Exact copies (same text up to case and whitespace) are caught by the content hash
(:func:`newsdesk.ingest.content_hash`). This module catches the others — another headline,
trimmed, reordered or reworded paragraphs, a different byline or sign-off:

1. :func:`normalise` folds case, curly quotes, dashes, punctuation and whitespace, and
   :func:`shingles` cuts the words into overlapping word n-grams, each hashed to 32 bits.
2. A MinHash signature (datasketch) of the shingles estimates the Jaccard similarity of two
   texts; its values are cut into LSH bands, each band hashed to one 64-bit bucket key.
3. Two texts that share a bucket are candidates. A candidate is kept when, on the exact shingle
   sets, the *containment* of the shorter text in the longer one reaches
   :attr:`Settings.containment` (a trimmed copy is a subset of the original, so its Jaccard
   similarity can be low while its containment stays near 1) and their Jaccard similarity
   reaches :attr:`Settings.jaccard` (so that a short excerpt quoted inside a long, different
   story is not taken for a copy of it).

Signatures and bucket keys live in the store (``minhash``, ``minhash_bands``; schema 5), so
candidate lookup is one indexed query and nothing has to be loaded into memory when a process
starts. Articles stored without a signature (before schema 5, or saved by a path that does not
index) get one from :meth:`NearDuplicates.backfill`, which :meth:`NearDuplicates.open` runs.

The canonical article of a group is the first one stored: later copies point to it (they are
not indexed themselves, so chains of copies do not form). See ``docs/monitoring.md``.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from datasketch import MinHash

# Tuned on tests/data/dedup (see docs/monitoring.md, "Duplicates").
SHINGLE = 4  # words per shingle
NUM_PERM = 128  # MinHash permutations
BANDS = 64  # LSH bands of NUM_PERM // BANDS rows: candidates from a Jaccard of about 0.15
CONTAINMENT = 0.7  # shorter text's shingles found in the longer one
JACCARD = 0.2  # and the two texts' Jaccard similarity
MIN_SHINGLES = 20  # texts with fewer shingles (about 23 words) are never near-duplicates
MAX_CANDIDATES = 20  # candidates verified per text, those sharing the most buckets first

_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
    }
)
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_WORD = re.compile(r"\w+")
_MIX = np.uint64(0x100000001B3)
_MASK32 = np.uint64(0xFFFFFFFF)


@dataclass(frozen=True)
class Settings:
    """How texts are compared; :data:`DEFAULT` holds the module constants."""

    shingle: int = SHINGLE
    num_perm: int = NUM_PERM
    bands: int = BANDS
    containment: float = CONTAINMENT
    jaccard: float = JACCARD
    min_shingles: int = MIN_SHINGLES
    max_candidates: int = MAX_CANDIDATES

    def __post_init__(self) -> None:
        if self.shingle < 1 or self.num_perm < 1 or self.bands < 1:
            raise ValueError("shingle, num_perm and bands must be positive")
        if self.num_perm % self.bands:
            raise ValueError(
                f"num_perm ({self.num_perm}) is not a multiple of bands ({self.bands})"
            )

    @property
    def scheme(self) -> str:
        """What a stored signature depends on: signatures of another scheme are recomputed."""
        return f"w{self.shingle}-p{self.num_perm}-b{self.bands}"


DEFAULT = Settings()


def normalise(text: str) -> list[str]:
    """The words of ``text``: NFKC, case folded, curly quotes and dashes made plain, apostrophes
    inside words dropped (``China’s`` -> ``chinas``), any other punctuation a word break."""
    text = unicodedata.normalize("NFKC", text).translate(_FOLD).casefold()
    return _WORD.findall(_APOSTROPHE.sub("", text))


def shingles(text: str, size: int = SHINGLE) -> np.ndarray:
    """The distinct ``size``-word shingles of ``text`` as sorted 32-bit hashes (a text shorter
    than ``size`` words is one shingle; an empty one has none)."""
    words = normalise(text)
    if not words:
        return np.empty(0, dtype=np.uint32)
    ids = np.fromiter(
        (zlib.crc32(w.encode("utf-8")) for w in words), dtype=np.uint64, count=len(words)
    )
    count = max(len(ids) - size + 1, 1)
    mixed = np.zeros(count, dtype=np.uint64)
    for offset in range(min(size, len(ids))):
        mixed = (mixed ^ ids[offset : offset + count]) * _MIX
    return np.unique((_fmix64(mixed) & _MASK32).astype(np.uint32))


def _fmix64(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser: spreads every input bit over the output."""
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xFF51AFD7ED558CCD)
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xC4CEB9FE1A85EC53)
    return values ^ (values >> np.uint64(33))


_permutations: dict[int, Any] = {}


def _identity(value: Any) -> Any:
    return value


def signature(hashes: np.ndarray, num_perm: int = NUM_PERM) -> np.ndarray:
    """The MinHash signature (``num_perm`` 32-bit values) of a set of shingle hashes."""
    if num_perm not in _permutations:
        _permutations[num_perm] = MinHash(num_perm=num_perm, seed=1).permutations
    minhash = MinHash(
        num_perm=num_perm,
        hashfunc=_identity,
        permutations=_permutations[num_perm],
        scheme="affine32",
    )
    if len(hashes):
        minhash.update_batch(hashes)
    return np.asarray(minhash.hashvalues, dtype=np.uint32)


def _estimate(a: np.ndarray, b: np.ndarray) -> float:
    """The MinHash estimate of the Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a == b)) / len(a)


def bucket_keys(values: np.ndarray, bands: int = BANDS) -> list[int]:
    """One signed 64-bit key per LSH band: the band's number and its values, hashed."""
    rows = values.astype(np.uint64).reshape(bands, -1)
    mixed = np.arange(bands, dtype=np.uint64) * _MIX
    for column in range(rows.shape[1]):
        mixed = (mixed ^ rows[:, column]) * _MIX
    return [int(k) for k in _fmix64(mixed).view(np.int64)]


@dataclass(frozen=True)
class Fingerprint:
    """What is compared of one text: its shingle hashes, MinHash signature and bucket keys."""

    shingles: np.ndarray
    signature: np.ndarray
    keys: tuple[int, ...]

    @property
    def size(self) -> int:
        return len(self.shingles)


def fingerprint(text: str, settings: Settings = DEFAULT) -> Fingerprint:
    hashes = shingles(text, settings.shingle)
    values = signature(hashes, settings.num_perm)
    return Fingerprint(hashes, values, tuple(bucket_keys(values, settings.bands)))


@dataclass(frozen=True)
class Similarity:
    jaccard: float
    containment: float  # of the shorter text in the longer one

    def matches(self, settings: Settings = DEFAULT) -> bool:
        return self.containment >= settings.containment and self.jaccard >= settings.jaccard


def compare(a: np.ndarray, b: np.ndarray, settings: Settings = DEFAULT) -> Similarity | None:
    """Exact Jaccard and containment of two shingle sets; None when the shorter one has fewer
    than ``settings.min_shingles`` shingles (too short to call a copy)."""
    if min(len(a), len(b)) < settings.min_shingles:
        return None
    common = len(np.intersect1d(a, b, assume_unique=True))
    return Similarity(common / (len(a) + len(b) - common), common / min(len(a), len(b)))


def similarity(text_a: str, text_b: str, settings: Settings = DEFAULT) -> Similarity | None:
    """How alike two texts are (exact, no LSH); None when one is too short to compare."""
    return compare(shingles(text_a, settings.shingle), shingles(text_b, settings.shingle), settings)


def is_near_duplicate(text_a: str, text_b: str, settings: Settings = DEFAULT) -> bool:
    found = similarity(text_a, text_b, settings)
    return found is not None and found.matches(settings)


@dataclass(frozen=True)
class Match:
    """A stored (or held) canonical article that a text is a near-duplicate of."""

    article_id: str
    digest: str | None  # the canonical's content hash, None if unknown
    jaccard: float
    containment: float

    @property
    def similarity(self) -> float:
        """The figure reported for a match: the containment of the shorter text."""
        return self.containment


@dataclass
class NearDuplicates:
    """Near-duplicate lookup against a :class:`~newsdesk.store.Store`'s signatures.

    ``find`` looks in the store and among the texts ``hold`` was given (those of the same batch,
    not stored yet); ``add`` stores a saved article's signature and bucket keys.
    """

    store: Any
    settings: Settings = DEFAULT
    held: dict[str, tuple[str | None, Fingerprint]] = field(default_factory=dict)

    @classmethod
    def open(cls, store: Any, settings: Settings = DEFAULT) -> NearDuplicates:
        """An index over ``store``, after computing the signatures it lacks."""
        index = cls(store, settings)
        index.backfill()
        return index

    @property
    def db(self) -> sqlite3.Connection:
        return self.store.db

    def fingerprint(self, text: str) -> Fingerprint:
        return fingerprint(text, self.settings)

    def find(self, print_: Fingerprint, *, exclude: Iterable[str] = ()) -> Match | None:
        """The best canonical article ``print_`` is a near-duplicate of, or None."""
        if print_.size < self.settings.min_shingles:
            return None
        skip = set(exclude)
        best: Match | None = None
        for article_id, digest, hashes in self._candidates(print_, skip):
            found = compare(print_.shingles, hashes, self.settings)
            if found is None or not found.matches(self.settings):
                continue
            if best is None or (found.containment, found.jaccard) > (
                best.containment,
                best.jaccard,
            ):
                best = Match(article_id, digest, found.jaccard, found.containment)
        return best

    def _candidates(
        self, print_: Fingerprint, skip: set[str]
    ) -> Iterable[tuple[str, str | None, np.ndarray]]:
        keys = set(print_.keys)
        held = [
            (len(keys.intersection(fp.keys)), article_id, digest, fp)
            for article_id, (digest, fp) in self.held.items()
            if article_id not in skip and keys.intersection(fp.keys)
        ]
        marks = ", ".join("?" for _ in print_.keys)
        rows = self.db.execute(
            f"SELECT article_id, count(*) AS shared FROM minhash_bands WHERE bucket IN ({marks}) "
            "GROUP BY article_id ORDER BY shared DESC, article_id LIMIT ?",
            (*print_.keys, self.settings.max_candidates + len(skip) + len(self.held)),
        ).fetchall()
        stored = [
            (int(r["shared"]), r["article_id"])
            for r in rows
            if r["article_id"] not in skip and r["article_id"] not in self.held
        ]
        ranked = sorted(
            [(shared, article_id, None) for shared, article_id in stored]
            + [(shared, article_id, (digest, fp)) for shared, article_id, digest, fp in held],
            key=lambda c: -c[0],
        )[: self.settings.max_candidates]
        # the signatures' estimate of the Jaccard similarity rules out most candidates before
        # their text is read and shingled (at half the floor: the estimate's error is ~0.04)
        floor = self.settings.jaccard / 2
        for _, article_id, held_print in ranked:
            if held_print is not None:
                if _estimate(print_.signature, held_print[1].signature) >= floor:
                    yield article_id, held_print[0], held_print[1].shingles
                continue
            row = self.db.execute(
                "SELECT signature FROM minhash WHERE article_id = ?", (article_id,)
            ).fetchone()
            values = np.frombuffer(row["signature"], dtype=np.uint32) if row else None
            if values is None or len(values) != len(print_.signature):
                continue
            if _estimate(print_.signature, values) < floor:
                continue
            row = self.db.execute(
                "SELECT hash, text FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            if row is not None:
                yield article_id, row["hash"], shingles(row["text"], self.settings.shingle)

    def hold(self, article_id: str, digest: str | None, print_: Fingerprint) -> None:
        """Compare later texts with this one too until it is stored (an article of the batch)."""
        self.held[article_id] = (digest, print_)

    def saved(self, article_id: str, status: str) -> None:
        """After ``store.save`` of a held (or any) article: index it if it was stored."""
        held = self.held.pop(article_id, None)
        if status in ("stored", "updated"):
            self.add(article_id, held[1] if held else None)

    def canonical(self, match: Match) -> str | None:
        """The stored id of a match's canonical article (a held one may have been stored under
        the id of an article with the same text), or None if it was not stored."""
        row = self.db.execute("SELECT 1 FROM articles WHERE id = ?", (match.article_id,)).fetchone()
        if row is not None:
            return match.article_id
        return self.store.find_hash(match.digest) if match.digest else None

    def add(
        self, article_id: str, print_: Fingerprint | None = None, text: str | None = None
    ) -> None:
        """Store the signature and bucket keys of a stored article (replacing earlier ones)."""
        self.held.pop(article_id, None)
        if print_ is None:
            if text is None:
                row = self.db.execute(
                    "SELECT text FROM articles WHERE id = ?", (article_id,)
                ).fetchone()
                if row is None:
                    return
                text = str(row["text"])
            print_ = self.fingerprint(text)
        with self.store.transaction():
            self._write(article_id, print_)

    def _write(self, article_id: str, print_: Fingerprint) -> None:
        self.db.execute("DELETE FROM minhash WHERE article_id = ?", (article_id,))
        self.db.execute(
            "INSERT INTO minhash (article_id, scheme, shingles, signature) VALUES (?, ?, ?, ?)",
            (article_id, self.settings.scheme, print_.size, print_.signature.tobytes()),
        )
        self.db.executemany(
            "INSERT OR IGNORE INTO minhash_bands (bucket, article_id) VALUES (?, ?)",
            ((key, article_id) for key in print_.keys),
        )

    def backfill(self, batch: int = 500) -> int:
        """Compute the signatures of stored articles that have none (or one of another scheme);
        how many were computed. Copies (rows of ``copies``) are never indexed."""
        done = 0
        while True:
            rows = self.db.execute(
                "SELECT a.id, a.text FROM articles a LEFT JOIN minhash m ON m.article_id = a.id "
                "WHERE m.article_id IS NULL OR m.scheme != ? ORDER BY a.rowid LIMIT ?",
                (self.settings.scheme, batch),
            ).fetchall()
            if not rows:
                return done
            with self.store.transaction():
                for row in rows:
                    self._write(row["id"], self.fingerprint(row["text"]))
            done += len(rows)

    def signature_of(self, article_id: str) -> np.ndarray | None:
        """The stored MinHash signature of an article, if it has one."""
        row = self.db.execute(
            "SELECT signature FROM minhash WHERE article_id = ?", (article_id,)
        ).fetchone()
        return np.frombuffer(row["signature"], dtype=np.uint32) if row else None


# -- evaluation ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scores:
    pairs: int
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def evaluate_pairs(
    texts: Mapping[str, str],
    pairs: Sequence[tuple[str, str, bool]],
    settings: Settings = DEFAULT,
    *,
    lsh: bool = True,
) -> tuple[Scores, list[tuple[str, str, bool, Similarity | None]]]:
    """Precision, recall and F1 of near-duplicate detection on labelled pairs ``(a, b, dup)``.

    With ``lsh`` a pair counts as detected only if the two texts also share an LSH bucket (as
    in the store); without it the exact verification step alone is scored. Also returns each
    pair with its similarity, for error analysis.
    """
    prints = {key: fingerprint(text, settings) for key, text in texts.items()}
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    details = []
    for a, b, duplicate in pairs:
        found = compare(prints[a].shingles, prints[b].shingles, settings)
        hit = found is not None and found.matches(settings)
        if lsh and hit:  # as NearDuplicates.find: a shared bucket, then the estimate
            hit = (
                bool(set(prints[a].keys) & set(prints[b].keys))
                and _estimate(prints[a].signature, prints[b].signature) >= settings.jaccard / 2
            )
        counts[("t" if hit == duplicate else "f") + ("p" if hit else "n")] += 1
        details.append((a, b, duplicate, found))
    return Scores(len(pairs), **counts), details
