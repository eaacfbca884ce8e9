"""Events: who did what to whom, coded in PLOVER 2.0 from the dependency parse.

Triggers (verbs, event nouns under light verbs, position adjectives) come from
``data/events.yaml``; so do frames ("agreed to", "threatened to", "refused to", "demanded that"),
which wrap the event of their complement. Actors come from the trigger's own clause (subject,
object, prepositional, possessive and passive arguments) and are resolved through the entity
records to a code (ISO 3166 alpha-3, an IGO acronym, or a named group) and a sector.

The hard cases are fields: ``negated``, ``conditional`` (a threat with "unless/if"; its demand is
emitted as REQUEST), ``future`` (will, due to, plans to), ``hypothetical`` (could, inside an "if"
clause) and ``reported_by`` (an event inside someone's statement or accusation). See
docs/events.md for the rules and their limits.
"""

from __future__ import annotations

import os
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.tokens import Doc, Token

from .errors import InputError
from .kb import load_kb
from .records import Actor, DateMention, Entity, EntityRef, Event, Quote
from .records import Span as TextSpan
from .yamlfile import YAMLError, load_yaml, one_line

COOPERATIVE = frozenset({"CONSULT", "SUPPORT", "COOPERATE", "AID", "RETREAT", "CONCEDE"})
CONFLICTUAL = frozenset({"SANCTION", "COERCE", "ASSAULT", "MOBILIZE", "PROTEST"})
_SUBJECTS = ("nsubj", "csubj")
_PRONOUNS = {
    "he": "PERSON",
    "she": "PERSON",
    "him": "PERSON",
    "her": "PERSON",
    "they": "GROUP",
    "them": "GROUP",
    "it": "GROUP",
    "we": "GROUP",
    "its": "GROUP",
    "us": "GROUP",
    "our": "GROUP",
    "i": "PERSON",
    "my": "PERSON",
    "me": "PERSON",
    "their": "GROUP",
    "his": "PERSON",
}
_FIRST_PERSON = {"we", "us", "our", "i", "my", "me"}
_RELATIVE = {"who", "that", "which", "whom"}
_FUTURE_AUX = {"will", "shall", "'ll", "wo"}
_HYPOTHETICAL_AUX = {"could", "might", "may"}
_OBLIGATION = {"must", "should"}
_NEGATIONS = {"not", "n't", "never", "no"}
_PLACE_PREPS = {"in", "at", "near", "inside", "outside"}
_COPULAS = {"be", "remain", "seem", "appear", "become"}
_THREAT_MODES = {
    ("ASSAULT", "territory"): "territory",
    ("COERCE", "arrest"): "arrest",
    ("COERCE", "deport"): "expel",
    ("SANCTION", "expel"): "expel",
    ("SANCTION", "withdraw"): "relations",
    ("SANCTION", "discontinue"): "relations",
    ("PROTEST", "boycott"): "restrict",
    ("PROTEST", "obstruct"): "restrict",
    ("COERCE", "restrict"): "restrict",
    ("COERCE", "censor"): "restrict",
    ("COERCE", "curfew"): "restrict",
    ("COERCE", "martial-law"): "restrict",
    ("COERCE", "seize"): "territory",
    ("MOBILIZE", "troops"): "violence",
}


@dataclass(frozen=True)
class Rule:
    type: str
    mode: str | None = None
    obj: frozenset[str] | None = None
    prt: str | None = None
    prep: str | None = None
    target: tuple[str, ...] = ("obj",)
    context: tuple[str, ...] = ()
    light: frozenset[str] | None = None  # nouns: the rule needs one of these light verbs
    unless_obj: frozenset[str] = frozenset()  # the rule does not apply to these objects


@dataclass(frozen=True)
class Lexicon:
    verbs: dict[str, tuple[Rule, ...]]
    nouns: dict[str, tuple[Rule, ...]]
    adjectives: dict[str, tuple[Rule, ...]]
    frames: dict[str, str]
    lights: frozenset[str]
    happenings: frozenset[str]
    sectors: dict[str, str]
    speech: frozenset[str]
    gatherings: frozenset[str] = frozenset()
    lemma_fixes: dict[str, str] = field(default_factory=dict)


def lexicon_files() -> tuple[str, ...]:
    value = os.environ.get("NEWSDESK_EVENTS", "")
    return tuple(p for p in value.split(os.pathsep) if p)


@lru_cache(maxsize=4)
def load_lexicon(extra: tuple[str, ...] = ()) -> Lexicon:
    """The shipped lexicon (data/events.yaml) plus user files (``NEWSDESK_EVENTS``)."""
    text = resources.files("newsdesk").joinpath("data/events.yaml").read_text("utf-8")
    data: dict[str, Any] = load_yaml(text)
    for path in (*lexicon_files(), *extra):
        try:
            with open(path, encoding="utf-8") as handle:
                user = load_yaml(handle) or {}
        except (OSError, UnicodeDecodeError, YAMLError) as error:
            raise InputError(
                f"cannot read event lexicon: {one_line(error)}", source=path
            ) from error
        if not isinstance(user, dict):
            raise InputError("an event lexicon file is a mapping of sections", source=path)
        for key, value in user.items():
            if isinstance(value, dict):
                data.setdefault(key, {}).update(value)
            elif isinstance(value, list):
                data[key] = list(data.get(key, [])) + value
    classes = {f"@{k}": frozenset(v) for k, v in data["classes"].items()}

    def rules(section: dict[str, Any]) -> dict[str, tuple[Rule, ...]]:
        return {
            lemma: tuple(
                _rule(item, classes) for item in (spec if isinstance(spec, list) else [spec])
            )
            for lemma, spec in section.items()
        }

    frames: dict[str, str] = {}
    for kind, lemmas in data["frames"].items():
        for lemma in lemmas:
            frames.setdefault(lemma, kind)
    from .quotes import load_cues

    return Lexicon(
        verbs=rules(data["verbs"]),
        nouns=rules(data["nouns"]),
        adjectives=rules(data["adjectives"]),
        frames=frames,
        lights=frozenset(data["lights"]),
        happenings=frozenset(data["happenings"]),
        sectors={w: code for code, words in data["sectors"].items() for w in words},
        speech=frozenset(load_cues().speech) - frozenset(frames),
        gatherings=frozenset(data.get("gatherings", ())),
        lemma_fixes=dict(data.get("lemma_fixes", {})),
    )


def _rule(item: dict[str, Any], classes: dict[str, frozenset[str]]) -> Rule:
    obj = None
    if item.get("obj"):
        words: set[str] = set()
        for word in item["obj"]:
            words |= classes.get(word, {word})
        obj = frozenset(words)
    return Rule(
        type=item["type"],
        mode=item.get("mode"),
        obj=obj,
        prt=item.get("prt"),
        prep=item.get("prep"),
        target=tuple(item.get("target", ["obj"])),
        context=tuple(item.get("context", ())),
        light=frozenset(item["light"]) if item.get("light") else None,
        unless_obj=frozenset(item.get("unless_obj", ())),
    )


# -- the coder -----------------------------------------------------------------------------------


@dataclass
class _Candidate:
    trigger: Token
    rule: Rule
    kind: str  # verb | noun | adj
    head: Token  # the verb whose clause carries the event (the light verb for nouns)
    type: str = ""
    mode: str | None = None
    source_token: Token | None = None
    source: tuple[Actor, ...] = ()
    target: tuple[Actor, ...] = ()
    negated: bool = False
    conditional: bool = False
    future: bool = False
    hypothetical: bool = False
    reported_by: EntityRef | None = None
    evidence: tuple[int, int] = (0, 0)
    depth: int = 0
    carried: bool = False  # a demand or an alleged act, coded through the clause that carries it


