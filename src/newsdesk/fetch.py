"""Polite HTTP fetching for ``newsdesk watch``: conditional GET, retries with backoff, a delay
between requests to one host, timeouts, a size limit, robots.txt and a configurable user agent.

Built on the standard library's urllib (as :func:`newsdesk.ingest.read_url` is), so watching
needs no HTTP client dependency. Redirects are followed (http and https targets only).
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .errors import FetchError, InputError
from .fetchguard import private_opener
from .ingest import USER_AGENT

RETRY_STATUSES = {408, 429, 500, 502, 503, 504}
ROBOTS_TTL = 24 * 3600.0  # RFC 9309: a cached robots.txt should not be used for over 24 hours
MAX_WAIT = 60.0  # the longest a Retry-After or Crawl-delay is obeyed


@dataclass(frozen=True)
class FetchSettings:
    """``timeout``: seconds one request may take in all (connect, headers, body);
    ``per_host_delay``: seconds between the starts of two requests to one host;
    ``retries``: further tries after a timeout, a connection error, 408, 429 or 5xx, waiting
    ``backoff`` seconds, then twice that, and so on."""

    user_agent: str = USER_AGENT
    timeout: float = 20.0
    max_bytes: int = 5_000_000
    per_host_delay: float = 1.0
    retries: int = 2
    backoff: float = 1.0
    robots: bool = True


@dataclass(frozen=True)
class Response:
    """A 200 (``body`` read) or a 304 (``not_modified``, empty body)."""

    url: str
    final_url: str
    status: int
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    attempts: int = 1

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def redirected(self) -> bool:
        return self.final_url != self.url


class HTTPFailure(FetchError):
    """A fetch that failed; ``status`` is the HTTP status when the server answered."""

    def __init__(self, message: str, *, source: str | None = None, status: int | None = None):
        super().__init__(message, source=source)
        self.status = status


class TooLargeError(InputError):
    """A response over the size limit (refused before or while reading it)."""


class Fetcher:
    """Fetches URLs one at a time. Keeps, per host, the time of the last request and the
    parsed robots.txt (fetched once per host, kept for a day)."""

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        opener: urllib.request.OpenerDirector | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings or FetchSettings()
        self.opener = opener or private_opener()
        self.sleep = sleep
        self.clock = clock
        self._last: dict[str, float] = {}
        self._robots: dict[str, tuple[float, urllib.robotparser.RobotFileParser | None, str]] = {}

    # -- robots.txt ----------------------------------------------------------------------------

    def allowed(self, url: str) -> tuple[bool, str]:
        """Whether robots.txt lets our user agent fetch ``url``, and why not."""
        if not self.settings.robots:
            return True, ""
        host = _origin(url)
        cached = self._robots.get(host)
        if cached is None or self.clock() - cached[0] > ROBOTS_TTL:
            cached = (self.clock(), *self._load_robots(host))
            self._robots[host] = cached
        _, parser, reason = cached
        if parser is None:
            return False, reason
        if parser.can_fetch(self.settings.user_agent, url):
            return True, ""
        return False, "disallowed by robots.txt"

    def _load_robots(self, origin: str) -> tuple[urllib.robotparser.RobotFileParser | None, str]:
        """RFC 9309: a robots.txt that is missing (4xx) allows everything; one that cannot be
        fetched (5xx, unreachable) disallows everything until it can be read."""
        parser = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        try:
            response = self.get(origin + "/robots.txt", max_bytes=500_000)
        except HTTPFailure as error:
            if error.status is not None and 400 <= error.status < 500:
                parser.parse([])
                return parser, ""
            return (
                None,
                f"robots.txt cannot be fetched ({error.message}); host treated as disallowed",
            )
        except InputError:
            parser.parse([])  # RFC 9309: at least 500 KiB must be read; we read that and stop
            return parser, ""
        parser.parse(response.body.decode("utf-8", "replace").splitlines())
        return parser, ""

    def _crawl_delay(self, url: str) -> float:
        cached = self._robots.get(_origin(url))
        if cached is None or cached[1] is None:
            return 0.0
        delay = cached[1].crawl_delay(self.settings.user_agent)
        return min(float(delay), MAX_WAIT) if delay else 0.0

    # -- requests ----------------------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
    ) -> Response:
        """GET ``url`` (conditionally, given validators), retrying transient failures.

        Raises :class:`FetchError` (with ``status`` when the server answered) or
        :class:`TooLargeError`."""
        settings = self.settings
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._once(url, etag, last_modified, max_bytes or settings.max_bytes)
                return replace(response, attempts=attempt)
            except _Transient as problem:
                if attempt > settings.retries:
                    tries = f" (after {attempt} tries)" if attempt > 1 else ""
                    raise HTTPFailure(
                        problem.message + tries, source=url, status=problem.status
                    ) from None
                wait = settings.backoff * 2 ** (attempt - 1)
                if problem.retry_after is not None:
                    wait = max(wait, min(problem.retry_after, MAX_WAIT))
                self.sleep(wait)

    def _once(self, url: str, etag: str | None, last_modified: str | None, limit: int) -> Response:
        settings = self.settings
        headers = {"User-Agent": settings.user_agent, "Accept-Encoding": "identity"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        request = urllib.request.Request(url, headers=headers)
        self._wait_turn(url)
        deadline = time.monotonic() + settings.timeout
        try:
            with self.opener.open(request, timeout=settings.timeout) as raw:
                length = raw.headers.get("Content-Length")
                if length and length.isdigit() and int(length) > limit:
                    raise _too_large(int(length), limit, url)
                body = _read(raw, limit, deadline, url)
                return Response(
                    url=url,
                    final_url=raw.geturl(),
                    status=raw.status,
                    body=body,
                    etag=raw.headers.get("ETag"),
                    last_modified=raw.headers.get("Last-Modified"),
                    content_type=raw.headers.get("Content-Type"),
                )
        except urllib.error.HTTPError as error:
            if error.code == 304:
                return Response(
                    url=url,
                    final_url=error.geturl() or url,
                    status=304,
                    etag=error.headers.get("ETag") or etag,
                    last_modified=error.headers.get("Last-Modified") or last_modified,
                )
            message = f"HTTP {error.code} {error.reason}"
            if error.code in RETRY_STATUSES:
                raise _Transient(message, error.code, _retry_after(error.headers)) from None
            raise HTTPFailure(message, source=url, status=error.code) from None
        except (TimeoutError, urllib.error.URLError, OSError) as error:
            reason: Any = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError) or "timed out" in str(reason):
                raise _Transient(f"timed out after {settings.timeout:g} s") from None
            raise _Transient(f"cannot fetch: {reason}") from None

    def _wait_turn(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        delay = max(self.settings.per_host_delay, self._crawl_delay(url))
        last = self._last.get(host)
        if last is not None and delay > 0:
            wait = last + delay - self.clock()
            if wait > 0:
                self.sleep(wait)
        self._last[host] = self.clock()


class _Transient(Exception):
    """A failure worth trying again: timeout, connection error, 408, 429, 5xx."""

    def __init__(
        self, message: str, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after


def _read(raw: Any, limit: int, deadline: float, url: str) -> bytes:
    """Read at most ``limit`` bytes, giving up at ``deadline`` (a server that sends a byte at a
    time would otherwise keep the socket timeout from ever firing)."""
    chunks: list[bytes] = []
    size = 0
    read = getattr(raw, "read1", raw.read)
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError("timed out reading the body")
        chunk = read(65536)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise _too_large(size, limit, url, at_least=True)
    return b"".join(chunks)


def _too_large(size: int, limit: int, url: str, *, at_least: bool = False) -> TooLargeError:
    more = "over " if at_least else ""
    return TooLargeError(
        f"{more}{size:,} bytes is over the {limit:,}-byte limit (max_bytes); not read",
        source=url,
    )


def _retry_after(headers: Any) -> float | None:
    value = headers.get("Retry-After") if headers is not None else None
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), "", "", ""))
