"""Claims: every attributed proposition, with the responses that confirm or oppose it.

A claim is a quote or reported statement (from the quotes stage) with its holder. A response is
a stance verb whose subject answers a claim: "Ukraine rejects **that account**", "remarks that
**Kyiv has not fully confirmed**", "a demand **Kyiv has flatly rejected**", "Russia **denied**
targeting civilians". It is linked to the claim it answers by an anaphor ("that account", "the
remarks", a relative clause on "demand") — the nearest earlier claim by someone else — or, for a
clausal complement, by shared content words. A claim with an opposing response is contested.
Rules and word lists: ``data/claims.yaml``; docs/claims.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.tokens import Doc, Token

from .events import ActorResolver
from .records import Claim, Entity, EntityRef, Quote, Response
from .records import Span as TextSpan
from .yamlfile import load_yaml

_STOP = frozenset(
    "the a an of to in on at for and or but that this these those it its their his her they "
    "he she we was were is are be been has have had will would could should not no by with "
    "from as said says say had than then there which who whom what when where while into "
    "over after before about against".split()
)


@dataclass(frozen=True)
class ClaimWords:
    responses: dict[str, str]  # lemma -> stance
    response_nouns: dict[str, str]
    opposing: frozenset[str]
    anaphors: frozenset[str]
    neutral: frozenset[str]
    threshold: float
    concepts: dict[str, str]  # word -> concept name


@lru_cache(maxsize=1)
def load_claim_words() -> ClaimWords:
    text = resources.files("newsdesk").joinpath("data/claims.yaml").read_text("utf-8")
    data: dict[str, Any] = load_yaml(text)
    return ClaimWords(
        responses={w: stance for stance, words in data["responses"].items() for w in words},
        response_nouns=dict(data["response_nouns"]),
        opposing=frozenset(data["opposing"]),
        anaphors=frozenset(data["anaphors"]),
        neutral=frozenset(data["neutral_cues"]),
        threshold=float(data["similarity_threshold"]),
        concepts={w: name for name, ws in data.get("concepts", {}).items() for w in ws},
    )


@dataclass
class _Answer:
    holder: EntityRef
    stance: str
    cue: TextSpan
    verb: Token
    anaphoric: bool
    content: set[str]
    said: TextSpan | None  # the response's own words about it: "that civilians had been killed"
    anaphor: str | None  # the pointing noun: "accusation", "account", "remarks"
    anaphor_token: Token | None = None


def extract_claims(
    doc: Doc, entities: Sequence[Entity], quotes: Sequence[Quote]
) -> tuple[Claim, ...]:
    """One claim per attributed quote with a known holder, with the responses found for it."""
    words = load_claim_words()
    text = doc.text
    resolver = ActorResolver(doc, entities, quotes)
    types = {e.id: e.type for e in entities}
    codes = [
        (m.start, m.end, code)
        for e in entities
        if (code := resolver.code(e.id)) is not None
        for m in e.mentions
    ]
    claims = [
        (index, quote)
        for index, quote in enumerate(quotes)
        if quote.speaker is not None
        and quote.content.end > quote.content.start
        and not _pointer(doc, quote, words)
    ]
    answers = list(_answers(doc, resolver, words))
    stated: dict[int, int] = {}  # answer position -> key of the claim it states itself
    for position, answer in enumerate(answers):
        # "rejected the accusation that the arrests were arbitrary": the claim is right there
        clause = _stated_clause(answer)
        if clause is None:
            continue
        holder = _owner_ref(answer, resolver)
        if holder is None:
            earlier = [
                (i, q)
                for i, q in claims
                if q.content.end <= answer.cue.start
                and not _same_holder(q.speaker, answer.holder, resolver, types)
            ]
            if earlier:
                picked = _account(earlier[-6:], answer, doc, resolver, codes)
                holder = dict(claims)[picked].speaker
        if holder is None:
            continue
        key = len(quotes) + len(stated)
        start, end = _edges(clause)
        noun = answer.anaphor_token
        assert noun is not None
        cue = TextSpan.of(text, noun.idx, noun.idx + len(noun.text))
        claims.append((key, Quote("indirect", TextSpan.of(text, start, end), cue, holder)))
        stated[position] = key
    responses: dict[int, list[Response]] = {index: [] for index, _ in claims}
    for position, answer in enumerate(answers):
        target = stated.get(position)
        if target is None:
            target = _answered(answer, claims, doc, words, resolver, types, codes)
        if target is not None:
            responses[target].append(
                Response(answer.holder, answer.stance, answer.cue, answer.said)
            )
    out = []
    for number, (index, quote) in enumerate(claims):
        assert quote.speaker is not None
        found = tuple(responses[index])
        out.append(
            Claim(
                id=f"c{number}",
                content=TextSpan.of(text, quote.content.start, quote.content.end),
                holder=quote.speaker,
                stance=_stance(doc, quote, words),
                responses=found,
                contested=any(r.stance in words.opposing for r in found),
                quote=index if index < len(quotes) else None,
            )
        )
    return tuple(out)


def _pointer(doc: Doc, quote: Quote, words: ClaimWords) -> bool:
    """ "rejected [that account]", "rejected [the accusation that ...]": words that point at a
    claim are the response's, not a claim of the one who responds."""
    span = doc.char_span(quote.content.start, quote.content.end, alignment_mode="expand")
    if span is None or span.root.lemma_.lower() not in words.anaphors:
        return False
    cue = (
        doc.char_span(quote.cue.start, quote.cue.end, alignment_mode="expand")
        if quote.cue is not None
        else None
    )
    responding = cue is not None and cue.root.lemma_.lower() in words.responses
    return len(span) <= 4 or responding


