"""Alerts: rules in YAML matched as articles are analysed, sent to the terminal, a JSON Lines
file or a webhook.

```yaml
sinks:
  - {type: terminal}
  - {type: jsonl, path: alerts.jsonl}
  - {type: webhook, url: "http://127.0.0.1:9000/hook", retries: 3, timeout: 5}
rules:
  - {name: russia-threatens, event: {type: THREATEN, source: RUS}}
  - {name: putin-speaks, quote: {speaker: Vladimir Putin}}
  - {name: drones, keyword: drone}
  - {name: contested, contested_claim: {about: Ukraine}}
  - {name: toll-changes, figure_change: {kind: killed}}
```

The format is in docs/monitoring.md ("Alerts"). An :class:`Alerter` is the ``after_save`` hook
of ``pipeline.ingest``: for each saved article it matches every rule, and each match is one
:class:`Alert` (a JSON object with the rule, the article, a message, the evidence span into the
article text and the record). An alert is sent once: the store keeps the key (rule, article,
evidence offsets) of every alert sent (``alerts_sent``), so an article analysed again does not
fire it again.
"""

from __future__ import annotations

import json
import re
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from .errors import NewsdeskError
from .figures import same_subject
from .records import Analysis, Entity, EntityRef, Span, to_dict
from .yamlfile import YAMLError, load_yaml

PLOVER_TYPES = frozenset(
    "AGREE CONSULT SUPPORT CONCEDE COOPERATE AID RETREAT REQUEST ACCUSE REJECT THREATEN PROTEST "
    "SANCTION MOBILIZE COERCE ASSAULT".split()
)
RULE_KINDS = ("event", "quote", "keyword", "contested_claim", "figure_change")
_RULE_FIELDS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "event": {
        "type": (str, list),
        "source": str,
        "target": str,
        "place": str,
        "negated": bool,
        "hypothetical": bool,
        "alleged": bool,
    },
    "quote": {"speaker": str, "about": str, "text": str},
    "contested_claim": {"about": str, "holder": str},
    "figure_change": {"kind": str, "unit": str, "about": str},
}
_SINK_FIELDS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "terminal": {"stream": str},
    "jsonl": {"path": str},
    "webhook": {
        "url": str,
        "retries": int,
        "timeout": (int, float),
        "backoff": (int, float),
        "headers": dict,
    },
}


class RulesError(NewsdeskError):
    """An alert rules file cannot be read or has a bad rule or sink."""

    code = "E700"


# -- rules ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str  # one of RULE_KINDS
    params: dict[str, Any]


@dataclass(frozen=True)
class Rules:
    rules: tuple[Rule, ...]
    sinks: tuple[dict[str, Any], ...]


def load_rules(path: str | Path) -> Rules:
    """Read and check a rules file; raises :class:`RulesError` with the rule at fault."""
    try:
        text = Path(path).read_text("utf-8")
    except OSError as error:
        raise RulesError(f"cannot read alert rules: {error.strerror}", source=str(path)) from None
    try:
        data = load_yaml(text)
    except YAMLError as error:
        raise RulesError(f"not YAML: {error}".splitlines()[0], source=str(path)) from None
    return parse_rules(data, source=str(path))


def parse_rules(data: Any, *, source: str | None = None) -> Rules:
    """Check rules given as data (the YAML file's content)."""

    def fail(message: str) -> RulesError:
        return RulesError(message, source=source)

    if not isinstance(data, dict):
        raise fail("the rules file must be a mapping with 'rules' (and optionally 'sinks')")
    unknown = set(data) - {"rules", "sinks"}
    if unknown:
        raise fail(f"unknown top-level key {sorted(unknown)[0]!r}; use 'rules' and 'sinks'")
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise fail("'rules' must be a non-empty list")
    rules: list[Rule] = []
    for number, raw in enumerate(raw_rules, 1):
        rule = _parse_rule(raw, number, fail)
        if any(r.name == rule.name for r in rules):
            raise fail(f"rule {number}: the name {rule.name!r} is used twice")
        rules.append(rule)
    raw_sinks = data.get("sinks", [{"type": "terminal"}])
    if not isinstance(raw_sinks, list) or not raw_sinks:
        raise fail("'sinks' must be a non-empty list")
    sinks = tuple(_parse_sink(raw, number, fail) for number, raw in enumerate(raw_sinks, 1))
    return Rules(tuple(rules), sinks)


