"""Figures: the numbers of a story with their unit, hedge, bound, what they count and who says so.

A pure stage: a parsed ``Doc`` and the records of the earlier stages in, :class:`Figure` records
out (offsets into ``doc.text``). The knowledge is data (``data/figures.yaml``): number and scale
words, hedges, bounds, currencies and units, casualty words and what is not a figure.

How a figure is read, left to right over the tokens:

- a **number phrase**: digits ("19,546", "1.2bn"), words ("two million", "a dozen", "half a
  million"), magnitudes ("thousands of" = 1000, "tens of thousands" = 10000, approximate),
  fractions before "of" ("a third of", unit ``fraction``), ranges ("between 10 and 20", "10 to
  20", "10-20": ``value`` 10, ``upper`` 20, ``bound`` range; a scale on the top applies to both);
- the words before it: a currency ("$", "€", "US$"), a hedge ("about", "nearly", "an estimated":
  ``approx`` keeps the words) and a bound ("at least", "more than" → min; "up to", "fewer than" →
  max); the words after it: a unit ("%", "percent", "square kilometers" → ``km2``), a currency
  word ("euros");
- what it counts, from the parse: the noun it numbers ("20,000 children": ``unit`` is the noun
  in the plural), the "of" phrase of a magnitude, fraction or measure ("5,000 square kilometers
  of Donetsk province"), the subject of a value verb ("the death toll rose to 156"); ``counted``
  is that noun with its modifiers and the clause that restricts it ("children forcibly relocated
  since 2022");
- ``kind``: a casualty class from the counted noun, its modifiers or the verb it is subject or
  object of ("20 people were killed", "killed 30 terrorists", "a death toll of 156");
- ``claimed_by``: the speaker of the innermost attribution whose content holds the figure;
  ``event``: the event whose trigger governs the figure's clause; ``place`` and ``date``: a place
  and a date attached to that clause.

Not figures: dates, times and durations ("four years"), ages ("aged 45", "a 45-year-old"),
ordinals, phone numbers, numbers inside names ("G7", "Resolution 2231", "F-16", "Group of Seven"),
reference numbers ("Article 5", "page 3"), compound modifiers ("a 28-point plan"), "one" as a
pronoun ("one of the leaders") and small definite counts ("the two leaders").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.tokens import Doc, Token

from .dates import resolve
from .records import DateMention, Entity, EntityRef, Event, Figure, Quote
from .records import Span as TextSpan
from .yamlfile import load_yaml

_DIGITS = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?([a-z]+)?", re.I)
_RANGE_TOKEN = re.compile(r"(\d[\d,]*(?:\.\d+)?)[-–—](\d[\d,]*(?:\.\d+)?)([a-z]+)?", re.I)
_PHONE = re.compile(r"(?<![\w,.])\+?\(?\d[\d ().-]{6,}\d(?![\w,])")
_TIME_WORDS = re.compile(
    r"\d:\d|\b[ap]\.?m\b|o'clock|hour|minute|second|noon|midnight|gmt|utc|morning|evening|"
    r"night|afternoon",
    re.I,
)
_NAME_WORD = re.compile(r"(?<![\w])[A-Z]")  # a name has a capital letter
_NAME_TYPES = frozenset(
    {"ORG", "PRODUCT", "LAW", "EVENT", "WORK_OF_ART", "FAC", "PERSON", "GPE", "LOC", "NORP"}
)
_PLACE_TYPES = ("GPE", "LOC", "FAC")
_PLACE_PREPS = frozenset("in at near inside outside across around throughout from off".split())
_NESTED_PLACE_PREPS = frozenset("in at near on of".split())
_RANGE_WORDS = frozenset({"to", "-", "–", "—", "or"})
_CLAUSE_DEPS = frozenset({"ROOT", "ccomp", "advcl", "relcl", "parataxis", "csubj", "pcomp"})
_COPULAS = frozenset({"be", "remain", "stay", "lie"})
_NP_LEFT = frozenset({"amod", "compound", "nmod", "nn", "npadvmod"})
_NP_RIGHT = frozenset({"acl", "relcl", "prep", "amod"})
_HEDGE_DEPS = frozenset({"advmod", "quantmod", "npadvmod", "amod", "det", "nmod", "nummod"})
_OBJECT_DEPS = frozenset({"dobj", "obj", "oprd"})
_IRREGULAR = {"child": "children", "person": "people", "man": "men", "woman": "women"}
_VALUE_PREPS = frozenset("to at by from around above below over under near".split())
_NOT_RESTRICTIVE = frozenset({"including", "like", "such", "among", "excluding", "besides"})
_COUNTED_CAP = 10  # words of `counted` at most


@dataclass(frozen=True)
class Lexicon:
    numbers: dict[str, float]
    scales: dict[str, float]
    vague: dict[str, float]
    fractions: dict[str, float]
    hedges: frozenset[tuple[str, ...]]
    bounds: dict[tuple[str, ...], str]
    currency_symbols: dict[str, str]
    currency_words: dict[tuple[str, ...], str]
    units: dict[tuple[str, ...], str]
    casualties: dict[str, str]
    intransitive: frozenset[str]
    measure_nouns: frozenset[str]
    value_verbs: frozenset[str]
    lives_verbs: frozenset[str]
    states: frozenset[str]
    not_claims: frozenset[str]
    releases: frozenset[str]
    preposition_verbs: dict[str, frozenset[str]]
    people_unit: str
    time_units: frozenset[str]
    name_words: frozenset[str]
    age_words: frozenset[str]
    not_counted: frozenset[str]
    definite: frozenset[str]
    modifiers: dict[tuple[str, ...], tuple[bool, str | None]]  # hedge or bound: (hedge?, bound)


def _words(phrase: str) -> tuple[str, ...]:
    return tuple(str(phrase).lower().split())


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    text = resources.files("newsdesk").joinpath("data/figures.yaml").read_text("utf-8")
    data: dict[str, Any] = load_yaml(text)
    hedges = frozenset(_words(h) for h in data["hedges"])
    bounds = {_words(k): str(v) for k, v in data["bounds"].items() if v}
    casualties = {
        str(word).lower(): kind for kind, words in data["casualties"].items() for word in words
    }
    return Lexicon(
        numbers={str(k): float(v) for k, v in data["numbers"].items()},
        scales={str(k): float(v) for k, v in data["scales"].items()},
        vague={str(k): float(v) for k, v in data["vague"].items()},
        fractions={str(k): float(v) for k, v in data["fractions"].items()},
        hedges=hedges,
        bounds=bounds,
        currency_symbols={str(k).lower(): str(v) for k, v in data["currency_symbols"].items()},
        currency_words={_words(k): str(v) for k, v in data["currency_words"].items()},
        units={_words(k): str(v) for k, v in data["units"].items()},
        casualties=casualties,
        intransitive=frozenset(data["intransitive"]),
        measure_nouns=frozenset(data["measure_nouns"]),
        value_verbs=frozenset(data["value_verbs"]),
        lives_verbs=frozenset(data["lives_verbs"]),
        states=frozenset(data["states"]),
        not_claims=frozenset(data["not_claims"]),
        releases=frozenset(data["releases"]),
        preposition_verbs={str(k): frozenset(v) for k, v in data["preposition_verbs"].items()},
        people_unit=str(data["people_unit"]),
        time_units=frozenset(str(w).lower() for w in data["time_units"]),
        name_words=frozenset(str(w).lower() for w in data["name_words"]),
        age_words=frozenset(data["age_words"]),
        not_counted=frozenset(data["not_counted"]),
        definite=frozenset(data["definite"]),
        modifiers={p: (p in hedges, bounds.get(p)) for p in set(hedges) | set(bounds)},
    )


# -- number phrases ------------------------------------------------------------------------------


@dataclass
class _Number:
    """A number phrase over tokens ``start:end``."""

    start: int
    end: int
    value: float
    scale: float = 1.0  # the multiplier as written ("million"): carried to the bottom of a range
    words: bool = False  # spelled out ("two")
    vague: bool = False  # a magnitude ("thousands of")
    fraction: bool = False
    upper: float | None = None
    digits: str = ""  # the digits as written, for years and phone numbers


def _number(doc: Doc, i: int, lex: Lexicon) -> _Number | None:
    """The number phrase that starts at token ``i``, if any."""
    for reader in (_vague, _fraction, _digits, _spelled):
        found = reader(doc, i, lex)
        if found is not None:
            return found
    return None


def _vague(doc: Doc, i: int, lex: Lexicon) -> _Number | None:
    word = doc[i].lower_
    if word not in lex.vague:
        return None
    value, j = lex.vague[word], i + 1
    while (
        j + 1 < len(doc) and doc[j].lower_ == "of" and lex.vague.get(doc[j + 1].lower_, 0) >= 1000
    ):
        value *= lex.vague[doc[j + 1].lower_]
        j += 2
    if word == "tens" and j == i + 1:
        return None  # "tens" alone is not a number
    return _Number(i, j, value, words=True, vague=True)


def _fraction(doc: Doc, i: int, lex: Lexicon) -> _Number | None:
    n = len(doc)
    word = doc[i].lower_
    if word == "half":
        if i + 2 < n and doc[i + 1].lower_ in ("a", "an") and doc[i + 2].lower_ in _BIG:
            scale = lex.scales[doc[i + 2].lower_]
            return _Number(i, i + 3, 0.5 * scale, scale=scale, words=True)
        if i + 1 < n and doc[i + 1].lower_ == "of":
            return _Number(i, i + 1, 0.5, words=True, fraction=True)
        return None
    numerator = 1.0 if word in ("a", "an") else lex.numbers.get(word)
    if numerator is None or numerator > 10:
        return None
    j = i + 1
    if j < n and doc[j].text in ("-", "–"):
        j += 1
    if j + 1 < n and doc[j].lower_ in lex.fractions and doc[j + 1].lower_ == "of":
        if doc[j].lower_ == "half" and word not in ("a", "an", "one"):
            return None
        value = round(numerator * lex.fractions[doc[j].lower_], 4)
        return _Number(i, j + 1, value, words=True, fraction=True)
    return None


_BIG = ("hundred", "thousand", "million", "billion", "trillion")


def _digits(doc: Doc, i: int, lex: Lexicon) -> _Number | None:
    token = doc[i]
    match = _DIGITS.fullmatch(token.text)
    ranged = None if match else _RANGE_TOKEN.fullmatch(token.text)
    if match is None and ranged is None:
        return None
    suffix = (match or ranged).group(3)  # type: ignore[union-attr]
    if suffix and suffix.lower() not in lex.scales:
        return None  # "14th", "5km" (a unit glued on is rare in news and read nowhere else)
    if match:
        value = float(match.group(1).replace(",", "") + (match.group(2) or ""))
        upper = None
        written = match.group(1)
    else:
        assert ranged is not None
        value = float(ranged.group(1).replace(",", ""))
        upper = float(ranged.group(2).replace(",", ""))
        written = token.text
    scale = lex.scales[suffix.lower()] if suffix else 1.0
    j = i + 1
    while j < len(doc) and doc[j].lower_ in lex.scales and doc[j].lower_ != "hundred":
        word = doc[j].lower_
        if len(word) < 2 and doc[j - 1].whitespace_:
            break  # "5 m" may be metres; "5m" is million
        scale *= lex.scales[word]
        j += 1
    number = _Number(i, j, value * scale, scale=scale, digits=written)
    if upper is not None:
        number.upper = upper * scale
    return number


def _spelled(doc: Doc, i: int, lex: Lexicon) -> _Number | None:
    n = len(doc)
    word = doc[i].lower_
    total, current, last, j = 0.0, 0.0, "", i
    if word in ("a", "an"):
        if i + 1 >= n or doc[i + 1].lower_ not in (*_BIG, "dozen"):
            return None
        current, last, j = 1.0, "unit", i + 1
    elif word in _BIG:
        before = doc[i - 1].lower_ if i else ""
        if before not in ("several", "few", "many"):
            return None
        current, last = 1.0, "unit"
    elif word not in lex.numbers:
        return None
    scale = 1.0
    while j < n:
        word = doc[j].lower_
        if word in ("-", "–") and last == "tens" and j + 1 < n:
            if lex.numbers.get(doc[j + 1].lower_, 99) < 10:
                j += 1
                continue
            break
        if word == "and" and last in ("hundred", "scale") and j + 1 < n:
            if doc[j + 1].lower_ in lex.numbers:
                j += 1
                continue
            break
        if word == "dozen" and last in ("unit", ""):
            current = (current or 1.0) * 12
            last = "dozen"
        elif word in lex.numbers and word != "dozen":
            value = lex.numbers[word]
            if last in ("", "hundred", "scale") or (last == "tens" and value < 10):
                current += value
                last = "tens" if value >= 20 else "unit"
            else:
                break
        elif word == "hundred" and last in ("unit", "tens", ""):
            current = (current or 1.0) * 100
            last = "hundred"
        elif word in _BIG and last != "scale":
            scale = lex.scales[word]
            total += (current or 1.0) * scale
            current, last = 0.0, "scale"
        else:
            break
        j += 1
    if j == i or last == "":
        return None
    return _Number(i, j, total + current, scale=scale, words=True)


def _range(doc: Doc, number: _Number, lex: Lexicon) -> tuple[_Number, int] | None:
    """The top of "10 to 20", "10-20", "two or three", "between 10 and 20"; its currency token."""
    j = number.end
    if j + 1 >= len(doc) or number.fraction or number.vague:
        return None
    word = doc[j].lower_
    between = number.start > 0 and doc[number.start - 1].lower_ == "between"
    if not (word in _RANGE_WORDS or (word == "and" and between)):
        return None
    if word == "or" and not number.words:
        return None
    before = number.start - 1
    if before >= 0 and doc[before].lower_ in lex.currency_symbols:
        before -= 1
    if before >= 0 and doc[before].lower_ == "from":
        return None  # "rose from 10 to 20", "from $5 to $12": two figures
    k = j + 1
    if doc[k].lower_ in lex.currency_symbols and k + 1 < len(doc):
        k += 1
    top = _number(doc, k, lex)
    if top is None or top.vague or top.fraction:
        return None
    if top.scale > 1 and number.scale == 1 and number.value * top.scale <= top.value:
        number.value *= top.scale
        number.scale = top.scale
    if top.value <= number.value:
        return None  # "voted 52 to 48" is not a range
    if not between and top.value > 10 * number.value:
        return None  # "grew by $40bn to $1.5tn": two amounts
    return top, k


# -- the stage -----------------------------------------------------------------------------------


@dataclass
class _Found:
    """A figure under construction (token indices)."""

    start: int
    end: int
    number: _Number
    currency: str | None = None
    unit: str | None = None
    unit_end: int = 0
    approx: str | None = None
    bound: str | None = None
    head: Token | None = None  # the counted noun
    top: Token | None = None  # the figure's top token in the parse
    measured: Token | None = None  # "toll" in "the death toll rose to 156"
    partitive: Token | None = None  # "chickens" in "20 million of the 150 million chickens"
    others: bool = False  # "and 60 others"
    tokens: set[int] = field(default_factory=set)


def extract_figures(
    doc: Doc,
    entities: Sequence[Entity],
    quotes: Sequence[Quote],
    events: Sequence[Event],
    dates: Sequence[DateMention],
    published: str | None = None,
    lexicon: Lexicon | None = None,
) -> tuple[Figure, ...]:
    """The figures of ``doc`` in text order; see the module docstring for what counts."""
    reader = _Reader(doc, entities, quotes, events, dates, published, lexicon or load_lexicon())
    return tuple(reader.figures())


class _Reader:
    def __init__(
        self,
        doc: Doc,
        entities: Sequence[Entity],
        quotes: Sequence[Quote],
        events: Sequence[Event],
        dates: Sequence[DateMention],
        published: str | None,
        lex: Lexicon,
    ) -> None:
        self.doc = doc
        self.text = doc.text
        self.lex = lex
        self.quotes = list(quotes)
        self.events = list(events)
        self.dates = list(dates)
        self.published = published
        self.mentions = sorted((m.start, m.end, e) for e in entities for m in e.mentions)
        self.starts = [m[0] for m in self.mentions]
        self.blocked = self._blocked(entities)
        self.previous: tuple[int, str, int] | None = None  # the last count: its end, unit, verb
        self.triggers = {
            t.i: index
            for index, event in enumerate(self.events)
            for t in self._tokens_in(event.trigger.start, event.trigger.end)
        }

    # -- what is not a figure --------------------------------------------------------------------

    def _tokens_in(self, start: int, end: int) -> Iterable[Token]:
        span = self.doc.char_span(start, end, alignment_mode="expand")
        return span if span is not None else ()

    def _blocked(self, entities: Sequence[Entity]) -> set[int]:
        """Tokens that cannot be part of a number: names, dates, times, phone numbers."""
        blocked: set[int] = set()
        names = [
            (m.start, m.end)
            for e in entities
            if e.type in _NAME_TYPES
            for m in e.mentions
            if _NAME_WORD.search(m.text)
        ]
        for ent in self.doc.ents:
            if ent.label_ in _NAME_TYPES and _NAME_WORD.search(ent.text):
                names.append((ent.start_char, ent.end_char))  # not "104" read as an ORG
            elif ent.label_ == "TIME" and _TIME_WORDS.search(ent.text):
                names.append((ent.start_char, ent.end_char))
        for mention in self.dates:
            if mention.value is not None or mention.granularity != "unknown":
                names.append((mention.span.start, mention.span.end))
        names += [(m.start(), m.end()) for m in _PHONE.finditer(self.text) if _phone(m.group())]
        for start, end in names:
            blocked.update(t.i for t in self._tokens_in(start, end))
        return blocked

    def _name_number(self, number: _Number) -> bool:
        """ "Resolution 2231", "Boeing 737", "Group of Seven", "page 3", "No. 10"."""
        doc = self.doc
        first = doc[number.start]
        before = doc[number.start - 1] if number.start else None
        capital = number.words and first.text[:1].isupper() and not first.is_sent_start
        if capital and before is not None and before.is_alpha:
            return True  # "Group of Seven", "the Big Three"
        if before is None or not number.digits:
            return False
        if before.lower_ in self.lex.name_words or before.text in ("#", "No.", "no."):
            return True
        attached = first.head.i == before.i or before.head.i == first.i
        return before.pos_ == "PROPN" and before.text[:1].isupper() and attached

    def _year(self, found: _Found) -> bool:
        number = found.number
        written = number.digits
        if not written or "," in written or number.scale != 1 or found.unit or found.currency:
            return False
        if not (len(written) == 4 and 1800 <= number.value <= 2100):
            return False
        head = found.head
        return head is None or head.tag_ != "NNS" or found.approx is None and found.bound is None

    # -- reading ---------------------------------------------------------------------------------

    def figures(self) -> Iterable[Figure]:
        i, n = 0, len(self.doc)
        while i < n:
            found = self._at(i)
            if found is None:
                i += 1
                continue
            figure = self._figure(found)
            if figure is not None:
                if found.head is not None and figure.unit:
                    verb = _clause_verb(found.top) if found.top is not None else None
                    self.previous = (
                        max(found.unit_end, found.head.i + 1),
                        figure.unit,
                        verb.i if verb is not None else -1,
                    )
                yield figure
            i = max(found.number.end, found.unit_end, i + 1)

    def _at(self, i: int) -> _Found | None:
        doc, lex = self.doc, self.lex
        currency = None
        start = i
        if doc[i].lower_ in lex.currency_symbols and i + 1 < len(doc):
            currency = lex.currency_symbols[doc[i].lower_]
            i += 1
        if i in self.blocked:
            return None
        number = _number(doc, i, lex)
        if number is None or any(t in self.blocked for t in range(number.start, number.end)):
            return None
        end = number.end
        ranged = _range(doc, number, lex)
        if ranged is not None:
            top, _ = ranged
            number.upper, end = top.value, top.end
            number.end = end
            if any(t in self.blocked for t in range(top.start, top.end)):
                return None
        found = _Found(start, end, number, currency=currency, unit_end=end)
        self._modifiers(found)
        self._unit(found)
        return found

    def _modifiers(self, found: _Found) -> None:
        """Hedges and bounds before the number ("nearly", "at least", "between")."""
        doc = self.doc
        start = found.start
        if start > 0 and doc[start - 1].lower_ == "between" and found.number.upper is not None:
            start -= 1
            found.bound = "range"
        table = self.lex.modifiers
        for _ in range(2):
            match = _phrase_before(doc, start, table)
            if match is None:
                break
            (hedge, bound), first = match
            if first == start - 1 and not self._modifies(doc[first], found):
                break
            words = doc[first:start].text.lower()
            if hedge and found.approx is None:
                found.approx = words
            if bound and found.bound is None:
                found.bound = bound
            start = first
        found.start = start
        if found.number.upper is not None:
            found.bound = "range"
        elif found.number.vague and found.approx is None:
            end = found.number.end
            with_of = end < len(doc) and doc[end].lower_ == "of"
            found.approx = doc[found.number.start : end + with_of].text.lower()

    def _modifies(self, word: Token, found: _Found) -> bool:
        """A one-word hedge must modify the number: "about 20 hostages", not "talked about 20
        hostages" (there "about" is a preposition)."""
        before = word.nbor(-1) if word.i > 0 else None
        governed = self.lex.preposition_verbs.get(word.lower_, frozenset())
        if before is not None and before.lemma_.lower() in governed:
            return False  # "talked about 20 hostages", "fought over 20 villages"
        if word.dep_ in ("quantmod", "advmod", "npadvmod"):
            return True
        inside = found.number.start <= word.head.i < max(found.number.end + 3, found.unit_end)
        return inside and word.dep_ in _HEDGE_DEPS

    def _unit(self, found: _Found) -> None:
        doc, lex = self.doc, self.lex
        j = found.number.end
        match = _phrase_after(doc, j, lex.units) or _hyphenated_unit(doc, j, lex.units)
        if match is not None:
            found.unit, j = match  # "5,000 square kilometers", "a 100,000-square-kilometer sea"
        if found.unit is None or found.currency is None:
            money = _phrase_after(doc, j, lex.currency_words)
            if money is not None and found.currency is None:
                found.currency, j = money
        found.unit_end = j
        if found.currency and not found.unit:
            found.unit = found.currency

    # -- the figure ------------------------------------------------------------------------------

    def _figure(self, found: _Found) -> Figure | None:
        doc, lex = self.doc, self.lex
        number = found.number
        end = found.unit_end
        if self._name_number(number) or self._age(found) or self._compound(found):
            return None
        phrase = range(number.start, end)
        top = _top(doc, phrase)
        found.top = top
        counted: list[Token] = []
        if number.fraction:
            found.unit = "fraction"
            counted = self._of_phrase(top, found)
        elif found.unit:
            counted = self._of_phrase(top, found, money=found.currency is not None)
            if not counted:
                counted = self._modified_noun(top, found.unit_end)
        else:
            head = self._counted_head(found, top)
            if head is not None:
                if head.lower_ in lex.time_units or head.lemma_.lower() in lex.time_units:
                    return None  # "four years", "20 days": durations are dates
                if head.lower_ in lex.not_counted:
                    return None
                if head.lower_ == "others":
                    found.others = True  # "injured 60 others": the unit of the count before
                found.head = head
                end = max(end, head.i + 1)
                found.top = top = _np_top(head, top)
                strong = number.end + 1 < len(doc) and doc[number.end + 1].lower_ == "strong"
                counted = self._noun_phrase(head, number.end + 2 if strong else number.end)
        if found.partitive is not None:
            counted = self._noun_phrase(found.partitive, found.partitive.i)
        if found.unit is None and found.head is None and found.partitive is None:
            found.measured = self._measured(top)
            if found.measured is not None:
                counted = self._measured_phrase(found.measured)
        if self._year(found) or self._pronoun(found):
            return None
        kind = self._kind(found)
        if found.unit is None:
            found.unit = self._count_unit(found, kind)
        if number.words and not kind and number.value <= 10 and not number.vague:
            if found.unit is None and found.head is None:
                return None  # "two of them", "the three": not a count worth a record
            if self._definite(found):
                return None  # "the two leaders"
        counted_text = self._counted(counted, found)
        span = TextSpan.of(self.text, doc[found.start].idx, _end_char(doc[end - 1]))
        return Figure(
            span=span,
            value=_clean(number.value),
            unit=found.unit,
            approx=found.approx,
            counted=counted_text,
            claimed_by=self._claimant(span),
            bound=found.bound,
            upper=_clean(number.upper) if number.upper is not None else None,
            kind=kind,
            place=self._place(found),
            date=self._date(found),
            event=self._event(found),
        )

    def _age(self, found: _Found) -> bool:
        """ "aged 45", "under the age of 18", "Khoshbo, 33, said", "Gee was 17 when"."""
        doc = self.doc
        start = found.number.start
        before = doc[start - 1].lower_ if start else ""
        if before in self.lex.age_words:
            return True
        if before == "of" and start > 1 and doc[start - 2].lower_ in self.lex.age_words:
            return True
        if found.unit_end > found.number.end or found.number.end - start != 1 or found.currency:
            return False
        token = doc[start]
        if token.dep_ == "appos" and token.head.pos_ == "PROPN":
            return True
        if token.dep_ == "attr" and token.head.lemma_ == "be":
            subject = _subject_of(token.head)
            return subject is not None and (
                subject.ent_type_ == "PERSON" or subject.lower_ in ("he", "she", "i")
            )
        return False

    def _compound(self, found: _Found) -> bool:
        """ "a 28-point plan", "a two-day visit", "a 45-year-old": a modifier, not a count."""
        doc = self.doc
        j = found.unit_end
        if j + 1 >= len(doc) or doc[j].text not in ("-", "–") or doc[j - 1].whitespace_:
            return False
        return doc[j + 1].is_alpha and doc[j + 1].lower_ != "strong" and not doc[j].whitespace_

    def _pronoun(self, found: _Found) -> bool:
        """ "one of the leaders", "no one", "one another": "one" names nobody's count."""
        number = found.number
        first = self.doc[number.start]
        if first.lower_ != "one" or number.end - number.start != 1 or found.unit:
            return False
        if number.start and self.doc[number.start - 1].lower_ in ("no", "every", "any", "the"):
            return True
        if number.end < len(self.doc) and self.doc[number.end].lower_ in ("of", "another"):
            return True
        if found.head is None:
            return True
        return self._kind(found) is None and found.currency is None

    def _definite(self, found: _Found) -> bool:
        start = found.start
        return start > 0 and self.doc[start - 1].lower_ in self.lex.definite

    # -- what is counted -------------------------------------------------------------------------

    def _counted_head(self, found: _Found, top: Token) -> Token | None:
        """The noun a count numbers: "20,000 children", "thousands of children", "12 dead"."""
        number = found.number
        doc = self.doc
        if number.end + 2 < len(doc) and doc[number.end + 1].lower_ == "strong":
            force = doc[number.end + 1].head  # "a 5,000-strong force"
            if force.pos_ == "NOUN" and force.i > number.end:
                return force
        last = doc[number.end - 1]
        for token in (last, top):
            head = token.head
            while (
                (head.pos_ in ("NUM", "PROPN") or head.tag_ == "NN")
                and head.dep_ in ("nummod", "compound")
                and head.head.i > head.i
                and head.head.i - number.end <= 4
            ):
                head = head.head  # "six F-16 jets"
            if (
                token.dep_ in ("nummod", "quantmod", "amod", "compound", "nmod", "appos")
                and head.i >= number.end
                and head.pos_ in ("NOUN", "PROPN", "ADJ", "VERB")
                and (head.pos_ != "VERB" or head.tag_ == "VBN")
                and head.i - number.end <= 4
            ):
                if head.pos_ in ("VERB", "ADJ") and not self._casualty_word(head):
                    continue  # "12 dead" counts the dead; "45,000 large- and ..." does not
                return head
        if number.end < len(self.doc) and self.doc[number.end].lower_ == "of":
            of_noun = _of_object(self.doc[number.end])
            named = of_noun is not None and (of_noun.tag_ == "NNPS" or of_noun.ent_type_ == "NORP")
            if of_noun is not None and (of_noun.pos_ == "NOUN" or named):
                if any(c.dep_ == "nummod" for c in of_noun.children):
                    found.partitive = of_noun  # "20 million of the 150 million chickens"
                    return None
                return of_noun
        return None

    def _casualty_word(self, token: Token) -> str | None:
        casualties = self.lex.casualties
        return casualties.get(token.lower_) or casualties.get(token.lemma_.lower())

    def _of_phrase(self, top: Token, found: _Found, money: bool = False) -> list[Token]:
        """ "5,000 square kilometers [of Donetsk province]", "$1.2 billion [in aid]"."""
        preps = ("of", "in", "worth", "for") if money else ("of",)
        after = self.doc[found.unit_end] if found.unit_end < len(self.doc) else None
        attached = after is not None and found.number.start <= after.head.i < found.unit_end
        if after is not None and attached and after.dep_ == "prep" and after.lower_ in preps:
            noun = _of_object(after)
            if noun is not None:
                return self._noun_phrase(noun, after.i)  # "two-thirds [of the budget]"
        for child in top.rights:
            if child.dep_ == "prep" and child.lower_ in preps:
                noun = _of_object(child)
                if noun is not None:
                    return self._noun_phrase(noun, child.i)
        return []

    def _modified_noun(self, top: Token, after: int) -> list[Token]:
        """ "a $1.2 billion aid package": the noun that the amount modifies."""
        head = top.head
        modifier = top.dep_ in ("compound", "nmod", "amod", "nummod") and head.i > top.i
        if modifier and head.pos_ in ("NOUN", "PROPN"):
            return self._noun_phrase(head, after)
        measured = self._measured(top)
        return self._measured_phrase(measured) if measured is not None else []

    def _measured(self, top: Token) -> Token | None:
        """The thing a bare value measures: "the death toll rose to 156", "a toll of 156",
        "inflation stood at 30%"."""
        token = top
        if token.dep_ == "pobj" and token.head.dep_ == "prep":
            holder = token.head.head
            if holder.pos_ in ("NOUN", "PROPN") and holder.lemma_.lower() in self.lex.measure_nouns:
                return holder  # "a death toll of 156"
            value_verb = (
                holder.pos_ in ("VERB", "AUX") and holder.lemma_.lower() in self.lex.value_verbs
            )
            if holder.pos_ in ("VERB", "AUX") and token.head.lower_ in _VALUE_PREPS:
                measure = next(
                    (
                        c
                        for c in holder.children
                        if c.dep_ == "dobj" and c.lemma_.lower() in self.lex.measure_nouns
                    ),
                    None,
                )
                if measure is not None:
                    return measure  # "raised the death toll to more than 60"
            if value_verb and token.head.lower_ in _VALUE_PREPS:
                return _subject_of(holder)  # "rose to 156", "stood at 30%"
            return None
        verb = token.head
        if token.dep_ in ("dobj", "attr", "npadvmod") and verb.pos_ in ("VERB", "AUX"):
            return _subject_of(verb) if verb.lemma_.lower() in self.lex.value_verbs else None
        return None

    def _measured_phrase(self, measured: Token) -> list[Token]:
        """The measured noun without the figure itself ("death toll", not "death toll of 156")."""
        dropped = {
            t.i
            for child in measured.rights
            if child.dep_ == "prep" and any(t.like_num for t in child.subtree)
            for t in child.subtree
        }
        return [t for t in self._measured_words(measured) if t.i not in dropped]

    def _measured_words(self, measured: Token) -> list[Token]:
        of_noun = _of_object(measured)
        if of_noun is not None and of_noun.like_num:
            of_noun = None  # "a toll of [156]" is the figure itself
        if of_noun is not None and measured.lemma_.lower() in self.lex.measure_nouns:
            return self._noun_phrase(of_noun, 0)
        return self._noun_phrase(measured, 0)

    def _noun_phrase(self, head: Token, after: int) -> list[Token]:
        """The counted noun, its modifiers after the number, and a short restrictive clause."""
        words = [head]
        for child in head.lefts:
            if child.i >= after and child.dep_ in _NP_LEFT:
                words.extend(t for t in child.subtree if t.i >= after)
        for child in head.rights:
            if child.dep_ == "prep" and child.lower_ in _NOT_RESTRICTIVE:
                continue
            of = child.dep_ == "prep" and child.lower_ == "of"
            if (child.dep_ in _NP_RIGHT and not of) or (of and head.lemma_ != "number"):
                words.extend(_short(child))
        return sorted(set(words), key=lambda t: t.i)

    def _counted(self, counted: list[Token], found: _Found) -> str | None:
        """``counted`` with the predicate that restricts it: a passive ("children forcibly
        relocated since 2022") or a copula's complement ("under Ukrainian control")."""
        if not counted:
            if found.head is not None:
                return found.head.text
            return None
        words = list(counted)
        top = found.top
        if top is not None and top.dep_ in ("nsubj", "nsubjpass") and top.head.i > top.i:
            verb = top.head
            if top.dep_ == "nsubjpass" or verb.tag_ == "VBN":
                words += [c for c in verb.lefts if c.dep_ in ("advmod", "neg")] + [verb]
                for child in verb.rights:
                    wanted = child.dep_ in ("prep", "agent", "advmod", "oprd", "xcomp")
                    if wanted and child.lower_ not in _NOT_RESTRICTIVE:
                        words.extend(_short(child))
            elif verb.lemma_.lower() in _COPULAS:
                for child in verb.rights:
                    if child.dep_ in ("prep", "acomp") and child.lower_ not in _NOT_RESTRICTIVE:
                        words.extend(_short(child))
        words = sorted(set(words), key=lambda t: t.i)
        if len(words) > _COUNTED_CAP:  # too long with its predicate: the noun phrase alone
            words = sorted(set(counted), key=lambda t: t.i)[:_COUNTED_CAP]
        while words and (words[-1].is_punct or words[-1].dep_ in ("cc", "prep", "det")):
            words.pop()
        return _join(words) or None

    def _plural(self, noun: Token, value: float | None) -> str | None:
        """The unit of a count: the counted noun in the plural with its noun compounds
        ("asylum seekers"); a noun left singular after a number is its own plural ("19
        aircraft")."""
        if self._casualty_word(noun) and noun.pos_ in ("ADJ", "VERB"):
            return self.lex.people_unit  # "12 dead", "40 wounded"
        if noun.pos_ not in ("NOUN", "PROPN"):
            return None
        if noun.tag_ in ("NNS", "NNPS") or value != 1:
            word = noun.lower_
        else:
            word = _pluralise(noun.lemma_.lower())
        compounds: list[str] = []
        for child in reversed(list(noun.lefts)):
            if (
                child.dep_ != "compound"
                or child.pos_ != "NOUN"
                or child.i != noun.i - 1 - len(compounds)
            ):
                break
            compounds.insert(0, child.lower_)
        return " ".join([*compounds, word])

    def _count_unit(self, found: _Found, kind: str | None) -> str | None:
        if found.others:
            start = self.doc[found.number.start].sent.start
            if self.previous is not None and self.doc[self.previous[0] - 1].sent.start == start:
                return self.previous[1]
            return self.lex.people_unit if kind is not None else None
        if found.head is not None:
            return self._plural(found.head, found.number.value)
        if found.partitive is not None:
            return self._plural(found.partitive, 2)
        if found.measured is not None:
            of_noun = _of_object(found.measured)
            if of_noun is not None and not of_noun.like_num:
                return self._plural(of_noun, 2)  # "the number of refugees rose to 6.3 million"
        elif self._previous_count(found) is not None:
            return self._previous_count(found)  # "322 votes to 266", "..., and only 388 have"
        return self.lex.people_unit if kind is not None else None

    def _previous_count(self, found: _Found) -> str | None:
        """The unit of the count just before a bare number that shares its clause: "322 votes
        to 266", "101 hostages remain, including 35", "deported 19,546 children, and only 388
        have been returned"."""
        if self.previous is None or found.number.words and found.number.value <= 10:
            return None
        end, unit, verb_index = self.previous
        doc = self.doc
        start = found.number.start
        if end < start and doc[end].sent.start != doc[start].sent.start:
            return None
        if end + 1 == start and doc[end].lower_ in ("to", "against", "versus", "vs"):
            return unit
        top = found.top
        if top is None or verb_index < 0:
            return None
        argument = top.dep_ in ("nsubj", "nsubjpass", "dobj") or (
            top.dep_ == "pobj" and top.head.lower_ in ("including", "among")
        )
        verb = _clause_verb(top)
        if verb is None or not argument:
            return None
        other = doc[verb_index]
        related = (
            verb.i == other.i
            or (verb.dep_ in ("conj", "prep") and verb.head.i == other.i)  # "..., including 35"
            or (other.dep_ == "conj" and other.head.i == verb.i)
        )
        return unit if related else None

    def _kind(self, found: _Found) -> str | None:
        """The casualty class: what happens to the counted ("70 hostages had been killed"), then
        what describes them ("35 who are believed dead", "abducted children"), then what they
        are ("refugees")."""
        head = found.head
        if head is not None and head.lemma_.lower() == "life":
            verb = _role(found.top)[1] if found.top is not None else None
            if verb is not None and verb.lemma_.lower() in self.lex.lives_verbs:
                return "killed"  # "claimed 30 lives"
        if found.top is not None:
            kind = self._verb_kind(found.top)
            if kind:
                return kind
        verb = _role(found.top)[1]
        released = verb is not None and verb.lemma_.lower() in self.lex.releases
        holder = head or found.top
        candidates = _candidates(holder)[1:]
        if not released and holder is not None:
            candidates.append(holder)  # "released 90 prisoners": no longer held
        for token in candidates:
            kind = self._casualty_word(token)
            if kind and self._suffers(token, holder):
                return kind
            if token.dep_ in ("relcl", "acl"):
                for child in token.children:
                    if child.dep_ in ("oprd", "xcomp", "acomp") and self._casualty_word(child):
                        return self._casualty_word(child)  # "who are believed dead"
        if found.measured is not None:
            measured = found.measured
            for token in (measured, *measured.children):
                if token.dep_ in ("compound", "amod", "nmod") or token is measured:
                    kind = self._casualty_word(token)
                    if kind:
                        return kind
            of_noun = _of_object(measured)
            if of_noun is not None:
                return self._casualty_word(of_noun)
        return None

    def _suffers(self, word: Token, head: Token | None) -> bool:
        """Whether the counted noun suffers the act named by ``word`` (one of its modifiers):
        "civilians killed" and "who were detained" do, "soldiers killing civilians" do not."""
        if head is None or word.i == head.i or word.dep_ == "amod" or word.pos_ != "VERB":
            return True
        lemma = word.lemma_.lower()
        if lemma in self.lex.intransitive or word.tag_ == "VBN":
            relative = [c for c in word.children if c.tag_ in ("WP", "WDT")]
            return not relative or relative[0].dep_ != "nsubj" or lemma in self.lex.intransitive
        return False

    def _verb_kind(self, top: Token) -> str | None:
        """The casualty class of the verb the figure is subject or object of."""
        dep, verb = _role(top)
        if verb is None:
            return None
        words = [verb] + [c for c in verb.children if c.dep_ in ("xcomp", "oprd", "acomp", "attr")]
        for word in words:
            kind = self._casualty_word(word)
            if not kind:
                continue
            lemma = word.lemma_.lower()
            passive = (
                dep == "nsubjpass"
                or dep == "nsubj"
                and (word.tag_ in ("VBN", "JJ") or word.lower_ in self.lex.states)
            )
            if word is not verb or dep in _OBJECT_DEPS or passive or word.pos_ == "NOUN":
                return kind
            if dep == "nsubj" and lemma in self.lex.intransitive:
                return kind
        if dep == "pobj" and verb.pos_ == "NOUN":
            return self._casualty_word(verb)  # "the killing of 30 civilians"
        return None

    # -- who, where, when, which event -----------------------------------------------------------

    def _claimant(self, span: TextSpan) -> EntityRef | None:
        holding = [
            q
            for q in self.quotes
            if q.content.start <= span.start and span.end <= q.content.end and q.speaker
            if not self._commitment(q)
        ]
        if not holding:
            return None
        inner = min(holding, key=lambda q: q.content.end - q.content.start)
        return inner.speaker

    def _commitment(self, quote: Quote) -> bool:
        if quote.cue is None:
            return False
        return any(
            t.lemma_.lower() in self.lex.not_claims
            for t in self._tokens_in(quote.cue.start, quote.cue.end)
        )

    def _path(self, found: _Found) -> list[Token]:
        """The figure's tokens up to the head of its clause."""
        start = found.head or found.top
        if start is None:
            return []
        path = [start]
        token = start
        while token.head.i != token.i:
            if token.pos_ in ("VERB", "AUX") and token.dep_ in _CLAUSE_DEPS:
                break
            token = token.head
            path.append(token)
        return path

    def _event(self, found: _Found) -> int | None:
        path = self._path(found)
        for token in path:
            if token.i in self.triggers:
                return self.triggers[token.i]
        if path and path[-1].pos_ in ("VERB", "AUX"):
            for child in path[-1].children:
                if child.dep_ in ("nsubj", "nsubjpass") and child.i in self.triggers:
                    return self.triggers[child.i]  # "the attack killed 20"
        return None

    def _place(self, found: _Found) -> str | None:
        holders = list(self._path(found))
        if found.top is not None and found.unit in ("km2", "mi2", "ha", "acres"):
            holders.insert(0, found.top)  # "5,000 square kilometers of Donetsk province"
        for holder in holders:
            for prep in holder.children:
                area = prep.lower_ == "of" and holder is found.top and found.unit
                if prep.dep_ != "prep" or not (prep.lower_ in _PLACE_PREPS or area):
                    continue
                for pobj in prep.children:
                    if pobj.dep_ != "pobj":
                        continue
                    place = self._place_in(pobj)
                    if place is not None:
                        return place
        return None

    def _place_in(self, pobj: Token, depth: int = 0) -> str | None:
        """A place named by a prepositional object, or one level down: "in a strike on Kharkiv",
        "off the coast of Libya", "from a school in Kaduna state"."""
        words = [pobj, *(t for t in pobj.children if t.dep_ in ("compound", "nmod"))]
        for word in words:
            entity = self._entity_at(word.idx, _end_char(word))
            if entity is not None and entity.type in _PLACE_TYPES:
                return entity.name
        if depth == 0:
            for prep in pobj.children:
                if prep.dep_ == "prep" and prep.lower_ in _NESTED_PLACE_PREPS:
                    inner = _of_object(prep)
                    if inner is not None:
                        found = self._place_in(inner, 1)
                        if found is not None:
                            return found
        return None

    def _entity_at(self, start: int, end: int) -> Entity | None:
        index = bisect_right(self.starts, start) - 1
        while index >= 0:
            m_start, m_end, entity = self.mentions[index]
            if m_start <= start and end <= m_end:
                return entity
            if m_end < start - 200:
                break
            index -= 1
        return None

    def _date(self, found: _Found) -> str | None:
        path = {t.i for t in self._path(found)}
        if not path:
            return None
        where = self.doc[found.number.start].idx
        for mention in sorted(self.dates, key=lambda m: abs(m.span.start - where)):
            if mention.granularity not in ("day", "month", "year", "week", "decade"):
                continue
            span = self.doc.char_span(mention.span.start, mention.span.end, alignment_mode="expand")
            if span is None:
                continue
            chain = span.root
            for _ in range(4):
                if chain.head.i in path and chain.dep_ in ("npadvmod", "prep", "pobj", "tmod"):
                    return self._date_value(mention)
                if chain.head.i == chain.i:
                    break
                chain = chain.head
        return None

    def _date_value(self, mention: DateMention) -> str | None:
        if mention.value is None and self.published:
            try:
                anchor = date.fromisoformat(self.published[:10])
            except ValueError:
                return None
            return resolve(mention.span.text, anchor)[0]
        return mention.value