def _stated_clause(answer: _Answer) -> Token | None:
    """The "that" clause of the anaphor noun: "the accusation [that the arrests were
    arbitrary]", "the agency's assertion [that it was failing to cooperate]"."""
    noun = answer.anaphor_token
    if noun is None or noun.i <= answer.verb.i:
        return None
    for child in noun.subtree:  # also "the accusation by activists [that ...]" hung on "activists"
        if (
            child.i > noun.i
            and child.dep_ in ("acl", "ccomp", "relcl")
            and any(m.dep_ == "mark" and m.lower_ == "that" for m in child.children)
        ):
            return child
    for child in answer.verb.children:  # the small model may hang the clause on the verb
        if (
            child.dep_ == "ccomp"
            and child.i > noun.i
            and (child.left_edge.lower_ == "that" or any(m.lower_ == "that" for m in child.lefts))
        ):
            return child
    return None


def _owner_ref(answer: _Answer, resolver: ActorResolver) -> EntityRef | None:
    noun = answer.anaphor_token
    if noun is None:
        return None
    verb = answer.verb
    loose = [
        c
        for c in verb.children
        if c.dep_ in ("prep", "agent")
        and c.lower_ in ("by", "from")
        and not any(s.dep_ == "nsubjpass" for s in verb.children)
    ]  # "rejected the accusation by activists that ..." with "by" hung on the verb
    for child in [*noun.children, *loose]:
        owner = child if child.dep_ in ("poss", "amod", "compound") else None
        if child.dep_ in ("prep", "agent") and child.lower_ in ("by", "from"):  # "by UN agencies"
            owner = next((t for t in child.children if t.dep_ == "pobj"), None)
        actor = resolver.actor(owner) if owner is not None else None
        if actor is not None and (actor.code or actor.entity or child.dep_ in ("prep", "agent")):
            return EntityRef(actor.entity, actor.name, actor.mention)
    return None


