"""Write a report's five renderings into one folder, and read a saved `report.json` back."""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path
from typing import Final

from pydantic import ValidationError

from apidrift.contracts.safeload import decode_utf8, read_bytes
from apidrift.errors import ReportFileError
from apidrift.report.formats import REPORT_FILES, ReportFormat
from apidrift.report.html import render_html
from apidrift.report.junit import render_junit
from apidrift.report.markdown import render_markdown
from apidrift.report.model import REPORT_FORMAT, DriftReport
from apidrift.report.quiet import collector_paused
from apidrift.report.sarif import render_sarif


def render_json(report: DriftReport) -> str:
    return report.model_dump_json(indent=2) + "\n"


RENDERERS: Final[dict[ReportFormat, tuple[str, Callable[[DriftReport], str]]]] = {
    ReportFormat.json: ("report.json", render_json),
    ReportFormat.md: ("report.md", render_markdown),
    ReportFormat.markdown: ("report.md", render_markdown),
    ReportFormat.html: ("report.html", render_html),
    ReportFormat.junit: ("junit.xml", render_junit),
    ReportFormat.sarif: ("report.sarif", render_sarif),
}


def write_reports(
    report: DriftReport, folder: Path, formats: Collection[ReportFormat] | None = None
) -> list[Path]:
    """The report files `formats` asks for (default: `report.json`, `report.md`, `report.html`,
    `junit.xml` and `report.sarif`) in `folder`, created if missing; each file once, in that order."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {RENDERERS[f][0] for f in formats} if formats else set(REPORT_FILES)
    written = []
    with collector_paused():
        for name, render in dict(RENDERERS.values()).items():
            if name not in wanted:
                continue
            path = folder / name
            path.write_text(render(report), encoding="utf-8")
            written.append(path)
    return written


def read_report(path: Path) -> DriftReport:
    """A saved `report.json`; a wrong format or shape is one error naming the file and pointer."""
    # Bounded, regular files only (a FIFO never hangs), and a byte that is not UTF-8 is named.
    text = decode_utf8(read_bytes(path, error=ReportFileError), file=str(path), error=ReportFileError)
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