def _parse_rule(raw: Any, number: int, fail: Any) -> Rule:
    if not isinstance(raw, dict):
        raise fail(
            f"rule {number}: must be a mapping with a name and one of {', '.join(RULE_KINDS)}"
        )
    name = raw.get("name")
    where = f"rule {number}" + (f" ({name})" if isinstance(name, str) else "")
    if not isinstance(name, str) or not name.strip():
        raise fail(f"{where}: needs a 'name' (text)")
    kinds = [k for k in RULE_KINDS if k in raw]
    unknown = set(raw) - {"name", *RULE_KINDS}
    if unknown:
        raise fail(
            f"{where}: unknown key {sorted(unknown)[0]!r}; a rule has a name and one of "
            f"{', '.join(RULE_KINDS)}"
        )
    if len(kinds) != 1:
        raise fail(f"{where}: needs exactly one of {', '.join(RULE_KINDS)}, not {len(kinds)}")
    kind = kinds[0]
    value = raw[kind]
    if kind == "keyword":
        words = [value] if isinstance(value, str) else value
        if (
            not isinstance(words, list)
            or not words
            or not all(isinstance(w, str) and w.strip() for w in words)
        ):
            raise fail(f"{where}: 'keyword' must be a word or a list of words")
        return Rule(name.strip(), kind, {"words": [w.strip() for w in words]})
    value = {} if value is None else value
    if not isinstance(value, dict):
        raise fail(f"{where}: '{kind}' must be a mapping (or {{}})")
    allowed = _RULE_FIELDS[kind]
    for key, item in value.items():
        if key not in allowed:
            raise fail(f"{where}: '{kind}' has no field {key!r}; use {', '.join(sorted(allowed))}")
        if not isinstance(item, allowed[key]) or (isinstance(item, str) and not item.strip()):
            raise fail(f"{where}: '{kind}.{key}' has a bad value {item!r}")
    params = dict(value)
    if kind == "event":
        types = params.get("type")
        if types is not None:
            listed = [types] if isinstance(types, str) else types
            upper = [str(t).strip().upper() for t in listed]
            bad = [t for t in upper if t not in PLOVER_TYPES]
            if bad or not upper:
                raise fail(
                    f"{where}: unknown PLOVER type {(bad or ['(none)'])[0]!r}; use one of "
                    f"{', '.join(sorted(PLOVER_TYPES))}"
                )
            params["type"] = upper
        if not params:
            raise fail(f"{where}: 'event' needs at least one of {', '.join(allowed)}")
    if kind == "quote" and "speaker" not in params:
        raise fail(f"{where}: 'quote' needs a 'speaker'")
    return Rule(name.strip(), kind, params)


def _parse_sink(raw: Any, number: int, fail: Any) -> dict[str, Any]:
    if not isinstance(raw, dict) or raw.get("type") not in _SINK_FIELDS:
        raise fail(f"sink {number}: needs a type: {', '.join(_SINK_FIELDS)}")
    kind = raw["type"]
    allowed = _SINK_FIELDS[kind]
    for key, item in raw.items():
        if key == "type":
            continue
        if key not in allowed:
            raise fail(f"sink {number} ({kind}): no field {key!r}; use {', '.join(allowed)}")
        if not isinstance(item, allowed[key]) or isinstance(item, bool):
            raise fail(f"sink {number} ({kind}): '{key}' has a bad value {item!r}")
    if kind == "jsonl" and not raw.get("path"):
        raise fail(f"sink {number} (jsonl): needs a 'path'")
    if kind == "webhook":
        url = raw.get("url", "")
        if not re.match(r"https?://[^\s/]+", url):
            raise fail(f"sink {number} (webhook): needs an http(s) 'url', not {url!r}")
        if raw.get("retries", 3) < 0 or raw.get("timeout", 5) <= 0:
            raise fail(f"sink {number} (webhook): retries must be >= 0 and timeout > 0")
    if kind == "terminal" and raw.get("stream", "stdout") not in ("stdout", "stderr"):
        raise fail(f"sink {number} (terminal): stream is stdout or stderr")
    return dict(raw)