def _edges(clause: Token) -> tuple[int, int]:
    tokens = [t for t in clause.subtree if not t.is_punct]
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _stance(doc: Doc, quote: Quote, words: ClaimWords) -> str:
    """How the holder puts it: the cue's lemma ("alleges", "warns"), a response stance when the
    claim is itself an answer ("deny"), or "asserts" for plain reporting verbs."""
    if quote.cue is None:
        return "asserts"
    span = doc.char_span(quote.cue.start, quote.cue.end, alignment_mode="expand")
    lemma = span.root.lemma_.lower() if span is not None else quote.cue.text.lower()
    if lemma in words.responses:
        return words.responses[lemma]
    lemma = _NOUN_STANCE.get(lemma, lemma)  # a claim stated through "the accusation that ..."
    return "asserts" if lemma in words.neutral else lemma


_NOUN_STANCE = {
    "accusation": "accuse",
    "allegation": "allege",
    "assertion": "assert",
    "charge": "charge",
    "contention": "contend",
    "suggestion": "suggest",
    "report": "report",
    "statement": "state",
}


# -- responses -----------------------------------------------------------------------------------


def _answers(doc: Doc, resolver: ActorResolver, words: ClaimWords) -> Iterable[_Answer]:
    text = doc.text
    for token in doc:
        lemma = token.lemma_.lower()
        stance = None
        if token.pos_ == "VERB" and lemma in words.responses:
            stance = words.responses[lemma]
            if lemma == "brush" and not any(
                c.lower_ == "aside" or c.lower_ == "off" for c in token.children
            ):
                continue
            if _negated(token):
                stance = "not-confirmed" if stance == "confirm" else None
            elif _refused(token) and stance == "confirm":
                stance = "not-confirmed"
        elif token.pos_ == "NOUN" and lemma in words.response_nouns:
            stance = words.response_nouns[lemma]
        if stance is None or (token.pos_ == "VERB" and _answers_a_thing(token, words)):
            continue
        holder = _holder(token, resolver)
        if holder is None:
            continue
        cue = TextSpan.of(text, token.idx, token.idx + len(token.text))
        anaphor_token = _anaphor_token(token, words)
        anaphor = anaphor_token.lemma_.lower() if anaphor_token is not None else None
        anaphoric = anaphor is not None or _bare(token)
        complement = _complement(token)
        said = None
        clausal = [t for t in complement if t.dep_ != "punct"]
        if clausal and not anaphoric:
            start, end = min(t.idx for t in clausal), max(t.idx + len(t.text) for t in clausal)
            said = TextSpan.of(text, start, end)
        content = _content_words(complement)
        yield _Answer(holder, stance, cue, token, anaphoric, content, said, anaphor, anaphor_token)


def _answers_a_thing(verb: Token, words: ClaimWords) -> bool:
    """ "disputing fishing rights", "challenging state institutions", "denied migrants access",
    "rejected passport numbers": the object is a thing, not something said, so this is no
    answer to a claim. Said things are clauses, gerunds ("denied targeting civilians") or
    nouns of saying ("the accusation", "those claims")."""
    if any(c.dep_ in ("ccomp", "xcomp", "pcomp") for c in verb.children):
        return False
    if any(c.dep_ == "dative" for c in verb.children):
        return True  # "denied migrants access"
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if obj is None:
        return False
    if obj.tag_ == "VBG" or obj.pos_ == "VERB":
        return False
    return obj.lemma_.lower() not in words.anaphors and obj.lemma_.lower() not in _SAID_NOUNS


_SAID_NOUNS = frozenset(
    "report reports findings finding charges allegations claims rumours rumors suggestion "
    "suggestions version versions assessment assessments characterization description "
    "narrative story stories assertion assertions statement statements remarks comments "
    "figures estimate estimates toll tally results conclusion "
    "conclusions idea notion premise".split()
)


def _negated(verb: Token) -> bool:
    chain = [verb]
    if verb.dep_ == "xcomp":
        chain.append(verb.head)
    return any(c.dep_ == "neg" for v in chain for c in v.children)


def _refused(verb: Token) -> bool:
    """ "declined to confirm", "refused to confirm", "would not confirm\""""
    return verb.dep_ == "xcomp" and verb.head.lemma_.lower() in ("decline", "refuse", "fail")


