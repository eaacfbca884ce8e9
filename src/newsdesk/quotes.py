"""Quotes: who said what — direct, mixed, partial and indirect attributions with their speaker.

Rules over the dependency parse, with the cue words as data (``data/cues.yaml``):

- a speech verb with a clausal complement: "X said (that) ...", "..., X said", "X told Y ...";
  its complement is the content, its subject the speaker (through "who", "saying", "and added");
- quotation marks: a quoted passage next to its cue is a direct quote (split quotes
  ``"We will not," he said, "give up."`` are one quote); quoted words inside reported speech make
  it ``mixed``; a quote after ``X said:`` takes that speaker; a paragraph that continues an
  unclosed quote keeps the speaker of the paragraph before;
- "according to X", noun cues ("X's claim that ...", "cited testimony that ..."), verbs whose
  object is the content ("accused Moscow of ...") and intentions ("vowed to ...").

Speakers are the subject's entity; pronouns and descriptors resolve to the nearest compatible
entity before the cue; a speaker with no entity keeps its words ("officials") and ``entity: null``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.tokens import Doc, Span, Token

from .attribution_model import (
    Candidate,
    candidates,
    configured_model,
    features,
    subject_of,
    writers_hedge,
)
from .records import Entity, EntityRef, Quote
from .records import Span as TextSpan
from .yamlfile import load_yaml

_OPEN = '“"«'
_CLOSE = '”"»'
_PERSON_PRONOUNS = {"he", "she", "him", "her"}
_GROUP_PRONOUNS = {"they", "it", "we"}
_SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
_SOURCE_NOUNS = frozenset(
    """official spokesman spokeswoman spokesperson minister ministry
    government president leader source diplomat officer commander police army military analyst
    expert witness resident lawyer prosecutor judge court agency group party lawmaker senator
    envoy ambassador aide adviser advisor negotiator authority investigator report statement
    survey poll study activist organizer campaign administration council committee member
    people critic supporter opponent observer monitor rebel fighter militant""".split()
)
# Nouns of stance that a verb's object names, whose topic the parser may hang from the verb:
# "voiced interest [in ...]", "expressed concern [over ...]".
_ATTITUDES = frozenset(
    """interest concern support hope doubt doubts frustration anger confidence opposition
    skepticism scepticism optimism regret sympathy solidarity dismay alarm outrage disappointment
    satisfaction reservations objection objections willingness readiness fear fears""".split()
)
_WHO_WORDS = frozenset({"who", "which", "that"})
# a clause these open says when or why, not what: "said before he died" ("if" and "whether"
# open questions: "asked if the talks would resume")
_ADVERBIAL_MARKS = frozenset(
    "after before when while because although though since until till once unless whereas as".split()
)
# cues that say nothing with "by": "known by his initials", "found by police", "shown by data"
_NOT_BY_AGENT = frozenset({"know", "find", "show", "feel", "see", "signal", "indicate"})
_NP_DROP = {"relcl", "acl", "punct", "cc", "conj", "advcl", "appos", "prep"}


@dataclass(frozen=True)
class Cues:
    speech: frozenset[str]
    objects: frozenset[str]
    intentions: frozenset[str]
    nouns: frozenset[str]
    addressee: frozenset[str]
    prepositions: dict[str, frozenset[str]]
    openers: frozenset[str] = frozenset()  # speech verbs, and verbs that only open a quote
    # verb -> object lemmas that give it another sense ("attacked a train", "called a meeting")
    not_speech: dict[str, frozenset[str]] = field(default_factory=dict)
    # adjective or noun -> prepositions that state a stance ("critical of", "opponent of")
    stances: dict[str, frozenset[str]] = field(default_factory=dict)
    # object verb -> prepositions after the object that carry the rest ("likened X to Y")
    after_object: dict[str, frozenset[str]] = field(default_factory=dict)
    reckoning: frozenset[str] = frozenset()  # "puts the toll at 300"
    beliefs: frozenset[str] = frozenset()  # "hope", "fear": states, not utterances
    findings: frozenset[str] = frozenset()  # "a study found 31 incidents"
    finders: frozenset[str] = frozenset()
    figure_nouns: frozenset[str] = frozenset()

    def other_sense(self, verb: Token, obj: Token) -> bool:
        return obj.lemma_.lower() in self.not_speech.get(verb.lemma_.lower(), ()) and not any(
            c.dep_ in ("oprd", "xcomp", "ccomp") for c in verb.children
        )


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    text = resources.files("newsdesk").joinpath("data/cues.yaml").read_text("utf-8")
    data = load_yaml(text)
    return Cues(
        speech=frozenset(data["speech_verbs"]),
        objects=frozenset(data["object_verbs"]) | frozenset(data.get("more_object_verbs", [])),
        intentions=frozenset(data["intention_verbs"]),
        nouns=frozenset(data["cue_nouns"]),
        addressee=frozenset(data["addressee_verbs"]),
        prepositions={v: frozenset(p) for v, p in data.get("preposition_verbs", {}).items()},
        after_object={v: frozenset(p) for v, p in data.get("object_prepositions", {}).items()},
        reckoning=frozenset(data.get("reckoning_verbs", [])),
        beliefs=frozenset(data.get("belief_verbs", [])),
        findings=frozenset(data.get("finding_verbs", [])),
        finders=frozenset(data.get("finding_subjects", [])),
        figure_nouns=frozenset(data.get("figure_nouns", [])),
        openers=frozenset(data["speech_verbs"]) | frozenset(data.get("quote_openers", [])),
        not_speech={v: frozenset(o) for v, o in data.get("not_speech_objects", {}).items()},
        stances={w: frozenset(p) for w, p in data.get("stance_words", {}).items()},
    )


@dataclass(frozen=True)
class Segment:
    """A quoted passage: ``start``/``end`` include the marks; ``continues`` if left unclosed."""

    start: int
    end: int
    continues: bool = False


def quote_segments(text: str) -> list[Segment]:
    """Quoted passages, paragraph by paragraph; an unclosed quote runs to its paragraph's end.
    Two apostrophes are a quote mark (''like this'', as some archives print them)."""
    segments: list[Segment] = []
    offset = 0
    text = text.replace("''", '"\x01')  # same length, so offsets hold
    for paragraph in text.split("\n"):
        segments.extend(_paragraph_segments(paragraph, offset))
        offset += len(paragraph) + 1
    return segments


def _paragraph_segments(paragraph: str, offset: int) -> Iterable[Segment]:
    start = None
    for index, char in enumerate(paragraph):
        if start is None and (
            char in _OPEN and _opens(paragraph, index) or _misprinted(paragraph, index)
        ):
            start = index
        elif start is not None and char == '"' and _reopens(paragraph, index):
            # 'said, "The use of force is ours . While ... "Unless ...': the first quote was never
            # closed (a copy-editing slip); it ends with its first sentence, and this mark opens
            end = _first_sentence_end(paragraph, start, index)
            yield Segment(offset + start, offset + end)
            start = index
        elif start is not None and char in _CLOSE and index > start + 1:
            end = index + (2 if paragraph[index + 1 : index + 2] == "\x01" else 1)
            yield Segment(offset + start, offset + end)
            start = None
    if start is not None and len(paragraph) - start > 3:
        yield Segment(offset + start, offset + len(paragraph), continues=True)


def _reopens(paragraph: str, index: int) -> bool:
    """A straight mark after a space and before a word, a sentence after the open quote began,
    opens a quote: it cannot close one."""
    return (
        index > 0
        and paragraph[index - 1] in " \t\xa0"
        and paragraph[index + 1 : index + 2].isalnum()
        and paragraph[index - 2 : index - 1] in ".?!"
    )


_SENTENCE_END = re.compile(r"[.?!](?=\s+[A-Z])")


def _first_sentence_end(paragraph: str, start: int, limit: int) -> int:
    match = _SENTENCE_END.search(paragraph, start + 1, limit)
    return match.end() if match else limit - 1


def _misprinted(paragraph: str, index: int) -> bool:
    """A closing mark that starts a paragraph and touches a word opens a quote: '”Mr. Trump
    embodies ...” ― Sonya Herridge' (a mistyped opening mark, common in web copy)."""
    return index == 0 and paragraph[:1] == "”" and paragraph[1:2].isalnum()


def _opens(paragraph: str, index: int) -> bool:
    """A straight quote opens after a space, a dash or the paragraph start, not after a letter."""
    return paragraph[index] != '"' or index == 0 or not paragraph[index - 1].isalnum()


@dataclass
class _Found:
    kind: str
    content: tuple[int, int]
    cue: tuple[int, int] | None
    subject: Token | None
    addressee: Token | None = None
    speaker: EntityRef | None = None
    # clausal | object | intention | according | noun | colon | continued | learned
    rule: str = "clausal"
    confidence: float | None = None  # the learned model's probability (rule "learned")


def extract_quotes(doc: Doc, entities: Sequence[Entity]) -> tuple[Quote, ...]:
    """Every attribution in ``doc`` with its content, cue, speaker and addressee."""
    found, quoted, linker = _rule_attributions(doc, entities)
    found += _learned(doc, found, quoted)
    found.sort(key=lambda f: f.content)
    text = linker.text  # doc.text is rebuilt by spaCy on every access
    quotes = []
    previous: EntityRef | None = None
    for item in found:
        speaker = item.speaker or (
            linker.speaker(item.subject, previous) if item.subject is not None else None
        )
        if speaker is not None:
            previous = speaker
        quotes.append(_quote(text, item, speaker, linker))
    return tuple(q for q in quotes if q.content.text.strip(' ,."“”'))


