"""KB-aware entity matching: a spaCy component that corrects the statistical NER with the KB.

``newsdesk_kb_matcher`` (after ``ner``) finds every KB name and alias with a PhraseMatcher and
sets ``Span.kb_id_``. A KB match replaces the statistical entities it overlaps ("Rustem Umerov"
ORG -> PERSON, "Dmytro Lubinets" ORG -> PERSON) except when it sits inside a longer name the
model found ("George Washington" keeps its PERSON; the capital inside it is not matched): a
longer NER span wins only if its extra tokens are themselves capitalised name words.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .kb import KBEntry, KnowledgeBase, load_kb

_LOWER_SAFE_KINDS = {"seat"}


@Language.factory("newsdesk_kb_matcher", default_config={"kb_files": []})
def make_kb_matcher(nlp: Language, name: str, kb_files: list[str]) -> KBMatcher:
    return KBMatcher(nlp, load_kb(tuple(kb_files)))


class KBMatcher:
    def __init__(self, nlp: Language, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.titles = set(kb.title_words())
        self.vocab = nlp.vocab
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        tokenizer: Any = nlp.tokenizer
        for entry in kb.entries.values():
            names = list(_pattern_names(entry))
            if names:
                self.matcher.add(entry.id, list(tokenizer.pipe(names)))

    def __call__(self, doc: Doc) -> Doc:
        found = [
            Span(doc, start, end, label=self._label(key), kb_id=key)
            for key, start, end in self.matcher(doc)
        ]
        if found:
            doc.ents = self.merge(list(doc.ents), filter_spans(found))
        return doc

    def _label(self, key: int) -> str:
        entry = self.kb.entries[self.vocab.strings[key]]
        return entry.type

    def merge(self, ents: list[Span], matches: list[Span]) -> list[Span]:
        kept = list(ents)
        for match in matches:
            overlapping = [e for e in kept if e.start < match.end and match.start < e.end]
            if any(self._outranks(e, match) for e in overlapping):
                continue
            kept = [e for e in kept if e not in overlapping] + [match]
        return filter_spans(sorted(kept, key=lambda s: s.start))

    def _outranks(self, ent: Span, match: Span) -> bool:
        """A statistical entity wins over a KB match inside it if its extra words are names."""
        if ent.kb_id_ or not (ent.start <= match.start and match.end <= ent.end):
            return False
        if (ent.start, ent.end) == (match.start, match.end):
            return False
        extra = [t for t in ent if t.i < match.start or t.i >= match.end]
        return any(
            t.text[:1].isupper()
            and t.pos_ != "DET"
            and t.lower_ not in self.titles
            and not t.is_punct
            and not self.kb.lookup(t.text)
            and not self.kb.demonym(t.text)
            for t in extra
        )


def _pattern_names(entry: KBEntry) -> Iterable[str]:
    """Names worth matching: no lowercase-only aliases or very short ones (except acronyms)."""
    for name in entry.names():
        if len(name) < 3 or (name.islower() and entry.kind not in _LOWER_SAFE_KINDS):
            continue
        if len(name) <= 3 and not name.isupper():
            continue
        yield name
        if name[:1].islower():
            yield name[:1].upper() + name[1:]  # "al-Shabab" at the start of a sentence
