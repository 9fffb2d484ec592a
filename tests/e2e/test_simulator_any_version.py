"""The simulator answers as any version of any API: both seed versions (the OpenAI overlay), a version
imported from each shared OpenAI document (the generic engine, whole Admin scope) and the petstore
example (no Python of its own). A live check of each reaches every GET and every response validates;
what is created can be read back; usage answers for the window asked. Each test runs its own server."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractStore, bundled_root
from apidrift.live.check import LiveCheckOptions, LiveCheckResult, run_live_check
from apidrift.live.events import CallPurpose, SkipReason
from apidrift.simulator import FaultPlan, create_app
from cli_support import run_cli
from conftest import ServeApp

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "petstore" / "contracts"
SHARED_LABELS = ("2025-04-29", "2026-05-13")
# The only reason a live read sweep leaves an operation out: it writes, and writes are off.
DOCUMENTED_SKIPS = {SkipReason.WRITES_DISABLED}


@dataclass(frozen=True)
class Target:
    """One version of one API to simulate: where its contracts are, and how its key is sent."""

    root: Path
    api: str
    label: str
    headers: dict[str, str]

    def store(self) -> ContractStore:
        return ContractStore(self.root, api=self.api)


def openai_key() -> str:
    return "-".join(("sk", "admin", "REDACTED"))


def petstore_key() -> str:
    return "pk_test_" + "REDACTED" * 2


@pytest.fixture(scope="module")
def imported(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Both shared OpenAI documents imported with `apidrift import-openapi` (the profile's whole Admin
    scope) into one contracts root; their examples go to `recordings/` beside it."""
    folder = tmp_path_factory.mktemp("imported")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("APIDRIFT_CACHE_DIR", str(folder / "cache"))
        for label in SHARED_LABELS:
            spec = shared / "openapi" / f"openai-openapi-{label}.yaml"
            done = run_cli(
                "import-openapi", str(spec), "--api", "openai-admin", "--version", label, cwd=folder
            )
            assert done.returncode == 0, done.stderr
        yield folder / "contracts"


def target(name: str, imported_root: Path | None) -> Target:
    bearer = {"Authorization": f"Bearer {openai_key()}"}
    if name.startswith("seed-"):
        return Target(bundled_root(), "openai-admin", name.removeprefix("seed-"), bearer)
    if name.startswith("shared-"):
        assert imported_root is not None
        return Target(imported_root, "openai-admin", name.removeprefix("shared-"), bearer)
    return Target(EXAMPLES, "petstore", name.removeprefix("petstore-"), {"x-api-key": petstore_key()})


TARGETS = [
    "seed-2026-04-30",
    "seed-2026-05-02",
    *(f"shared-{label}" for label in SHARED_LABELS),
    "petstore-2025-01-15",
    "petstore-2025-07-01",
]


@pytest.fixture(params=TARGETS)
def case(request: pytest.FixtureRequest, shared: Path) -> Target:
    imported_root = request.getfixturevalue("imported") if request.param.startswith("shared-") else None
    return target(request.param, imported_root)


def start(serve_app: ServeApp, t: Target, **kwargs: Any) -> tuple[str, Any]:
    """The app served, and its API's base URL: the origin and the path the simulator says it serves."""
    app = create_app(t.label, store=t.store(), **kwargs)
    return serve_app(app) + app.state.simulator.base_path, app


def live(t: Target, base_url: str, tmp_path: Path) -> LiveCheckResult:
    options = LiveCheckOptions(base_url=base_url, against=t.label, record_dir=tmp_path / "rec")
    key = openai_key() if t.api == "openai-admin" else petstore_key()
    return run_live_check(t.store(), options, key)


def test_a_live_check_reaches_every_get_and_every_response_validates(
    case: Target, serve_app: ServeApp, tmp_path: Path
) -> None:
    base_url, app = start(serve_app, case)
    result = live(case, base_url, tmp_path)
    version = case.store().load(case.label)
    gets = {op.id for op in version.operations.values() if op.method == "GET"}
    read = {c.operation for c in result.sweep.calls if c.purpose is CallPurpose.READ}
    assert read == gets
    assert {(s.operation, s.reason) for s in result.skipped if s.reason not in DOCUMENTED_SKIPS} == set()
    assert {s.operation for s in result.skipped} == set(version.operations) - gets
    assert result.transport_findings == []
    assert result.run.failures == [], [(r.operation, r.result.violations) for r in result.run.failures]
    assert result.exit_code == 0
    assert result.run.checked == len(gets)
    assert app.state.simulator.engine.unsatisfiable == {}


def _usage_ops(t: Target) -> list[str]:
    version = t.store().load(t.label)
    return sorted(
        op.path
        for op in version.operations.values()
        if op.method == "GET" and {"start_time", "bucket_width"} <= {p.name for p in op.query_params}
    )


