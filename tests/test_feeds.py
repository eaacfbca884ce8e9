"""Parsing feeds and sitemaps (newsdesk.feeds) on the fixture files in tests/data/feeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk.errors import FeedError
from newsdesk.feeds import parse_feed

FEEDS = Path(__file__).parent / "data" / "feeds"
BASE = "http://news.example"


def fixture(name: str) -> bytes:
    return (FEEDS / name).read_bytes().replace(b"http://HOST", BASE.encode())


def test_rss_items_have_guid_keys_links_and_utc_dates():
    feed = parse_feed(fixture("rss.xml"), f"{BASE}/feeds/rss.xml")
    assert feed.kind == "rss" and feed.title == "Red Sea Monitor" and not feed.notes
    first, second, third = feed.items
    assert first.key == "rsm-2025-0506-fuel"  # the guid, not the link
    assert first.url == f"{BASE}/news/sudan-fuel.html"
    assert first.title == "Drone strike hits fuel depot near Port Sudan"
    assert first.published == first.marker == "2025-05-06T08:15:00Z" and first.updated is None
    assert second.key == f"{BASE}/news/sahel-dam.html"
    assert third.key == third.url == f"{BASE}/account/login.html"  # no guid: the link


def test_atom_relative_links_are_resolved_and_updated_is_the_marker():
    feed = parse_feed(fixture("atom.xml"), f"{BASE}/feeds/atom.xml")
    (entry,) = feed.items
    assert feed.kind == "atom"
    assert entry.key == "tag:coastledger.example,2025:port-strike"
    assert entry.url == f"{BASE}/news/port-strike.html"
    changed = fixture("atom.xml").replace(
        b"<updated>2025-05-08T06:30:00Z</updated>\n  </entry>",
        b"<updated>2025-05-09T12:00:00+02:00</updated>\n  </entry>",
    )
    (later,) = parse_feed(changed, f"{BASE}/feeds/atom.xml").items
    assert later.published == "2025-05-08T06:30:00Z"
    assert later.updated == later.marker == "2025-05-09T10:00:00Z"


@pytest.mark.parametrize(
    "version", ["https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1"]
)
def test_json_feed_versions_1_and_1_1(version):
    data = json.loads(fixture("feed.json"))
    data["version"] = version
    data["items"].append(
        {"id": 7, "external_url": "/news/other.html", "date_modified": "2025-05-10"}
    )
    data["items"].append({"id": "no-link"})  # an item without any URL is left out
    feed = parse_feed(json.dumps(data).encode(), f"{BASE}/feeds/feed.json")
    assert feed.kind == "jsonfeed" and feed.title == "Delta Desk"
    floods, other = feed.items
    assert floods.key == "delta-2025-05-09-floods"
    assert floods.published == "2025-05-09T03:00:00Z"  # +06:00 given in UTC
    assert floods.updated is None and floods.marker == floods.published
    assert other.key == "7" and other.url == f"{BASE}/news/other.html"
    assert other.updated == "2025-05-10"


def test_json_feed_of_another_version_or_broken_is_an_error():
    with pytest.raises(FeedError, match="version"):
        parse_feed(b'{"version": "https://jsonfeed.org/version/2", "items": []}', BASE)
    with pytest.raises(FeedError, match="malformed JSON Feed"):
        parse_feed(b'{"version": "https://jsonfeed.org/version/1", "items": [', BASE)
    with pytest.raises(FeedError, match='"items" is not a list'):
        parse_feed(b'{"version": "https://jsonfeed.org/version/1.1", "items": {}}', BASE)


def test_sitemap_urlset_with_lastmod_and_news_fields_newest_first():
    feed = parse_feed(fixture("sitemap.xml"), f"{BASE}/sitemap.xml")
    assert feed.kind == "sitemap"
    election, draft = feed.items
    assert election.url == election.key == f"{BASE}/news/election-count.html"
    assert election.title == "Malawi election count delayed by system failure"
    assert election.published == "2025-05-09T15:45:00Z"
    assert election.updated == "2025-05-09T15:45:00Z"
    assert draft.updated == "2025-05-09" and draft.title is None


def test_sitemap_index_lists_sitemaps_not_pages():
    feed = parse_feed(fixture("sitemap-index.xml"), f"{BASE}/sitemap-index.xml")
    assert feed.kind == "sitemapindex" and feed.items == ()
    (child,) = feed.sitemaps
    assert child.url == f"{BASE}/feeds/sitemap.xml" and child.marker == "2025-05-09T16:00:00Z"


def test_a_sitemap_with_entities_is_refused():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY a "aaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&b;</loc></url>'
        b"</urlset>"
    )
    with pytest.raises(FeedError, match="entities"):
        parse_feed(bomb, BASE)


def test_malformed_and_non_feeds_are_errors():
    with pytest.raises(FeedError, match="malformed feed"):
        parse_feed(fixture("malformed.xml"), f"{BASE}/feeds/malformed.xml")
    with pytest.raises(FeedError, match="not RSS, Atom, JSON Feed or a sitemap"):
        parse_feed(fixture("login.html"), f"{BASE}/login.html")
    with pytest.raises(FeedError, match="empty"):
        parse_feed(b"  \n", BASE)
    with pytest.raises(FeedError, match="malformed sitemap"):
        parse_feed(b"<urlset><url><loc>x</url>", BASE)


def test_a_feed_with_a_small_error_keeps_its_items_with_a_note():
    data = fixture("rss.xml").replace(b"<title>Red Sea Monitor</title>", b"<title>A & B</title>")
    feed = parse_feed(data, f"{BASE}/feeds/rss.xml")
    assert len(feed.items) == 3
    assert feed.notes and "feed has errors" in feed.notes[0]


def test_an_empty_valid_feed_has_no_items():
    feed = parse_feed(b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>', BASE)
    assert feed.kind == "rss" and feed.items == ()
