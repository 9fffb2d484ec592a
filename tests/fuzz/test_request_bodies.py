"""Request bodies generated from every version's contract (`apidrift.generate.strategies.from_schema`):
they are valid for their version, old bodies stay valid in the new version, and the one direction that breaks
(a client of 2026-05-02 talking to a 2026-04-30 server) has shrunk counterexamples."""

from __future__ import annotations

from typing import Any

import pytest
from fuzz_support import request_validator
from hypothesis import find, given
from hypothesis.errors import NoSuchExample

from apidrift.contracts.model import ContractStore
from apidrift.diff.changes import ChangeKind, Severity, Side
from apidrift.diff.counterexamples import SEARCH
from apidrift.diff.engine import diff_versions
from apidrift.generate.strategies import from_schema
from apidrift.testing.profiles import active_profile

STORE = ContractStore()
OLD, NEW = STORE.load("2026-04-30"), STORE.load("2026-05-02")
BODIES = [
    (v.version, op.id)
    for v in (OLD, NEW)
    for op in sorted(v.operations.values(), key=lambda o: o.id)
    if op.request_body
]
SHARED = sorted(op for v, op in BODIES if v == OLD.version and op in NEW.operations)


def _strategy(label: str, op_id: str) -> Any:
    version = STORE.load(label)
    body = version.operation(op_id).request_body
    assert body is not None
    return from_schema(body.schema, version.schemas)


@pytest.mark.parametrize(("version", "op_id"), BODIES, ids=[f"{v}/{op}" for v, op in BODIES])
def test_generated_bodies_are_valid_for_their_version(version: str, op_id: str) -> None:
    judge = request_validator(STORE.load(version), STORE.load(version).operation(op_id))

    @active_profile()
    @given(_strategy(version, op_id))
    def prop(body: Any) -> None:
        assert judge.is_valid(body), [e.message for e in judge.iter_errors(body)]

    prop()


@pytest.mark.parametrize("op_id", SHARED)
def test_every_2026_04_30_body_is_accepted_by_2026_05_02(op_id: str) -> None:
    # The diff grades every request change of 2026-04-30 -> 2026-05-02 as info: none refuses an old body.
    judge = request_validator(NEW, NEW.operation(op_id))

    @active_profile()
    @given(_strategy(OLD.version, op_id))
    def prop(body: Any) -> None:
        assert judge.is_valid(body), [e.message for e in judge.iter_errors(body)]

    prop()


def _shrunk_rejection(source: str, judge_label: str, op_id: str) -> Any:
    judge = request_validator(STORE.load(judge_label), STORE.load(judge_label).operation(op_id))
    return find(_strategy(source, op_id), lambda body: not judge.is_valid(body), settings=SEARCH)


@pytest.mark.parametrize(
    ("op_id", "field", "counterexample"),
    [
        # POST /organization/projects/{project_id}/users: user_id optional and role any string in
        # 2026-05-02; 2026-04-30 requires user_id and takes role from [member, owner].
        ("create-project-user", "user_id", {"role": ""}),
        # POST /organization/projects/{project_id}: name optional in 2026-05-02, required in 2026-04-30.
        ("modify-project", "name", {}),
    ],
)
def test_a_2026_05_02_body_that_2026_04_30_rejects_is_found_and_shrunk(
    op_id: str, field: str, counterexample: dict[str, Any]
) -> None:
    found = _shrunk_rejection(NEW.version, OLD.version, op_id)
    assert found == counterexample
    judge = request_validator(OLD, OLD.operation(op_id))
    assert f"'{field}' is a required property" in [e.message for e in judge.iter_errors(found)]
    # The drift engine grades the same change as breaking, in that direction only.
    kinds = {
        (c.kind, c.severity)
        for c in diff_versions(NEW, OLD).changes
        if c.operation_id == op_id and c.side is Side.REQUEST and c.path == field
    }
    assert (ChangeKind.BECAME_REQUIRED, Severity.BREAKING) in kinds


def test_user_id_becoming_optional_breaks_no_old_body() -> None:
    with pytest.raises(NoSuchExample):
        _shrunk_rejection(OLD.version, NEW.version, "create-project-user")
    (change,) = [
        c
        for c in diff_versions(OLD, NEW).changes
        if c.operation_id == "create-project-user" and c.side is Side.REQUEST and c.path == "user_id"
    ]
    assert change.kind is ChangeKind.BECAME_OPTIONAL and change.severity is Severity.INFO
