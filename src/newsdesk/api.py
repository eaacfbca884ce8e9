"""The JSON API over the store (``newsdesk serve``; docs/api.md), and the web dashboard's HTML
pages beside it (:mod:`newsdesk.dashboard`, docs/dashboard.md).

``create_app(db_path)`` builds a FastAPI app: read endpoints under ``/api`` (articles, entities,
quotes, events, figures, claims, search, export), each paginated (``limit``, ``offset``) into
``{items, total, limit, offset}``, and ``POST /api/articles``, which reads, analyses and stores
an article (text, HTML or a URL). Every answer is JSON (exports are JSON Lines or CSV); errors
are ``{"error": {"code", "message"}}`` with the codes of :mod:`newsdesk.errors` and the API's
own (``E6xx``, see :data:`API_CODES`).

Security: POST needs the bearer token (``token`` or env ``NEWSDESK_TOKEN``) and is refused
(403) when none is set; ``require_token`` makes reads need it too. Request bodies are limited
(``max_bytes``, 413), URLs are fetched only from public addresses unless
``allow_private_urls`` (:mod:`newsdesk.fetchguard`), ``allowed_hosts`` refuses other ``Host``
headers (DNS rebinding against a server on localhost), and every answer carries ``nosniff``,
a no-content CSP (the dashboard's pages set their own, same-origin only) and ``no-store``. Each request opens its own store connection; analysis runs
one at a time on one :class:`~newsdesk.pipeline.Analyzer` per app, loaded on first use.
"""

import hmac
import io
import ipaddress
import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, replace
from typing import Any, Generic, Literal, TypeVar

from fastapi import Depends, FastAPI, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import __version__
from .errors import (
    FetchError,
    InputError,
    ModelError,
    NewsdeskError,
    NotFoundError,
    QueryError,
    StoreError,
    URLRefusedError,
)
from .ingest import Document, Options, from_html, from_record, normalise_date, read_url
from .records import (
    CONTRACT_VERSION,
    Analysis,
    EntityRef,
    Event,
    Figure,
    Quote,
    Span,
)
from .store import (
    ArticleRow,
    EntitySummary,
    EventRow,
    QuoteRow,
    Store,
    ensure_parent,
    holder_key,
)

T = TypeVar("T")

DEFAULT_MAX_BYTES = 5_000_000
MAX_LIMIT = 1000
_ALL = 2**62  # "no limit" for store queries that take one

#: Codes of the errors only the API gives (the others are those of newsdesk.errors).
API_CODES = {
    "E600": "the bearer token is missing or wrong (401)",
    "E601": "ingest is off: the server has no token (set NEWSDESK_TOKEN) (403)",
    "E602": "the request body is over the size limit (413)",
    "E603": "the method is not allowed on this path (405)",
    "E604": "the Host header is not one this server answers to (400)",
    "E000": "an unexpected server error (500)",
}
_STATUS = {
    NotFoundError: 404,
    StoreError: 500,  # the store cannot be read: the server's problem, not the request's
    QueryError: 422,
    URLRefusedError: 422,
    InputError: 422,
    FetchError: 502,
    ModelError: 503,
}
_HTTP_CODES = {401: "E600", 403: "E601", 404: "E404", 405: "E603", 413: "E602"}
DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
DATE_HELP = "YYYY, YYYY-MM or YYYY-MM-DD (inclusive)"
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"cache-control", b"no-store"),
)


# -- response models --------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    code: str = Field(
        description="E100 input, E102 not English, E201 URL refused, E401 bad "
        "filter, E404 not found, E600 token, E602 too large, ... (docs/api.md)"
    )
    message: str
    details: list[dict[str, Any]] | None = Field(
        None, description="For 422: each bad field, with its location and what is wrong."
    )


class ErrorResponse(BaseModel):
    error: ErrorDetail


class Page(BaseModel, Generic[T]):
    """One page of a list: ``total`` counts every match, ``items`` holds ``limit`` of them
    from ``offset`` on."""

    items: list[T]
    total: int = Field(description="How many items match in all.")
    limit: int
    offset: int


class ArticleSummary(BaseModel):
    id: str
    title: str | None
    outlet: str | None
    published: str | None
    source: str | None
    entities: int = Field(description="Entities in the article.")
    copies: int = Field(description="Other sources of the same text.")


class EntityItem(BaseModel):
    id: str = Field(description="The key for /api/entities/{key}: the KB id, else the name.")
    name: str
    type: str
    kb_id: str | None
    wikidata: str | None
    country: str | None
    mentions: int = Field(description="Mentions across the stored articles.")
    articles: int = Field(description="Articles that mention it.")
    roles: dict[str, int] = Field(description="Each role and how many articles give it.")
    place: dict[str, Any] | None


