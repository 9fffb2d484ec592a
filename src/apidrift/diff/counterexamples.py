"""Counterexamples for breaking changes: shrunk instances one version accepts and the other rejects.

Responses: an instance the new version may send that a client built on the old one rejects.
Requests: a body (or parameter set) the old version accepted that the new one rejects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, Phase, find, settings
from hypothesis.errors import NoSuchExample, Unsatisfiable

from apidrift.check.patterns import compile_validator, rs_registry
from apidrift.check.renames import parent_of
from apidrift.check.validation import Violation, explain
from apidrift.contracts.model import ContractVersion, JSONSchema, Operation, rooted
from apidrift.diff.changes import Change, ChangeKind, Counterexample, Severity, Side
from apidrift.diff.engine import VersionDiff
from apidrift.generate.strategies import from_schema

# No explain phase: it spent ~80% of a search annotating the shrunk instance, which is all we keep.
SEARCH = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
)


BODY_SIDES = frozenset({Side.RESPONSE, Side.REQUEST, Side.PARAMETER})
NOT_IN_A_BODY = frozenset(
    {
        ChangeKind.HEADER_REMOVED,
        ChangeKind.HEADER_RENAMED,
        ChangeKind.HEADER_BECAME_OPTIONAL,
        ChangeKind.MEDIA_TYPE_REMOVED,
        ChangeKind.MEDIA_TYPE_RENAMED,
        ChangeKind.SUCCESS_STATUS_REMOVED,
        # The same values written as other XML: no JSON instance is valid on one side only.
        *(kind for kind in ChangeKind if kind.value.startswith("xml-")),
    }
)


def _in_json_body(path: str) -> bool:
    """Paths below a header (`header X-Id`) or another media type (`text/csv.x`) are not."""
    return not path.startswith("header ") and "/" not in path.split(".", 1)[0]


def _params_schema(op: Operation) -> JSONSchema:
    """The parameters of an operation as one object schema, so a call can be validated as data."""
    return {
        "type": "object",
        "properties": {p.name: p.schema for p in op.parameters},
        "required": [p.name for p in op.parameters if p.required],
        "additionalProperties": False,
    }


def _schemas(change: Change, old: Operation, new: Operation) -> tuple[JSONSchema | None, JSONSchema | None]:
    if change.side is Side.RESPONSE:
        status = change.status or "200"
        a, b = old.responses.get(status), new.responses.get(status)
        return (a.schema if a else None), (b.schema if b else None)
    if change.side is Side.REQUEST:
        return (old.request_body.schema if old.request_body else None), (
            new.request_body.schema if new.request_body else None
        )
    return _params_schema(old), _params_schema(new)


def _relevant(error_paths: list[str], change: Change) -> bool:
    """Does a rejection touch the changed field (or the field it was renamed from)?"""
    targets = {change.path, parent_of(change.path)}
    if change.kind is ChangeKind.FIELD_RENAMED and isinstance(change.old, str):
        targets.add(change.old)
    if change.side is Side.PARAMETER:
        return True  # a parameter set is small: any rejection is about the changed parameter
    return any(p in targets or p.startswith(change.path + ".") for p in error_paths)


class _Surface:
    """One side of one operation: what generates instances and what judges them (built once)."""

    def __init__(
        self,
        source: JSONSchema,
        source_version: ContractVersion,
        judge: JSONSchema,
        judge_version: ContractVersion,
    ) -> None:
        self.source_version, self.judge_version = source_version, judge_version
        self.source = source
        rooted_judge = rooted(judge, judge_version.base + "counterexample.json")
        self.fast = compile_validator(rooted_judge, _rs_registry(judge_version))

    def errors_at(self, instance: Any, change: Change) -> list[Violation]:
        """The judge's rejections that touch the changed field (most instances pass the fast check)."""
        if self.fast.is_valid(instance):
            return []
        found = [explain(e) for e in self.fast.iter_errors(instance)]
        return [v for v in found if _relevant([v.field], change)]


def _focus(change: Change) -> Callable[[str], bool] | None:
    """Which optional fields a search for `change` generates: those on its path (None: all)."""
    targets = {change.path}
    if change.kind is ChangeKind.FIELD_RENAMED and isinstance(change.old, str):
        targets.add(change.old)
    if change.side is Side.PARAMETER or "" in targets:
        return None

    def related(path: str) -> bool:
        return any(_at_or_below(t, path) or _at_or_below(path, t) for t in targets)

    return related


def _at_or_below(path: str, ancestor: str) -> bool:
    return path == ancestor or path.startswith((ancestor + ".", ancestor + "[]"))


def _rs_registry(version: ContractVersion) -> Any:
    from apidrift.contracts.model import SCHEMAS_FILE, schemas_document

    document = schemas_document(version.api, version.version, version.schemas)
    return rs_registry(version.base + SCHEMAS_FILE, document)


def find_counterexample(change: Change, surface: _Surface) -> Counterexample | None:
    """Search (and shrink) an instance showing `change`; None when the schemas admit none."""
    # Only optional fields on the way to (or below) the changed one are generated: instances stay
    # small, so the search finds and shrinks them quickly, and a reader sees just what matters.
    strategy = from_schema(surface.source, surface.source_version.schemas, _focus(change))
    try:
        instance = find(strategy, lambda x: bool(surface.errors_at(x, change)), settings=SEARCH)
    except (NoSuchExample, Unsatisfiable):
        return None
    errors = surface.errors_at(instance, change)
    reason = min(errors, key=lambda v: v.instance_path.count("/")).message if errors else "rejected"
    return Counterexample(instance, surface.source_version.version, surface.judge_version.version, reason)


def attach_counterexamples(diff: VersionDiff, old: ContractVersion, new: ContractVersion) -> int:
    """Give every breaking change a counterexample where one exists; returns how many were found."""
    surfaces: dict[tuple[str, str, str], _Surface | None] = {}
    found = 0
    for index, change in enumerate(diff.changes):
        if change.severity is not Severity.BREAKING or change.operation_id is None:
            continue
        if change.side not in BODY_SIDES or change.kind in NOT_IN_A_BODY or not _in_json_body(change.path):
            continue  # an instance of the JSON body cannot show a header, a media type or a webhook
        key = (change.operation_id, change.side.value, change.status or "")
        if key not in surfaces:
            surfaces[key] = _surface(change, old, new)
        surface = surfaces[key]
        if surface is None:
            continue
        example = find_counterexample(change, surface)
        if example is not None:
            diff.changes[index] = replace(change, counterexample=example)
            found += 1
    return found


def _surface(change: Change, old: ContractVersion, new: ContractVersion) -> _Surface | None:
    old_op = _operation(old, change, new)
    new_op = new.operations.get(change.operation_id or "")
    if old_op is None or new_op is None:
        return None
    old_schema, new_schema = _schemas(change, old_op, new_op)
    if old_schema is None or new_schema is None:
        return None
    if change.side is Side.RESPONSE:
        return _Surface(new_schema, new, old_schema, old)
    return _Surface(old_schema, old, new_schema, new)


def _operation(old: ContractVersion, change: Change, new: ContractVersion) -> Operation | None:
    """The old side of the change's operation (ids can differ between imported specs)."""
    if change.operation_id in old.operations:
        return old.operations[change.operation_id]
    from apidrift.diff.engine import path_shape

    target = new.operations[change.operation_id or ""]
    for op in old.operations.values():
        if op.method == target.method and path_shape(op.path) == path_shape(target.path):
            return op
    return None
