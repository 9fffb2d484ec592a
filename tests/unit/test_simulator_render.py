"""Rendering a 2026-05-02 body for each version, without HTTP: value-level change sets, bookkeeping keys."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apidrift.apis.openai_admin.simulator import HANDLERS, OVERLAY
from apidrift.apis.openai_admin.simulator.render import ADAPTATIONS, render
from apidrift.apis.openai_admin.simulator.seed import seeded_org
from apidrift.apis.openai_admin.simulator.state import NOW
from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractStore
from apidrift.simulator import SimulatorError
from apidrift.simulator.core import Call, parse_query
from apidrift.simulator.engine import Engine

OLD, NEW = "2026-04-30", "2026-05-02"


def test_adapters_are_kept_only_for_operations_a_handler_answers() -> None:
    # The engine answers the rest and renames from the diff; an adapter for it would never run.
    assert set(ADAPTATIONS[OLD]) <= set(HANDLERS)


def test_invite_created_at_becomes_invited_at_in_place() -> None:
    invite = {"object": "organization.invite", "id": "invite-1", "created_at": 5, "email": "a@example.com"}
    old = render("inviteUser", OLD, invite)
    assert list(old) == ["object", "id", "invited_at", "email"] and old["invited_at"] == 5


def test_group_users_carry_bookkeeping_values_only_where_documented() -> None:
    body = {
        "object": "list",
        "data": [{"id": "u", "name": "N", "email": "e", "_role": "owner", "_added_at": 9}],
        "has_more": False,
        "next": None,
    }
    assert render("list-group-users", NEW, body)["data"] == [{"id": "u", "name": "N", "email": "e"}]
    assert render("list-group-users", OLD, body)["data"] == [
        {"id": "u", "name": "N", "email": "e", "object": "organization.user", "role": "owner", "added_at": 9}
    ]


def test_certificate_activation_is_a_list_page_on_2026_04_30() -> None:
    body = {"object": "organization.project.certificate.activation", "data": [{"id": "cert_a"}]}
    old = render("activateProjectCertificates", OLD, body)
    assert old == {
        "object": "list",
        "data": [{"id": "cert_a"}],
        "has_more": False,
        "first_id": "cert_a",
        "last_id": "cert_a",
    }


def test_render_never_mutates_its_input() -> None:
    body = {"data": [{"id": "k", "owner": {"type": "user", "user": {"id": "u", "created_at": 1, "_x": 1}}}]}
    before = copy.deepcopy(body)
    render("list-project-api-keys", OLD, body)
    assert body == before


def test_unknown_version_is_a_readable_error() -> None:
    with pytest.raises(SimulatorError, match="cannot answer as version '1999-01-01'"):
        render("list-projects", "1999-01-01", {})


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=15,
)


@given(json_values)
def test_native_rendering_only_strips_bookkeeping_keys(value: Any) -> None:
    rendered = render("list-projects", NEW, value)

    def keys(v: Any) -> set[str]:
        if isinstance(v, dict):
            return set(v) | {k for item in v.values() for k in keys(item)}
        if isinstance(v, list):
            return {k for item in v for k in keys(item)}
        return set()

    assert not any(k.startswith("_") for k in keys(rendered))
    if not any(k.startswith("_") for k in keys(value)):
        assert rendered == value


@pytest.mark.parametrize("label", [OLD, NEW])
def test_every_read_operation_renders_valid_without_http(store: ContractStore, label: str) -> None:
    """Handlers plus renderer (or, for a read without a handler, the generic engine over the same
    org), called directly: every GET of the version is strictly valid."""
    version = store.load(label)
    engine = Engine([version], 0, lambda: NOW, tables=OVERLAY.tables)
    validator = ResponseValidator(version)
    state = seeded_org(0)
    project = next(p for p in state.projects if state.projects[p]["name"] == "Production")
    group = next(iter(state.project_groups[project]))
    member = next(iter(state.project_users[project]))
    values = {
        "project_id": project,
        "group_id": group,
        "user_id": member,
        "key_id": next(iter(state.admin_keys)),
        "invite_id": next(iter(state.invites)),
        "service_account_id": next(iter(state.service_accounts[project])),
        "role_id": "",
        "rate_limit_id": "",
        "api_key_id": "",
    }
    for op in version.operations.values():
        if op.method != "GET":
            continue
        params = {p.name: values[p.name] for p in op.path_params}
        if op.id == "retrieve-project-api-key":
            params[op.path_params[1].name] = next(iter(state.api_keys[project]))
        raw = {"start_time": [str(NOW - 86_400 * 3)]} if any(p.required for p in op.query_params) else {}
        call = Call(op, version, state, params, parse_query(version, op, raw), {})
        if op.id in HANDLERS:
            body = render(op.id, label, HANDLERS[op.id](call))
        else:
            body = engine.answer(call, shared=True).body
        result = validator.validate(op.id, 200, body, strict=True)
        assert result.exact, (op.id, [v.describe() for v in result.violations], result.undocumented)