def _holder(verb: Token, resolver: ActorResolver) -> EntityRef | None:
    if verb.pos_ == "NOUN":  # "Kigali's denial", "a denial from Kigali", "issued a denial"
        owner = next((c for c in verb.children if c.dep_ == "poss"), None)
        if owner is None:
            prep = next(
                (c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("from", "by")),
                None,
            )
            owner = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep else None
        if owner is None and verb.dep_ == "dobj":
            actor = resolver.subject(verb.head)
        else:
            actor = resolver.actor(owner) if owner is not None else None
    else:
        actor = resolver.subject(verb)
        if actor is None:  # "The AU mission disputed ...": a description is holder enough
            subject = _subject_token(verb)
            if subject is not None and subject.pos_ in ("NOUN", "PROPN"):
                words = [t for t in subject.subtree if t.dep_ not in ("relcl", "appos", "punct")]
                words = [t for t in words if subject.left_edge.i <= t.i <= subject.i]
                start, end = words[0].idx, words[-1].idx + len(words[-1].text)
                return EntityRef(
                    None, doc_text(verb)[start:end], TextSpan.of(doc_text(verb), start, end)
                )
    if actor is None:
        return None
    return EntityRef(actor.entity, actor.name, actor.mention)


def doc_text(token: Token) -> str:
    return str(token.doc.text)


def _subject_token(verb: Token) -> Token | None:
    return next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)


def _anaphor_token(verb: Token, words: ClaimWords) -> Token | None:
    """The noun by which a response points back at something said: "rejects that account",
    "remarks that Kyiv has not confirmed", "a demand Kyiv has rejected", "the claim was
    denied", "rejected the accusation that the arrests were arbitrary"."""
    for child in verb.children:
        if child.dep_ in ("dobj", "nsubjpass", "ccomp") and child.lemma_.lower() in words.anaphors:
            return child
    if verb.dep_ in ("relcl", "acl", "ccomp") and verb.head.lemma_.lower() in words.anaphors:
        return verb.head
    return None


def _bare(verb: Token) -> bool:
    """A response with nothing after it ("Kigali denied."): it answers what came before."""
    if verb.pos_ == "NOUN":
        return not any(c.dep_ in ("acl", "ccomp", "prep") for c in verb.children)
    return not any(c.dep_ in ("dobj", "ccomp", "xcomp", "pcomp", "prep") for c in verb.children)


def _complement(verb: Token) -> list[Token]:
    tokens: list[Token] = []
    for child in verb.children:
        if child.dep_ in ("dobj", "ccomp", "xcomp", "prep", "acl", "pcomp", "nsubjpass"):
            tokens.extend(child.subtree)
    return tokens


def _content_words(tokens: Iterable[Token]) -> set[str]:
    """Content lemmas, each read as its concept where the lexicon has one ("killed", "deaths"
    -> death)."""
    concepts = load_claim_words().concepts
    lemmas = (
        t.lemma_.lower()
        for t in tokens
        if t.is_alpha and not t.is_stop and len(t.text) > 2 and t.lemma_.lower() not in _STOP
    )
    return {concepts.get(lemma, lemma) for lemma in lemmas}


# -- linking -----------------------------------------------------------------------------------


