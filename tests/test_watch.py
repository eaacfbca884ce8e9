"""``newsdesk watch`` against a real local HTTP server serving the feeds and pages in
tests/data/feeds (no mocked HTTP): new, updated and unchanged items, 304s, 500s, timeouts,
malformed and redirecting feeds, pages that are not articles or too large, robots.txt,
per-host delays and a restart on the same store file."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdesk.cli import main
from newsdesk.errors import InputError
from newsdesk.fetch import FetchSettings
from newsdesk.store import Store
from newsdesk.watch import (
    FeedConfig,
    FeedState,
    Outcome,
    WatchConfig,
    Watcher,
    item_article_id,
    load_config,
    parse_config,
)

FEEDS = Path(__file__).parent / "data" / "feeds"
UA = "newsdesk-test/1.0 (+https://example.org/newsdesk)"


# -- the server ------------------------------------------------------------------------------


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0
    location: str | None = None
    fail_times: int = 0  # answer 500 this many times first
    length: bool = True  # send Content-Length (else the body ends when the connection closes)


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    at: float


@dataclass
class Site:
    base: str = ""
    routes: dict[str, Route] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)

    def text(self, name: str) -> bytes:
        return (FEEDS / name).read_bytes().replace(b"http://HOST", self.base.encode())

    def serve(self, path: str, name: str, **kw: object) -> Route:
        types = {".xml": "application/xml", ".json": "application/feed+json", ".txt": "text/plain"}
        kw.setdefault("content_type", types.get(Path(name).suffix, "text/html; charset=utf-8"))
        self.routes[path] = Route(self.text(name), **kw)  # type: ignore[arg-type]
        return self.routes[path]

    def url(self, path: str) -> str:
        return self.base + path

    def requests(self, path: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.path == path]


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            site.hits.append(Hit(self.path, dict(self.headers), time.monotonic()))
            route = site.routes.get(self.path)
            if route is None:
                return self._send(404, b"not found", "text/plain")
            if route.fail_times > 0:
                route.fail_times -= 1
                return self._send(500, b"server error", "text/plain")
            if route.delay:
                time.sleep(route.delay)
            if route.location:
                self.send_response(route.status)
                self.send_header("Location", route.location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            if (route.etag and self.headers.get("If-None-Match") == route.etag) or (
                route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified
            ):
                self.send_response(304)
                self.end_headers()
                return None
            return self._send(route.status, route.body, route.content_type, route)

        def _send(self, status: int, body: bytes, kind: str, route: Route | None = None) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                if route is not None and route.etag:
                    self.send_header("ETag", route.etag)
                if route is not None and route.last_modified:
                    self.send_header("Last-Modified", route.last_modified)
                if route is None or route.length:
                    self.send_header("Content-Length", str(len(body)))
                else:
                    self.close_connection = True
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                pass

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture()
def site() -> Iterator[Site]:
    the_site = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(the_site))
    the_site.base = f"http://127.0.0.1:{server.server_address[1]}"
    the_site.serve("/robots.txt", "robots.txt")
    for name in (
        "sudan-fuel",
        "sahel-dam",
        "port-strike",
        "flood-relief",
        "election-count",
    ):
        the_site.serve(f"/news/{name}.html", f"{name}.html")
    the_site.serve("/account/login.html", "login.html")
    the_site.serve("/private/draft.html", "sahel-dam.html")
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield the_site
    server.shutdown()
    server.server_close()


@dataclass
class Run:
    watcher: Watcher
    outcomes: list[Outcome]

    def round(self, *, force: bool = False) -> list[Outcome]:
        start = len(self.outcomes)
        self.last = self.watcher.run_round(force=force)
        return self.outcomes[start:]


def watcher(store: Store, analyzer: object, feeds: list[FeedConfig], **settings: object) -> Run:
    defaults: dict[str, object] = {
        "user_agent": UA,
        "timeout": 2.0,
        "per_host_delay": 0.0,
        "retries": 1,
        "backoff": 0.05,
    }
    fetch = FetchSettings(**{**defaults, **settings})  # type: ignore[arg-type]
    outcomes: list[Outcome] = []
    the_watcher = Watcher(store, WatchConfig(tuple(feeds), fetch), analyzer, report=outcomes.append)
    return Run(the_watcher, outcomes)


def by_status(outcomes: list[Outcome], status: str) -> list[str]:
    return [o.url for o in outcomes if o.status == status]


# -- tests -----------------------------------------------------------------------------------


def test_new_items_from_rss_atom_json_feed_and_sitemap_are_ingested(site, store, analyzer):
    site.serve("/feeds/rss.xml", "rss.xml")
    site.serve("/feeds/atom.xml", "atom.xml")
    site.serve("/feeds/feed.json", "feed.json")
    site.serve("/feeds/sitemap-index.xml", "sitemap-index.xml")
    site.serve("/feeds/sitemap.xml", "sitemap.xml")
    feeds = [
        FeedConfig(site.url("/feeds/rss.xml"), 600, name="Red Sea RSS"),
        FeedConfig(site.url("/feeds/atom.xml"), 600, outlet="The Coast Ledger"),
        FeedConfig(site.url("/feeds/feed.json"), 600),
        FeedConfig(site.url("/feeds/sitemap-index.xml"), 600, name="Lake sitemap"),
    ]
    run = watcher(store, analyzer, feeds)
    outcomes = run.round()

    new = by_status(outcomes, "new")
    assert sorted(new) == sorted(
        site.url(f"/news/{n}.html")
        for n in ("sudan-fuel", "sahel-dam", "port-strike", "flood-relief", "election-count")
    )
    assert store.count() == 5
    # the login page is reported and not stored; the robots.txt-disallowed page is not fetched
    (login,) = [o for o in outcomes if o.url.endswith("/account/login.html")]
    assert login.status == "skipped" and "not an article" in login.detail and "E103" in login.detail
    (draft,) = [o for o in outcomes if o.url.endswith("/private/draft.html")]
    assert draft.status == "skipped" and "robots.txt" in draft.detail
    assert site.requests("/private/draft.html") == []
    assert len(site.requests("/robots.txt")) == 1
    assert all(hit.headers.get("User-Agent") == UA for hit in site.hits)
    assert run.last.new == 5 and run.last.skipped == 2 and run.last.feed_errors == 0

    # ids come from the item URL; feed metadata fills what the page lacks
    floods = store.get(item_article_id(site.url("/news/flood-relief.html"))).article
    assert floods.published == "2025-05-09T03:00:00Z"  # the page has no date; the JSON Feed has
    assert floods.outlet == "Delta Desk"  # page site name
    assert floods.url == site.url("/news/flood-relief.html")
    assert floods.meta["feed"] == site.url("/feeds/feed.json")
    strike = store.get(item_article_id(site.url("/news/port-strike.html"))).article
    assert strike.outlet == "The Coast Ledger"  # the configured outlet wins
    assert strike.title == "Dock workers strike at Mombasa port"
    election = store.get(item_article_id(site.url("/news/election-count.html"))).article
    assert election.meta["feed"] == site.url("/feeds/sitemap.xml")

    state = FeedState(store)
    child = state.feed(site.url("/feeds/sitemap.xml"))
    assert child is not None and child["parent"] == site.url("/feeds/sitemap-index.xml")
    rows = {row["url"]: row for row in state.items()}
    assert rows[site.url("/account/login.html")]["status"] == "skipped"
    assert rows[site.url("/news/sahel-dam.html")]["article_id"] == item_article_id(
        site.url("/news/sahel-dam.html")
    )


def test_second_round_is_conditional_gets_304_and_fetches_no_page(site, store, analyzer):
    site.serve("/feeds/rss.xml", "rss.xml", etag='"rss-1"')
    site.serve("/feeds/atom.xml", "atom.xml", last_modified="Thu, 08 May 2025 06:30:00 GMT")
    feeds = [FeedConfig(site.url("/feeds/rss.xml")), FeedConfig(site.url("/feeds/atom.xml"))]
    run = watcher(store, analyzer, feeds)
    run.round()
    assert store.count() == 3
    pages_before = [hit for hit in site.hits if hit.path.startswith(("/news/", "/account/"))]

    assert run.round() == []  # nothing is due yet
    assert run.last.waiting == 2 and run.last.feeds == 0
    outcomes = run.round(force=True)
    assert by_status(outcomes, "not-modified") == [
        site.url("/feeds/rss.xml"),
        site.url("/feeds/atom.xml"),
    ]
    rss, atom = site.requests("/feeds/rss.xml"), site.requests("/feeds/atom.xml")
    assert rss[-1].headers.get("If-None-Match") == '"rss-1"'
    assert atom[-1].headers.get("If-Modified-Since") == "Thu, 08 May 2025 06:30:00 GMT"
    pages_after = [hit for hit in site.hits if hit.path.startswith(("/news/", "/account/"))]
    assert pages_after == pages_before
    assert run.last.not_modified == 2 and store.count() == 3


def test_updated_item_is_refetched_and_reanalysed_under_the_same_id(site, store, analyzer):
    feed = site.serve("/feeds/rss.xml", "rss.xml", etag='"rss-1"')
    page = site.serve("/news/sudan-fuel.html", "sudan-fuel.html", etag='"fuel-1"')
    run = watcher(store, analyzer, [FeedConfig(site.url("/feeds/rss.xml"))])
    run.round()
    fuel_id = item_article_id(site.url("/news/sudan-fuel.html"))
    assert "no drones" not in store.get(fuel_id).article.text
    # the feed changes: the fuel story has a new date and a new page; the dam story has a new
    # date but the same page (its server has no validators)
    feed.body = feed.body.replace(
        b"Tue, 06 May 2025 08:15:00 GMT", b"Wed, 07 May 2025 09:00:00 GMT"
    ).replace(b"Wed, 07 May 2025 10:00:00 GMT", b"Wed, 07 May 2025 12:00:00 GMT")
    feed.etag = '"rss-2"'
    page.body, page.etag = site.text("sudan-fuel-v2.html"), '"fuel-2"'

    outcomes = run.round(force=True)
    assert by_status(outcomes, "updated") == [site.url("/news/sudan-fuel.html")]
    assert by_status(outcomes, "unchanged") == [site.url("/news/sahel-dam.html")]
    assert site.requests("/news/sudan-fuel.html")[-1].headers.get("If-None-Match") == '"fuel-1"'
    assert len(site.requests("/account/login.html")) == 1  # skipped, unchanged: not fetched
    analysis = store.get(fuel_id)
    assert "We had no drones in the area" in analysis.article.text
    assert any("no drones" in quote.content.text for quote in analysis.quotes)
    assert store.count() == 2  # replaced, not added
    assert run.last.updated == 1 and run.last.new == 0


def test_a_500_is_retried_and_a_failing_page_is_retried_next_round(site, store, analyzer):
    site.serve("/feeds/atom.xml", "atom.xml", fail_times=1)
    site.serve("/feeds/feed.json", "feed.json")
    site.routes["/news/flood-relief.html"].fail_times = 2  # more than the one retry
    feeds = [FeedConfig(site.url("/feeds/atom.xml")), FeedConfig(site.url("/feeds/feed.json"))]
    run = watcher(store, analyzer, feeds)
    outcomes = run.round()
    assert len(site.requests("/feeds/atom.xml")) == 2
    assert by_status(outcomes, "new") == [site.url("/news/port-strike.html")]
    (failed,) = [o for o in outcomes if o.status == "failed"]
    assert "HTTP 500" in failed.detail and "after 2 tries" in failed.detail
    assert "will retry" in failed.detail
    row = FeedState(store).item(site.url("/feeds/feed.json"), "delta-2025-05-09-floods")
    assert row is not None and row["status"] == "failed" and row["failures"] == 1

    outcomes = run.round(force=True)  # the feed is unchanged, the failed page is tried again
    assert by_status(outcomes, "new") == [site.url("/news/flood-relief.html")]
    assert store.count() == 2


def test_a_timeout_does_not_stop_the_other_feeds(site, store, analyzer):
    site.serve("/feeds/slow.xml", "rss.xml", delay=3.0)
    site.serve("/feeds/atom.xml", "atom.xml")
    feeds = [FeedConfig(site.url("/feeds/slow.xml")), FeedConfig(site.url("/feeds/atom.xml"))]
    run = watcher(store, analyzer, feeds, timeout=0.5, retries=0)
    started = time.monotonic()
    outcomes = run.round()
    assert time.monotonic() - started < 2.5
    (error,) = [o for o in outcomes if o.status == "error"]
    assert error.url == site.url("/feeds/slow.xml") and "timed out" in error.detail
    assert by_status(outcomes, "new") == [site.url("/news/port-strike.html")]
    assert run.last.feed_errors == 1
    row = FeedState(store).feed(site.url("/feeds/slow.xml"))
    assert row is not None and row["failures"] == 1 and "timed out" in row["last_error"]


def test_a_malformed_feed_gives_one_error_line_and_backs_off(site, store, analyzer):
    site.serve("/feeds/malformed.xml", "malformed.xml")
    site.serve("/feeds/feed.json", "feed.json")
    feeds = [
        FeedConfig(site.url("/feeds/malformed.xml"), 100),
        FeedConfig(site.url("/feeds/feed.json"), 100),
    ]
    run = watcher(store, analyzer, feeds)
    outcomes = run.round()
    (error,) = [o for o in outcomes if o.is_error]
    assert error.status == "error" and "malformed feed" in error.detail and "E104" in error.detail
    assert by_status(outcomes, "new") == [site.url("/news/flood-relief.html")]

    state = FeedState(store)
    waits = []
    for expected_failures in (1, 2, 3):
        if expected_failures > 1:
            run.round(force=True)
        row = state.feed(site.url("/feeds/malformed.xml"))
        assert row["failures"] == expected_failures
        waits.append(
            time.mktime(time.strptime(row["next_due"], "%Y-%m-%dT%H:%M:%SZ"))
            - time.mktime(time.strptime(row["last_checked"], "%Y-%m-%dT%H:%M:%SZ"))
        )
    assert waits == [100, 200, 400]  # the failing feed backs off
    healthy = state.feed(site.url("/feeds/feed.json"))
    assert healthy["failures"] == 0 and healthy["last_error"] is None


def test_a_redirecting_feed_is_followed(site, store, analyzer):
    site.serve("/feeds/atom.xml", "atom.xml")
    site.routes["/old/atom"] = Route(status=301, location=site.url("/feeds/atom.xml"))
    site.routes["/tmp/feed"] = Route(status=302, location="/feeds/feed.json")
    site.serve("/feeds/feed.json", "feed.json")
    feeds = [FeedConfig(site.url("/old/atom")), FeedConfig(site.url("/tmp/feed"))]
    run = watcher(store, analyzer, feeds)
    outcomes = run.round()
    redirected = [o for o in outcomes if o.status == "feed"]
    assert [("redirected to" in o.detail) for o in redirected] == [True, True]
    assert sorted(by_status(outcomes, "new")) == [
        site.url("/news/flood-relief.html"),
        site.url("/news/port-strike.html"),
    ]
    row = FeedState(store).feed(site.url("/old/atom"))
    assert row is not None and row["final_url"] == site.url("/feeds/atom.xml")


def test_huge_pages_and_feeds_are_refused(site, store, analyzer):
    huge = b"<html><body><p>" + b"Lorem ipsum dolor sit amet. " * 12_000 + b"</p></body></html>"
    site.routes["/news/huge.html"] = Route(huge)
    site.routes["/news/huge-stream.html"] = Route(huge, length=False)
    items = "".join(
        f"<item><title>{n}</title><link>{site.url('/news/' + n)}</link></item>"
        for n in ("huge.html", "huge-stream.html", "sahel-dam.html")
    )
    rss = f'<rss version="2.0"><channel><title>Big</title>{items}</channel></rss>'
    site.routes["/feeds/big.xml"] = Route(rss.encode(), content_type="application/rss+xml")
    site.routes["/feeds/huge.xml"] = Route(huge, content_type="application/rss+xml")
    feeds = [FeedConfig(site.url("/feeds/huge.xml")), FeedConfig(site.url("/feeds/big.xml"))]
    run = watcher(store, analyzer, feeds, max_bytes=200_000)
    outcomes = run.round()
    (error,) = [o for o in outcomes if o.status == "error"]
    assert error.url.endswith("/feeds/huge.xml") and "limit" in error.detail
    skipped = {o.url.rsplit("/", 1)[1]: o.detail for o in outcomes if o.status == "skipped"}
    assert set(skipped) == {"huge.html", "huge-stream.html"}
    assert f"{len(huge):,} bytes is over the 200,000-byte limit" in skipped["huge.html"]
    assert "over " in skipped["huge-stream.html"]
    assert by_status(outcomes, "new") == [site.url("/news/sahel-dam.html")]
    assert store.count() == 1


def test_robots_txt_is_fetched_once_and_disallows(site, store, analyzer):
    site.serve("/private/feed.xml", "atom.xml")
    site.serve("/feeds/sitemap.xml", "sitemap.xml")
    feeds = [FeedConfig(site.url("/private/feed.xml")), FeedConfig(site.url("/feeds/sitemap.xml"))]
    run = watcher(store, analyzer, feeds)
    first = run.round()
    second = run.round(force=True)
    for outcomes in (first, second):
        (error,) = [o for o in outcomes if o.status == "error"]
        assert (
            error.url.endswith("/private/feed.xml") and "disallowed by robots.txt" in error.detail
        )
    assert [o.status for o in first if o.url.endswith("/private/draft.html")] == ["skipped"]
    assert site.requests("/private/feed.xml") == site.requests("/private/draft.html") == []
    assert len(site.requests("/robots.txt")) == 1
    assert by_status(first, "new") == [site.url("/news/election-count.html")]


def test_a_sitemap_index_polls_its_sitemaps_by_lastmod(site, store, analyzer):
    index = site.serve("/sitemap-index.xml", "sitemap-index.xml", etag='"index-1"')
    index.body = index.body.replace(
        b"</sitemapindex>",
        f"<sitemap><loc>{site.url('/sitemap-b.xml')}</loc></sitemap></sitemapindex>".encode(),
    )
    site.serve("/feeds/sitemap.xml", "sitemap.xml")
    urlset = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{site.url("/news/port-strike.html")}</loc></url></urlset>'
    site.routes["/sitemap-b.xml"] = Route(urlset.encode(), content_type="application/xml")
    run = watcher(store, analyzer, [FeedConfig(site.url("/sitemap-index.xml"))])
    outcomes = run.round()
    assert sorted(by_status(outcomes, "new")) == [
        site.url("/news/election-count.html"),
        site.url("/news/port-strike.html"),
    ]
    # unchanged index (304): the sitemap with a lastmod is not fetched, the one without is
    run.round(force=True)
    assert len(site.requests("/feeds/sitemap.xml")) == 1
    assert len(site.requests("/sitemap-b.xml")) == 2
    # a new lastmod in a changed index: that sitemap is read again
    index.body = index.body.replace(b"2025-05-09T16:00:00", b"2025-05-10T08:00:00")
    index.etag = '"index-2"'
    run.round(force=True)
    assert len(site.requests("/feeds/sitemap.xml")) == 2
    assert len(site.requests("/news/election-count.html")) == 1  # its item did not change


def test_a_restart_resumes_without_refetching(site, analyzer, tmp_path):
    site.serve("/feeds/rss.xml", "rss.xml", etag='"rss-1"')
    site.serve("/feeds/feed.json", "feed.json")  # no validators: read again, items unchanged
    site.routes["/news/sahel-dam.html"].fail_times = 2  # fails in the first run
    feeds = [FeedConfig(site.url("/feeds/rss.xml")), FeedConfig(site.url("/feeds/feed.json"))]
    db = tmp_path / "watch.db"
    with Store(db) as store:
        run = watcher(store, analyzer, feeds)
        run.round()
        assert store.count() == 2 and run.last.failed == 1
    page_hits = len([hit for hit in site.hits if hit.path.startswith("/news/")])

    with Store(db) as store:  # a new process would do the same: new store, new watcher
        run = watcher(store, analyzer, feeds)
        assert run.round() == [] and run.last.waiting == 2  # not due: the state says so
        outcomes = run.round(force=True)
        assert by_status(outcomes, "not-modified") == [site.url("/feeds/rss.xml")]
        # only the page that failed is fetched again
        assert by_status(outcomes, "new") == [site.url("/news/sahel-dam.html")]
        hits = [hit.path for hit in site.hits if hit.path.startswith("/news/")][page_hits:]
        assert hits == ["/news/sahel-dam.html"]
        assert run.last.unchanged == 1  # the JSON Feed item, known and unchanged
        assert store.count() == 3
        assert len(site.requests("/robots.txt")) == 2  # once per run


def test_requests_to_one_host_are_spaced_by_the_per_host_delay(site, store, analyzer):
    site.serve("/feeds/atom.xml", "atom.xml")
    run = watcher(store, analyzer, [FeedConfig(site.url("/feeds/atom.xml"))], per_host_delay=0.3)
    run.round()
    assert [hit.path for hit in site.hits] == [
        "/robots.txt",
        "/feeds/atom.xml",
        "/news/port-strike.html",
    ]
    gaps = [b.at - a.at for a, b in zip(site.hits, site.hits[1:], strict=False)]
    assert all(gap >= 0.28 for gap in gaps), gaps


def test_config_is_read_from_yaml_and_checked(tmp_path):
    path = tmp_path / "feeds.yaml"
    path.write_text(
        "user_agent: test-agent/2\ntimeout: 5\nper_host_delay: 0.5\nretries: 3\n"
        "feeds:\n  - url: https://example.org/rss.xml\n    interval: 300\n    name: Example\n"
        "  - https://example.org/sitemap.xml\n",
        "utf-8",
    )
    config = load_config(path)
    assert [f.url for f in config.feeds] == [
        "https://example.org/rss.xml",
        "https://example.org/sitemap.xml",
    ]
    assert config.feeds[0].interval == 300 and config.feeds[0].label == "Example"
    assert config.feeds[1].interval == 900
    assert config.fetch.user_agent == "test-agent/2" and config.fetch.retries == 3
    bad = [
        ({}, "non-empty list"),
        ({"feeds": [{"url": "ftp://x"}]}, "http"),
        ({"feeds": [{"url": "http://x", "intervall": 5}]}, "unknown key"),
        ({"feeds": ["http://x"], "timout": 5}, "unknown key"),
        ({"feeds": [{"url": "http://x", "interval": "often"}]}, "interval"),
        ({"feeds": ["http://x", "http://x"]}, "twice"),
    ]
    for data, message in bad:
        with pytest.raises(InputError, match=message):
            parse_config(data)


def test_cli_watch_once_prints_a_line_per_outcome_and_a_summary(site, analyzer, tmp_path):
    site.serve("/feeds/atom.xml", "atom.xml")
    site.serve("/feeds/malformed.xml", "malformed.xml")
    config = tmp_path / "feeds.yaml"
    config.write_text(
        f"per_host_delay: 0\nretries: 0\nfeeds:\n"
        f"  - {{url: '{site.url('/feeds/atom.xml')}', interval: 60, name: Coast}}\n"
        f"  - {{url: '{site.url('/feeds/malformed.xml')}', interval: 60}}\n",
        "utf-8",
    )
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    args = ["watch", str(config), "--once", "--db", db, "--user-agent", "cli-agent/1"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("new") and "[Coast]" in line for line in lines)
    assert any(line.startswith("error") and "malformed feed" in line for line in lines)
    assert lines[-1].startswith("round: 2 feeds polled (1 with errors); pages: 1 new")
    assert {hit.headers.get("User-Agent") for hit in site.hits} == {"cli-agent/1"}
    again = runner.invoke(main, args)  # nothing is due: nothing fetched
    assert again.exit_code == 0 and again.output.startswith("round: 0 feeds polled (2 not due)")


def test_cli_watch_matches_alert_rules_as_pages_are_stored(site, analyzer, tmp_path):
    site.serve("/feeds/atom.xml", "atom.xml")
    config = tmp_path / "feeds.yaml"
    config.write_text(
        f"per_host_delay: 0\nretries: 0\nfeeds:\n"
        f"  - {{url: '{site.url('/feeds/atom.xml')}', interval: 60}}\n",
        "utf-8",
    )
    sink = tmp_path / "alerts.jsonl"
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        f"sinks: [{{type: jsonl, path: '{sink}'}}]\n"
        "rules:\n  - {name: ports, keyword: port}\n  - {name: zeppelins, keyword: zeppelin}\n",
        "utf-8",
    )
    db = str(tmp_path / "alerts.db")
    args = ["watch", str(config), "--once", "--db", db, "--alerts", str(rules)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    alerts = [json.loads(line) for line in sink.read_text("utf-8").splitlines()]
    assert alerts and {a["rule"] for a in alerts} == {"ports"}
    with Store(db) as store:
        for alert in alerts:
            text = store.get(alert["article"]["id"]).article.text
            evidence = alert["evidence"]
            assert text[evidence["start"] : evidence["end"]] == evidence["text"]