# -- alerts -----------------------------------------------------------------------------------


@dataclass
class Alert:
    rule: str
    kind: str
    article: dict[str, Any]  # id, title, url, outlet, published
    message: str
    evidence: Span
    record: dict[str, Any]
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def key(self) -> str:
        return f"{self.evidence.start}:{self.evidence.end}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "kind": self.kind,
            "article": self.article,
            "message": self.message,
            "evidence": to_dict(self.evidence),
            "record": self.record,
            "created_at": self.created_at,
        }

    def line(self) -> str:
        where = " · ".join(x for x in (self.article.get("outlet"), self.article.get("title")) if x)
        return (
            f"ALERT {self.rule} [{self.kind}] {self.message} — {where or self.article['id']} "
            f"({self.article['id']}@{self.evidence.start})"
        )


def _words_in(words: str, *texts: str | None) -> bool:
    """Do ``words`` occur as whole words (any case) in one of the texts?"""
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words.split()) + r"(?!\w)"
    return any(t and re.search(pattern, t, re.IGNORECASE) for t in texts)


def _entity(analysis: Analysis, ref: EntityRef | None) -> Entity | None:
    return analysis.entity(ref.entity) if ref is not None and ref.entity else None


def _names_of(analysis: Analysis, about: str) -> set[str]:
    """``about`` and every mention of the article's entities named or KB-identified by it."""
    names = {about}
    for entity in analysis.entities:
        if entity.kb_id == about or entity.name.casefold() == about.casefold():
            names |= {m.text for m in entity.mentions}
    return {n for n in names if len(n) > 1}


def _who(analysis: Analysis, ref: EntityRef | None, wanted: str) -> bool:
    """Is ``ref`` the one ``wanted`` names: KB id, or whole words of its name or entity name."""
    if ref is None:
        return False
    entity = _entity(analysis, ref)
    if entity is not None and entity.kb_id == wanted:
        return True
    return _words_in(wanted, ref.name, entity.name if entity else None)


