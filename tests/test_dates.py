from __future__ import annotations

from datetime import date

import pytest

from newsdesk.dates import resolve

THURSDAY = date(2025, 12, 4)


@pytest.mark.parametrize(
    ("expression", "value", "granularity"),
    [
        ("2014", "2014", "year"),
        ("late 2023", "2023", "year"),
        ("the 1990s", "199X", "decade"),
        ("March 3, 2024", "2024-03-03", "day"),
        ("3 March 2024", "2024-03-03", "day"),
        ("March 2024", "2024-03", "month"),
        ("in March", "2025-03", "month"),
        ("December", "2025-12", "month"),
        ("Wednesday", "2025-12-03", "day"),
        ("on Thursday", "2025-12-04", "day"),
        ("last Thursday", "2025-11-27", "day"),
        ("Friday", "2025-11-28", "day"),
        ("next Tuesday", "2025-12-09", "day"),
        ("yesterday", "2025-12-03", "day"),
        ("today", "2025-12-04", "day"),
        ("last month", "2025-11", "month"),
        ("last year", "2024", "year"),
        ("earlier this year", "2025", "year"),
        ("last week", "2025-W48", "week"),
        ("nearly four years", "P4Y", "duration"),
        ("two decades", "P20Y", "duration"),
        ("the last three days", "P3D", "duration"),
        ("30 years", "P30Y", "duration"),
        ("two days ago", "2025-12-02", "day"),
        ("three weeks ago", "2025-11-13", "day"),
        ("a month ago", "2025-11", "month"),
        ("two years earlier", "2023", "year"),
        ("summer", None, "unknown"),
    ],
)
def test_resolve(expression, value, granularity):
    assert resolve(expression, THURSDAY) == (value, granularity)


@pytest.mark.parametrize("expression", ["Wednesday", "last month", "yesterday"])
def test_relative_dates_need_a_publication_date(expression):
    value, granularity = resolve(expression, None)
    assert value is None
    assert granularity != "unknown"


def test_absolute_dates_do_not_need_one():
    assert resolve("March 3, 2024", None) == ("2024-03-03", "day")


def test_impossible_day_gives_no_value():
    assert resolve("February 30, 2024", THURSDAY) == (None, "day")
