"""GitHub workflow annotations: one `::error`, `::warning` or `::notice` command per finding, worst first,
so a failing job names its drift on the run's summary page and beside the files it concerns.

The format and escaping are GitHub's workflow-command rules: in a message `%`, CR and LF are
percent-encoded; in a property value `:` and `,` are too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

from apidrift.diff.changes import Severity
from apidrift.report.locate import finding_file, finding_text, subject
from apidrift.report.model import DriftReport, FindingEntry

# GitHub shows at most 10 annotations of a level per step and 50 per job; more is noise in the log.
MAX_ANNOTATIONS: Final = 50
Level = Literal["error", "warning", "notice"]
LEVELS: Final[dict[Severity, Level]] = {
    Severity.BREAKING: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
}
_RANK: Final[dict[Level, int]] = {"error": 0, "warning": 1, "notice": 2}


def escape_data(text: str) -> str:
    """A command's message: `%` first, so the escapes it adds are not escaped again."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (file, title): a message's escapes, and `:` and `,` that end a property."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


@dataclass(frozen=True)
class Annotation:
    """One workflow command: its level, title, message and, when known, the file it concerns."""

    level: Level
    title: str
    message: str
    file: str | None = None
    line: int | None = None

    def command(self) -> str:
        """`::LEVEL file=F,line=N,title=T::MESSAGE`, escaped as GitHub reads it."""
        props = [("file", self.file), ("line", str(self.line) if self.line else None), ("title", self.title)]
        joined = ",".join(f"{name}={escape_property(value)}" for name, value in props if value)
        return f"::{self.level} {joined}::{escape_data(self.message)}"


def report_annotations(report: DriftReport) -> list[Annotation]:
    """Everything that fails or warns about the run, worst first; accepted findings are left out
    (a baseline accepted them), and findings keep the report's order within a level."""
    found = [*_findings(report), *_trouble(report)]
    return sorted(found, key=lambda a: _RANK[a.level])


def render_annotations(report: DriftReport, limit: int = MAX_ANNOTATIONS) -> list[str]:
    """The commands to print, at most `limit` of them, then one notice saying how many were left out."""
    every = report_annotations(report)
    lines = [a.command() for a in every[:limit]]
    left = len(every) - limit
    if left > 0:
        note = Annotation(
            "notice",
            "apidrift: more findings",
            f"{left} more finding(s) not annotated (of {len(every)}); report.sarif and report.md list all",
        )
        lines.append(note.command())
    return lines


def _findings(report: DriftReport) -> Iterable[Annotation]:
    for f in report.findings:
        if f.accepted is not None and not f.accepted.expired:
            continue
        yield Annotation(LEVELS[f.severity], _title(f), _message(report, f), finding_file(report, f))


def _title(finding: FindingEntry) -> str:
    named = subject(finding)
    return f"apidrift {finding.kind}" + (f" in {named}" if named else "")


def _message(report: DriftReport, finding: FindingEntry) -> str:
    text = finding_text(report, finding)
    return text + (f" [{finding.id}]" if finding.id else "")


def _trouble(report: DriftReport) -> Iterable[Annotation]:
    """Transport failures, bad inputs, writes left behind and an interruption: each fails the run."""
    for t in report.transport_findings:
        if t.accepted is not None and not t.accepted.expired:
            continue
        target = f"{t.method} {t.path}"
        yield Annotation("error", f"apidrift {t.kind} in {t.operation or target}", f"{target}: {t.message}")
    for e in report.input_errors:
        where = f"#{e.pointer}" if e.pointer else ""
        yield Annotation(
            "error", f"apidrift input error ({e.kind})", f"{e.file or ''}{where}: {e.message}", e.file
        )
    if report.cleanup is not None and report.cleanup.remaining:
        c = report.cleanup
        text = f"{c.remaining} write(s) left behind ({c.compensated} undone)\n" + "\n".join(c.details)
        yield Annotation("error", "apidrift cleanup", text)
    if report.interrupted:
        yield Annotation("error", "apidrift interrupted", "the run was interrupted; what it had was checked")
