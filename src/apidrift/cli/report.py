"""`apidrift report`: re-render a saved `report.json` as HTML, Markdown, JUnit XML, SARIF or JSON."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from apidrift.cli.app import app, error
from apidrift.errors import ApidriftError
from apidrift.report import read_report, write_reports
from apidrift.report.formats import ReportFormat
from apidrift.report.write import RENDERERS


@app.command()
def report(
    source: Annotated[Path, typer.Argument(help="A report.json written by `apidrift check` or `diff`.")],
    format: Annotated[
        list[ReportFormat] | None,
        typer.Option(
            "--format",
            help="What to render: html (default), md, junit, sarif or json; repeatable with --reports DIR.",
        ),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")] = None,
    reports: Annotated[
        Path | None,
        typer.Option("--reports", help="Write the --format files (default: all five) into this folder."),
    ] = None,
) -> None:
    """Re-render a saved report.json (exit 2 when it is not one)."""
    try:
        saved = read_report(source)
    except ApidriftError as exc:
        error(str(exc))
        raise typer.Exit(2) from None
    if reports is not None:
        write_reports(saved, reports, format)
        return
    if format and len(format) > 1:
        error("several --format values write several files: give --reports DIR")
        raise typer.Exit(2)
    _, render = RENDERERS[format[0] if format else ReportFormat.html]
    text = render(saved)
    if out is None:
        sys.stdout.write(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
