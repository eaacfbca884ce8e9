"""The web dashboard (newsdesk.dashboard), in a real browser against a real server.

The server is uvicorn on a free loopback port, over a store filled by ingesting the seed article
(published 2025-12-04) and an article written here whose title, outlet, text and a quote carry
script payloads. Headless Chromium is Debian's (``/usr/bin/chromium``, or ``NEWSDESK_CHROMIUM``),
driven by Playwright; ``playwright install`` is never needed. Without it the browser tests skip
locally and fail under CI (``CI=true``). Screenshots go to ``tests/artifacts/`` (or
``$NEWSDESK_ARTIFACTS``); docs/img/article-view.png is taken from this run.

The tests at the end need no browser: headers, the JSON island, the highlighting.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import socket
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsdesk.api import create_app, local_hosts
from newsdesk.dashboard import HTML_CSP, json_island
from newsdesk.highlight import Layer, render
from newsdesk.ingest import Options, from_record, read_path
from newsdesk.pipeline import ingest
from newsdesk.store import Store

from .conftest import ROOT, SEED_TEXT, needs

ARTIFACTS = Path(os.environ.get("NEWSDESK_ARTIFACTS") or ROOT / "tests" / "artifacts")
CHROMIUM = os.environ.get("NEWSDESK_CHROMIUM") or "/usr/bin/chromium"
SEED_PUBLISHED = "2025-12-04"

# Written for this test: every payload would set window.__pwned (or open a dialog) if the page
# ran it. The quote's payload also closes a <script> element, to try the JSON island.
TITLE = "Kharkiv shelled overnight <script>window.__pwned='title'</script><img src=x onerror=\"window.__pwned='title-img'\">"
OUTLET = "Harbour Wire <b onmouseover=alert('outlet')>"
QUOTE_PAYLOAD = (
    "</script><script>window.__pwned='quote'</script><img src=x onerror=alert(document.domain)>"
)
XSS_ARTICLE = {
    "id": "xss-probe",
    "title": TITLE,
    "outlet": OUTLET,
    "published": "2025-12-05",
    "text": "Russian forces shelled Kharkiv on Monday, killing at least 12 civilians, Ukrainian "
    "officials said. <script>window.__pwned='text'; alert('text')</script>\n"
    f'"This is terror against ordinary people {QUOTE_PAYLOAD}," Ukrainian President '
    "Volodymyr Zelensky said in a video address.\n"
    "Kremlin spokesman Dmitry Peskov said Moscow would continue the operation until its goals "
    "were met. <svg onload=\"window.__pwned='svg'\"></svg>",
}


# -- the server -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store_path(tmp_path_factory, analyzer):
    needs(SEED_TEXT)
    path = str(tmp_path_factory.mktemp("dashboard") / "newsdesk.db")
    (seed,) = list(read_path(SEED_TEXT, Options()))
    seed = replace(seed, meta={**seed.meta, "published": SEED_PUBLISHED})
    probe = from_record(XSS_ARTICLE, "test", Options())
    with Store(path) as store:
        summary = ingest(store, [seed, probe], analyzer)
    assert summary.stored == 2
    return path


@pytest.fixture(scope="module")
def site(store_path):
    """A real uvicorn server on a free loopback port, as `newsdesk serve` runs it."""
    import uvicorn

    app = create_app(store_path, allowed_hosts=local_hosts("127.0.0.1"))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", server_header=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


# -- the browser ------------------------------------------------------------------------------


def _no_browser(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and the browser tests cannot run: {reason}")
    pytest.skip(f"browser tests skipped: {reason} (apt-get install chromium)")


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser('playwright is not installed (pip install ".[test]")')
    if not Path(CHROMIUM).exists() and shutil.which(CHROMIUM) is None:
        _no_browser(f"no Chromium at {CHROMIUM} (set NEWSDESK_CHROMIUM)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


class Watch:
    """What a page did that it should not: dialogs, script errors, requests off this server."""

    def __init__(self) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.foreign: list[str] = []


@pytest.fixture()
def page(browser, site):
    context = browser.new_context(viewport={"width": 1360, "height": 900}, device_scale_factor=1)
    watch = Watch()

    def route(request_route):
        url = request_route.request.url
        if url.startswith(site + "/"):
            request_route.continue_()
        else:  # the dashboard works offline: nothing may come from elsewhere
            watch.foreign.append(url)
            request_route.abort()

    context.route("**/*", route)
    the_page = context.new_page()
    the_page.set_default_timeout(15_000)

    def on_dialog(dialog):
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    the_page.on("dialog", on_dialog)
    the_page.on("pageerror", lambda error: watch.errors.append(str(error)))
    the_page.on(
        "console",
        lambda message: watch.errors.append(message.text) if message.type == "error" else None,
    )
    the_page.watch = watch
    yield the_page
    context.close()
    assert not watch.foreign, f"requests off the server: {watch.foreign}"
    assert not watch.dialogs, f"a dialog opened: {watch.dialogs}"
    assert not watch.errors, f"errors in the page: {watch.errors}"


def shot(page, name: str, *, full_page: bool = False) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def seed_id(store_path: str) -> str:
    with Store(store_path) as store:
        rows, _ = store.find_articles(limit=10)
    return next(r.id for r in rows if r.id != "xss-probe")


# -- the pages --------------------------------------------------------------------------------


def test_article_view_highlights_records_and_shows_them(page, site, store_path):
    page.goto(f"{site}/articles/{seed_id(store_path)}")
    assert "Putin Pledges to Capture Donbas" in page.locator("h1").inner_text()
    text = page.locator("#article-text")
    for kind in ("entity", "quote", "event", "actor", "claim", "response"):
        assert text.locator(f".hl.k-{kind}").count() > 0, kind
    # the contested claims are marked as such; the "rejected" that answers Putin is a response
    assert text.locator(".hl.k-claim.t-contested").count() >= 3
    # pointing at the THREATEN trigger ("seize") shows the event in the side panel
    trigger = page.locator("#event-0")
    assert trigger.inner_text() == "seize"
    trigger.hover()
    panel = page.locator("#panel-body")
    assert "Event THREATEN" in panel.inner_text()
    assert "Russia [RUS]" in panel.inner_text()
    # a click pins the record; the quote around it shows too (innermost first)
    trigger.click()
    titles = panel.locator("h3").all_inner_texts()
    assert titles[0] == "Event THREATEN" and any("Vladimir Putin" in t for t in titles)
    page.mouse.move(5, 5)
    assert panel.locator("h3").first.inner_text() == "Event THREATEN"
    # the layer switches hide a layer
    page.locator('input[data-layer="quote"]').uncheck()
    assert "hide-quote" in (text.get_attribute("class") or "")
    page.locator('input[data-layer="quote"]').check()
    page.keyboard.press("Escape")
    page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
    trigger.hover()  # the screenshot shows the panel filled
    path = shot(page, "article-view")
    assert path.stat().st_size > 10_000


def test_a_quote_leads_to_its_speakers_page(page, site, store_path):
    page.goto(f"{site}/articles/{seed_id(store_path)}")
    quote = page.locator('#article-text a.hl.k-quote[href="/entities/vladimir-putin"]').first
    quote.hover()
    panel = page.locator("#panel-body")
    assert "Quote by Vladimir Putin" in panel.inner_text()
    quote.click()
    page.wait_for_url(f"{site}/entities/vladimir-putin")
    assert page.locator("h1").inner_text().startswith("Vladimir Putin")
    said = page.locator("#said + table tbody tr")
    assert said.count() >= 2
    assert "liberate these territories" in page.locator("#said + table").inner_text()
    assert page.locator("svg.timeline circle.dot").count() >= 1
    assert "President" in page.locator("dl.facts").inner_text()
    shot(page, "entity-page", full_page=True)
    # and back: the quote's link opens the article at that quote, shown in the panel
    page.locator("#said + table a").first.click()
    page.wait_for_url(re.compile(r"/articles/.+#quote-\d+-\d+$"))
    assert "Quote by Vladimir Putin" in page.locator("#panel-body").inner_text()


def test_events_page_timeline_network_and_map(page, site):
    page.goto(f"{site}/events")
    timeline = page.locator("#timeline svg.timeline")
    lanes = [t.split()[0] for t in timeline.locator("text.lane-label").all_text_contents()]
    assert "THREATEN" in lanes, lanes
    dots = timeline.locator("circle.dot title").all_text_contents()
    assert any(t.startswith("THREATEN · 2025-12") for t in dots), dots
    labels = {
        t.strip()
        for t in page.locator("#network svg text.node-label").evaluate_all(
            "nodes => nodes.map(n => n.firstChild.textContent)"
        )
    }
    assert {"RUS", "UKR"} <= set(labels), labels
    assert page.locator("#network svg path.edge").count() >= 2
    map_svg = page.locator("#map svg.map")
    assert map_svg.locator("line.graticule").count() >= 4
    shot(page, "events", full_page=True)
    # the filters: the THREATEN lane's label links to the events of that type
    timeline.locator("a", has_text="THREATEN").first.click()
    page.wait_for_url(re.compile(r"/events\?type=THREATEN"))
    rows = page.locator("#list tbody tr")
    assert rows.count() >= 1
    assert set(page.locator("#list tbody td:nth-child(2) .type").all_inner_texts()) == {"THREATEN"}
    # source and date filters, through the form
    page.goto(f"{site}/events")
    page.fill("input[name=source]", "UKR")
    page.fill("input[name=since]", "2025-12")
    page.click("form.filters button")
    page.wait_for_url(re.compile(r"source=UKR"))
    types = set(page.locator("#list tbody td:nth-child(2) .type").all_inner_texts())
    assert types and types <= {"REJECT", "ACCUSE", "ASSAULT"}, types


def test_contested_claims_page(page, site):
    page.goto(f"{site}/claims")
    claims = page.locator("article.claim.contested")
    assert claims.count() == 3
    holders = set(claims.locator("h2 a").all_text_contents())
    assert holders == {"Vladimir Putin", "Donald Trump", "Russia"}, holders
    text = page.locator("main").inner_text()
    assert "pretty well" in text and "for their safety" in text and "seize full control" in text
    assert "not-confirmed" in text and "reject" in text
    # each claim names its source article
    assert claims.first.locator("h3", has_text="Sources").count() == 1
    assert "Putin Pledges to Capture Donbas" in claims.first.inner_text()
    shot(page, "claims", full_page=True)


def test_home_filters_and_search_from_the_header(page, site):
    page.goto(f"{site}/")
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 2
    assert "2025-12-05" in rows.first.inner_text()  # newest first
    page.goto(f"{site}/?until=2025-12-04")
    assert page.locator("table.list tbody tr").count() == 1
    page.goto(f"{site}/?outlet=harbour")
    assert page.locator("table.list tbody tr").count() == 1
    shot(page, "home")
    page.goto(f"{site}/claims")
    page.fill("header input[name=q]", "Donbas control")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"/search\?q=Donbas"))
    hits = page.locator("li.hit")
    assert hits.count() >= 2
    assert page.locator("li.hit-quote").count() >= 1
    assert page.locator("li.hit mark.match").count() >= 2
    shot(page, "search")


def test_untrusted_text_is_shown_as_text_never_run(page, site):
    paths = [
        "/",
        "/articles/xss-probe",
        "/search?q=terror+ordinary",
        "/search?q=script",
        "/entities/volodymyr-zelensky",
        "/claims?show=all",
        "/events",
        "/?outlet=" + "%3Cb",
    ]
    for path in paths:
        page.goto(site + path)
        page.wait_for_load_state("load")
        page.locator("body").hover()
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        # no element came from the data: the only scripts are ours, and there are no images
        scripts = page.evaluate(
            "Array.from(document.scripts).map(s => s.getAttribute('src') || s.type)"
        )
        assert set(scripts) <= {"/static/dashboard.js", "application/json"}, (path, scripts)
        assert page.locator("img, body svg[onload], b[onmouseover]").count() == 0, path
    page.goto(f"{site}/articles/xss-probe")
    assert page.locator("h1").inner_text() == TITLE
    assert OUTLET in page.locator(".meta").inner_text()
    body = page.locator("#article-text").inner_text()
    assert "<script>window.__pwned='text'; alert('text')</script>" in body
    assert QUOTE_PAYLOAD in body
    # the records island survived its </script>: the panel shows the quote's words as text
    quote = page.locator("#article-text .hl.k-quote", has_text="terror").first
    quote.hover()
    assert QUOTE_PAYLOAD in page.locator("#panel-body").inner_text()
    quote.click(modifiers=["Alt"])
    page.locator("#panel-body summary").first.click()
    assert "window.__pwned='quote'" in page.locator("#panel-body pre").first.inner_text()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    shot(page, "untrusted-article")
    page.goto(f"{site}/")
    assert TITLE in page.locator("table.list").inner_text()


# -- without a browser ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(store_path):
    return TestClient(create_app(store_path))


def test_html_pages_carry_a_same_origin_csp_and_load_nothing_from_elsewhere(client, store_path):
    for path in (
        "/",
        f"/articles/{seed_id(store_path)}",
        "/articles/xss-probe",
        "/entities",
        "/entities/vladimir-putin",
        "/entities/Ukrainian?type=NORP",
        "/events",
        "/events?type=THREATEN&source=RUS&since=2025&until=2025-12-31",
        "/claims",
        "/claims?show=all&holder=Putin",
        "/incidents",
        "/incidents?min_reports=1&type=threaten&source=RUS",
        "/search?q=Donbas",
        "/search",
    ):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["content-type"].startswith("text/html")
        csp = answer.headers["content-security-policy"]
        assert csp == HTML_CSP and "unsafe-inline" not in csp and "script-src 'self'" in csp
        assert answer.headers["x-content-type-options"] == "nosniff"
        html = answer.text
        assert not re.search(r"""(src|href|action)=["']?(https?:)?//""", html), path
        assert " style=" not in html and "<style" not in html, path  # the CSP would block them
        assert "<script>" not in html and "<img" not in html, path
        handler = r'<[a-z]+(?:\s+[\w:-]+(?:="[^"]*")?)*\s+on\w+='  # an on...= attribute
        assert not re.search(handler, html), path
    for asset in ("/static/dashboard.js", "/static/dashboard.css", "/static/favicon.svg"):
        answer = client.get(asset)
        assert answer.status_code == 200
        remote = r"""(url\(|@import|import\(|fetch\(|src=|href=)\s*["']?(https?:)?//"""
        assert not re.search(remote, answer.text), asset


