"""Rehearsal plans: every response change the diff grades as harmful to readers, as a `Placement` (the
JSON location to alter and what to put there) or as `NotRehearsed` with the reason a body cannot show
it. `rehearse.apply` places them in real responses."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any, Final

from apidrift.check.shapes import FieldShape, SchemaFlattener
from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractVersion, JSONSchema, Operation
from apidrift.diff.changes import Change, ChangeKind, Severity, Side
from apidrift.diff.engine import diff_versions, path_shape
from apidrift.simulator.rehearse_values import (
    SAMPLES,
    FieldJudge,
    breaking_values,
    field_schemas,
    registry_of,
)

K = ChangeKind


class Action(StrEnum):
    OMIT = "omit"  # the field is left out wherever it would be
    SET = "set"  # the field holds one of `values` wherever its parent is


# Readers lose the field: it is left out. (A rename leaves out the old name; the new one is there.)
OMITTED: Final = frozenset(
    {K.FIELD_REMOVED, K.FIELD_RENAMED, K.BECAME_OPTIONAL, K.BECAME_WRITE_ONLY, K.DEPRECATED_FIELD_REMOVED}
)
# Readers meet a value they did not expect: one the new schema of the field admits, the old refuses.
VALUED: Final = frozenset(
    {
        K.BECAME_NULLABLE,
        K.ENUM_VALUES_ADDED,
        K.ENUM_VALUE_RENAMED,
        K.TYPE_CHANGED,
        K.TYPE_WIDENED,
        K.CONSTRAINT_WIDENED,
        K.CONSTRAINT_CHANGED,
        K.CONSTRAINT_REPLACED,
        K.UNION_MEMBER_ADDED,
        K.ALLOF_PART_REMOVED,
    }
)
# What a JSON body cannot show, and why.
NOT_IN_A_BODY: Final[Mapping[ChangeKind, str]] = {
    K.STATUS_ADDED: "a new status, not a body: the rehearsal alters bodies and keeps the status",
    K.SUCCESS_STATUS_REMOVED: "a success status gone, not a body: the rehearsal keeps the status",
    K.HEADER_REMOVED: "a response header: the rehearsal alters JSON bodies only",
    K.HEADER_RENAMED: "a response header: the rehearsal alters JSON bodies only",
    K.HEADER_BECAME_OPTIONAL: "a response header: the rehearsal alters JSON bodies only",
    K.MEDIA_TYPE_ADDED: "another media type: the simulator answers application/json",
    K.MEDIA_TYPE_REMOVED: "another media type: the simulator answers application/json",
    K.MEDIA_TYPE_RENAMED: "another media type: the simulator answers application/json",
    K.MEDIA_TYPE_WIDENED: "another media type: the simulator answers application/json",
    K.STATUS_BECAME_RANGE: "a status documented as its range, not a body: the rehearsal keeps the status",
    K.SUNSET_CHANGED: "a date in the documentation: the field is still there until it is removed",
    # How SDKs pick a branch's model; the branches themselves, where they changed, are rehearsed.
    K.DISCRIMINATOR_CHANGED: "how SDKs pick a oneOf branch's model, not a value: bodies look the same",
    K.DISCRIMINATOR_VALUES_ADDED: "how SDKs pick a oneOf branch's model, not a value: bodies look the same",
    K.LINK_REMOVED: "a response link, where a follow-up call goes, not a value: bodies look the same",
    K.LINK_CHANGED: "a response link, where a follow-up call goes, not a value: bodies look the same",
    **{
        kind: "how an XML body is written: the simulator answers application/json"
        for kind in (
            K.XML_NAME_CHANGED,
            K.XML_NAMESPACE_CHANGED,
            K.XML_PREFIX_CHANGED,
            K.XML_ATTRIBUTE_CHANGED,
            K.XML_WRAPPED_CHANGED,
        )
    },
}
WEBHOOKS = "a webhook payload: the simulator sends no webhooks"


@dataclass(frozen=True)
class Placement:
    """One reader-breaking change as an alteration of one operation's response at one field path."""

    kind: ChangeKind
    severity: Severity
    path: str  # where the body is altered (for a rename, the old name: it is what readers look for)
    action: Action
    message: str
    values: tuple[Any, ...] = ()
    # Whether a validator of the old version refuses the result (False: leaving out a field the old
    # version already let be absent, which only a reader relying on it notices).
    refused_by_old: bool = True