def _rule_attributions(
    doc: Doc, entities: Sequence[Entity]
) -> tuple[list[_Found], list[tuple[int, int]], _Linker]:
    """What the cue rules find, with the quoted passages' offsets and the speaker linker."""
    cues = load_cues()
    text = doc.text  # rebuilt by spaCy on every access: read it once
    segments = quote_segments(text)
    quoted = _quoted_offsets(segments)
    linker = _Linker(doc, text, entities, quoted)
    found: list[_Found] = []
    for token in doc:
        if not _inside_segment(token.idx, quoted):  # "I think" inside a quote is quoted speech
            found.extend(_attributions(token, cues))
    found = [f for f in found if _credible(f, linker)]
    found = [_with_segments(f, segments, doc, text) for f in found]
    found = _drop_nested(_drop_overlaps(found))
    found += _unattributed_segments(doc, text, segments, found, cues)
    found += _headline_colon(doc, text, found, linker)
    found += _block_quotes(doc, text, found, cues)
    return found, quoted, linker


def _attributions(token: Token, cues: Cues) -> Iterable[_Found]:
    lemma = token.lemma_.lower()
    if token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB") or _parsed_as_verb(token):
        if lemma in cues.speech:
            yield from _clausal(token, cues)
            yield from _parenthetical(token)
        if (
            lemma in cues.speech
            or lemma == "put"
            and any(c.dep_ == "dobj" and c.lower_ == "it" for c in token.children)
        ):
            yield from _as_clause(token)
        if lemma in cues.prepositions:
            yield from _prep_objects(
                token, cues.prepositions[lemma], cues.not_speech.get(lemma, frozenset())
            )
        if lemma in cues.objects:
            yield from _objects(token, cues)
        if lemma in cues.objects or lemma in cues.speech:
            yield from _by_agent(token, cues)
        if lemma in cues.intentions:
            yield from _intentions(token)
        if lemma in cues.reckoning:
            yield from _reckoning(token, cues)
        if lemma in cues.findings:
            yield from _finding(token, cues)
    if token.lower_ == "according" and any(c.lower_ == "to" for c in token.children):
        yield from _according_to(token)
    if token.lower_ == "in" and token.dep_ == "prep":
        yield from _in_source(token, cues)
    if token.pos_ == "NOUN" and lemma in cues.nouns:
        yield from _noun_cue(token)
    if token.pos_ in ("ADJ", "NOUN", "VERB") and token.lower_ in cues.stances:
        yield from _stance(token, cues.stances[token.lower_])


def _parsed_as_verb(token: Token) -> bool:
    """ "The Ruiz campaign plans to use ...": the tagger read a plural noun where the parser
    hung a subject and a complement on the word, as on a verb."""
    return (
        token.tag_ == "NNS"
        and any(c.dep_ == "nsubj" for c in token.children)
        and any(c.dep_ in ("xcomp", "ccomp", "dobj") for c in token.children)
    )


def _stance(word: Token, allowed: frozenset[str]) -> Iterable[_Found]:
    """ "Graham has been critical of Trump", "Kyiv is opposed to any deal", "X, a staunch
    opponent of the death penalty": the holder is the copula's subject, or the described noun."""
    prep = next(
        (c for c in word.children if c.dep_ == "prep" and c.lower_ in allowed and c.i > word.i),
        None,
    )
    objects = [c for c in prep.children if c.dep_ in ("pobj", "pcomp")] if prep else []
    if prep is None or not objects:
        return
    if word.dep_ in ("acomp", "attr") and word.head.lemma_ in ("be", "become", "remain", "seem"):
        holder = _subject(word.head)
    elif word.dep_ == "appos" and word.head.pos_ in ("PROPN", "NOUN"):
        holder = word.head  # "Graham, a critic of the plan,"
    else:
        return
    if holder is None:
        return
    tokens = [t for o in objects for t in o.subtree]
    cue = (word.idx, prep.idx + len(prep.text))
    yield _Found("indirect", _char_range(tokens), cue, holder, rule="object")


def _as_clause(verb: Token) -> Iterable[_Found]:
    """ "..., as a Homeland Security memo put it", "Hawaii, as one of Mr. Obama's advisers
    pointed out, normally does not get ...": the rest of the sentence is what was said."""
    mark = next(  # "as" may be parsed as a preposition with no object
        (
            c
            for c in verb.children
            if c.lower_ == "as"
            and (c.dep_ == "mark" or c.dep_ == "prep" and not list(c.children))
            and c.i < verb.i
        ),
        None,
    )
    subject = _subject(verb)
    if mark is None or subject is None or mark.i > subject.i:
        return
    told = verb.lemma_.lower() in load_cues().addressee  # "as he told reporters"
    if any(
        c.dep_ in ("ccomp", "xcomp") or c.dep_ == "dobj" and c.lower_ != "it" and not told
        for c in verb.children
    ):
        return  # "comes as the Kremlin said that ...": a while-clause with its own content
    sentence = verb.sent
    end = next((t.i for t in verb.doc[verb.i + 1 : sentence.end] if t.is_punct), sentence.end)
    tokens = [t for t in sentence if not mark.i <= t.i < end]
    while tokens and tokens[-1].is_punct and tokens[-1].text not in _CLOSE:
        tokens.pop()
    while tokens and tokens[0].is_punct and tokens[0].text not in _OPEN:
        tokens.pop(0)
    if _words(" ".join(t.text for t in tokens)) >= 3:
        yield _Found("indirect", _char_range(tokens), _cue_range(verb), subject)


def _parenthetical(verb: Token) -> Iterable[_Found]:
    """ "The museum, Mr. Obama said, would open in May": the cue hangs from the clause it
    reports, with no clause of its own."""
    if verb.dep_ != "parataxis" or any(
        c.dep_ in ("ccomp", "parataxis") and _is_clause(c) for c in verb.children
    ):
        return
    head = verb.head
    if head.dep_ in _SUBJECT_DEPS and not _is_clause(head):
        head = head.head  # "The difference now, he told me, is that ...": hung on the subject
    if head.i == verb.i or not _is_clause(head):
        return
    own = {t.i for t in verb.subtree}
    tokens = [t for t in head.subtree if t.i not in own]
    subject = _subject(verb)
    if subject is None or not tokens:
        return
    yield _Found("indirect", _char_range(tokens), _cue_range(verb), subject)


def _prep_objects(
    verb: Token, allowed: frozenset[str], not_speech: frozenset[str] = frozenset()
) -> Iterable[_Found]:
    """ "spoke about X", "called on X to Y", "warned of X" (no object or clause of its own)."""
    if any(c.dep_ in ("dobj", "ccomp") for c in verb.children):
        return
    prep = next(
        (c for c in verb.children if c.dep_ == "prep" and c.lower_ in allowed and c.i > verb.i),
        None,
    )
    subject = _subject(verb)
    if prep is None and "for" in allowed:  # "called for compensation to be clawed back"
        yield from _for_clause(verb, subject)
        return
    if prep is None or (subject is None and not _passive(verb)):
        return
    objects = [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]
    if any(o.ent_type_ in ("DATE", "TIME") or o.lemma_.lower() in not_speech for o in objects):
        return  # "spoke on Monday", "spoke on condition of anonymity"
    tokens = [t for c in objects for t in c.subtree]
    if not tokens:
        return
    tokens += [t for c in verb.children if c.dep_ == "xcomp" and c.i > prep.i for t in c.subtree]
    yield _Found(
        "indirect", _char_range(tokens), (verb.idx, prep.idx + len(prep)), subject, rule="object"
    )


def _by_agent(verb: Token, cues: Cues) -> Iterable[_Found]:
    """ "The proposal was rejected by Kyiv", "a peace plan backed by Washington": a passive cue
    with its agent; the agent holds the view, the passive subject (or the noun the participle
    describes) is what it is about."""
    if verb.lemma_.lower() in _NOT_BY_AGENT:
        return
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    source = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
    if agent is None or source is None:
        return
    cue = (verb.idx, agent.idx + len(agent.text))
    subject = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    if subject is not None and subject.lower_ not in _WHO_WORDS:
        if cues.other_sense(verb, subject) or subject.pos_ == "PRON":
            return  # "the train was attacked by militants"; "they were backed by": about whom?
        yield _Found("indirect", _char_range(list(subject.subtree)), cue, source, rule="object")
    elif (
        (verb.dep_ == "acl" or verb.dep_ == "relcl" and subject is not None)
        and verb.head.pos_ in ("NOUN", "PROPN")
        and verb.i > verb.head.i
    ):
        # "a plan backed by China"; "the bill, which was criticized by Democrats,"
        noun = verb.head
        if cues.other_sense(verb, noun):
            return
        own = {t.i for t in verb.subtree}
        tokens = [t for t in noun.subtree if t.i not in own and t.i <= verb.i]
        yield _Found("indirect", _char_range(tokens), cue, source, rule="object")


def _for_clause(verb: Token, subject: Token | None) -> Iterable[_Found]:
    """ "called for X to be Y", "pushed for the law to pass": the parser reads "for X to ..."
    as a clause of its own, opened by "for", or as a bare "for" and a clause of the verb."""
    bare = next(
        (
            c
            for c in verb.children
            if c.dep_ == "prep" and c.lower_ == "for" and c.i > verb.i and not list(c.children)
        ),
        None,
    )
    clause = next(
        (c for c in verb.children if c.dep_ in ("ccomp", "advcl") and bare and c.i > bare.i),
        None,
    )
    if bare is not None and clause is not None and subject is not None:
        cue = (verb.idx, bare.idx + len(bare.text))
        yield _Found("indirect", _char_range(list(clause.subtree)), cue, subject, rule="object")
        return
    for clause in verb.children:
        mark = next((c for c in clause.children if c.dep_ == "mark" and c.lower_ == "for"), None)
        if (
            clause.dep_ == "advcl"
            and mark is not None
            and clause.i > verb.i
            and subject is not None
        ):
            tokens = [t for t in clause.subtree if t.i > mark.i]
            if tokens:
                cue = (verb.idx, mark.idx + len(mark.text))
                yield _Found("indirect", _char_range(tokens), cue, subject, rule="object")
            return


