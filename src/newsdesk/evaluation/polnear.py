"""Score quotes against PolNeAR attribution relations (brat standoff, ``shared/eval/polnear``).

Reading. A split folder holds ``text/NAME.txt`` and ``attributions/NAME_ANNOTATOR.ann``; the
annotators of each article are listed in ``../metadata.tsv`` and the first of them that has a file
is the gold. Offsets count Unicode code points of the text file decoded as UTF-8 with no newline
translation (checked on every dev and train span: ``text[start:end]`` gives the annotated
string, fragments of a discontinuous span joined by one space). Brat quirks handled: a span whose
text contains a newline continues its ``.ann`` line on the next ones; relations may precede the
spans they name; a second content is a ``Content2`` role; ``#`` notes and other records are
ignored; a relation without a ``Content`` (one in dev) is not a quote and is dropped. The text is
never cleaned: the analyser must see exactly the ``.txt`` so that offsets agree.

Definitions. A *token* of the article is a run of word characters or one other non-space character
(``\\w+|[^\\w\\s]``, so that a cue such as ``:`` has one); a span covers the tokens it touches. A
gold content covers only the tokens of its fragments, not of the gaps between them (usually the
source and cue: ``"X," he said, "Y"``).

- *Overlap*: a predicted content and a gold content overlap when they cover a common token.
- *Exact*: the predicted content equals the gold content once both are trimmed of surrounding
  whitespace, punctuation and quote marks. A quote has a single content span, so a
  discontinuous gold content is compared by its hull (first fragment start to last fragment end).
- *Matching*, per article: one-to-one and greedy. Candidate pairs are predicted quotes and gold
  relations whose contents overlap; exact pairs are taken first, then by most shared tokens, then
  by fewest tokens covered by only one side; a quote or relation already taken is skipped.
- ``content_overlap``: true positives are matched pairs; ``content_exact``: matched pairs that
  are exact. Both take every predicted quote as predictions and every gold relation as gold.
- ``source`` and ``cue``: a true positive is a matched pair whose predicted span (the speaker's
  ``mention``; ``Quote.cue``) covers a token of the gold span. Precision is over predicted quotes
  that have one (a speaker without a mention counts and matches nothing), recall over gold
  relations that have one. Unmatched quotes and relations count in these denominators too.
- ``full``: matched pairs whose source and cue both agree, where agreeing means both sides lack
  one or both have one and they share a token. Over all predicted quotes and all gold relations.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import EvalError
from ..records import Analysis, Article, EntityRef, Quote, Span
from .metrics import PRF, Score

METRICS = ("content_exact", "content_overlap", "source", "cue", "full")
ROLES = {"Content": "content", "Cue": "cue", "Source": "source"}
QUOTE_MARKS = "\"'`´“”‘’‛„‟‚«»‹›"
_RECORD = re.compile(r"(?:[TERAMN#]\d+|\*)\t")
_TOKEN = re.compile(r"\w+|[^\w\s]")
_NOWHERE = Span(0, 0, "")


@dataclass(frozen=True)
class GoldAttribution:
    """One relation; each role is the sorted fragments of its spans (``()`` when absent)."""

    content: tuple[Span, ...]
    cue: tuple[Span, ...] = ()
    source: tuple[Span, ...] = ()
    id: str = ""


@dataclass(frozen=True)
class GoldArticle:
    name: str
    text: str
    attributions: tuple[GoldAttribution, ...]


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise EvalError(f"cannot read gold file: {error}", source=str(path)) from error


def _records(ann: str) -> list[tuple[str, str]]:
    """``(id, rest)`` per brat record; a line that starts no record continues the one before."""
    records: list[tuple[str, str]] = []
    for line in ann.split("\n"):
        if _RECORD.match(line):
            key, _, rest = line.partition("\t")
            records.append((key, rest))
        elif records and line:
            key, rest = records[-1]
            records[-1] = (key, f"{rest}\n{line}")
    return records


def _fragments(key: str, rest: str, text: str, path: Path) -> tuple[Span, ...]:
    """The fragments of text-bound annotation ``key``, checked against its annotated string."""
    head, tab, shown = rest.partition("\t")
    try:
        pairs = [(int(a), int(b)) for a, b in (f.split() for f in head.split(" ", 1)[1].split(";"))]
    except (IndexError, ValueError) as error:
        raise EvalError(f"{key}: bad offsets {head!r}", source=str(path)) from error
    spans = tuple(Span.of(text, start, end) for start, end in pairs)
    joined = " ".join(span.text for span in spans)
    if any(end > len(text) for _, end in pairs) or (tab and joined.split() != shown.split()):
        raise EvalError(f"{key}: offsets do not slice the text to {shown!r}", source=str(path))
    return spans


def _relation(
    key: str, rest: str, spans: dict[str, tuple[Span, ...]], path: Path
) -> GoldAttribution:
    found: dict[str, list[Span]] = {"content": [], "cue": [], "source": []}
    for argument in rest.split()[1:]:  # the first is the relation's own trigger
        role, _, ref = argument.partition(":")
        field = ROLES.get(role.rstrip("0123456789"))
        if field is None:
            continue
        if ref not in spans:
            raise EvalError(f"{key}: unknown annotation {ref}", source=str(path))
        found[field] += spans[ref]
    content, cue, source = (tuple(sorted(found[f], key=lambda s: s.start)) for f in ROLES.values())
    return GoldAttribution(content, cue, source, key)


def read_article(text_path: Path, ann_path: Path) -> GoldArticle:
    """One article and the relations of one annotation file; relations without content dropped."""
    text = _read(text_path)
    records = _records(_read(ann_path))
    spans = {k: _fragments(k, rest, text, ann_path) for k, rest in records if k[0] == "T"}
    relations = [_relation(k, rest, spans, ann_path) for k, rest in records if k[0] == "E"]
    return GoldArticle(text_path.stem, text, tuple(r for r in relations if r.content))


def _annotators(path: Path) -> dict[str, list[str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
        return {row["filename"]: row["annotators"].split("|") for row in rows}
    except (OSError, KeyError, csv.Error) as error:
        raise EvalError(f"cannot read PolNeAR metadata: {error!r}", source=str(path)) from error


def _annotation(folder: Path, name: str, annotators: Sequence[str]) -> Path:
    for annotator in annotators:
        path = folder / "attributions" / f"{name}_{annotator}.ann"
        if path.exists():
            return path
    listed = "|".join(annotators) or "none listed in metadata.tsv"
    raise EvalError(f"no annotation file for {name} (annotators: {listed})", source=str(folder))


def annotator_pairs(folder: Path) -> list[tuple[GoldArticle, GoldArticle]]:
    """Every article of a split with two or more annotation files: the first annotator's (the
    gold, as in ``load_split``) against each other one's, in metadata order."""
    annotators = _annotators(folder.parent / "metadata.tsv")
    pairs = []
    for path in sorted((folder / "text").glob("*.txt")):
        files = sorted((folder / "attributions").glob(f"{path.stem}_*.ann"))
        if len(files) < 2:
            continue
        first = _annotation(folder, path.stem, annotators.get(path.stem, []))
        gold = read_article(path, first)
        pairs += [(gold, read_article(path, other)) for other in files if other != first]
    return pairs


