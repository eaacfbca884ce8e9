"""Ingest: turn files, folders, URLs, JSON Lines and stdin into clean :class:`Document` inputs.

Every reader yields either a :class:`Document` or a :class:`Failure`; one bad item never stops
the others. HTML goes through trafilatura (main text, title, author, date, site name).
"""

from __future__ import annotations

import hashlib
import json
import sys
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dateutil import parser as dateparser

from . import __version__
from .clean import Patterns, clean_text, load_patterns, normalize_unicode
from .errors import EncodingError, ExtractionError, FetchError, InputError, NewsdeskError
from .language import ensure_english

TEXT_SUFFIXES = {".txt", ".text"}  # other files are read when named, not when in a folder
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CONTRACT_FIELDS = ("id", "url", "title", "published", "outlet", "byline", "text")
USER_AGENT = f"newsdesk/{__version__} (+https://example.org/newsdesk)"


@dataclass(frozen=True)
class Options:
    """How inputs are read. ``max_bytes`` bounds one article (a whole JSON Lines file may be larger)."""

    clean: bool = True
    max_bytes: int = 5_000_000
    timeout: float = 20.0
    patterns: Patterns | None = None
    check_language: bool = True


@dataclass(frozen=True)
class Document:
    """One article ready for analysis: its text (offsets refer to it) and metadata."""

    text: str
    source: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Failure:
    source: str
    error: NewsdeskError


Item = Document | Failure


def read_inputs(targets: Iterable[str], options: Options | None = None) -> Iterator[Item]:
    """Read each target: ``-`` for stdin, an http(s) URL, a file or a folder (recursively)."""
    options = options or Options()
    for target in targets:
        if target == "-":
            yield from _guard("<stdin>", lambda: read_stream(sys.stdin.buffer, "<stdin>", options))
        elif target.startswith(("http://", "https://")):
            yield from _guard(target, lambda t=target: iter([read_url(t, options)]))
        else:
            yield from read_path(Path(target), options)


def read_path(path: Path, options: Options) -> Iterator[Item]:
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            if not any(part.startswith(".") for part in child.relative_to(path).parts) and (
                child.suffix.lower() in TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
            ):
                yield from read_path(child, options)
        return
    source = str(path)
    if not path.exists():
        yield Failure(source, InputError("no such file or folder", source=source))
        return
    if path.suffix.lower() in JSONL_SUFFIXES:
        yield from _guard(source, lambda: read_jsonl(path, options))
        return
    yield from _guard(source, lambda: iter([read_file(path, options)]))


def _guard(source: str, produce: Any) -> Iterator[Item]:
    """Run a reader; a NewsdeskError (or OS error) becomes one Failure for ``source``."""
    try:
        yield from produce()
    except NewsdeskError as error:
        yield Failure(error.source or source, error)
    except OSError as error:
        yield Failure(source, InputError(f"cannot read: {error.strerror or error}", source=source))


def read_file(path: Path, options: Options) -> Document:
    source = str(path)
    size = path.stat().st_size
    _check_size(size, options, source)
    data = path.read_bytes()
    return from_bytes(data, source, options, html=path.suffix.lower() in HTML_SUFFIXES)


def read_stream(stream: Any, source: str, options: Options) -> Iterator[Item]:
    data = stream.read(options.max_bytes * 50 + 1)
    text, notes = decode(data, source)
    if _looks_like_jsonl(text):
        yield from parse_jsonl(text.splitlines(), source, options)
    else:
        _check_size(len(data), options, source)
        yield from_bytes(data, source, options)


