"""The drift report: one typed model for check runs, live runs, SDK checks and version diffs.

`report.json` is this model serialised; `report.schema.json` beside this module is its JSON Schema.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, computed_field, field_validator, model_validator

from apidrift._version import __version__
from apidrift.diff.changes import Severity
from apidrift.live.redaction import safe_base_url
from apidrift.report.identity import finding_id, rename_path, transport_subject
from apidrift.report.run_entries import (
    CleanupEntry,
    FuzzCoverage,
    InputErrorEntry,
    SkippedEntry,
    TransportFindingEntry,
)
from apidrift.report.tracking import HistoryBlock, _Entry, _Tracked

REPORT_FORMAT: Final = "apidrift.report/1"
SCHEMA_ID: Final = "https://schemas.apidrift.invalid/apidrift.report/1/report.schema.json"
# Kinds of finding a check derives from its responses; renderers that show responses skip them.
RESPONSE_FINDING_KINDS: Final = frozenset({"schema-violation", "undocumented-field"})


class RunKind(StrEnum):
    """What produced a report."""

    CHECK = "check"
    DIFF = "diff"
    LIVE = "live"
    SDK = "sdk"
    FUZZ = "fuzz"


class CellStatus(StrEnum):
    """The state of one operation in one version, as the matrix colours it."""

    EXACT = "exact"
    DRIFT = "drift"
    FAIL = "fail"
    NOT_DOCUMENTED = "not-documented"
    ABSENT = "absent"
    DOCUMENTED = "documented"
    UNCHANGED = "unchanged"
    ADDED = "added"
    REMOVED = "removed"
    BREAKING = "breaking"
    WARNING = "warning"
    INFO = "info"


class RunMetadata(_Entry):
    """Who ran what, when and on which inputs: the only block that carries a timestamp."""

    kind: RunKind
    tool: Literal["apidrift"] = "apidrift"
    tool_version: str = __version__
    generated_at: str = Field(description="ISO 8601 time the report was built (UTC)")
    api: str | None = None
    versions: list[str] = Field(description="the contract versions compared, oldest first")
    against: str | None = Field(default=None, description="the version responses were validated against")
    fail_on: Severity | None = Field(default=None, description="diffs: the severity that fails the run")
    sources: list[str] = Field(default_factory=list, description="inputs, as relative paths or labels")
    base_url: str | None = Field(default=None, description="live runs: the API base URL, without credentials")

    @field_validator("base_url")
    @classmethod
    def _without_secrets(cls, value: str | None) -> str | None:
        # User info, query and fragment can carry credentials; they never reach a report.
        return safe_base_url(value) if value else value


class ViolationEntry(_Entry):
    """One way a response breaks its schema."""

    field: str
    instance_path: str
    schema_path: str
    keyword: str
    expected: JsonValue
    actual: JsonValue
    message: str


class VersionFit(_Entry):
    """How one response fits one version."""

    version: str
    valid: bool
    exact: bool
    score: float
    violations: int
    undocumented: int
    differences: list[str]


class ResponseEntry(_Entry):
    """One checked response: its target version, its violations and its fit to every version."""

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
    elapsed_s: float | None = Field(
        default=None, description="live runs: how long the exchange took, retries included (seconds)"
    )
    also: int = Field(
        default=0,
        description="checks: how many more responses of this kind (same findings, fit and renames) it "
        "stands for, not listed one by one (a large corpus keeps a bounded sample of each group)",
    )


class ExactGroupEntry(_Entry):
    """Responses that fit their target version exactly, counted per kind instead of listed one by one
    (they have no finding of their own): where they came from and how they fit every version."""

    operation: str
    method: str
    path: str
    status: int
    recorded_version: str | None
    against: str
    responses: int = Field(description="how many responses are of this kind")
    example: str = Field(description="the first of their files")
    best_match: str | None
    matches: list[str]
    fingerprint: str
    fits: list[VersionFit]


class FindingEntry(_Tracked):
    """One graded observation: a schema violation, an API change, an SDK mismatch."""

    kind: str
    severity: Severity
    operation: str | None
    version: str | None
    path: str
    message: str
    evidence: list[str] = Field(default_factory=list)
    location: str | None = Field(default=None, description="where: response 200, request, parameter, ...")
    file: str | None = None
    detail: str | None = Field(
        default=None,
        description="what tells findings of one kind at one place apart (a change's old and new)",
    )
    reaches: list[str] = Field(
        default_factory=list,
        description="a change to a shared definition: every operation, side and path it reaches",
    )
    side: Literal["request", "response"] | None = Field(
        default=None, description="traffic checks: whose drift it is, the sender's (request) or the API's"
    )
    also: int = Field(
        default=0, description="checks: how many more responses, not listed, have this finding too"
    )


class RenameEntry(_Tracked):
    """A name that moved: `old` as `old_in` calls it, `new` as `new_in` calls it."""

    kind: str = Field(description="field-renamed, path-param-renamed or schema-renamed")
    severity: Severity
    operation: str
    old: str
    new: str
    old_in: str
    new_in: str
    confidence: float
    evidence: list[str]
    file: str | None = None
    side: Literal["request", "response"] | None = Field(
        default=None, description="traffic checks: a name the request used, or one the response used"
    )


class UnmatchedEntry(_Entry):
    """Traffic checks: an exchange no operation of the version has, or whose response is not JSON."""

    where: str = Field(description="FILE#POINTER of the exchange in its HAR file or cassette")
    method: str
    path: str
    reason: str


class CounterexampleEntry(_Entry):
    """A concrete instance one version accepts and the other rejects, proving a breaking change."""

    operation: str | None
    kind: str
    path: str
    instance: JsonValue
    valid_in: str
    rejected_by: str
    reason: str


class MatrixCell(_Entry):
    """One operation in one version."""

    version: str
    status: CellStatus
    label: str = Field(description="compact text: ok, ok +2, FAIL 1, breaking 3, added, -")
    score: float | None = None
    details: list[str] = Field(default_factory=list)


class MatrixRow(_Entry):
    """One row of the operation × version matrix: for checks, the responses of one operation and
    recorded version that fit every version alike; for diffs, an operation."""

    operation: str
    method: str | None = None
    path: str | None = None
    recorded_version: str | None = None
    file: str | None = Field(default=None, description="checks: the response's file, for a row of one")
    responses: int = Field(default=1, description="checks: how many responses the row stands for")
    against: str | None = Field(default=None, description="checks: the version they were judged against")
    severity: Severity = Field(description="the worst thing the row shows, for filtering")
    best_match: str | None = Field(default=None, description="checks: best-fitting version, any, tie, none")
    cells: list[MatrixCell]


class Summary(BaseModel):
    """Counts derived from the report's lists, and its exit code."""

    exit_code: int
    operations: int
    responses: int
    ok: int
    failed: int
    drifted: int = Field(description="valid responses that carry undocumented fields")
    breaking: int
    warning: int
    info: int
    renames: int
    input_errors: int
    transport_findings: int
    skipped: int


