"""Rehearsal judged by a real SDK release: the pinned `openai` (3.54.0) is a client of 2026-05-02 (every
release with admin types is, docs/sdk-releases.md), so it is the client rehearsed against the other
direction: `serve --version 2026-04-30 --rehearse 2026-05-02`, a server still on the older version
answering an SDK written for the newer one. Its own model classes (the bundled mapping's, pages
included) load each body through its own loading path (`openai._models.validate_type`, as
`test_rehearse_sdk.failures`), and fail on the rehearsed responses exactly where
`apidrift diff 2026-05-02 2026-04-30` says readers break and the SDK's declarations can notice it:
  - a field left out: only where the SDK requires it (declared without a default);
  - another value: only where the SDK's declared type or literal values refuse it;
  - a field the SDK does not declare at that path: never;
and on plain 2026-04-30 only where every response of it must fail (a required field renamed or
removed) or where the SDK and both contracts disagree, which the rehearsal adds to but never removes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pydantic import BaseModel
from test_rehearse_sdk import (
    ALWAYS,
    Failures,
    Serve,
    _client,
    _requests,
    _send,
    _where,
    failures,
    reader_breaking,
)
from test_simulator_http import Org, _phase

from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractStore, ContractVersion
from apidrift.diff.changes import Change, ChangeKind
from apidrift.sdk.mapping import load_mapping, resolve
from apidrift.sdk.pydantic_shapes import describe, field_shapes
from apidrift.simulator import create_app
from apidrift.simulator.rehearse import OMITTED, plan_rehearsal, turns_needed

CLIENT_OF, SERVED = "2026-05-02", "2026-04-30"
# The pinned SDK requires `owner_project_access` on project API keys, which neither seed version
# documents (a later document added it): plain responses of either version fail it.
SDK_ONLY = {
    ("list-project-api-keys", "data[].owner_project_access"),
    ("retrieve-project-api-key", "owner_project_access"),
}
# Fields gone under their name from every response of the served version (a value the served version
# may send and the client's refuses is only sent when the rehearsal shows it).
GONE = ALWAYS - {ChangeKind.ENUM_VALUES_ADDED}
JSON_TYPES: dict[type, str] = {str: "string", bool: "boolean", int: "integer", float: "number"}


def session(
    plain: str, rehearsed: str, version: ContractVersion, turns: Callable[[str], int]
) -> Iterator[tuple[str, Any, Any]]:
    """Like `test_rehearse_sdk.session`, but each turn asks for its ids again, so a delete repeated
    for its turns deletes another item."""
    order = sorted(version.operations.values(), key=lambda op: (_phase(op.id, op.method), op.id))
    with _client(plain) as p, _client(rehearsed) as r:
        for op in order:
            for _ in range(turns(op.id)):
                for req in _requests(op, Org(p)):
                    yield op.id, _send(p, op, req), _send(r, op, req)


def _json_type(value: Any) -> str:
    return (
        "null"
        if value is None
        else "array"
        if isinstance(value, list)
        else JSON_TYPES.get(type(value), "object")
    )


def unnoticed(change: Change, model: type[BaseModel], values: tuple[Any, ...]) -> str | None:
    """Why the SDK's model, by its declarations, cannot notice a body showing `change`; None if it
    refuses one (module docstring)."""
    shape = field_shapes(describe(model)).get(_where(change))
    if shape is None:
        return "the SDK does not declare the field there"
    if change.kind in OMITTED:
        return None if shape.required else "the SDK declares the field optional"
    admitted = [
        (shape.enum is None or v in shape.enum) and (shape.types is None or _json_type(v) in shape.types)
        for v in values
    ]
    return "the SDK's type admits the value" if any(admitted) or not values else None


@pytest.fixture(scope="module")
def sdk() -> dict[str, type[BaseModel]]:
    mapping, name = load_mapping("openai")
    return {op_id: resolve(op_id, entry, name).target for op_id, entry in mapping.operations.items()}


def test_the_pinned_sdk_fails_exactly_where_the_diff_says_a_client_of_its_version_breaks(
    serve_app: Serve, sdk: dict[str, type[BaseModel]]
) -> None:
    store = ContractStore()
    client_of, served = store.load(CLIENT_OF), store.load(SERVED)
    plan = plan_rehearsal(served, client_of)
    plain, rehearsed = serve_app(create_app(served)), serve_app(create_app(served, rehearse=plan))
    checker = ResponseValidator(served)
    on_plain: Failures = set()
    on_rehearsed: Failures = set()
    for op_id, plain_body, rehearsed_body in session(
        plain, rehearsed, served, lambda op: turns_needed(plan, op)
    ):
        assert checker.is_valid(op_id, 200, rehearsed_body), op_id  # never invalid in the served version
        on_plain |= failures(sdk[op_id], op_id, plain_body)
        on_rehearsed |= failures(sdk[op_id], op_id, rehearsed_body)

    values = {(op, p.path, p.kind): p.values for (op, _), found in plan.placements.items() for p in found}
    changes = reader_breaking(client_of, served)
    assert not plan.not_rehearsed and {c.operation_id for c in changes} <= set(sdk)

    def why(c: Change) -> str | None:
        op = c.operation_id or ""
        return unnoticed(c, sdk[op], values.get((op, _where(c), c.kind), ()))

    def where(found: list[Change]) -> Failures:
        return {(c.operation_id or "", _where(c)) for c in found if why(c) is None}

    want = where(changes)
    assert on_rehearsed == want | SDK_ONLY
    assert on_plain == where([c for c in changes if c.kind in GONE]) | SDK_ONLY
    assert on_plain < on_rehearsed
    # The seed pair, stated: 41 places where the pinned SDK breaks on a 2026-04-30 server's answers, 23
    # of them only when the rehearsal shows them; and the changes its declarations cannot notice.
    assert (len(want), len(want - on_plain)) == (41, 23)
    reasons = Counter(reason for c in changes if (reason := why(c)) is not None)
    assert reasons == {
        "the SDK declares the field optional": 58,
        "the SDK does not declare the field there": 12,
        "the SDK's type admits the value": 2,
    }