def as_quotes(article: GoldArticle) -> tuple[Quote, ...]:
    """An annotator's relations as quotes, so they can be scored like ours: each role by the
    hull of its fragments; a source is a speaker with no entity."""

    def hull(spans: tuple[Span, ...]) -> Span | None:
        return Span.of(article.text, spans[0].start, spans[-1].end) if spans else None

    quotes = []
    for relation in article.attributions:
        source = hull(relation.source)
        speaker = EntityRef(None, source.text, source) if source is not None else None
        content = hull(relation.content)
        if content is None:  # read_article drops these already
            continue
        quotes.append(Quote("indirect", content, hull(relation.cue), speaker))
    return tuple(quotes)


def evaluate_agreement(folder: Path) -> Score:
    """How far PolNeAR's annotators agree under our metrics: a second annotator's relations
    scored as predictions against the first's, on the articles annotated twice or more."""
    pairs = annotator_pairs(folder)
    score = score_quotes(
        (gold, Analysis(Article(id=gold.name, text=gold.text), quotes=as_quotes(other)))
        for gold, other in pairs
    )
    score.name = f"polnear annotator agreement: {len(pairs)} pairs of annotators"
    return score


def load_split(folder: Path) -> list[GoldArticle]:
    """Every article of a split folder (``.../data/dev``), scored against its first annotator."""
    texts = sorted((folder / "text").glob("*.txt"))
    if not texts:
        raise EvalError("no PolNeAR articles (text/*.txt) here", source=str(folder))
    annotators = _annotators(folder.parent / "metadata.tsv")
    return [
        read_article(path, _annotation(folder, path.stem, annotators.get(path.stem, [])))
        for path in texts
    ]


