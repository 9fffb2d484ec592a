"""The `apidrift` command line."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from apidrift.changes import Severity
from apidrift.check import CheckRun, check_recordings
from apidrift.contracts import ContractStore
from apidrift.diff import diff_versions
from apidrift.diff_report import render_json, render_markdown, render_text
from apidrift.errors import ApidriftError
from apidrift.recordings import bundled_recordings
from apidrift.reports import best_label, build_report, cell, write_reports
from apidrift.sources import resolve_version

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Contract and schema-drift testing for the OpenAI Admin API.",
)
out = Console(highlight=False)

ContractsOption = Annotated[
    Path | None, typer.Option("--contracts", help="Contracts root (default: the bundled contracts).")
]
ApiOption = Annotated[str, typer.Option("--api", help="API folder below the contracts root.")]


@app.command()
def check(
    recordings: Annotated[
        Path | None,
        typer.Option("--recordings", help="Folder of recordings (default: the bundled documented examples)."),
    ] = None,
    against: Annotated[
        str | None,
        typer.Option(
            "--against",
            help="Version to validate every response against "
            "(default: each recording's own version, else the newest).",
        ),
    ] = None,
    reports: Annotated[Path, typer.Option("--reports", help="Where report.json and report.md go.")] = Path(
        "reports"
    ),
    contracts: ContractsOption = None,
    api: ApiOption = "openai-admin",
) -> None:
    """Validate recorded responses and fingerprint each against every contract version."""
    store = ContractStore(contracts, api)
    folder = recordings or bundled_recordings() / api
    run = check_recordings(store, folder, against=against, display_root=folder.parent)
    _print_table(run)
    report = build_report(run)
    written = write_reports(report, reports)
    s = report.summary
    out.print(
        f"{s.ok} of {s.responses} responses valid, {s.failed} failed, {s.drifted} with undocumented fields; "
        f"reports: {', '.join(p.as_posix() for p in written)}",
        soft_wrap=True,
    )
    for error in run.input_errors:
        _error(str(error))
    raise typer.Exit(run.exit_code)


def _print_table(run: CheckRun) -> None:
    if not run.responses:
        return
    report = build_report(run)
    table = Table(title="operation × version", show_lines=False, pad_edge=False)
    table.add_column("operation")
    table.add_column("recorded")
    for version in run.versions:
        table.add_column(version)
    table.add_column("best match")
    for entry in report.responses:
        cells = [_style(cell(entry, v)) for v in run.versions]
        table.add_row(entry.operation, entry.recorded_version or "-", *cells, best_label(entry))
    out.print(table)


def _style(text: str) -> str:
    if text.startswith("FAIL"):
        return f"[red]{text}[/red]"
    return f"[yellow]{text}[/yellow]" if text.startswith("ok +") else f"[green]{text}[/green]"


@app.command()
def contracts(contracts: ContractsOption = None, api: ApiOption = "openai-admin") -> None:
    """List the contract versions with their dates, sources and operation/schema counts."""
    store = ContractStore(contracts, api)
    summaries = store.summaries()
    if not summaries:
        _error(f"no contract versions below {store.root / api}")
        raise typer.Exit(2)
    table = Table(title=f"{api} contract versions")
    for column in ("version", "date", "operations", "schemas", "folder", "sources"):
        table.add_column(column)
    for s in summaries:
        sources = ", ".join(src.split(":")[0] for src in s.sources)
        table.add_row(s.version, s.date or "-", str(s.operations), str(s.schemas), s.folder, sources)
    out.print(table)


def _error(message: str) -> None:
    """One line on stderr, never wrapped, so CI logs and greps see the file and pointer whole."""
    typer.echo(f"error: {message}", err=True)


class DiffFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


@app.command()
def diff(
    old: Annotated[
        str, typer.Argument(help="Old side: a version label, a contract folder, or an OpenAPI file.")
    ],
    new: Annotated[
        str, typer.Argument(help="New side: a version label, a contract folder, or an OpenAPI file.")
    ],
    format: Annotated[DiffFormat, typer.Option("--format", help="Output format.")] = DiffFormat.text,
    fail_on: Annotated[
        Severity, typer.Option("--fail-on", help="Exit 1 when a change of this severity or worse is present.")
    ] = Severity.BREAKING,
    include_cosmetic: Annotated[
        bool, typer.Option("--include-cosmetic", help="Also list description-only changes.")
    ] = False,
    examples: Annotated[
        bool, typer.Option("--examples", help="Search a shrunk counterexample for every breaking change.")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    contracts: ContractsOption = None,
    api: ApiOption = "openai-admin",
) -> None:
    """Classified, rename-aware changes between two versions; exit 1 at --fail-on or worse."""
    store = ContractStore(contracts, api)
    before, after = resolve_version(old, store), resolve_version(new, store)
    result = diff_versions(before, after, include_cosmetic=include_cosmetic)
    if examples:
        from apidrift.counterexamples import attach_counterexamples

        attach_counterexamples(result, before, after)
    if format is DiffFormat.json:
        text = render_json(result)
    elif format is DiffFormat.markdown:
        text = render_markdown(result, examples=examples)
    else:
        text = render_text(result, examples=examples)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    raise typer.Exit(1 if result.at_least(fail_on) else 0)


def main() -> None:
    """Entry point: bad input is one clear line and exit 2, never a traceback."""
    try:
        app()
    except ApidriftError as exc:
        _error(str(exc))
        sys.exit(2)


if __name__ == "__main__":
    main()