def _clausal(verb: Token, cues: Cues) -> Iterable[_Found]:
    """ "X said (that) ...", "..., X said", "X said: ..." """
    complements = [
        c
        for c in verb.children
        if c.dep_ in ("ccomp", "parataxis")
        and _is_clause(c)
        and not _adverbial(c)
        and _complement_side_ok(c, verb)
        and not _relative(c, cues)
    ]
    if not complements:
        yield from _swallowed_that(verb)
        return
    first = sorted(complements, key=lambda c: (c.i < verb.i, c.i))[0]
    extra = [
        c
        for c in first.children
        if c.dep_ == "conj"
        and c.pos_ in ("VERB", "AUX")
        and any(m.dep_ == "mark" for m in c.children)
    ]
    excluded = {
        t.i
        for c in first.subtree
        if (_own_cue(c, cues, first.i > verb.i) or _relative_cue(c, cues) or _narration(c))
        and c.i != first.i
        for t in _from_conjunction(c)
    }
    tokens = [
        t
        for c in (first, *extra)
        for t in c.subtree
        if t.i != verb.i and not _inside(t, verb) and t.i not in excluded
    ]
    tokens += _broken_verb_phrase(first, verb, cues)
    tokens = _without_trailing_apposition(first, tokens)
    if not tokens:
        return
    start, end = _char_range(tokens)
    addressee = None
    if verb.lemma_.lower() in cues.addressee:
        addressee = next((c for c in verb.children if c.dep_ in ("dobj", "dative", "iobj")), None)
    yield _Found("indirect", (start, end), _cue_range(verb), _subject(verb), addressee)


def _swallowed_that(verb: Token) -> Iterable[_Found]:
    """A that-clause the parser made a relative clause of a noun after the cue: "Rubio told VOA
    during a press gaggle that he believes ..." ("that" hung on a verb inside the clause, across
    the clause's own subject: a crossing arc no real relative clause has), "told a meeting of
    leaders that few people understood ..." ("that" a subordinator, where a relative "that" is
    an argument). The clause from "that" is what was said. And "Trump said after the
    convention he would not accept ...": a finite clause with its own subject and no
    subordinator, read as adverbial."""
    nouns = [c for c in verb.children if c.dep_ in ("dobj", "dative") and c.i > verb.i]
    holders = [verb, *nouns]
    for holder in holders:  # "told one of his protegés on a regular basis that ..."
        found = [
            o
            for p in holder.children
            if p.dep_ == "prep" and p.i > verb.i
            for o in p.children
            if o.dep_ == "pobj"
        ]
        nouns += found
        if len(holders) < 8:
            holders += found
    for noun in nouns:
        for clause in (c for c in noun.children if c.dep_ in ("relcl", "acl")):
            that = clause.doc[clause.left_edge.i]
            crossing = that.head.i != clause.i and that.head.i > clause.i
            if (
                that.lower_ == "that"
                and (crossing and clause.dep_ == "relcl" or that.dep_ == "mark")
                and any(c.dep_ in _SUBJECT_DEPS and c.i > that.i for c in clause.children)
            ):
                tokens = list(clause.doc[that.i : clause.right_edge.i + 1])
                addressee = next((c for c in verb.children if c.dep_ in ("dobj", "dative")), None)
                yield _Found(
                    "indirect", _char_range(tokens), _cue_range(verb), _subject(verb), addressee
                )
                return
    for clause in verb.children:
        subject = next((s for s in clause.children if s.dep_ in ("nsubj", "nsubjpass")), None)
        if (
            clause.dep_ == "advcl"
            and clause.i > verb.i
            and subject is not None
            and not any(m.dep_ == "mark" for m in clause.children)
            and (
                clause.tag_ in ("VBD", "VBZ", "VBP") or any(a.tag_ == "MD" for a in clause.children)
            )
        ):
            tokens = [t for t in clause.subtree if t.i >= subject.left_edge.i]
            yield _Found("indirect", _char_range(tokens), _cue_range(verb), _subject(verb))
            return


def _adverbial(clause: Token) -> bool:
    """A clause opened by "before", "when", "because" ... and no "that" or "whether"."""
    marks = [m.lower_ for m in clause.children if m.dep_ == "mark"]
    return bool(marks) and marks[0] in _ADVERBIAL_MARKS


def _is_clause(token: Token) -> bool:
    """A verb, or a participle or adjective with its own subject ("peace must be dignified")."""
    return token.pos_ in ("VERB", "AUX") or any(
        c.dep_ in _SUBJECT_DEPS or (c.dep_ == "mark" and c.lower_ == "that") for c in token.children
    )


def _relative(clause: Token, cues: Cues) -> bool:
    """ "remarks that Kyiv has not confirmed": a transitive verb with its object missing is a
    relative clause about the noun, not what was said."""
    lemma = clause.lemma_.lower()
    if lemma not in cues.objects and lemma not in ("confirm", "make", "issue", "accept", "give"):
        return False
    return not any(
        c.dep_ in ("dobj", "ccomp", "xcomp", "attr", "acomp", "prep", "agent", "oprd", "dative")
        or c.dep_ == "advcl"
        and any(m.dep_ == "mark" and m.lower_ == "for" for m in c.children)
        for c in clause.children
    )  # "called for X to be Y" has its object in the for-clause


def _broken_verb_phrase(complement: Token, verb: Token, cues: Cues) -> list[Token]:
    """Quote marks break the parse of "Ukraine had “pretty well” backed the plan": the participle
    lands as a conjunct of the cue. Join it back when it follows the complement directly."""
    last = max(t.i for t in complement.subtree)
    doc = verb.doc
    extra: list[Token] = []
    for conj in (
        c
        for c in (*verb.children, *complement.children)
        if c.dep_ in ("conj", "ccomp") and c.i > last
    ):
        gap = doc[last + 1 : conj.i]
        participle = conj.tag_ == "VBN" or (
            conj.tag_ == "VBD" and complement.lemma_ in ("have", "be")
        )
        if (
            participle
            and all(t.is_punct or t.text in _CLOSE for t in gap)
            and not any(c.dep_ in _SUBJECT_DEPS for c in conj.children)
            and conj.lemma_.lower() not in cues.speech
        ):
            extra += [
                t for t in conj.subtree if not t.is_punct or t.i < max(x.i for x in conj.subtree)
            ]
            extra += list(gap)
            last = max(t.i for t in conj.subtree)
    return extra


def _complement_side_ok(complement: Token, verb: Token) -> bool:
    """A complement before its cue must end in a comma or quote mark right before the cue's
    clause ("..., Putin said"), not across a semicolon or full stop."""
    if complement.i > verb.i:
        return True
    last = max(t.i for t in complement.subtree)
    between = verb.doc[last + 1 : verb.i]
    return not any(t.text in (";", ".", "?", "!") for t in between) and (
        any(t.text in (",", "—", "–") or t.text in _CLOSE for t in between)
        or verb.doc[last].text in _CLOSE
        or verb.doc[last].text == ","
    )


def _own_cue(token: Token, cues: Cues, after: bool = True) -> bool:
    """A conjoined cue with its own clause: "said X and stressed that Y" splits there, as does
    a participle that adds a statement of its own: "said X, arguing that Y". When the words
    follow their cue (``after``), so does a second speaker's cue that the parser joined to the
    first one's words: "She said X, and the minister said Y", "Republicans said X and
    Democrats accused the GOP of Y". Before the cue ("X, and groups accused Y of Z, AFP
    reported") everything is the reporter's."""
    lemma = token.lemma_.lower()
    if not _has_subject(token):
        return (
            lemma in cues.speech
            and any(c.dep_ in ("ccomp", "xcomp") for c in token.children)
            and (
                token.dep_ == "conj"
                # "said X, arguing that Y"; not "could escalate or stay calm, hoping that Z",
                # where the hope is the clause's subject's
                or token.dep_ == "advcl"
                and token.tag_ == "VBG"
                and lemma not in cues.beliefs
            )
        )
    if not after or token.dep_ != "conj" or any(c.dep_ == "mark" for c in token.children):
        return False  # "... and that he would ask": still the first speaker's words
    if lemma in cues.speech and any(c.dep_ in ("ccomp", "xcomp") for c in token.children):
        return True
    return (
        lemma in cues.objects
        and token.head.pos_ in ("VERB", "AUX")  # not "issues and what he called a failure"
        and any(c.dep_ == "dobj" for c in token.children)
        and not any(c.lower_ in ("what", "which") for c in token.children)
        and any(c.dep_ == "nsubj" and c.lower_ not in _WHO_WORDS for c in token.children)
    )


_CONCESSIVE = frozenset({"although", "though", "while", "whereas"})


def _narration(token: Token) -> bool:
    """ "He said X, although he again refused to pledge ...", "..., but she gave no details":
    a concessive clause about the speaker, set off by a comma, is the writer's narration."""
    doc = token.doc
    start = token.left_edge.i
    if token.dep_ == "advcl":
        opener = doc[start]
        if opener.dep_ != "mark" or opener.lower_ not in _CONCESSIVE:
            return False
    elif token.dep_ == "conj":
        before = doc[start - 1] if start > 0 else None
        if before is None or before.lower_ != "but":
            return False
        start -= 1
    else:
        return False
    return (
        start > 0
        and doc[start - 1].text == ","
        and any(c.dep_ == "nsubj" and c.lower_ in ("he", "she", "they") for c in token.children)
    )


