from __future__ import annotations

import json

import pytest

from newsdesk.errors import EncodingError, ExtractionError, FetchError, InputError, LanguageError
from newsdesk.ingest import Document, Failure, Options, decode, read_inputs

from .pages import serve

STORY = (
    "Rebels Seize Border Town\nBy Amina Yusuf\n"
    "Rebel fighters seized the border town of Rutshuru on Sunday, the army said.\n"
    "- Advertisement -\n"
    "\u201cWe will not give up,\u201d the governor told reporters, adding that at least 12 "
    "people had been killed in the fighting.\n"
)


def one(targets, **options):
    (item,) = list(read_inputs([str(t) for t in targets], Options(**options)))
    return item


def test_plain_text_file(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(STORY, encoding="utf-8")
    document = one([path])
    assert isinstance(document, Document)
    assert document.meta["title"] == "Rebels Seize Border Town"
    assert document.meta["byline"] == "Amina Yusuf"
    assert document.text.startswith("Rebel fighters seized")
    assert "Advertisement" not in document.text
    assert document.source == str(path)


def test_no_clean_keeps_the_text_exactly(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(STORY, encoding="utf-8")
    assert one([path], clean=False).text == STORY


def test_html_file_goes_through_trafilatura(tmp_path):
    from .pages import ARTICLE_HTML

    path = tmp_path / "page.html"
    path.write_text(ARTICLE_HTML, encoding="utf-8")
    document = one([path])
    assert document.meta["title"] == "Drone strike hits fuel depot near Port Sudan"
    assert document.meta["byline"] == "Salma Idris"
    assert document.meta["outlet"] == "Red Sea Monitor"
    assert document.meta["published"].startswith("2025-05-06")
    assert document.text.startswith("A drone struck a fuel depot")
    for furniture in ("cookies", "Most read", "Sign in", "All rights reserved", "By Salma"):
        assert furniture not in document.text


def test_jsonl_keeps_ids_and_extra_fields(tmp_path):
    path = tmp_path / "batch.jsonl"
    record = {
        "id": 42,
        "url": "https://example.org/a",
        "title": "T",
        "outlet": "O",
        "published": "2024-05-14T09:30:00Z",
        "section": "World",
        "text": "The army said on Sunday that the rebels had withdrawn from the town.",
    }
    path.write_text(json.dumps(record) + "\n\n", encoding="utf-8")
    document = one([path])
    assert document.meta["id"] == "42"
    assert document.meta["extra"] == {"section": "World"}
    assert document.meta["published"] == "2024-05-14T09:30:00Z"
    assert document.source == "https://example.org/a"
    assert document.text == record["text"]


def test_folder_is_read_recursively(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "two.txt").write_text(STORY.replace("Sunday", "Monday"), encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / ".hidden.txt").write_text(STORY, encoding="utf-8")
    items = list(read_inputs([str(tmp_path)]))
    assert [type(i) for i in items] == [Document, Document]


@pytest.mark.parametrize(
    ("content", "error", "words"),
    [
        (b"", InputError, "empty"),
        (b"   \n\n", InputError, "empty"),
        (bytes(range(256)) * 40, EncodingError, "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", EncodingError, "binary"),
        (
            "Le gouvernement fran\u00e7ais a annonc\u00e9 mardi une nouvelle aide pour les "
            "r\u00e9fugi\u00e9s de la guerre, selon un communiqu\u00e9 publi\u00e9 par le "
            "minist\u00e8re des affaires \u00e9trang\u00e8res.".encode(),
            LanguageError,
            "English",
        ),
    ],
)
def test_bad_files_fail_with_one_clear_error(tmp_path, content, error, words):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    failure = one([path])
    assert isinstance(failure, Failure)
    assert isinstance(failure.error, error)
    assert words in str(failure.error)
    assert str(path) in str(failure.error)
    assert "\n" not in str(failure.error)


def test_latin1_file_is_decoded_with_a_note(tmp_path):
    path = tmp_path / "latin1.txt"
    text = "Jos\u00e9 Pe\u00f1a, the envoy, said the talks in Z\u00fcrich had ended without a deal."
    path.write_bytes(text.encode("latin-1"))
    document = one([path])
    assert document.text == text
    assert any("cp1252" in note for note in document.notes)


def test_huge_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50_000_000)
    failure = one([path])
    assert isinstance(failure, Failure)
    assert "50.0 MB is over the 5 MB limit" in str(failure.error)


def test_missing_path():
    failure = one(["/no/such/file.txt"])
    assert isinstance(failure, Failure)
    assert "no such file" in str(failure.error)


def test_malformed_json_line_fails_alone(tmp_path):
    path = tmp_path / "batch.jsonl"
    good = json.dumps({"text": "The army said the rebels had withdrawn from the town on Sunday."})
    path.write_text(
        f'{good}\n{{"text": "broken\n{good.replace("Sunday", "Monday")}\n', encoding="utf-8"
    )
    items = list(read_inputs([str(path)]))
    assert [type(i) for i in items] == [Document, Failure, Document]
    assert items[1].source.endswith(":2")
    assert "malformed JSON" in str(items[1].error)


def test_url_ingest_from_a_local_server():
    with serve() as base:
        document = one([f"{base}/article.html"])
        not_article = one([f"{base}/login.html"])
        missing = one([f"{base}/missing.html"])
    assert document.meta["url"] == f"{base}/article.html"
    assert document.source == f"{base}/article.html"
    assert document.text.startswith("A drone struck")
    assert isinstance(not_article.error, ExtractionError)
    assert isinstance(missing.error, FetchError)
    assert "HTTP 404" in str(missing.error)


def test_unreachable_url():
    failure = one(["http://127.0.0.1:9/story.html"], timeout=3)
    assert isinstance(failure.error, FetchError)
    assert "cannot fetch" in str(failure.error)


@pytest.mark.parametrize(
    ("data", "text", "notes"),
    [
        (b"\xef\xbb\xbfhello", "hello", ()),
        ("caf\u00e9".encode(), "caf\u00e9", ()),
        (b"\x93quoted\x94", "\u201cquoted\u201d", ("not UTF-8; decoded as cp1252",)),
    ],
)
def test_decode(data, text, notes):
    assert decode(data, "x") == (text, notes)
