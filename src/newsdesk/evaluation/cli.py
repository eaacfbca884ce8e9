"""``newsdesk eval``: one subcommand per gold reader; later stages add theirs here."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import NewsdeskError


@click.group("eval")
def eval_group() -> None:
    """Score newsdesk against gold sets (../shared/eval, ../shared/seed)."""


@eval_group.command("seed")
@click.option(
    "--text",
    "text_path",
    type=click.Path(dir_okay=False),
    help="Article text [default: shared/seed/donbas-talks.txt].",
)
@click.option(
    "--gold",
    "gold_path",
    type=click.Path(dir_okay=False),
    help="Gold extraction [default: shared/seed/donbas-talks.gold.json].",
)
@click.option("--model", envvar="NEWSDESK_MODEL", help="spaCy pipeline to load.")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option("--verbose", "-v", is_flag=True, help="List each miss.")
def seed_command(
    text_path: str | None, gold_path: str | None, model: str | None, as_json: bool, verbose: bool
) -> None:
    """Score an article against its gold extraction (entities, dates, metadata)."""
    from ..pipeline import Analyzer
    from .data import seed_paths
    from .seed import evaluate_seed

    try:
        default_text, default_gold = seed_paths() if not (text_path and gold_path) else (None, None)
        text = Path(text_path) if text_path else default_text
        gold = Path(gold_path) if gold_path else default_gold
        score = evaluate_seed(text, gold, Analyzer.load(model))  # type: ignore[arg-type]
    except NewsdeskError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(
            json.dumps(
                {"name": score.name, "metrics": score.metrics, "details": score.details}, indent=2
            )
        )
        return
    click.echo(score.table())
    if verbose:
        click.echo("\n".join(f"  - {line}" for line in score.details))


@eval_group.command("quotes")
@click.option(
    "--polnear",
    "polnear_dir",
    type=click.Path(file_okay=False),
    help="PolNeAR split folder with text/ and attributions/ "
    "[default: shared/eval/polnear/data/dev].",
)
@click.option("--limit", type=click.IntRange(min=1), help="Score only the first N articles.")
@click.option("--model", envvar="NEWSDESK_MODEL", help="spaCy pipeline to load.")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option("--verbose", "-v", is_flag=True, help="List the counts and each miss.")
@click.option(
    "--agreement",
    is_flag=True,
    help="Score PolNeAR's second annotators against the first instead of newsdesk: how far "
    "people agree under the same metrics (articles annotated twice only).",
)
def quotes_command(
    polnear_dir: str | None,
    limit: int | None,
    model: str | None,
    as_json: bool,
    verbose: bool,
    agreement: bool,
) -> None:
    """Score quotes (content, source, cue) against PolNeAR attribution relations."""
    from ..errors import EvalError
    from ..pipeline import Analyzer
    from .data import eval_dir
    from .polnear import evaluate_agreement, evaluate_polnear

    try:
        folder = Path(polnear_dir) if polnear_dir else eval_dir() / "polnear" / "data" / "dev"
        if not (folder / "text").is_dir():
            raise EvalError("no PolNeAR split here (text/ and attributions/)", source=str(folder))
        if agreement:
            score = evaluate_agreement(folder)
        else:
            score = evaluate_polnear(folder, Analyzer.load(model), limit)
    except NewsdeskError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    if as_json:
        data = {"name": score.name, "metrics": score.metrics, "details": score.details}
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(score.table())
    if verbose:
        click.echo("\n".join(f"  - {line}" for line in score.details))


@eval_group.command("figures")
@click.option(
    "--gold",
    "gold_path",
    type=click.Path(dir_okay=False),
    default="tests/data/figures_gold.json",
    show_default=True,
    help="Figures gold file (format: docs/figures.md).",
)
@click.option("--model", envvar="NEWSDESK_MODEL", help="spaCy pipeline to load.")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option("--verbose", "-v", is_flag=True, help="List each miss.")
def figures_command(gold_path: str, model: str | None, as_json: bool, verbose: bool) -> None:
    """Score figures (value, unit, hedge, bound, kind, claimant) against a gold file."""
    from ..errors import EvalError
    from ..pipeline import Analyzer
    from .figures import evaluate_figures

    try:
        path = Path(gold_path)
        if not path.is_file():
            raise EvalError("no figures gold file here", source=str(path))
        score = evaluate_figures(path, Analyzer.load(model))
    except NewsdeskError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    if as_json:
        data = {"name": score.name, "metrics": score.metrics, "details": score.details}
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(score.table())
    if verbose:
        click.echo("\n".join(f"  - {line}" for line in score.details))


@eval_group.command("events")
@click.option(
    "--plover",
    "plover_path",
    type=click.Path(dir_okay=False),
    help="PLOVER gold records (JSON list) [default: shared/eval/plover/gsr-dev.json].",
)
@click.option("--limit", type=click.IntRange(min=1), help="Score only the first N sentences.")
@click.option("--model", envvar="NEWSDESK_MODEL", help="spaCy pipeline to load.")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option("--verbose", "-v", is_flag=True, help="List each miss.")
def events_command(
    plover_path: str | None, limit: int | None, model: str | None, as_json: bool, verbose: bool
) -> None:
    """Score events (type, source, target) against PLOVER gold sentences."""
    from ..errors import EvalError
    from ..pipeline import Analyzer
    from .data import eval_dir
    from .plover import evaluate_plover

    try:
        path = Path(plover_path) if plover_path else eval_dir() / "plover" / "gsr-dev.json"
        if not path.is_file():
            raise EvalError("no PLOVER gold file here", source=str(path))
        score = evaluate_plover(path, Analyzer.load(model), limit)
    except NewsdeskError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    if as_json:
        types = {
            t: {"gold": c.gold, "predicted": c.predicted, "correct": c.tp}
            for t, c in score.types.items()
        }
        data = {"name": score.name, "metrics": score.metrics, "types": types}
        click.echo(json.dumps({**data, "details": score.details}, indent=2, ensure_ascii=False))
        return
    click.echo(score.table())
    click.echo(score.type_table())
    if verbose:
        click.echo("\n".join(f"  - {line}" for line in score.misses))


@click.command("train-quotes")
@click.option(
    "--polnear",
    "polnear_dir",
    type=click.Path(file_okay=False),
    help="PolNeAR split to learn from [default: shared/eval/polnear/data/train].",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False),
    default="attribution_model.json",
    show_default=True,
    help="Where to write the model (JSON feature weights). Use it with NEWSDESK_QUOTE_MODEL, "
    "or write it over src/newsdesk/data/attribution_model.json in a checkout.",
)
@click.option(
    "--l2", type=click.FloatRange(min=0.0), default=3.0, show_default=True, help="L2 penalty."
)
@click.option(
    "--min-count",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Learn a weight only for features seen this often.",
)
@click.option(
    "--prune",
    type=click.FloatRange(min=0.0),
    default=0.05,
    show_default=True,
    help="Drop weights smaller than this (a smaller file).",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0.0, 1.0),
    default=0.6,
    show_default=True,
    help="Probability a candidate needs to become a quote.",
)
@click.option("--limit", type=click.IntRange(min=1), help="Learn from the first N articles only.")
@click.option("--model", envvar="NEWSDESK_MODEL", help="spaCy pipeline to load.")
def train_quotes_command(
    polnear_dir: str | None,
    out_path: str,
    l2: float,
    min_count: int,
    prune: float,
    threshold: float,
    limit: int | None,
    model: str | None,
) -> None:
    """Learn the attribution fallback (docs/quotes.md) from PolNeAR's train split."""
    from ..errors import EvalError
    from ..pipeline import Analyzer
    from .data import eval_dir
    from .train_quotes import train_attribution_model, write_model

    try:
        folder = Path(polnear_dir) if polnear_dir else eval_dir() / "polnear" / "data" / "train"
        if not (folder / "text").is_dir():
            raise EvalError("no PolNeAR split here (text/ and attributions/)", source=str(folder))
        trained = train_attribution_model(
            folder,
            Analyzer.load(model),
            l2=l2,
            min_count=min_count,
            prune=prune,
            threshold=threshold,
            limit=limit,
        )
        write_model(trained, Path(out_path))
    except NewsdeskError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    click.echo(
        f"{trained['examples']} candidates ({trained['positives']} attributions), "
        f"{len(trained['weights'])} weights -> {out_path}"
    )
