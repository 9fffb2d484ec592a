"""`report.html`: one self-contained page (inline CSS and JS, no external assets) with a coloured
operation × version matrix, severity and operation filters, expandable evidence and a timeline."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, TypeVar

import jinja2
from markupsafe import Markup, escape

from apidrift.report.history_svg import operation_chart, severity_chart
from apidrift.report.markdown_history import Line, tracked_lines
from apidrift.report.model import CellStatus, DriftReport, RunKind
from apidrift.report.tracking import FindingStatus
from apidrift.report.view import FindingRow, SeverityBlock, first_anchors, rename_rows, severity_blocks
from apidrift.report.wording import against_text, live_line, title, verdict

# The colour family of each cell status: good, neutral, warn, bad, note, none.
TONES: dict[CellStatus, str] = {
    CellStatus.EXACT: "good",
    CellStatus.UNCHANGED: "good",
    CellStatus.DOCUMENTED: "neutral",
    CellStatus.DRIFT: "warn",
    CellStatus.WARNING: "warn",
    CellStatus.FAIL: "bad",
    CellStatus.BREAKING: "bad",
    CellStatus.REMOVED: "bad",
    CellStatus.INFO: "note",
    CellStatus.ADDED: "note",
    CellStatus.NOT_DOCUMENTED: "none",
    CellStatus.ABSENT: "none",
}
LEGEND: dict[RunKind, list[tuple[str, str, str]]] = {
    RunKind.DIFF: [
        ("documented", "neutral", "in the oldest version"),
        ("unchanged", "good", "no change in this version"),
        ("info / added", "note", "compatible changes"),
        ("warning", "warn", "may surprise some clients"),
        ("breaking / removed", "bad", "breaks existing clients"),
        ("-", "none", "not in this version"),
    ],
}
# Checks lead with what went wrong; diffs with the per-operation overview (their findings run long).
_LATER = ["counterexamples", "transport", "unmatched", "coverage", "skipped", "cleanup"]
SECTIONS: dict[RunKind, list[str]] = {
    RunKind.DIFF: ["input_errors", "history", "matrix", "findings", "renames", *_LATER],
}
DEFAULT_SECTIONS = ["input_errors", "history", "findings", "renames", "matrix", *_LATER]
SECTION_TITLES = {
    "history": "history",
    "input_errors": "input errors",
    "matrix": "matrix",
    "findings": "findings",
    "renames": "renames",
    "counterexamples": "counterexamples",
    "transport": "transport",
    "unmatched": "not checked",
    "coverage": "coverage",
    "skipped": "skipped",
    "cleanup": "cleanup",
}
DEFAULT_LEGEND = [
    ("ok", "good", "fits the version exactly"),
    ("ok +N", "warn", "valid, N undocumented fields"),
    ("FAIL N", "bad", "N schema violations"),
    ("n/a", "none", "the version does not document it"),
]


@dataclass(frozen=True)
class Card:
    """One number of the summary strip."""

    label: str
    value: int
    tone: str


@dataclass(frozen=True)
class TimelinePoint:
    """One version on the timeline: how many matrix cells of each tone it has."""

    version: str
    segments: list[tuple[str, str, int]]  # (status, tone, count)
    total: int


_BACKTICKED = re.compile(r"`([^`]+)`")


def inline_code(text: str) -> Markup:
    """Escape text, then show its `backticked` parts (field paths in messages) as code."""
    return Markup(_BACKTICKED.sub(r"<code>\1</code>", str(escape(text))))


def breakable(text: str) -> Markup:
    """Escape a field path and let it wrap after its separators (`data[].actor.session`)."""
    return Markup(re.sub(r"([./\]])", r"\1<wbr>", str(escape(text))))


@cache
def _asset(name: str) -> Markup:
    """A stylesheet or script from the templates folder, inlined verbatim (the page stays one file)."""
    return Markup(resources.files("apidrift.report").joinpath("templates", name).read_text(encoding="utf-8"))


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """jinja2's own cache of compiled templates (checked against the template's text), in its private
    per-user folder of the temp directory: compiling the page's template cost every run 0.17 s. A
    cache that cannot be read or written is no cache, never an error."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged file fails in pickle or marshal, in any of their ways
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _template_cache() -> jinja2.BytecodeCache | None:
    try:
        # jinja2 makes the folder 0700 and refuses one that is a symlink or another user's.
        return _TemplateCache()
    except (OSError, RuntimeError):
        return None


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("apidrift.report", "templates"),
        bytecode_cache=_template_cache(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["inline_code"] = inline_code
    env.filters["breakable"] = breakable
    env.globals["asset"] = _asset
    return env


def render_html(report: DriftReport) -> str:
    """The report as one HTML page; the generation time appears once, in the metadata block."""
    template = _environment().get_template("report.html.j2")
    sections = SECTIONS.get(report.metadata.kind, DEFAULT_SECTIONS)
    shown: dict[str, list[Any]] = {"matrix": capped(report.matrix)}
    severities = severity_blocks(report)
    blocks = _finding_blocks(report, severities)
    renamed = rename_rows(report)
    shown["renames"] = capped(renamed)
    return template.render(
        report=report,
        meta=report.metadata,
        title=title(report),
        verdict=verdict(report).value,
        verdict_tone="good" if report.exit_code == 0 and not report.interrupted else "bad",
        against=against_text(report) if report.metadata.kind is not RunKind.DIFF else None,
        live=live_line(report),
        cards=_cards(report),
        tones={status.value: tone for status, tone in TONES.items()},
        legend=LEGEND.get(report.metadata.kind, DEFAULT_LEGEND),
        timeline=_timeline(report) if len(report.metadata.versions) > 2 else [],
        shown=shown,
        more={
            "matrix": len(report.matrix) - len(shown["matrix"]),
            "renames": len(renamed) - len(shown["renames"]),
        },
        blocks=blocks,
        renamed=renamed,
        finding_rows=sum(len(b.rows) for b in blocks),
        anchors=first_anchors(severities),
        show_count=any(r.responses > 1 for r in report.matrix),
        show_recorded=any(r.recorded_version for r in report.matrix),
        show_best=any(r.best_match for r in report.matrix),
        operations=report.operations(),
        sections=sections,
        difference_noun="change" if report.metadata.kind is RunKind.DIFF else "difference",
        jumps=[(name, SECTION_TITLES[name]) for name in sections if _present(report, name)],
        history=_history(report),
    )


T = TypeVar("T")

# Rows each long table shows, so a check of 200,000 responses is still a page a browser opens.
HTML_ROWS = 500


def capped(items: Sequence[T], limit: int = HTML_ROWS) -> list[T]:
    """At most `limit` items, in their order, every operation keeping an even share first: a long
    table shows some of everything rather than all of the first operations."""
    if len(items) <= limit:
        return list(items)
    by_operation: dict[str | None, int] = {}
    for item in items:
        name = getattr(item, "operation", None)
        by_operation[name] = by_operation.get(name, 0) + 1
    share = max(1, limit // len(by_operation))
    taken: dict[str | None, int] = dict.fromkeys(by_operation, 0)
    keep = []
    for index, item in enumerate(items):
        name = getattr(item, "operation", None)
        if taken[name] < share:
            taken[name] += 1
            keep.append(index)
    # More operations than rows: the first `limit` operations get their one row each.
    keep = keep[:limit]
    chosen = set(keep)
    rest = [i for i in range(len(items)) if i not in chosen][: max(0, limit - len(keep))]
    return [items[i] for i in sorted([*keep, *rest])]


# A severity with more rows than this is folded (info always is).
FOLD_ROWS = 50


@dataclass(frozen=True)
class FindingsBlock:
    """One severity of the findings table: its rows (each with the anchor of its operation's first
    row), folded or open, and how many rows did not fit the page."""

    severity: str
    title: str
    folded: bool
    rows: list[tuple[FindingRow, str | None]]
    more: int


def _finding_blocks(report: DriftReport, severities: list[SeverityBlock]) -> list[FindingsBlock]:
    out = []
    history = report.history is not None
    for block in severities:
        rows: list[tuple[FindingRow, str | None]] = []
        for group in block.groups:
            rows += [(row, group.anchor if i == 0 else None) for i, row in enumerate(group.rows)]
        kept = capped([row for row, _ in rows])
        keep = {id(row) for row in kept}
        title = f"{block.severity.value.title()} ({block.findings})"
        if history:
            title += f": {sum(len(g.rows) for g in block.new)} new"
        folded = block.severity.value == "info" or len(rows) > FOLD_ROWS
        out.append(
            FindingsBlock(
                severity=block.severity.value,
                title=title,
                folded=folded,
                rows=[(row, a) for row, a in rows if id(row) in keep],
                more=len(rows) - len(kept),
            )
        )
    return out


@dataclass(frozen=True)
class HistoryView:
    """What the history section shows: the plots and the findings by what changed."""

    compared: str
    severity_chart: Markup
    operation_chart: Markup
    new: list[Line]
    expired: list[Line]
    accepted: list[Line]


def _history(report: DriftReport) -> HistoryView | None:
    block = report.history
    if block is None:
        return None
    lines = tracked_lines(report)
    if block.previous is not None:
        compared = f"Compared with run #{block.previous.run} of {block.previous.night[:10]}"
    else:
        compared = (
            "First run of this series" if block.store else "No history given: every finding counts as new"
        )
    return HistoryView(
        compared=compared,
        severity_chart=severity_chart(block.trend),
        operation_chart=operation_chart(block.trend),
        new=[line for line in lines if line.entry.status is FindingStatus.NEW],
        expired=[line for line in lines if line.entry.accepted is not None and line.entry.accepted.expired],
        accepted=[line for line in lines if line.entry.status is FindingStatus.ACCEPTED],
    )


def _present(report: DriftReport, section: str) -> bool:
    if section == "history":
        return report.history is not None
    if section == "transport":
        return bool(report.transport_findings)
    if section in ("cleanup", "coverage"):
        return getattr(report, section) is not None
    return bool(getattr(report, section))


def _cards(report: DriftReport) -> list[Card]:
    s = report.summary
    cards = []
    if report.responses or report.metadata.kind in (RunKind.CHECK, RunKind.LIVE):
        cards += [
            Card("responses", s.responses, "neutral"),
            Card("valid", s.ok, "good"),
            Card("failed", s.failed, "bad" if s.failed else "neutral"),
            Card("undocumented fields", s.drifted, "warn" if s.drifted else "neutral"),
        ]
    else:
        cards.append(Card("operations", s.operations, "neutral"))
    cards += [
        Card("breaking", s.breaking, "bad" if s.breaking else "neutral"),
        Card("warning", s.warning, "warn" if s.warning else "neutral"),
        Card("info", s.info, "note" if s.info else "neutral"),
        Card("renames", s.renames, "note" if s.renames else "neutral"),
    ]
    if s.input_errors:
        cards.append(Card("input errors", s.input_errors, "bad"))
    if s.transport_findings or report.metadata.kind is RunKind.LIVE:
        cards.append(Card("transport", s.transport_findings, "warn" if s.transport_findings else "neutral"))
    if s.skipped:
        cards.append(Card("skipped", s.skipped, "neutral"))
    return cards


def _timeline(report: DriftReport) -> list[TimelinePoint]:
    points = []
    for version in report.metadata.versions:
        counts: dict[CellStatus, int] = {}
        for row in report.matrix:
            for c in row.cells:
                if c.version == version:
                    counts[c.status] = counts.get(c.status, 0) + row.responses
        segments = [(s.value, TONES[s], counts[s]) for s in CellStatus if counts.get(s)]
        points.append(TimelinePoint(version, segments, sum(counts.values())))
    return points