class Alerter:
    """Match rules against each saved article and send the alerts; use it as
    ``pipeline.ingest(..., after_save=alerter)``. ``store``: where sent alerts are remembered
    and where the contested-claim and figure-change rules look for earlier reports (without
    one, alerts are remembered for this process only and figure changes are not looked for)."""

    def __init__(
        self,
        rules: Rules,
        store: Any = None,
        *,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        sleep: Any = time.sleep,
    ) -> None:
        self.rules = rules
        self.store = store
        self.stdout = stdout
        self.stderr = stderr
        self.sleep = sleep
        self.sent: set[tuple[str, str, str]] = set()
        self.sinks = [_make_sink(s, self) for s in rules.sinks]
        self.count = 0

    @classmethod
    def from_file(cls, path: str | Path, store: Any = None, **options: Any) -> Alerter:
        return cls(load_rules(path), store, **options)

    def __call__(self, analysis: Analysis, status: str) -> list[Alert]:
        alerts = [a for a in self.match(analysis) if self._first_time(a)]
        for alert in alerts:
            for sink in self.sinks:
                sink.send(alert)
        self.count += len(alerts)
        return alerts

    def error(self, message: str) -> None:
        print(f"error: {message}", file=self.stderr or sys.stderr, flush=True)

    def _first_time(self, alert: Alert) -> bool:
        key = (alert.rule, alert.article["id"], alert.key)
        if key in self.sent:
            return False
        self.sent.add(key)
        if self.store is None:
            return True
        with self.store.transaction():
            cursor = self.store.db.execute(
                "INSERT OR IGNORE INTO alerts_sent (rule, article_id, evidence, kind, sent_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (*key, alert.kind, alert.created_at),
            )
        return bool(cursor.rowcount)

    # -- matching ------------------------------------------------------------------------------

    def match(self, analysis: Analysis) -> list[Alert]:
        """Every alert the rules give for one article (before de-duplication)."""
        found: list[Alert] = []
        for rule in self.rules.rules:
            found += getattr(self, f"_{rule.kind}")(rule, analysis)
        return found

    def _alert(
        self, rule: Rule, analysis: Analysis, message: str, evidence: Span, record: Any
    ) -> Alert:
        article = analysis.article
        return Alert(
            rule=rule.name,
            kind=rule.kind,
            article={
                "id": article.id,
                "title": article.title,
                "url": article.url,
                "outlet": article.outlet,
                "published": article.published,
            },
            message=message,
            evidence=evidence,
            record=to_dict(record),
        )

    def _event(self, rule: Rule, analysis: Analysis) -> list[Alert]:
        p = rule.params
        out = []
        for event in analysis.events:
            if p.get("type") and event.type not in p["type"]:
                continue
            if not all(
                any(
                    (a.code or "").upper() == p[role].upper()
                    or _who(analysis, EntityRef(a.entity, a.name), p[role])
                    for a in getattr(event, role)
                )
                for role in ("source", "target")
                if p.get(role)
            ):
                continue
            if p.get("place"):
                if not event.place:
                    continue
                entity = next(
                    (e for e in analysis.entities if e.name.casefold() == event.place.casefold()),
                    None,
                )
                country = entity.country if entity else None
                if not _words_in(p["place"], event.place) and p["place"].upper() != country:
                    continue
            flags = {
                "negated": event.negated,
                "hypothetical": event.hypothetical or event.conditional,
                "alleged": event.reported_by is not None,
            }
            if any(p[f] != value for f, value in flags.items() if f in p):
                continue
            actors = " and ".join(a.name for a in event.source) or "?"
            targets = " and ".join(a.name for a in event.target)
            message = f"{event.type} by {actors}" + (f" against {targets}" if targets else "")
            if event.reported_by is not None:
                message += f" (reported by {event.reported_by.name})"
            out.append(self._alert(rule, analysis, message, event.evidence, event))
        return out

    def _quote(self, rule: Rule, analysis: Analysis) -> list[Alert]:
        p = rule.params
        out = []
        for quote in analysis.quotes:
            if not _who(analysis, quote.speaker, p["speaker"]):
                continue
            if p.get("text") and not _words_in(p["text"], quote.content.text):
                continue
            if p.get("about") and not any(
                _words_in(n, quote.content.text) for n in _names_of(analysis, p["about"])
            ):
                continue
            assert quote.speaker is not None
            message = f"{quote.speaker.name}: {_clip(quote.content.text)}"
            out.append(self._alert(rule, analysis, message, quote.content, quote))
        return out

    def _keyword(self, rule: Rule, analysis: Analysis) -> list[Alert]:
        text = analysis.article.text
        out = []
        for word in rule.params["words"]:
            words = r"\s+".join(re.escape(w) for w in word.split())
            hits = list(re.finditer(rf"(?<!\w){words}(?:s|es)?(?!\w)", text, re.IGNORECASE))
            if not hits:
                continue
            first = hits[0]
            evidence = Span.of(text, first.start(), first.end())
            context = _sentence(text, first.start(), first.end())
            times = f" ({len(hits)} times)" if len(hits) > 1 else ""
            message = f"“{word}”{times}: {_clip(context.text)}"
            record = {"keyword": word, "hits": len(hits), "sentence": to_dict(context)}
            out.append(self._alert(rule, analysis, message, evidence, record))
        return out

    def _contested_claim(self, rule: Rule, analysis: Analysis) -> list[Alert]:
        p = rule.params
        out = []
        for claim in analysis.claims:
            if not claim.contested:
                continue
            if p.get("holder") and not _who(analysis, claim.holder, p["holder"]):
                continue
            if p.get("about") and not any(
                _words_in(n, claim.content.text) for n in _names_of(analysis, p["about"])
            ):
                continue
            if self._contested_before(analysis, claim):
                continue
            answers = "; ".join(f"{r.stance} by {r.holder.name}" for r in claim.responses)
            message = f"{claim.holder.name}: {_clip(claim.content.text)} — {answers}"
            out.append(self._alert(rule, analysis, message, claim.content, claim))
        return out

    def _contested_before(self, analysis: Analysis, claim: Any) -> bool:
        """Was the same claim (same holder, shared words: ``claims.group_claims``) already
        contested in another stored article? Then it is not a new contested claim."""
        if self.store is None:
            return False
        from .claims import group_claims
        from .store import holder_key

        entity = _entity(analysis, claim.holder)
        kb = entity.kb_id if entity else None
        key = holder_key(kb, claim.holder.name)
        rows = self.store.claims(limit=None, holders={key})
        for group in group_claims(rows):
            if not any(
                s.article_id == analysis.article.id and s.claim_id == claim.id
                for s in group.sources
            ):
                continue
            opposing = {"deny", "reject", "dispute", "not-confirmed"}
            return any(
                aid != analysis.article.id and r.stance in opposing for aid, r in group.responses
            )
        return False

    def _figure_change(self, rule: Rule, analysis: Analysis) -> list[Alert]:
        if self.store is None:
            return []
        from . import incidents

        p = rule.params
        article = analysis.article
        incidents.update_article(self.store, article.id)
        related = {
            row[0]
            for row in self.store.db.execute(
                "SELECT DISTINCT b.article_id FROM incident_events a JOIN incident_events b "
                "ON a.incident_id = b.incident_id WHERE a.article_id = ? AND b.article_id != ?",
                (article.id, article.id),
            )
        }
        out = []
        for index, figure in enumerate(analysis.figures):
            if figure.value is None or figure.kind is None:
                continue
            if p.get("kind") and figure.kind != p["kind"].lower():
                continue
            if p.get("unit") and figure.unit != p["unit"]:
                continue
            context = _sentence(article.text, figure.span.start, figure.span.end).text
            if p.get("about") and not _words_in(p["about"], context, article.title):
                continue
            previous = self._previous_figure(
                figure, related, p.get("about"), p.get("unit"), article.id
            )
            if previous is None or previous[1].value == figure.value:
                continue
            row, before = previous
            was = f"{before.value:,.10g}"
            message = (
                f"{figure.kind}: {figure.span.text} (was {was} in "
                f"{row.outlet or row.article_id} {(row.published or '')[:10]})"
            ).replace(" )", ")")
            record = {
                "figure": to_dict(figure),
                "idx": index,
                "previous": {
                    "article_id": row.article_id,
                    "idx": row.idx,
                    "title": row.title,
                    "outlet": row.outlet,
                    "published": row.published,
                    "figure": to_dict(before),
                },
            }
            out.append(self._alert(rule, analysis, message, figure.span, record))
        return out

    def _previous_figure(
        self,
        figure: Any,
        related: set[str],
        about: str | None,
        unit: str | None,
        article_id: str,
    ) -> Any:
        """The last figure of an earlier article (by publication, else storing) with the same
        kind about the same subject: an article that reports the same incident, the same place,
        the same counted thing (:func:`newsdesk.figures.same_subject`), or (with the rule's
        ``about``) one that names it too."""
        assert self.store is not None
        texts: dict[str, tuple[str, str | None]] = {}
        order = {
            row["id"]: (row["day"], row["rowid"])
            for row in self.store.db.execute(
                "SELECT id, rowid, coalesce(published, ingested_at) AS day FROM articles "
                "WHERE id IN (SELECT article_id FROM figures)"
            )
        }
        mine = order.get(article_id)
        latest = None
        for row in self.store.figures(kind=figure.kind, limit=None):
            other = row.figure
            if row.article_id == article_id or other.value is None:
                continue
            if mine is not None and order.get(row.article_id, mine) > mine:
                continue  # a later article: not what this figure changes
            if unit and other.unit != unit:
                continue
            same = (
                row.article_id in related
                or (figure.place is not None and figure.place == other.place)
                or same_subject(other, figure)  # what `newsdesk figures` marks as a change
            )
            if not same and about:
                if row.article_id not in texts:
                    found = self.store.db.execute(
                        "SELECT text, title FROM articles WHERE id = ?", (row.article_id,)
                    ).fetchone()
                    texts[row.article_id] = (found["text"], found["title"])
                text, title = texts[row.article_id]
                context = _sentence(text, other.span.start, other.span.end).text
                same = _words_in(about, context, title)
            if same:
                latest = (row, other)
        return latest