@dataclass(frozen=True)
class NotRehearsed:
    """A reader-breaking change no response of the simulator can show, and why."""

    kind: ChangeKind
    severity: Severity
    operation: str | None
    status: str | None
    path: str
    reason: str


@dataclass(frozen=True)
class RehearsalPlan:
    """Per (operation id, status): the placements; and the changes that cannot be rehearsed."""

    new: ContractVersion = field(repr=False)
    old: ContractVersion = field(repr=False)
    placements: Mapping[tuple[str, str], tuple[Placement, ...]]
    not_rehearsed: tuple[NotRehearsed, ...]
    at_least: Severity = Severity.WARNING

    @cached_property
    def validator(self) -> ResponseValidator:
        """The new version's validator: every altered body is checked with it."""
        return ResponseValidator(self.new)

    def summary(self) -> dict[str, Any]:
        """What `/__apidrift__/info` and the CLI show: counts by kind and what cannot be rehearsed."""
        kinds = Counter(p.kind.value for ps in self.placements.values() for p in ps)
        return {
            "old": self.old.version,
            "new": self.new.version,
            "at_least": self.at_least.value,
            "operations": len({op for op, _ in self.placements}),
            "placements": dict(sorted(kinds.items())),
            "not_rehearsed": [
                {
                    "kind": n.kind.value,
                    "operation": n.operation,
                    "status": n.status,
                    "path": n.path,
                    "reason": n.reason,
                }
                for n in self.not_rehearsed
            ],
        }


def plan_rehearsal(
    new: ContractVersion, old: ContractVersion, *, at_least: Severity = Severity.WARNING
) -> RehearsalPlan:
    """The plan for answering as `new` to clients of `old`: every response change the diff grades
    `at_least` this harmful to readers (warnings are changes readers *may* trip on: new enum values,
    new union branches)."""
    builder = _Builder(new, old)
    placements: dict[tuple[str, str], list[Placement]] = {}
    skipped: list[NotRehearsed] = []
    for change in diff_versions(old, new).changes:
        if change.side not in (Side.RESPONSE, Side.WEBHOOK) or change.severity.rank < at_least.rank:
            continue
        outcome = builder.placement(change)
        if isinstance(outcome, Placement):
            key = (change.operation_id or "", change.status or "200")
            if outcome not in placements.setdefault(key, []):
                placements[key].append(outcome)
        else:
            skipped.append(
                NotRehearsed(
                    kind=change.kind,
                    severity=change.severity,
                    operation=change.operation_id,
                    status=change.status,
                    path=change.path,
                    reason=outcome,
                )
            )
    return RehearsalPlan(
        new=new,
        old=old,
        placements={key: tuple(found) for key, found in placements.items()},
        not_rehearsed=tuple(skipped),
        at_least=at_least,
    )


def coverage() -> dict[ChangeKind, str]:
    """Every change kind the rehearsal places (its action) or cannot (the reason), for the docs."""
    out: dict[ChangeKind, str] = {k: Action.OMIT.value for k in OMITTED}
    out |= {k: Action.SET.value for k in VALUED}
    out |= dict(NOT_IN_A_BODY)
    return out