def _answered(
    answer: _Answer,
    claims: list[tuple[int, Quote]],
    doc: Doc,
    words: ClaimWords,
    resolver: ActorResolver,
    types: dict[str, str],
    codes: list[tuple[int, int, str]],
) -> int | None:
    """The quote index of the claim a response answers, if any."""
    others = [
        (index, quote)
        for index, quote in claims
        if not _same_holder(quote.speaker, answer.holder, resolver, types)
        and not (quote.cue is not None and quote.cue.start == answer.cue.start)
        and (
            answer.anaphoric  # "..., a figure the army has not confirmed" inside the claim
            or not (quote.content.start <= answer.cue.start < quote.content.end)
        )
    ]
    sentence_start = answer.verb.sent.start_char
    earlier = [(i, q) for i, q in others if q.content.start < answer.cue.start]
    if answer.anaphoric:
        window = _sentences_back(doc, answer.verb, 3)
        near = [(i, q) for i, q in earlier if q.content.end >= window]
        same = [(i, q) for i, q in near if q.content.start >= sentence_start]
        if same:  # "..., remarks that Kyiv has not confirmed": the claim just made
            return max(same, key=lambda item: item[1].content.start)[0]
        if near:
            return _account(near, answer, doc, resolver, codes)
    same_sentence = [(i, q) for i, q in earlier if q.content.start >= sentence_start]
    if answer.said is not None and len(same_sentence) == 1:
        return same_sentence[0][0]  # "The group claimed it had struck a destroyer, but the
        # Pentagon denied that any American vessel had been hit"
    if answer.content:
        best, best_score = None, 0.0
        for index, quote in others:
            if answer.said is not None and (
                answer.said.start <= quote.content.start < answer.said.end
            ):
                return index  # "denied that his fighters attacked a camp, which aid groups
                # say was shelled": the claim sits inside the denial
            span = doc.char_span(quote.content.start, quote.content.end, alignment_mode="expand")
            theirs = _content_words(span) if span is not None else set()
            shared = len(answer.content & theirs)
            if shared < 2:
                continue  # one shared word ("live") links nothing
            score = shared / min(len(answer.content), len(theirs))
            distance = abs(answer.cue.start - quote.content.start)
            score -= distance / 1e6  # equal overlap: the nearer claim
            if score > best_score:
                best, best_score = index, score
        if best is not None and best_score >= words.threshold:
            return best
    return None


_KIND_OF_CLAIM = {
    "accusation": {"accuse", "allege", "charge", "blame"},
    "allegation": {"accuse", "allege", "charge", "blame", "claim"},
    "charge": {"accuse", "allege", "charge"},
    "claim": {"claim", "allege", "assert", "insist"},
    "demand": {"demand", "urge", "call", "insist"},
    "ultimatum": {"demand", "threaten", "warn"},
    "threat": {"threaten", "warn"},
    "warning": {"warn", "threaten"},
    "criticism": {"say", "tell", "criticize", "criticise", "condemn", "call", "describe", "slam"},
    "condemnation": {"condemn", "denounce", "say"},
}


def _account(
    near: list[tuple[int, Quote]],
    answer: _Answer,
    doc: Doc,
    resolver: ActorResolver,
    codes: list[tuple[int, int, str]],
) -> int:
    """ "Kigali rejected the accusation." / "Baku rejected that account.": the claim a new
    sentence points back at. In order: a claim by the owner the anaphor names ("the
    Azerbaijani statement"), one of the kind the anaphor names (an accusation, a criticism),
    one that is about the responder (people answer what concerns them), then the latest."""
    responder = resolver.code(answer.holder.entity) if answer.holder.entity else None
    owner = _owner_code(answer, resolver)
    kinds = _KIND_OF_CLAIM.get(answer.anaphor or "", set())

    def rank(item: tuple[int, Quote]) -> tuple[bool, bool, bool, int]:
        quote = item[1]
        holder = quote.speaker
        by_owner = bool(
            owner and holder is not None and holder.entity and resolver.code(holder.entity) == owner
        )
        about = responder is not None and any(
            quote.content.start <= start < quote.content.end and code == responder
            for start, _end, code in codes
        )
        return (by_owner, _cue_lemma(doc, quote) in kinds, about, quote.content.start)

    return max(near, key=rank)[0]


def _owner_code(answer: _Answer, resolver: ActorResolver) -> str | None:
    """ "the Azerbaijani statement", "Kinshasa's accusation": whose words the anaphor names."""
    nouns = [c for c in answer.verb.children if c.lemma_.lower() == (answer.anaphor or "")]
    if not nouns and answer.verb.head.lemma_.lower() == answer.anaphor:
        nouns = [answer.verb.head]
    for noun in nouns:
        for child in noun.children:
            if child.dep_ in ("poss", "amod", "compound"):
                actor = resolver.actor(child)
                if actor is not None and actor.code:
                    return actor.code
    return None