def test_incidents_page_lists_each_report_with_a_link_to_its_words(client, store_path):
    page = client.get("/incidents", params={"min_reports": 1, "type": "threaten"}).text
    assert "THREATEN" in page and "RUS" in page
    links = re.findall(r'href="/articles/([^"#]+)#event-(\d+)">“([^<]*)”', page)
    assert links
    with Store(store_path) as store:
        for article_id, idx, words in links:
            event = store.get(article_id).events[int(idx)]
            assert event.type == "THREATEN"
            assert html.unescape(words) == event.evidence.text
    # one article reports each of these: none is reported by two
    assert "No incident matches" in client.get("/incidents").text
    bad = client.get("/incidents", params={"since": "last week"})
    assert bad.status_code == 200 and "is not YYYY" in bad.text


def test_pages_answer_not_found_and_bad_filters_in_html(client):
    missing = client.get("/articles/no-such-article")
    assert missing.status_code == 404 and "not in the store" in missing.text
    assert missing.headers["content-type"].startswith("text/html")
    assert client.get("/entities/Atlantis").status_code == 404
    bad = client.get("/events?since=last+week&offset=x")
    assert bad.status_code == 200 and "is not YYYY" in bad.text
    # the API is unchanged: JSON errors, JSON 404 for unknown paths
    assert client.get("/api/nothing").json()["error"]["code"] == "E404"
    assert "/" not in {p for p in client.get("/api/openapi.json").json()["paths"]}


