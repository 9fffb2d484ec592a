"""`apidrift cleanup` over real HTTP trusts only what its ledger proves: forged, altered and foreign
entries are refused with nothing changed on the server; `--dry-run` lists the plan and changes
nothing; a symlinked ledger is refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from apidrift.live.ledger import Ledger
from cli_support import run_cli
from conftest import RunningSimulator, StartSimulator

SANDBOX = "apidrift-sandbox"
KEY = "sk-admin-REDACTED"
RUN = "r1"


def org(client: httpx.Client) -> dict[str, Any]:
    """Every project's name, service accounts and rate limits: what a forged entry would touch."""
    state: dict[str, Any] = {}
    for project in client.get("/organization/projects", params={"limit": 100}).json()["data"]:
        pid = project["id"]
        accounts = client.get(f"/organization/projects/{pid}/service_accounts", params={"limit": 100})
        limits = client.get(f"/organization/projects/{pid}/rate_limits", params={"limit": 100})
        state[pid] = {
            "name": project["name"],
            "service_accounts": sorted(a["id"] + a["name"] for a in accounts.json()["data"]),
            "rate_limits": sorted(json.dumps(r, sort_keys=True) for r in limits.json()["data"]),
        }
    return state


@pytest.fixture
def server(start_simulator: StartSimulator, monkeypatch: pytest.MonkeyPatch) -> RunningSimulator:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", KEY)
    return start_simulator("2026-05-02")


def _setup(server: RunningSimulator) -> tuple[str, str, str]:
    """The sandbox project, the org's default project, and a service account someone else made."""
    with server.client() as client:
        sandbox = client.post("/organization/projects", json={"name": SANDBOX}).json()["id"]
        projects = client.get("/organization/projects", params={"limit": 100}).json()["data"]
        default = next(p["id"] for p in projects if p["name"] == "Default Project")
        theirs = client.post(
            f"/organization/projects/{sandbox}/service_accounts", json={"name": "ops-bot"}
        ).json()["id"]
    return sandbox, default, theirs


def _cleanup(server: RunningSimulator, ledger: Path, *extra: str) -> Any:
    return run_cli("cleanup", "--ledger", str(ledger), "--base-url", server.base_url + "/v1", *extra)


def _entry(server: RunningSimulator, **fields: Any) -> dict[str, Any]:
    return {
        "run_id": RUN,
        "base_url": server.base_url + "/v1",
        "api": "openai-admin",
        "sandbox": SANDBOX,
        **fields,
    }


def test_forged_altered_and_foreign_entries_are_refused_and_nothing_changes(
    server: RunningSimulator, tmp_path: Path
) -> None:
    sandbox, default, theirs = _setup(server)
    ledger_path = tmp_path / "ledger.jsonl"
    ledger = Ledger(ledger_path)
    # Altered: a genuine entry whose resource is then pointed at someone else's service account.
    genuine = ledger.add(
        **_entry(
            server,
            kind="service_account",
            params={"project_id": sandbox},
            resource_id="svc_acct_made_by_the_run",
            name=f"apidrift-sweep-{RUN}-service_account",
        )
    )
    text = ledger_path.read_text().replace("svc_acct_made_by_the_run", theirs)
    # Forged: written by hand, no token; it would rename the org's default project.
    forged = {
        **_entry(server, kind="project_name", params={"project_id": default}, original={"name": "pwned"}),
        "entry_id": "f" * 32,
        "recorded_at": genuine.recorded_at,
    }
    ledger_path.write_text(text + json.dumps(forged) + "\n")
    # Foreign: signed, but with another user's key; it would delete the same service account.
    Ledger(ledger_path, key=b"someone else's key").add(
        **_entry(
            server,
            kind="service_account",
            params={"project_id": sandbox},
            resource_id=theirs,
            name=f"apidrift-sweep-{RUN}-service_account",
        )
    )
    # Signed with this user's key, but naming a resource the run did not create (its name differs).
    ledger.add(
        **_entry(
            server,
            kind="service_account",
            params={"project_id": sandbox},
            resource_id=theirs,
            name=f"apidrift-sweep-{RUN}-service_account",
        )
    )
    before_file = ledger_path.read_bytes()
    with server.client() as client:
        before = org(client)
    writes_before = sum(r.method != "GET" for r in server.simulator.requests)

    done = _cleanup(server, ledger_path)

    assert done.returncode == 1, done.stdout + done.stderr
    refused = [line for line in done.stdout.splitlines() if line.startswith("refused")]
    assert len(refused) == 4, done.stdout
    assert sum("token does not match" in line for line in refused) == 2  # altered, foreign
    assert sum("carries no token" in line for line in refused) == 1  # forged
    assert sum("is named 'ops-bot'" in line for line in refused) == 1  # not what the run created
    assert "4 ledger entries were refused" in done.stderr
    assert sum(r.method != "GET" for r in server.simulator.requests) == writes_before
    with server.client() as client:
        assert org(client) == before
    assert ledger_path.read_bytes() == before_file, "refused entries stay, untouched"