def _relative_cue(token: Token, cues: Cues) -> bool:
    """ "..., which he said were at his side": a non-restrictive relative clause with a cue and a
    speaker of its own is that speaker's attribution, not part of the words around it ("the $18
    million he says he raised" is restrictive and stays)."""
    start = token.left_edge.i
    return (
        token.dep_ == "relcl"
        and start > 0
        and token.doc[start - 1].text == ","
        and token.lemma_.lower() in cues.speech
        and any(c.dep_ == "nsubj" and c.lower_ not in _WHO_WORDS for c in token.children)
        and any(c.dep_ == "ccomp" for c in token.children)
    )


def _from_conjunction(token: Token) -> list[Token]:
    """The conjunct's words with the "and"/"but" and comma that join it."""
    words = list(token.subtree)
    start = min(t.i for t in words)
    doc = token.doc
    while start > 0 and (doc[start - 1].dep_ == "cc" or doc[start - 1].is_punct):
        start -= 1
        words.append(doc[start])
    return words


def _without_trailing_apposition(root: Token, tokens: list[Token]) -> list[Token]:
    """ "..., remarks that Kyiv has not fully confirmed" describes the clause; it is not said."""
    for child in root.rights:
        if (
            child.dep_ in ("appos", "npadvmod", "dobj")
            and child.i > 0
            and child.doc[child.left_edge.i - 1].text in (",", "—", "–")
        ):
            drop = {t.i for t in child.subtree}
            if (
                child.dep_ != "dobj"
                or child.pos_ == "NOUN"
                and child.i > max(t.i for t in tokens if t.i not in drop)
            ):
                tokens = [t for t in tokens if t.i not in drop]
    return tokens


def _inside(token: Token, verb: Token) -> bool:
    """Tokens of the cue's own subject or addressee are never content."""
    head = token
    while head.head.i != head.i and head.head.i != verb.i:
        head = head.head
    return head.head.i == verb.i and head.dep_ in (
        *_SUBJECT_DEPS,
        "dobj",
        "dative",
        "advmod",
        "npadvmod",
        "prep",
        "aux",
        "neg",
        "punct",
        "cc",
    )


def _objects(verb: Token, cues: Cues) -> Iterable[_Found]:
    """ "accused Moscow of ...", "criticized the act as a crazy system", "called for X"."""
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if obj is not None and cues.other_sense(verb, obj):
        return  # "attacked a passenger train", "called a meeting"
    lemma = verb.lemma_.lower()
    allowed = cues.after_object.get(lemma, frozenset()) | {"of", "for", "as"}
    preps = [
        c
        for c in verb.children
        if c.dep_ == "prep"
        and c.lower_ in allowed
        and not any(o.ent_type_ in ("DATE", "TIME") for o in c.children)  # "on Monday"
    ]
    if obj is None and lemma == "call" and preps:
        obj = preps.pop(0)
        if not any(c.dep_ in ("pobj", "pcomp") for c in obj.children):
            yield from _for_clause(verb, _subject(verb))  # "called for X to be clawed back"
            return
    if obj is None or (_subject(verb) is None and not _passive(verb)):
        return
    topic = any(c.dep_ == "prep" for c in obj.children)
    if obj.lemma_.lower() in _ATTITUDES and not topic:  # "voiced interest in making aid ..."
        after = obj.right_edge.i + 1
        preps += [
            c
            for c in verb.children
            if c.dep_ == "prep" and c.i == after and c.lower_ in ("in", "about", "over", "on", "at")
        ]
    tokens = list(obj.subtree) + [t for p in preps if p.i > obj.i for t in p.subtree]
    tokens += [
        t
        for c in verb.children
        if (c.dep_ in ("oprd", "xcomp") or c.dep_ == "dobj" and c.pos_ != "PRON") and c.i > obj.i
        for t in c.subtree
    ]  # "called the death 'a significant achievement'", "branded North Korea an outlaw nation"
    if (
        len(tokens) == 1
        and obj.pos_ == "PRON"
        and obj.i + 1 < len(obj.doc)
        and obj.nbor().text == ":"
    ):
        return  # 'scolded him: "..."': the words follow the colon
    yield _Found("indirect", _char_range(tokens), _cue_range(verb), _subject(verb), rule="object")


def _finding(verb: Token, cues: Cues) -> Iterable[_Found]:
    """ "A 2014 study found 31 incidents of voter impersonation", "a federal judge found that
    action unconstitutional": what a document or an investigating or judging body found."""
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    subject = _subject(verb)
    if (
        obj is None
        or obj.i < verb.i
        or obj.pos_ == "PRON"
        or subject is None
        or subject.lemma_.lower() not in cues.finders
        or any(c.dep_ == "ccomp" and _has_subject(c) for c in verb.children)
    ):
        return
    tokens = list(obj.subtree) + [
        t
        for c in verb.children
        if c.i > obj.i and c.dep_ in ("prep", "oprd", "acomp", "xcomp", "ccomp")
        for t in c.subtree
    ]
    yield _Found("indirect", _char_range(tokens), _cue_range(verb), subject, rule="finding")


def _has_subject(token: Token) -> bool:
    return any(c.dep_ in _SUBJECT_DEPS for c in token.children)


def _reckoning(verb: Token, cues: Cues) -> Iterable[_Found]:
    """ "The UN puts the death toll at 300", "officials estimated the damage at $2 billion"."""
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    at = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "at"), None)
    subject = _subject(verb)
    if (
        obj is None
        or at is None
        or at.i < obj.i
        or subject is None
        or obj.lemma_.lower() not in cues.figure_nouns
        or not any(t.like_num or t.ent_type_ in _AMOUNTS for t in at.subtree)
    ):
        return
    tokens = list(obj.subtree) + list(at.subtree)
    yield _Found("indirect", _char_range(tokens), _cue_range(verb), subject, rule="object")


_AMOUNTS = frozenset({"CARDINAL", "MONEY", "PERCENT", "QUANTITY"})


