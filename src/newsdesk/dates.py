"""Dates: time expressions with ISO values, resolved against the publication date when relative.

Values: ``YYYY`` (year), ``YYYY-MM`` (month), ``YYYY-MM-DD`` (day), ``YYYY-Www`` (week),
``YYYY-Qn``/season as month span is not modelled; ``199X`` (decade, EDTF style); durations are
ISO 8601 (``P4Y``). A relative expression with no publication date gets ``value: null``.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import date, timedelta

from dateutil import parser as dateparser
from dateutil.relativedelta import relativedelta
from spacy.tokens import Doc, Span

from .records import DateMention
from .records import Span as TextSpan

_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "fifty": 50,
    "hundred": 100,
    "several": None,
    "few": None,
    "dozen": 12,
}
_UNITS = {"day": "D", "week": "W", "month": "M", "year": "Y", "decade": "Y", "century": "Y"}
_UNIT_FACTOR = {"decade": 10, "century": 100}
_YEAR = re.compile(r"(1[89]\d\d|20\d\d)")
_DECADE = re.compile(r"(1[89]\d|20\d)0s")
_DURATION = re.compile(
    r"(?:(?:nearly|almost|about|around|some|roughly|more than|over|at least|less than|under|"
    r"the past|the last|the next|past|last|next)\s+)*(?P<n>[\d,.]+|[a-z]+)(?:-|\s+)"
    r"(?P<unit>day|week|month|year|decade|centur(?:y|ie))s?(?:-long| long| old)?"
)
_YEAR_PREPOSITIONS = {
    "in",
    "since",
    "by",
    "from",
    "until",
    "till",
    "before",
    "after",
    "of",
    "during",
    "around",
    "between",
    "and",
    "to",
    "through",
    "early",
    "late",
    "mid",
    "in-",
}
_NAME_WORDS = {"today", "tonight", "tomorrow"}


def extract_dates(doc: Doc, published: str | None = None) -> tuple[DateMention, ...]:
    """Every DATE expression of ``doc`` (plus bare years after a preposition), with its value."""
    anchor = _anchor(published)
    ents = doc.ents  # rebuilt on every access: read once
    spans = [e for e in ents if e.label_ == "DATE" and not _is_part_of_name(e)]
    spans += _bare_years(doc, ents)
    spans.sort(key=lambda s: s.start_char)
    text = doc.text
    return tuple(_mention(text, span, anchor) for span in spans)


def _anchor(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return dateparser.isoparse(published).date()
    except ValueError:
        return None


def _is_part_of_name(span: Span) -> bool:
    """ "India Today" is a medium: a capitalised Today after a proper noun is not a date."""
    first = span[0]
    return (
        first.lower_ in _NAME_WORDS
        and first.text[:1].isupper()
        and first.i > 0
        and not first.is_sent_start
        and first.nbor(-1).pos_ == "PROPN"
    )


def _bare_years(doc: Doc, ents: Sequence[Span]) -> list[Span]:
    dated = {t.i for e in ents if e.label_ == "DATE" for t in e}
    years = []
    for token in doc:
        if token.i in dated or not _YEAR.fullmatch(token.text) or token.i == 0:
            continue
        if token.nbor(-1).lower_ in _YEAR_PREPOSITIONS:
            years.append(doc[token.i : token.i + 1])
    return years


def _mention(text: str, span: Span, anchor: date | None) -> DateMention:
    value, granularity = resolve(span.text, anchor)
    return DateMention(TextSpan.of(text, span.start_char, span.end_char), value, granularity)


def resolve(expression: str, anchor: date | None = None) -> tuple[str | None, str]:
    """ISO value and granularity of a date expression; ``anchor`` is the publication date."""
    text = " ".join(expression.lower().replace("’", "'").split())
    text = re.sub(r"^(the|on|in|since|by|from|until|of|during|this past)\s+", "", text)
    for rule in (_absolute, _duration, _relative):
        result = rule(text, anchor)
        if result is not None:
            return result
    return None, "unknown"


def _absolute(text: str, anchor: date | None) -> tuple[str | None, str] | None:
    if _YEAR.fullmatch(text) or re.fullmatch(r"(early|mid|late)[- ](1[89]\d\d|20\d\d)", text):
        return _YEAR.search(text).group(1), "year"  # type: ignore[union-attr]
    decade = _DECADE.search(text)
    if decade and len(text) <= 16:
        return f"{decade.group(1)}X", "decade"
    words = re.findall(r"[a-z]+", text)
    month = next(
        (
            _MONTHS[w]
            for w in words
            if w in _MONTHS and w != "may" or w == "may" and re.search(r"\bmay\b\s*(\d|$)", text)
        ),
        None,
    )
    if month is None:
        return None
    year = _YEAR.search(text)
    day = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b", _YEAR.sub("", text))
    if year and day:
        return _safe_date(int(year.group(1)), month, int(day.group(1))), "day"
    if year:
        return f"{year.group(1)}-{month:02d}", "month"
    if anchor is None:
        return None, "day" if day else "month"
    guess_year = anchor.year if month <= anchor.month else anchor.year - 1
    if day:
        return _safe_date(guess_year, month, int(day.group(1))), "day"
    return f"{guess_year}-{month:02d}", "month"


def _safe_date(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _duration(text: str, anchor: date | None) -> tuple[str | None, str] | None:
    match = _DURATION.fullmatch(text)
    if not match or text.startswith(("last ", "next ")) and match.group("n") in ("a", "an"):
        return None
    number = match.group("n").replace(",", "")
    unit = "century" if match.group("unit").startswith("centur") else match.group("unit")
    count = _NUMBER_WORDS.get(number) if not number.replace(".", "").isdigit() else float(number)
    if number not in _NUMBER_WORDS and not number.replace(".", "").isdigit():
        return None
    if count is None:
        return None, "duration"
    count = count * _UNIT_FACTOR.get(unit, 1)
    return f"P{count:g}{_UNITS[unit]}", "duration"


def _relative(text: str, anchor: date | None) -> tuple[str | None, str] | None:
    for pattern, granularity, compute in _RELATIVE_RULES:
        match = re.fullmatch(pattern, text)
        if match:
            value = compute(anchor, match) if anchor else None
            if value is not None and pattern is _AGO:  # "a month ago" is a month, not a day
                granularity = {4: "year", 7: "month"}.get(len(value), "day")
            return value, granularity
    return None


def _weekday(anchor: date, match: re.Match[str]) -> str:
    target = _WEEKDAYS[match.group("day")]
    back = (anchor.weekday() - target) % 7
    if match.group("rel") == "next":
        return (anchor + timedelta(days=(target - anchor.weekday()) % 7 or 7)).isoformat()
    if match.group("rel") == "last" and back == 0:
        back = 7
    return (anchor - timedelta(days=back)).isoformat()


def _shift_month(anchor: date, months: int) -> str:
    moved = anchor + relativedelta(months=months)
    return f"{moved.year}-{moved.month:02d}"


def _week(anchor: date, weeks: int) -> str:
    year, week, _ = (anchor + timedelta(weeks=weeks)).isocalendar()
    return f"{year}-W{week:02d}"


def _ago(anchor: date, match: re.Match[str]) -> str | None:
    """ "two days ago", "three weeks ago", "a month ago", "two years earlier": as precise as
    the unit allows (a day, a month, a year)."""
    word, unit = match.group("n"), match.group("unit")
    count = int(word) if word.isdigit() else _NUMBER_WORDS.get(word) or 1
    sign = 1 if match.group("dir") in ("from now", "later") else -1
    if unit in ("day", "week"):
        return (anchor + timedelta(days=sign * count * (7 if unit == "week" else 1))).isoformat()
    if unit == "month":
        return _shift_month(anchor, sign * count)
    return str(anchor.year + sign * count)


_AGO = (
    r"(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
    r"(?P<unit>day|week|month|year)s?\s+(?P<dir>ago|earlier|before|from now|later)"
)
_REL = {"last": -1, "this": 0, "next": 1, "previous": -1, "past": -1, "coming": 1}
_RELATIVE_RULES = [
    (_AGO, "day", _ago),
    (
        r"(?:(?P<rel>last|this|next|this past|past)\s+)?(?P<day>monday|tuesday|wednesday|thursday|"
        r"friday|saturday|sunday)(?:\s+(?:morning|afternoon|evening|night))?",
        "day",
        _weekday,
    ),
    (
        r"(today|tonight|this (morning|afternoon|evening)|earlier today)",
        "day",
        lambda a, m: a.isoformat(),
    ),
    (
        r"yesterday( morning| afternoon| evening)?|last night",
        "day",
        lambda a, m: (a - timedelta(days=1)).isoformat(),
    ),
    (
        r"tomorrow( morning| afternoon| evening)?",
        "day",
        lambda a, m: (a + timedelta(days=1)).isoformat(),
    ),
    (
        r"(?P<rel>last|this|next|previous|past|coming) week|(?P<e>earlier|later) this week",
        "week",
        lambda a, m: _week(a, _REL.get(m.group("rel") or "this", 0)),
    ),
    (
        r"(?P<rel>last|this|next|previous|past|coming) month|(?:earlier|later) this month",
        "month",
        lambda a, m: _shift_month(a, _REL.get(m.group("rel") or "this", 0)),
    ),
    (
        r"(?P<rel>last|this|next|previous|past|coming) year|(?:earlier|later) this year",
        "year",
        lambda a, m: str(a.year + _REL.get(m.group("rel") or "this", 0)),
    ),
]
