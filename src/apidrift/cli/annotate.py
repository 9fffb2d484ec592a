"""The `--annotations` option the judging commands share: GitHub workflow commands for each finding,
printed by default when the run is a GitHub Actions job (`GITHUB_ACTIONS=true`)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from apidrift.report import DriftReport

AnnotationsOption = Annotated[
    bool | None,
    typer.Option(
        "--annotations/--no-annotations",
        help="Print a GitHub annotation (::error/::warning/::notice) per finding, at most 50 "
        "(default: on when GITHUB_ACTIONS=true).",
    ),
]


def wanted(flag: bool | None) -> bool:
    """The flag when given, else whether this is a GitHub Actions job."""
    return flag if flag is not None else os.environ.get("GITHUB_ACTIONS") == "true"


def print_annotations(report: DriftReport, flag: bool | None, *, err: bool = False) -> None:
    """The report's annotations, one workflow command a line (plain: no colour, no wrapping)."""
    if not wanted(flag):
        return
    from apidrift.report.annotations import render_annotations

    for line in render_annotations(report):
        typer.echo(line, err=err)