def _intentions(verb: Token) -> Iterable[_Found]:
    """ "vowed to fight on", "refused to comment"."""
    xcomp = next(
        (c for c in verb.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")), None
    )
    subject = _subject(verb)
    if xcomp is None or (subject is None and not _passive(verb)):
        return
    yield _Found(
        "indirect", _char_range(list(xcomp.subtree)), _cue_range(verb), subject, rule="intention"
    )


# documents that speak for themselves ("In this poll, Trump rose"); a statement, letter or
# interview is its author's, who is the clause's subject ("In a statement, the union called")
_DOCUMENTS = frozenset(
    "poll survey report study filing complaint lawsuit indictment analysis assessment "
    "document ruling judgment audit census".split()
)


def _in_source(prep: Token, cues: Cues) -> Iterable[_Found]:
    """ "In this poll, Trump rose 1 point", "In a letter to Congress, the group warns ...": a
    document that opens the clause is its source, when no speech verb of the clause names one."""
    source = next((c for c in prep.children if c.dep_ == "pobj"), None)
    if source is not None and source.lower_ in ("one", "some", "many", "most", "several"):
        of = next((c for c in source.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        inner = next((c for c in of.children if c.dep_ == "pobj"), None) if of else None
        source = inner or source  # "in one of the first post-debate polls"
    clause = prep.head
    if (
        prep.i > clause.i
        and source is not None
        and source.lemma_.lower() in ("poll", "survey")
        and clause.pos_ in ("VERB", "AUX")
        and any(c.dep_ == "nsubj" for c in clause.children)  # not "were published in a poll"
        and clause.lemma_.lower() not in cues.speech | cues.objects
    ):  # "Trump did fare well in online polls": what the polls show, before them
        tokens = [t for t in clause.subtree if t.i < prep.i]
        if tokens:
            yield _Found("indirect", _char_range(tokens), (prep.idx, prep.idx + 2), source)
        return
    if (
        source is None
        or source.lemma_.lower() not in _DOCUMENTS
        or prep.i > clause.i
        or clause.pos_ not in ("VERB", "AUX")
        or clause.lemma_.lower() in cues.speech | cues.objects | cues.intentions
        or any(c.dep_ == "ccomp" for c in clause.children)
    ):
        return
    excluded = {t.i for t in prep.subtree}
    tokens = [t for t in clause.subtree if t.i not in excluded and t.i > prep.right_edge.i]
    tokens = [t for t in tokens if not (t.is_punct and t.i == prep.right_edge.i + 1)]
    if tokens:
        yield _Found(
            "indirect", _char_range(tokens), (prep.idx, prep.idx + 2), source, rule="object"
        )


def _according_to(according: Token) -> Iterable[_Found]:
    to = next(c for c in according.children if c.lower_ == "to")
    source = next((c for c in to.children if c.dep_ == "pobj"), None)
    clause = according.head
    while clause.dep_ not in ("ROOT", "ccomp") and clause.head.i != clause.i:
        clause = clause.head
    excluded = set(according.subtree)
    tokens = [t for t in clause.subtree if t not in excluded and not t.is_punct]
    if source is None or not tokens:
        return
    cue = (according.idx, to.idx + len(to.text))
    yield _Found("indirect", _char_range(tokens), cue, source)


def _noun_cue(noun: Token) -> Iterable[_Found]:
    """ "X's claim that ...", "remarks that Kyiv has not confirmed", "cited testimony that ..."."""
    clause = next(
        (
            c
            for c in noun.children
            if c.dep_ in ("acl", "ccomp")
            and any(m.lower_ == "that" and m.dep_ == "mark" for m in c.children)
        ),
        None,
    )
    if clause is None or _relative(clause, load_cues()):
        return
    subject = next((c for c in noun.children if c.dep_ == "poss"), None)
    if subject is None and noun.dep_ in ("dobj", "attr"):
        subject = _subject(noun.head)
    if subject is None:
        return
    cue_start = noun.head.idx if noun.dep_ == "dobj" and noun.head.i == noun.i - 1 else noun.idx
    yield _Found(
        "indirect", _char_range(list(clause.subtree)), (cue_start, noun.idx + len(noun)), subject
    )


def _subject(verb: Token) -> Token | None:
    """The speaker token: the verb's subject, or that of the verb it hangs from."""
    if verb.dep_ == "conj" and not any(c.dep_ in _SUBJECT_DEPS for c in verb.children):
        cue = _enclosing_cue(verb)
        if cue is not None:
            return _subject(cue)
    if (  # "denied that its ships had entered the waters, saying ...": the denier says it
        verb.dep_ == "advcl"
        and verb.tag_ == "VBG"
        and verb.head.dep_ == "ccomp"
        and verb.head.head.i < verb.head.i  # "denied [that ...], saying": the cue comes first
        and verb.head.head.lemma_.lower() in load_cues().speech | load_cues().objects
    ):
        return _subject(verb.head.head)
    current = verb
    for _ in range(4):
        agent = next((c for c in current.children if c.dep_ == "agent"), None)
        if agent is not None:
            return next((c for c in agent.children if c.dep_ == "pobj"), None)
        subjects = [c for c in current.children if c.dep_ in _SUBJECT_DEPS]
        # a dash or a stray mark parsed as a subject ("made public ― Trump boasted") is not one
        subject = next((c for c in subjects if any(ch.isalnum() for ch in c.text)), None)
        if subject is not None and subject.dep_ == "nsubjpass" and current.i == verb.i:
            return None  # "is expected to", "has been criticized": no source without "by X"
        if subject is not None:
            if subject.lower_ in ("who", "that", "which") and current.dep_ == "relcl":
                return subject  # the speaker is the antecedent, reached through "who"
            return subject
        if (
            current.dep_ in ("conj", "advcl", "xcomp", "relcl", "acl", "pcomp")
            and current.head.i != current.i
        ):
            if current.dep_ == "relcl":
                return current.head
            current = current.head
            continue
        return None
    return None


def _enclosing_cue(verb: Token) -> Token | None:
    """For "X said A and stressed that B": the "said" whose complement holds "stressed"."""
    cues = load_cues()
    current = verb
    for _ in range(6):
        if current.head.i == current.i:
            return None
        current = current.head
        if (
            current.lemma_.lower() in cues.speech
            and current.i != verb.i
            and (current.dep_ != "conj" or any(c.dep_ in _SUBJECT_DEPS for c in current.children))
        ):
            return current
    return None


def _cue_range(verb: Token) -> tuple[int, int]:
    particles = [c for c in verb.children if c.dep_ == "prt" and c.i == verb.i + 1]
    end_token = particles[0] if particles else verb
    return verb.idx, end_token.idx + len(end_token.text)


def _char_range(tokens: Sequence[Token]) -> tuple[int, int]:
    ordered = sorted(tokens, key=lambda t: t.i)
    while len(ordered) > 1 and (
        ordered[-1].is_space or ordered[-1].is_punct and ordered[-1].text not in _CLOSE
    ):
        ordered.pop()  # a headline's content ends before the paragraph break
    while len(ordered) > 1 and (
        ordered[0].is_space or ordered[0].is_punct and ordered[0].text not in _OPEN
    ):
        ordered.pop(0)
    return ordered[0].idx, ordered[-1].idx + len(ordered[-1].text)


def _with_segments(found: _Found, segments: list[Segment], doc: Doc, text: str) -> _Found:
    """Direct when the content is a quoted passage (joining a split quote); mixed when quoted
    words sit inside reported speech."""
    start, end = found.content
    cue_start = found.cue[0] if found.cue else start
    touching = [s for s in segments if s.start < end and start < s.end]
    if not touching:
        return found
    inside = sum(min(s.end, end) - max(s.start, start) for s in touching)
    if inside >= 0.6 * (end - start):
        near = [
            s
            for s in segments
            if _same_sentence(doc, s, cue_start)
            and s.start < end + 40
            and s.end > start - 40
            and not (s.start < cue_start < s.end)
            and not _sentence_break(text, (start, end), s)
            and not _another_cue_between(doc, found, s)
        ]
        parts = sorted({*touching, *near}, key=lambda s: s.start)
        found.kind = "direct"
        found.content = (parts[0].start, parts[-1].end)
        return found
    found.kind = "mixed"
    found.content = (min(start, touching[0].start), max(end, touching[-1].end))
    return found


def _another_cue_between(doc: Doc, found: _Found, segment: Segment) -> bool:
    """'"We can't afford it," Trump said, adding later, "NATO costs us a fortune."': the second
    passage has a cue of its own ("adding") between the first cue and it; and, seen from
    "adding", the first passage has "said" between it and "adding"."""
    if found.cue is None:
        return False
    if segment.start >= found.cue[1]:
        between = doc.char_span(found.cue[1], segment.start, alignment_mode="contract")
    elif segment.end <= found.cue[0]:
        between = doc.char_span(segment.end, found.cue[0], alignment_mode="contract")
    else:
        return False
    speech = load_cues().speech
    return between is not None and any(
        t.lemma_.lower() in speech and t.pos_ in ("VERB", "AUX") for t in between
    )


def _sentence_break(text: str, content: tuple[int, int], segment: Segment) -> bool:
    """'"A," he said. "B."' is two quotes: a full stop lies between the content and B."""
    if segment.start >= content[1]:
        between = text[content[1] : segment.start]
    elif segment.end <= content[0]:
        between = text[segment.end : content[0]]
    else:
        return False
    return any(mark in between for mark in (".", "?", "!", "\n"))


def _quoted_offsets(segments: list[Segment]) -> list[tuple[int, int]]:
    return [(s.start + 1, s.end - 1) for s in segments]


def _inside_segment(offset: int, quoted: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in quoted)


def _credible(found: _Found, linker: _Linker) -> bool:
    """Object and intention cues ("opposed X", "vowed to") need a speaker that is a named
    entity, a pronoun or a person-like noun; "ways oppose the limitations" is not a source."""
    if found.rule not in ("object", "intention") or found.subject is None:
        return True
    return _speaker_like(found.subject, linker)


def _speaker_like(subject: Token, linker: _Linker) -> bool:
    """A named entity, a pronoun or a person-like noun ("the spokeswoman", "critics")."""
    if subject.lower_ in ("who", "that", "which") and subject.head.dep_ == "relcl":
        subject = subject.head.head  # "an architect who criticized ...": the antecedent
    if subject.lower_ in _PERSON_PRONOUNS | _GROUP_PRONOUNS or subject.ent_type_:
        return True
    if linker.entity_at(subject.idx, subject.idx + len(subject.text)) is not None:
        return True
    lemma = subject.lemma_.lower()
    return (
        lemma in _SOURCE_NOUNS
        or lemma in _titles()
        or any(c.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") for c in subject.children)
    )


@lru_cache(maxsize=1)
def _titles() -> frozenset[str]:
    """The one-word roles of the KB's title lexicon: "the mayor", "the governor", "the envoy"."""
    from .kb import load_kb

    return frozenset(w for w in load_kb().title_words() if " " not in w and "-" not in w)


def _same_sentence(doc: Doc, segment: Segment, offset: int) -> bool:
    span = doc.char_span(segment.start, segment.end, alignment_mode="expand")
    token = doc.char_span(offset, offset + 1, alignment_mode="expand")
    if span is None or token is None:
        return False
    return span.sent.start <= token.start < span.sent.end or abs(span.start - token.start) < 3


def _drop_overlaps(found: list[_Found]) -> list[_Found]:
    """One attribution per content: keep clausal and direct ones over object/intention ones."""
    rank = {"direct": 0, "mixed": 1, "indirect": 2}
    ordered = sorted(found, key=lambda f: (rank[f.kind], -(f.content[1] - f.content[0])))
    kept: list[_Found] = []
    for item in ordered:
        if any(
            _overlap(item.content, k.content) > 0.5 * (item.content[1] - item.content[0])
            for k in kept
        ):
            continue
        kept.append(item)
    return kept


def _drop_nested(found: list[_Found]) -> list[_Found]:
    """An attribution whose cue lies inside another's content is part of what was said."""
    return [
        f
        for f in found
        if f.cue is None
        or not any(
            o is not f and o.content[0] <= f.cue[0] and f.cue[1] <= o.content[1] for o in found
        )
    ]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _unattributed_segments(
    doc: Doc, text: str, segments: list[Segment], found: list[_Found], cues: Cues
) -> list[_Found]:
    """Quoted passages no cue claimed: after "X said:", or continuing the paragraph before."""
    extra: list[_Found] = []
    covered = [f.content for f in found]
    previous_segment: Segment | None = None
    for segment in segments:
        claimed = any(_overlap((segment.start, segment.end), c) for c in covered)
        passage = text[segment.start : segment.end]
        if not claimed and _words(passage) < 4 and re.search(r"\w[,?!][\"”']*$", passage):
            # '"Absolutely not," he said.': a short reply, set off by its cue
            item = _cue_after(doc, text, segment, cues) or _verb_before(
                doc, text, segment, cues, found + extra
            )
            if item is not None:
                extra.append(item)
        elif not claimed and _words(passage) >= 4:
            item = (
                _after_colon(doc, text, segment, cues, found + extra)
                or _verb_before(doc, text, segment, cues, found + extra)
                or _cue_after(doc, text, segment, cues)
                or _continuation(segment, previous_segment, found + extra, text)
            )
            if item is None and _next_sentence(segment, found + extra, text):
                continue
            if item is None and _standalone(doc, text, segment, found + extra):
                continue
            if item is not None:
                extra.append(item)
        previous_segment = segment
    return extra


def _verb_before(
    doc: Doc, text: str, segment: Segment, cues: Cues, found: list[_Found]
) -> _Found | None:
    """'Protesters chanted "What curfew?"', 'he shouted "Allahu akbar"': the quote is the
    object of the speech verb right before it, with no colon or comma between."""
    before = text[: segment.start].rstrip()
    if not before or len(before) == segment.start or not before[-1].isalpha():
        return None
    span = doc.char_span(len(before) - 1, len(before), alignment_mode="expand")
    if span is None:
        return None
    verb = span[-1]
    if (
        verb.pos_ != "VERB"
        or verb.lemma_.lower() not in cues.openers
        or any(c.dep_ in ("ccomp", "dobj") and c.idx < segment.start for c in verb.children)
        or any(f.cue is not None and f.cue[0] == verb.idx for f in found)
    ):
        return None
    subject = _subject(verb)
    if subject is None:
        return None
    return _Found("direct", (segment.start, segment.end), _cue_range(verb), subject)


def _cue_after(doc: Doc, text: str, segment: Segment, cues: Cues) -> _Found | None:
    """'"A. B?" Trump said.' and '"..." ― Sonya Herridge': the cue follows the closing mark."""
    after = doc.char_span(segment.end, min(len(text), segment.end + 120), alignment_mode="expand")
    if after is None or not len(after):
        return None
    window: list[Token] = []
    depth = 0  # inside "(D-Md.)": a speaker's party and state, skipped
    for token in after[:20]:
        if "\n" in token.text or len(window) == 9:
            break  # the cue is in the quote's paragraph, never the next one
        depth += (token.text == "(") - (token.text == ")")
        if not token.is_space and depth == 0 and token.text != ")":  # "”\xa0― Name"
            window.append(token)
    if window and window[0].text.lstrip(_CLOSE + "’") in _DASHES:  # "”―" is one token
        names = [t for t in window[1:] if not t.is_space][:2]
        person = next((t for t in names if t.ent_type_ in ("PERSON", "ORG")), None)
        signature = None
        if _byline(window[1:], text):  # "― Adriana Rodarte": a name the model did not tag
            last = [t for t in window[1:] if t.text != "."][-1]
            start, end = window[1].idx, last.idx + len(last.text)
            tagged = person is not None and any(
                e.start_char <= start and end <= e.end_char for e in doc.ents
            )
            if not tagged:  # (or tagged in part: "Nell" of "Nell Carden Grey")
                person = window[1]
                signature = EntityRef(None, text[start:end], TextSpan(start, end, text[start:end]))
        if person is not None:
            dash = window[0]
            mark = dash.idx + len(dash.text) - len(dash.text.lstrip(_CLOSE + "’"))
            return _Found(
                "direct",
                (segment.start, segment.end),
                (mark, dash.idx + len(dash)),
                person,
                speaker=signature,
                rule="dash",
            )
        return None
    for token in window:
        if token.text in (".", "\n", "“", '"') and token.i > window[0].i:
            break
        if token.lemma_.lower() in cues.speech and token.pos_ in ("VERB", "AUX"):
            if any(c.dep_ == "ccomp" and c.i > token.i for c in token.children):
                return None  # 'he said that ...' starts a new attribution
            subject = _subject(token)
            if subject is not None:
                return _Found(
                    "direct", (segment.start, segment.end), _cue_range(token), subject, rule="after"
                )
    return None


_DASHES = ("―", "—", "–", "-", "--")


def _byline(tokens: Sequence[Token], text: str) -> bool:
    """'Adriana Rodarte', 'Julie A. Diaz Martinez.': what follows a dash up to the paragraph's
    end is a short capitalised name (an epigraph's or a reader's signature)."""
    words = [t for t in tokens if not t.is_space][:6]
    if words and words[-1].text == ".":
        words = words[:-1]
    if not words or len(words) > 5:
        return False
    end = words[-1].idx + len(words[-1].text)
    line_end = text.find("\n", end)
    if text[end : len(text) if line_end < 0 else line_end].strip(" .\xa0\t"):
        return False  # more text follows on the line: not a signature
    return all(
        t.text[:1].isupper() and t.is_alpha or re.fullmatch(r"[A-Z]\.", t.text) for t in words
    )


def _headline_colon(doc: Doc, text: str, found: list[_Found], linker: _Linker) -> list[_Found]:
    """ "Pat Caddell: Democrat voters worried ..." — a name and a colon open the paragraph; and
    transcripts: '"PENCE: Well, the question ...' (a speaker's name in capitals, the paragraph
    perhaps opened by a quote mark)."""
    extra = []
    offset = 0
    for paragraph in text.split("\n"):
        match = re.match(r"[\"“]?([A-Z][\w.'’ -]{1,40}?):\s+(\S.{10,})$", paragraph)
        if match and not any(_overlap(f.content, (offset, offset + len(paragraph))) for f in found):
            name = doc.char_span(
                offset + match.start(1), offset + match.end(1), alignment_mode="contract"
            )
            if (
                name is not None
                and len(name)
                and not match.group(2)[0].isdigit()  # "Trump: 45 percent": a poll's figures
                and (
                    any(
                        t.ent_type_ == "PERSON" or t.ent_type_ == "ORG" and t.ent_kb_id_
                        for t in name
                    )
                    or _transcript_name(match.group(1))
                    or len(name) == 1
                    and name[0].lemma_.lower() in _SOURCE_NOUNS
                    or linker.named(match.group(1))
                )
            ):
                colon = offset + match.end(1)
                quoted = paragraph[match.start(2)] in _OPEN or paragraph[0] in _OPEN
                speaker = None
                if _transcript_name(match.group(1)) or linker.named(match.group(1)):
                    speaker = linker.by_surname(name)
                extra.append(
                    _Found(
                        "direct" if quoted else "indirect",
                        (offset + match.start(2), offset + len(paragraph)),
                        (colon, colon + 1),
                        name.root,
                        speaker=speaker,
                        rule="colon",
                    )
                )
        offset += len(paragraph) + 1
    return extra


def _block_quotes(doc: Doc, text: str, found: list[_Found], cues: Cues) -> list[_Found]:
    """ "The governor added:" closing a paragraph, and the next paragraph, unquoted, is what he
    said (a block quote, as blogs and transcripts set long statements)."""
    extra: list[_Found] = []
    for match in re.finditer(r":[ \t]*\n+[ \t]*(?=\S)", text):
        colon = match.start()
        line_start = text.rfind("\n", 0, colon) + 1
        start = match.end()
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if end - start < 20 or any(_overlap(f.content, (start, end)) for f in found + extra):
            continue
        span = doc.char_span(line_start, colon + 1, alignment_mode="expand")
        if span is None:
            continue
        verbs = [
            t
            for t in span
            if t.lemma_.lower() in cues.speech and t.pos_ in ("VERB", "AUX") and t.i == span[-2].i
        ]
        subject = _subject(verbs[0]) if verbs else None
        if subject is None:
            continue
        kind = "direct" if text[start] in _OPEN else "indirect"
        extra.append(_Found(kind, (start, end), _cue_range(verbs[0]), subject, rule="colon"))
    return extra


_TRANSCRIPT_NOT_NAMES = frozenset(
    "UPDATE BREAKING WATCH READ MORE NOTE EDITOR CORRECTION PHOTO VIDEO WARNING ALERT LIVE "
    "ANALYSIS OPINION EXCLUSIVE RELATED SOURCE SOURCES".split()
)


def _transcript_name(words: str) -> bool:
    """ "PENCE", "MR. TRUMP", "SEN. KAINE": a speaker label in capitals, not a rubric
    ("UPDATE:", "READ MORE:")."""
    letters = re.sub(r"[^A-Za-z]", "", words)
    return (
        len(letters) >= 2
        and words.upper() == words
        and len(words.split()) <= 3
        and not any(w.strip(".") in _TRANSCRIPT_NOT_NAMES for w in words.split())
    )


def _after_colon(
    doc: Doc, text: str, segment: Segment, cues: Cues, found: list[_Found]
) -> _Found | None:
    """'X said: "..."', 'Caddell continued:' (the passage perhaps in the next paragraph), and
    'Trump said, "..."' where the parser lost the quote: a comma right after the verb and its
    own words ("asked her,", "recalled in an interview,"), the verb with a subject and no other
    quote of its own."""
    before = text[: segment.start].rstrip()
    if not before.endswith((":", ",")):
        return None
    mark = doc.char_span(len(before) - 1, len(before), alignment_mode="expand")
    if mark is None:
        return None
    colon = before.endswith(":")  # after a colon, object verbs open a quote too ("scolded him:")
    verbs = [
        t
        for t in mark.sent
        if t.i < mark.start
        and (t.lemma_.lower() in cues.openers or colon and t.lemma_.lower() in cues.objects)
    ]
    if not verbs:
        return None
    verb = verbs[-1]
    subject = _subject(verb)
    if subject is None and verb.dep_ == "acl" and verb.head.pos_ == "PROPN":
        subject = verb.head  # "Brinkley, a historian ..., recalled," read as a participle
    if before.endswith(","):
        between = doc[verb.i + 1 : mark.start]
        if (
            verb.pos_ not in ("VERB", "AUX")
            or len(between) > 6
            or any(t.pos_ in ("VERB", "AUX") or t.is_punct for t in between)
            or subject is None
            or any(f.cue is not None and f.cue[0] == verb.idx for f in found)
        ):
            return None
    return _Found("direct", (segment.start, segment.end), _cue_range(verb), subject)


_CUE_SENTENCE_END = re.compile(r"[^.!?\n“”\"]{0,60}[.!?][ \t\xa0]*")


def _next_sentence(segment: Segment, found: list[_Found], text: str) -> bool:
    """'"A," Smith said. "B."': B opens the sentence after the one that ends with Smith's cue,
    in the same paragraph, with no cue of its own; or B follows A's closing mark directly
    ('"A." "B."'). It is Smith's too: his quote's content runs
    on to B's end, as a quote split by its cue does (PolNeAR makes it one attribution)."""
    owner = next(
        (
            f
            for f in found
            if f.kind in ("direct", "mixed")
            and f.content[1] <= segment.start
            and (
                f.cue is not None
                and f.cue[1] <= segment.start
                and _CUE_SENTENCE_END.fullmatch(text, f.cue[1], segment.start)
                or not text[f.content[1] : segment.start].strip(" \t\xa0")
            )
        ),
        None,
    )
    if owner is None:
        return False
    owner.content = (owner.content[0], segment.end)
    return True


def _standalone(doc: Doc, text: str, segment: Segment, found: list[_Found]) -> bool:
    """'..., said Harsh Pant, of the Observer Research Foundation. "So, to offset that, ..."': a
    quoted passage that opens its sentence, with no cue of its own, in the paragraph of a direct
    or mixed quote whose cue is in the sentence before, is that speaker's next words: the quote
    runs on to it (PolNeAR makes it one attribution with two pieces)."""
    span = doc.char_span(segment.start, segment.end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    sentence = span[0].sent
    if sentence.start < span.start - 1 or sentence.start == 0:
        return False  # words before the mark: the passage does not open its sentence
    before = doc[sentence.start - 1].sent
    owners = [
        f
        for f in found
        if f.cue is not None
        and f.kind in ("direct", "mixed")
        and f.content[1] <= segment.start
        and (f.subject is not None or f.speaker is not None)
        and before.start_char <= f.cue[0] < before.end_char
        and "\n" not in text[max(f.cue[1], f.content[1]) : segment.start]
    ]
    if not owners:
        return False
    owner = max(owners, key=lambda f: f.cue[0] if f.cue else 0)
    owner.content = (owner.content[0], segment.end)
    return True


def _continuation(
    segment: Segment, previous: Segment | None, found: list[_Found], text: str
) -> _Found | None:
    """A paragraph that opens with a quote mark after an unclosed quote continues it."""
    if previous is None or not previous.continues:
        return None
    paragraph_start = text.rfind("\n", 0, segment.start) + 1
    if segment.start != paragraph_start:
        return None
    owner = next((f for f in found if _overlap(f.content, (previous.start, previous.end))), None)
    if owner is None:
        return None
    return _Found("direct", (segment.start, segment.end), None, owner.subject, None, owner.speaker)


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


class _Linker:
    """Resolves subject tokens to entities: mentions, appositions, pronouns, descriptors."""

    def __init__(
        self,
        doc: Doc,
        text: str,
        entities: Sequence[Entity],
        quoted: list[tuple[int, int]] | None = None,
    ) -> None:
        self.doc = doc
        self.text = text
        self.quoted = quoted or []  # inside quotation marks: named by the speaker, not the writer
        self.mentions = sorted((m.start, m.end, e) for e in entities for m in e.mentions)
        self.starts = [m[0] for m in self.mentions]

    def entity_at(self, start: int, end: int) -> Entity | None:
        index = bisect_right(self.starts, end) - 1
        while index >= 0:
            m_start, m_end, entity = self.mentions[index]
            if m_start < end and start < m_end:
                return entity
            if m_end < start - 200:
                break
            index -= 1
        return None

    def speaker(self, subject: Token, previous: EntityRef | None) -> EntityRef:
        pronoun = None
        if subject.lower_ in ("who", "that", "which") and subject.head.dep_ == "relcl":
            pronoun, subject = subject, subject.head.head  # "an architect, who said ..."
        phrase = _noun_phrase(subject)
        start, end = phrase[0].idx, phrase[-1].idx + len(phrase[-1].text)
        if pronoun is not None:
            end = max(end, pronoun.idx + len(pronoun.text))
        mention = TextSpan.of(self.text, start, end)
        entity = self._entity_of(subject)
        if (
            entity is None
            and subject.lower_ == "they"
            and previous is not None
            and self._plural_speaker(subject, previous)  # "rights groups say ... They say"
        ):
            return EntityRef(None, previous.name, mention)
        if entity is None and subject.lower_ in _PERSON_PRONOUNS | _GROUP_PRONOUNS:
            entity = self._antecedent(subject, previous)
        if entity is None and subject.pos_ == "PROPN":
            entity = self._surname(subject)  # "said Samore" after "Gary Samore", untagged
        if entity is None:
            return EntityRef(None, mention.text, mention)
        return EntityRef(entity.id, entity.name, mention)

    def _plural_speaker(self, pronoun: Token, previous: EntityRef) -> bool:
        """The previous speaker was a plural noun with no entity ("rights groups",
        "officials") and no organisation or country is the subject of a clause between it and
        "they" (one named as addressee, place or modifier does not count)."""
        if previous.entity is not None or previous.mention is None:
            return False
        start = previous.mention.start
        if not start < pronoun.idx or pronoun.idx - start > 400:
            return False
        head = self.doc.char_span(start, previous.mention.end, alignment_mode="expand")
        if head is None or head.root.tag_ not in ("NNS", "NNPS"):
            return False
        for m_start, m_end, entity in self.mentions:
            if start < m_start < pronoun.idx and entity.type in ("ORG", "GPE", "NORP"):
                span = self.doc.char_span(m_start, m_end, alignment_mode="expand")
                if span is not None and span.root.dep_ in _SUBJECT_DEPS:
                    return False
        return True

    def _entity_of(self, head: Token) -> Entity | None:
        entity = self.entity_at(head.idx, head.idx + len(head.text))
        if entity is not None and entity.type not in ("NORP",):
            return entity
        for child in head.children:
            if child.dep_ in ("appos", "compound"):
                found = self.entity_at(child.idx, child.idx + len(child.text))
                if found is not None and (
                    found.type == "PERSON"
                    or head.pos_ == "NOUN"
                    and head.tag_ == "NNS"
                    and found.type != "NORP"
                ):
                    return found
        return None

    def _antecedent(self, pronoun: Token, previous: EntityRef | None) -> Entity | None:
        people = pronoun.lower_ in _PERSON_PRONOUNS
        wanted = ("PERSON",) if people else ("ORG", "GPE")
        if previous is not None and previous.entity is not None:
            entity = self._by_id(previous.entity)
            if (
                entity is not None
                and entity.type in wanted
                and self._last_of(wanted, pronoun) is entity
            ):
                return entity
        return self._last_of(wanted, pronoun)

    def _last_of(self, types: tuple[str, ...], before: Token) -> Entity | None:
        limit = before.idx
        for m_start, m_end, entity in reversed(self.mentions):
            if (
                m_start < limit
                and entity.type in types
                and not self._modifier(m_start, m_end)
                and not _inside_segment(m_start, self.quoted)
            ):
                return entity
        return None

    def _modifier(self, start: int, end: int) -> bool:
        """A name that only modifies a noun ("the Trump administration") is no antecedent; nor
        is one inside quotation marks ('"... affecting Mr. Berisha," he said')."""
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            return False
        last = span[-1]
        return last.dep_ == "compound" and not span.start <= last.head.i < span.end

    def _people_named(self, surname: str) -> list[Entity]:
        """The persons of the article named in full whose last name is ``surname``."""
        people = {
            entity.id: entity
            for _start, _end, entity in self.mentions
            if entity.type == "PERSON"
            and len(entity.name.split()) > 1
            and entity.name.split()[-1] == surname
        }
        return list(people.values())

    def _surname(self, token: Token) -> Entity | None:
        """The one person of the article named in full whose last name this token is."""
        people = self._people_named(token.text)
        return people[0] if len(people) == 1 else None

    def named(self, words: str) -> bool:
        """ "Sanders" in "Sanders: Clinton needs to ...": the surname of a person the article
        names in full (the model often tags no entity in a headline's first words)."""
        return bool(self._people_named(words))

    def by_surname(self, label: Span) -> EntityRef:
        """A transcript's "PENCE" or "MR. TRUMP": the person of the article whose name ends
        with the label's last word (any case); else the label's own words."""
        mention = TextSpan.of(self.text, label.start_char, label.end_char)
        last = label[-1].text.strip(".").casefold()
        for _start, _end, entity in self.mentions:
            if entity.type == "PERSON" and entity.name.split()[-1].casefold() == last:
                return EntityRef(entity.id, entity.name, mention)
        return EntityRef(None, label.text.title(), mention)

    def _by_id(self, entity_id: str) -> Entity | None:
        return next((m[2] for m in self.mentions if m[2].id == entity_id), None)


def _noun_phrase(head: Token) -> list[Token]:
    """The subject's words without relative clauses, appositions or trailing commas."""
    words = [head]
    for child in head.children:
        if child.dep_ not in _NP_DROP or (
            child.dep_ == "prep" and child.i > head.i and child.lower_ == "of"
        ):
            words.extend(child.subtree)
    return sorted(words, key=lambda t: t.i)


def _quote(text: str, item: _Found, speaker: EntityRef | None, linker: _Linker) -> Quote:
    start, end = item.content
    content = TextSpan.of(text, start, end)
    cue = TextSpan.of(text, *item.cue) if item.cue else None
    addressee = None
    if item.addressee is not None:
        phrase = _noun_phrase(item.addressee)
        a_start, a_end = phrase[0].idx, phrase[-1].idx + len(phrase[-1].text)
        entity = linker.entity_at(a_start, a_end)
        name = text[a_start:a_end]
        if entity is not None and not any(
            m.start <= a_start and a_end <= m.end for m in entity.mentions
        ):
            entity = None  # "India Today" is not India
        addressee = EntityRef(entity.id if entity else None, entity.name if entity else name)
    if item.rule == "learned":
        return Quote(item.kind, content, cue, speaker, addressee, "learned", item.confidence)
    return Quote(item.kind, content, cue, speaker, addressee)


def _passive(verb: Token) -> bool:
    """ "has been criticized for ...": an attribution whose source the sentence does not name."""
    return any(c.dep_ == "nsubjpass" for c in verb.children)


# -- across articles -------------------------------------------------------------------------

#: Two quotes of one speaker are the same quote when the words of the shorter are nearly all
#: in the longer (overlap coefficient of their word sets >= this) ...
QUOTE_OVERLAP = 0.8
#: ... and the shorter has at least this many words; shorter ones must be the same words.
QUOTE_MIN_WORDS = 4


@dataclass
class QuoteSource:
    article_id: str
    title: str | None
    outlet: str | None
    published: str | None
    kind: str
    content: TextSpan
    cue: TextSpan | None


@dataclass
class QuoteGroup:
    """One quote as many articles report it: the speaker, the words of its first report and
    every source (each with its own spans into its own article)."""

    speaker: EntityRef
    speaker_kb: str | None
    content: TextSpan
    sources: list[QuoteSource]

    @property
    def outlets(self) -> list[str]:
        return sorted({s.outlet for s in self.sources if s.outlet})

    def to_dict(self) -> dict[str, object]:
        from .records import to_dict

        return {
            "speaker": to_dict(self.speaker),
            "speaker_kb": self.speaker_kb,
            "content": to_dict(self.content),
            "reports": len({s.article_id for s in self.sources}),
            "sources": [to_dict(s.__dict__) for s in self.sources],
        }


def quote_words(text: str) -> list[str]:
    """A quote's words for matching across articles: lower case, without quotation marks and
    punctuation ("This is terror," and “This is terror.” are the same words)."""
    return re.findall(r"[a-z0-9]+(?:['’][a-z]+)?", text.lower().replace("’", "'"))


def same_quote(a: Sequence[str], b: Sequence[str]) -> bool:
    """Near-identical words (see :data:`QUOTE_OVERLAP`, :data:`QUOTE_MIN_WORDS`)."""
    if not a or not b:
        return False
    if list(a) == list(b):
        return True
    sa, sb = set(a), set(b)
    if min(len(sa), len(sb)) < QUOTE_MIN_WORDS:
        return False
    return len(sa & sb) / min(len(sa), len(sb)) >= QUOTE_OVERLAP


def group_quotes(rows: Iterable[Any]) -> list[QuoteGroup]:
    """Merge the same quote reported by several articles into one group with all its sources:
    same speaker (KB id, else name in any case) and near-identical words (:func:`same_quote`).
    ``rows`` are store QuoteRows in any order; groups come oldest first (by publication day),
    and the first report gives the group's words. Quotes without a speaker are not grouped."""
    ordered = sorted(
        rows,
        key=lambda r: (getattr(r, "published", None) or "", r.article_id, r.quote.content.start),
    )
    groups: list[tuple[QuoteGroup, str, list[str]]] = []
    for row in ordered:
        quote: Quote = row.quote
        if quote.speaker is None:
            continue
        kb = getattr(row, "speaker_kb", None)
        key = kb or quote.speaker.name.casefold()
        words = quote_words(quote.content.text)
        source = QuoteSource(
            row.article_id,
            getattr(row, "title", None),
            getattr(row, "outlet", None),
            getattr(row, "published", None),
            quote.kind,
            quote.content,
            quote.cue,
        )
        for group, group_key, group_words in groups:
            if group_key == key and same_quote(words, group_words):
                group.sources.append(source)
                break
        else:
            groups.append((QuoteGroup(quote.speaker, kb, quote.content, [source]), key, words))
    return [group for group, _, _ in groups]


def _leftovers(
    doc: Doc, found: list[_Found], quoted: list[tuple[int, int]]
) -> Iterator[tuple[Candidate, tuple[int, int], tuple[int, int]]]:
    """Candidates (see attribution_model) outside quotes that no rule attribution touches:
    their content overlaps no found content and holds no found cue, their cue lies in none."""
    size = (doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0) + 1  # len(doc.text)
    in_content = bytearray(size)  # 1 where a found quote's content is
    for start, end in (f.content for f in found):
        in_content[start:end] = b"\x01" * (end - start)
    in_cue = bytearray(size)  # 1 where a found cue is
    cue_starts = bytearray(size)  # 1 where a found cue starts
    for start, end in (f.cue for f in found if f.cue is not None):
        in_cue[start:end] = b"\x01" * (end - start)
        cue_starts[start] = 1
    lexicon = load_cues()
    for candidate in candidates(doc):
        cue = candidate.cue
        if in_content[cue.idx] or _inside_segment(cue.idx, quoted):
            continue
        if writers_hedge(cue):
            continue  # "appears to be preparing", "known as": nobody's statement
        if cue.pos_ in ("VERB", "AUX") and cue.lemma_.lower() in _deeds():
            continue  # "sentenced Zamora on charges", "withdrew ambassadors over": acts
        if candidate.kind == "dobj" and _says_nothing(candidate, lexicon):
            continue
        if any(c.dep_ == "dobj" and lexicon.other_sense(cue, c) for c in cue.children):
            continue  # "attacked a passenger train", "called a meeting of the council"
        if candidate.kind in ("ccomp", "acl") and _relative(candidate.complement, lexicon):
            continue  # "remarks that Kyiv has not confirmed": about the words, not the words
        content = _span_chars(doc, candidate.start, candidate.end)
        cue_range = _cue_range(cue)
        if candidate.kind.startswith("prep:"):
            prep = candidate.complement
            cue_range = (cue.idx, prep.idx + len(prep.text))
        if (
            1 in in_content[content[0] : content[1]]
            or 1 in in_cue[cue_range[0] : cue_range[1]]
            or 1 in cue_starts[content[0] : content[1]]
        ):
            continue
        yield candidate, content, cue_range


def _says_nothing(candidate: Candidate, cues: Cues) -> bool:
    """An object that holds no words: "issued a statement" (what it said is elsewhere), and
    the experiential "Nigeria is seeing a wave of kidnappings", "hotels have seen a surge"."""
    obj, cue = candidate.complement, candidate.cue
    if obj.lemma_.lower() in cues.nouns and candidate.size <= 2:
        return True
    return (
        cue.lemma_.lower() == "see"
        and any(c.dep_ == "aux" and c.lemma_ in ("be", "have") for c in cue.children)
        and not any(c.dep_ == "prep" and c.lower_ == "as" for c in cue.children)
    )


_MATERIAL = frozenset({"ASSAULT", "COERCE", "MOBILIZE", "SANCTION", "RETREAT", "AID", "PROTEST"})


@lru_cache(maxsize=1)
def _deeds() -> frozenset[str]:
    """Verbs the event lexicon reads only as material acts ("sentence", "arrest", "withdraw",
    "deploy", "block"), and no cue lexicon lists: for the learned fallback they report deeds, not
    words, whatever PolNeAR's annotators sometimes marked."""
    from .events import load_lexicon

    cues = load_cues()
    words = cues.speech | cues.objects | cues.intentions | cues.openers | set(cues.prepositions)
    return frozenset(
        lemma
        for lemma, rules in load_lexicon().verbs.items()
        if rules and all(r.type in _MATERIAL for r in rules) and lemma not in words
    )


def _span_chars(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """The character range of tokens ``start``..``end``, as ``_char_range`` trims it."""
    while end - start > 1 and doc[end - 1].is_punct and doc[end - 1].text not in _CLOSE:
        end -= 1
    while end - start > 1 and doc[start].is_punct and doc[start].text not in _OPEN:
        start += 1
    last = doc[end - 1]
    return doc[start].idx, last.idx + len(last.text)


def _learned(doc: Doc, found: list[_Found], quoted: list[tuple[int, int]]) -> list[_Found]:
    """The leftover candidates the learned model is confident of, best first, one per cue
    and none inside or overlapping another (as in PolNeAR, a word is in one attribution)."""
    model = configured_model()
    if model is None:
        return []
    scored = []
    for candidate, content, cue_range in _leftovers(doc, found, quoted):
        probability = model.probability(features(candidate))
        if probability >= model.threshold:
            scored.append((probability, content, cue_range, candidate.cue))
    kept: list[_Found] = []
    for probability, content, cue_range, cue in sorted(scored, key=lambda s: -s[0]):
        if any(
            k.cue is not None
            and (k.cue[0] == cue_range[0] or content[0] <= k.cue[0] < content[1])
            or _overlap(content, k.content) > 0
            or k.content[0] <= cue_range[0] < k.content[1]
            for k in kept
        ):
            continue
        subject = subject_of(cue)
        kept.append(
            _Found(
                "indirect",
                content,
                cue_range,
                subject,
                rule="learned",
                confidence=round(probability, 3),
            )
        )
    return kept
