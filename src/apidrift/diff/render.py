"""Render a version diff as text, GitHub-flavoured Markdown, or JSON."""

from __future__ import annotations

import json
from itertools import groupby
from typing import Any

from apidrift.diff.changes import Change, Severity
from apidrift.diff.engine import VersionDiff

DIFF_FORMAT = "apidrift.diff/1"
_MARK = {Severity.BREAKING: "BREAKING", Severity.WARNING: "warning", Severity.INFO: "info"}


def _order(change: Change) -> tuple[Any, ...]:
    return (
        change.operation or "",
        -change.severity.rank,
        change.side.value,
        change.status or "",
        change.path,
    )


def to_json(diff: VersionDiff) -> dict[str, Any]:
    summary: dict[str, Any] = dict(diff.summary())
    if diff.operations is not None:
        old, new, matched = diff.operations
        summary["operations"] = {"old": old, "new": new, "matched": matched}
    return {
        "format": DIFF_FORMAT,
        "old": diff.old,
        "new": diff.new,
        "summary": summary,
        "changes": [c.to_json() for c in sorted(diff.changes, key=_order)],
    }


def compared(diff: VersionDiff) -> str:
    """`compared 51 operations of OLD and 81 of NEW (51 in both)`, or "" when the counts are unknown."""
    if diff.operations is None:
        return ""
    old, new, matched = diff.operations
    return f"compared {old} operations of {diff.old} and {new} of {diff.new} ({matched} in both)"


def render_json(diff: VersionDiff) -> str:
    return json.dumps(to_json(diff), indent=2, ensure_ascii=False, default=str) + "\n"


def _detail(change: Change, examples: bool) -> list[str]:
    lines = []
    if change.confidence is not None:
        evidence = "; ".join(change.evidence)
        lines.append(f"confidence {change.confidence:.2f}" + (f" ({evidence})" if evidence else ""))
    if examples and change.counterexample is not None:
        c = change.counterexample
        instance = json.dumps(c.instance, ensure_ascii=False, default=str)
        lines.append(
            f"counterexample: {instance} (valid in {c.valid_in}, rejected by {c.rejected_by}: {c.reason})"
        )
    return lines


def render_text(diff: VersionDiff, *, examples: bool = False) -> str:
    s = diff.summary()["by_severity"]
    out = [
        f"{diff.old} -> {diff.new}: {len(diff.changes)} changes "
        f"({s['breaking']} breaking, {s['warning']} warning, {s['info']} info)"
    ]
    if diff.operations is not None:
        out.append(compared(diff))
    for operation, changes in groupby(sorted(diff.changes, key=_order), key=lambda c: c.operation or ""):
        out.append("")
        out.append(operation or "(no operation)")
        for c in changes:
            where = f"{c.side.value}{' ' + c.status if c.status else ''}"
            out.append(f"  {_MARK[c.severity]:8} {c.kind.value:22} {where:13} {c.message}")
            out += [f"{'':34}{line}" for line in _detail(c, examples)]
    return "\n".join(out) + "\n"


def _md(text: Any) -> str:
    """Table-cell text: pipes escaped, angle brackets as entities so no value becomes raw HTML."""
    return str(text).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def render_markdown(diff: VersionDiff, *, examples: bool = False) -> str:
    """Tables only (no raw HTML), so it fits a PR comment and `$GITHUB_STEP_SUMMARY`."""
    summary = diff.summary()
    s = summary["by_severity"]
    lines = [
        f"# API drift: `{diff.old}` → `{diff.new}`",
        "",
        f"**{len(diff.changes)} changes**: "
        f"{s['breaking']} breaking, {s['warning']} warning, {s['info']} info."
        + (f" {_md(compared(diff)).capitalize()}." if diff.operations is not None else ""),
        "",
        "| kind | count |",
        "|---|---|",
        *[f"| {kind} | {count} |" for kind, count in summary["by_kind"].items()],
    ]
    for severity in Severity:
        changes = sorted((c for c in diff.changes if c.severity is severity), key=_order)
        if not changes:
            continue
        lines += [
            "",
            f"## {severity.value.title()} ({len(changes)})",
            "",
            "| operation | side | kind | path | change |",
            "|---|---|---|---|---|",
        ]
        for c in changes:
            side = c.side.value + (f" {c.status}" if c.status else "")
            detail = "; ".join([c.message, *_detail(c, examples)])
            lines.append(
                f"| `{_md(c.operation or '-')}` | {side} | {c.kind.value} | `{_md(c.path)}` | {_md(detail)} |"
            )
    return "\n".join(lines) + "\n"