class QuoteItem(BaseModel):
    article_id: str
    title: str | None
    published: str | None
    quote: Quote


class EventItem(BaseModel):
    article_id: str
    idx: int = Field(description="The event's position in its article's events.")
    title: str | None
    published: str | None
    day: str | None = Field(
        description="The day it is filed under: its own date, else the publication day."
    )
    event: Event


class FigureItem(BaseModel):
    article_id: str
    idx: int
    title: str | None
    outlet: str | None
    published: str | None
    figure: Figure


class ClaimSource(BaseModel):
    article_id: str
    title: str | None
    outlet: str | None
    published: str | None
    content: Span
    claim_id: str


class ClaimResponse(BaseModel):
    article_id: str
    holder: EntityRef
    stance: str
    cue: Span
    content: Span | None = None


class ClaimGroupItem(BaseModel):
    """One claim as every stored article reports it, with the responses against it."""

    holder: EntityRef
    holder_kb: str | None
    stance: str
    content: Span = Field(description="The words of its first report.")
    contested: bool
    sources: list[ClaimSource]
    responses: list[ClaimResponse]


class IncidentReportItem(BaseModel):
    article_id: str
    idx: int = Field(description="The event's position in its article's events.")
    outlet: str | None
    title: str | None
    url: str | None
    published: str | None
    day: str | None
    evidence: Span = Field(description="The event's words in that article's text.")
    trigger: Span
    reported_by: str | None = Field(description="Who the article says reported it (alleged).")
    source: list[str]
    target: list[str]
    place: str | None


class IncidentItem(BaseModel):
    """One event as several articles report it (docs/monitoring.md)."""

    id: str = Field(description="Stable: derived from its first report.")
    type: str
    modality: Literal["factual", "negated", "hypothetical", "future"]
    source_codes: list[str]
    target_codes: list[str]
    first_day: str | None
    last_day: str | None
    places: list[dict[str, str | None]]
    alleged: bool = Field(description="Every report is someone's claim (reported_by).")
    articles: int = Field(description="How many articles report it.")
    reports: list[IncidentReportItem]


class SearchHit(BaseModel):
    kind: Literal["article", "quote"]
    article_id: str
    title: str | None = Field(description="The article's title, or the quote's speaker.")
    snippet: str = Field(description="The matching words in [brackets].")


class EventCount(BaseModel):
    """One group: the field named by ``by`` (``source`` and ``target`` for a pair)."""

    day: str | None = None
    month: str | None = None
    type: str | None = None
    source: str | None = None
    target: str | None = None
    events: int


class EventCounts(BaseModel):
    by: str
    items: list[EventCount]
    total: int = Field(description="How many groups.")
    events: int = Field(description="How many events in all the groups.")


class TimelineItem(BaseModel):
    date: str = Field(description="YYYY-MM-DD")
    kind: Literal["article", "quote", "event"]
    role: str = Field(description="mentioned, said, about, source or target")
    article_id: str
    idx: int | None = Field(None, description="An event's position in its article's events.")
    title: str | None
    text: str = Field(description="The article's title, the quote or the event's evidence.")


class EntityDetail(BaseModel):
    entity: EntityItem
    articles: Page[ArticleSummary]
    quotes_by: Page[QuoteItem] = Field(description="Quotes it says.")
    quotes_about: Page[QuoteItem] = Field(description="Quotes that mention it.")
    events_as_source: Page[EventItem]
    events_as_target: Page[EventItem]
    timeline: list[TimelineItem] = Field(
        description="Every dated item above (all of them, not only the pages), oldest first."
    )