def _sentence(text: str, start: int, end: int) -> Span:
    """The sentence (roughly: between full stops and line breaks) around ``text[start:end]``."""
    left = max(text.rfind(". ", 0, start) + 2, text.rfind("\n", 0, start) + 1, 0)
    stops = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    right = min(stops) + 1 if stops else len(text)
    return Span.of(text, left, min(right, len(text)))


def _clip(text: str, size: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


# -- sinks ------------------------------------------------------------------------------------


class _Sink:
    def send(self, alert: Alert) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class TerminalSink(_Sink):
    def __init__(self, alerter: Alerter, stream: str = "stdout") -> None:
        self.alerter = alerter
        self.stream = stream

    def send(self, alert: Alert) -> None:
        out = self.alerter.stderr if self.stream == "stderr" else self.alerter.stdout
        print(alert.line(), file=out or getattr(sys, self.stream), flush=True)


class JsonlSink(_Sink):
    def __init__(self, alerter: Alerter, path: str) -> None:
        self.alerter = alerter
        self.path = Path(path)

    def send(self, alert: Alert) -> None:
        try:
            if self.path.parent != Path():
                self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(alert.to_dict(), ensure_ascii=False) + "\n")
        except OSError as error:
            self.alerter.error(f"alerts file {self.path}: {error.strerror}")