# -- helpers -------------------------------------------------------------------------------------


def _phone(candidate: str) -> bool:
    digits = sum(c.isdigit() for c in candidate)
    separators = sum(c in " -.()" for c in candidate)
    return digits >= 7 and (candidate.startswith(("+", "(")) or separators >= 2)


def _phrase_before(
    doc: Doc, start: int, table: dict[tuple[str, ...], Any]
) -> tuple[Any, int] | None:
    """The longest phrase of ``table`` ending just before token ``start``: (value, first)."""
    for size in (4, 3, 2, 1):
        first = start - size
        if first < 0:
            continue
        words = tuple(t.lower_ for t in doc[first:start])
        if words in table:
            return table[words], first
    return None


def _hyphenated_unit(doc: Doc, j: int, table: dict[tuple[str, ...], str]) -> tuple[str, int] | None:
    """A unit joined to the number by hyphens: "100,000-square-kilometer", "1,600-kilometer"."""
    words: list[str] = []
    k = j
    while k + 1 < len(doc) and doc[k].text == "-" and not doc[k - 1].whitespace_ and len(words) < 3:
        if doc[k].whitespace_ or not doc[k + 1].is_alpha:
            break
        words.append(doc[k + 1].lower_)
        k += 2
        if tuple(words) in table:
            return table[tuple(words)], k
    return None


