"""`apidrift check` and `apidrift contracts`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from apidrift.check import check_recordings
from apidrift.cli.app import ApiOption, ContractsOption, app, error, out
from apidrift.contracts import ContractStore
from apidrift.recordings import bundled_recordings
from apidrift.report import CellStatus, DriftReport, build_check_report, write_reports


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
    reports: Annotated[
        Path,
        typer.Option("--reports", help="Where report.json, report.md, report.html and junit.xml go."),
    ] = Path("reports"),
    contracts: ContractsOption = None,
    api: ApiOption = "openai-admin",
) -> None:
    """Validate recorded responses and fingerprint each against every contract version."""
    store = ContractStore(contracts, api)
    folder = recordings or bundled_recordings() / api
    run = check_recordings(store, folder, against=against, display_root=folder.parent)
    report = build_check_report(run, api=api)
    _print_table(report)
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


def _print_table(report: DriftReport) -> None:
    if not report.matrix:
        return
    table = Table(title="operation × version", show_lines=False, pad_edge=False)
    table.add_column("operation")
    table.add_column("recorded")
    for version in report.metadata.versions:
        table.add_column(version)
    table.add_column("best match")
    for row in report.matrix:
        cells = [f"[{_COLOURS.get(c.status, 'default')}]{c.label}[/]" for c in row.cells]
        table.add_row(row.operation, row.recorded_version or "-", *cells, row.best_match or "-")
    out.print(table)


_COLOURS = {
    CellStatus.EXACT: "green",
    CellStatus.DRIFT: "yellow",
    CellStatus.FAIL: "red",
    CellStatus.ABSENT: "dim",
}


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