def test_dry_run_lists_the_plan_and_changes_nothing_then_cleanup_does_it(
    server: RunningSimulator, tmp_path: Path
) -> None:
    sandbox, _, _ = _setup(server)
    name = f"apidrift-sweep-{RUN}-service_account"
    with server.client() as client:
        pristine = org(client)
        made = client.post(f"/organization/projects/{sandbox}/service_accounts", json={"name": name}).json()
        client.post(f"/organization/projects/{sandbox}", json={"name": f"{SANDBOX} (apidrift-sweep-{RUN})"})
        after_run = org(client)
    ledger_path = tmp_path / "ledger.jsonl"
    ledger = Ledger(ledger_path)
    ledger.add(
        **_entry(
            server,
            kind="service_account",
            params={"project_id": sandbox},
            resource_id=made["id"],
            name=name,
        )
    )
    ledger.add(
        **_entry(server, kind="project_name", params={"project_id": sandbox}, original={"name": SANDBOX})
    )
    before_file = ledger_path.read_bytes()
    writes_before = sum(r.method != "GET" for r in server.simulator.requests)

    dry = _cleanup(server, ledger_path, "--dry-run")

    assert dry.returncode == 0, dry.stdout + dry.stderr
    planned = [line for line in dry.stdout.splitlines() if line.startswith("planned")]
    assert len(planned) == 2
    assert f'would POST /organization/projects/{sandbox} {{"name": "{SANDBOX}"}}' in planned[0]
    assert f"would DELETE /organization/projects/{sandbox}/service_accounts/{made['id']}" in planned[1]
    assert "nothing was changed" in dry.stdout
    assert sum(r.method != "GET" for r in server.simulator.requests) == writes_before
    assert ledger_path.read_bytes() == before_file
    with server.client() as client:
        assert org(client) == after_run

    done = _cleanup(server, ledger_path)
    assert done.returncode == 0, done.stdout + done.stderr
    with server.client() as client:
        assert org(client) == pristine
    assert not ledger_path.exists()


def test_a_dry_run_that_would_refuse_an_entry_exits_non_zero(
    server: RunningSimulator, tmp_path: Path
) -> None:
    sandbox, _, theirs = _setup(server)
    ledger_path = tmp_path / "ledger.jsonl"
    forged = {
        **_entry(server, kind="service_account", params={"project_id": sandbox}, resource_id=theirs),
        "name": f"apidrift-sweep-{RUN}-service_account",
        "entry_id": "f" * 32,
        "recorded_at": "2026-05-02T00:00:00+00:00",
    }
    ledger_path.write_text(json.dumps(forged) + "\n")
    ledger_path.chmod(0o600)
    dry = _cleanup(server, ledger_path, "--dry-run")
    assert dry.returncode == 1 and "refused" in dry.stdout and "carries no token" in dry.stdout


def test_a_symlinked_ledger_is_refused(server: RunningSimulator, tmp_path: Path) -> None:
    sandbox, _, _ = _setup(server)
    real = tmp_path / "elsewhere.jsonl"
    Ledger(real).add(
        **_entry(server, kind="project_name", params={"project_id": sandbox}, original={"name": SANDBOX})
    )
    before = real.read_bytes()
    link = tmp_path / "ledger.jsonl"
    link.symlink_to(real)
    done = _cleanup(server, link)
    assert done.returncode == 2
    assert "is a symlink" in done.stderr
    assert real.read_bytes() == before
    assert all(r.method == "GET" for r in server.simulator.requests[3:])


def test_a_write_run_refuses_to_start_while_another_runs_ledger_is_open(
    server: RunningSimulator, tmp_path: Path
) -> None:
    """The issue's second run: it would have read the first run's change as the original."""
    from apidrift.live.exclusive import SandboxId, claim_sandbox

    sandbox, _, _ = _setup(server)
    first = tmp_path / "first.jsonl"
    base_url = server.base_url + "/v1"
    with claim_sandbox(SandboxId("openai-admin", base_url, SANDBOX), ledger=first, run_id=RUN):
        Ledger(first).add(
            **_entry(server, kind="project_name", params={"project_id": sandbox}, original={"name": SANDBOX})
        )
    requests_before = len(server.simulator.requests)
    second = run_cli(
        "check",
        "--live",
        "--allow-writes",
        "--sandbox-project",
        SANDBOX,
        "--ledger",
        str(tmp_path / "second.jsonl"),
        "--base-url",
        base_url,
    )
    assert second.returncode == 2, second.stdout + second.stderr
    assert f"run `apidrift cleanup --ledger {first.absolute()}` first" in second.stderr
    assert len(server.simulator.requests) == requests_before, "nothing was sent"
    assert not (tmp_path / "second.jsonl").exists()