def _phrase_after(doc: Doc, j: int, table: dict[tuple[str, ...], str]) -> tuple[str, int] | None:
    for size in (3, 2, 1):
        if j + size > len(doc):
            continue
        words = tuple(t.lower_ for t in doc[j : j + size])
        if words in table:
            return table[words], j + size
    return None


def _top(doc: Doc, phrase: range) -> Token:
    """The token of ``phrase`` whose head lies outside it."""
    for i in phrase:
        if doc[i].head.i not in phrase or doc[i].head.i == i:
            return doc[i]
    return doc[phrase[-1]]


def _np_top(head: Token, top: Token) -> Token:
    """Where the figure attaches to its clause: the counted noun, or the magnitude above it
    ("thousands [of children]" is the object)."""
    return top if top.i < head.i and head.head.i != head.i and _is_above(top, head) else head


def _is_above(top: Token, token: Token) -> bool:
    while token.head.i != token.i:
        token = token.head
        if token.i == top.i:
            return True
    return False


def _of_object(token: Token) -> Token | None:
    """The object of a preposition, or of the "of" under a noun."""
    prep: Token | None = token
    if token.dep_ != "prep":
        prep = next((c for c in token.rights if c.dep_ == "prep" and c.lower_ == "of"), None)
    if prep is None:
        return None
    return next((c for c in prep.children if c.dep_ == "pobj"), None)


