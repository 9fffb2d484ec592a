"""Rehearsal: responses valid in a new contract version that break a client written for an old one.

`plan_rehearsal(new, old)` (`rehearse_plan`) turns every change the diff grades as harmful to readers
of responses into a `Placement`: the JSON location to alter and what to put there (the old name of a
renamed or removed field left out, null where the field became nullable, a value of the new type, a
new enum value, a value past the old bound, an instance of a new union branch, a field no longer
required left out); what a JSON body cannot show (a status, a header, a media type) is listed as
`NotRehearsed` with the reason. `apply(plan, op, status, body)` here places them in a real response,
success or documented error, and returns a body the new version still accepts (every step is
validated; a step that would make the body invalid is not taken); `Rehearsal` is what the simulator
runs: a plan per version it answers as, with turns.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from apidrift.contracts.model import ContractVersion
from apidrift.simulator.errors import SimulatorError
from apidrift.simulator.rehearse_plan import (
    NOT_IN_A_BODY,
    OMITTED,
    VALUED,
    Action,
    NotRehearsed,
    Placement,
    RehearsalPlan,
    coverage,
    plan_rehearsal,
)
from apidrift.simulator.rehearse_values import json_copy, omit, put, tokens, undo

__all__ = [
    "NOT_IN_A_BODY",
    "OMITTED",
    "VALUED",
    "Action",
    "NotRehearsed",
    "Placement",
    "Rehearsal",
    "RehearsalPlan",
    "alternatives",
    "apply",
    "coverage",
    "plan_rehearsal",
    "turns_needed",
]


def apply(plan: RehearsalPlan, op_id: str, status: str | int, body: Any, *, variant: int = 0) -> Any:
    """`body` with the plan's placements for `op_id` and `status`, as far as each keeps the body
    valid in the new version. Where several placements alter one path (left out, or null), the
    `variant`-th goes first, so successive responses show each in turn. A body that is not valid
    in the new version to begin with is returned as it is. A status the version documents only
    as a range (`2XX`) or as `default` is planned under that name; an error the operation does not
    document under its own status is rehearsed as the documented error whose shape it has."""
    valid = plan.validator
    documented = _documented_as(plan, op_id, str(status), body)
    if documented is None:
        return body
    placements, status = plan.placements[(op_id, documented)], documented
    out = json_copy(body)
    for group in alternatives(placements):
        turn = variant % len(group)
        for placement in group[turn:] + group[:turn]:
            if _place(out, placement, lambda b: bool(valid.is_valid(op_id, status, b))):
                break
    return out


def alternatives(placements: Sequence[Placement]) -> list[list[Placement]]:
    """Placements that exclude each other, grouped: those at one path (left out, or another value),
    and with a field left out, every placement below it (which could never show beside it). One of
    each group is made per response, in turns."""
    omitted = sorted((p.path for p in placements if p.action is Action.OMIT), key=lambda x: len(tokens(x)))
    groups: dict[str, list[Placement]] = {}
    for placement in placements:
        steps = tokens(placement.path)
        key = next((o for o in omitted if tokens(o) == steps[: len(tokens(o))]), placement.path)
        groups.setdefault(key, []).append(placement)
    return list(groups.values())


def turns_needed(plan: RehearsalPlan, op_id: str) -> int:
    """How many responses of `op_id` show every alternative of its placements (at least 1)."""
    sizes = [len(g) for (op, _), found in plan.placements.items() if op == op_id for g in alternatives(found)]
    return max(sizes, default=1)


def _documented_as(plan: RehearsalPlan, op_id: str, code: str, body: Any) -> str | None:
    """The status whose placements apply to a `code` answer of `op_id`: the code, its range or
    `default`, and for an error (answered, when its own status is undocumented, in the shape of
    another: `engine.error_body`) any other documented error status whose schema the body fits.
    None when there is nothing to place or the body is not valid as the status found."""
    named = [s for s in (code, f"{code[:1]}XX", "default") if (op_id, s) in plan.placements]
    valid = plan.validator
    if named:
        return named[0] if valid.is_valid(op_id, named[0], body) else None
    op = plan.new.operations.get(op_id)
    if op is None or code[:1] not in ("4", "5") or {code, f"{code[:1]}XX"} & set(op.responses):
        return None  # a documented status is read as documented, never as another
    others = sorted(s for s in op.responses if s[:1] in ("4", "5") or s == "default")
    return next((s for s in others if (op_id, s) in plan.placements and valid.is_valid(op_id, s, body)), None)


def _place(body: Any, placement: Placement, valid: Callable[[Any], bool]) -> bool:
    """Make one placement in `body` (everywhere, else in the first place only) if some version of it
    keeps the body valid; whether it was made (nothing is changed when not)."""
    if placement.action is Action.OMIT:
        edits = omit(body, placement.path)
        if edits and valid(body):
            return True
        undo(edits)
        return False
    for value in placement.values:
        for first_only in (False, True):
            edits = put(body, placement.path, value, first_only=first_only)
            if not edits:
                return False  # nowhere to put it
            if valid(body):
                return True
            undo(edits)
    return False


class Rehearsal:
    """Plans applied to a running simulator, one per version it answers as (with `--mix`, a family
    answered as another version is rehearsed against that version: what it sends that a client of
    the old version cannot read). Each operation's responses take turns through the alternatives
    at one path; `reset` starts the turns again."""

    def __init__(self, plan: RehearsalPlan, *mixed: RehearsalPlan) -> None:
        if any(m.old.version != plan.old.version for m in mixed):
            raise SimulatorError("every plan of one rehearsal is for clients of the same old version")
        self.plan = plan
        self.plans = {p.new.version: p for p in (*mixed, plan)}
        self._served: Counter[tuple[str, str]] = Counter()

    @classmethod
    def of(cls, plan: RehearsalPlan, answered_as: Iterable[ContractVersion] = ()) -> Rehearsal:
        """`plan`, and a plan for clients of the same old version for each other version answered as."""
        others = {v.version: v for v in answered_as if v.version != plan.new.version}
        return cls(plan, *(plan_rehearsal(v, plan.old, at_least=plan.at_least) for v in others.values()))

    def covering(self, answered_as: Iterable[ContractVersion]) -> Rehearsal:
        """This rehearsal, with a plan added for each version answered as that it has none for."""
        missing = {v.version: v for v in answered_as if v.version not in self.plans}
        if not missing:
            return self
        old, level = self.plan.old, self.plan.at_least
        added = (plan_rehearsal(v, old, at_least=level) for v in missing.values())
        return Rehearsal(self.plan, *(p for p in self.plans.values() if p is not self.plan), *added)

    def __call__(self, op_id: str, version: str, status: int, body: Any) -> Any:
        plan = self.plans.get(version)
        if plan is None:
            return body
        key = (op_id, str(status))  # errors take their turns apart from successes
        turn = self._served[key]
        self._served[key] += 1
        return apply(plan, op_id, status, body, variant=turn)

    def reset(self) -> None:
        self._served.clear()

    def info(self) -> dict[str, Any]:
        """The main plan's summary; with `mixed`, those of the versions families are answered as."""
        mixed = {v: p.summary() for v, p in sorted(self.plans.items()) if p is not self.plan}
        return self.plan.summary() | ({"mixed": mixed} if mixed else {})