class _Builder:
    """Placements of changes between two versions (field schemas and searches cached)."""

    def __init__(self, new: ContractVersion, old: ContractVersion) -> None:
        self.new, self.old = new, old
        self._flat = SchemaFlattener(old.schemas)
        self._shapes: dict[str, dict[str, FieldShape]] = {}
        self._values: dict[tuple[str, str, str], tuple[Any, ...]] = {}
        self._registries: dict[str, Any] = {}

    def placement(self, change: Change) -> Placement | str:
        if change.side is Side.WEBHOOK:
            return WEBHOOKS
        if change.kind in NOT_IN_A_BODY:
            return NOT_IN_A_BODY[change.kind]
        if not _in_json_body(change.path):
            return "below a header or another media type: the rehearsal alters JSON bodies only"
        if change.kind in OMITTED:
            renamed = change.kind is K.FIELD_RENAMED and isinstance(change.old, str)
            path = str(change.old) if renamed else change.path
            if not path:
                return "the whole body is no longer documented: there is no field to leave out"
            return Placement(
                kind=change.kind,
                severity=change.severity,
                path=path,
                action=Action.OMIT,
                message=change.message,
                refused_by_old=self._required_in_old(change, path),
            )
        if change.kind in VALUED:
            values = self._values_for(change)
            if not values:
                return (
                    "no value the new schema of the field admits and the old one refuses was found "
                    "(the two may admit the same values here)"
                )
            return Placement(
                kind=change.kind,
                severity=change.severity,
                path=change.path,
                action=Action.SET,
                message=change.message,
                values=values,
            )
        return f"no placement is known for {change.kind.value}"

    def _old_operation(self, change: Change) -> Operation | None:
        op_id = change.operation_id or ""
        if op_id in self.old.operations:
            return self.old.operations[op_id]
        target = self.new.operations.get(op_id)
        if target is None:
            return None
        return next(
            (
                op
                for op in self.old.operations.values()
                if op.method == target.method and path_shape(op.path) == path_shape(target.path)
            ),
            None,
        )

    def _required_in_old(self, change: Change, path: str) -> bool:
        """Does the old version require the field (so that its absence is refused)?"""
        op = self._old_operation(change)
        spec = op.responses.get(change.status or "200") if op else None
        if op is None or spec is None or spec.schema is None:
            return False
        key = f"{op.id} {change.status}"
        if key not in self._shapes:
            self._shapes[key] = self._flat.flatten(spec.schema)
        shape = self._shapes[key].get(path)
        return shape is not None and shape.required

    def _judge(self, version: ContractVersion, schemas: list[JSONSchema]) -> FieldJudge:
        side = "new" if version is self.new else "old"
        if side not in self._registries:
            self._registries[side] = registry_of(version)
        return FieldJudge(version, schemas, self._registries[side])

    def _values_for(self, change: Change) -> tuple[Any, ...]:
        new_op = self.new.operations.get(change.operation_id or "")
        old_op = self._old_operation(change)
        status = change.status or "200"
        new_spec = new_op.responses.get(status) if new_op else None
        old_spec = old_op.responses.get(status) if old_op else None
        if new_spec is None or old_spec is None:
            return ()
        new_fields = field_schemas(new_spec.schema, change.path, self.new.schemas)
        old_fields = field_schemas(old_spec.schema, change.path, self.old.schemas)
        if not new_fields or not old_fields:
            return ()
        key = (repr(new_fields), repr(old_fields), change.kind.value)
        if key not in self._values:
            judges = self._judge(self.new, new_fields), self._judge(self.old, old_fields)
            self._values[key] = breaking_values(*judges, _first_tries(change))
        return self._values[key]


def _first_tries(change: Change) -> tuple[Any, ...]:
    """Values worth trying before a search, from what the change itself says."""
    if change.kind is K.BECAME_NULLABLE:
        return (None,)
    if change.kind is K.ENUM_VALUES_ADDED and isinstance(change.new, list):
        return tuple(v for v in change.new if not isinstance(change.old, list) or v not in change.old)
    if change.kind is K.ENUM_VALUE_RENAMED:
        return (change.new,)
    if change.kind in (K.TYPE_CHANGED, K.TYPE_WIDENED):
        return SAMPLES
    return ()


def _in_json_body(path: str) -> bool:
    """Paths below a header (`header X-Id`) or another media type (`text/csv.x`) are not."""
    return not path.startswith("header ") and "/" not in path.split(".", 1)[0]
