"""What the SDK checks report: typed findings and the per-document / per-model results holding them.

Field names follow the unified report's `FindingEntry(kind, severity, operation, version, path,
message, evidence)`, so the HTML and JUnit renderers can take these findings as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Final, Literal

from pydantic import BaseModel, Field

from apidrift._version import __version__
from apidrift.diff.changes import Severity

SDK_REPORT_FORMAT: Final = "apidrift.sdk-report/1"


RESPONSE_200 = "response 200"


class SdkFindingKind(StrEnum):
    """The vocabulary of SDK mismatches (the `kind` of a finding)."""

    PATH_PARAM_STALE = "path-param-stale"
    OPERATION_UNKNOWN = "operation-unknown"
    OPERATION_NOT_COVERED = "operation-not-covered"
    QUERY_PARAM_UNKNOWN = "query-param-unknown"
    QUERY_PARAM_MISSING = "query-param-missing"
    REQUEST_BODY_UNKNOWN = "request-body-unknown"
    REQUEST_BODY_MISSING = "request-body-missing"
    MODEL_NAME_STALE = "model-name-stale"
    FIELD_UNKNOWN = "field-unknown"
    FIELD_MISSING = "field-missing"
    FIELD_DROPPED = "field-dropped"
    FIELD_RENAMED = "field-renamed"
    FIELD_MAY_BE_OMITTED = "field-may-be-omitted"
    FIELD_OPTIONAL_IN_SDK = "field-optional-in-sdk"
    FIELD_TYPE = "field-type"
    FIELD_ENUM = "field-enum"
    VALIDATION_ERROR = "validation-error"


LOCATIONS: dict[SdkFindingKind, str] = {
    SdkFindingKind.PATH_PARAM_STALE: "parameter",
    SdkFindingKind.OPERATION_UNKNOWN: "operation",
    SdkFindingKind.OPERATION_NOT_COVERED: "operation",
    SdkFindingKind.QUERY_PARAM_UNKNOWN: "parameter",
    SdkFindingKind.QUERY_PARAM_MISSING: "parameter",
    SdkFindingKind.REQUEST_BODY_UNKNOWN: "request",
    SdkFindingKind.REQUEST_BODY_MISSING: "request",
}


def location_of(kind: SdkFindingKind) -> str:
    """Where a finding sits, as the unified report's `location` says it (fields: the response)."""
    return LOCATIONS.get(kind, RESPONSE_200)


class SdkFinding(BaseModel):
    """One mismatch between an SDK (document or model) and one contract version."""

    kind: SdkFindingKind
    severity: Severity
    operation: str = Field(description="the contract's operation id, or `METHOD /path` when it has none")
    version: str
    path: str = Field(default="", description="field path (`data[].results`) or parameter (`{key_id}`)")
    message: str
    evidence: list[str] = Field(default_factory=list)
    location: str = Field(default="", description="operation, parameter, request or response 200")
    file: str | None = Field(default=None, description="the SDK document, for documentation findings")
    endpoint: str = Field(default="", description="`METHOD /path` as the SDK calls it")
    subject: str = Field(default="", description="the SDK document or model the finding is about")


def severity_counts(findings: Iterable[SdkFinding]) -> dict[str, int]:
    counts = {s.value: 0 for s in Severity}
    for f in findings:
        counts[f.severity.value] += 1
    return counts


def at_least(findings: Iterable[SdkFinding], severity: Severity) -> list[SdkFinding]:
    return [f for f in findings if f.severity.rank >= severity.rank]


def rank_versions(fits: dict[str, list[SdkFinding]], fail_on: Severity) -> tuple[str | None, list[str]]:
    """The best version (fewest breaking, then warning, then info findings; None on a tie) and every
    version with nothing at or above `fail_on`."""
    matches = [v for v, found in fits.items() if not at_least(found, fail_on)]
    scored = sorted(
        (tuple(severity_counts(found)[s.value] for s in Severity), version) for version, found in fits.items()
    )
    if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None, matches
    return scored[0][1], matches


class SdkMetadata(BaseModel):
    tool: str = "apidrift"
    tool_version: str = __version__
    generated_at: str
    versions: list[str]
    against: str | None
    fail_on: Severity


class InputProblem(BaseModel):
    """An input the check could not use (an unreadable document, a recording that is not JSON)."""

    kind: str
    file: str | None
    pointer: str
    message: str


class SdkSummary(BaseModel):
    subjects: int = Field(description="documents or mapped models checked")
    matched: int = Field(description="subjects with at least one version free of findings at --fail-on")
    breaking: int
    warning: int
    info: int
    input_errors: int
    exit_code: int


class DocVersionFit(BaseModel):
    """How one document fits one version."""

    version: str
    operations: int = Field(description="documented operations the version has (method + path shape)")
    exact_paths: int = Field(description="…of which the path template is identical, parameter names too")
    unknown: int = Field(description="documented operations the version does not have")
    breaking: int
    warning: int
    info: int
    matches: bool


class DocumentEntry(BaseModel):
    file: str
    style: str
    title: str
    operations: int
    models: list[str]
    best_match: str | None
    matches: list[str]
    fits: list[DocVersionFit]
    findings: list[SdkFinding]


class SdkDocReport(BaseModel):
    """`apidrift sdk-check docs` as written to `sdk-report.json`."""

    format: Literal["apidrift.sdk-report/1"] = SDK_REPORT_FORMAT
    kind: Literal["sdk-docs"] = "sdk-docs"
    metadata: SdkMetadata
    summary: SdkSummary
    documents: list[DocumentEntry]
    input_errors: list[InputProblem]

    @property
    def findings(self) -> list[SdkFinding]:
        return [f for d in self.documents for f in d.findings]


class ModelVersionCheck(BaseModel):
    """One mapped model against one version: what was run through it and what it found."""

    version: str
    recordings: int
    examples: int
    breaking: int
    warning: int
    info: int
    matches: bool
    findings: list[SdkFinding]


class ModelEntry(BaseModel):
    operation: str
    model: str = Field(description="dotted path of the model (in its page class for lists)")
    label: str = Field(description="the model as code names it, e.g. `SyncConversationCursorPage[Invite]`")
    sdk_method: str | None
    best_match: str | None
    matches: list[str]
    checks: list[ModelVersionCheck]


class SdkModelReport(BaseModel):
    """`apidrift sdk-check models` as written to `sdk-report.json`."""

    format: Literal["apidrift.sdk-report/1"] = SDK_REPORT_FORMAT
    kind: Literal["sdk-models"] = "sdk-models"
    metadata: SdkMetadata
    module: str
    module_version: str | None
    mapping: str
    mapping_tested_with: str | None = Field(description="the package version the mapping was built from")
    summary: SdkSummary
    models: list[ModelEntry]
    unmapped: list[str] = Field(description="operations of the checked versions no model is mapped to")
    input_errors: list[InputProblem]

    @property
    def findings(self) -> list[SdkFinding]:
        return [f for m in self.models for c in m.checks for f in c.findings]
