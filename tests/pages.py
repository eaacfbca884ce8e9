"""HTML pages written for the tests, and a real local HTTP server that serves them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARTICLE_HTML = """<!doctype html>
<html lang="en"><head>
<title>Drone strike hits fuel depot near Port Sudan | Red Sea Monitor</title>
<meta name="author" content="Salma Idris">
<meta property="og:site_name" content="Red Sea Monitor">
<meta property="og:title" content="Drone strike hits fuel depot near Port Sudan">
<meta property="article:published_time" content="2025-05-06T08:15:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<div class="cookie">We use cookies to improve your experience. Accept all cookies.</div>
<article>
<h1>Drone strike hits fuel depot near Port Sudan</h1>
<p class="byline">By Salma Idris</p>
<p>A drone struck a fuel depot on the northern edge of Port Sudan early on Tuesday, setting off
fires that burned for hours, the Sudanese army said, blaming the Rapid Support Forces.</p>
<p>"This is an attack on the lifeline of millions of Sudanese," army spokesman Nabil Abdallah told
reporters. The paramilitary group did not immediately comment on the accusation.</p>
<p>The United Nations said at least 30 aid trucks were waiting at the port and warned that fuel
shortages could halt water pumping stations across the Red Sea state within days.</p>
<p>Port Sudan has hosted government ministries and UN agencies since fighting broke out in
Khartoum in April 2023.</p>
</article>
<aside><h3>Most read</h3><ul><li>Markets slide as oil jumps</li><li>Cup final ends in draw</li></ul></aside>
<footer>Copyright 2025 Red Sea Monitor. All rights reserved.</footer>
</body></html>"""

NOT_AN_ARTICLE_HTML = """<!doctype html><html><head><title>Sign in</title></head><body>
<form><input name="user"><input type="password" name="pw"><button>Sign in</button></form>
</body></html>"""


class _Handler(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, str]] = {
        "/article.html": (200, ARTICLE_HTML),
        "/login.html": (200, NOT_AN_ARTICLE_HTML),
        "/missing.html": (404, "not found"),
    }

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        status, body = self.routes.get(self.path, (404, "not found"))
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve() -> Iterator[str]:
    """Serve the pages on a free loopback port; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
