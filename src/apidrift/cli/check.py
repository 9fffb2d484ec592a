"""`apidrift check` and `apidrift contracts`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from apidrift.check import CheckRun, check_recordings
from apidrift.cli.app import ApiOption, ContractsOption, app, error, out
from apidrift.contracts import ContractStore
from apidrift.recordings import bundled_recordings
from apidrift.reports import best_label, build_report, cell, write_reports


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
    for problem in run.input_errors:
        error(str(problem))
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
        error(f"no contract versions below {store.root / api}")
        raise typer.Exit(2)
    table = Table(title=f"{api} contract versions")
    for column in ("version", "date", "operations", "schemas", "folder", "sources"):
        table.add_column(column)
    for s in summaries:
        sources = ", ".join(src.split(":")[0] for src in s.sources)
        table.add_row(s.version, s.date or "-", str(s.operations), str(s.schemas), s.folder, sources)
    out.print(table)