class IngestRequest(BaseModel):
    """An article to analyse and store: ``text``, or ``html``, or a ``url`` to fetch alone.

    With ``text`` or ``html``, ``url`` is the article's canonical address (not fetched). The
    metadata fields override what the page gives."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description="The article text (paragraphs split by \\n).")
    html: str | None = Field(None, description="An HTML page; its main text is extracted.")
    url: str | None = Field(None, description="An http(s) URL to fetch, or the canonical URL.")
    id: str | None = Field(None, description="The article id (default: from the text's hash).")
    title: str | None = None
    outlet: str | None = None
    byline: str | None = None
    published: str | None = Field(None, description="Publication date, ISO 8601 preferred.")
    clean: bool = Field(True, description="Remove boilerplate, byline and sign-off lines.")

    @model_validator(mode="after")
    def _one_input(self) -> "IngestRequest":
        given = [k for k in ("text", "html") if getattr(self, k) is not None]
        if len(given) > 1:
            raise ValueError("give text or html, not both")
        if not given and not self.url:
            raise ValueError("give text, html or url")
        return self


class IngestResult(BaseModel):
    status: Literal["stored", "updated", "duplicate"] = Field(
        description="stored (new), updated (same id) or duplicate (same text already stored: "
        "recorded as a copy, not analysed again)."
    )
    id: str = Field(description="The stored article's id (the earlier one for a duplicate).")
    analysis: Analysis


class Status(BaseModel):
    version: str
    contract: int
    articles: int
    ingest: bool = Field(description="POST /api/articles is on (the server has a token).")
    read_token: bool = Field(description="Reads need the token too.")


# -- errors -----------------------------------------------------------------------------------


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


def error_response(
    status: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def _status_of(error: NewsdeskError) -> int:
    for kind, status in _STATUS.items():
        if isinstance(error, kind):
            return status
    return 400


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> JSONResponse:
        return error_response(error.status, error.code, error.message, headers=error.headers)

    @app.exception_handler(NewsdeskError)
    async def newsdesk_error(request: Request, error: NewsdeskError) -> JSONResponse:
        return error_response(_status_of(error), error.code, error.message)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        details = [
            {"loc": list(e.get("loc", ())), "message": e.get("msg", ""), "type": e.get("type")}
            for e in error.errors()
        ]
        in_body = any(d["loc"][:1] == ["body"] for d in details)
        where = "; ".join(f"{'.'.join(map(str, d['loc']))}: {d['message']}" for d in details)
        code = InputError.code if in_body else QueryError.code
        return error_response(422, code, f"bad request: {where}", details)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(error.status_code, f"E{error.status_code}")
        message = str(error.detail)
        if error.status_code == 404:
            message = f"no such endpoint: {request.url.path}"
        elif error.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        return error_response(error.status_code, code, message, headers=error.headers)

    @app.exception_handler(Exception)
    async def server_error(request: Request, error: Exception) -> JSONResponse:
        return error_response(500, "E000", "internal server error")


# -- middleware: hosts, body size, headers ----------------------------------------------------


class _BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body over the {limit:,} byte limit")


class Guard:
    """Pure ASGI middleware: refuses a foreign ``Host`` (400) and a body over ``max_bytes``
    (413, from Content-Length before reading, else while reading), and adds the security
    headers to every answer (a route may set its own Content-Security-Policy)."""

    def __init__(self, app: ASGIApp, max_bytes: int, hosts: Sequence[str] | None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.hosts = {h.lower() for h in hosts} if hosts is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        refusal = self._refusal(headers)
        if refusal is not None:
            await refusal(scope, receive, send_with_headers)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge(self.max_bytes)
            return message

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except _BodyTooLarge as error:
            if started:
                raise
            await error_response(413, "E602", str(error.detail))(scope, receive, send_with_headers)

    def _refusal(self, headers: dict[bytes, bytes]) -> JSONResponse | None:
        if self.hosts is not None:
            host = _host_name(headers.get(b"host", b"").decode("latin-1"))
            if host not in self.hosts:
                return error_response(400, "E604", f"host {host!r} is not served here")
        length = headers.get(b"content-length")
        if length is not None:
            if not length.isdigit():
                return error_response(400, "E100", "bad Content-Length")
            if int(length) > self.max_bytes:
                return error_response(
                    413, "E602", f"request body over the {self.max_bytes:,} byte limit"
                )
        return None


def _host_name(host: str) -> str:
    """``example.org:8000`` -> ``example.org``; ``[::1]:8000`` -> ``::1``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def local_hosts(host: str) -> list[str] | None:
    """The Host names a server bound to ``host`` answers to: the loopback names for a loopback
    address (so a web page cannot reach it by DNS rebinding), any for another address."""
    name = host.strip("[]").lower()
    try:
        loopback = name == "localhost" or ipaddress.ip_address(name).is_loopback
    except ValueError:
        loopback = False
    return sorted({"localhost", "127.0.0.1", "::1", name}) if loopback else None


# -- the service ------------------------------------------------------------------------------


