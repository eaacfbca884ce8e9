"""Docs are tested: the README quickstart, CI running it, and a CLI reference kept in sync.

Regenerate docs/cli.md after changing a command: ``python -m tests.test_docs --write``.
"""

from __future__ import annotations

import re
import subprocess
import sys

import click

from newsdesk.cli import main

from .conftest import ROOT

HEADER = """# Command line

`newsdesk` is a thin shell over the library: each command parses options, calls one library
function, prints one `error: ...` line per bad item on stderr, and exits 1 only when nothing
succeeded (or when a store command cannot open its store). Store commands take `--db FILE`
(env `NEWSDESK_DB`, default `./newsdesk.db`). Errors carry a code (`E100` input, `E101` encoding,
`E102` language, `E103` no article in HTML, `E200` fetch, `E300` model, `E400` store, `E401` bad
filter value, `E404` not found, `E500` evaluation data).

Environment: `NEWSDESK_DB` (store file), `NEWSDESK_MODEL` (spaCy pipeline), `NEWSDESK_OPS`
(`numpy` or `blis` matrix multiply, see performance.md), `NEWSDESK_SHARED` / `NEWSDESK_EVAL_DATA`
(gold data for `eval`).

This page is generated from the commands' own help (`python -m tests.test_docs --write`).
"""


def cli_reference() -> str:
    parts = [HEADER]

    def dump(command: click.Command, name: str, parent: click.Context | None) -> None:
        settings = {"max_content_width": 100, "terminal_width": 100, **command.context_settings}
        context = click.Context(command, info_name=name.split()[-1], parent=parent, **settings)
        parts.append(f"## {name}\n\n```text\n{command.get_help(context)}\n```\n")
        if isinstance(command, click.Group):
            for sub in command.list_commands(context):
                dump(command.get_command(context, sub), f"{name} {sub}", context)  # type: ignore[arg-type]

    dump(main, "newsdesk", None)
    return "\n".join(parts)


def quickstart() -> list[str]:
    readme = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"<!-- quickstart -->\n```bash\n(.*?)```\n<!-- /quickstart -->", readme, re.S)
    assert block, "README has no quickstart block"
    return block.group(1).strip().splitlines()


def test_cli_reference_is_up_to_date():
    assert (ROOT / "docs" / "cli.md").read_text("utf-8") == cli_reference(), (
        "docs/cli.md is stale: python -m tests.test_docs --write"
    )


def test_readme_quickstart_is_two_commands_install_then_test():
    first, second = quickstart()
    assert "pip install ." in first and first.endswith("newsdesk demo")
    assert 'pip install ".[test]"' in second and second.endswith("python -m pytest")
    screen = (ROOT / "README.md").read_text("utf-8").splitlines()[:30]
    assert any(line.startswith("python3 -m venv") for line in screen), "quickstart on first screen"


def test_ci_runs_the_readme_commands():
    script = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "<!-- quickstart -->" in script and "README.md" in script
    listed = subprocess.run(
        [
            "bash",
            "-c",
            "sed -n '/<!-- quickstart -->/,/<!-- \\/quickstart -->/p' README.md "
            "| grep -v '^<!--' | grep -v '^```'",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert listed == quickstart()


def test_main_job_of_the_quickstart_runs(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "newsdesk.cli", "demo"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "People (" in result.stdout
    assert (tmp_path / "newsdesk.db").exists()


def test_docs_cover_each_module():
    pipeline = (ROOT / "docs" / "pipeline.md").read_text("utf-8")
    for module in ("ingest", "clean", "nlp", "entities", "dates", "store"):
        assert f"`{module}.py`" in pipeline, module


if __name__ == "__main__":
    if "--write" in sys.argv:
        (ROOT / "docs" / "cli.md").write_text(cli_reference(), encoding="utf-8")
