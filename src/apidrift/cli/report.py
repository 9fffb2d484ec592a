"""`apidrift report`: re-render a saved `report.json` as HTML, Markdown, JUnit XML or SARIF."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from apidrift.cli.app import app, error
from apidrift.errors import ApidriftError
from apidrift.report import read_report, render_html, render_junit, render_markdown
from apidrift.report.sarif import render_sarif


class ReportFormat(StrEnum):
    html = "html"
    md = "md"
    junit = "junit"
    sarif = "sarif"


RENDERERS = {
    ReportFormat.html: render_html,
    ReportFormat.md: render_markdown,
    ReportFormat.junit: render_junit,
    ReportFormat.sarif: render_sarif,
}


@app.command()
def report(
    source: Annotated[Path, typer.Argument(help="A report.json written by `apidrift check` or `diff`.")],
    format: Annotated[ReportFormat, typer.Option("--format", help="What to render.")] = ReportFormat.html,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")] = None,
) -> None:
    """Re-render a saved report.json (exit 2 when it is not one)."""
    try:
        saved = read_report(source)
    except ApidriftError as exc:
        error(str(exc))
        raise typer.Exit(2) from None
    text = RENDERERS[format](saved)
    if out is None:
        sys.stdout.write(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
