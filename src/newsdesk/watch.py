"""``newsdesk watch``: poll feeds and sitemaps, fetch their new and changed pages, and send them
through the HTML ingest and the pipeline (so deduplication and alerts apply to them too).

State lives in the store (schema 4, tables ``feeds`` and ``feed_items``), so a restart resumes:
a feed is asked with its last ETag / Last-Modified, an item already seen is not fetched again
unless its updated date changed or its last fetch failed, and a page that answers 200 with the
text already stored is not analysed again.

Article ids: a page from a feed is stored under an id made from its URL
(:func:`item_article_id`), not from its text, so an updated page replaces its earlier article
(same id, new text: the store's ``save`` reports ``updated``) instead of sitting beside it.

One feed failing (unreachable, 5xx after retries, timeout, too large, malformed, refused by
robots.txt) gives one ``error`` line, counts a failure in its state and moves its next poll
further away (interval x 2^(failures-1), at most 6 hours or the interval); the round goes on.
See docs/monitoring.md.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import ExtractionError, FeedError, InputError, NewsdeskError
from .feeds import Feed, FeedItem, parse_feed
from .fetch import Fetcher, FetchSettings, Response, TooLargeError
from .ingest import Document, Options, content_hash, from_bytes, normalise_date
from .yamlfile import YAMLError, load_yaml

DEFAULT_INTERVAL = 900.0
MAX_BACKOFF = 6 * 3600.0
MAX_ITEM_FAILURES = 3  # a page that failed this many times in a row waits until its item changes
MAX_CHILD_SITEMAPS = 50
FEED_KEYS = {"url", "interval", "name", "outlet"}
TOP_KEYS = {
    "feeds",
    "user_agent",
    "timeout",
    "max_bytes",
    "per_host_delay",
    "retries",
    "backoff",
    "max_items",
    "robots",
}


# -- configuration -------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedConfig:
    url: str
    interval: float = DEFAULT_INTERVAL
    name: str | None = None
    outlet: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.url


@dataclass(frozen=True)
class WatchConfig:
    """The feeds and how to fetch them. ``max_items``: pages fetched per feed per round (the
    rest wait for the next round)."""

    feeds: tuple[FeedConfig, ...]
    fetch: FetchSettings = field(default_factory=FetchSettings)
    max_items: int = 100


def load_config(path: str | Path) -> WatchConfig:
    source = str(path)
    try:
        data = load_yaml(Path(path).read_text("utf-8"))
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", source=source) from error
    except YAMLError as error:
        raise InputError(f"not valid YAML: {error}", source=source) from error
    return parse_config(data, source)


def parse_config(data: Any, source: str = "<config>") -> WatchConfig:
    """Check a config (as loaded from YAML): ``feeds: [{url, interval, name, outlet}]`` (a feed
    may also be just its URL) and the optional fetch settings. Unknown keys are errors, so a
    typo does not silently fall back to a default."""

    def fail(message: str) -> InputError:
        return InputError(message, source=source)

    if not isinstance(data, dict) or not isinstance(data.get("feeds"), list) or not data["feeds"]:
        raise fail("the config needs a non-empty list `feeds: [{url: ..., interval: SECONDS}]`")
    unknown = set(data) - TOP_KEYS
    if unknown:
        raise fail(
            f"unknown key(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(TOP_KEYS))}"
        )
    feeds: list[FeedConfig] = []
    for number, entry in enumerate(data["feeds"], start=1):
        entry = {"url": entry} if isinstance(entry, str) else entry
        if not isinstance(entry, dict):
            raise fail(f"feed {number} is not a mapping with a url")
        extra = set(entry) - FEED_KEYS
        if extra:
            raise fail(f"feed {number}: unknown key(s) {', '.join(sorted(extra))}")
        url = str(entry.get("url") or "").strip()
        if not url.startswith(("http://", "https://")):
            raise fail(f"feed {number}: url must be an http(s) URL, not {url!r}")
        interval = _number(
            entry.get("interval", DEFAULT_INTERVAL), f"feed {number}: interval", fail
        )
        if interval <= 0:
            raise fail(f"feed {number}: interval must be a positive number of seconds")
        if any(f.url == url for f in feeds):
            raise fail(f"feed {number}: {url} is listed twice")
        name, outlet = entry.get("name"), entry.get("outlet")
        feeds.append(
            FeedConfig(url, interval, str(name) if name else None, str(outlet) if outlet else None)
        )
    defaults = FetchSettings()
    settings = FetchSettings(
        user_agent=str(data.get("user_agent") or defaults.user_agent),
        timeout=_number(data.get("timeout", defaults.timeout), "timeout", fail),
        max_bytes=int(_number(data.get("max_bytes", defaults.max_bytes), "max_bytes", fail)),
        per_host_delay=_number(
            data.get("per_host_delay", defaults.per_host_delay), "per_host_delay", fail
        ),
        retries=int(_number(data.get("retries", defaults.retries), "retries", fail)),
        backoff=_number(data.get("backoff", defaults.backoff), "backoff", fail),
        robots=bool(data.get("robots", True)),
    )
    if settings.timeout <= 0 or settings.max_bytes <= 0:
        raise fail("timeout and max_bytes must be positive")
    max_items = int(_number(data.get("max_items", 100), "max_items", fail))
    if max_items <= 0:
        raise fail("max_items must be positive")
    return WatchConfig(tuple(feeds), settings, max_items)


def _number(value: Any, what: str, fail: Callable[[str], InputError]) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise fail(f"{what} must be a number >= 0, not {value!r}")
    return float(value)


# -- state -----------------------------------------------------------------------------------


def item_article_id(url: str) -> str:
    """The article id of a page from a feed: made from its URL, so that an updated page replaces
    its earlier article. Same shape as content ids (16 hex digits)."""
    return hashlib.sha256(f"url:{url}".encode()).hexdigest()[:16]


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _epoch(value: str | None) -> float | None:
    return datetime.fromisoformat(value).timestamp() if value else None


class FeedState:
    """The ``feeds`` and ``feed_items`` tables of a :class:`~newsdesk.store.Store`."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.db: sqlite3.Connection = store.db

    def feed(self, url: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.db.execute(
            "SELECT * FROM feeds WHERE url = ?", (url,)
        ).fetchone()
        return row

    def feeds(self) -> list[sqlite3.Row]:
        return list(self.db.execute("SELECT * FROM feeds ORDER BY url"))

    def children(self, url: str) -> list[sqlite3.Row]:
        """The sitemaps a sitemap index listed."""
        return list(self.db.execute("SELECT * FROM feeds WHERE parent = ? ORDER BY url", (url,)))

    def next_due(self, url: str) -> float | None:
        row = self.feed(url)
        return _epoch(row["next_due"]) if row else None

    def feed_ok(
        self,
        url: str,
        *,
        parent: str | None,
        name: str | None,
        response: Response,
        keep_validators: bool,
        marker: str | None,
        now: float,
        next_due: float,
    ) -> None:
        etag = response.etag if keep_validators else None
        modified = response.last_modified if keep_validators else None
        with self.store.transaction():
            self.db.execute(
                "INSERT INTO feeds (url, parent, name, final_url, etag, last_modified, marker, "
                "last_checked, last_ok, next_due, failures, last_error) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL) "
                "ON CONFLICT (url) DO UPDATE SET parent = excluded.parent, name = excluded.name, "
                "final_url = excluded.final_url, etag = excluded.etag, "
                "last_modified = excluded.last_modified, "
                "marker = coalesce(excluded.marker, feeds.marker), "
                "last_checked = excluded.last_checked, last_ok = excluded.last_ok, "
                "next_due = excluded.next_due, failures = 0, last_error = NULL",
                (
                    url,
                    parent,
                    name,
                    response.final_url,
                    etag,
                    modified,
                    marker,
                    _iso(now),
                    _iso(now),
                    _iso(next_due),
                ),
            )

    def feed_failed(
        self,
        url: str,
        *,
        parent: str | None,
        name: str | None,
        error: str,
        now: float,
        interval: float,
    ) -> tuple[int, float]:
        """Count a failure; the next poll waits interval x 2^(failures-1), at most
        max(interval, 6 h). Returns (consecutive failures, next due)."""
        with self.store.transaction():
            row = self.feed(url)
            failures = (row["failures"] if row else 0) + 1
            wait = min(interval * 2 ** min(failures - 1, 20), max(interval, MAX_BACKOFF))
            due = now + wait
            self.db.execute(
                "INSERT INTO feeds (url, parent, name, last_checked, next_due, failures, "
                "last_error) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (url) DO UPDATE SET last_checked = excluded.last_checked, "
                "next_due = excluded.next_due, failures = excluded.failures, "
                "last_error = excluded.last_error",
                (url, parent, name, _iso(now), _iso(due), failures, error),
            )
        return failures, due

    def item(self, feed_url: str, key: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.db.execute(
            "SELECT * FROM feed_items WHERE feed_url = ? AND item_key = ?", (feed_url, key)
        ).fetchone()
        return row

    def items(self, feed_url: str | None = None) -> list[sqlite3.Row]:
        if feed_url is None:
            return list(self.db.execute("SELECT * FROM feed_items ORDER BY feed_url, item_key"))
        return list(
            self.db.execute(
                "SELECT * FROM feed_items WHERE feed_url = ? ORDER BY item_key", (feed_url,)
            )
        )

    def known_url(self, url: str) -> sqlite3.Row | None:
        """The latest stored row of this page under any feed (a page listed by two feeds)."""
        row: sqlite3.Row | None = self.db.execute(
            "SELECT * FROM feed_items WHERE url = ? AND status = 'stored' "
            "ORDER BY fetched_at DESC LIMIT 1",
            (url,),
        ).fetchone()
        return row

    def retry_items(self, feed_url: str) -> list[sqlite3.Row]:
        return list(
            self.db.execute(
                "SELECT * FROM feed_items WHERE feed_url = ? AND status = 'failed' "
                "AND failures < ? ORDER BY first_seen",
                (feed_url, MAX_ITEM_FAILURES),
            )
        )

    def seen(self, feed_url: str, keys: list[str], now: float) -> None:
        with self.store.transaction():
            self.db.executemany(
                "UPDATE feed_items SET last_seen = ? WHERE feed_url = ? AND item_key = ?",
                [(_iso(now), feed_url, key) for key in keys],
            )

    def record(
        self,
        feed_url: str,
        item: FeedItem,
        status: str,
        now: float,
        *,
        article_id: str | None = None,
        response: Response | None = None,
        digest: str | None = None,
        error: str | None = None,
    ) -> None:
        """Upsert an item's row after a fetch; what is not given keeps its earlier value."""
        with self.store.transaction():
            self.db.execute(
                "INSERT INTO feed_items (feed_url, item_key, url, title, published, marker, "
                "article_id, etag, last_modified, hash, status, error, failures, first_seen, "
                "last_seen, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (feed_url, item_key) DO UPDATE SET url = excluded.url, "
                "title = coalesce(excluded.title, feed_items.title), "
                "published = coalesce(excluded.published, feed_items.published), "
                "marker = excluded.marker, "
                "article_id = coalesce(excluded.article_id, feed_items.article_id), "
                "etag = CASE WHEN excluded.status = 'failed' THEN feed_items.etag "
                "ELSE excluded.etag END, "
                "last_modified = CASE WHEN excluded.status = 'failed' "
                "THEN feed_items.last_modified ELSE excluded.last_modified END, "
                "hash = coalesce(excluded.hash, feed_items.hash), "
                "status = excluded.status, "
                "error = excluded.error, "
                "failures = CASE WHEN excluded.status = 'failed' THEN feed_items.failures + 1 "
                "ELSE 0 END, "
                "last_seen = excluded.last_seen, fetched_at = excluded.fetched_at",
                (
                    feed_url,
                    item.key,
                    item.url,
                    item.title,
                    item.published,
                    item.marker,
                    article_id,
                    response.etag if response else None,
                    response.last_modified if response else None,
                    digest,
                    status,
                    error,
                    1 if status == "failed" else 0,
                    _iso(now),
                    _iso(now),
                    _iso(now),
                ),
            )


# -- outcomes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One line of ``newsdesk watch``. Feed statuses: feed, not-modified, error; item statuses:
    new, updated, unchanged, duplicate, skipped, failed; and note."""

    status: str
    feed: str
    url: str
    detail: str = ""
    article_id: str | None = None

    @property
    def is_error(self) -> bool:
        return self.status in ("error", "failed")

    def line(self) -> str:
        detail = f"  {self.detail}" if self.detail else ""
        where = self.url if self.feed == self.url else f"[{self.feed}] {self.url}"
        return f"{self.status:<12} {where}{detail}"


@dataclass
class RoundSummary:
    feeds: int = 0
    waiting: int = 0
    feed_errors: int = 0
    not_modified: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate: int = 0
    skipped: int = 0
    failed: int = 0
    next_due_in: float | None = None

    def line(self) -> str:
        feeds = f"{self.feeds} feed{'s' if self.feeds != 1 else ''} polled"
        extra = [
            f"{n} {what}"
            for n, what in (
                (self.not_modified, "not modified"),
                (self.feed_errors, "with errors"),
                (self.waiting, "not due"),
            )
            if n
        ]
        if extra:
            feeds += f" ({', '.join(extra)})"
        items = (
            f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.duplicate} duplicate, {self.skipped} skipped, {self.failed} failed"
        )
        due = ""
        if self.next_due_in is not None:
            due = f"; next feed due in {max(0, round(self.next_due_in))} s"
        return f"round: {feeds}; pages: {items}{due}"


# -- the watcher -----------------------------------------------------------------------------


class Watcher:
    """Polls the configured feeds into a store. ``run_round()`` polls the feeds that are due
    (``force``: all of them); ``seconds_until_due()`` says how long to sleep before the next."""

    def __init__(
        self,
        store: Any,
        config: WatchConfig,
        analyzer: Any,
        *,
        options: Options | None = None,
        report: Callable[[Outcome], None] | None = None,
        after_save: Callable[[Any, str], None] | None = None,
        fetcher: Fetcher | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.config = config
        self.analyzer = analyzer
        self.options = options or Options(
            max_bytes=config.fetch.max_bytes, timeout=config.fetch.timeout
        )
        self.report = report or (lambda outcome: None)
        self.after_save = after_save
        self.fetcher = fetcher or Fetcher(config.fetch)
        self.clock = clock
        self.state = FeedState(store)

    def due(self, *, force: bool = False) -> list[FeedConfig]:
        now = self.clock()
        return [
            feed
            for feed in self.config.feeds
            if force or (self.state.next_due(feed.url) or 0.0) <= now
        ]

    def seconds_until_due(self) -> float:
        now = self.clock()
        dues = [self.state.next_due(feed.url) or now for feed in self.config.feeds]
        return max(0.0, min(dues) - now)

    def run_round(self, *, force: bool = False) -> RoundSummary:
        summary = RoundSummary()
        due = self.due(force=force)
        summary.waiting = len(self.config.feeds) - len(due)
        for feed in due:
            summary.feeds += 1
            try:
                ok = self._poll(feed, feed.url, None, summary)
            except Exception as error:  # noqa: BLE001 - one broken feed must not stop the round
                ok = self._feed_error(feed, feed.url, None, f"unexpected error: {error!r}")
            if not ok:
                summary.feed_errors += 1
        summary.next_due_in = self.seconds_until_due()
        return summary

    # -- one feed ----------------------------------------------------------------------------

    def _emit(self, status: str, feed: FeedConfig, url: str, detail: str = "", **kw: Any) -> None:
        self.report(Outcome(status, feed.label, url, detail, **kw))

    def _feed_error(self, feed: FeedConfig, url: str, parent: str | None, message: str) -> bool:
        failures, due = self.state.feed_failed(
            url,
            parent=parent,
            name=feed.name,
            error=message,
            now=self.clock(),
            interval=feed.interval,
        )
        again = (
            f"; {failures} failure{'s' if failures > 1 else ''} in a row" if failures > 1 else ""
        )
        self._emit("error", feed, url, f"{message}{again}; next try {_iso(due)}")
        return False

    def _poll(
        self,
        feed: FeedConfig,
        url: str,
        parent: str | None,
        summary: RoundSummary,
        marker: str | None = None,
    ) -> bool:
        """Poll one feed or sitemap; False when it failed (already reported)."""
        row = self.state.feed(url)
        allowed, why = self.fetcher.allowed(url)
        if not allowed:
            return self._feed_error(feed, url, parent, why)
        try:
            response = self.fetcher.get(
                url,
                etag=row["etag"] if row else None,
                last_modified=row["last_modified"] if row else None,
            )
        except NewsdeskError as error:
            return self._feed_error(feed, url, parent, _message(error))
        parsed: Feed | None = None
        if response.not_modified:
            summary.not_modified += 1
            self._emit("not-modified", feed, url, "304: no new items")
        else:
            try:
                parsed = parse_feed(response.body, response.final_url, response.content_type)
            except FeedError as error:
                return self._feed_error(feed, url, parent, _message(error))
            moved = f", redirected to {response.final_url}" if response.redirected else ""
            count = len(parsed.sitemaps) if parsed.kind == "sitemapindex" else len(parsed.items)
            what = "sitemap" if parsed.kind == "sitemapindex" else "item"
            what += "" if count == 1 else "s"
            self._emit("feed", feed, url, f"{parsed.kind}, {count} {what}{moved}")
            for note in parsed.notes:
                self._emit("note", feed, url, note)
        children = self.state.children(url) if parsed is None and parent is None else []
        if parsed is not None and parsed.kind == "sitemapindex":
            complete = self._children(feed, url, parent, parsed, summary)
        elif children:
            # an unchanged sitemap index: its sitemaps without a lastmod may still have changed
            for child in children:
                if child["marker"] is None:
                    self._poll(feed, child["url"], url, summary)
            complete = True
        else:
            complete = self._items(feed, url, parsed, summary)
        now = self.clock()
        self.state.feed_ok(
            url,
            parent=parent,
            name=feed.name,
            response=response,
            keep_validators=complete,
            marker=marker,
            now=now,
            next_due=now + feed.interval,
        )
        return True

    def _children(
        self, feed: FeedConfig, url: str, parent: str | None, index: Feed, summary: RoundSummary
    ) -> bool:
        """The sitemaps of a sitemap index, each with its own state; one whose ``lastmod`` has
        not changed since it was last read well is not fetched."""
        if parent is not None:
            self._emit("note", feed, url, "a sitemap index inside a sitemap index is not followed")
            return True
        for child in index.sitemaps[:MAX_CHILD_SITEMAPS]:
            row = self.state.feed(child.url)
            if (
                row is not None
                and row["failures"] == 0
                and child.marker
                and row["marker"] == child.marker
            ):
                continue
            self._poll(feed, child.url, url, summary, marker=child.marker)
        if len(index.sitemaps) > MAX_CHILD_SITEMAPS:
            self._emit(
                "note", feed, url, f"only the newest {MAX_CHILD_SITEMAPS} sitemaps are followed"
            )
        return True

    def _items(
        self, feed: FeedConfig, feed_url: str, parsed: Feed | None, summary: RoundSummary
    ) -> bool:
        """Fetch and ingest the items that are new, changed, or failed before. Returns False
        when some were left for the next round (the feed's validators are then not kept, so
        the next round reads the feed again instead of getting a 304)."""
        now = self.clock()
        work: list[tuple[FeedItem, sqlite3.Row | None]] = []
        unchanged: list[str] = []
        listed: set[str] = set()
        for item in parsed.items if parsed else ():
            if item.key in listed:
                continue
            listed.add(item.key)
            row = self.state.item(feed_url, item.key)
            if (
                row is None
                or (row["status"] == "failed" and row["failures"] < MAX_ITEM_FAILURES)
                or (item.marker is not None and item.marker != row["marker"])
            ):
                work.append((item, row))
            else:
                unchanged.append(item.key)
        for row in self.state.retry_items(feed_url):
            if row["item_key"] not in listed:
                item = FeedItem(row["item_key"], row["url"], row["title"], row["published"])
                work.append((replace(item, updated=row["marker"]), row))
        self.state.seen(feed_url, unchanged, now)
        summary.unchanged += len(unchanged)
        limit = self.config.max_items
        if len(work) > limit:
            self._emit(
                "note",
                feed,
                feed_url,
                f"{len(work) - limit} more items wait for the next round (max_items {limit})",
            )
        self._ingest(feed, feed_url, parsed, work[:limit], summary)
        return len(work) <= limit

    def _ingest(
        self,
        feed: FeedConfig,
        feed_url: str,
        parsed: Feed | None,
        work: list[tuple[FeedItem, sqlite3.Row | None]],
        summary: RoundSummary,
    ) -> None:
        from .pipeline import ingest as run_ingest

        pending: dict[str, tuple[FeedItem, sqlite3.Row | None, Response, str]] = {}

        def documents() -> Iterator[Document]:
            for item, row in work:
                if item.url in pending:
                    continue
                try:
                    fetched = self._fetch_item(feed, feed_url, parsed, item, row, summary)
                except Exception as error:  # noqa: BLE001 - one page must not stop the feed
                    summary.failed += 1
                    message = f"unexpected error: {error!r}"
                    self.state.record(feed_url, item, "failed", self.clock(), error=message)
                    self._emit("failed", feed, item.url, message)
                    continue
                if fetched is not None:
                    document, response, digest = fetched
                    pending[item.url] = (item, row, response, digest)
                    yield document

        def on_report(status: str, source: str | None, detail: str) -> None:
            if source not in pending:
                return
            item, row, response, digest = pending[source]
            if status == "note":
                self._emit("note", feed, item.url, detail)
                return
            if status == "failed":  # pragma: no cover - only Documents are passed
                summary.failed += 1
                self._emit("failed", feed, item.url, detail)
                return
            article_id = detail
            if status == "duplicate" and detail == item_article_id(item.url):
                status = "unchanged"  # the same text, already stored under this item's id
            label = {"stored": "new"}.get(status, status)
            setattr(summary, label, getattr(summary, label) + 1)
            self.state.record(
                feed_url,
                item,
                "stored",
                self.clock(),
                article_id=article_id,
                response=response,
                digest=digest,
            )
            what = f"duplicate of {article_id}" if label == "duplicate" else article_id
            title = f'  "{item.title}"' if item.title and label in ("new", "updated") else ""
            self._emit(label, feed, item.url, f"{what}{title}", article_id=article_id)

        run_ingest(
            self.store, documents(), self.analyzer, report=on_report, after_save=self.after_save
        )

    def _fetch_item(
        self,
        feed: FeedConfig,
        feed_url: str,
        parsed: Feed | None,
        item: FeedItem,
        row: sqlite3.Row | None,
        summary: RoundSummary,
    ) -> tuple[Document, Response, str] | None:
        """Fetch one page: the Document to analyse (with the response and its text's hash), or
        None when the outcome was reported here (robots, 304, same text, not an article, failure)."""
        now = self.clock()
        allowed, why = self.fetcher.allowed(item.url)
        if not allowed:
            summary.skipped += 1
            self.state.record(feed_url, item, "skipped", now, error=why)
            self._emit("skipped", feed, item.url, why)
            return None
        known = row if row is not None and row["status"] == "stored" else None
        known = known or self.state.known_url(item.url)
        try:
            response = self.fetcher.get(
                item.url,
                etag=known["etag"] if known else None,
                last_modified=known["last_modified"] if known else None,
            )
        except TooLargeError as error:
            summary.skipped += 1
            self.state.record(feed_url, item, "skipped", now, error=_message(error))
            self._emit("skipped", feed, item.url, _message(error))
            return None
        except NewsdeskError as error:
            summary.failed += 1
            self.state.record(feed_url, item, "failed", now, error=_message(error))
            tries = (row["failures"] + 1) if row is not None and row["status"] == "failed" else 1
            later = "; will retry" if tries < MAX_ITEM_FAILURES else "; no more retries"
            self._emit("failed", feed, item.url, _message(error) + later)
            return None
        if response.not_modified and known is not None:
            summary.unchanged += 1
            self.state.record(
                feed_url,
                item,
                "stored",
                now,
                article_id=known["article_id"],
                response=response,
                digest=known["hash"],
            )
            self._emit(
                "unchanged", feed, item.url, "304 not modified", article_id=known["article_id"]
            )
            return None
        try:
            document = from_bytes(response.body, item.url, self.options, html=True)
        except InputError as error:
            summary.skipped += 1
            reason = "not an article: " if isinstance(error, ExtractionError) else ""
            self.state.record(
                feed_url, item, "skipped", now, response=response, error=_message(error)
            )
            self._emit("skipped", feed, item.url, reason + _message(error))
            return None
        digest = content_hash(document.text)
        if known is not None and known["hash"] == digest and known["article_id"]:
            summary.unchanged += 1
            self.state.record(
                feed_url,
                item,
                "stored",
                now,
                article_id=known["article_id"],
                response=response,
                digest=digest,
            )
            self._emit("unchanged", feed, item.url, "same text", article_id=known["article_id"])
            return None
        meta = self._meta(document, feed, feed_url, parsed, item, response)
        return replace(document, meta=meta), response, digest

    def _meta(
        self,
        document: Document,
        feed: FeedConfig,
        feed_url: str,
        parsed: Feed | None,
        item: FeedItem,
        response: Response,
    ) -> dict[str, Any]:
        """The page's metadata, filled from the feed where the page lacks it. The configured
        ``outlet`` wins over the page's site name (it is the operator's choice of label)."""
        meta = dict(document.meta)
        meta["id"] = item_article_id(item.url)
        meta["url"] = response.final_url
        if not meta.get("title") and item.title:
            meta["title"] = item.title
        if not meta.get("published") and item.published:
            meta["published"] = normalise_date(item.published)
        if feed.outlet:
            meta["outlet"] = feed.outlet
        elif not meta.get("outlet") and (feed.name or (parsed and parsed.title)):
            meta["outlet"] = feed.name or (parsed.title if parsed else None)
        meta["feed"] = feed_url
        meta["feed_item"] = item.key
        return meta


def _message(error: NewsdeskError) -> str:
    return f"{error.message} [{error.code}]"
