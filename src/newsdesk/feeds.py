"""Feeds: RSS and Atom (through feedparser), JSON Feed 1 / 1.1 and XML sitemaps, read into
typed :class:`FeedItem` records.

:func:`parse_feed` looks at the bytes, not at the Content-Type (servers label feeds every way):
a document starting with ``{`` is a JSON Feed, one whose root element is ``urlset`` or
``sitemapindex`` is a sitemap, anything else goes to feedparser. A document that is none of
these, or too broken to yield items, raises :class:`~newsdesk.errors.FeedError`.

Sitemaps are parsed with the standard library's expat, which never fetches external entities;
a sitemap that declares entities at all is refused (no sitemap needs them).
"""

from __future__ import annotations

import calendar
import json
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urldefrag, urljoin

from .errors import FeedError
from .ingest import normalise_date

JSON_FEED_VERSIONS = ("https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1")


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed or sitemap.

    ``key`` identifies the item within its feed (RSS guid, Atom id, JSON Feed id, else the
    link); ``published`` and ``updated`` are ISO 8601 (UTC) when the feed gives them.
    """

    key: str
    url: str
    title: str | None = None
    published: str | None = None
    updated: str | None = None

    @property
    def marker(self) -> str | None:
        """What says the item changed: its updated date, else its published date."""
        return self.updated or self.published


@dataclass(frozen=True)
class Feed:
    """A parsed feed. ``kind``: rss | atom | jsonfeed | sitemap | sitemapindex. A sitemap index
    lists other sitemaps in ``sitemaps`` (as items: their URL and ``lastmod``), not pages."""

    kind: str
    title: str | None
    items: tuple[FeedItem, ...]
    sitemaps: tuple[FeedItem, ...] = ()
    notes: tuple[str, ...] = ()


def parse_feed(data: bytes, url: str, content_type: str | None = None) -> Feed:
    """Parse a feed or sitemap fetched from ``url`` (relative links are resolved against it;
    ``content_type`` is the server's, which feedparser uses to find the character set)."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise FeedError("empty feed", source=url)
    if head.startswith((b"{", b"[")):
        return parse_json_feed(data, url)
    root = _sitemap_root(data, url)
    if root is not None:
        return parse_sitemap(root, url)
    return parse_syndication(data, url, content_type)


# -- RSS and Atom ----------------------------------------------------------------------------


def parse_syndication(data: bytes, url: str, content_type: str | None = None) -> Feed:
    """RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 through feedparser (which never fetches anything when
    given bytes). feedparser recovers from small errors (``bozo``); a document it cannot read
    as a feed at all, or a broken one without items, is an error."""
    import feedparser  # imported here: only watching needs it

    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    parsed: Any = feedparser.parse(data, response_headers=headers)
    version = str(parsed.get("version") or "")
    entries = parsed.get("entries") or []
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if isinstance(problem, feedparser.ThingsNobodyCaresAboutButMe):
        problem = None  # a character set or media type label that feedparser worked around
    if not version and not entries:
        what = f"malformed feed ({_first_line(problem)})" if problem else "not a feed"
        raise FeedError(f"{what}: not RSS, Atom, JSON Feed or a sitemap", source=url)
    items = []
    for entry in entries:
        link = _link(entry, url)
        if not link:
            continue
        key = str(entry.get("id") or "").strip() or link
        items.append(
            FeedItem(
                key=key,
                url=link,
                title=_text(entry.get("title")),
                published=_struct_date(entry.get("published_parsed")),
                # dict.get: feedparser's own get() falls back to the published date (deprecated)
                updated=_struct_date(dict.get(entry, "updated_parsed")),
            )
        )
    if problem is not None and not items:
        raise FeedError(f"malformed feed: {_first_line(problem)}", source=url)
    notes = (
        (f"feed has errors, read what could be read: {_first_line(problem)}",) if problem else ()
    )
    kind = "atom" if version.startswith("atom") else "rss"
    return Feed(kind, _text(parsed.feed.get("title")), tuple(items), notes=notes)


def _link(entry: Any, base: str) -> str | None:
    link = entry.get("link")
    if not link:
        for candidate in entry.get("links") or []:
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = candidate["href"]
                break
    return _absolute(base, link)


def _struct_date(value: time.struct_time | None) -> str | None:
    """feedparser's dates are struct_time in UTC."""
    if not value:
        return None
    try:
        moment = datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError, OSError):
        return None
    return moment.isoformat().replace("+00:00", "Z")


