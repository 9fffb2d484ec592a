"""The vocabulary of drift: change kinds, sides, severities, and the shape of a grading rule."""

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
    ENUM_VALUE_RENAMED = "enum-value-renamed"
    EXTENSIBLE_ENUM_VALUES_ADDED = "extensible-enum-values-added"
    EXTENSIBLE_ENUM_VALUES_REMOVED = "extensible-enum-values-removed"
    DEFAULT_CHANGED = "default-changed"
    BECAME_READ_ONLY = "became-read-only"
    BECAME_WRITE_ONLY = "became-write-only"
    ACCESS_RELAXED = "access-relaxed"
    FIELD_DEPRECATED = "field-deprecated"
    FIELD_UNDEPRECATED = "field-undeprecated"
    BECAME_NULLABLE = "became-nullable"
    BECAME_NON_NULLABLE = "became-non-nullable"
    # Direction-graded (narrowed: admits fewer values; widened: admits more; changed: cannot tell).
    CONSTRAINT_NARROWED = "constraint-narrowed"
    CONSTRAINT_WIDENED = "constraint-widened"
    CONSTRAINT_CHANGED = "constraint-changed"
    # Neither admits a value of the other (two distinct known formats): narrowed and widened at once.
    CONSTRAINT_REPLACED = "constraint-replaced"
    TYPE_WIDENED = "type-widened"
    TYPE_NARROWED = "type-narrowed"
    UNION_MEMBER_ADDED = "union-member-added"
    UNION_MEMBER_REMOVED = "union-member-removed"
    ALLOF_PART_ADDED = "allof-part-added"
    ALLOF_PART_REMOVED = "allof-part-removed"
    SUCCESS_STATUS_REMOVED = "success-status-removed"
    STATUS_BECAME_RANGE = "status-became-range"
    RANGE_BECAME_STATUS = "range-became-status"
    PARAM_RENAMED = "param-renamed"
    HEADER_ADDED = "response-header-added"
    HEADER_REMOVED = "response-header-removed"
    HEADER_RENAMED = "response-header-renamed"
    HEADER_BECAME_REQUIRED = "response-header-became-required"
    HEADER_BECAME_OPTIONAL = "response-header-became-optional"
    HEADER_DEPRECATED = "response-header-deprecated"
    HEADER_UNDEPRECATED = "response-header-undeprecated"
    MEDIA_TYPE_ADDED = "media-type-added"
    MEDIA_TYPE_REMOVED = "media-type-removed"
    MEDIA_TYPE_RENAMED = "media-type-renamed"
    MEDIA_TYPE_WIDENED = "media-type-widened"
    MEDIA_TYPE_NARROWED = "media-type-narrowed"
    MEDIA_TYPE_PARAMETERS_CHANGED = "media-type-parameters-changed"
    LINK_ADDED = "link-added"
    LINK_REMOVED = "link-removed"
    LINK_CHANGED = "link-changed"
    SECURITY_ALTERNATIVE_ADDED = "security-alternative-added"
    SECURITY_ALTERNATIVE_REMOVED = "security-alternative-removed"
    SECURITY_ALTERNATIVE_RENAMED = "security-alternative-renamed"
    SECURITY_SCOPES_ADDED = "security-scopes-added"
    SECURITY_SCOPES_REMOVED = "security-scopes-removed"
    SECURITY_SCHEME_ADDED = "security-scheme-added"
    SECURITY_SCHEME_REMOVED = "security-scheme-removed"
    SECURITY_SCHEME_CHANGED = "security-scheme-changed"
    OPERATION_DEPRECATED = "operation-deprecated"
    OPERATION_UNDEPRECATED = "operation-undeprecated"
    SUNSET_CHANGED = "sunset-changed"
    STABILITY_CHANGED = "stability-changed"
    DEPRECATED_OPERATION_REMOVED = "deprecated-operation-removed"
    DEPRECATED_FIELD_REMOVED = "deprecated-field-removed"
    PARAM_DEPRECATED = "param-deprecated"
    PARAM_UNDEPRECATED = "param-undeprecated"
    DEPRECATED_PARAM_REMOVED = "deprecated-param-removed"
    OPERATION_ID_RENAMED = "operation-id-renamed"
    OPERATION_MOVED = "operation-moved"
    PARAM_STYLE_CHANGED = "param-style-changed"
    PARAM_EMPTY_VALUE_ALLOWED = "param-allow-empty-value-added"
    PARAM_EMPTY_VALUE_REFUSED = "param-allow-empty-value-removed"
    PARAM_RESERVED_ALLOWED = "param-allow-reserved-added"
    PARAM_RESERVED_REFUSED = "param-allow-reserved-removed"
    TAG_ADDED = "tag-added"
    TAG_REMOVED = "tag-removed"
    DISCRIMINATOR_CHANGED = "discriminator-changed"
    DISCRIMINATOR_ADDED = "discriminator-added"
    DISCRIMINATOR_REMOVED = "discriminator-removed"
    DISCRIMINATOR_VALUES_ADDED = "discriminator-values-added"
    DISCRIMINATOR_VALUES_REMOVED = "discriminator-values-removed"
    WEBHOOK_ADDED = "webhook-added"
    WEBHOOK_REMOVED = "webhook-removed"
    SCHEMA_RENAMED = "schema-renamed"
    SERVER_ADDED = "server-added"
    SERVER_REMOVED = "server-removed"
    SERVER_VARIABLE_ADDED = "server-variable-added"
    SERVER_VARIABLE_REMOVED = "server-variable-removed"
    SERVER_VARIABLE_NARROWED = "server-variable-narrowed"
    SERVER_VARIABLE_WIDENED = "server-variable-widened"
    SERVER_VARIABLE_DEFAULT_CHANGED = "server-variable-default-changed"
    ENCODING_CONTENT_TYPE_NARROWED = "encoding-content-type-narrowed"
    ENCODING_CONTENT_TYPE_WIDENED = "encoding-content-type-widened"
    ENCODING_STYLE_CHANGED = "encoding-style-changed"
    ENCODING_RESERVED_ALLOWED = "encoding-allow-reserved-added"
    ENCODING_RESERVED_REFUSED = "encoding-allow-reserved-removed"
    ENCODING_HEADER_ADDED = "encoding-header-added"
    ENCODING_HEADER_REMOVED = "encoding-header-removed"
    ENCODING_HEADER_BECAME_REQUIRED = "encoding-header-became-required"
    ENCODING_HEADER_BECAME_OPTIONAL = "encoding-header-became-optional"
    XML_NAME_CHANGED = "xml-name-changed"
    XML_NAMESPACE_CHANGED = "xml-namespace-changed"
    XML_PREFIX_CHANGED = "xml-prefix-changed"
    XML_ATTRIBUTE_CHANGED = "xml-attribute-changed"
    XML_WRAPPED_CHANGED = "xml-wrapped-changed"
    # Cosmetic: hidden unless asked for (`--include-cosmetic`).
    DESCRIPTION_CHANGED = "description-changed"