def test_untrusted_text_is_escaped_in_the_html(client):
    html = client.get("/articles/xss-probe").text
    assert "&lt;script&gt;window.__pwned=&#39;title&#39;&lt;/script&gt;" in html
    island = re.search(r'<script type="application/json" id="records">(.*?)</script>', html, re.S)
    assert island is not None
    assert "</" not in island.group(1) and "<" not in island.group(1)
    records = json.loads(island.group(1))
    assert any(QUOTE_PAYLOAD in row[1] for r in records.values() for row in r["rows"] if row[1])


def test_json_island_cannot_be_closed_by_the_data():
    data = {"a": "</script><script>alert(1)</script>", "b": "<!-- & \u2028 -->"}
    text = str(json_island(data))
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == data


def test_highlights_nest_and_split_overlapping_spans():
    text = "Putin said Moscow will seize Donbas.\nKyiv rejected it."
    layers = [
        Layer(0, 5, "entity", "n0", "entity-e1", tag="PERSON"),
        Layer(11, 35, "quote", "q0", "quote-11-35", href="/entities/vladimir-putin"),
        Layer(11, 35, "claim", "c0", "claim-c0", tag="contested"),
        Layer(11, 17, "entity", "n1"),
        Layer(23, 28, "event", "v0", "event-0"),
        Layer(18, 44, "figure", "f0"),  # crosses the quote's end and the paragraph break
        Layer(42, 46, "entity", "n2"),
        Layer(50, 99, "entity", "bad"),  # outside the text: left out
    ]
    html = str(render(text, layers))
    assert html.count("<p>") == 2
    # same offsets: one element with both records; a link to the speaker
    assert (
        '<a class="hl k-quote k-claim t-contested" data-r="q0 c0" id="quote-11-35" '
        'href="/entities/vladimir-putin">' in html
    )
    assert '<mark class="hl k-event" data-r="v0" id="event-0" tabindex="0">seize</mark>' in html
    # the figure is split at the quote's end and at the paragraph break, never misnested
    assert html.count('data-r="f0"') == 3 and html.count(' cont"') == 3  # and n2 at f0's end
    assert "bad" not in html
    stack = []
    for match in re.finditer(r"<(/?)(a|mark|p)\b", html):
        if match.group(1):
            assert stack.pop() == match.group(2)
        else:
            stack.append(match.group(2))
    assert not stack
    # markup in the text is text
    assert str(render("<b>x</b>", [Layer(0, 3, "entity", "n0")])) == (
        '<p><mark class="hl k-entity" data-r="n0" tabindex="0">&lt;b&gt;</mark>x&lt;/b&gt;</p>'
    )


def test_article_view_says_which_quotes_the_learned_fallback_found(client, store_path):
    with Store(store_path) as store:
        rows = store.quotes(method="learned", limit=1)
    assert rows, "the test store has no learned quote"
    (row,) = rows
    page = client.get(f"/articles/{row.article_id}").text
    assert f"learned {row.quote.confidence:.2f}" in page
    island = re.search(r'<script type="application/json" id="records">(.*?)</script>', page, re.S)
    records = json.loads(island.group(1))
    found_by = [
        r for r in records.values() if r["kind"] == "quote" and r["raw"]["method"] == "learned"
    ]
    assert found_by and all(
        any(row[0] == "Found by" and "learned fallback" in row[1] for row in r["rows"])
        for r in found_by
    )
    rules = [r for r in records.values() if r["kind"] == "quote" and r["raw"]["method"] == "rules"]
    assert rules and not any(row[0] == "Found by" for r in rules for row in r["rows"])
