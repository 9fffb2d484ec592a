"""The report of a check run as a typed model, and its JSON and Markdown renderings."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, Field

from apidrift import __version__
from apidrift.check import CheckedResponse, CheckRun, display_path
from apidrift.errors import ApidriftError

REPORT_FORMAT: Final = "apidrift.report/1"


class ViolationEntry(BaseModel):
    field: str
    instance_path: str
    schema_path: str
    keyword: str
    expected: Any
    actual: Any
    message: str


class RenameEntry(BaseModel):
    old: str
    new: str
    confidence: float
    evidence: list[str]


class VersionFit(BaseModel):
    """How one response fits one version."""

    version: str
    valid: bool
    exact: bool
    score: float
    violations: int
    undocumented: int
    differences: list[str]
    renames: list[RenameEntry]


class ResponseEntry(BaseModel):
    file: str
    operation: str
    method: str
    path: str
    status: int
    recorded_version: str | None
    against: str
    ok: bool
    violations: list[ViolationEntry]
    undocumented: list[str]
    best_match: str | None
    matches: list[str]
    fingerprint: str
    fits: list[VersionFit]


class InputErrorEntry(BaseModel):
    kind: str
    file: str | None
    pointer: str
    message: str


class Summary(BaseModel):
    responses: int
    ok: int
    failed: int
    drifted: int = Field(description="valid responses that carry undocumented fields")
    input_errors: int
    exit_code: int


class Metadata(BaseModel):
    tool: str = "apidrift"
    tool_version: str = __version__
    generated_at: str
    versions: list[str]
    against: str | None
    recordings: str


class CheckReport(BaseModel):
    """A check run as written to `reports/report.json`."""

    format: Literal["apidrift.report/1"] = REPORT_FORMAT
    kind: Literal["check"] = "check"
    metadata: Metadata
    summary: Summary
    responses: list[ResponseEntry]
    input_errors: list[InputErrorEntry]


def build_report(run: CheckRun, now: datetime | None = None) -> CheckReport:
    responses = [_entry(r) for r in run.responses]
    return CheckReport(
        metadata=Metadata(
            generated_at=(now or datetime.now(UTC)).isoformat(timespec="seconds"),
            versions=run.versions,
            against=run.against,
            recordings=run.recordings,
        ),
        summary=Summary(
            responses=len(responses),
            ok=sum(r.ok for r in responses),
            failed=sum(not r.ok for r in responses),
            drifted=sum(r.ok and bool(r.undocumented) for r in responses),
            input_errors=len(run.input_errors),
            exit_code=run.exit_code,
        ),
        responses=responses,
        input_errors=[_input_error(e) for e in run.input_errors],
    )


def _entry(checked: CheckedResponse) -> ResponseEntry:
    fp = checked.fingerprint
    return ResponseEntry(
        file=checked.file,
        operation=checked.operation,
        method=checked.method,
        path=checked.path,
        status=checked.status,
        recorded_version=checked.recorded_version,
        against=checked.against,
        ok=checked.ok,
        violations=[ViolationEntry(**v.__dict__) for v in checked.result.violations],
        undocumented=[u.field for u in checked.result.undocumented],
        best_match=fp.best,
        matches=list(fp.matches),
        fingerprint=fp.summary(),
        fits=[
            VersionFit(
                version=s.version,
                valid=s.result is not None and s.result.valid,
                exact=s.result is not None and s.result.exact,
                score=s.score,
                violations=len(s.result.violations) if s.result else 0,
                undocumented=len(s.result.undocumented) if s.result else 0,
                differences=s.differences(),
                renames=[
                    RenameEntry(old=p.old, new=p.new, confidence=p.confidence, evidence=list(p.evidence))
                    for p in s.renames
                ],
            )
            for s in fp.scores
        ],
    )


def _input_error(error: ApidriftError) -> InputErrorEntry:
    file = display_path(Path(error.file)) if error.file else None
    return InputErrorEntry(kind=type(error).__name__, file=file, pointer=error.pointer, message=error.message)


def cell(entry: ResponseEntry, version: str) -> str:
    """A compact status of one response against one version: ok, ok+N (undocumented), FAIL N."""
    fit = next((f for f in entry.fits if f.version == version), None)
    if fit is None:
        return "-"
    if fit.exact:
        return "ok"
    if fit.valid:
        return f"ok +{fit.undocumented}"
    return f"FAIL {fit.violations}" if fit.violations else "n/a"


def best_label(entry: ResponseEntry) -> str:
    if entry.best_match:
        return entry.best_match
    valid = [f.version for f in entry.fits if f.valid]
    return "any" if len(valid) == len(entry.fits) and valid else ("none" if not valid else "tie")


def render_markdown(report: CheckReport) -> str:
    """GitHub-flavoured Markdown (tables, no raw HTML), short enough for a PR comment."""
    s, meta = report.summary, report.metadata
    against = meta.against or "each recording's own version (newest when it names none)"
    lines = [
        "# apidrift check",
        "",
        f"- recordings: `{meta.recordings}`",
        f"- versions: {', '.join(f'`{v}`' for v in meta.versions)}; checked against: {against}",
        f"- **{s.ok} of {s.responses} responses valid**, {s.failed} failed, "
        f"{s.drifted} with undocumented fields, {s.input_errors} input errors (exit {s.exit_code})",
        f"- generated {meta.generated_at} by apidrift {meta.tool_version}",
        "",
        "## Operation × version",
        "",
        "| operation | recorded | " + " | ".join(meta.versions) + " | best match |",
        "|---|---|" + "---|" * len(meta.versions) + "---|",
    ]
    for e in report.responses:
        cells = " | ".join(cell(e, v) for v in meta.versions)
        lines.append(f"| `{e.operation}` | {e.recorded_version or '-'} | {cells} | {best_label(e)} |")
    failed = [e for e in report.responses if not e.ok]
    if failed:
        lines += ["", "## Failures", ""]
        for e in failed:
            lines.append(f"- `{e.operation}` (`{e.file}`) against {e.against}: {e.fingerprint}")
            lines += [f"  - `{v.field or '(root)'}` {v.keyword}: {v.message}" for v in e.violations[:5]]
    renames = [(e, f, r) for e in report.responses for f in e.fits for r in f.renames]
    if renames:
        lines += [
            "",
            "## Renames seen",
            "",
            "| operation | recorded | against | old | new | confidence |",
            "|---|---|---|---|---|---|",
        ]
        for e, f, r in renames:
            recorded = e.recorded_version or "-"
            lines.append(
                f"| `{e.operation}` | {recorded} | {f.version} | `{r.old}` | `{r.new}` | {r.confidence:.2f} |"
            )
    if report.input_errors:
        lines += ["", "## Input errors", ""]
        lines += [f"- {_where(err)}: {err.message}" for err in report.input_errors]
    return "\n".join(lines) + "\n"


def _where(err: InputErrorEntry) -> str:
    where = err.file or ""
    return f"`{where}#{err.pointer}`" if err.pointer else f"`{where}`"


def write_reports(report: CheckReport, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    json_path, md_path = folder / "report.json", folder / "report.md"
    json_path.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    md_path.write_text(render_markdown(report), encoding="utf-8")
    return [json_path, md_path]
