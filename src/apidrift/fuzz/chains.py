"""Stateful chains: create something, then read, update and delete what was created, its id passed
along. Links are inferred from path templates alone: a POST to `/things` creates what `/things/{id}`
addresses, and the created id is the answer's field named like the parameter, else its `id`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from hypothesis import strategies as st

from apidrift.check.validation import ResponseValidator
from apidrift.contracts import templates
from apidrift.contracts.model import ContractVersion, Operation
from apidrift.diff.changes import Severity
from apidrift.fuzz.cases import Drawn, OperationCases
from apidrift.fuzz.explore import Skip, Step
from apidrift.fuzz.judge import judge
from apidrift.fuzz.model import Case, Failure
from apidrift.fuzz.target import Target
from apidrift.live.client import Exchange, Outcome


class Fuzzer(Protocol):
    """What a chain uses of the run: its target, sending with counting, the grading, the validator."""

    target: Target
    validator: ResponseValidator
    last_status: int | None

    def send(self, op: Operation, case: Case) -> Outcome: ...

    def ids(self, op: Operation, known: dict[str, str] | None = None) -> dict[str, str] | str: ...

    def graded(self, op: Operation, case: Case, failure: Failure | None) -> Failure | None: ...


@dataclass(frozen=True)
class Chain:
    """A create operation and the operations on what it creates, by the parameter naming it."""

    create: Operation
    param: str
    reads: tuple[Operation, ...]
    updates: tuple[Operation, ...]
    deletes: tuple[Operation, ...]

    def strategy(self, version: ContractVersion) -> st.SearchStrategy[tuple[Drawn, ...]]:
        """A valid request for the create and for each update, drawn together (and shrunk together)."""
        parts = [OperationCases(version, op).valid() for op in (self.create, *self.updates)]
        return st.tuples(*parts)


def chains_of(version: ContractVersion) -> list[Chain]:
    """Every POST to a collection whose items (`<collection>/{param}`) have a read, an update or a delete."""
    ops = sorted(version.operations.values(), key=lambda o: o.id)
    out = []
    for create in ops:
        if create.method != "POST" or create.path.endswith("}"):
            continue
        by_param: dict[str, list[Operation]] = {}
        for op in ops:
            rest = op.path[len(create.path) :] if op.path.startswith(create.path) else ""
            if (param := _item_below(rest)) is not None:
                by_param.setdefault(param, []).append(op)
        for param, items in sorted(by_param.items()):
            reads = tuple(o for o in items if o.method == "GET")
            deletes = tuple(o for o in items if o.method == "DELETE")
            updates = tuple(o for o in items if o.method not in ("GET", "DELETE", "HEAD", "OPTIONS"))
            if reads or updates or deletes:
                out.append(Chain(create, param, reads, updates, deletes))
    return out


def created_id(body: Any, param: str) -> str | None:
    """The id a create answered with: the field named like the parameter, else `id`."""
    if not isinstance(body, dict):
        return None
    for name in (param, "id"):
        value = body.get(name)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
            return str(value)
    return None


def run_chain(fuzzer: Fuzzer, chain: Chain, drawn: Sequence[Drawn]) -> Step:
    """Create, read, update, read again, delete, in order; the first failure stops the chain."""
    create, *updates = drawn
    ids = fuzzer.ids(chain.create) if chain.create.path_params else {}
    if isinstance(ids, str):
        raise Skip(ids)
    done: list[Case] = []
    answered: list[Any] = []

    def step(
        op: Operation, params: dict[str, str], request: Drawn | None, check_id: str | None
    ) -> Step | None:
        case = Case(
            op.id,
            op.method,
            op.path,
            params,
            request.query if request else {},
            request.body if request else None,
            headers=request.headers if request else {},
        )
        outcome = fuzzer.send(op, case)
        failure = fuzzer.graded(op, case, judge(op, case, outcome, fuzzer.validator))
        body = outcome.body if isinstance(outcome, Exchange) else None
        answered.append(body)
        if failure is None and check_id is not None:
            read = created_id(body, chain.param)
            if outcome.status is None or outcome.status >= 400:
                message = f"the created {chain.param} {check_id!r} could not be read back ({outcome.status})"
                failure = Failure("chain-broken", Severity.WARNING, message, outcome.status)
            elif read is not None and read != check_id:
                message = f"read {read!r} back for the created {check_id!r}"
                failure = Failure("chain-broken", Severity.WARNING, message, outcome.status)
        found = Step(case, failure, tuple(done))
        done.append(case)
        return found if failure is not None else None

    if (failed := step(chain.create, dict(ids), create, None)) is not None:
        return failed
    if not fuzzer.last_status or not 200 <= fuzzer.last_status < 300:
        raise Skip("the create was refused: nothing to follow")  # a documented refusal, already judged
    new_id = created_id(answered[-1], chain.param)
    if new_id is None:  # an assignment, say, not a create: nothing names what to follow
        raise Skip(f"{chain.create.id} answered no `{chain.param}` or `id` to follow")
    item = {**ids, chain.param: new_id}
    plan: list[tuple[Operation, Drawn | None, str | None]] = [(op, None, new_id) for op in chain.reads]
    plan += list(zip(chain.updates, updates, [None] * len(updates), strict=True))
    plan += [(op, None, new_id) for op in chain.reads]
    plan += [(op, None, None) for op in chain.deletes]
    for op, request, check in plan:
        if (failed := step(op, _params(fuzzer, op, item), request, check)) is not None:
            return failed
    return Step(done[-1], None, tuple(done[:-1]))


def _params(fuzzer: Fuzzer, op: Operation, item: dict[str, str]) -> dict[str, str]:
    """The item's ids, and ids of things that exist for any other parameter of `op`."""
    found = fuzzer.ids(op, item)
    if isinstance(found, str):
        raise Skip(found)
    return found


def _item_below(rest: str) -> str | None:
    """The item one segment below a collection names (`/{id}`, `/{id}.json`), or None."""
    segments = templates.segments(rest) if rest.startswith("/") else ()
    return segments[1].sole_param if len(segments) == 2 else None
