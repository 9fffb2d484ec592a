"""The simulator over real HTTP: every operation of both versions validates strictly against its own
version, versions and mixes answer as documented, pagination, errors, faults, latency, request log."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import httpx
import pytest

from apidrift.apis.openai_admin import USAGE_OPERATIONS
from apidrift.apis.openai_admin.simulator.state import DAY, NOW
from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractStore
from apidrift.simulator import FaultPlan

VERSIONS = ("2026-04-30", "2026-05-02")
START = str(NOW - 7 * DAY)


class Org:
    """Path parameters and body values discovered by listing through the API (never from the state)."""

    def __init__(self, client: httpx.Client) -> None:
        self.c = client

    def items(self, path: str, **query: Any) -> list[dict[str, Any]]:
        response = self.c.get(path, params=query)
        assert response.status_code == 200, response.text
        data: list[dict[str, Any]] = response.json()["data"]
        return data

    @cached_property
    def project(self) -> str:
        return next(
            p["id"] for p in self.items("/organization/projects") if p["name"].startswith("Production")
        )

    @cached_property
    def users(self) -> list[str]:
        return [u["id"] for u in self.items("/organization/users", limit=100)]

    @cached_property
    def members(self) -> list[str]:
        return [u["id"] for u in self.items(f"/organization/projects/{self.project}/users", limit=100)]

    @cached_property
    def group(self) -> str:
        return next(g["id"] for g in self.items("/organization/groups") if not g["is_scim_managed"])

    def org_role(self, custom: bool = False) -> str:
        roles = self.items("/organization/roles")
        return next(r["id"] for r in roles if not custom or not r["predefined_role"])

    def project_role(self, custom: bool = False) -> str:
        roles = self.items(f"/projects/{self.project}/roles")
        if custom:
            return next(r["id"] for r in roles if not r["predefined_role"])
        return next(r["id"] for r in roles if r["name"] == "member")

    @cached_property
    def project_group(self) -> str:
        return self.items(f"/organization/projects/{self.project}/groups")[0]["group_id"]


@dataclass
class Req:
    """What a scenario sends: path parameters, query and JSON body (method and path are the contract's)."""

    params: dict[str, str] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    json: Any = None


def _key_params(o: Org, owner: str | None = None) -> dict[str, str]:
    keys = o.items(f"/organization/projects/{o.project}/api_keys", limit=100)
    key = next(k for k in keys if owner is None or k["owner"]["type"] == owner)
    return {"project_id": o.project, "api_key_id": key["id"], "key_id": key["id"]}


def _first(o: Org, path: str, key: str = "id", **query: Any) -> str:
    value: str = o.items(path, **query)[0][key]
    return value


P = "/organization/projects/{}"
SCENARIOS: dict[str, Callable[[Org], Req]] = {
    # admin API keys, audit logs
    "admin-api-keys-list": lambda o: Req(query={"limit": 2}),
    "admin-api-keys-create": lambda o: Req(json={"name": "e2e admin key"}),
    "admin-api-keys-get": lambda o: Req({"key_id": _first(o, "/organization/admin_api_keys")}),
    "admin-api-keys-delete": lambda o: Req({"key_id": _first(o, "/organization/admin_api_keys")}),
    "list-audit-logs": lambda o: Req(query={"limit": 5}),
    # usage and costs
    **{op: (lambda o: Req(query={"start_time": START, "limit": 3})) for op in USAGE_OPERATIONS},
    # groups, group users, group roles
    "list-groups": lambda o: Req(),
    "create-group": lambda o: Req(json={"name": "e2e group"}),
    "update-group": lambda o: Req({"group_id": o.group}, json={"name": "renamed"}),
    "delete-group": lambda o: Req({"group_id": o.group}),
    "list-group-role-assignments": lambda o: Req({"group_id": o.group}),
    "assign-group-role": lambda o: Req({"group_id": o.group}, json={"role_id": o.org_role()}),
    "unassign-group-role": lambda o: Req(
        {"group_id": o.group, "role_id": _first(o, f"/organization/groups/{o.group}/roles")}
    ),
    "list-group-users": lambda o: Req({"group_id": o.group}),
    "add-group-user": lambda o: Req(
        {"group_id": o.group},
        json={
            "user_id": next(
                u
                for u in o.users
                if u not in {g["id"] for g in o.items(f"/organization/groups/{o.group}/users")}
            )
        },
    ),
    "remove-group-user": lambda o: Req(
        {"group_id": o.group, "user_id": _first(o, f"/organization/groups/{o.group}/users")}
    ),
    # invites
    "list-invites": lambda o: Req(),
    "inviteUser": lambda o: Req(
        json={
            "email": "new.person@example.com",
            "role": "reader",
            "projects": [{"id": o.project, "role": "member"}],
        }
    ),
    "retrieve-invite": lambda o: Req({"invite_id": _first(o, "/organization/invites")}),
    "delete-invite": lambda o: Req({"invite_id": _first(o, "/organization/invites")}),
    # projects
    "list-projects": lambda o: Req(query={"include_archived": "true"}),
    "create-project": lambda o: Req(json={"name": "e2e project"}),
    "retrieve-project": lambda o: Req({"project_id": o.project}),
    "modify-project": lambda o: Req({"project_id": o.project}, json={"name": "Production (renamed)"}),
    "archive-project": lambda o: Req({"project_id": o.project}),
    "list-project-api-keys": lambda o: Req({"project_id": o.project}),
    "retrieve-project-api-key": lambda o: Req(_key_params(o)),
    "delete-project-api-key": lambda o: Req(_key_params(o, "user")),
    "listProjectCertificates": lambda o: Req({"project_id": o.project}),
    **{
        op: (
            lambda o: Req(
                {"project_id": o.project},
                json={
                    "certificate_ids": [c["id"] for c in o.items((P + "/certificates").format(o.project))[:2]]
                },
            )
        )
        for op in ("activateProjectCertificates", "deactivateProjectCertificates")
    },
    "list-project-groups": lambda o: Req({"project_id": o.project}),
    "add-project-group": lambda o: Req(
        {"project_id": o.project},
        json={
            "group_id": next(
                g["id"]
                for g in o.items("/organization/groups")
                if g["id"] not in {x["group_id"] for x in o.items((P + "/groups").format(o.project))}
            ),
            "role": o.project_role(),
        },
    ),
    "remove-project-group": lambda o: Req({"project_id": o.project, "group_id": o.project_group}),
    "list-project-rate-limits": lambda o: Req({"project_id": o.project}),
    "update-project-rate-limits": lambda o: Req(
        {"project_id": o.project, "rate_limit_id": _first(o, (P + "/rate_limits").format(o.project))},
        json={"max_requests_per_1_minute": 42},
    ),
    "list-project-service-accounts": lambda o: Req({"project_id": o.project}),
    "create-project-service-account": lambda o: Req({"project_id": o.project}, json={"name": "e2e bot"}),
    "retrieve-project-service-account": lambda o: Req(
        {
            "project_id": o.project,
            "service_account_id": _first(o, (P + "/service_accounts").format(o.project)),
        }
    ),
    "delete-project-service-account": lambda o: Req(
        {
            "project_id": o.project,
            "service_account_id": _first(o, (P + "/service_accounts").format(o.project)),
        }
    ),
    "list-project-users": lambda o: Req({"project_id": o.project}),
    "create-project-user": lambda o: Req(
        {"project_id": o.project},
        json={"user_id": next(u for u in o.users if u not in o.members), "role": "member"},
    ),
    "retrieve-project-user": lambda o: Req({"project_id": o.project, "user_id": o.members[0]}),
    "modify-project-user": lambda o: Req(
        {"project_id": o.project, "user_id": o.members[1]}, json={"role": "owner"}
    ),
    "delete-project-user": lambda o: Req({"project_id": o.project, "user_id": o.members[-1]}),
    # organization roles
    "list-roles": lambda o: Req(),
    "create-role": lambda o: Req(
        json={
            "role_name": "e2e role",
            "permissions": ["api.usage.read"],
            "description": "made by the e2e test",
        }
    ),
    "update-role": lambda o: Req({"role_id": o.org_role(custom=True)}, json={"description": "updated"}),
    "delete-role": lambda o: Req({"role_id": o.org_role(custom=True)}),
    # users and their roles
    "list-users": lambda o: Req(),
    "retrieve-user": lambda o: Req({"user_id": o.users[0]}),
    "modify-user": lambda o: Req({"user_id": o.users[2]}, json={"role": "owner"}),
    "delete-user": lambda o: Req({"user_id": o.users[-1]}),
    "list-user-role-assignments": lambda o: Req({"user_id": o.users[0]}),
    "assign-user-role": lambda o: Req({"user_id": o.users[1]}, json={"role_id": o.org_role(custom=True)}),
    "unassign-user-role": lambda o: Req(
        {"user_id": o.users[0], "role_id": _first(o, f"/organization/users/{o.users[0]}/roles")}
    ),
    # project roles and role assignments (/projects/...)
    "list-project-roles": lambda o: Req({"project_id": o.project}),
    "create-project-role": lambda o: Req(
        {"project_id": o.project}, json={"role_name": "e2e project role", "permissions": ["api.project.read"]}
    ),
    "update-project-role": lambda o: Req(
        {"project_id": o.project, "role_id": o.project_role(custom=True)}, json={"role_name": "renamed role"}
    ),
    "delete-project-role": lambda o: Req({"project_id": o.project, "role_id": o.project_role(custom=True)}),
    "list-project-user-role-assignments": lambda o: Req({"project_id": o.project, "user_id": o.members[0]}),
    "assign-project-user-role": lambda o: Req(
        {"project_id": o.project, "user_id": o.members[0]}, json={"role_id": o.project_role(custom=True)}
    ),
    "unassign-project-user-role": lambda o: Req(
        {
            "project_id": o.project,
            "user_id": o.members[0],
            "role_id": _first(o, f"/projects/{o.project}/users/{o.members[0]}/roles"),
        }
    ),
    "list-project-group-role-assignments": lambda o: Req(
        {"project_id": o.project, "group_id": o.project_group}
    ),
    "assign-project-group-role": lambda o: Req(
        {"project_id": o.project, "group_id": o.project_group}, json={"role_id": o.project_role(custom=True)}
    ),
    "unassign-project-group-role": lambda o: Req(
        {
            "project_id": o.project,
            "group_id": o.project_group,
            "role_id": _first(o, f"/projects/{o.project}/groups/{o.project_group}/roles"),
        }
    ),
}


StartSimulator = Callable[..., Any]


def _request(c: httpx.Client, store: ContractStore, label: str, op_id: str) -> httpx.Response:
    """Run one operation's scenario: discover ids by listing, then call it on the version's own path."""
    op = store.load(label).operation(op_id)
    req = SCENARIOS[op_id](Org(c))
    path = op.path
    for name in (p.name for p in op.path_params):
        path = path.replace("{" + name + "}", req.params[name])
    return c.request(op.method, path, params=req.query, json=req.json)


def _problems(validator: ResponseValidator, op_id: str, response: httpx.Response) -> list[str]:
    if response.status_code != 200:
        return [f"status {response.status_code}: {response.text[:300]}"]
    result = validator.validate(op_id, 200, response.json(), strict=True)
    return [v.describe() for v in result.violations] + [u.describe() for u in result.undocumented]


def _phase(op_id: str, method: str) -> int:
    """A sensible order for one session: reads, creates, updates, unassignments, deletes, archive."""
    if method == "GET":
        return 0
    if op_id == "archive-project":
        return 5
    if method == "POST":
        return 1 if op_id.startswith(("create", "add", "invite", "admin-api-keys-create")) else 2
    return 3 if op_id.startswith(("unassign", "remove")) else 4


def test_scenarios_cover_every_operation_of_every_version(store: ContractStore) -> None:
    for label in VERSIONS:
        assert set(SCENARIOS) == set(store.load(label).operations)
    assert len(SCENARIOS) == 74


@pytest.mark.parametrize("op_id", sorted(SCENARIOS))
@pytest.mark.parametrize("label", VERSIONS)
def test_operation_answers_valid_for_its_version(
    label: str,
    op_id: str,
    start_simulator: StartSimulator,
    store: ContractStore,
    validators: dict[str, ResponseValidator],
) -> None:
    sim = start_simulator(label)
    with sim.client() as c:
        response = _request(c, store, label, op_id)
    assert _problems(validators[label], op_id, response) == []


@pytest.mark.parametrize("label", VERSIONS)
def test_all_74_operations_in_one_session_in_a_sensible_order(
    label: str,
    start_simulator: StartSimulator,
    store: ContractStore,
    validators: dict[str, ResponseValidator],
) -> None:
    version = store.load(label)
    order = sorted(version.operations.values(), key=lambda op: (_phase(op.id, op.method), op.id))
    sim = start_simulator(label)
    failures: dict[str, list[str]] = {}
    with sim.client() as c:
        for op in order:
            problems = _problems(validators[label], op.id, _request(c, store, label, op.id))
            if problems:
                failures[op.id] = problems
    assert failures == {}
    served = {(r.method, r.status) for r in sim.simulator.requests}
    assert served <= {("GET", 200), ("POST", 200), ("DELETE", 200)}


# --- versions and mixes --------------------------------------------------------------------


def _usage_bucket(c: httpx.Client) -> dict[str, Any]:
    response = c.get("/organization/usage/completions", params={"start_time": START})
    assert response.status_code == 200, response.text
    bucket: dict[str, Any] = response.json()["data"][0]
    return bucket


def test_each_version_names_fields_its_own_way(start_simulator: StartSimulator) -> None:
    old, new = start_simulator("2026-04-30"), start_simulator("2026-05-02")
    with old.client() as c:
        invite = c.get("/organization/invites").json()["data"][0]
        assert "invited_at" in invite and "created_at" not in invite
        assert "result" in _usage_bucket(c) and "results" not in _usage_bucket(c)
        keys = c.get(f"/organization/projects/{Org(c).project}/api_keys").json()["data"]
        user = next(k["owner"]["user"] for k in keys if k["owner"]["type"] == "user")
        assert (
            "added_at" in user and "created_at" not in user and user["object"] == "organization.project.user"
        )
        assert all("group_type" not in g for g in c.get("/organization/groups").json()["data"])
        missing = c.get(f"/organization/projects/{Org(c).project}/api_keys/key_nope").json()["error"]
        assert missing["param"] == "key_id"
    with new.client() as c:
        invite = c.get("/organization/invites").json()["data"][0]
        assert "created_at" in invite and "invited_at" not in invite
        assert "results" in _usage_bucket(c) and "result" not in _usage_bucket(c)
        groups = c.get("/organization/groups").json()["data"]
        assert all("group_type" in g for g in groups)
        keys = c.get(f"/organization/projects/{Org(c).project}/api_keys").json()["data"]
        user = next(k["owner"]["user"] for k in keys if k["owner"]["type"] == "user")
        assert "created_at" in user and "added_at" not in user and "object" not in user
        missing = c.get(f"/organization/projects/{Org(c).project}/api_keys/key_nope").json()["error"]
        assert missing["param"] == "api_key_id"


def test_mix_answers_one_family_in_another_version(
    start_simulator: StartSimulator, validators: dict[str, ResponseValidator]
) -> None:
    sim = start_simulator("2026-04-30", mix={"usage": "2026-05-02"})
    with sim.client() as c:
        usage = c.get("/organization/costs", params={"start_time": START}).json()
        invites = c.get("/organization/invites").json()
        costs_bucket = usage["data"][0]
        assert "results" in costs_bucket and "result" not in costs_bucket
        assert "invited_at" in invites["data"][0]
        assert validators["2026-05-02"].validate("usage-costs", 200, usage, strict=True).exact
        assert validators["2026-04-30"].validate("list-invites", 200, invites, strict=True).exact
        assert not validators["2026-04-30"].validate("usage-costs", 200, usage).valid
    with sim.control() as ctl:
        assert ctl.get("/info").json()["mix"] == {"usage": "2026-05-02"}


# --- pagination ----------------------------------------------------------------------------


def _lists(o: Org) -> list[tuple[str, dict[str, Any], str, str]]:
    """(path, query, envelope style, cursor key) of every cursor-paged list worth walking."""
    p = f"/organization/projects/{o.project}"
    return [
        ("/organization/projects", {"include_archived": "true"}, "first_last", "id"),
        ("/organization/users", {}, "first_last", "id"),
        ("/organization/invites", {}, "first_last", "id"),
        ("/organization/admin_api_keys", {}, "first_last", "id"),
        ("/organization/audit_logs", {}, "first_last", "id"),
        ("/organization/groups", {}, "next", "id"),
        (f"/organization/groups/{o.group}/users", {}, "next", "id"),
        ("/organization/roles", {}, "next", "id"),
        (f"{p}/users", {}, "first_last", "id"),
        (f"{p}/api_keys", {}, "first_last", "id"),
        (f"{p}/rate_limits", {}, "first_last", "id"),
        (f"{p}/service_accounts", {}, "first_last", "id"),
        (f"{p}/certificates", {}, "first_last", "id"),
        (f"{p}/groups", {}, "next", "group_id"),
        (f"/projects/{o.project}/roles", {}, "next", "id"),
    ]


@pytest.mark.parametrize("label", VERSIONS)
def test_limit_2_walks_every_list_seeing_each_item_once(label: str, start_simulator: StartSimulator) -> None:
    sim = start_simulator(label)
    with sim.client() as c:
        org = Org(c)
        for path, query, style, key in _lists(org):
            everything = [item[key] for item in org.items(path, **query, limit=100)]
            seen: list[str] = []
            pages, cursor = 0, None
            while True:
                page = c.get(
                    path, params={**query, "limit": 2, **({"after": cursor} if cursor else {})}
                ).json()
                pages += 1
                seen += [item[key] for item in page["data"]]
                assert len(page["data"]) <= 2
                if not page["has_more"]:
                    break
                cursor = page["next"] if style == "next" else page["last_id"]
                assert cursor == page["data"][-1][key]
            assert seen == everything, path
            assert len(set(seen)) == len(seen)
            assert pages >= 2, f"{path} has a single page with limit=2"


def test_usage_pages_walk_every_bucket_once(start_simulator: StartSimulator) -> None:
    sim = start_simulator("2026-05-02")
    with sim.client() as c:
        starts: list[int] = []
        query: dict[str, Any] = {"start_time": START, "limit": 2, "group_by": ["project_id"]}
        while True:
            page = c.get("/organization/usage/embeddings", params=query).json()
            starts += [b["start_time"] for b in page["data"]]
            if not page["has_more"]:
                assert page["next_page"] is None
                break
            query["page"] = page["next_page"]
    assert starts == list(range(int(START), NOW, DAY))


# --- documented errors ---------------------------------------------------------------------


def _assert_error(validator: ResponseValidator, response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    # Every error body is the documented ErrorResponse (modify-project documents it as its 400).
    assert validator.validate("modify-project", 400, body, strict=True).exact, body
    return body["error"]


@pytest.mark.parametrize("label", VERSIONS)
def test_documented_errors(
    label: str, start_simulator: StartSimulator, validators: dict[str, ResponseValidator]
) -> None:
    sim = start_simulator(label)
    v = validators[label]
    with sim.client(auth=False) as anon:
        _assert_error(v, anon.get("/organization/projects"), 401)
        _assert_error(v, anon.get("/organization/projects", headers={"Authorization": "Bearer"}), 401)
        leaked = anon.get("/organization/projects", headers={"Authorization": "Basic sk-do-not-echo-me"})
        _assert_error(v, leaked, 401)
        assert "sk-do-not-echo-me" not in leaked.text
    with sim.client() as c:
        _assert_error(v, c.get("/organization/nothing-here"), 404)
        _assert_error(v, c.put("/organization/projects"), 404)
        missing = _assert_error(v, c.get("/organization/projects/proj_nope"), 404)
        assert missing["param"] == "project_id" and "proj_nope" in missing["message"]
        _assert_error(v, c.delete("/organization/invites/invite-nope"), 404)
        archived = next(
            p["id"]
            for p in Org(c).items("/organization/projects", include_archived="true")
            if p["status"] == "archived"
        )
        for path, body in (
            ("service_accounts", {"name": "bot"}),
            ("users", {"user_id": Org(c).users[-1], "role": "member"}),
        ):
            error = _assert_error(v, c.post(f"/organization/projects/{archived}/{path}", json=body), 400)
            assert error["code"] == "project_archived"
        bad_type = _assert_error(v, c.post("/organization/groups", json={"name": 5}), 400)
        assert bad_type["param"] == "name"
        no_email = _assert_error(v, c.post("/organization/invites", json={"role": "reader"}), 400)
        assert no_email["param"] == "email"
        _assert_error(
            v,
            c.post(
                "/organization/groups", content=b"{not json", headers={"content-type": "application/json"}
            ),
            400,
        )
        no_start = _assert_error(v, c.get("/organization/usage/images"), 400)
        assert no_start["param"] == "start_time"
        inverted = {"start_time": START, "end_time": str(int(START) - DAY)}
        backwards = _assert_error(v, c.get("/organization/usage/images", params=inverted), 400)
        assert backwards["param"] == "end_time"
        assert _key_not_in_log(sim)


def _key_not_in_log(sim: Any) -> bool:
    return sim.api_key not in json.dumps([vars(r) for r in sim.simulator.requests])


# --- faults and latency --------------------------------------------------------------------


def _outcome(c: httpx.Client) -> tuple[str, httpx.Response | None]:
    try:
        response = c.get("/organization/projects")
    except httpx.TransportError:
        return "drop", None
    try:
        json.loads(response.content)
    except ValueError:
        kind = "html" if response.status_code == 502 else "malformed"
        return kind, response
    return {429: "429", 500: "500", 200: "none"}[response.status_code], response


def test_faults_are_seeded_and_look_as_specified(start_simulator: StartSimulator) -> None:
    plan = FaultPlan.parse("429=0.2,500=0.15,malformed=0.15,html=0.15,drop=0.15", seed=7)
    expected = [plan.decide(n) for n in range(1, 41)]
    assert {f.kind for f in expected if f} == {"429", "500", "malformed", "html", "drop"}
    sim = start_simulator("2026-05-02", faults=plan)
    with sim.client() as c:
        for n, fault in enumerate(expected, start=1):
            kind, response = _outcome(c)
            assert kind == (fault.kind if fault else "none"), f"request {n}"
            if response is None:
                continue
            if kind == "429":
                assert response.headers["retry-after"] in {"0", "1"}
                assert response.json()["error"]["code"] == "rate_limit_exceeded"
            elif kind == "500":
                assert response.json()["error"]["type"] == "server_error"
            elif kind == "html":
                assert response.headers["content-type"].startswith("text/html")
                assert "<html" in response.text
            elif kind == "malformed":
                assert response.status_code == 200
                assert response.headers["content-type"] == "application/json"
                assert response.text.startswith('{"object":"list"')
    logged = [r.fault for r in sim.simulator.requests]
    assert logged == [f.kind if f else None for f in expected]


def test_faults_never_touch_the_request_log_endpoints(start_simulator: StartSimulator) -> None:
    sim = start_simulator("2026-05-02", faults=FaultPlan.parse("500=1"))
    with sim.client() as c, sim.control() as ctl:
        assert c.get("/organization/projects").status_code == 500
        for _ in range(5):
            assert ctl.get("/requests").status_code == 200
        assert ctl.post("/reset").status_code == 200


def test_timeout_fault_stalls_past_the_client_timeout(start_simulator: StartSimulator) -> None:
    sim = start_simulator("2026-05-02", faults=FaultPlan.parse("timeout=1", timeout_s=0.5))
    with sim.client(timeout=0.1) as impatient, pytest.raises(httpx.TimeoutException):
        impatient.get("/organization/projects")
    with sim.client(timeout=5) as patient:
        started = time.monotonic()
        assert patient.get("/organization/projects").status_code == 200
        assert time.monotonic() - started >= 0.45


def test_latency_is_added_to_every_response(start_simulator: StartSimulator) -> None:
    sim = start_simulator("2026-05-02", latency_ms=150)
    with sim.client() as c:
        for path in ("/organization/projects", "/organization/nothing-here"):
            started = time.monotonic()
            c.get(path)
            assert time.monotonic() - started >= 0.14


# --- request log and reset -----------------------------------------------------------------


def test_request_log_records_method_path_query_status_only(start_simulator: StartSimulator) -> None:
    sim = start_simulator("2026-04-30")
    with sim.client() as c, sim.control() as ctl:
        c.get("/organization/projects", params={"limit": 2})
        c.post("/organization/groups", json={"name": "logged"})
        c.get("/organization/nothing-here")
        log = ctl.get("/requests").json()["data"]
    assert log == [
        {
            "method": "GET",
            "path": "/v1/organization/projects",
            "query": "limit=2",
            "status": 200,
            "fault": None,
        },
        {"method": "POST", "path": "/v1/organization/groups", "query": "", "status": 200, "fault": None},
        {"method": "GET", "path": "/v1/organization/nothing-here", "query": "", "status": 404, "fault": None},
    ]
    assert [r.method for r in sim.simulator.requests] == ["GET", "POST", "GET"]
    assert _key_not_in_log(sim)


def test_a_read_only_session_sends_no_write(start_simulator: StartSimulator, store: ContractStore) -> None:
    sim = start_simulator("2026-05-02")
    with sim.client() as c:
        for op in store.load("2026-05-02").operations.values():
            if op.method == "GET":
                _request(c, store, "2026-05-02", op.id)
    with sim.control() as ctl:
        log = ctl.get("/requests").json()["data"]
    assert log and {entry["method"] for entry in log} == {"GET"}


def test_reset_restores_the_seed_state(start_simulator: StartSimulator) -> None:
    sim = start_simulator("2026-05-02", seed=3)
    with sim.client() as c, sim.control() as ctl:
        before = c.get("/organization/projects", params={"limit": 100}).json()["data"]
        created = c.post("/organization/projects", json={"name": "temporary"}).json()
        c.delete(f"/organization/invites/{Org(c).items('/organization/invites')[0]['id']}")
        assert len(c.get("/organization/projects", params={"limit": 100}).json()["data"]) == len(before) + 1
        assert ctl.post("/reset").json() == {"reset": True, "seed": 3}
        assert ctl.get("/requests").json()["data"] == []
        assert c.get("/organization/projects", params={"limit": 100}).json()["data"] == before
        assert c.get(f"/organization/projects/{created['id']}").status_code == 404
