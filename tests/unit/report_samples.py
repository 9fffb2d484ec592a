"""Reports the report tests share: a real check run, a failing one, a diff, a live run, a chain."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from apidrift.check.run import CheckRun, check_recordings
from apidrift.contracts.model import ContractStore, ContractVersion, JSONSchema, Operation, ResponseSpec
from apidrift.diff.changes import ChangeKind, Counterexample
from apidrift.diff.engine import VersionDiff, diff_versions
from apidrift.report import (
    CleanupEntry,
    DriftReport,
    RunKind,
    SkippedEntry,
    TransportFindingEntry,
    build_check_report,
    build_diff_report,
)

REPO = Path(__file__).resolve().parents[2]
RECORDINGS = REPO / "recordings"
NOW = datetime(2026, 5, 20, 3, 17, 0, tzinfo=UTC)


@cache
def store() -> ContractStore:
    return ContractStore(REPO / "contracts")


@cache
def bundled_run(against: str | None = None) -> CheckRun:
    """The bundled recordings (absolute paths in, relative paths out), each against its own version.

    Cached: callers must not change it (copy it first)."""
    return check_recordings(store(), RECORDINGS / "openai-admin", against=against, display_root=RECORDINGS)


def check_report(now: datetime = NOW) -> DriftReport:
    return build_check_report(bundled_run(), now=now, api="openai-admin")


def failing_report(now: datetime = NOW) -> DriftReport:
    """Every bundled response against 2026-04-30: the 2026-05-02 usage responses fail on a rename."""
    return build_check_report(bundled_run(against="2026-04-30"), now=now, api="openai-admin")


@cache
def _seed_diff() -> VersionDiff:
    return diff_versions(store().load("2026-04-30"), store().load("2026-05-02"))


def seed_diff() -> VersionDiff:
    """The diff of the two bundled versions (a fresh copy: callers may change it)."""
    cached = _seed_diff()
    return VersionDiff(cached.old, cached.new, list(cached.changes))


def diff_report(now: datetime = NOW) -> DriftReport:
    diff = seed_diff()
    # One counterexample, as `--examples` would attach to a breaking change.
    first = next(i for i, c in enumerate(diff.changes) if c.kind is ChangeKind.FIELD_RENAMED)
    example = Counterexample({"data": [{"results": []}]}, "2026-05-02", "2026-04-30", "'result' is required")
    diff.changes[first] = replace(diff.changes[first], counterexample=example)
    return build_diff_report(diff, now=now, api="openai-admin", sources=["2026-04-30", "2026-05-02"])


def live_report(now: datetime = NOW) -> DriftReport:
    """A check report with the parts a live sweep adds: transport trouble, skips, cleanup."""
    report = build_check_report(
        bundled_run(),
        now=now,
        kind=RunKind.LIVE,
        api="openai-admin",
        base_url="https://user:pw@api.example/v1?k=1",
    )
    report.transport_findings += [
        TransportFindingEntry(
            kind="http_429",
            operation="usage-costs",
            method="GET",
            path="/organization/costs",
            message="429 Too Many Requests after 4 attempts",
            attempts=4,
            status=429,
        ),
        TransportFindingEntry(
            kind="html_error_page",
            operation=None,
            method="GET",
            path="/organization/users",
            message="502 <html><body>Bad Gateway</body></html> | proxy",
            attempts=1,
        ),
    ]
    report.skipped.append(
        SkippedEntry(operation="delete-project-user", reason="writes_disabled", detail="off")
    )
    report.cleanup = CleanupEntry(compensated=2, remaining=1, details=["user u_1 could not be removed"])
    report.interrupted = True
    report.exit_code = 1
    return report


def _op(op_id: str, schema: JSONSchema) -> Operation:
    return Operation(op_id, "GET", f"/{op_id}", "", (), None, {"200": ResponseSpec("200", "OK", schema)})


def _version(label: str, **fields: JSONSchema) -> ContractVersion:
    schema: JSONSchema = {"type": "object", "properties": fields, "required": list(fields)}
    ops = [_op("list-things", schema), _op("get-status", {"type": "object", "properties": {}})]
    if label == "v3":
        ops = ops[:1]
    return ContractVersion("test-api", label, None, "", (), {o.id: o for o in ops}, {})


def chain_report(now: datetime = NOW) -> DriftReport:
    """Three versions: v1 -> v2 renames a field, v2 -> v3 removes an operation."""
    v1 = _version("v1", result={"type": "string"})
    v2 = _version("v2", results={"type": "string"})
    v3 = _version("v3", results={"type": "string"})
    return build_diff_report([diff_versions(v1, v2), diff_versions(v2, v3)], now=now)


def all_reports() -> dict[str, DriftReport]:
    return {
        "check": check_report(),
        "failing": failing_report(),
        "diff": diff_report(),
        "live": live_report(),
        "chain": chain_report(),
    }