def _subject_of(verb: Token) -> Token | None:
    return next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)


def _role(top: Token | None) -> tuple[str, Token | None]:
    """The dependency of the figure to its governor, through coordination."""
    if top is None:
        return "", None
    token = top
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    if token.dep_ == "pobj" and token.head.dep_ in ("prep", "agent"):
        return "pobj", token.head.head
    if token.head.i == token.i:
        return "ROOT", None
    return token.dep_, token.head


def _clause_verb(token: Token) -> Token | None:
    """The verb whose clause holds ``token``."""
    while token.pos_ not in ("VERB", "AUX"):
        if token.head.i == token.i:
            return None
        token = token.head
    return token


def _candidates(head: Token | None) -> list[Token]:
    if head is None:
        return []
    near = [c for c in head.children if c.dep_ in ("amod", "acl", "relcl")]
    return [head, *near]


def _short(token: Token, limit: int = 8) -> list[Token]:
    """A modifier's words, without clauses inside it, at most ``limit``: a dependent that would
    pass the limit is left out whole, so a phrase is never cut in the middle ("people for
    suspected participation", not "people for suspected participation in the anti")."""
    words = [token]
    for child in sorted(token.children, key=lambda c: abs(c.i - token.i)):
        if child.dep_ in ("relcl", "advcl", "ccomp", "conj", "cc", "appos", "parataxis"):
            continue
        if child.is_punct and not _in_word(child):
            continue
        part = _short(child, limit)
        if sum(not _in_word(t) for t in (*words, *part)) <= limit:
            words.extend(part)
    return sorted(words, key=lambda t: t.i)