@pytest.mark.parametrize(
    "name", ["seed-2026-04-30", "seed-2026-05-02", *(f"shared-{x}" for x in SHARED_LABELS)]
)
def test_usage_answers_with_results_for_the_recent_window_asked(
    name: str, request: pytest.FixtureRequest, serve_app: ServeApp
) -> None:
    t = target(name, request.getfixturevalue("imported") if name.startswith("shared-") else None)
    base_url, app = start(serve_app, t)
    validator = ResponseValidator(t.store().load(t.label))
    now = int(time.time())
    start_time, end_time = now - 3 * 86_400, now
    paths = _usage_ops(t)
    assert len(paths) >= 9
    with httpx.Client(base_url=base_url, headers=t.headers, timeout=10) as client:
        for path in paths:
            query = {"start_time": start_time, "end_time": end_time, "bucket_width": "1d", "limit": 7}
            answer = client.get(path, params=query)
            assert answer.status_code == 200, (path, answer.text)
            body = answer.json()
            op = app.state.simulator.match("GET", app.state.simulator.base_path + path)[0].op
            assert validator.is_valid(op.id, 200, body), path
            buckets = body["data"]
            assert [b["start_time"] for b in buckets] == list(
                range(start_time - start_time % 86_400, end_time, 86_400)
            )
            results = "results" if "results" in buckets[0] else "result"
            assert all(b[results] for b in buckets), path


def _json(answer: httpx.Response) -> Any:
    assert answer.status_code < 300, answer.text
    return answer.json()


def test_petstore_create_then_read_update_delete_and_documented_errors(serve_app: ServeApp) -> None:
    t = target("petstore-2025-07-01", None)
    base_url, _ = start(serve_app, t)
    validator = ResponseValidator(t.store().load(t.label))
    with httpx.Client(base_url=base_url, headers=t.headers, timeout=10) as c:
        made = c.post(
            "/pets", json={"pet_name": "Fido", "species": "dog", "owner_id": "own_42", "tag": "new"}
        )
        assert made.status_code == 201  # the status the version documents for a create
        pet = made.json()
        assert {k: pet[k] for k in ("pet_name", "species", "owner_id", "tag")} == {
            "pet_name": "Fido",
            "species": "dog",
            "owner_id": "own_42",
            "tag": "new",
        }
        assert pet["id"].startswith("pet_")  # the id style of the documented examples (`pet_01`)
        assert _json(c.get(f"/pets/{pet['id']}")) == pet
        listed = _json(c.get("/pets", params={"limit": 100}))["data"]
        assert pet in listed
        changed = _json(c.patch(f"/pets/{pet['id']}", json={"pet_name": "Rex II"}))
        assert changed == {**pet, "pet_name": "Rex II"}
        assert _json(c.get(f"/pets/{pet['id']}")) == changed
        assert _json(c.delete(f"/pets/{pet['id']}")) == {
            "id": pet["id"],
            "object": "pet.deleted",
            "deleted": True,
        }
        gone = c.get(f"/pets/{pet['id']}")
        assert gone.status_code == 404 and validator.is_valid("get-pet", 404, gone.json())
        refused = c.post("/pets", json={"pet_name": "", "species": "fish"})
        assert refused.status_code == 400 and validator.is_valid("create-pet", 400, refused.json())
        assert c.get("/pets/nope/toys").status_code == 404  # an unknown parent is unknown too


def test_petstore_lists_page_by_the_documented_cursor(serve_app: ServeApp) -> None:
    t = target("petstore-2025-07-01", None)
    base_url, _ = start(serve_app, t)
    with httpx.Client(base_url=base_url, headers=t.headers, timeout=10) as c:
        for n in range(4):
            _json(c.post("/pets", json={"pet_name": f"p{n}", "species": "cat", "owner_id": "own_1"}))
        everything = [p["id"] for p in _json(c.get("/pets", params={"limit": 100}))["data"]]
        walked, after = [], None
        while True:
            page = _json(c.get("/pets", params={"limit": 2, **({"after": after} if after else {})}))
            walked += [p["id"] for p in page["data"]]
            if not page["has_more"]:
                break
            after = page["data"][-1]["id"]
        assert walked == everything and len(everything) == 7


