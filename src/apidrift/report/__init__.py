"""Drift reports: one model (`DriftReport`) built from check runs or diffs, rendered as `report.json`,
`report.md`, `report.html`, `junit.xml` and `report.sarif` (plus GitHub workflow annotations).

The names below load on first use, so a command that only names a report format starts fast."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from apidrift.report.build import best_label, build_check_report, cell
    from apidrift.report.build_diff import build_diff_report
    from apidrift.report.formats import REPORT_FILES
    from apidrift.report.html import render_html
    from apidrift.report.junit import render_junit
    from apidrift.report.markdown import render_markdown
    from apidrift.report.model import (
        REPORT_FORMAT,
        SCHEMA_ID,
        CellStatus,
        CounterexampleEntry,
        DriftReport,
        ExactGroupEntry,
        FindingEntry,
        MatrixCell,
        MatrixRow,
        RenameEntry,
        ResponseEntry,
        RunKind,
        RunMetadata,
        Summary,
    )
    from apidrift.report.run_entries import CleanupEntry, InputErrorEntry, SkippedEntry, TransportFindingEntry
    from apidrift.report.sarif import render_sarif
    from apidrift.report.tracking import Acceptance, FindingStatus, HistoryBlock
    from apidrift.report.write import read_report, render_json, write_reports

_WHERE = {
    "Acceptance": "tracking",
    "CellStatus": "model",
    "CleanupEntry": "run_entries",
    "CounterexampleEntry": "model",
    "DriftReport": "model",
    "ExactGroupEntry": "model",
    "FindingEntry": "model",
    "FindingStatus": "tracking",
    "HistoryBlock": "tracking",
    "InputErrorEntry": "run_entries",
    "MatrixCell": "model",
    "MatrixRow": "model",
    "REPORT_FILES": "formats",
    "REPORT_FORMAT": "model",
    "RenameEntry": "model",
    "ResponseEntry": "model",
    "RunKind": "model",
    "RunMetadata": "model",
    "SCHEMA_ID": "model",
    "SkippedEntry": "run_entries",
    "Summary": "model",
    "TransportFindingEntry": "run_entries",
    "best_label": "build",
    "build_check_report": "build",
    "build_diff_report": "build_diff",
    "cell": "build",
    "read_report": "write",
    "render_html": "html",
    "render_json": "write",
    "render_junit": "junit",
    "render_markdown": "markdown",
    "render_sarif": "sarif",
    "write_reports": "write",
}

__all__ = [
    "REPORT_FILES",
    "REPORT_FORMAT",
    "SCHEMA_ID",
    "Acceptance",
    "CellStatus",
    "CleanupEntry",
    "CounterexampleEntry",
    "DriftReport",
    "ExactGroupEntry",
    "FindingEntry",
    "FindingStatus",
    "HistoryBlock",
    "InputErrorEntry",
    "MatrixCell",
    "MatrixRow",
    "RenameEntry",
    "ResponseEntry",
    "RunKind",
    "RunMetadata",
    "SkippedEntry",
    "Summary",
    "TransportFindingEntry",
    "best_label",
    "build_check_report",
    "build_diff_report",
    "cell",
    "read_report",
    "render_html",
    "render_json",
    "render_junit",
    "render_markdown",
    "render_sarif",
    "write_reports",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"apidrift.report.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'apidrift.report' has no attribute {name!r}")
