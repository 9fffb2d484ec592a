"""The SDK reports as JSON and GitHub-flavoured Markdown (tables, no raw HTML), written side by side."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from apidrift.diff.changes import Severity
from apidrift.sdk.findings import SdkDocReport, SdkFinding, SdkModelReport, SdkSummary

JSON_FILE = "sdk-report.json"
MARKDOWN_FILE = "sdk-report.md"
SdkReport = SdkDocReport | SdkModelReport


def render_json(report: SdkReport) -> str:
    return report.model_dump_json(indent=2) + "\n"


def render_markdown(report: SdkReport) -> str:
    if isinstance(report, SdkDocReport):
        return _docs_markdown(report)
    return _models_markdown(report)


def write_reports(report: SdkReport, folder: Path) -> list[Path]:
    """Write `sdk-report.json` and `sdk-report.md` into `folder` (created when missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in ((JSON_FILE, render_json(report)), (MARKDOWN_FILE, render_markdown(report))):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _fit(breaking: int, warning: int, info: int) -> str:
    if not breaking and not warning:
        return "ok" if not info else f"ok ({info} info)"
    parts = [
        f"{n} {label}" for n, label in ((breaking, "breaking"), (warning, "warning"), (info, "info")) if n
    ]
    return ", ".join(parts)


def _summary_line(s: SdkSummary, noun: str) -> str:
    return (
        f"- **{s.matched} of {s.subjects} {noun} match at least one version**; "
        f"findings: {s.breaking} breaking, {s.warning} warning, {s.info} info; "
        f"{s.input_errors} input errors (exit {s.exit_code})"
    )


def _versions_line(report: SdkReport) -> str:
    meta = report.metadata
    versions = ", ".join(f"`{v}`" for v in meta.versions)
    return (
        f"- versions: {versions}; against: {meta.against or 'every version'}; fail on: {meta.fail_on.value}"
    )


def _best(best: str | None, matches: list[str]) -> str:
    if best:
        return best
    return f"tie: {', '.join(matches)}" if matches else "none"


def _findings(findings: Iterable[SdkFinding]) -> list[str]:
    """Breaking and warning findings as a table; info findings counted by kind."""
    shown = [f for f in findings if f.severity is not Severity.INFO]
    info = Counter(f.kind.value for f in findings if f.severity is Severity.INFO)
    lines = []
    if shown:
        lines += ["| version | severity | kind | operation | path | finding |", "|---|---|---|---|---|---|"]
        for f in shown:
            path = f"`{_cell(f.path)}`" if f.path else ""
            lines.append(
                f"| {f.version} | {f.severity.value} | {f.kind.value} | `{f.operation}` | {path} "
                f"| {_cell(f.message)} |"
            )
        lines.append("")
    if info:
        lines += ["Info: " + ", ".join(f"{n} {kind}" for kind, n in sorted(info.items())), ""]
    return lines


def _docs_markdown(report: SdkDocReport) -> str:
    meta = report.metadata
    lines = [
        "# apidrift sdk-check docs",
        "",
        _versions_line(report),
        _summary_line(report.summary, "documents"),
        f"- generated {meta.generated_at} by apidrift {meta.tool_version}",
        "",
        "## Document × version",
        "",
        "| document | style | operations | " + " | ".join(meta.versions) + " | best match |",
        "|---|---|---|" + "---|" * len(meta.versions) + "---|",
    ]
    for d in report.documents:
        cells = []
        for version in meta.versions:
            fit = next((f for f in d.fits if f.version == version), None)
            cells.append(_fit(fit.breaking, fit.warning, fit.info) if fit else "-")
        lines.append(
            f"| `{_cell(d.file)}` | {d.style} | {d.operations} | "
            + " | ".join(cells)
            + f" | {_best(d.best_match, d.matches)} |"
        )
    lines.append("")
    for d in report.documents:
        lines += [
            f"## `{d.file}`",
            "",
            f"{d.title or d.style}: {d.operations} operations, models: "
            f"{', '.join(d.models) or 'none documented'}",
            "",
        ]
        lines += _findings(d.findings) or ["No findings.", ""]
    lines += _input_errors(report)
    return "\n".join(lines).rstrip() + "\n"


def _models_markdown(report: SdkModelReport) -> str:
    meta = report.metadata
    lines = [
        f"# apidrift sdk-check models `{report.module}`",
        "",
        f"- module: `{report.module}` {report.module_version or '(version unknown)'}; "
        f"mapping: `{report.mapping}` (built from {report.mapping_tested_with or 'an unstated version'})",
        _versions_line(report),
        _summary_line(report.summary, "models"),
        f"- generated {meta.generated_at} by apidrift {meta.tool_version}",
        "",
        "## Operation × version",
        "",
        "| operation | model | " + " | ".join(meta.versions) + " | best match |",
        "|---|---|" + "---|" * len(meta.versions) + "---|",
    ]
    for m in report.models:
        cells = []
        for version in meta.versions:
            check = next((c for c in m.checks if c.version == version), None)
            cells.append(_fit(check.breaking, check.warning, check.info) if check else "-")
        model = m.label
        lines.append(
            f"| `{m.operation}` | `{_cell(model)}` | "
            + " | ".join(cells)
            + f" | {_best(m.best_match, m.matches)} |"
        )
    lines.append("")
    for m in report.models:
        found = [f for c in m.checks for f in c.findings]
        if any(f.severity is not Severity.INFO for f in found):
            call = f", returned by `{m.sdk_method}`" if m.sdk_method else ""
            lines += [f"## `{m.operation}`", "", f"Model `{m.model}`{call}.", ""]
            lines += _findings(found)
    if report.unmapped:
        lines += ["## Unmapped operations", "", ", ".join(f"`{op}`" for op in report.unmapped), ""]
    lines += _input_errors(report)
    return "\n".join(lines).rstrip() + "\n"


def _input_errors(report: SdkReport) -> list[str]:
    if not report.input_errors:
        return []
    lines = ["## Input errors", ""]
    for e in report.input_errors:
        where = f"{e.file}#{e.pointer}" if e.pointer else e.file or ""
        lines.append(f"- `{_cell(where)}`: {_cell(e.message)}" if where else f"- {_cell(e.message)}")
    return [*lines, ""]
