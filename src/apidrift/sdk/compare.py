"""Compare the fields an SDK declares with the fields a contract version documents, side-aware."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from apidrift.check.renames import RenamePair, pair_renames, parent_of
from apidrift.check.shapes import FieldShape
from apidrift.diff.changes import Severity
from apidrift.sdk.findings import SdkFindingKind

K = SdkFindingKind
B, W, INFO = Severity.BREAKING, Severity.WARNING, Severity.INFO


class FieldSide(StrEnum):
    """Whether the SDK reads the fields (a response) or sends them (a request)."""

    RESPONSE = "response"
    REQUEST = "request"


@dataclass(frozen=True)
class SdkFieldShape:
    """What an SDK declares of one field path: accepted JSON types (None: any), required-ness, enum."""

    path: str
    types: tuple[str, ...] | None
    required: bool
    enum: tuple[Any, ...] | None = None
    # The SDK declares the fields below this one (a struct, not a free-form map or opaque type).
    has_children: bool = False


@dataclass(frozen=True)
class FieldDifference:
    """One field-level mismatch, before it is attached to an operation and version."""

    kind: SdkFindingKind
    severity: Severity
    path: str
    message: str
    evidence: tuple[str, ...] = ()
    version_path: str = ""  # for a rename: the version's name of the field


@dataclass(frozen=True)
class ComparisonLabels:
    """How findings name the two sides and which checks apply (models reject what docs only name)."""

    sdk: str
    version: str
    missing_kind: SdkFindingKind = K.FIELD_MISSING
    check_null: bool = False
    closed_enums: bool = False


def subtree(shapes: Mapping[str, FieldShape], root: str) -> dict[str, FieldShape]:
    """The shapes below `root` (e.g. `data[]`), re-rooted so `data[].id` becomes `id`."""
    if not root:
        return dict(shapes)
    prefix = root + "."
    out = {p[len(prefix) :]: s for p, s in shapes.items() if p.startswith(prefix)}
    if root in shapes:
        out[""] = shapes[root]
    return out


def compare_fields(
    sdk: Mapping[str, SdkFieldShape],
    contract: Mapping[str, FieldShape],
    side: FieldSide,
    labels: ComparisonLabels,
    prefix: str = "",
) -> list[FieldDifference]:
    """Differences between SDK-declared and version-documented fields (paths joined under `prefix`)."""
    declared = {p for p, s in sdk.items() if s.has_children} | {""}
    documented_parents = {parent_of(p) for p in contract if p}
    unknown = [
        p
        for p in sdk
        if p and p not in contract and parent_of(p) in contract and parent_of(p) in documented_parents
    ]
    missing = [p for p in contract if p and p not in sdk and parent_of(p) in declared]
    pairs = _renames(sdk, contract, missing, unknown)
    out: list[FieldDifference] = []
    for pair in pairs:
        out.append(
            FieldDifference(
                K.FIELD_RENAMED,
                B,
                pair.new,
                f"{labels.version} has `{_at(prefix, pair.old)}` where {labels.sdk} has "
                f"`{_at(prefix, pair.new)}`: looks like a rename ({pair.confidence:.2f})",
                pair.evidence,
                pair.old,
            )
        )
    renamed = {p.old for p in pairs} | {p.new for p in pairs}
    for path in (p for p in unknown if p not in renamed):
        out.append(_unknown(path, sdk[path], side, labels, prefix))
    for path in (p for p in missing if p not in renamed):
        out.append(_missing(path, contract[path], side, labels, prefix))
    for path in sorted(p for p in sdk if p in contract and p and parent_of(p) in declared):
        out.extend(_common(path, sdk[path], contract[path], side, labels, prefix))
    return [_prefixed(d, prefix) for d in sorted(out, key=lambda d: (d.path, d.kind))]


def _renames(
    sdk: Mapping[str, SdkFieldShape],
    contract: Mapping[str, FieldShape],
    missing: list[str],
    unknown: list[str],
) -> list[RenamePair]:
    """Pair fields the version has and the SDK lacks with fields the SDK has and the version lacks.

    A rename usually keeps the field's required-ness and nullability, so fields alike in both are
    paired first (`invited_at` -> `created_at` rather than the optional `accepted_at`), the rest after.
    """

    def key_of_version(path: str) -> tuple[bool, bool]:
        return contract[path].required, contract[path].nullable

    def key_of_sdk(path: str) -> tuple[bool, bool]:
        shape = sdk[path]
        return shape.required, shape.types is not None and "null" in shape.types

    pairs: list[RenamePair] = []
    for key in {key_of_version(p) for p in missing} & {key_of_sdk(p) for p in unknown}:
        pairs += pair_renames(
            [(p, "|".join(contract[p].types)) for p in missing if key_of_version(p) == key],
            [(p, "|".join(sdk[p].types or ())) for p in unknown if key_of_sdk(p) == key],
        )
    paired = {p.old for p in pairs} | {p.new for p in pairs}
    pairs += pair_renames(
        [(p, "|".join(contract[p].types)) for p in missing if p not in paired],
        [(p, "|".join(sdk[p].types or ())) for p in unknown if p not in paired],
    )
    return sorted(pairs, key=lambda p: p.new)


def _at(prefix: str, path: str) -> str:
    return f"{prefix}.{path}" if prefix and path else prefix or path


def _prefixed(d: FieldDifference, prefix: str) -> FieldDifference:
    old = _at(prefix, d.version_path) if d.version_path else ""
    return FieldDifference(d.kind, d.severity, _at(prefix, d.path), d.message, d.evidence, old)


def _requirement(required: bool) -> str:
    return "required" if required else "optional"


def _unknown(
    path: str, shape: SdkFieldShape, side: FieldSide, labels: ComparisonLabels, prefix: str
) -> FieldDifference:
    where = _at(prefix, path)
    if side is FieldSide.RESPONSE:
        if shape.required:
            message = f"{labels.sdk} requires `{where}`, which {labels.version} never sends"
            return FieldDifference(K.FIELD_UNKNOWN, B, path, message)
        message = f"{labels.sdk} declares optional `{where}`, which {labels.version} does not document"
        return FieldDifference(K.FIELD_UNKNOWN, INFO, path, message)
    message = f"{labels.sdk} sends `{where}`, which {labels.version} does not accept (ignored or refused)"
    return FieldDifference(K.FIELD_UNKNOWN, W, path, message)


def _missing(
    path: str, shape: FieldShape, side: FieldSide, labels: ComparisonLabels, prefix: str
) -> FieldDifference:
    where = _at(prefix, path)
    if side is FieldSide.RESPONSE:
        message = (
            f"{labels.version} sends {_requirement(shape.required)} `{where}`; "
            f"{labels.sdk} does not declare it"
        )
        return FieldDifference(labels.missing_kind, W, path, message)
    severity = B if shape.required else INFO
    message = f"{labels.version} takes {_requirement(shape.required)} `{where}`; {labels.sdk} cannot send it"
    return FieldDifference(labels.missing_kind, severity, path, message)


def _common(
    path: str,
    sdk: SdkFieldShape,
    contract: FieldShape,
    side: FieldSide,
    labels: ComparisonLabels,
    prefix: str,
) -> list[FieldDifference]:
    where = _at(prefix, path)
    out: list[FieldDifference] = []
    if side is FieldSide.RESPONSE and sdk.required and not contract.required:
        message = f"{labels.sdk} requires `{where}`; {labels.version} may omit it"
        out.append(FieldDifference(K.FIELD_MAY_BE_OMITTED, B, path, message))
    if side is FieldSide.REQUEST and contract.required and not sdk.required:
        message = f"{labels.version} requires `{where}`; {labels.sdk} treats it as optional"
        out.append(FieldDifference(K.FIELD_OPTIONAL_IN_SDK, B, path, message))
    out.extend(_types(path, where, sdk, contract, side, labels))
    if side is FieldSide.RESPONSE:
        out.extend(_enums(path, where, sdk, contract, labels))
    return out


def _types(
    path: str, where: str, sdk: SdkFieldShape, contract: FieldShape, side: FieldSide, labels: ComparisonLabels
) -> list[FieldDifference]:
    if sdk.types is None or not contract.types:
        return []
    sdk_types, version_types = set(sdk.types) - {"null"}, set(contract.types) - {"null"}
    out = []
    sent, accepted = (version_types, sdk_types) if side is FieldSide.RESPONSE else (sdk_types, version_types)
    if "number" in accepted:
        accepted = accepted | {"integer"}  # an integer is a valid JSON number
    if sent and accepted and not sent <= accepted:
        message = (
            f"`{where}` is {'|'.join(sorted(version_types))} in {labels.version}; "
            f"{labels.sdk} has {'|'.join(sorted(sdk_types))}"
        )
        out.append(FieldDifference(K.FIELD_TYPE, B, path, message))
    if labels.check_null and side is FieldSide.RESPONSE and contract.nullable and "null" not in sdk.types:
        message = f"{labels.version} may send null for `{where}`; {labels.sdk} does not accept null"
        out.append(FieldDifference(K.FIELD_TYPE, B, path, message))
    return out


def _enums(
    path: str, where: str, sdk: SdkFieldShape, contract: FieldShape, labels: ComparisonLabels
) -> list[FieldDifference]:
    if sdk.enum is None:
        return []
    if contract.enum is None:
        if not labels.closed_enums or not contract.types or set(contract.types) <= {"null"}:
            return []
        message = (
            f"{labels.sdk} accepts only {_values(sdk.enum)} for `{where}`; "
            f"{labels.version} allows any {'|'.join(t for t in contract.types if t != 'null')}"
        )
        return [FieldDifference(K.FIELD_ENUM, W, path, message)]
    extra = [v for v in contract.enum if v not in sdk.enum]
    if not extra:
        return []
    severity = B if labels.closed_enums else W
    verb = "rejects" if labels.closed_enums else "does not name"
    message = f"{labels.version} may send {_values(extra)} for `{where}`, which {labels.sdk} {verb}"
    return [FieldDifference(K.FIELD_ENUM, severity, path, message)]


def _values(values: Any) -> str:
    return ", ".join(repr(v) for v in values)