def extract_events(
    doc: Doc,
    entities: Sequence[Entity],
    dates: Sequence[DateMention] = (),
    lexicon: Lexicon | None = None,
    published: str | None = None,
    quotes: Sequence[Quote] = (),
) -> tuple[Event, ...]:
    """The PLOVER events of ``doc``, in document order; within a sentence, main clause first.
    ``quotes`` lets "we" inside a quotation stand for its speaker."""
    lex = lexicon or load_lexicon()
    coder = _Coder(doc, entities, dates, lex, published, quotes)
    events: list[Event] = []
    for sent in doc.sents:
        events.extend(coder.sentence(sent))
    return tuple(events)


class _Coder:
    def __init__(
        self,
        doc: Doc,
        entities: Sequence[Entity],
        dates: Sequence[DateMention],
        lex: Lexicon,
        published: str | None = None,
        quotes: Sequence[Quote] = (),
    ) -> None:
        self.doc = doc
        self.text = doc.text
        self.lex = lex
        self.kb = load_kb()
        self.mentions = sorted((m.start, m.end, e) for e in entities for m in e.mentions)
        self.starts = [m[0] for m in self.mentions]
        self.dates = list(dates)
        self.quotes = list(quotes)
        self.published = _day(published)
        self.previous_actors: list[Actor] = []

    # -- sentences -------------------------------------------------------------------------------

    def sentence(self, sent: Any) -> list[Event]:
        found: list[_Candidate] = []
        for token in sent:
            candidate = self._trigger(token)
            if candidate is not None:
                found.append(candidate)
        lights = {
            c.head.i
            for c in found
            if c.kind == "noun" and c.head.i != c.trigger.i and c.trigger.dep_ == "dobj"
        }  # "ordered patrols": the patrols are the event, not an order
        found = [
            c
            for c in found
            if not (c.kind == "verb" and c.trigger.i in lights and c.rule.obj is None)
        ]
        by_token = {c.trigger.i: c for c in found}
        wrapped: set[int] = set()
        for candidate in found:
            inner = self._complement_event(candidate, by_token)
            if inner is not None:
                wrapped.add(inner.trigger.i)
            if self.lex.frames.get(candidate.trigger.lemma_.lower()) in _CONTENT_FRAMES:
                # "urged him to work with partners to intercept and stop the shipments":
                # what is demanded, promised or refused is not itself an event
                for child in candidate.trigger.children:
                    if child.dep_ in ("xcomp", "ccomp") and child.i > candidate.trigger.i:
                        wrapped |= {t.i for t in child.subtree if t.i in by_token}
            if candidate.trigger.lemma_.lower() in _ACCUSING:
                wrapped |= {i for i in _accused_acts(candidate.trigger) if i in by_token}
        self.absorbed: set[int] = set()
        events: list[Event] = []
        seen: set[tuple[str, tuple[str, ...]]] = set()
        coded = []
        for candidate in found:
            if candidate.trigger.i in wrapped:
                continue
            for item in self._code(candidate, by_token):
                coded.append(item)
        coded = [
            c
            for c in coded
            if c.source and (c.kind == "demand" or c.trigger.i not in self.absorbed)
        ]
        foreground = [c for c in coded if c.carried or not _background(c.head)]
        if foreground:  # "after a jet shot down a helicopter": told here as background only
            coded = foreground
        coded.sort(key=lambda c: (c.depth, c.trigger.i))
        for item in coded:
            key = (item.type, _codes(item.source))
            if key in seen:
                continue
            seen.add(key)
            events.append(self._event(item))
        sentence_actors = [a for e in events for a in (*e.source, *e.target)]
        if sentence_actors:
            self.previous_actors = sentence_actors
        return events

    # -- triggers --------------------------------------------------------------------------------

    def _trigger(self, token: Token) -> _Candidate | None:
        lemma = _lemma(token, self.lex)
        if token.pos_ == "VERB" or (token.pos_ == "AUX" and lemma not in _COPULAS | {"have", "do"}):
            if self._not_an_event(token):
                return None
            rules = self.lex.verbs.get(lemma)
            if rules:
                rule = self._matching(rules, token, _object(token))
                if rule is not None:
                    return _Candidate(token, rule, "verb", token)
            frame = self.lex.frames.get(lemma)
            if frame in ("AGREE", "THREATEN", "REJECT", "REQUEST") and any(
                c.dep_ in ("xcomp", "ccomp") and c.i > token.i for c in token.children
            ):
                return _Candidate(token, Rule(frame, target=("obj", "to", "with")), "verb", token)
            if (
                _modal(token, _OBLIGATION)
                and lemma not in _STATES
                and self._speech_frame(token) is not None
            ):
                # "the Red Cross said US forces must ensure security": a demand
                return _Candidate(token, Rule("REQUEST", mode="change", target=()), "verb", token)
            return None
        infinitive = self._misparsed_infinitive(token, lemma)
        if infinitive is not None:
            return infinitive
        if token.pos_ in ("NOUN", "PROPN") and token.ent_type_ not in ("PERSON", "GPE", "ORG"):
            return self._noun_trigger(token)
        if token.pos_ == "ADJ" or (token.pos_ == "NOUN" and token.dep_ == "pobj"):
            return self._adjective_trigger(token)
        return None

    def _misparsed_infinitive(self, token: Token, lemma: str) -> _Candidate | None:
        """ "due to brief Ukraine's negotiator": the small model tags "brief" as an adjective of
        "negotiator". After "to" and before a noun phrase, a lexicon verb is a verb."""
        if token.pos_ not in ("ADJ", "NOUN") or token.i == 0 or token.i + 1 >= len(token.doc):
            return None
        if token.nbor(-1).lower_ != "to" or token.dep_ not in ("amod", "compound"):
            return None
        if token.nbor(1).pos_ not in ("DET", "PROPN", "PRON", "NUM") or lemma not in self.lex.verbs:
            return None
        rule = self.lex.verbs[lemma][0]
        if rule.obj is not None or rule.prt or rule.prep:
            return None
        governor = token.nbor(-1).head
        while governor.pos_ not in ("VERB", "AUX") and governor.head.i != governor.i:
            governor = governor.head
        candidate = _Candidate(token, rule, "infinitive", governor)
        return candidate

    def _not_an_event(self, verb: Token) -> bool:
        """Verbs that name no event of their own: "occupied territory" (a participle used as an
        adjective), "to discuss" (a purpose), "includes Ukraine ceding" (content of a thing),
        ", it alleged," (a parenthetical attribution)."""
        dep, head = verb.dep_, verb.head
        if dep == "amod":
            return True
        before = verb.nbor(-1) if verb.i > 0 else None
        if (
            before is not None
            and before.lower_ != "to"
            and verb.tag_ != "VBG"
            and (before.pos_ in ("ADP", "DET") or before.lower_ in _PREPOSITION_ADVERBS)
        ):
            return True  # "facilities inside occupied territory" misparsed as a verb
        at_end = verb.i + 1 >= len(verb.doc) or verb.nbor(1).is_punct
        if at_end and not any(
            c.dep_ in ("dobj", "ccomp", "xcomp", "prep", "dative", "prt", "advcl")
            for c in verb.children
        ):
            return True  # ", it alleged," / "Kyiv refused.": no act, no recipient
        if (
            dep == "advcl"
            and not _own_subject(verb)
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
        ):
            return True
        if dep == "pcomp" and head.head.i != head.i:
            head = head.head  # "accused Moscow of [sending]": the verb above the preposition
        if (
            verb.tag_ == "VBG"
            and dep in ("ccomp", "dobj", "pcomp", "csubj")
            and head.lemma_.lower() not in self.lex.speech
            and head.lemma_.lower() not in self.lex.frames
            and head.lemma_.lower() not in _ACCUSING
        ):
            return True
        return dep == "parataxis" and _object(verb) is None

    def _matching(self, rules: Iterable[Rule], token: Token, obj: Token | None) -> Rule | None:
        particles = {c.lower_ for c in token.children if c.dep_ in ("prt", "prep", "advmod")}
        for rule in rules:
            if rule.prt and rule.prt not in particles:
                continue
            if rule.prep and rule.prep not in particles:
                continue
            if rule.obj is not None and (obj is None or not _obj_matches(obj, rule.obj)):
                continue
            if obj is not None and obj.lemma_.lower() in rule.unless_obj:
                continue
            return rule
        return None

    def _noun_key(self, token: Token) -> tuple[Rule, ...] | None:
        lemma = token.lemma_.lower()
        keys = []
        left = [c for c in token.lefts if c.dep_ in ("compound", "amod")]
        if left:
            keys.append(" ".join([left[-1].lemma_.lower(), lemma]))
        of = next((c for c in token.rights if c.dep_ == "prep" and c.lower_ == "of"), None)
        if of is not None:
            pobj = next((c for c in of.children if c.dep_ == "pobj"), None)
            if pobj is not None:
                keys.append(f"{lemma} of {pobj.lemma_.lower()}")
        keys.append(lemma)
        for key in keys:
            if key in self.lex.nouns:
                return self.lex.nouns[key]
        return None

    def _noun_trigger(self, token: Token) -> _Candidate | None:
        rules = self._noun_key(token)
        if not rules:
            return None
        modifier = next(
            (c for c in token.children if c.dep_ in ("compound", "amod", "nmod")),
            None,
        )
        rule = self._matching(rules, token, modifier)
        if rule is None:
            return None
        head = token.head
        has_owner = any(c.dep_ == "poss" for c in token.children)
        if token.dep_ == "compound" and head.lemma_.lower() in _SHELLS:
            token, head = head, head.head  # "launched a mediation effort"
        if token.dep_ in ("dobj", "attr") and _lemma(head, self.lex) in self.lex.lights:
            verb_rules = self.lex.verbs.get(head.lemma_.lower())
            verb_rule = self._matching(verb_rules, head, token) if verb_rules else None
            if verb_rule is not None and verb_rule.obj is not None:
                return None  # "lifted sanctions": the verb's own rule for this object codes it
            if rule.light is not None and _lemma(head, self.lex) not in rule.light:
                rule = next(
                    (r for r in rules if r.light is None or _lemma(head, self.lex) in r.light),
                    rule,
                )
            return _Candidate(token, rule, "noun", head)
        if token.dep_ in ("nsubj", "nsubjpass") and head.lemma_.lower() in self.lex.happenings:
            return _Candidate(token, rule, "noun", head)
        if (
            token.dep_ == "pobj"
            and head.lower_ in ("for", "in", "into", "to")
            and head.head.pos_ == "VERB"
            and _lemma(head.head, self.lex) in self.lex.gatherings
        ):
            return _Candidate(token, rule, "noun", head.head)  # "converged for a rally"
        if has_owner and token.dep_ not in ("pobj",):
            return _Candidate(token, rule, "noun", token)
        return None

    def _adjective_trigger(self, token: Token) -> _Candidate | None:
        lemma = token.lemma_.lower()
        if (
            self.lex.frames.get(lemma) == "AGREE"
            and token.dep_ in ("acomp", "amod")
            and any(c.dep_ == "xcomp" for c in token.children)
        ):
            verb = token.head if token.dep_ == "acomp" else token
            return _Candidate(token, Rule("AGREE", target=("to", "with")), "frame", verb)
        rules = self.lex.adjectives.get(lemma)
        if token.lower_ == "question" and token.head.lower_ == "of":
            rules = self.lex.adjectives.get("out of the question")
        if not rules:
            return None
        verb = token.head
        while verb.dep_ in ("prep", "pobj") and verb.head.i != verb.i:
            verb = verb.head
        if token.dep_ not in ("acomp", "oprd", "pobj") or verb.lemma_.lower() not in _COPULAS:
            return None
        return _Candidate(token, rules[0], "adj", verb)

    # -- complements and frames ---------------------------------------------------------------

    def _complement_event(
        self, candidate: _Candidate, by_token: dict[int, _Candidate]
    ) -> _Candidate | None:
        """The event in a frame's complement: "agreed to [withdraw]", "demanded that X [free]"."""
        frame = self.lex.frames.get(candidate.trigger.lemma_.lower())
        if frame not in ("AGREE", "THREATEN", "REJECT", "REQUEST"):
            return None
        if candidate.kind not in ("verb", "frame"):
            return None
        clausal = ("xcomp", "ccomp") if frame in ("AGREE", "REQUEST") else ("xcomp",)
        for child in candidate.trigger.children:
            if child.dep_ in ("xcomp", "ccomp") and (
                child.dep_ not in clausal or child.i < candidate.trigger.i
            ):
                continue
            if child.dep_ in ("xcomp", "ccomp") and child.i in by_token:
                return by_token[child.i]
            if child.dep_ in ("xcomp", "ccomp"):
                nested = _first_event_below(child, by_token, depth=2)
                if nested is not None:
                    return nested
            if child.dep_ == "dobj" and child.i in by_token:
                return by_token[child.i]
            if child.dep_ == "prep" and child.lower_ in ("to", "for", "on"):
                for pobj in child.children:
                    if pobj.i in by_token:
                        return by_token[pobj.i]
        return None

    # -- coding one event ------------------------------------------------------------------

    def _code(self, candidate: _Candidate, by_token: dict[int, _Candidate]) -> list[_Candidate]:
        c = candidate
        c.type, c.mode = c.rule.type, c.rule.mode
        inner = self._complement_event(c, by_token)
        frame = self.lex.frames.get(c.trigger.lemma_.lower())
        clause = c.head
        c.source = self._source(c)
        if inner is not None:
            inner.type, inner.mode = inner.rule.type, inner.rule.mode
            if frame == "AGREE" and inner.type in CONFLICTUAL:
                frame = "THREATEN"  # "vowed to fight on", "swore to retake the town"
                c.type = "THREATEN"
            if frame == "THREATEN":
                c.mode = _THREAT_MODES.get((inner.type, inner.mode or ""), "violence")
                if inner.type in ("ASSAULT",) and inner.mode == "territory":
                    c.mode = "territory"
            elif frame in ("REQUEST", "REJECT") and inner.mode is None:
                c.mode = _request_mode(inner.type)
        c.target = self._targets(c, inner)
        c.negated = _negated(c.trigger) or (c.kind == "noun" and _negated(clause))
        tense_future = _future(clause)
        c.future = tense_future or self._planned(clause)
        if c.kind == "infinitive":
            c.future = c.future or any(
                self.lex.frames.get(t.lemma_.lower()) == "future"
                for t in c.trigger.doc[clause.i : c.trigger.i]
            )
        c.hypothetical = _hypothetical(clause) or any(
            t.dep_ == "preconj" and t.lower_ == "either" for t in clause.children
        )  # "Either we liberate these territories, or ..." is one of two outcomes
        speech = self._speech_frame(clause)
        if speech is not None and speech.lemma_.lower() in _COGNITION:
            c.hypothetical = True  # "he believes leaders will meet": expected, not promised
        if speech is not None:
            speaker = self._speaker_actor(speech)
            if speaker is not None:
                c.reported_by = EntityRef(speaker.entity, speaker.name, speaker.mention)
                if not c.source and c.kind == "adj":
                    c.source = (speaker,)
            if _modal(clause, {"would"}):
                c.future = tense_future = True
                c.hypothetical = False
        if c.kind == "adj" and not c.source and speech is None:
            return []
        extra: list[_Candidate] = []
        condition = _condition(clause)
        if condition is None and inner is not None:
            condition = _condition(inner.head)  # "threatened to cut gas unless Chisinau pays"
        if condition is None and c.kind == "frame":
            comp = next((t for t in c.trigger.children if t.dep_ == "xcomp"), None)
            condition = _condition(comp) if comp is not None else None  # "ready to sign if"
        if condition is not None:
            c.conditional = True
        if _inside_condition(clause):
            c.hypothetical = True
        # a stated commitment or threat: "said they will release", "will seize ... unless"
        own = speech is None or self._same_actor(c.source, c.reported_by)
        if (tense_future or c.conditional) and frame is None and c.kind == "verb":
            if c.type in CONFLICTUAL and own and (speech is not None or c.conditional):
                c.mode = _THREAT_MODES.get((c.type, c.mode or ""), "violence")
                c.type = "THREATEN"
            elif (
                c.type in COOPERATIVE
                and tense_future
                and not c.hypothetical
                and not (speech is not None and speech.lemma_.lower() in _COGNITION)
            ):
                c.type = "AGREE"  # manual 3.1: cooperation in the future tense is a commitment
        if c.type == "ASSAULT" and self._planned(clause, _POSTURING):
            c.type, c.mode = "MOBILIZE", "troops"  # "prepared to resume shelling"
        if (
            speech is not None
            and _modal(clause, _OBLIGATION)
            and not self._same_actor(c.source, c.reported_by)
            and c.reported_by is not None
        ):
            # "Russia said Sudan must return the helicopter": a demand by the speaker
            speaker = self._speaker_actor(speech)
            if speaker is not None and c.source:
                c.target, c.source = c.source, (speaker,)
                c.mode = _request_mode(c.type)
                c.type, c.reported_by = "REQUEST", None
            elif c.rule.type == "REQUEST" and not c.rule.target:
                return []
        if c.negated and c.type in ("AGREE", "SUPPORT", "CONCEDE"):
            c.type, c.negated = "REJECT", False
        if c.type == "THREATEN" and condition is not None:
            self.absorbed |= {t.i for t in condition[1].subtree}
            if not c.target:  # "... if the United States goes ahead": the one threatened
                subject = _own_subject(condition[1])
                c.target = self._actors(subject) if subject is not None else ()
            demand = self._demand(c, condition[1]) if condition[0] == "unless" else None
            if demand is not None:
                extra.append(demand)
        if c.reported_by is not None and self._same_actor(c.source, c.reported_by):
            pass
        c.evidence = self._evidence(c)
        c.depth = _depth(c.trigger if c.kind != "noun" else c.head)
        result = [c, *extra]
        if c.trigger.lemma_.lower() in _ACCUSING and c.target and c.source:
            alleged = self._alleged(c, by_token)
            if alleged is not None:
                result.append(alleged)
        return result

    def _planned(self, clause: Token, words: frozenset[str] | None = None) -> bool:
        current = clause
        for _ in range(3):
            if current.dep_ not in ("xcomp", "ccomp", "acomp") or current.head.i == current.i:
                return False
            current = current.head
            lemma = current.lemma_.lower()
            if words is not None and lemma in words:
                return True
            if words is None and self.lex.frames.get(lemma) == "future":
                return True
        return False

    def _demand(self, threat: _Candidate, clause: Token) -> _Candidate | None:
        subject = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is None:
            return None
        target = self._actors(subject)
        if not target:
            return None
        rule = Rule("REQUEST")
        rules = self.lex.verbs.get(clause.lemma_.lower())
        inner = self._matching(rules, clause, _object(clause)) if rules else None
        mode = _request_mode(inner.type) if inner else None
        demand = _Candidate(clause, rule, "demand", clause, type="REQUEST", mode=mode)
        demand.source, demand.target = threat.source, target
        demand.conditional = False
        demand.reported_by = threat.reported_by
        demand.evidence = _span_of(list(clause.subtree))
        demand.depth = threat.depth + 1
        demand.carried = True
        return demand

    def _alleged(self, accuse: _Candidate, by_token: dict[int, _Candidate]) -> _Candidate | None:
        """ "X accused Y of sending children": Y's alleged act, reported by X."""
        for index in _accused_acts(accuse.trigger):
            inner = by_token.get(index)
            if inner is not None:
                child = inner.trigger
                inner.type, inner.mode = inner.rule.type, inner.rule.mode
                inner.source = accuse.target
                inner.target = self._targets(inner, None)
                speaker = accuse.source[0]
                inner.reported_by = EntityRef(speaker.entity, speaker.name, speaker.mention)
                inner.evidence = _span_of(list(child.subtree))
                inner.depth = accuse.depth + 1
                inner.carried = True
                return inner
        return None

    # -- actors --------------------------------------------------------------------------------

    def _source(self, c: _Candidate) -> tuple[Actor, ...]:
        if c.kind == "noun" and c.head.i == c.trigger.i:
            owner = next((t for t in c.trigger.children if t.dep_ == "poss"), None)
            return self._actors(owner) if owner is not None else ()
        if c.kind == "noun" and c.trigger.dep_ in ("nsubj", "nsubjpass"):
            owner = next((t for t in c.trigger.children if t.dep_ == "poss"), None)
            return self._actors(owner) if owner is not None else ()
        if c.kind == "adj":
            return ()
        subject = _subject(c.head)
        if subject is None:
            return ()
        return self._actors(subject)

    def _targets(self, c: _Candidate, inner: _Candidate | None) -> tuple[Actor, ...]:
        """The recipients, never the source itself ("reneged on his commitment to ...")."""
        mine = {a.entity for a in c.source if a.entity}
        found = tuple(
            a for a in self._targets_found(c, inner) if not (a.entity and a.entity in mine)
        )
        if not found and c.rule.type not in _NO_RECIPIENT:
            found = self._loose_target(c, mine)
        return found

    def _loose_target(self, c: _Candidate, mine: set[str]) -> tuple[Actor, ...]:
        """A recipient named further off in the event's own clause: "to show their disapproval
        for the United States' policies", "in protest against the security forces", "the
        withdrawal of forces from Panama"."""
        places: list[Token] = []
        holders = [c.trigger] if c.head.i == c.trigger.i else [c.trigger, c.head]
        for holder in holders:
            for child in holder.children:
                if child.i < c.trigger.i and holder.i == c.trigger.i and c.kind == "verb":
                    continue
                if child.dep_ in ("advcl", "xcomp", "dobj", "prep", "dative", "ccomp"):
                    marker = child if child.dep_ == "prep" else None
                    marker = marker or next((m for m in child.children if m.dep_ == "mark"), None)
                    if marker is not None and marker.lower_ in _TEMPORAL:
                        continue  # "three months after the fall of Assad" is when, not whom
                    if child.left_edge.lower_ in _TEMPORAL:
                        continue
                    if (
                        child.dep_ == "prep"
                        and child.lower_ in _PLACE_PREPS
                        and _object(holder) is not None
                    ):
                        continue  # "arrested seven members in Anbar": Anbar is where, not whom
                    places.append(child)
        where_ok = c.rule.type in ("PROTEST", "THREATEN")
        for place in places:
            for token in place.subtree:
                if not where_ok and _in_place_phrase(token, place):
                    continue  # "ambushed a bus ... in Kalat": Kalat is where, not whom
                entity = self._entity_at(token.idx, token.idx + len(token.text))
                if entity is None or entity.id in mine:
                    continue
                if entity.type not in ("GPE", "ORG", "PERSON", "NORP"):
                    continue
                head = token
                while (
                    head.dep_ in ("compound", "amod", "poss", "nmod", "case")
                    and head.head.i != head.i
                ):
                    head = head.head
                actor = self._actor(head) or self._actor_of_entity(entity, token)
                if actor.entity is None or actor.entity not in mine:
                    return (actor,)
        return ()

    def _targets_found(self, c: _Candidate, inner: _Candidate | None) -> tuple[Actor, ...]:
        for spec in c.rule.target:
            for token in self._argument(c, spec):
                actors = self._actors(token, owner_search=True)
                if actors:
                    return actors
        if inner is not None:
            if c.rule.type == "REQUEST" or self.lex.frames.get(c.trigger.lemma_.lower()) in (
                "REQUEST",
            ):
                subject = _own_subject(inner.head)
                if subject is not None:
                    actors = self._actors(subject)
                    if actors:
                        return actors
            for spec in inner.rule.target:
                for token in self._argument(inner, spec):
                    actors = self._actors(token, owner_search=True)
                    if actors:
                        return actors
        elif self.lex.frames.get(c.trigger.lemma_.lower()) in ("THREATEN", "REJECT", "AGREE"):
            for comp in c.trigger.children:  # "threatened to deliver blows to the US"
                if comp.dep_ != "xcomp":
                    continue
                for arg in comp.children:
                    if arg.dep_ == "dobj" or (
                        arg.dep_ == "prep" and arg.lower_ in ("to", "against", "on", "with")
                    ):
                        tokens = [arg] if arg.dep_ == "dobj" else list(arg.children)
                        for token in tokens:
                            actors = self._actors(token, owner_search=True)
                            if actors:
                                return actors
        obj = _object(c.trigger) if c.kind == "verb" else None
        if obj is None and c.kind == "verb":
            obj = next(
                (t for t in c.trigger.children if t.dep_ == "ccomp" and t.lemma_ in _PROPOSALS),
                None,
            )  # "rejects that account", parsed as a clause
        if obj is None and c.kind == "verb" and c.trigger.dep_ == "relcl":
            obj = c.trigger.head  # "a demand Kyiv has rejected"
        if (
            obj is not None
            and obj.lemma_.lower() in _PROPOSALS
            and c.type
            in (
                "REJECT",
                "SUPPORT",
                "ACCUSE",
                "AGREE",
            )
        ):
            return self._earlier_other(c)
        if c.kind == "adj":
            return self._earlier_other(c)
        return ()

    def _argument(self, c: _Candidate, spec: str) -> Iterable[Token]:
        trigger = c.trigger
        if c.kind == "infinitive":
            if spec == "obj":
                yield trigger.head
            return
        holders = [trigger] if c.kind != "noun" else [trigger, c.head]
        if spec == "obj":
            if c.kind == "verb" and _reduced_passive(trigger):
                subject = _subject(trigger.head) if trigger.dep_ in ("advcl", "conj") else None
                if subject is not None:
                    yield subject  # "is dead, killed in a raid": the subject suffered it
            if c.kind == "verb":
                obj = _object(trigger)
                if obj is not None:
                    yield obj
                elif trigger.dep_ in ("acl", "relcl") and trigger.tag_ == "VBN":
                    yield trigger.head  # "a leader killed in a raid"
                elif _passive(trigger):
                    yield next(t for t in trigger.children if t.dep_ == "nsubjpass")
            return
        if spec == "dative":
            yield from (t for t in trigger.children if t.dep_ == "dative")
            return
        if spec in ("subj_of_comp", "owner"):
            heads = (
                [ch for ch in trigger.children if ch.dep_ == "ccomp"]
                if spec == "subj_of_comp"
                else [c.head]
            )
            for clause in heads:
                found = _own_subject(clause) if spec == "subj_of_comp" else _subject(clause)
                if found is not None:
                    yield found
            return
        obj = _object(trigger) if c.kind == "verb" else None
        if obj is not None:
            holders.append(obj)
        for holder in holders:
            for prep in holder.children:
                if prep.dep_ in ("prep", "dative", "agent") and prep.lower_ == spec:
                    yield from (  # "agreed on Wednesday": when, not with whom
                        t
                        for t in prep.children
                        if t.dep_ == "pobj" and t.ent_type_ not in ("DATE", "TIME")
                    )

    def _actors(self, token: Token | None, owner_search: bool = False) -> tuple[Actor, ...]:
        if token is None:
            return ()
        heads = [token, *_conjuncts(token)]
        actors: list[Actor] = []
        for head in heads:
            actor = self._actor(head)
            if actor is None and owner_search:
                actor = self._owner(head)
            if actor is not None:
                for one in self._split_norp(head, actor):
                    if not any(a.code and a.code == one.code for a in actors):
                        actors.append(one)
        return tuple(actors)

    def _split_norp(self, head: Token, actor: Actor) -> list[Actor]:
        """ "Hungarian and Romanian officials": one actor per nationality."""
        norps = [
            c
            for c in head.children
            if (c.dep_ == "amod" and c.ent_type_ == "NORP")
            or (c.dep_ in ("compound", "nmod") and c.ent_type_ in ("GPE", "NORP", "ORG"))
        ]  # "Cameroon and C.A.R. officials" too
        if len(norps) != 1 or not any(c.dep_ == "conj" for c in norps[0].children):
            return [actor]
        out = []
        for word in (norps[0], *_conjuncts(norps[0])):
            entity = self._entity_at(word.idx, word.idx + len(word.text))
            code = self._code_of(entity) if entity else None
            mention = TextSpan.of(self.text, word.idx, word.idx + len(word.text))
            out.append(Actor(entity.id if entity else None, word.text, code, mention, actor.sector))
        return out

    def _actor(self, head: Token) -> Actor | None:
        if head.lower_ in _RELATIVE and head.head.dep_ == "relcl":
            head = head.head.head
        whose = next((c for c in head.children if c.lower_ == "whose"), None)
        if whose is not None and head.head.dep_ == "relcl":
            return self._actor(head.head.head)  # "Trump, whose envoys held ..."
        if head.lower_ in _PRONOUNS and head.pos_ == "PRON":
            return self._pronoun(head)
        if head.pos_ not in ("NOUN", "PROPN") and head.ent_type_ == "":
            return None
        if not any(ch.isalpha() for ch in head.text):
            return None  # "the anti-Balaka": a hyphen the parser took for the head
        if head.lemma_.lower() in _QUANTITIES:  # "thousands of abducted Ukrainian children"
            of = next((c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of else None
            if pobj is not None:
                return self._actor(pobj)
        phrase = _noun_phrase(head)
        start, end = phrase[0].idx, phrase[-1].idx + len(phrase[-1].text)
        entity = self._entity_at(head.idx, head.idx + len(head.text))
        sector = self._sector(head)
        if entity is None:
            for child in sorted(head.children, key=lambda t: -t.i):  # nearest modifier first
                if child.dep_ in ("compound", "poss", "amod", "nmod"):
                    entity = self._entity_in(child)
                    if entity is None and child.dep_ == "poss" and child.lower_ in _PRONOUNS:
                        # "Pakistan ... urged its citizens": the clause's subject, else the
                        # last compatible entity ("its negotiators")
                        verb = head.head if head.dep_ in ("dobj", "nsubj") else None
                        subject = _subject(verb) if verb is not None else None
                        if subject is not None and subject.i != head.i:
                            entity = self._entity_at(subject.idx, subject.idx + len(subject.text))
                            if entity is not None:
                                break
                        owner = self._pronoun(child)
                        if owner is not None and owner.entity is not None:
                            entity = self._entity_by_id(owner.entity)
                    if entity is not None:
                        break
        if entity is None:
            for child in head.children:
                if child.dep_ == "appos":
                    found = self._entity_at(child.idx, child.idx + len(child.text))
                    if found is not None and found.type == "PERSON":
                        entity = found
                        break
        if entity is None:
            for child in head.children:
                if child.dep_ == "prep" and child.lower_ in ("in", "of", "from", "for"):
                    entity = self._entity_in(child)  # "a spokesman for President Ghani"
                    if entity is not None:
                        break
        if entity is None and sector is None and head.pos_ != "PROPN":
            return None
        code = self._code_of(entity) if entity is not None else None
        at_head = entity is not None and any(m.start <= head.idx < m.end for m in entity.mentions)
        if entity is not None and (sector is None or (at_head and head.pos_ == "PROPN")):
            sector = self._entity_sector(entity)  # "European Union" is not a labour union
        mention = TextSpan.of(self.text, start, end)
        # "Russia" names the actor; "Protesters in Nairobi" is described, not named, by Nairobi
        name = (
            entity.name
            if at_head and entity is not None and entity.type != "NORP"
            else mention.text
        )
        return Actor(entity.id if entity else None, name, code, mention, sector)

    def _owner(self, head: Token) -> Actor | None:
        """The actor behind a thing: "the U.S. proposal", "Iran's plan", "calls by Belarus"."""
        for child in head.children:
            if child.dep_ in ("poss", "compound", "amod", "nmod"):
                actor = self._actor(child)
                if actor is not None and (actor.code or actor.entity):
                    return actor
        for child in head.children:
            if child.dep_ in ("prep", "agent") and child.lower_ in ("by", "from", "of"):
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        actor = self._actor(pobj)
                        if actor is not None and (actor.code or actor.entity):
                            return actor
        if head.pos_ == "VERB":  # "removing the sanctions on Burma"
            obj = _object(head)
            return self._owner(obj) if obj is not None else None
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ in (
                "to",
                "in",
                "on",
                "against",
                "for",
                "with",
            ):
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        entity = self._entity_in(pobj)
                        if entity is not None:
                            return self._actor_of_entity(entity, pobj)
        return None

    def _actor_of_entity(self, entity: Entity, token: Token) -> Actor:
        phrase = _noun_phrase(token)
        mention = TextSpan.of(self.text, phrase[0].idx, phrase[-1].idx + len(phrase[-1].text))
        return Actor(entity.id, entity.name, self._code_of(entity), mention, None)

    def _pronoun(self, token: Token) -> Actor | None:
        """ "they said they would meet": the speaker; otherwise the last compatible entity."""
        speech = self._speech_frame(token.head)
        if speech is not None:
            subject = _subject(speech)
            if subject is not None and subject.i != token.i and subject.lower_ not in _PRONOUNS:
                return self._actor(subject)
        mention = TextSpan.of(self.text, token.idx, token.idx + len(token.text))
        if token.lower_ in _FIRST_PERSON:  # "We discussed ...": the quote's speaker, or no one
            speaker = self._quote_speaker(token.idx)
            return (
                Actor(speaker.entity, speaker.name, self._code_of_ref(speaker), mention, None)
                if speaker
                else None
            )
        wanted = ("PERSON",) if _PRONOUNS[token.lower_] == "PERSON" else ("GPE", "ORG", "NORP")
        # Inside a direct quote "he" and "they" belong to the speaker's story ("the legend is he
        # set fire to the gunpowder house", "the animals ... they kill people"): only a name in
        # the same quote is their antecedent, never one of the article around it. Measured on
        # the VOA stories: 7 wrong actors gone, 3 right ones lost (docs/events.md).
        floor = self._direct_quote_start(token.idx)
        # subjects are the likeliest antecedents: "The G7 statement said ... They called on China"
        start = max(0, token.sent.start - 60)
        for word in reversed(token.doc[start : token.i] if token.dep_ == "nsubj" else ()):
            if word.dep_ != "nsubj" or word.lower_ in _PRONOUNS:
                continue
            for part in (word, *sorted(word.children, key=lambda t: -t.i)):
                if part.dep_ not in ("nsubj", "compound", "poss", "amod", "nmod"):
                    continue
                entity = self._entity_at(part.idx, part.idx + len(part.text))
                if entity is not None and entity.type in wanted and part.idx >= floor:
                    return Actor(entity.id, entity.name, self._code_of(entity), mention, None)
        for m_start, m_end, entity in reversed(self.mentions):
            if m_end <= token.idx and m_start >= floor and entity.type in wanted:
                return Actor(entity.id, entity.name, self._code_of(entity), mention, None)
        return None

    def _direct_quote_start(self, offset: int) -> int:
        """Where the direct quote holding ``offset`` starts, or 0 outside direct quotes."""
        for quote in self.quotes:
            if quote.kind == "direct" and quote.content.start <= offset < quote.content.end:
                return quote.content.start
        return 0

    def _quote_speaker(self, offset: int) -> EntityRef | None:
        for quote in self.quotes:
            if quote.content.start <= offset < quote.content.end and quote.speaker is not None:
                return quote.speaker
        return None

    def _code_of_ref(self, ref: EntityRef) -> str | None:
        entity = self._entity_by_id(ref.entity) if ref.entity else None
        return self._code_of(entity) if entity is not None else None

    def _speaker_actor(self, speech: Token) -> Actor | None:
        subject = _subject(speech)
        if subject is None:
            according = _according_to(speech)
            return self._actor(according) if according is not None else None
        return self._actor(subject)

    def _speech_frame(self, clause: Token) -> Token | None:
        """The speech verb whose complement holds ``clause`` ("said [that ...]")."""
        current = clause
        for _ in range(4):
            if current.head.i == current.i:
                break
            if current.dep_ not in ("ccomp", "xcomp", "conj", "advcl", "parataxis"):
                break
            parent = current.head
            lemma = parent.lemma_.lower()
            if lemma in self.lex.speech and current.dep_ in ("ccomp", "parataxis", "xcomp"):
                return parent
            if current.dep_ == "conj":
                current = parent
                continue
            if lemma in self.lex.frames:
                current = parent
                continue
            break
        for child in clause.children:  # "..., the military said" parsed with said as a child
            if (
                child.dep_ in ("parataxis", "ccomp")
                and child.lemma_.lower() in self.lex.speech
                and child.i > clause.i
                and _subject(child) is not None
            ):
                return child
        for child in clause.children:
            if child.dep_ == "prep" and child.lower_ == "according":
                return child
        return None

    def _same_actor(self, actors: Sequence[Actor], ref: EntityRef | None) -> bool:
        """Is the reporter one of the actors? The same entity, or the same country with no
        conflicting sector ("Putin said Moscow will ..."; not "rebels said Kagame must ...")."""
        if ref is None:
            return True
        ref_code = self._ref_code(ref)
        ref_sector = self._ref_sector(ref)
        for actor in actors:
            if (
                ref_code is not None
                and actor.code == ref_code
                and (ref_sector is None or actor.sector in (None, ref_sector))
            ):
                return True
            if ref.entity is not None and actor.entity == ref.entity:
                return True
            if ref.mention is not None and actor.mention == ref.mention:
                return True
            if ref.name == actor.name:
                return True
        return False

    def _ref_sector(self, ref: EntityRef) -> str | None:
        if ref.mention is None:
            return None
        span = self.doc.char_span(ref.mention.start, ref.mention.end, alignment_mode="expand")
        if span is None:
            return None
        sector = self._sector(span.root)
        if sector is None:
            entity = self._entity_at(ref.mention.start, ref.mention.end)
            sector = self._entity_sector(entity) if entity is not None else None
        return sector

    def _ref_code(self, ref: EntityRef) -> str | None:
        if ref.mention is None:
            return None
        entity = self._entity_at(ref.mention.start, ref.mention.end)
        return self._code_of(entity) if entity is not None else None

    def _earlier_other(self, c: _Candidate) -> tuple[Actor, ...]:
        """The author of "that account" / "the proposal": the other side just mentioned."""
        mine = set(_codes(c.source))
        sent = c.trigger.sent
        for token in sent:
            if token.i >= c.trigger.i:
                break
            if token.dep_ in ("nsubj",) and token.head.lemma_.lower() in self.lex.speech:
                actor = self._actor(token)
                if actor is not None and actor.code and actor.code not in mine:
                    return (actor,)
        for actor in reversed(self.previous_actors):
            if actor.code and actor.code not in mine:
                return (actor,)
        return ()

    # -- entities ------------------------------------------------------------------------------

    def _entity_at(self, start: int, end: int) -> Entity | None:
        index = bisect_right(self.starts, end) - 1
        while index >= 0:
            m_start, m_end, entity = self.mentions[index]
            if m_start < end and start < m_end:
                return entity
            if m_end < start - 300:
                break
            index -= 1
        return None

    def _entity_by_id(self, entity_id: str) -> Entity | None:
        return next((m[2] for m in self.mentions if m[2].id == entity_id), None)

    def _entity_in(self, token: Token) -> Entity | None:
        for t in token.subtree:
            entity = self._entity_at(t.idx, t.idx + len(t.text))
            if entity is not None and entity.type in ("GPE", "ORG", "NORP", "PERSON", "LOC"):
                return entity
        return None

    def _code_of(self, entity: Entity) -> str | None:
        if entity.type == "NORP" and entity.country is None:
            return self.kb.demonym(entity.name)
        entry = self.kb.get(entity.kb_id) if entity.kb_id else None
        if entry is not None and entry.code and entry.kind not in ("person", "seat", "capital"):
            return entry.code
        if entry is not None and entry.kind in ("seat", "capital") and entry.country:
            return entry.country
        return entity.country

    def _entity_sector(self, entity: Entity) -> str | None:
        entry = self.kb.get(entity.kb_id) if entity.kb_id else None
        if entry is not None and entry.sector:
            return entry.sector
        for role in entity.roles:
            for word in role.lower().replace("-", " ").split():
                if word in self.lex.sectors:
                    return self.lex.sectors[word]
        if entity.type == "GPE":
            return "GOV"
        return None

    def _sector(self, head: Token) -> str | None:
        """A telling modifier first ("rebel commander" REB, "police officer" COP), then the
        head ("government forces" MIL), then a generic one ("government" GOV)."""
        modifiers = [
            self.lex.sectors.get(c.lemma_.lower())
            for c in head.children
            if c.dep_ in ("compound", "amod")
        ]
        telling = next((s for s in modifiers if s is not None and s != "GOV"), None)
        return (
            telling
            or self.lex.sectors.get(head.lemma_.lower())
            or next((s for s in modifiers if s is not None), None)
        )

    # -- output --------------------------------------------------------------------------------

    def _evidence(self, c: _Candidate) -> tuple[int, int]:
        root = c.head if c.kind != "adj" else c.head
        tokens = [t for t in root.subtree if not _after_attribution(t, root)]
        for child in root.children:
            if child.dep_ == "conj" and _own_subject(child) is not None and child.i > root.i:
                cut = child.left_edge.i
                tokens = [t for t in tokens if t.i < cut]
        return _span_of(tokens)

    def _event(self, c: _Candidate) -> Event:
        t = c.trigger
        trigger = TextSpan.of(self.text, t.idx, t.idx + len(t.text))
        if c.kind == "verb":
            particle = next((p for p in t.children if p.dep_ == "prt"), None)
            if particle is not None and particle.i == t.i + 1:
                trigger = TextSpan.of(self.text, t.idx, particle.idx + len(particle.text))
        start, end = c.evidence
        evidence = TextSpan.of(self.text, start, end)
        return Event(
            type=c.type,
            trigger=trigger,
            evidence=evidence,
            mode=c.mode,
            contexts=c.rule.context,
            source=c.source,
            target=c.target,
            place=self._place(c),
            date=self._date(c),
            negated=c.negated,
            conditional=c.conditional,
            future=c.future,
            hypothetical=c.hypothetical,
            reported_by=c.reported_by,
        )

    def _place(self, c: _Candidate) -> str | None:
        for holder in (c.trigger, c.head):
            for prep in holder.children:
                if prep.dep_ != "prep" or prep.lower_ not in _PLACE_PREPS:
                    continue
                for pobj in prep.children:
                    if pobj.dep_ != "pobj":
                        continue  # "in what U.S. officials describe as ..." names no place
                    words = [pobj, *(t for t in pobj.children if t.dep_ in ("compound", "nmod"))]
                    for word in words:
                        entity = self._entity_at(word.idx, word.idx + len(word.text))
                        if entity is not None and entity.type in ("GPE", "LOC", "FAC"):
                            return entity.name
        return None

    def _forward(self, mention: DateMention, future: bool) -> str | None:
        """ "are due to meet on Friday" is the coming Friday, not the last one (the dates stage
        reads a bare weekday as past, as news mostly reports the past)."""
        value = mention.value
        words = mention.span.text.lower().split()
        if not (future and value and self.published and len(value) == 10):
            return value
        if not words or words[-1] not in _WEEKDAY_NAMES or len(words) > 2:
            return value
        day = date.fromisoformat(value)
        while day < self.published:
            day += timedelta(days=7)
        return day.isoformat()

    def _date(self, c: _Candidate) -> str | None:
        holders = {c.trigger.i, c.head.i}
        for mention in self.dates:
            if mention.granularity not in ("day", "month", "year"):
                continue  # "three months after ...": a duration dates nothing
            span = self.doc.char_span(mention.span.start, mention.span.end, alignment_mode="expand")
            if span is None:
                continue
            root = span.root
            chain = root
            for _ in range(3):
                if chain.head.i in holders and chain.dep_ in ("npadvmod", "prep", "pobj", "tmod"):
                    return self._forward(mention, c.future)
                if chain.head.i == chain.i:
                    break
                chain = chain.head
        return None


# -- syntax helpers --------------------------------------------------------------------------

_WEEKDAY_NAMES = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())


def _day(published: str | None) -> date | None:
    try:
        return date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return None


_PREPOSITION_ADVERBS = frozenset("inside outside near around across along behind beyond".split())
_COGNITION = frozenset(
    "believe think expect hope fear predict anticipate doubt suspect guess reckon wonder".split()
)
_STATES = frozenset("be have know understand realize realise see remember feel think".split())


def _in_place_phrase(token: Token, top: Token) -> bool:
    current = token
    while current.i != top.i and current.head.i != current.i:
        if current.dep_ == "pobj" and current.head.lower_ in _PLACE_PREPS:
            return True
        current = current.head
    return top.dep_ == "prep" and top.lower_ in _PLACE_PREPS


_CONTENT_FRAMES = frozenset({"REQUEST", "AGREE", "THREATEN", "REJECT"})
_TEMPORAL = frozenset("after before since following amid during until as when while".split())
_SHELLS = frozenset("effort campaign operation drive bid mission initiative".split())
_POSTURING = frozenset("prepare ready poise gear position".split())
_NO_RECIPIENT = frozenset({"AGREE", "CONSULT", "SUPPORT", "CONCEDE"})
_QUANTITIES = frozenset(
    "thousand hundred dozen million score number group some many most all ton tonne worth "
    "amount shipment consignment batch kg kilogram load convoy".split()
)
_ACCUSING = frozenset({"accuse", "blame", "charge", "suspect"})


def _accused_acts(verb: Token) -> list[int]:
    """The act in "accused X of [sending ...]" / "blamed X for [attacking ...]"."""
    return [
        child.i
        for prep in verb.children
        if prep.dep_ == "prep" and prep.lower_ in ("of", "for")
        for child in prep.children
        if child.dep_ in ("pcomp", "pobj")
    ]


_PROPOSALS = frozenset(
    "proposal plan offer demand call appeal request ultimatum invitation initiative idea deal "
    "claim account accusation allegation charge report condition term version statement "
    "proposition framework outline remark comment".split()
)


def _codes(actors: Sequence[Actor]) -> tuple[str, ...]:
    return tuple(sorted(a.code or a.name for a in actors))


def _lemma(token: Token, lex: Lexicon) -> str:
    lemma = token.lemma_.lower()
    return lex.lemma_fixes.get(lemma, lemma)


def _obj_matches(obj: Token, words: frozenset[str]) -> bool:
    if obj.lemma_.lower() in words or obj.lower_ in words:
        return True
    if "@GPE" in words and obj.ent_type_ == "GPE":
        return True
    for child in obj.children:  # "two Russian diplomats", "the main power lines"
        if child.dep_ in ("compound", "amod") and child.lemma_.lower() in words:
            return True
    of = next((c for c in obj.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    if of is not None and obj.lemma_.lower() in _QUANTITIES:
        pobj = next((c for c in of.children if c.dep_ == "pobj"), None)
        if pobj is not None:
            return _obj_matches(pobj, words)
    return False


def _object(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in ("dobj", "obj"):
            return child
    for child in verb.children:  # "agreed upon a pact", "set fire to"
        if child.dep_ == "prt":
            for grand in child.children:
                if grand.dep_ == "dobj":
                    return grand
    return None


def _passive(verb: Token) -> bool:
    return any(c.dep_ == "nsubjpass" for c in verb.children)


def _own_subject(verb: Token) -> Token | None:
    return next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)


def _reduced_passive(verb: Token) -> bool:
    """ "killed in a raid" with no auxiliary: a participle whose subject, if any, is the victim."""
    return (
        verb.tag_ == "VBN"
        and verb.dep_ in ("advcl", "conj", "acl", "relcl")
        and not any(c.dep_ in ("aux", "auxpass", "nsubj") for c in verb.children)
    )


def _subject(verb: Token) -> Token | None:
    """The doer: the subject, the "by" agent of a passive, or the subject of a governing verb."""
    if _reduced_passive(verb):
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        return next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
    current = verb
    for _ in range(5):
        agent = next((c for c in current.children if c.dep_ == "agent"), None)
        if agent is not None:
            return next((c for c in agent.children if c.dep_ == "pobj"), None)
        subject = next((c for c in current.children if c.dep_ in _SUBJECTS), None)
        if subject is not None:
            return subject
        if any(c.dep_ == "nsubjpass" for c in current.children):
            return None
        if current.dep_ in ("relcl", "acl") and current.tag_ == "VBN":
            return None  # "a leader killed in a raid": the noun is who suffered it
        if current.dep_ == "relcl":
            return current.head
        if current.dep_ == "acl" and current.head.dep_ in ("dobj",):
            current = current.head.head  # "issued a declaration demanding that ..."
            continue
        if (
            current.dep_ in ("xcomp", "conj", "acomp", "advcl", "pcomp")
            and current.head.i != current.i
        ):
            current = current.head
            if current.pos_ == "ADP":
                current = current.head
            continue
        return None
    return None


def _conjuncts(token: Token) -> list[Token]:
    out = []
    for child in token.children:
        if child.dep_ == "conj":
            out.append(child)
            out.extend(_conjuncts(child))
    return out


_NP_KEEP_RIGHT = {"prep", "acl", "compound", "amod", "nummod", "appos"}


def _noun_phrase(head: Token) -> list[Token]:
    words = [head]
    for child in head.children:
        if child.i < head.i and child.dep_ not in ("punct", "cc", "conj", "relcl", "appos"):
            words.extend(child.subtree)
        elif (
            child.i > head.i
            and child.dep_ in ("prep",)
            and child.lower_
            in (
                "of",
                "in",
                "from",
                "at",
            )
        ):
            sub = list(child.subtree)
            if len(sub) <= 8:
                words.extend(sub)
        elif child.i > head.i and child.dep_ == "acl" and len(list(child.subtree)) <= 4:
            words.extend(child.subtree)
    words = [w for w in words if not (w.dep_ == "conj" and w.head.i == head.i)]
    return sorted(set(words), key=lambda t: t.i)


def _negated(verb: Token) -> bool:
    current = verb
    for _ in range(3):
        if any(c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ == "no") for c in current.children):
            return True
        if current.dep_ not in ("xcomp",) or current.head.i == current.i:
            return False
        current = current.head
    return False


def _aux(verb: Token) -> list[str]:
    words = [c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")]
    current = verb
    for _ in range(3):
        if current.dep_ in ("xcomp", "acomp") and current.head.i != current.i:
            current = current.head
            words += [c.lower_ for c in current.children if c.dep_ in ("aux", "auxpass")]
            words.append(current.lower_)
        else:
            break
    return words


def _future(verb: Token) -> bool:
    words = _aux(verb)
    if any(w in _FUTURE_AUX for w in words):
        return True
    return "going" in words and "to" in words


def _modal(verb: Token, words: set[str] | frozenset[str]) -> bool:
    return any(w in words for w in _aux(verb))


def _hypothetical(verb: Token) -> bool:
    return any(w in _HYPOTHETICAL_AUX for w in _aux(verb))


def _condition(verb: Token) -> tuple[str, Token] | None:
    for child in verb.children:
        if child.dep_ == "advcl":
            mark = next((m for m in child.children if m.dep_ == "mark"), None)
            if mark is not None and mark.lower_ in ("unless", "if"):
                return mark.lower_, child
    return None


def _inside_condition(verb: Token) -> bool:
    current = verb
    for _ in range(3):
        if any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in current.children):
            return current.dep_ == "advcl"
        if current.head.i == current.i:
            return False
        current = current.head
    return False


def _request_mode(inner_type: str) -> str | None:
    return {
        "RETREAT": "yield",
        "CONCEDE": "yield",
        "CONSULT": "meet",
        "AID": "assist",
        "COOPERATE": "assist",
        "SUPPORT": "assist",
    }.get(inner_type, "change")


def _first_event_below(
    token: Token, by_token: dict[int, _Candidate], depth: int
) -> _Candidate | None:
    if depth <= 0:
        return None
    for child in token.children:
        if child.dep_ in ("xcomp", "ccomp", "acomp", "dobj"):
            if child.i in by_token:
                return by_token[child.i]
            found = _first_event_below(child, by_token, depth - 1)
            if found is not None:
                return found
    return None


def _according_to(verb: Token) -> Token | None:
    if verb.lower_ == "according":
        for prep in verb.children:
            for pobj in prep.children:
                if pobj.dep_ == "pobj":
                    return pobj
    return None


def _after_attribution(token: Token, root: Token) -> bool:
    """Tokens of a trailing ", the military said" or "according to X" are not the event's words."""
    current = token
    while current.i != root.i:
        if current.head.i == root.i:
            if current.dep_ in ("parataxis",) or current.lower_ == "according":
                return True
            return current.dep_ == "punct" and current.i > root.i
        current = current.head
    return False


def _span_of(tokens: Sequence[Token]) -> tuple[int, int]:
    tokens = sorted(tokens, key=lambda t: t.i)
    while tokens and (tokens[-1].is_punct or tokens[-1].dep_ == "cc"):
        tokens = tokens[:-1]
    while tokens and (tokens[0].is_punct or tokens[0].dep_ == "cc"):
        tokens = tokens[1:]
    if not tokens:
        return (0, 0)
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


_BACKGROUND = frozenset({"relcl", "acl", "advcl", "pcomp"})


def _background(token: Token) -> bool:
    """Is the clause a relative clause, a participle on a noun, or an adverbial clause ("after
    X happened", "killing 20")? Such clauses tell background to the sentence's main event."""
    current = token
    for _ in range(8):
        if current.head.i == current.i:
            return False
        if current.dep_ in _BACKGROUND:
            subject = _own_subject(current)
            named = subject is not None and (subject.pos_ == "PROPN" or subject.ent_type_ != "")
            return not (current.dep_ == "relcl" and named)  # "a demand Kyiv has rejected"
        current = current.head
    return False


def _depth(token: Token) -> int:
    depth = 0
    while token.head.i != token.i and depth < 50:
        token = token.head
        depth += 1
    return depth


__all__ = ["ActorResolver", "Lexicon", "Rule", "extract_events", "load_lexicon"]


class ActorResolver:
    """The coder's actor resolution (entities, pronouns, descriptions, sectors) for other
    stages: the claims stage asks who denied or confirmed."""

    def __init__(self, doc: Doc, entities: Sequence[Entity], quotes: Sequence[Quote] = ()) -> None:
        self._coder = _Coder(doc, entities, (), load_lexicon(), None, quotes)

    def actor(self, token: Token) -> Actor | None:
        return self._coder._actor(token)

    def subject(self, verb: Token) -> Actor | None:
        """Who does ``verb``: its subject, or the "by" agent of a passive."""
        token = _subject(verb)
        return self._coder._actor(token) if token is not None else None

    def code(self, entity_id: str) -> str | None:
        entity = self._coder._entity_by_id(entity_id)
        return self._coder._code_of(entity) if entity is not None else None