# -- JSON Feed -------------------------------------------------------------------------------


def parse_json_feed(data: bytes, url: str) -> Feed:
    """JSON Feed 1 and 1.1 (https://jsonfeed.org): items with ``id``, ``url`` (else
    ``external_url``), ``title``, ``date_published`` and ``date_modified``."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FeedError(f"malformed JSON Feed: {error}", source=url) from error
    if not isinstance(document, dict):
        raise FeedError("not a JSON Feed (not a JSON object)", source=url)
    version = str(document.get("version") or "").rstrip("/")
    if version not in JSON_FEED_VERSIONS:
        raise FeedError(
            f"not a JSON Feed (version {version or 'missing'}; expected "
            "https://jsonfeed.org/version/1 or 1.1)",
            source=url,
        )
    raw_items = document.get("items")
    if not isinstance(raw_items, list):
        raise FeedError('malformed JSON Feed: "items" is not a list', source=url)
    items = []
    for raw in raw_items:
        if not isinstance(raw, dict):
            continue
        link = _absolute(url, _string(raw.get("url")) or _string(raw.get("external_url")))
        if not link:
            continue
        key = _string(raw.get("id")) or link
        items.append(
            FeedItem(
                key=key,
                url=link,
                title=_string(raw.get("title")),
                published=_iso(raw.get("date_published")),
                updated=_iso(raw.get("date_modified")),
            )
        )
    return Feed("jsonfeed", _string(document.get("title")), tuple(items))


# -- sitemaps --------------------------------------------------------------------------------

_SITEMAP_ROOTS = ("urlset", "sitemapindex")


def _sitemap_root(data: bytes, url: str) -> ET.Element | None:
    """The root element of a sitemap, or None for a document that is not one."""
    head = data[:4096]
    if not any(root.encode() in head for root in _SITEMAP_ROOTS):
        return None
    if b"<!ENTITY" in data:
        raise FeedError("sitemap declares XML entities; refused", source=url)
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise FeedError(f"malformed sitemap: {error}", source=url) from error
    return root if _local(root.tag) in _SITEMAP_ROOTS else None


def parse_sitemap(root: ET.Element, url: str) -> Feed:
    """``urlset`` (pages, with ``lastmod``; a Google News sitemap's title and publication date
    are read too) or ``sitemapindex`` (other sitemaps)."""
    entries = []
    for child in root:
        fields = {_local(part.tag): part for part in child}
        loc = _absolute(url, (fields["loc"].text or "").strip() if "loc" in fields else None)
        if not loc:
            continue
        lastmod = _iso(fields["lastmod"].text) if "lastmod" in fields else None
        title = published = None
        news = fields.get("news")
        if news is not None:
            for part in news:
                if _local(part.tag) == "title":
                    title = (part.text or "").strip() or None
                elif _local(part.tag) == "publication_date":
                    published = _iso(part.text)
        entries.append(
            FeedItem(key=loc, url=loc, title=title, published=published, updated=lastmod)
        )
    # newest first: a sitemap is not in date order, and the newest pages matter most
    entries.sort(key=lambda item: item.marker or "", reverse=True)
    if _local(root.tag) == "sitemapindex":
        return Feed("sitemapindex", None, (), sitemaps=tuple(entries))
    return Feed("sitemap", None, tuple(entries))


# -- helpers ---------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _absolute(base: str, link: str | None) -> str | None:
    if not link or not link.strip():
        return None
    absolute = urldefrag(urljoin(base, link.strip()))[0]
    return absolute if absolute.startswith(("http://", "https://")) else None


def _iso(value: Any) -> str | None:
    """An ISO form of a date; a date with a time is given in UTC."""
    normal = normalise_date(value)
    if normal and "T" in normal:
        try:
            moment = datetime.fromisoformat(normal)
        except ValueError:
            return normal
        if moment.tzinfo is not None:
            return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return normal


def _string(value: Any) -> str | None:
    if isinstance(value, str | int) and not isinstance(value, bool):
        text = str(value).strip()
        return text or None
    return None


def _text(value: Any) -> str | None:
    text = " ".join(str(value or "").split())
    return text or None


def _first_line(error: Any) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
