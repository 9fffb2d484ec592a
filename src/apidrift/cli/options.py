"""Options every command that writes reports or looks at operations shares, under the same names."""

from __future__ import annotations

from typing import Annotated

import typer

from apidrift.diff.changes import Severity
from apidrift.report.formats import ReportFormat

FormatsOption = Annotated[
    list[ReportFormat] | None,
    typer.Option(
        "--format",
        help="A report file to write (repeatable): json, md, html, junit, sarif. Default: all five.",
    ),
]
NoReportsOption = Annotated[
    bool, typer.Option("--no-reports", help="Write no report files (what is printed still prints).")
]
OperationFilter = Annotated[
    list[str] | None,
    typer.Option(
        "--operation", help="Only operations matching this glob (id or 'METHOD /path'; repeatable)."
    ),
]
PathFilter = Annotated[
    list[str] | None, typer.Option("--path", help="Only operations under this path prefix (repeatable).")
]
TagFilter = Annotated[
    list[str] | None,
    typer.Option(
        "--tag",
        help="Only operations with this OpenAPI tag, or in this endpoint family of the profile (repeatable).",
    ),
]
SeverityFilter = Annotated[
    Severity | None, typer.Option("--severity", help="Only findings of this severity or worse.")
]