class WebhookSink(_Sink):
    """POST the alert as JSON; a failure (no answer, a timeout, 5xx, 429) is tried again
    ``retries`` times, waiting ``backoff`` seconds, then twice as long each time. After the
    last try: one error line, and the ingest goes on."""

    def __init__(
        self,
        alerter: Alerter,
        url: str,
        retries: int = 3,
        timeout: float = 5.0,
        backoff: float = 0.5,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.alerter = alerter
        self.url = url
        self.retries = retries
        self.timeout = timeout
        self.backoff = backoff
        self.headers = {str(k): str(v) for k, v in (headers or {}).items()}
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def send(self, alert: Alert) -> None:
        body = json.dumps(alert.to_dict(), ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json", **self.headers}
        reason = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self.alerter.sleep(self.backoff * 2 ** (attempt - 1))
            request = urllib.request.Request(self.url, body, headers, method="POST")
            try:
                with self.opener.open(request, timeout=self.timeout) as answer:
                    answer.read()
                return
            except urllib.error.HTTPError as error:
                reason = f"HTTP {error.code}"
                if error.code < 500 and error.code != 429:
                    break  # the receiver refuses this alert: trying again will not help
            except (urllib.error.URLError, OSError) as error:
                reason = str(getattr(error, "reason", error))
        tries = attempt + 1
        self.alerter.error(
            f"webhook {self.url}: alert {alert.rule} for {alert.article['id']} not delivered "
            f"after {tries} {'try' if tries == 1 else 'tries'} ({reason})"
        )


def _make_sink(spec: dict[str, Any], alerter: Alerter) -> _Sink:
    options = {k: v for k, v in spec.items() if k != "type"}
    if spec["type"] == "terminal":
        return TerminalSink(alerter, **options)
    if spec["type"] == "jsonl":
        return JsonlSink(alerter, **options)
    return WebhookSink(alerter, **options)


def chain(*hooks: Any) -> Any:
    """One ``after_save`` hook that calls each of ``hooks`` (None ones skipped) in turn."""
    present: Sequence[Any] = [h for h in hooks if h is not None]

    def hook(analysis: Analysis, status: str) -> None:
        for each in present:
            each(analysis, status)

    return hook


def alert_keys(store: Any) -> Iterable[tuple[str, str, str]]:
    """The (rule, article id, evidence) key of every alert sent from this store."""
    for row in store.db.execute("SELECT rule, article_id, evidence FROM alerts_sent"):
        yield row["rule"], row["article_id"], row["evidence"]