@pytest.mark.parametrize("name", ["shared-2026-05-13", "shared-2025-04-29"])
def test_imported_openai_create_then_read_returns_what_was_created(
    name: str, imported: Path, serve_app: ServeApp
) -> None:
    t = target(name, imported)
    base_url, app = start(serve_app, t)
    assert "create-project" in app.state.simulator.engine.models[t.label].resources.roles
    with httpx.Client(base_url=base_url, headers=t.headers, timeout=10) as c:
        project = _json(c.post("/organization/projects", json={"name": "made by a test"}))
        assert project["name"] == "made by a test" and project["id"].startswith("proj_")
        assert _json(c.get(f"/organization/projects/{project['id']}")) == project
        listed = _json(c.get("/organization/projects", params={"limit": 100}))["data"]
        assert project["id"] in [p["id"] for p in listed]
        renamed = _json(c.post(f"/organization/projects/{project['id']}", json={"name": "renamed"}))
        assert renamed["name"] == "renamed"
        assert _json(c.get(f"/organization/projects/{project['id']}"))["name"] == "renamed"
        users = f"/organization/projects/{project['id']}/service_accounts"
        account = _json(c.post(users, json={"name": "robot"}))
        read = _json(c.get(f"{users}/{account['id']}"))
        assert read["name"] == "robot" and read["id"] == account["id"]
        missing = c.get("/organization/projects/proj_nope")
        assert missing.status_code == 404 and missing.json()["error"]["message"]
        # The OpenAI overlay's effect, applied by the generic engine: archiving stamps the project.
        archived = _json(c.post(f"/organization/projects/{project['id']}/archive"))
        assert archived["status"] == "archived" and isinstance(archived["archived_at"], int)
        assert _json(c.get(f"/organization/projects/{project['id']}")) == archived
        # What the create answer documents and the item does not (a key's value) is shown once.
        key = _json(c.post("/organization/admin_api_keys", json={"name": "a key"}))
        again = _json(c.get(f"/organization/admin_api_keys/{key['id']}"))
        assert "value" not in again and again["name"] == "a key"
        assert {k: v for k, v in key.items() if k != "value"} == again


@pytest.mark.parametrize("label", ["2026-04-30", "2026-05-02"])
def test_seed_versions_create_then_read_returns_what_was_created(label: str, serve_app: ServeApp) -> None:
    t = target(f"seed-{label}", None)
    base_url, _ = start(serve_app, t)
    with httpx.Client(base_url=base_url, headers=t.headers, timeout=10) as c:
        project = _json(c.post("/organization/projects", json={"name": "made by a test"}))
        assert _json(c.get(f"/organization/projects/{project['id']}")) == project
        group = _json(c.post("/organization/groups", json={"name": "a group"}))
        listed = _json(c.get("/organization/groups", params={"limit": 100}))["data"]
        assert group in listed


def test_faults_latency_and_a_mix_work_on_generic_versions(imported: Path, serve_app: ServeApp) -> None:
    t = target("petstore-2025-01-15", None)
    base_url, _ = start(serve_app, t, faults=FaultPlan.parse("429=1.0"), latency_ms=30)
    with httpx.Client(base_url=base_url, headers=t.headers, timeout=10) as c:
        began = time.monotonic()
        assert c.get("/pets").status_code == 429
        assert time.monotonic() - began >= 0.03
    # Two imported versions in one contracts root: the usage family answers as the older one, the
    # rest as the newer, both generically.
    store = ContractStore(imported, api="openai-admin")
    app = create_app("2026-05-13", store=store, mix={"usage": "2025-04-29"})
    routes = {r.op.id: r for r in app.state.simulator.routes}
    assert routes["usage-costs"].version.version == "2025-04-29"
    assert routes["list-projects"].version.version == "2026-05-13"
    url = serve_app(app) + app.state.simulator.base_path
    now = int(time.time())
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {openai_key()}"}) as c:
        costs = _json(c.get("/organization/costs", params={"start_time": now - 86_400}))
        assert costs["data"] and "result" in costs["data"][0]  # 2025-04-29 says `result`
        usage = _json(c.get("/organization/usage/completions", params={"start_time": now - 86_400}))
        assert "result" in usage["data"][0]


def test_serve_refuses_nothing_an_imported_version_documents(imported: Path) -> None:
    """`serve --version` with an imported version builds (it used to say it cannot answer as it)."""
    done = run_cli("serve", "--help")
    assert done.returncode == 0
    store = ContractStore(imported, api="openai-admin")
    for label in SHARED_LABELS:
        app = create_app(label, store=store)
        generic = [r.op.id for r in app.state.simulator.routes if app.state.simulator.handler_for(r) is None]
        assert sorted(generic) == sorted(store.load(label).operations)


def test_check_live_on_the_command_line_against_the_simulated_petstore(
    serve_app: ServeApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`apidrift check --live` as a person runs it, against `serve`'s app for a petstore version."""
    t = target("petstore-2025-01-15", None)
    base_url, _ = start(serve_app, t)
    monkeypatch.setenv("PETSTORE_API_KEY", petstore_key())
    done = run_cli(
        "check",
        "--live",
        "--api",
        "petstore",
        "--contracts",
        str(EXAMPLES),
        "--base-url",
        base_url,
        "--against",
        t.label,
        "--no-reports",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for op in ("list-pets", "get-pet", "list-pet-toys"):
        assert op in done.stdout
