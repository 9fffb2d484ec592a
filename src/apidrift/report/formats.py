"""The report files there are, by name: light enough for every command's options to import at start."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

REPORT_FILES: Final = ("report.json", "report.md", "report.html", "junit.xml", "report.sarif")


class ReportFormat(StrEnum):
    """A report file `--format` can ask for (`markdown` is `md` by its other name)."""

    json = "json"
    md = "md"
    markdown = "markdown"
    html = "html"
    junit = "junit"
    sarif = "sarif"
