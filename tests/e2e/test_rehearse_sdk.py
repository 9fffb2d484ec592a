"""Rehearsal over real HTTP, judged by SDK models: `serve --version 2026-05-02 --rehearse 2026-04-30`
breaks a client of 2026-04-30 exactly where `apidrift diff 2026-04-30 2026-05-02` says readers break,
and plain `serve --version 2026-05-02` breaks it only where no response of 2026-05-02 can help it.

No released `openai` SDK is a client of 2026-04-30: every release that has the admin types (2.34.0 to
3.57.0, surveyed with `tools/sdk_release_survey.py`, see docs/sdk-releases.md) was generated from
2026-05-02 or later (`results` in usage buckets, `created_at` on invites). So the client of 2026-04-30
is what the pinned SDK (3.54.0) would be had it been generated from 2026-04-30: models on the SDK's
own `BaseModel`, declared as its generator declares them (`tests/contract_models.py`), each 200 body
loaded by the SDK's own loading path, `openai._models.validate_type` (what a client made with
`_strict_response_validation=True` runs on every response; the default client only `construct`s,
which never fails at load), and, as `apidrift sdk-check models` loads bodies, with
`model_validate(body, strict=True)`: both fail at the same places. The pinned SDK's real models are a
client of 2026-05-02 (they match it best, see `sdk-check models openai`): a rehearsal must cost them
nothing.

What such an SDK cannot feel, and so is left out of the expected failures, by kind:
- a field left out (removed, renamed away, no longer required, write-only) that the old version let
  be null: the SDK declares it `Optional[...] = None` and reads an absent field as null;
- a bound relaxed (`constraint-widened`, `constraint-changed`): generated models check no bounds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import openai
import pytest
from openai._models import validate_type  # the SDK's loading of a response, strictly
from pydantic import BaseModel, ValidationError
from test_simulator_http import SCENARIOS, Org, Req, _key_params, _phase

from apidrift.check.shapes import SchemaFlattener
from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractStore, ContractVersion, Operation
from apidrift.diff.changes import Change, ChangeKind, Severity, Side
from apidrift.diff.engine import diff_versions
from apidrift.sdk.mapping import load_mapping, resolve
from apidrift.sdk.pydantic_shapes import error_path
from apidrift.simulator import create_app
from apidrift.simulator.rehearse import OMITTED, plan_rehearsal, turns_needed
from contract_models import response_model

OLD, NEW = "2026-04-30", "2026-05-02"
K = ChangeKind
UNFELT_BOUNDS = frozenset({K.CONSTRAINT_WIDENED, K.CONSTRAINT_CHANGED})
# Always so in 2026-05-02: a field the old version required, gone under that name in every response.
ALWAYS = frozenset({K.FIELD_RENAMED, K.FIELD_REMOVED, K.DEPRECATED_FIELD_REMOVED, K.ENUM_VALUES_ADDED})
Failures = set[tuple[str, str]]
OWNER = (
    "owner.service_account.object",
    "owner.service_account.role",
    "owner.user.added_at",
    "owner.user.object",
    "owner.user.role",
)
USAGE = ("audio-speeches", "audio-transcriptions", "code-interpreter-sessions", "completions", "costs")
WANT: dict[str, set[str]] = {
    "activateProjectCertificates": {"has_more", "object"},
    "deactivateProjectCertificates": {"has_more", "object"},
    "archive-project": {"status"},
    "create-project": {"status"},
    "modify-project": {"status"},
    "retrieve-project": {"status"},
    "list-projects": {"data[].status"},
    "assign-project-user-role": {"user.role"},
    "assign-user-role": {"user.role"},
    "create-project-user": {"role"},
    "modify-project-user": {"role"},
    "modify-user": {"role"},
    "retrieve-project-user": {"role"},
    "retrieve-user": {"role"},
    "list-project-users": {"data[].role"},
    "list-users": {"data[].role"},
    "inviteUser": {"invited_at"},
    "retrieve-invite": {"invited_at"},
    "list-invites": {"data[].invited_at"},
    "list-group-users": {"data[].added_at", "data[].object"},
    "list-project-api-keys": {f"data[].{path}" for path in OWNER},
    "retrieve-project-api-key": set(OWNER),
    **{f"usage-{name}": {"data[].result"} for name in (*USAGE, "embeddings", "images", "moderations")},
    "usage-vector-stores": {"data[].result"},
}
Serve = Callable[[Any], str]
TEST_KEY = "sk-apidrift-e2e-not-a-real-key"


def _where(change: Change) -> str:
    """Where an old client meets the change: a renamed field under its old name."""
    if change.kind is K.FIELD_RENAMED and isinstance(change.old, str):
        return change.old
    return change.path


def reader_breaking(old: ContractVersion, new: ContractVersion) -> list[Change]:
    """What the diff says breaks (or may break: warnings) a reader of responses."""
    return [
        c
        for c in diff_versions(old, new).changes
        if c.side is Side.RESPONSE and c.severity.rank >= Severity.WARNING.rank
    ]


def felt_by_sdk(change: Change, old: ContractVersion) -> bool:
    """Does an SDK generated from `old` fail to load a body showing `change` (module docstring)?"""
    if change.kind in UNFELT_BOUNDS:
        return False
    if change.kind not in OMITTED:
        return True
    schema = old.operation(change.operation_id or "").responses[change.status or "200"].schema
    shape = SchemaFlattener(old.schemas).flatten(schema).get(_where(change))
    return shape is not None and shape.required and not shape.nullable


def expected(changes: list[Change], old: ContractVersion) -> Failures:
    return {(c.operation_id or "", _where(c)) for c in changes if felt_by_sdk(c, old)}


def _client(base_url: str) -> httpx.Client:
    return httpx.Client(
        base_url=base_url + "/v1", headers={"Authorization": f"Bearer {TEST_KEY}"}, timeout=10
    )


def _send(client: httpx.Client, op: Operation, req: Req) -> Any:
    path = op.path
    for name in (p.name for p in op.path_params):
        path = path.replace("{" + name + "}", req.params[name])
    response = client.request(op.method, path, params=req.query, json=req.json)
    assert response.status_code == 200, f"{op.id}: {response.status_code} {response.text[:300]}"
    return response.json()


def _requests(op: Operation, org: Org) -> list[Req]:
    """The scenario of `op`; an API key is retrieved once per kind of owner (their fields differ)."""
    if op.id == "retrieve-project-api-key":
        return [Req(_key_params(org, "user")), Req(_key_params(org, "service_account"))]
    return [SCENARIOS[op.id](org)]


def session(
    plain: str, rehearsed: str, version: ContractVersion, turns: Callable[[str], int]
) -> Iterator[tuple[str, Any, Any]]:
    """Every operation in a sensible order, each request sent alike to both servers (ids discovered
    on the plain one, so both hold the same org throughout); yields (operation, plain, rehearsed)."""
    order = sorted(version.operations.values(), key=lambda op: (_phase(op.id, op.method), op.id))
    with _client(plain) as p, _client(rehearsed) as r:
        for op in order:
            for req in _requests(op, Org(p)):
                for _ in range(turns(op.id)):
                    yield op.id, _send(p, op, req), _send(r, op, req)


def failures(model: type[BaseModel], op_id: str, body: Any) -> Failures:
    """Where the SDK's own loading path refuses `body` (and, asserted equal, pydantic's strict mode)."""
    found: list[Failures] = []
    sdk_load = lambda: validate_type(type_=model, value=body)  # noqa: E731
    strict_load = lambda: model.model_validate(body, strict=True)  # noqa: E731
    for load in (sdk_load, strict_load):
        try:
            load()
        except ValidationError as exc:
            found.append({(op_id, error_path(e["loc"], body)) for e in exc.errors()})
        else:
            found.append(set())
    assert found[0] == found[1], (op_id, found)
    return found[0]


@pytest.fixture(scope="module")
def versions() -> tuple[ContractVersion, ContractVersion]:
    store = ContractStore()
    return store.load(OLD), store.load(NEW)


def test_the_old_sdk_fails_exactly_where_the_diff_says_readers_of_the_old_version_break(
    serve_app: Serve, versions: tuple[ContractVersion, ContractVersion]
) -> None:
    old, new = versions
    plan = plan_rehearsal(new, old)
    plain, rehearsed = serve_app(create_app(new)), serve_app(create_app(new, rehearse=plan))

    def turns(op_id: str) -> int:  # enough responses for every alternative to show
        return turns_needed(plan, op_id)

    old_models = {op_id: response_model(old, op_id, openai.BaseModel) for op_id in old.operations}
    mapping, name = load_mapping("openai")
    sdk = {op_id: resolve(op_id, entry, name).target for op_id, entry in mapping.operations.items()}
    checker = ResponseValidator(new)
    old_sdk_plain: Failures = set()
    old_sdk_rehearsed: Failures = set()
    new_sdk_plain: Failures = set()
    new_sdk_rehearsed: Failures = set()
    for op_id, plain_body, rehearsed_body in session(plain, rehearsed, new, turns):
        assert checker.validate(op_id, 200, rehearsed_body).valid, op_id  # never invalid in NEW
        old_sdk_plain |= failures(old_models[op_id], op_id, plain_body)
        old_sdk_rehearsed |= failures(old_models[op_id], op_id, rehearsed_body)
        new_sdk_plain |= failures(sdk[op_id], op_id, plain_body)
        new_sdk_rehearsed |= failures(sdk[op_id], op_id, rehearsed_body)

    changes = reader_breaking(old, new)
    want = expected(changes, old)
    assert old_sdk_rehearsed == want
    # Plain 2026-05-02 breaks the old SDK only where every response of it must: a required field
    # renamed or removed, an enum value no longer sent. The rest needs the rehearsal to show.
    assert old_sdk_plain == expected([c for c in changes if c.kind in ALWAYS], old)
    assert old_sdk_plain < old_sdk_rehearsed
    # The pinned SDK is a client of 2026-05-02: rehearsed responses are valid there, and cost it nothing.
    assert new_sdk_rehearsed == new_sdk_plain
    # The seed pair, stated: where the diff says readers of 2026-04-30 break, felt by its SDK.
    assert want == {(op, path) for op, paths in WANT.items() for path in paths}
    # And what it cannot feel (module docstring): fields left out that 2026-04-30 let be null.
    unfelt = Counter(c.kind.value for c in changes if not felt_by_sdk(c, old))
    assert unfelt == {"became-optional": 57, "field-removed": 10}


def test_the_old_sdk_loads_every_response_of_the_old_version(
    serve_app: Serve, versions: tuple[ContractVersion, ContractVersion]
) -> None:
    """The models of 2026-04-30 are sound: plain 2026-04-30 never fails them (nor does the rehearsal
    of a version by itself, which has nothing to alter)."""
    old, _ = versions
    plain, itself = serve_app(create_app(old)), serve_app(create_app(old, rehearse=old))
    models = {op_id: response_model(old, op_id, openai.BaseModel) for op_id in old.operations}
    found: Failures = set()
    for op_id, plain_body, same_body in session(plain, itself, old, lambda _: 1):
        assert same_body == plain_body
        found |= failures(models[op_id], op_id, plain_body)
    assert found == set()