@dataclass(frozen=True)
class _Tokens:
    """The tokens of one text, by start and end offsets."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> _Tokens:
        found = [m.span() for m in _TOKEN.finditer(text)]
        return cls(tuple(s for s, _ in found), tuple(e for _, e in found))

    def covered(self, spans: Iterable[Span]) -> frozenset[int]:
        return frozenset(
            i
            for span in spans
            for i in range(bisect_right(self.ends, span.start), bisect_left(self.starts, span.end))
        )


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    def loose(char: str) -> bool:
        return char.isspace() or char in QUOTE_MARKS or unicodedata.category(char)[0] == "P"

    while start < end and loose(text[start]):
        start += 1
    while end > start and loose(text[end - 1]):
        end -= 1
    return start, end


def _exact(text: str, quote: Quote, gold: GoldAttribution) -> bool:
    hull = _trimmed(text, gold.content[0].start, gold.content[-1].end)
    return _trimmed(text, quote.content.start, quote.content.end) == hull


def match_quotes(
    text: str, quotes: Sequence[Quote], golds: Sequence[GoldAttribution]
) -> list[tuple[int, int, bool]]:
    """One-to-one ``(quote index, gold index, exact)`` pairs, greedy as the module says."""
    tokens = _Tokens.of(text)
    gold_tokens = [tokens.covered(g.content) for g in golds]
    candidates = []
    for i, quote in enumerate(quotes):
        mine = tokens.covered((quote.content,))
        for j, theirs in enumerate(gold_tokens):
            if mine & theirs:
                exact = _exact(text, quote, golds[j])
                candidates.append((not exact, -len(mine & theirs), len(mine ^ theirs), i, j))
    pairs: list[tuple[int, int, bool]] = []
    taken_quotes: set[int] = set()
    taken_golds: set[int] = set()
    for inexact, _, _, i, j in sorted(candidates):
        if i not in taken_quotes and j not in taken_golds:
            pairs.append((i, j, not inexact))
            taken_quotes.add(i)
            taken_golds.add(j)
    return pairs


def _source(quote: Quote) -> Span | None:
    if quote.speaker is None:
        return None
    return quote.speaker.mention or _NOWHERE


def _hits(tokens: _Tokens, predicted: Span | None, gold: tuple[Span, ...]) -> bool:
    return predicted is not None and bool(tokens.covered((predicted,)) & tokens.covered(gold))


def _agrees(tokens: _Tokens, predicted: Span | None, gold: tuple[Span, ...]) -> bool:
    return (predicted is None and not gold) or _hits(tokens, predicted, gold)


def _clip(spans: Iterable[Span | None], width: int = 60) -> str:
    shown = " … ".join(" ".join(s.text.split()) for s in spans if s is not None) or "-"
    return repr(shown if len(shown) <= width else shown[: width - 1] + "…")


def score_article(gold: GoldArticle, analysis: Analysis) -> tuple[dict[str, PRF], list[str]]:
    """Counts for one article (see the module for definitions) and a line per miss."""
    if analysis.article.text != gold.text:
        raise EvalError("analysed text differs from the gold text", source=gold.name)
    quotes, golds, tokens = analysis.quotes, gold.attributions, _Tokens.of(gold.text)
    pairs = match_quotes(gold.text, quotes, golds)
    matched = [(quotes[i], golds[j]) for i, j, _ in pairs]
    source_hits = sum(_hits(tokens, _source(q), g.source) for q, g in matched)
    cue_hits = sum(_hits(tokens, q.cue, g.cue) for q, g in matched)
    full = sum(
        _agrees(tokens, _source(q), g.source) and _agrees(tokens, q.cue, g.cue) for q, g in matched
    )
    n, m = len(quotes), len(golds)
    counts = {
        "content_exact": PRF(sum(exact for _, _, exact in pairs), n, m),
        "content_overlap": PRF(len(pairs), n, m),
        "source": PRF(
            source_hits,
            sum(_source(q) is not None for q in quotes),
            sum(bool(g.source) for g in golds),
        ),
        "cue": PRF(
            cue_hits, sum(q.cue is not None for q in quotes), sum(bool(g.cue) for g in golds)
        ),
        "full": PRF(full, n, m),
    }
    return counts, _misses(gold, quotes, pairs, tokens)


def _misses(
    gold: GoldArticle, quotes: Sequence[Quote], pairs: list[tuple[int, int, bool]], tokens: _Tokens
) -> list[str]:
    name, golds = gold.name, gold.attributions
    taken_quotes, taken_golds = {i for i, _, _ in pairs}, {j for _, j, _ in pairs}
    lines = [
        f"{name}: missed {g.id} {_clip(g.content)}"
        for j, g in enumerate(golds)
        if j not in taken_golds
    ]
    lines += [
        f"{name}: spurious {_clip([q.content])}"
        for i, q in enumerate(quotes)
        if i not in taken_quotes
    ]
    for i, j, exact in pairs:
        quote, relation = quotes[i], golds[j]
        if not exact:
            lines.append(
                f"{name}: {relation.id} content {_clip([quote.content])} vs {_clip(relation.content)}"
            )
        if not _agrees(tokens, _source(quote), relation.source):
            lines.append(
                f"{name}: {relation.id} source {_clip([_source(quote)])} vs {_clip(relation.source)}"
            )
        if not _agrees(tokens, quote.cue, relation.cue):
            lines.append(f"{name}: {relation.id} cue {_clip([quote.cue])} vs {_clip(relation.cue)}")
    return lines


def _plus(a: PRF, b: PRF) -> PRF:
    return PRF(a.tp + b.tp, a.predicted + b.predicted, a.gold + b.gold)


def score_quotes(pairs: Iterable[tuple[GoldArticle, Analysis]]) -> Score:
    """Micro-averaged quote metrics over articles; details start with the counts."""
    totals = dict.fromkeys(METRICS, PRF(0, 0, 0))
    misses: list[str] = []
    articles = 0
    for gold, analysis in pairs:
        counts, lines = score_article(gold, analysis)
        totals = {metric: _plus(totals[metric], counts[metric]) for metric in METRICS}
        misses += lines
        articles += 1
    score = Score(f"polnear quotes: {articles} articles")
    for metric in METRICS:
        score.add_prf(metric, totals[metric])
    score.details = [
        f"{m}: tp={c.tp} predicted={c.predicted} gold={c.gold}" for m, c in totals.items()
    ] + misses
    return score


def evaluate_polnear(folder: Path, analyzer: Any, limit: int | None = None) -> Score:
    """Analyse the (first ``limit``) articles of a PolNeAR split and score their quotes."""
    from ..ingest import Document

    golds = load_split(folder)[:limit]
    return score_quotes(
        (gold, analyzer.analyze_document(Document(text=gold.text, source=gold.name, meta={})))
        for gold in golds
    )
