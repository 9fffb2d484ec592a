"""Write a report's five renderings into one folder, and read a saved `report.json` back."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from pydantic import ValidationError

from apidrift.errors import ReportFileError
from apidrift.report.html import render_html
from apidrift.report.junit import render_junit
from apidrift.report.markdown import render_markdown
from apidrift.report.model import REPORT_FORMAT, DriftReport
from apidrift.report.sarif import render_sarif

REPORT_FILES: Final = ("report.json", "report.md", "report.html", "junit.xml", "report.sarif")


def render_json(report: DriftReport) -> str:
    return report.model_dump_json(indent=2) + "\n"


def write_reports(report: DriftReport, folder: Path) -> list[Path]:
    """`report.json`, `report.md`, `report.html`, `junit.xml` and `report.sarif` in `folder` (created if
    missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    renderers = (render_json, render_markdown, render_html, render_junit, render_sarif)
    written = []
    for name, render in zip(REPORT_FILES, renderers, strict=True):
        path = folder / name
        path.write_text(render(report), encoding="utf-8")
        written.append(path)
    return written


def read_report(path: Path) -> DriftReport:
    """A saved `report.json`; a wrong format or shape is one error naming the file and pointer."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReportFileError(f"cannot read: {exc.strerror}", file=path) from None
    try:
        return DriftReport.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        pointer = "".join(f"/{part}" for part in first["loc"])
        if pointer == "/format":
            message = f"not an {REPORT_FORMAT} document (format {first.get('input')!r})"
        else:
            message = f"not a valid report: {first['msg']}"
        raise ReportFileError(message, file=path, pointer=pointer) from None
