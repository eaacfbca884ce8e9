"""The exceptions newsdesk raises. Each has a short code so messages can be looked up in docs.

The CLI prints ``str(error)`` on one line and exits non-zero; a batch reports the item and goes on.
"""

from __future__ import annotations


class NewsdeskError(Exception):
    """Base class of every error newsdesk raises on purpose."""

    code = "E000"

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        return f"{where}{self.message} [{self.code}]"


class InputError(NewsdeskError):
    """The input is not a usable English news article (empty, binary, too large, ...)."""

    code = "E100"


class EncodingError(InputError):
    """The bytes cannot be decoded as text."""

    code = "E101"


class LanguageError(InputError):
    """The text is not English."""

    code = "E102"


class ExtractionError(InputError):
    """An HTML page holds no article text."""

    code = "E103"


class FeedError(InputError):
    """A feed (RSS, Atom, JSON Feed) or sitemap cannot be read: malformed, or not a feed."""

    code = "E104"


class FetchError(NewsdeskError):
    """A URL could not be fetched (unreachable, refused, HTTP error, timeout)."""

    code = "E200"


class URLRefusedError(FetchError):
    """A URL the server will not fetch: not http(s), or a host on a loopback, private,
    link-local or reserved address (``newsdesk serve --allow-private-urls`` lifts the latter)."""

    code = "E201"


class ModelError(NewsdeskError):
    """No usable spaCy model could be loaded."""

    code = "E300"


class StoreError(NewsdeskError):
    """The database cannot be opened or is not a newsdesk store."""

    code = "E400"


class QueryError(NewsdeskError):
    """A store query has a bad filter value (a malformed date, an unknown grouping)."""

    code = "E401"


class NotFoundError(StoreError):
    """A requested article or record is not in the store."""

    code = "E404"


class EvalError(NewsdeskError):
    """Gold data for an evaluation is missing or unreadable."""

    code = "E500"
