"""The vocabulary of drift: change kinds, sides, severities, and the rules that grade them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ChangeKind(StrEnum):
    """What changed; the `kind` of a change in every report (a fixed vocabulary)."""

    OPERATION_ADDED = "operation-added"
    OPERATION_REMOVED = "operation-removed"
    PATH_PARAM_RENAMED = "path-param-renamed"
    PARAM_ADDED = "param-added"
    PARAM_REMOVED = "param-removed"
    PARAM_BECAME_REQUIRED = "param-became-required"
    PARAM_BECAME_OPTIONAL = "param-became-optional"
    STATUS_ADDED = "status-added"
    STATUS_REMOVED = "status-removed"
    FIELD_ADDED = "field-added"
    FIELD_REMOVED = "field-removed"
    FIELD_RENAMED = "field-renamed"
    BECAME_REQUIRED = "became-required"
    BECAME_OPTIONAL = "became-optional"
    TYPE_CHANGED = "type-changed"
    ENUM_VALUES_ADDED = "enum-values-added"
    ENUM_VALUES_REMOVED = "enum-values-removed"
    BECAME_NULLABLE = "became-nullable"
    BECAME_NON_NULLABLE = "became-non-nullable"
    CONSTRAINT_CHANGED = "constraint-changed"
    SCHEMA_RENAMED = "schema-renamed"
    # Cosmetic: hidden unless asked for (`--include-cosmetic`).
    DESCRIPTION_CHANGED = "description-changed"


class Side(StrEnum):
    """Where a change sits, and so whom it can break."""

    RESPONSE = "response"
    REQUEST = "request"
    PARAMETER = "parameter"
    OPERATION = "operation"


class Severity(StrEnum):
    BREAKING = "breaking"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"breaking": 2, "warning": 1, "info": 0}[self.value]


K, S = ChangeKind, Side
B, W, INFO = Severity.BREAKING, Severity.WARNING, Severity.INFO

# (kind, side) -> (severity, why). A client *reading responses* breaks when something it relies on
# may be missing or different; a client *sending requests* breaks when what it sent is now refused.
RULES: dict[tuple[ChangeKind, Side], tuple[Severity, str]] = {
    (K.OPERATION_ADDED, S.OPERATION): (INFO, "nothing existing calls it"),
    (K.OPERATION_REMOVED, S.OPERATION): (B, "every caller fails"),
    (K.PATH_PARAM_RENAMED, S.PARAMETER): (B, "the URL shape is the same, but SDKs name their arguments"),
    (K.PARAM_ADDED, S.PARAMETER): (INFO, "optional: old calls still work (breaking when required)"),
    (K.PARAM_REMOVED, S.PARAMETER): (W, "callers still sending it may be ignored or refused"),
    (K.PARAM_BECAME_REQUIRED, S.PARAMETER): (B, "calls without it are refused"),
    (K.PARAM_BECAME_OPTIONAL, S.PARAMETER): (INFO, "old calls still work"),
    (K.TYPE_CHANGED, S.PARAMETER): (B, "old values may be refused"),
    (K.ENUM_VALUES_ADDED, S.PARAMETER): (INFO, "old values still accepted"),
    (K.ENUM_VALUES_REMOVED, S.PARAMETER): (B, "old values are refused"),
    (K.BECAME_NULLABLE, S.PARAMETER): (INFO, "old values still accepted"),
    (K.BECAME_NON_NULLABLE, S.PARAMETER): (B, "null is refused"),
    (K.CONSTRAINT_CHANGED, S.PARAMETER): (W, "old values may fall outside the new bounds"),
    # Parameters whose schema is an object (e.g. `effective_at[gte]`) change like request fields.
    (K.FIELD_ADDED, S.PARAMETER): (INFO, "optional: old calls still work (breaking when required)"),
    (K.FIELD_REMOVED, S.PARAMETER): (W, "callers still sending it may be ignored or refused"),
    (K.FIELD_RENAMED, S.PARAMETER): (B, "callers use the old name"),
    (K.BECAME_REQUIRED, S.PARAMETER): (B, "calls without it are refused"),
    (K.BECAME_OPTIONAL, S.PARAMETER): (INFO, "old calls still work"),
    (K.SCHEMA_RENAMED, S.PARAMETER): (INFO, "same values under another type name"),
    (K.DESCRIPTION_CHANGED, S.PARAMETER): (INFO, "documentation only"),
    (K.STATUS_ADDED, S.RESPONSE): (W, "clients meet a status they do not handle"),
    (K.STATUS_REMOVED, S.RESPONSE): (INFO, "a handled status no longer occurs"),
    (K.FIELD_ADDED, S.RESPONSE): (INFO, "readers ignore what they do not know"),
    (K.FIELD_REMOVED, S.RESPONSE): (B, "readers lose a field they may rely on"),
    (K.FIELD_RENAMED, S.RESPONSE): (B, "readers look under the old name"),
    (K.BECAME_REQUIRED, S.RESPONSE): (INFO, "readers always get it now"),
    (K.BECAME_OPTIONAL, S.RESPONSE): (B, "readers may find it missing"),
    (K.TYPE_CHANGED, S.RESPONSE): (B, "readers get a type they do not expect"),
    (K.ENUM_VALUES_ADDED, S.RESPONSE): (W, "readers may meet a value they do not handle"),
    (K.ENUM_VALUES_REMOVED, S.RESPONSE): (INFO, "readers never see that value again"),
    (K.BECAME_NULLABLE, S.RESPONSE): (B, "readers may get null"),
    (K.BECAME_NON_NULLABLE, S.RESPONSE): (INFO, "readers no longer get null"),
    (K.CONSTRAINT_CHANGED, S.RESPONSE): (W, "values may fall outside what readers expect"),
    (K.SCHEMA_RENAMED, S.RESPONSE): (INFO, "same data under another type name (generated code renames)"),
    (K.DESCRIPTION_CHANGED, S.RESPONSE): (INFO, "documentation only"),
    (K.FIELD_ADDED, S.REQUEST): (INFO, "optional: old bodies still valid (breaking when required)"),
    (K.FIELD_REMOVED, S.REQUEST): (W, "senders still sending it may be ignored or refused"),
    (K.FIELD_RENAMED, S.REQUEST): (B, "senders use the old name"),
    (K.BECAME_REQUIRED, S.REQUEST): (B, "bodies without it are refused"),
    (K.BECAME_OPTIONAL, S.REQUEST): (INFO, "old bodies still valid"),
    (K.TYPE_CHANGED, S.REQUEST): (B, "old values may be refused"),
    (K.ENUM_VALUES_ADDED, S.REQUEST): (INFO, "old values still accepted"),
    (K.ENUM_VALUES_REMOVED, S.REQUEST): (B, "old values are refused"),
    (K.BECAME_NULLABLE, S.REQUEST): (INFO, "old values still accepted"),
    (K.BECAME_NON_NULLABLE, S.REQUEST): (B, "null is refused"),
    (K.CONSTRAINT_CHANGED, S.REQUEST): (W, "old values may fall outside the new bounds"),
    (K.SCHEMA_RENAMED, S.REQUEST): (INFO, "same data under another type name (generated code renames)"),
    (K.DESCRIPTION_CHANGED, S.REQUEST): (INFO, "documentation only"),
}
# Additions that are breaking when the added thing is required.
REQUIRED_ADDITIONS_BREAK = {
    (K.PARAM_ADDED, S.PARAMETER),
    (K.FIELD_ADDED, S.REQUEST),
    (K.FIELD_ADDED, S.PARAMETER),
}


def severity_of(kind: ChangeKind, side: Side, *, required: bool = False) -> Severity:
    if required and (kind, side) in REQUIRED_ADDITIONS_BREAK:
        return Severity.BREAKING
    return RULES[(kind, side)][0]


@dataclass(frozen=True)
class Counterexample:
    """A concrete instance showing a breaking change: valid on one side, rejected on the other."""

    instance: Any
    valid_in: str
    rejected_by: str
    reason: str


@dataclass(frozen=True)
class Change:
    """One classified difference between two contract versions."""

    kind: ChangeKind
    severity: Severity
    operation: str | None
    side: Side
    status: str | None
    path: str
    old: Any
    new: Any
    message: str
    confidence: float | None = None
    evidence: tuple[str, ...] = ()
    operation_id: str | None = None
    counterexample: Counterexample | None = field(default=None, compare=False)

    @property
    def cosmetic(self) -> bool:
        return self.kind is ChangeKind.DESCRIPTION_CHANGED

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind.value,
            "severity": self.severity.value,
            "operation": self.operation,
            "side": self.side.value,
            "status": self.status,
            "path": self.path,
            "old": self.old,
            "new": self.new,
            "confidence": self.confidence,
            "message": self.message,
        }
        if self.evidence:
            out["evidence"] = list(self.evidence)
        if self.counterexample is not None:
            c = self.counterexample
            out["counterexample"] = {
                "instance": c.instance,
                "valid_in": c.valid_in,
                "rejected_by": c.rejected_by,
                "reason": c.reason,
            }
        return out


def rules_markdown() -> str:
    """The severity rules as the Markdown table of `docs/drift-rules.md` (kept in sync by a test)."""
    lines = [
        "# Drift rules",
        "",
        "How `apidrift diff` grades each change, by where it sits: a client *reading responses*, a client",
        "*sending requests* (bodies), or *calling* an operation (parameters). Generated from",
        "`apidrift.diff.changes.RULES`; `tests/unit/test_changes.py` fails when this page and the code",
        "disagree.",
        "",
        "| kind | side | severity | why |",
        "|---|---|---|---|",
    ]
    for (kind, side), (severity, why) in RULES.items():
        lines.append(f"| `{kind.value}` | {side.value} | {severity.value} | {why} |")
    lines += [
        "",
        "Additions graded `info` become `breaking` when the added parameter or request field is required.",
        "Dropping an enum (`type-changed` from an enum to its plain type) is graded as `enum-values-added`:",
        "old values still fit, so senders are safe and readers may meet new values.",
        "Renames (`field-renamed`, `path-param-renamed`, `schema-renamed`) carry a `confidence` from 0 to 1",
        "and the evidence behind it (plural/singular, prefixes, shared tokens, spelling, identical shape);",
        "weak pairs stay a removal plus an addition. `description-changed` is cosmetic and only listed",
        "with `--include-cosmetic`.",
        "",
    ]
    return "\n".join(lines)