class DriftReport(_Entry):
    """Everything one run found, as written to `report.json`."""

    # Assignment is validated so that ids follow entries a builder adds later (live runs do).
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    format: Literal["apidrift.report/1"] = REPORT_FORMAT
    metadata: RunMetadata
    exit_code: int = Field(
        description="what the run exited with: 0 clean, 1 drift, 2 bad input, 3 a fault in apidrift"
    )
    matrix: list[MatrixRow] = Field(default_factory=list)
    findings: list[FindingEntry] = Field(default_factory=list)
    renames: list[RenameEntry] = Field(default_factory=list)
    counterexamples: list[CounterexampleEntry] = Field(default_factory=list)
    responses: list[ResponseEntry] = Field(
        default_factory=list, description="checks: every response that is not exact (failed or drifted)"
    )
    exact: list[ExactGroupEntry] = Field(
        default_factory=list, description="checks: the responses that fit their target exactly, by kind"
    )
    input_errors: list[InputErrorEntry] = Field(default_factory=list)
    unmatched: list[UnmatchedEntry] = Field(
        default_factory=list, description="traffic checks: exchanges listed, not checked, and why"
    )
    transport_findings: list[TransportFindingEntry] = Field(default_factory=list)
    skipped: list[SkippedEntry] = Field(default_factory=list)
    interrupted: bool = False
    cleanup: CleanupEntry | None = None
    history: HistoryBlock | None = None
    coverage: FuzzCoverage | None = None

    @model_validator(mode="before")
    @classmethod
    def _drop_summary(cls, data: object) -> object:
        # A saved report carries its summary; it is derived, so reading one back recomputes it.
        if isinstance(data, dict) and "summary" in data:
            return {k: v for k, v in data.items() if k != "summary"}
        return data

    @model_validator(mode="after")
    def _identified(self) -> DriftReport:
        return self.identify()

    def identify(self) -> DriftReport:
        """Give every finding, rename and transport finding without an id its stable id (in place;
        returns self); runs on construction and on every assignment, so entries a builder adds later
        get theirs, and entries that have one keep it (a saved report reads back as it was)."""
        api = self.metadata.api
        for f in self.findings:
            if not f.id:
                f.id = finding_id(
                    api=api,
                    kind=f.kind,
                    operation=f.operation,
                    version=f.version,
                    location=f.location,
                    path=f.path,
                    detail=f.detail,
                )
        for r in self.renames:
            if not r.id:
                where = rename_path(r.old, r.new)
                r.id = finding_id(
                    api=api,
                    kind=r.kind,
                    operation=r.operation,
                    version=r.old_in,
                    # A request's rename is the sender's drift: never the same finding as the response's.
                    location="request rename" if r.side == "request" else "rename",
                    path=where,
                )
        for t in self.transport_findings:
            if not t.id:
                subject = transport_subject(t.operation, t.method, t.path)
                t.id = finding_id(
                    api=api, kind=t.kind, operation=subject, version=None, location="transport", path=""
                )
        return self

    # Derived rather than stored, so a producer that appends findings never leaves stale counts.
    @computed_field  # type: ignore[prop-decorator]
    @property
    def summary(self) -> Summary:
        """Counts of this report's lists, with its exit code."""
        by_severity = {s: 0 for s in Severity}
        for finding in self.findings:
            by_severity[finding.severity] += 1
        exact = sum(g.responses for g in self.exact)
        # A response that stands for `also` more of its kind counts for all of them.
        return Summary(
            exit_code=self.exit_code,
            operations=len(self.operations()),
            responses=sum(1 + r.also for r in self.responses) + exact,
            ok=sum(1 + r.also for r in self.responses if r.ok) + exact,
            failed=sum(1 + r.also for r in self.responses if not r.ok),
            drifted=sum(1 + r.also for r in self.responses if r.ok and r.undocumented),
            breaking=by_severity[Severity.BREAKING],
            warning=by_severity[Severity.WARNING],
            info=by_severity[Severity.INFO],
            renames=len(self.renames),
            input_errors=len(self.input_errors),
            transport_findings=len(self.transport_findings),
            skipped=len(self.skipped),
        )

    def operations(self) -> list[str]:
        """Every operation the report mentions, sorted."""
        named: Iterable[str | None] = [
            *(r.operation for r in self.matrix),
            *(f.operation for f in self.findings),
            *(r.operation for r in self.renames),
            *(t.operation for t in self.transport_findings),
            *(s.operation for s in self.skipped),
        ]
        return sorted({name for name in named if name})