class Service:
    """What the routes share: the store path, the token policy and the analyzer."""

    def __init__(
        self,
        db_path: str,
        token: str | None,
        require_token: bool,
        allow_private_urls: bool,
        analyzer: Any,
        model: str | None,
        max_bytes: int,
    ) -> None:
        self.db_path = db_path
        self.token = token
        self.require_token = require_token
        self.allow_private_urls = allow_private_urls
        self.model = model
        self.max_bytes = max_bytes
        self._analyzer = analyzer
        self._lock = threading.Lock()

    @contextmanager
    def store(self) -> Iterator[Store]:
        # One connection per request; FastAPI may run its steps on different worker threads,
        # one after another, hence check_same_thread=False.
        store = Store(self.db_path, check_same_thread=False)
        try:
            yield store
        finally:
            store.close()

    def check_token(self, credentials: HTTPAuthorizationCredentials | None) -> None:
        if self.token is None:
            raise ApiError(403, "E601", "ingest is off: the server has no token (NEWSDESK_TOKEN)")
        given = credentials.credentials if credentials is not None else ""
        if credentials is None or not hmac.compare_digest(
            given.encode("utf-8"), self.token.encode("utf-8")
        ):
            raise ApiError(
                401,
                "E600",
                "missing or wrong bearer token (Authorization: Bearer TOKEN)",
                headers={"WWW-Authenticate": "Bearer"},
            )

    def ingest(self, store: Store, document: Document) -> tuple[str, str]:
        """Analyse and store one document; (status, article id)."""
        from .incidents import IncidentUpdater
        from .pipeline import Analyzer
        from .pipeline import ingest as run_ingest

        outcome: dict[str, str] = {}

        def report(status: str, source: str | None, detail: str) -> None:
            if status in ("stored", "updated", "duplicate"):
                outcome["status"], outcome["id"] = status, detail
            elif status == "failed":  # pragma: no cover - Documents do not fail
                outcome["failed"] = detail

        with self._lock:  # one analysis at a time: a spaCy pipeline is not shared by threads
            if self._analyzer is None:
                self._analyzer = Analyzer.load(self.model)
            run_ingest(
                store, [document], self._analyzer, report=report, after_save=IncidentUpdater(store)
            )
        if "status" not in outcome:  # pragma: no cover
            raise InputError(outcome.get("failed", "the article could not be stored"))
        return outcome["status"], outcome["id"]

    def fetch(self, url: str, options: Options) -> Document:
        from .fetchguard import check_scheme, check_url, private_opener, public_opener

        if self.allow_private_urls:
            check_scheme(url)
            return read_url(url, options, opener=private_opener())
        check_url(url)
        return read_url(url, options, opener=public_opener())


def _page(items: Sequence[Any], limit: int, offset: int, convert: Callable[[Any], Any]) -> Any:
    return {
        "items": [convert(item) for item in items[offset : offset + limit]],
        "total": len(items),
        "limit": limit,
        "offset": offset,
    }


def _article(row: ArticleRow) -> dict[str, Any]:
    return asdict(row)


def _entity(summary: EntitySummary) -> dict[str, Any]:
    return {"id": summary.kb_id or summary.name, **asdict(summary)}


def _quote(row: QuoteRow) -> dict[str, Any]:
    return {
        "article_id": row.article_id,
        "title": row.title,
        "published": row.published,
        "quote": row.quote,
    }


def _event(row: EventRow) -> dict[str, Any]:
    return {
        "article_id": row.article_id,
        "idx": row.idx,
        "title": row.title,
        "published": row.published,
        "day": row.day,
        "event": row.event,
    }


def _timeline(records: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for article in records.articles:
        if article.published:
            items.append(
                {
                    "date": article.published[:10],
                    "kind": "article",
                    "role": "mentioned",
                    "article_id": article.id,
                    "title": article.title,
                    "text": article.title or article.source or article.id,
                }
            )
    for role, quotes in (("said", records.quotes_by), ("about", records.quotes_about)):
        for quote in quotes:
            if quote.published:
                items.append(
                    {
                        "date": quote.published[:10],
                        "kind": "quote",
                        "role": role,
                        "article_id": quote.article_id,
                        "title": quote.title,
                        "text": quote.quote.content.text,
                    }
                )
    for role, events in (
        ("source", records.events_as_source),
        ("target", records.events_as_target),
    ):
        for event in events:
            if event.day:
                items.append(
                    {
                        "date": event.day,
                        "kind": "event",
                        "role": role,
                        "article_id": event.article_id,
                        "idx": event.idx,
                        "title": event.title,
                        "text": event.event.evidence.text,
                    }
                )
    order = {"article": 0, "quote": 1, "event": 2}
    return sorted(items, key=lambda i: (i["date"], i["article_id"], order[i["kind"]]))


def claim_groups(
    store: Store,
    *,
    holder: str | None = None,
    about: str | None = None,
    contested: bool | None = None,
) -> list[Any]:
    """The stored claims grouped across articles (:func:`newsdesk.claims.group_claims`), oldest
    first; ``contested`` keeps only the groups that are (True) or are not (False) contested.

    A group only ever joins claims of one holder (:func:`newsdesk.store.holder_key`), so the
    claims are grouped holder by holder, which gives the same groups in the same order with far
    fewer comparisons; for ``contested=True`` only the claims of holders with a contested claim
    are read at all."""
    from .claims import group_claims

    holders = store.contested_holders(holder=holder, about=about) if contested else None
    rows = store.claims(holder=holder, about=about, limit=None, holders=holders)
    by_holder: dict[str, list[Any]] = {}
    for row in rows:
        by_holder.setdefault(holder_key(row.holder_kb, row.claim.holder.name), []).append(row)
    first = {(row.article_id, row.claim.id): n for n, row in reversed(list(enumerate(rows)))}
    groups = [group for part in by_holder.values() for group in group_claims(part)]
    groups.sort(key=lambda g: first[(g.sources[0].article_id, g.sources[0].claim_id)])
    return groups if contested is None else [g for g in groups if g.contested == contested]


# -- the app ----------------------------------------------------------------------------------

LIMIT = Query(50, ge=1, le=MAX_LIMIT, description=f"How many items (1-{MAX_LIMIT}).")
OFFSET = Query(0, ge=0, description="Skip this many matches.")
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "Token needed (E600)."},
    422: {"model": ErrorResponse, "description": "Bad parameter (E401) or input (E1xx)."},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "Not in the store (E404)."}
}


