"""Drift reports: one model (`DriftReport`) built from check runs or diffs, rendered as `report.json`,
`report.md`, `report.html`, `junit.xml` and `report.sarif` (plus GitHub workflow annotations)."""

from __future__ import annotations

from apidrift.report.build import best_label, build_check_report, cell
from apidrift.report.build_diff import build_diff_report
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
from apidrift.report.write import REPORT_FILES, read_report, render_json, write_reports

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