def _cue_lemma(doc: Doc, quote: Quote) -> str:
    if quote.cue is None:
        return ""
    span = doc.char_span(quote.cue.start, quote.cue.end, alignment_mode="expand")
    return span.root.lemma_.lower() if span is not None else ""


def _sentences_back(doc: Doc, token: Token, count: int) -> int:
    sents = list(doc.sents)
    position = next(i for i, s in enumerate(sents) if s.start <= token.i < s.end)
    return sents[max(0, position - count)].start_char


def _same_holder(
    speaker: EntityRef | None, holder: EntityRef, resolver: ActorResolver, types: dict[str, str]
) -> bool:
    """One side: the same entity or name, or a state and someone of that state ("Putin" and
    "Russia"). Two people or groups of one country may well disagree, so they stay apart."""
    if speaker is None:
        return False
    if speaker.entity is not None and speaker.entity == holder.entity:
        return True
    if speaker.name == holder.name:
        return True
    if speaker.entity and holder.entity:
        mine, theirs = resolver.code(speaker.entity), resolver.code(holder.entity)
        state = "GPE" in (types.get(speaker.entity), types.get(holder.entity))
        return mine is not None and mine == theirs and state
    return False


# -- across articles -------------------------------------------------------------------------


@dataclass
class ClaimSource:
    article_id: str
    title: str | None
    outlet: str | None
    published: str | None
    content: TextSpan
    claim_id: str


@dataclass
class ClaimGroup:
    """One claim as many articles report it: the holder, the words, every source and every
    response against it."""

    holder: EntityRef
    holder_kb: str | None
    stance: str
    content: TextSpan
    sources: list[ClaimSource]
    responses: list[tuple[str, Response]]  # (article id, response)

    @property
    def contested(self) -> bool:
        opposing = load_claim_words().opposing
        return any(r.stance in opposing for _, r in self.responses)

    def to_dict(self) -> dict[str, Any]:
        from .records import to_dict

        return {
            "holder": to_dict(self.holder),
            "holder_kb": self.holder_kb,
            "stance": self.stance,
            "content": to_dict(self.content),
            "contested": self.contested,
            "sources": [to_dict(s.__dict__) for s in self.sources],
            "responses": [{"article_id": a, **to_dict(r)} for a, r in self.responses],
        }


def group_claims(rows: Sequence[Any], threshold: float = 0.5) -> list[ClaimGroup]:
    """Merge the same claim reported by several articles: same holder (KB id, else name) and
    shared content words (overlap coefficient >= ``threshold``). ``rows`` are store ClaimRows,
    oldest first; the first report gives the group's words."""
    groups: list[tuple[ClaimGroup, set[str]]] = []
    for row in rows:
        claim = row.claim
        holder_key = row.holder_kb or claim.holder.name.lower()
        words = _plain_words(claim.content.text)
        match = None
        for group, group_words in groups:
            key = group.holder_kb or group.holder.name.lower()
            if key != holder_key or not words or not group_words:
                continue
            overlap = len(words & group_words) / min(len(words), len(group_words))
            if overlap >= threshold:
                match = (group, group_words)
                break
        source = ClaimSource(
            row.article_id, row.title, row.outlet, row.published, claim.content, claim.id
        )
        answers = [(row.article_id, r) for r in claim.responses]
        if match is None:
            group = ClaimGroup(
                claim.holder, row.holder_kb, claim.stance, claim.content, [source], answers
            )
            groups.append((group, words))
        else:
            match[0].sources.append(source)
            match[0].responses.extend(answers)
            match[1].update(words)
    return [group for group, _ in groups]


def _plain_words(text: str) -> set[str]:
    """Content words without a parser (for matching stored claims across articles)."""
    import re as _re

    return {w for w in _re.findall(r"[a-z][a-z'-]+", text.lower()) if w not in _STOP and len(w) > 2}