def create_app(
    db_path: str,
    *,
    token: str | None = None,
    require_token: bool = False,
    allow_private_urls: bool = False,
    analyzer: Any = None,
    model: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allowed_hosts: Sequence[str] | None = None,
) -> FastAPI:
    """The API over the store at ``db_path`` (created when missing; ``:memory:`` is refused,
    since every request opens the file anew).

    ``token`` (else env ``NEWSDESK_TOKEN``) is the bearer token POST needs; without one POST is
    refused. ``require_token``: reads need it too. ``allow_private_urls``: POST may fetch URLs
    on loopback, private and link-local addresses. ``analyzer``: the Analyzer to use (else one
    is loaded with ``model`` on the first POST). ``max_bytes``: the largest request body and
    fetched page. ``allowed_hosts``: the Host names answered (None: any; see
    :func:`local_hosts`).
    """
    if db_path == ":memory:":
        raise ValueError("the API needs a store file, not :memory:")
    token = token if token is not None else (os.environ.get("NEWSDESK_TOKEN") or None)
    if require_token and not token:
        raise ValueError("require_token needs a token (set NEWSDESK_TOKEN)")
    ensure_parent(db_path)
    Store(db_path).close()  # create or migrate now, and fail now on a foreign file
    service = Service(db_path, token, require_token, allow_private_urls, analyzer, model, max_bytes)
    bearer = Depends(HTTPBearer(auto_error=False, description="NEWSDESK_TOKEN of the server."))

    def read_access(
        credentials: HTTPAuthorizationCredentials | None = bearer,
    ) -> None:
        if service.require_token:
            service.check_token(credentials)

    def write_access(
        credentials: HTTPAuthorizationCredentials | None = bearer,
    ) -> None:
        service.check_token(credentials)

    def open_store() -> Iterator[Store]:
        with service.store() as store:
            yield store

    app = FastAPI(
        title="newsdesk",
        version=__version__,
        summary="Who said what, who did what to whom, where, when: the sourced record of "
        "stored news articles.",
        description="Read endpoints are paginated (`limit`, `offset`) into "
        '`{items, total, limit, offset}`; errors are `{"error": {"code", "message"}}`. '
        "POST needs the bearer token. See docs/api.md.",
        docs_url=None,  # the interactive pages load scripts from a CDN; the schema is enough
        redoc_url=None,
        openapi_url="/api/openapi.json",
        dependencies=[Depends(read_access)],
    )
    app.state.service = service
    app.add_middleware(Guard, max_bytes=max_bytes, hosts=allowed_hosts)
    _install_error_handlers(app)
    store_dep = Depends(open_store)

    from .dashboard import install as install_dashboard

    install_dashboard(app, service.store)

    @app.get("/api", response_model=Status, summary="Server and store status", tags=["meta"])
    def status(store: Store = store_dep) -> Any:
        return {
            "version": __version__,
            "contract": CONTRACT_VERSION,
            "articles": store.count(),
            "ingest": service.token is not None,
            "read_token": service.require_token,
        }

    @app.get(
        "/api/articles",
        response_model=Page[ArticleSummary],
        summary="List stored articles",
        description="Newest first (publication date, else the day stored).",
        tags=["articles"],
        responses=ERRORS,
    )
    def list_articles(
        q: str | None = Query(
            None,
            min_length=1,
            description="Words that must all occur in the title or text (full-text search).",
        ),
        outlet: str | None = Query(None, description="Part of the outlet's name (any case)."),
        since: str | None = Query(
            None, pattern=DATE, description=f"Published on or after: {DATE_HELP}."
        ),
        until: str | None = Query(
            None, pattern=DATE, description=f"Published on or before: {DATE_HELP}."
        ),
        limit: int = LIMIT,
        offset: int = OFFSET,
        store: Store = store_dep,
    ) -> Any:
        rows, total = store.find_articles(
            q=q, outlet=outlet, since=since, until=until, limit=limit, offset=offset
        )
        return {
            "items": [_article(r) for r in rows],
            "total": total,
            "limit": limit,
            "offset": offset,
        }

    @app.get(
        "/api/articles/{article_id}",
        response_model=Analysis,
        summary="One article's whole record",
        description="The record contract (docs/contract.md), as `newsdesk show --json` prints "
        "it. The id may be a unique prefix.",
        tags=["articles"],
        responses={**ERRORS, **NOT_FOUND},
    )
    def get_article(
        article_id: str = Path(description="Article id or a unique prefix of it."),
        store: Store = store_dep,
    ) -> Any:
        return store.get(article_id)

    @app.post(
        "/api/articles",
        response_model=IngestResult,
        status_code=201,
        summary="Analyse and store an article",
        description="Text, an HTML page, or a URL to fetch (http(s), public addresses only "
        "unless the server allows private ones). Needs the bearer token; refused (403) when "
        "the server has none. 201 when stored, 200 when updated or already stored "
        "(`duplicate`: the text was stored before, this source is kept as a copy).",
        tags=["articles"],
        responses={
            **ERRORS,
            200: {"model": IngestResult, "description": "Updated, or a duplicate."},
            403: {"model": ErrorResponse, "description": "Ingest is off: no token (E601)."},
            413: {"model": ErrorResponse, "description": "Body too large (E602)."},
            502: {"model": ErrorResponse, "description": "The URL cannot be fetched (E200)."},
        },
        dependencies=[Depends(write_access)],
    )
    def post_article(body: IngestRequest, response: Response, store: Store = store_dep) -> Any:
        options = Options(clean=body.clean, max_bytes=service.max_bytes)
        meta = {
            k: v
            for k in ("id", "title", "outlet", "byline", "published", "url")
            if (v := getattr(body, k)) is not None
        }
        if body.text is not None:
            document = from_record({"text": body.text, **meta}, "api", options)
        else:
            if body.html is not None:
                document = from_html(body.html, body.url or "api", options)
            else:
                assert body.url is not None
                document = service.fetch(body.url, options)
            if "published" in meta:
                meta["published"] = normalise_date(meta["published"])
            document = replace(document, meta={**document.meta, **meta})
        status, article_id = service.ingest(store, document)
        response.status_code = 201 if status == "stored" else 200
        response.headers["Location"] = f"/api/articles/{article_id}"
        return {"status": status, "id": article_id, "analysis": store.get(article_id)}

    @app.get(
        "/api/entities",
        response_model=Page[EntityItem],
        summary="Entities across the stored articles",
        description="One entry per KB entity (else per type, name and country), most "
        "mentioned first, with article counts, roles and place.",
        tags=["entities"],
        responses=ERRORS,
    )
    def list_entities(
        type: str | None = Query(None, description="PERSON, ORG, GPE, LOC, NORP, FAC, ..."),
        name: str | None = Query(None, description="Part of the name (any case)."),
        country: str | None = Query(None, description="ISO 3166 alpha-3 code."),
        limit: int = LIMIT,
        offset: int = OFFSET,
        store: Store = store_dep,
    ) -> Any:
        rows = store.entities(type=type, name=name, country=country, limit=_ALL)
        return _page(rows, limit, offset, _entity)

    @app.get(
        "/api/entities/{key:path}",
        response_model=EntityDetail,
        summary="One entity: roles, quotes by and about it, events, timeline",
        description="By KB id (`vladimir-putin`) or name (any case; a name of a KB entity "
        "gives that entity). Each list is newest first, `limit` items of it.",
        tags=["entities"],
        responses={**ERRORS, **NOT_FOUND},
    )
    def get_entity(
        key: str = Path(description="KB id or name."),
        type: str | None = Query(None, description="The type, when a name has several."),
        limit: int = LIMIT,
        store: Store = store_dep,
    ) -> Any:
        records = store.entity_records(key, type=type)
        return {
            "entity": _entity(records.summary),
            "articles": _page(records.articles, limit, 0, _article),
            "quotes_by": _page(records.quotes_by, limit, 0, _quote),
            "quotes_about": _page(records.quotes_about, limit, 0, _quote),
            "events_as_source": _page(records.events_as_source, limit, 0, _event),
            "events_as_target": _page(records.events_as_target, limit, 0, _event),
            "timeline": _timeline(records),
        }

    @app.get(
        "/api/quotes",
        response_model=Page[QuoteItem],
        summary="Who said what",
        description="Stored quotes with speaker, cue and content spans, newest first.",
        tags=["records"],
        responses=ERRORS,
    )
    def list_quotes(
        speaker: str | None = Query(None, description="Speaker name or KB id."),
        about: str | None = Query(
            None, description="An entity the quote mentions (name or KB id)."
        ),
        text: str | None = Query(None, description="Words the quote contains (full text)."),
        since: str | None = Query(
            None, pattern=DATE, description=f"Articles published on or after: {DATE_HELP}."
        ),
        method: Literal["rules", "learned"] | None = Query(
            None, description="Found by the cue rules, or by the learned fallback."
        ),
        limit: int = LIMIT,
        offset: int = OFFSET,
        store: Store = store_dep,
    ) -> Any:
        rows = store.quotes(
            speaker=speaker, about=about, since=since, text=text, method=method, limit=_ALL
        )
        return _page(rows, limit, offset, _quote)

    @app.get(
        "/api/events/counts",
        response_model=EventCounts,
        response_model_exclude_unset=True,
        summary="How many events, per day, month, type or actor pair",
        description="Takes the filters of /api/events. `day` and `month` are in date order (no "
        "date last), `type` and `pair` most frequent first.",
        tags=["events"],
        responses=ERRORS,
    )
    def count_events(
        by: Literal["day", "month", "type", "pair"] = Query("day"),
        filters: dict[str, Any] = EVENT_FILTERS,
        store: Store = store_dep,
    ) -> Any:
        rows = store.event_counts(by, **filters)
        return {
            "by": by,
            "items": rows,
            "total": len(rows),
            "events": sum(r["events"] for r in rows),
        }

    @app.get(
        "/api/events",
        response_model=Page[EventItem],
        summary="Who did what to whom",
        description="Stored PLOVER events with actors, flags and evidence, newest first (by "
        "the day each is filed under: its own date, else the publication day).",
        tags=["events"],
        responses=ERRORS,
    )
    def list_events(
        filters: dict[str, Any] = EVENT_FILTERS,
        limit: int = LIMIT,
        offset: int = OFFSET,
        store: Store = store_dep,
    ) -> Any:
        rows = store.events(**filters, limit=None)
        return _page(rows, limit, offset, _event)

    @app.get(
        "/api/figures",
        response_model=Page[FigureItem],
        summary="Numbers: what they count, who claims them",
        description="Oldest first, so a count's changes read in order.",
        tags=["records"],
        responses=ERRORS,
    )
    def list_figures(
        about: str | None = Query(None, description="What is counted, the figure's words or unit."),
        kind: str | None = Query(
            None, description="Casualty class: killed, injured, displaced, ..."
        ),
        article: str | None = Query(None, description="Article id or prefix."),
        limit: int = LIMIT,
        offset: int = OFFSET,
        store: Store = store_dep,
    ) -> Any:
        rows = store.figures(about=about, kind=kind, article=article, limit=None)
        return _page(
            rows,
            limit,
            offset,
            lambda r: {
                "article_id": r.article_id,
                "idx": r.idx,
                "title": r.title,
                "outlet": r.outlet,
                "published": r.published,
                "figure": r.figure,
            },
        )

    @app.get(
        "/api/claims",
        response_model=Page[ClaimGroupItem],
        summary="Claims and the responses against them",
        description="One claim reported by several articles is one item with all its sources "
        "(same holder, shared words). Oldest first.",
        tags=["records"],
        responses=ERRORS,
    )
    def list_claims(
        contested: bool | None = Query(
            None,
            description="true: only claims someone denies, "
            "rejects or disputes; false: only the others.",
        ),
        about: str | None = Query(
            None, description="An entity the claim mentions (name or KB id)."
        ),
        holder: str | None = Query(None, description="The holder's name or KB id."),
        limit: int = LIMIT,
        offset: int = OFFSET,
        store: Store = store_dep,
    ) -> Any:
        groups = claim_groups(store, holder=holder, about=about, contested=contested)
        return _page(groups, limit, offset, lambda g: g.to_dict())

    @app.get(
        "/api/incidents",
        response_model=Page[IncidentItem],
        summary="One event, many reports",
        description="Events of one type between the same actors, close in time and place, "
        "reported by several articles, each with every report and its evidence. Newest first.",
        tags=["events"],
        responses=ERRORS,
    )
    def list_incidents(
        type: str | None = Query(None, description="PLOVER type: ASSAULT, THREATEN, ..."),
        source: str | None = Query(None, description="A source actor code (any case)."),
        target: str | None = Query(None, description="A target actor code (any case)."),
        since: str | None = Query(None, pattern=DATE, description=f"Its days: {DATE_HELP}."),
        until: str | None = Query(None, pattern=DATE, description=f"Its days: {DATE_HELP}."),
        min_reports: int = Query(1, ge=1, description="At least this many articles report it."),
        limit: int = LIMIT,
        offset: int = OFFSET,
        store: Store = store_dep,
    ) -> Any:
        from .incidents import incidents

        found, total = incidents(
            store,
            type=type,
            source=source,
            target=target,
            since=since,
            until=until,
            min_reports=min_reports,
            limit=limit,
            offset=offset,
        )
        items = [i.to_dict() for i in found]
        return {"items": items, "total": total, "limit": limit, "offset": offset}

    @app.get(
        "/api/search",
        response_model=Page[SearchHit],
        summary="Full-text search over articles and quotes",
        description="All words must occur, in any order; articles first, then quotes, each "
        "best match first.",
        tags=["records"],
        responses=ERRORS,
    )
    def search(
        q: str = Query(min_length=1, description="The words."),
        kind: Literal["article", "quote"] | None = Query(None, description="Only this kind."),
        limit: int = LIMIT,
        offset: int = OFFSET,
        store: Store = store_dep,
    ) -> Any:
        hits = [h for h in store.search(q, limit=_ALL) if kind is None or h.kind == kind]
        return _page(hits, limit, offset, asdict)

    @app.get(
        "/api/export",
        summary="Export the store (streamed)",
        description="`jsonl`: one contract object per article (`table=articles`) or one record "
        "per line with `article_id`; `csv`: one row per record; `polecat`: one PLOVER-style "
        "record per event (the table is ignored). See docs/pipeline.md (Exports).",
        tags=["export"],
        response_class=StreamingResponse,
        responses={
            **ERRORS,
            200: {
                "description": "JSON Lines or CSV, streamed.",
                "content": {"application/x-ndjson": {}, "text/csv": {}},
            },
        },
    )
    def export(
        table: Literal[
            "articles", "entities", "dates", "quotes", "events", "figures", "claims"
        ] = Query("articles"),
        format: Literal["jsonl", "csv", "polecat"] = Query("jsonl"),
    ) -> StreamingResponse:
        if format == "polecat":
            table = "events"
        media = "text/csv; charset=utf-8" if format == "csv" else "application/x-ndjson"
        suffix = "csv" if format == "csv" else "jsonl"
        name = f"newsdesk-{'polecat' if format == 'polecat' else table}.{suffix}"
        return StreamingResponse(
            _export_chunks(service, format, table),
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    return app


def _event_filters(
    type: str | None = Query(None, description="PLOVER type: ASSAULT, THREATEN, AGREE, ..."),
    source: str | None = Query(
        None,
        description="Source actor: a code (RUS, NATO; any case), a KB id or whole words of a name.",
    ),
    target: str | None = Query(None, description="Target actor, matched like source."),
    since: str | None = Query(None, pattern=DATE, description=f"On or after: {DATE_HELP}."),
    until: str | None = Query(None, pattern=DATE, description=f"On or before: {DATE_HELP}."),
    article: str | None = Query(None, description="Article id or unique prefix."),
    negated: bool | None = Query(None, description="Only negated (true) or not (false)."),
    conditional: bool | None = Query(None, description="Only conditional (true) or not."),
    future: bool | None = Query(None, description="Only future (true) or not."),
    hypothetical: bool | None = Query(None, description="Only hypothetical (true) or not."),
) -> dict[str, Any]:
    return {
        "type": type,
        "source": source,
        "target": target,
        "since": since,
        "until": until,
        "article": article,
        "negated": negated,
        "conditional": conditional,
        "future": future,
        "hypothetical": hypothetical,
    }


def _export_chunks(service: Service, fmt: str, table: str) -> Iterator[str]:
    """The export, one article at a time (the CSV header once)."""
    from .export import write_csv, write_jsonl, write_polecat

    with service.store() as store:
        header = False
        for analysis in store.iter_analyses():
            buffer = io.StringIO()
            if fmt == "jsonl":
                write_jsonl([analysis], buffer, table)
            elif fmt == "polecat":
                write_polecat([analysis], buffer)
            elif write_csv([analysis], buffer, table):
                text = buffer.getvalue()
                buffer = io.StringIO(text if not header else text.split("\r\n", 1)[1])
                header = True
            if chunk := buffer.getvalue():
                yield chunk


EVENT_FILTERS = Depends(_event_filters)
