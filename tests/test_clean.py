from __future__ import annotations

import pytest

from newsdesk.clean import clean_text, load_patterns, looks_like_title, normalize_unicode

BODY = "The minister said on Tuesday that talks would resume in Geneva next week."


@pytest.mark.parametrize(
    "line",
    [
        "- Advertisement -",
        "ADVERTISEMENT",
        "— Advertisement —",
        "Share this article",
        "Share on Facebook",
        "Subscribe to our newsletter for daily updates",
        "Click here to read more",
        "Follow us on Twitter",
        "Read more: Ceasefire collapses in north",
        "Story continues below advertisement",
        "Sponsored",
    ],
)
def test_boilerplate_lines_are_removed(line):
    cleaned = clean_text(f"{BODY}\n{line}\n{BODY}", title_line=False)
    assert line not in cleaned.text
    assert cleaned.text == f"{BODY}\n{BODY}"
    assert line in cleaned.removed


@pytest.mark.parametrize(
    "line",
    [
        "Shares of the company fell after the ministry said it would investigate the deal.",
        "Advertisements for the rally were banned by the electoral commission on Monday.",
        "By the end of the day, at least 12 people had been arrested.",
    ],
)
def test_story_sentences_that_resemble_boilerplate_are_kept(line):
    cleaned = clean_text(f"{BODY}\n{line}\n{BODY}", title_line=False)
    assert line in cleaned.text


@pytest.mark.parametrize(
    ("text", "byline", "outlet"),
    [
        ("By Abdiwahab Ahmed\n{body}", "Abdiwahab Ahmed", None),
        ("{body}\nBy Amina Yusuf", "Amina Yusuf", None),
        (
            "{body}\nBy Jean-Pierre de la Croix and Maria Lopez",
            "Jean-Pierre de la Croix and Maria Lopez",
            None,
        ),
        (
            "{body}\nBy Abdiwahab Ahmed\nAxadle Times international–Monitoring.",
            "Abdiwahab Ahmed",
            "Axadle Times",
        ),
        ("{body}\n© 2024 Sahel Wire", None, "Sahel Wire"),
        ("{body}\n(Reporting by Tom Balmforth; Editing by Alex Richardson)", "Tom Balmforth", None),
    ],
)
def test_byline_and_signoff_become_metadata(text, byline, outlet):
    cleaned = clean_text(text.format(body=BODY), title_line=False)
    assert cleaned.text == BODY
    assert cleaned.byline == byline
    assert cleaned.outlet == outlet


def test_byline_pattern_needs_a_name():
    text = f"{BODY}\nBy the end of the week, the ceasefire had collapsed."
    assert clean_text(text, title_line=False).byline is None


def test_title_line_is_lifted():
    cleaned = clean_text(f"Rebels Seize Border Town\n{BODY}")
    assert cleaned.title == "Rebels Seize Border Town"
    assert cleaned.text == BODY


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Putin Pledges to Capture Donbas Despite Fresh US-Ukraine Talks", True),
        ("UN votes to extend Mali mission", True),
        (BODY, False),
        ("Word", False),
    ],
)
def test_looks_like_title(line, expected):
    assert looks_like_title(line) is expected


def test_published_line_is_metadata():
    cleaned = clean_text(f"Headline Here Today\nPublished: 14 May 2025\n{BODY}")
    assert cleaned.published == "14 May 2025"
    assert cleaned.text == BODY


def test_unicode_is_normalised_but_quotes_kept():
    text = "Caf\u0065\u0301 \u201cquoted\u201d\u00a0text\u200b\r\nnext"
    assert normalize_unicode(text) == "Caf\u00e9 \u201cquoted\u201d text\nnext"


def test_user_patterns_add_to_shipped_ones(tmp_path):
    extra = tmp_path / "mine.yaml"
    extra.write_text("boilerplate:\n  - 'listen to this story'\n", encoding="utf-8")
    patterns = load_patterns((str(extra),))
    text = f"{BODY}\nListen to this story\n- Advertisement -"
    assert clean_text(text, title_line=False, patterns=patterns).text == BODY