class Side(StrEnum):
    """Where a change sits, and so whom it can break."""

    RESPONSE = "response"
    REQUEST = "request"
    PARAMETER = "parameter"
    OPERATION = "operation"
    # The payload of a webhook: the API sends it, so its receivers read it like a response.
    WEBHOOK = "webhook"


class Severity(StrEnum):
    BREAKING = "breaking"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        # A lookup by the member's own (str) hash: `.value` is a slow descriptor, and sorting and
        # filtering thousands of changes ask for the rank of each.
        return _RANKS[self]


_RANKS: dict[str, int] = {"breaking": 2, "warning": 1, "info": 0}


@dataclass(frozen=True)
class Rule:
    """How one kind of change is graded on one side, and why; `family` is the module declaring it."""

    kind: ChangeKind
    side: Side
    severity: Severity
    why: str
    family: str = ""
    # The severity when the added parameter or field is required (None: `severity` either way).
    if_required: Severity | None = None


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
    # The shared definition the change is in (`Schema.field`), when there is one: one finding each.
    origin: str | None = None

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
        if self.origin:
            out["origin"] = self.origin
        if self.counterexample is not None:
            c = self.counterexample
            out["counterexample"] = {
                "instance": c.instance,
                "valid_in": c.valid_in,
                "rejected_by": c.rejected_by,
                "reason": c.reason,
            }
        return out
