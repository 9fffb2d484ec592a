"""Per-field facts of a diff: where a change sits, what the rules may ask of the walk, small helpers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from apidrift.check.renames import name_similarity, parent_of
from apidrift.check.shapes import FieldShape
from apidrift.contracts.model import JSONSchema, Operation
from apidrift.diff.changes import Change, ChangeKind, Rule, Severity, Side
from apidrift.diff.policy import LifecyclePolicy

K = ChangeKind
RuleTable = Mapping[tuple[ChangeKind, Side], Rule]
# Who reads what a schema describes (responses, webhook payloads) and who sends it (requests, parameters).
READ, SEND = (Side.RESPONSE, Side.WEBHOOK), (Side.REQUEST, Side.PARAMETER)


@dataclass(frozen=True)
class ChangeContext:
    """The operation, side and status a change is found in; it grades what it builds by `rules`."""

    operation: Operation
    side: Side
    rules: RuleTable
    status: str | None = None

    def at(self, side: Side, status: str | None = None) -> ChangeContext:
        return ChangeContext(self.operation, side, self.rules, status)

    def change(self, kind: ChangeKind, path: str, old: Any, new: Any, message: str, **extra: Any) -> Change:
        required = bool(extra.pop("required", False))
        graded_as = extra.pop("graded_as", kind)
        severity = extra.pop("severity", None) or grade(self.rules, graded_as, self.side, required=required)
        return Change(
            kind=kind,
            severity=severity,
            operation=self.operation.key,
            side=self.side,
            status=self.status,
            path=path,
            old=old,
            new=new,
            message=message,
            operation_id=self.operation.id,
            **extra,
        )


def grade(rules: RuleTable, kind: ChangeKind, side: Side, *, required: bool = False) -> Severity:
    rule = rules[(kind, side)]
    return rule.if_required if required and rule.if_required is not None else rule.severity


@dataclass(frozen=True)
class FieldPair:
    """One field path present in both versions, as the field rules see it."""

    ctx: ChangeContext
    path: str
    old: FieldShape
    new: FieldShape
    is_root: bool
    # Every field of both versions' flattened schemas, for rules that look beyond this path.
    fields: tuple[Mapping[str, FieldShape], Mapping[str, FieldShape]] | None = None

    @property
    def label(self) -> str:
        return self.path or "(body)"

    def change(self, kind: ChangeKind, old: Any, new: Any, message: str, **extra: Any) -> Change:
        # Grouped by where it is defined only when both versions define it in the same place.
        origin = self.new.origin if self.new.origin and self.new.origin == self.old.origin else None
        return self.ctx.change(kind, self.path, old, new, message, origin=origin, **extra)


class Walk(Protocol):
    """What the engine offers the rules: flattened (cached) shapes and the structural comparison."""

    policy: LifecyclePolicy
    new_date: str | None  # the new version's date, against which sunsets are judged

    def flatten(self, side: str, schema: JSONSchema | None) -> dict[str, FieldShape]: ...

    def compare(
        self, ctx: ChangeContext, old: dict[str, FieldShape], new: dict[str, FieldShape], root: str
    ) -> list[Change]: ...

    def compare_schemas(
        self, ctx: ChangeContext, a: JSONSchema | None, b: JSONSchema | None
    ) -> list[Change]: ...

    def same_named_shape(self, old_name: str, new_name: str) -> bool: ...

    def named_fields(self, side: str, name: str) -> Mapping[str, FieldShape]: ...

    def branch_names(self, side: str, label: str) -> frozenset[str]: ...

    def values_at(self, side: str, name: str, rel: str) -> tuple[Any, ...] | None: ...

    def reached(self, side: str, starts: Iterable[str], avoid: frozenset[str]) -> frozenset[str]: ...

    def unchanged(self, a: JSONSchema | None, b: JSONSchema | None) -> bool: ...


def directional(
    narrowed: ChangeKind,
    widened: ChangeKind,
    what: str,
    *,
    reader_harm: Severity = Severity.BREAKING,
    sender_harm: Severity = Severity.BREAKING,
    sides: Iterable[Side] = (*READ, *SEND),
) -> list[Rule]:
    """The one principle: senders break when a schema refuses what it accepted, readers when it
    admits what it excluded. `reader_harm` softens the latter where readers are told to expect more,
    `sender_harm` the former where the refusal is also reported field by field."""
    rules = []
    for side in sides:
        if side in SEND:
            rules.append(Rule(narrowed, side, sender_harm, f"{what} narrowed: old values may be refused"))
            rules.append(Rule(widened, side, Severity.INFO, f"{what} widened: old values still accepted"))
        else:
            rules.append(Rule(narrowed, side, Severity.INFO, f"{what} narrowed: readers see a subset"))
            rules.append(
                Rule(widened, side, reader_harm, f"{what} widened: readers may meet values it excluded")
            )
    return rules


def most_similar(name: str, candidates: Iterable[str]) -> str | None:
    scored = sorted(((name_similarity(name, c)[0], c) for c in candidates), reverse=True)
    return scored[0][1] if scored else None


def type_label(shape: FieldShape) -> str:
    return "|".join(shape.types)


def outermost(these: dict[str, FieldShape], others: dict[str, FieldShape]) -> list[str]:
    """Paths of `these` missing from `others` whose parent both have (children come with them)."""
    # The missing paths found by a set difference first: most of either side is in the other.
    missing = these.keys() - others.keys()
    return sorted(p for p in missing if p and (parent := parent_of(p)) in others and parent in these)


def moved(path: str, old: str, new: str) -> str:
    """Where `path` is once the field `old` (and everything below it) is renamed to `new`."""
    if path == old or path.startswith((old + ".", old + "[]")):
        return new + path[len(old) :]
    return path


def prefixed(shapes: dict[str, FieldShape], name: str) -> dict[str, FieldShape]:
    return {
        (name + ("" if not p or p.startswith("[]") else ".") + p if p else name): s for p, s in shapes.items()
    }