def read_url(
    url: str, options: Options, *, opener: urllib.request.OpenerDirector | None = None
) -> Document:
    """Fetch and read an http(s) URL; ``opener`` replaces urllib's default one (the API passes
    :func:`newsdesk.fetchguard.public_opener`, which connects to public addresses only)."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    open_url = opener.open if opener is not None else urllib.request.urlopen
    try:
        with open_url(request, timeout=options.timeout) as response:
            data = response.read(options.max_bytes + 1)
            final_url = response.geturl()
    except urllib.error.HTTPError as error:
        raise FetchError(f"HTTP {error.code} {error.reason}", source=url) from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise FetchError(f"cannot fetch: {reason}", source=url) from error
    _check_size(len(data), options, url)
    document = from_bytes(data, url, options, html=True)
    return replace(document, meta={"url": final_url, **document.meta})


def from_bytes(data: bytes, source: str, options: Options, *, html: bool = False) -> Document:
    text, notes = decode(data, source)
    if html or _looks_like_html(text):
        document = from_html(text, source, options)
    else:
        document = from_text(text, source, options)
    return replace(document, notes=notes + document.notes)


def from_text(
    text: str,
    source: str | None,
    options: Options,
    meta: dict[str, Any] | None = None,
    *,
    title_line: bool = True,
) -> Document:
    """A plain-text article; cleaning lifts title, byline and sign-off into metadata."""
    meta = dict(meta or {})
    if options.clean:
        cleaned = clean_text(
            text,
            title_line=title_line and not meta.get("title"),
            patterns=options.patterns or load_patterns(),
        )
        body = cleaned.text
        for key, value in (
            ("title", cleaned.title),
            ("byline", cleaned.byline),
            ("outlet", cleaned.outlet),
            ("published", normalise_date(cleaned.published)),
        ):
            if value and not meta.get(key):
                meta[key] = value
    else:
        body = text
    if not body.strip():
        raise InputError("no article text (empty after cleaning)", source=source)
    if options.check_language:
        ensure_english(body, source)
    return Document(body, source, meta)


def from_html(html: str, source: str | None, options: Options) -> Document:
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    try:
        extracted: Any = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=False
        )
    except Exception as error:  # trafilatura raises assorted parser errors on broken pages
        raise ExtractionError(f"cannot parse the HTML page: {error}", source=source) from error
    if extracted is None or not (extracted.text or "").strip():
        raise ExtractionError("no article text found in the HTML page", source=source)
    meta = {
        "title": extracted.title,
        "byline": extracted.author,
        "outlet": extracted.sitename,
        "published": normalise_date(extracted.date),
        "url": extracted.url or None,
    }
    meta = {key: value for key, value in meta.items() if value}
    text = _drop_repeated_title(extracted.text, extracted.title)
    if not _reads_as_prose(text):
        raise ExtractionError(
            "no article text found in the HTML page (only menus, forms or short lines)",
            source=source,
        )
    return from_text(text, source, options, meta, title_line=False)


def _reads_as_prose(text: str, min_words: int = 25, min_sentence: int = 10) -> bool:
    """Article text has some words and at least one sentence-length line; menus and forms do not."""
    lines = [line.split() for line in text.splitlines()]
    total = sum(len(words) for words in lines)
    return total >= min_words and any(len(words) >= min_sentence for words in lines)


def _drop_repeated_title(text: str, title: str | None) -> str:
    """Pages repeat the headline as the first line of the body; it is metadata, not text."""
    first, _, rest = text.partition("\n")
    if title and rest and " ".join(first.split()).casefold() == " ".join(title.split()).casefold():
        return rest
    return text


def read_jsonl(path: Path, options: Options) -> Iterator[Item]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            yield from _jsonl_line(raw, f"{path}:{number}", options)


def parse_jsonl(lines: Iterable[str], source: str, options: Options) -> Iterator[Item]:
    for number, line in enumerate(lines, start=1):
        yield from _jsonl_line(line.encode("utf-8"), f"{source}:{number}", options)


def _jsonl_line(raw: bytes, where: str, options: Options) -> Iterator[Item]:
    if not raw.strip():
        return
    try:
        _check_size(len(raw), options, where)
        record = json.loads(raw)
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise InputError('JSON line has no string field "text"', source=where)
        yield from_record(record, where, options)
    except json.JSONDecodeError as error:
        yield Failure(
            where, InputError(f"malformed JSON: {error.msg} at column {error.colno}", source=where)
        )
    except NewsdeskError as error:
        yield Failure(where, error)


def from_record(record: dict[str, Any], where: str, options: Options) -> Document:
    """A JSON Lines record: contract fields become metadata, other fields are kept under ``extra``."""
    meta: dict[str, Any] = {k: record[k] for k in CONTRACT_FIELDS if record.get(k) and k != "text"}
    if "author" in record and "byline" not in meta:
        meta["byline"] = record["author"]
    if meta.get("id") is not None:
        meta["id"] = str(meta["id"])
    meta["published"] = normalise_date(meta.get("published"))
    extra = {k: v for k, v in record.items() if k not in CONTRACT_FIELDS and k != "author"}
    if extra:
        meta["extra"] = extra
    source = record.get("url") or where
    document = from_text(normalize_unicode(record["text"]), source, options, meta, title_line=False)
    return document


def decode(data: bytes, source: str) -> tuple[str, tuple[str, ...]]:
    """UTF-8 (with or without BOM), else Windows-1252/Latin-1 with a note; binary data is refused."""
    if not data.strip():
        raise InputError("empty input", source=source)
    head = data[:8192]
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    if b"\x00" in head or controls > len(head) * 0.05:
        raise EncodingError("binary data, not text", source=source)
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError:
        pass
    for encoding in ("cp1252", "latin-1"):
        try:
            return data.decode(encoding), (f"not UTF-8; decoded as {encoding}",)
        except UnicodeDecodeError:
            continue
    raise EncodingError(
        "cannot decode text", source=source
    )  # pragma: no cover - latin-1 decodes all


def normalise_date(value: Any) -> str | None:
    """An ISO 8601 form of a published date, or None if it cannot be read."""
    if not value:
        return None
    try:
        parsed = dateparser.isoparse(str(value))
    except ValueError:
        try:
            parsed = dateparser.parse(str(value))
        except (ValueError, OverflowError):
            return None
    has_time = ":" in str(value) or "T" in str(value)[8:]
    if not has_time and parsed.hour == parsed.minute == 0:
        return parsed.date().isoformat()
    return parsed.isoformat().replace("+00:00", "Z")


def content_hash(text: str) -> str:
    """Hash of the text with whitespace collapsed and case folded: the identity of a story body."""
    canonical = " ".join(text.split()).casefold()
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _check_size(size: int, options: Options, source: str) -> None:
    if size > options.max_bytes:
        raise InputError(
            f"{size / 1e6:.1f} MB is over the {options.max_bytes / 1e6:g} MB limit for one article "
            "(--max-bytes)",
            source=source,
        )


def _looks_like_html(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in head)


def _looks_like_jsonl(text: str) -> bool:
    first = text.lstrip()[:1]
    return first == "{"