def _in_word(token: Token) -> bool:
    """A hyphen inside a word ("anti-coup"), however the tagger labels it."""
    return (
        token.text in ("-", "–")
        and token.i > 0
        and not token.whitespace_
        and not token.doc[token.i - 1].whitespace_
    )


def _pluralise(lemma: str) -> str:
    if lemma in _IRREGULAR:
        return _IRREGULAR[lemma]
    if re.search(r"[^aeiou]y$", lemma):
        return lemma[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", lemma):
        return lemma + "es"
    return lemma + "s"


def _join(words: Sequence[Token]) -> str:
    parts: list[str] = []
    for index, word in enumerate(words):
        parts.append(word.text)
        nxt = words[index + 1] if index + 1 < len(words) else None
        if nxt is not None:
            parts.append(word.whitespace_ if nxt.i == word.i + 1 else " ")
    return "".join(parts).strip(" ,;:“”\"'")


def _end_char(token: Token) -> int:
    return token.idx + len(token.text)


def _clean(value: float | None) -> float | None:
    if value is None:
        return None
    rounded = round(value, 4)
    return float(int(rounded)) if rounded == int(rounded) else rounded


# -- a figure's changes over time ---------------------------------------------------------------

_SUBJECT_STOP = frozenset(
    "the a an of in on at for to by from and or with since who that which were was have has "
    "been are is their its these those this other others people person recent last past first "
    "year years month months week weeks day days time".split()
)


def subject_words(figure: Figure) -> frozenset[str]:
    """The content words of what a figure counts, singular, without the unit's own words, the
    casualty words ("killed", "dead": the kind already compares them) and generic ones."""
    unit = set(re.findall(r"[a-z]+", (figure.unit or "").lower()))
    words = re.findall(r"[a-z]+", (figure.counted or "").lower())
    return frozenset(
        w.rstrip("s")
        for w in words
        if w not in _SUBJECT_STOP and w not in unit and not _casualty_word(w) and len(w) > 2
    )


def _casualty_word(word: str) -> bool:
    """ "killed", "deaths", "wounded": a casualty word in any of its forms (a rough stem)."""
    lexicon = load_lexicon()
    known = lexicon.casualties.keys() | set(lexicon.casualties.values())
    return any(word[: len(word) - cut] in known for cut in (0, 1, 2, 3) if len(word) - cut > 2)


def same_subject(a: Figure, b: Figure, *, anchored: bool = False) -> bool:
    """Whether two figures count the same thing, so that one can be read as a change of the
    other ("nearly 20,000 children" deported, then "19,546 children" deported).

    Always: the same unit and casualty kind, and no two different places. Then either the same
    place, or what is counted shares half its words beyond the unit (never for shares and sums
    of money, whose subject is rarely in the counted words: "90% of Gaza's population"). ``anchored``: the reader has
    already named the subject (``--about``), so unit, kind and place are enough. A unit alone is
    not a subject: "12 children" and "four children" of two stories are not one count, nor are
    two death tolls of two wars."""
    if not a.unit or a.unit.lower() != (b.unit or "").lower() or a.kind != b.kind:
        return False
    if a.place and b.place:
        return a.place == b.place
    if anchored:
        return True
    if a.unit in ("percent", "percentage points", "fraction") or re.fullmatch("[A-Z]{3}", a.unit):
        return False  # a share or a sum of what, of whom: only a named subject or place says
    wa, wb = subject_words(a), subject_words(b)
    return bool(wa & wb) and len(wa & wb) * 2 >= len(wa | wb)


CHANGE_WINDOW_DAYS = 60


def _days_apart(first: str | None, second: str | None) -> int:
    try:
        one, two = date.fromisoformat(first[:10]), date.fromisoformat(second[:10])  # type: ignore[index]
    except (TypeError, ValueError):
        return 0
    return abs((two - one).days)


def figure_changes(
    rows: Sequence[tuple[str, str | None, Figure]], *, anchored: bool = False
) -> dict[int, tuple[str, str | None, Figure]]:
    """For rows ``(article_id, published, figure)`` in time order: the index of each row whose
    figure changes an earlier one of the same subject from another article, with that earlier
    row (the latest such). Unless ``anchored``, the two articles are at most
    ``CHANGE_WINDOW_DAYS`` apart: a count that moves is a story that goes on."""
    changes: dict[int, tuple[str, str | None, Figure]] = {}
    for index, (article, published, figure) in enumerate(rows):
        if figure.value is None:
            continue
        for earlier in reversed(rows[:index]):
            before = earlier[2]
            if earlier[0] == article or before.value is None:
                continue
            if not anchored and _days_apart(earlier[1], published) > CHANGE_WINDOW_DAYS:
                continue
            if not same_subject(before, figure, anchored=anchored):
                continue
            if before.value != figure.value:
                changes[index] = earlier
            break
    return changes
