"""Kept for existing imports: the report model and renderers now live in `apidrift.report`."""

from __future__ import annotations

from apidrift.report import (
    REPORT_FORMAT,
    DriftReport,
    best_label,
    build_check_report,
    cell,
    render_markdown,
    write_reports,
)

CheckReport = DriftReport
build_report = build_check_report

__all__ = [
    "REPORT_FORMAT",
    "CheckReport",
    "DriftReport",
    "best_label",
    "build_check_report",
    "build_report",
    "cell",
    "render_markdown",
    "write_reports",
]
