"""Which URLs a server fetches for its clients: http(s) on public addresses only.

``newsdesk serve`` fetches URLs that clients post. Without a guard a client could make it read
the machine's own services or the local network (``http://127.0.0.1:...``, ``http://10.0.0.1``,
cloud metadata at ``169.254.169.254``). :func:`check_url` refuses other schemes and resolves the
host, refusing it when any address is not public; :func:`public_opener` checks again the
address each connection actually reaches, so neither a redirect nor a DNS answer that changes
between the check and the fetch gets through. Guarded fetches do not use proxies (a proxy's
address would be checked instead of the site's).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from .errors import FetchError, URLRefusedError

SCHEMES = ("http", "https")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_public(address: str | Address) -> bool:
    """Is this an address on the public internet (not loopback, private, link-local, shared,
    reserved, multicast or unspecified)? IPv6 forms that carry an IPv4 address (mapped, 6to4,
    Teredo, NAT64) are judged by that address too."""
    if isinstance(address, str):
        address = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone
    if isinstance(address, ipaddress.IPv6Address):
        embedded = [address.ipv4_mapped, address.sixtofour]
        embedded += [address.teredo[1]] if address.teredo else []
        if address in _NAT64:
            embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if any(e is not None and not is_public(e) for e in embedded):
            return False
    return address.is_global and not (
        address.is_multicast
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
    )


def check_scheme(url: str) -> None:
    """Refuse anything but an http(s) URL with a host."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES:
        raise URLRefusedError("only http and https URLs can be fetched", source=url)
    if not parts.hostname:
        raise URLRefusedError("the URL has no host", source=url)


def check_url(url: str) -> None:
    """Refuse a URL that is not http(s) or whose host resolves to any address that is not
    public (see :func:`is_public`)."""
    check_scheme(url)
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError as error:
        raise URLRefusedError(f"bad port: {error}", source=url) from None
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as error:
        raise FetchError(f"cannot resolve {host}: {error}", source=url) from error
    for info in infos:
        address = str(info[4][0])
        if not is_public(address):
            where = f"{host} resolves to {address}, which" if host != address else address
            raise URLRefusedError(
                f"{where} is not a public address; the server fetches public addresses only "
                "(newsdesk serve --allow-private-urls lifts this)",
                source=url,
            )


def _public_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
    """socket.create_connection, refusing a peer that is not public before a byte is sent."""
    sock = socket.create_connection(address, *args, **kwargs)
    peer = str(sock.getpeername()[0])
    if not is_public(peer):
        sock.close()
        raise URLRefusedError(
            f"{address[0]} connected to {peer}, not a public address", source=str(address[0])
        )
    return sock


class _PublicHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _public_connection


class _PublicHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _public_connection


class _PublicHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_PublicHTTPConnection, req)


class _PublicHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_PublicHTTPSConnection, req, context=self._context)  # type: ignore[attr-defined]


class _SchemeRedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) URLs only (urllib would also follow one to ftp)."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        check_scheme(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def public_opener() -> urllib.request.OpenerDirector:
    """A urllib opener that connects to public addresses only, follows redirects to http(s)
    only and uses no proxy."""
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        _PublicHTTPHandler,
        _PublicHTTPSHandler,
        _SchemeRedirectHandler,
    )


def private_opener() -> urllib.request.OpenerDirector:
    """The opener for ``--allow-private-urls``: any address, still http(s) redirects only."""
    return urllib.request.build_opener(_SchemeRedirectHandler)
