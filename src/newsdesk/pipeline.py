"""analyze(): text + metadata in, :class:`Analysis` out. Batches go through ``nlp.pipe``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .claims import extract_claims
from .dates import extract_dates
from .entities import extract_entities
from .errors import InputError
from .events import extract_events
from .figures import extract_figures
from .ingest import Document, Options, content_hash, from_text
from .nlp import load_nlp
from .quotes import extract_quotes
from .records import Analysis, Article, to_dict

ARTICLE_FIELDS = ("id", "source", "url", "title", "outlet", "byline", "published", "language")


@dataclass
class Analyzer:
    """Holds the spaCy pipeline; build one per process and reuse it."""

    nlp: Language

    @classmethod
    def load(
        cls, model: str | None = None, ops: str | None = None, kb_files: tuple[str, ...] = ()
    ) -> Analyzer:
        return cls(load_nlp(model, ops, kb_files=tuple(kb_files)))

    def analyze_document(self, document: Document) -> Analysis:
        return build_analysis(self.nlp(document.text), document)

    def analyze_documents(
        self, documents: Iterable[Document], *, workers: int = 1, batch_size: int = 16
    ) -> Iterator[tuple[Document, Analysis]]:
        """Analyse many documents in order; ``workers`` > 1 uses spaCy's multiprocessing.

        With workers, each worker also extracts the records (the ``newsdesk_records`` step), so
        the main process only stores them: the publication date travels in ``Doc.user_data``.
        """
        if workers <= 1:
            for doc, document in self.nlp.pipe(
                ((d.text, d) for d in documents), as_tuples=True, batch_size=batch_size
            ):
                yield document, build_analysis(doc, document)
            return
        pairs = ((self._prepared(d), d) for d in documents)
        for doc, document in self.nlp.pipe(
            pairs, as_tuples=True, n_process=workers, batch_size=batch_size
        ):
            yield document, _from_worker(doc, document)

    def _prepared(self, document: Document) -> Doc:
        doc = self.nlp.make_doc(document.text)
        doc.user_data[RECORDS_REQUEST] = document.meta.get("published") or ""
        return doc


RECORDS_REQUEST = "newsdesk_published"
RECORDS_RESULT = "newsdesk_records"


@Language.component("newsdesk_records")
def records_component(doc: Doc) -> Doc:
    """In a worker process: extract the records of a doc that asked for them (see
    ``Analyzer.analyze_documents``) and keep them as plain data in ``Doc.user_data``."""
    if RECORDS_REQUEST in doc.user_data:
        published = doc.user_data.pop(RECORDS_REQUEST) or None
        doc.user_data[RECORDS_RESULT] = extract_records(doc, published)
    return doc


def extract_records(doc: Doc, published: str | None) -> dict[str, Any]:
    entities = extract_entities(doc, published)
    dates = extract_dates(doc, published)
    quotes = extract_quotes(doc, entities)
    events = extract_events(doc, entities, dates, published=published, quotes=quotes)
    return {
        "entities": to_dict(entities),
        "quotes": to_dict(quotes),
        "events": to_dict(events),
        "figures": to_dict(extract_figures(doc, entities, quotes, events, dates, published)),
        "dates": to_dict(dates),
        "claims": to_dict(extract_claims(doc, entities, quotes)),
    }


def _from_worker(doc: Doc, document: Document) -> Analysis:
    records = doc.user_data.get(RECORDS_RESULT)
    if records is None:
        return build_analysis(doc, document)
    data = {"article": to_dict(make_article(document)), **records}
    return Analysis.from_dict(data)


def build_analysis(doc: Doc, document: Document) -> Analysis:
    """The records of one parsed document. Extraction stages are pure ``Doc -> records``."""
    article = make_article(document)
    entities = extract_entities(doc, article.published)
    dates = extract_dates(doc, article.published)
    quotes = extract_quotes(doc, entities)
    events = extract_events(doc, entities, dates, published=article.published, quotes=quotes)
    return Analysis(
        article=article,
        entities=entities,
        quotes=quotes,
        events=events,
        figures=extract_figures(doc, entities, quotes, events, dates, article.published),
        dates=dates,
        claims=extract_claims(doc, entities, quotes),
    )


def make_article(document: Document) -> Article:
    meta = document.meta
    fields: dict[str, Any] = {k: meta[k] for k in ARTICLE_FIELDS if meta.get(k) is not None}
    fields.setdefault("source", document.source)
    fields.setdefault("id", content_hash(document.text)[:16])
    extra = {k: v for k, v in meta.items() if k not in ARTICLE_FIELDS}
    return Article(text=document.text, meta=extra, **fields)


_default: Analyzer | None = None


def default_analyzer() -> Analyzer:
    global _default
    if _default is None:
        _default = Analyzer.load()
    return _default


def analyze(text: str, *, clean: bool = False, **metadata: Any) -> Analysis:
    """Analyse one article. ``text`` is used exactly unless ``clean`` is true.

    Metadata keywords: ``id, source, url, title, outlet, byline, published`` and any others
    (kept in ``article.meta``).
    """
    if not isinstance(text, str) or not text.strip():
        raise InputError("empty text")
    document = from_text(
        text,
        metadata.get("source"),
        Options(clean=clean, check_language=False),
        metadata,
        title_line=clean and not metadata.get("title"),
    )
    return default_analyzer().analyze_document(document)


@dataclass
class IngestSummary:
    stored: int = 0
    updated: int = 0
    duplicate: int = 0  # exact and near-duplicates: recorded as copies, not analysed
    failed: int = 0
    near_duplicate: int = 0  # of the duplicates, those that are near-duplicates

    @property
    def succeeded(self) -> int:
        return self.stored + self.updated + self.duplicate


def ingest(
    store: Any,
    items: Iterable[Any],
    analyzer: Analyzer,
    *,
    workers: int = 1,
    reanalyze: bool = False,
    report: Any = None,
    after_save: Callable[[Analysis, str], None] | None = None,
    near_duplicates: bool = True,
) -> IngestSummary:
    """Analyse and store inputs (Documents and Failures from :mod:`newsdesk.ingest`).

    A story already stored (same content hash) is not analysed again unless ``reanalyze``; its
    new source is recorded as a copy. ``report(status, source, detail)`` is called per item;
    ``after_save(analysis, status)`` after each analysis is stored (status: stored | updated),
    for what reacts to new records (alerts, incidents).

    With ``near_duplicates`` a text that is a near-duplicate of a stored article (or of one
    earlier in the batch) is a copy of it too (:mod:`newsdesk.dedup`): counted as a duplicate,
    reported as ``duplicate`` with the canonical id after a note with the similarity.
    """
    from .dedup import Match, NearDuplicates
    from .ingest import Failure
    from .nlp import model_info

    summary = IngestSummary()
    pending_copies: list[Document] = []
    seen: dict[str, str] = {}
    notify = report or (lambda *args: None)
    near = NearDuplicates.open(store) if near_duplicates else None
    near_copies: list[tuple[Document, Match]] = []

    def fresh() -> Iterator[Document]:
        for item in items:
            if isinstance(item, Failure):
                summary.failed += 1
                notify("failed", item.source, str(item.error))
                continue
            for note in item.notes:
                notify("note", item.source, note)
            digest = content_hash(item.text)
            owner = seen.get(digest) or (None if reanalyze else store.find_hash(digest))
            if owner is not None:
                summary.duplicate += 1
                pending_copies.append(item)
                notify("duplicate", item.source, owner)
                continue
            article_id = item.meta.get("id") or digest[:16]
            if near is not None and not (reanalyze and store.find_hash(digest)):
                print_ = near.fingerprint(item.text)
                match = near.find(print_, exclude=[article_id])
                if match is not None:
                    summary.duplicate += 1
                    summary.near_duplicate += 1
                    near_copies.append((item, match))
                    notify(
                        "note",
                        item.source,
                        f"near-duplicate of {match.article_id} (similarity {match.similarity:.2f})",
                    )
                    notify("duplicate", item.source, match.article_id)
                    continue
                near.hold(article_id, digest, print_)
            seen[digest] = article_id
            yield item

    model = model_info(analyzer.nlp)
    for document, analysis in analyzer.analyze_documents(fresh(), workers=workers):
        status = store.save(analysis, model=model)
        setattr(summary, status, getattr(summary, status) + 1)
        notify(status, document.source, analysis.article.id)
        if near is not None:
            near.saved(analysis.article.id, status)
        if after_save is not None:
            after_save(analysis, status)
    for document in pending_copies:
        owner = store.find_hash(content_hash(document.text))
        if owner is not None:
            store.add_copy(owner, document)
    for document, match in near_copies:
        owner = near.canonical(match) if near is not None else None
        if owner is not None:
            store.add_copy(owner, document)
    return summary
