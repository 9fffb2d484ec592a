"""`apidrift fuzz` over real HTTP (127.0.0.1): bugs planted in test-only variants of the simulator
(wrappers of its app, here only) are found and shrunk to the smallest request that triggers them; a
clean simulator passes, and the coverage lists every operation of the version."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from apidrift.contracts.model import ContractStore
from apidrift.fuzz import FoundBug, FuzzOptions, run_fuzz
from apidrift.fuzz.engine import READ_ONLY_GAP
from apidrift.fuzz.reporting import build_fuzz_report, write_cases
from apidrift.fuzz.target import served
from apidrift.simulator import create_app
from cli_support import run_cli

REPO = Path(__file__).resolve().parents[2]
PETSTORE = REPO / "examples" / "petstore" / "contracts"
VERSION = "2026-05-02"
CREATE = ("POST", "/v1/organization/projects")
Rewrite = Callable[[Any], tuple[int, bytes] | Any]


def _planted(app: ASGIApp, rewrite: Rewrite) -> ASGIApp:
    """The simulator, except that `rewrite(body)` sees every `POST /organization/projects` body first:
    it answers (a `(status, bytes)` pair) or gives the body the simulator then gets."""

    async def variant(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (scope["method"], scope["path"]) != CREATE:
            await app(scope, receive, send)
            return
        chunks, message = [], await receive()
        chunks.append(message.get("body", b""))
        while message.get("more_body"):
            message = await receive()
            chunks.append(message.get("body", b""))
        raw = b"".join(chunks)
        answer = rewrite(json.loads(raw) if raw.strip() else None)
        if isinstance(answer, tuple):
            status, text = answer
            await send(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [(b"content-type", b"text/plain")],
                }
            )
            await send({"type": "http.response.body", "body": text})
            return
        forwarded = json.dumps(answer).encode() if answer is not None else b""

        async def replay() -> Message:
            return {"type": "http.request", "body": forwarded, "more_body": False}

        await app(scope, replay, send)

    return variant


def _crashes_on_long_names(body: Any) -> tuple[int, bytes] | Any:
    """A 500 for a valid body whose name has three characters or more."""
    if isinstance(body, dict) and isinstance(body.get("name"), str) and len(body["name"]) >= 3:
        return (500, b"Internal Server Error")
    return body


def _accepts_unnamed(body: Any) -> Any:
    """A body without the required `name` is accepted (the variant names the project itself)."""
    if isinstance(body, dict) and "name" not in body:
        return {**body, "name": "named by the variant"}
    return body


def _fuzz(store: ContractStore, rewrite: Rewrite | None, **options: Any) -> Any:
    app = create_app(VERSION, store=store)
    settings = FuzzOptions(against=VERSION, operations=("create-project",), seed=3, **options)
    return run_fuzz(store, settings, app=_planted(app, rewrite) if rewrite else app)


def _only(bugs: list[FoundBug], kind: str, *, valid: bool) -> FoundBug:
    found = [b for b in bugs if b.failure.kind == kind and not b.chain and b.case.valid is valid]
    assert len(found) == 1, [(b.failure, b.case.describe()) for b in bugs]
    return found[0]


def test_a_5xx_on_a_valid_body_is_found_and_shrunk_to_the_smallest_body(store: ContractStore) -> None:
    result = _fuzz(store, _crashes_on_long_names, max_examples=60, stateful=False)
    bug = _only(result.bugs, "server-error", valid=True)
    assert bug.failure.status == 500
    # The smallest body that triggers it: only the required field, at the shortest length that crashes.
    assert set(bug.case.body) == {"name"} and len(bug.case.body["name"]) == 3, bug.case.describe()
    assert bug.case.query == {} and bug.case.mutation is None
    assert result.exit_code == 1
    # The same variant without the planted condition is clean: the bug is what the run found.
    assert _fuzz(store, None, max_examples=20, stateful=False).exit_code == 0


def test_an_accepted_invalid_body_is_found_and_shrunk_to_the_missing_field(store: ContractStore) -> None:
    result = _fuzz(store, _accepts_unnamed, max_examples=60, stateful=False)
    bug = _only(result.bugs, "invalid-request-accepted", valid=False)
    assert not bug.case.valid and bug.case.keyword == "required"
    assert bug.case.body == {}, bug.case.describe()  # nothing but the missing field is left
    assert bug.case.mutation == "body.name left out"
    assert bug.failure.status == 200


def test_the_report_names_each_shrunk_example_and_how_to_replay_it(
    store: ContractStore, tmp_path: Path
) -> None:
    result = _fuzz(store, _crashes_on_long_names, max_examples=40, stateful=False)
    report = build_fuzz_report(result)
    written = write_cases(report, result, tmp_path)
    finding = next(f for f in report.findings if f.kind == "server-error" and f.location == "valid request")
    assert finding.severity.value == "breaking" and finding.operation == "create-project"
    replay = next(line for line in finding.evidence if line.startswith("replay: "))
    case_file = Path(replay.split(" --replay ")[1])
    assert case_file in written
    shrunk = json.loads(case_file.read_text())["body"]
    assert set(shrunk) == {"name"} and len(shrunk["name"]) == 3
    assert report.coverage is not None
    assert [o.operation for o in report.coverage.operations] == ["create-project"]
    assert report.coverage.operations[0].statuses == [200, 400, 500]


def test_a_stateful_chain_passes_the_created_id_along(store: ContractStore) -> None:
    """Create a project, then read it by the id the create answered: on a variant whose create answers
    an id that names nothing, the chain says the created project could not be read back."""
    app = create_app(VERSION, store=store)

    async def forgetful(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (scope["method"], scope["path"]) != CREATE:
            await app(scope, receive, send)
            return
        held: list[Message] = []

        async def hold(message: Message) -> None:
            held.append(message)

        await app(scope, receive, hold)
        start, body = held[0], b"".join(m.get("body", b"") for m in held[1:])
        answer = json.loads(body)
        if isinstance(answer, dict) and "id" in answer:
            answer["id"] = "proj_forgotten"
        text = json.dumps(answer).encode()
        headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
        await send({**start, "headers": [*headers, (b"content-length", str(len(text)).encode())]})
        await send({"type": "http.response.body", "body": text})

    settings = FuzzOptions(
        against=VERSION, operations=("create-project", "retrieve-project"), seed=1, max_examples=5
    )
    result = run_fuzz(store, settings, app=forgetful)
    chain_bugs = [b for b in result.bugs if b.chain]
    assert len(chain_bugs) == 1, [(b.failure, b.case.describe()) for b in result.bugs]
    bug = chain_bugs[0]
    assert (
        bug.failure.kind == "chain-broken"
        and "'proj_forgotten' could not be read back" in bug.failure.message
    )
    assert [c.operation for c in bug.chain] == ["create-project"]
    assert bug.case.operation == "retrieve-project" and bug.case.path_params == {
        "project_id": "proj_forgotten"
    }
    assert result.chains == 1
    clean = run_fuzz(store, settings, app=create_app(VERSION, store=store))
    assert clean.chains == 1
    assert clean.exit_code == 0, [
        (b.failure, b.case.describe(), [c.describe() for c in b.chain]) for b in clean.bugs
    ]


def test_a_clean_simulator_passes_and_the_coverage_lists_every_operation(
    tmp_path: Path, store: ContractStore
) -> None:
    result = run_cli(
        "fuzz", "--against", VERSION, "--max-examples", "2", "--seed", "1", "--reports", str(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    listed = [o["operation"] for o in report["coverage"]["operations"]]
    assert sorted(listed) == sorted(store.load(VERSION).operations)
    assert all(o["requests"] > 0 for o in report["coverage"]["operations"]), [
        (o["operation"], o["gaps"]) for o in report["coverage"]["operations"] if not o["requests"]
    ]
    markdown = (tmp_path / "report.md").read_text()
    assert "Coverage (74 operations)" in markdown
    assert all(f"`{op}`" in markdown for op in listed)
    assert "coverage: 74 of 74 operations exercised" in result.stdout


def test_the_petstore_example_passes_and_every_operation_is_listed(tmp_path: Path) -> None:
    """The generic simulator serves petstore from its contract alone: every operation is exercised, and
    the only findings are the example's own documentation gaps (a refusal with a 4xx it does not list)."""
    result = run_cli(
        "fuzz",
        "--api",
        "petstore",
        "--contracts",
        str(PETSTORE),
        "--max-examples",
        "3",
        "--reports",
        str(tmp_path),
    )
    report = json.loads((tmp_path / "report.json").read_text())
    operations = report["coverage"]["operations"]
    expected = sorted(ContractStore(PETSTORE, "petstore").load("2025-07-01").operations)
    assert sorted(o["operation"] for o in operations) == expected
    assert all(o["requests"] > 0 and not o["gaps"] for o in operations), operations
    findings = [f for f in report["findings"] if f["severity"] != "info"]
    assert result.returncode == (1 if findings else 0), result.stdout + result.stderr
    for f in findings:  # e.g. PATCH /pets/{pet_id} documents 200 and 404, and answers 400 to a bad body
        assert (
            f["kind"] == "undocumented-status" and "to an invalid request is not documented" in f["message"]
        )


def test_the_same_seed_makes_the_same_run(store: ContractStore) -> None:
    runs = [_fuzz(store, _crashes_on_long_names, max_examples=30, stateful=False) for _ in range(2)]
    assert [b.case for b in runs[0].bugs] == [b.case for b in runs[1].bugs]
    assert runs[0].tallies["create-project"].requests == runs[1].tallies["create-project"].requests


@pytest.mark.parametrize("fail_on", ["breaking", "info"])
def test_replay_sends_the_example_again(tmp_path: Path, fail_on: str) -> None:
    case = {
        "format": "apidrift.fuzz-case/1",
        "api": "openai-admin",
        "version": VERSION,
        "operation": "create-project",
        "method": "POST",
        "path": "/organization/projects",
        "path_params": {},
        "query": {},
        "body": {},
        "mutation": "body.name left out",
        "keyword": "required",
    }
    file = tmp_path / "case.json"
    file.write_text(json.dumps(case))
    result = run_cli("fuzz", "--replay", str(file), "--fail-on", fail_on)
    assert result.returncode == 0, result.stdout + result.stderr  # the clean simulator refuses it
    assert "answered 400: passes now" in result.stdout
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({**case, "format": "nope"}))
    bad = run_cli("fuzz", "--replay", str(broken))
    assert bad.returncode == 2 and bad.stderr.startswith(f"error: {broken}#/format: ")


def test_against_a_base_url_the_run_is_read_only(
    store: ContractStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A live API (here a simulator this test serves) is only read: writes are coverage gaps, and the
    server's own request log holds nothing but GETs."""
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "-".join(("sk", "admin", "REDACTED")))
    with served(create_app(VERSION, store=store)) as base_url:
        result = run_cli(
            "fuzz", "--base-url", base_url, "--operation", "*project*", "--max-examples", "3",
            "--reports", str(tmp_path),
        )  # fmt: skip
        log = httpx.get(base_url.removesuffix("/v1") + "/__apidrift__/requests").json()["data"]
    assert result.returncode == 0, result.stdout + result.stderr
    assert log and {entry["method"] for entry in log} == {"GET"}
    coverage = json.loads((tmp_path / "report.json").read_text())["coverage"]["operations"]
    writes = [o for o in coverage if o["method"] != "GET"]
    assert writes and all(o["requests"] == 0 and o["gaps"] == [READ_ONLY_GAP] for o in writes)
    assert all(o["requests"] > 0 for o in coverage if o["method"] == "GET")


def test_a_write_run_stays_in_its_sandbox_and_takes_back_what_it_made(
    store: ContractStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--allow-writes --sandbox project_id=ID` against a base URL: every write goes below that project,
    each thing created is ledgered and deleted again, and the ledger ends empty."""
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "-".join(("sk", "admin", "REDACTED")))
    ledger = tmp_path / "ledger.jsonl"
    with served(create_app(VERSION, store=store)) as base_url:
        headers = {"Authorization": "Bearer placeholder"}
        projects = httpx.get(f"{base_url}/organization/projects", headers=headers).json()["data"]
        sandbox = projects[0]["id"]
        below = f"{base_url}/organization/projects/{sandbox}"

        def members() -> dict[str, list[str]]:
            return {
                kind: sorted(
                    i.get("id") or i["group_id"]
                    for i in httpx.get(f"{below}/{kind}", headers=headers).json()["data"]
                )
                for kind in ("service_accounts", "users", "groups")
            }

        before = members()
        result = run_cli(
            "fuzz", "--base-url", base_url, "--allow-writes", "--sandbox", f"project_id={sandbox}",
            "--ledger", str(ledger), "--operation", "*project*", "--max-examples", "4",
            "--reports", str(tmp_path),
        )  # fmt: skip
        log = httpx.get(base_url.removesuffix("/v1") + "/__apidrift__/requests").json()["data"]
        after = members()
    assert result.returncode == 0, result.stdout + result.stderr
    writes = [entry for entry in log if entry["method"] != "GET"]
    assert writes, "the run wrote nothing"
    assert all(
        entry["path"].startswith((f"/v1/organization/projects/{sandbox}/", f"/v1/projects/{sandbox}/"))
        for entry in writes
    ), writes
    created = [e for e in writes if e["method"] == "POST" and e["status"] == 200]
    assert created and any(e["method"] == "DELETE" for e in writes)
    assert after == before  # everything made was deleted again
    assert not ledger.exists() or ledger.read_text() == ""
    report = json.loads((tmp_path / "report.json").read_text())
    gaps = {o["operation"]: o["gaps"] for o in report["coverage"]["operations"]}
    assert gaps["archive-project"] and gaps["modify-project"]  # the sandbox itself is never written
    assert gaps["create-project"]  # nor anything outside it


def test_writes_against_a_base_url_need_a_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "-".join(("sk", "admin", "REDACTED")))
    result = run_cli("fuzz", "--base-url", "http://127.0.0.1:9/v1", "--allow-writes")
    assert result.returncode == 2 and "--allow-writes needs --sandbox PARAM=ID" in result.stderr
    result = run_cli("fuzz", "--base-url", "http://127.0.0.1:9/v1", "--allow-writes", "--sandbox", "nope=1")
    assert result.returncode == 2 and "no path of 2026-05-02 has a {nope} parameter" in result.stderr


def test_the_deadline_bounds_the_run_and_what_it_did_not_reach_is_a_gap(tmp_path: Path) -> None:
    result = run_cli("fuzz", "--deadline", "1", "--max-examples", "50", "--reports", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    operations = json.loads((tmp_path / "report.json").read_text())["coverage"]["operations"]
    late = [o for o in operations if "not reached: the run's deadline passed" in o["gaps"]]
    assert len(operations) == 74 and len(late) > 37, [o["operation"] for o in operations if o["requests"]]


def test_report_md_lists_each_shrunk_example_and_its_replay(store: ContractStore, tmp_path: Path) -> None:
    from apidrift.report import write_reports

    result = _fuzz(store, _accepts_unnamed, max_examples=40, stateful=False)
    report = build_fuzz_report(result)
    write_cases(report, result, tmp_path)
    write_reports(report, tmp_path)
    markdown = (tmp_path / "report.md").read_text()
    assert "## Failing examples (shrunk)" in markdown
    assert "`invalid-request-accepted` in `create-project`" in markdown
    assert "replay: apidrift fuzz --replay " in markdown and "(body.name left out)" in markdown


def test_fail_on_gates_as_for_other_commands(tmp_path: Path) -> None:
    """Refusals of valid requests are info notes: they pass by default and fail under `--fail-on info`."""
    args = ("fuzz", "--operation", "list-users", "--max-examples", "10", "--no-reports")
    assert run_cli(*args).returncode == 0
    strict = run_cli(*args, "--fail-on", "info")
    assert strict.returncode == 1, strict.stdout
    assert "info findings" in strict.stdout


def test_replaying_a_chain_passes_the_id_the_create_answers_now(store: ContractStore, tmp_path: Path) -> None:
    from apidrift.fuzz.model import Case
    from apidrift.fuzz.replay import replay

    create = Case("create-project", "POST", "/organization/projects", body={"name": "again"})
    read = Case("retrieve-project", "GET", "/organization/projects/{project_id}", {"project_id": "proj_then"})
    document = read.to_json(api="openai-admin", version=VERSION)
    document["before"] = [create.to_json(api="openai-admin", version=VERSION)]
    file = tmp_path / "chain.json"
    file.write_text(json.dumps(document))
    replayed = replay(store, file, FuzzOptions())
    assert replayed.steps == 2 and replayed.status == 200 and replayed.exit_code == 0
    assert replayed.case.path_params["project_id"].startswith("proj_")
    assert replayed.case.path_params["project_id"] != "proj_then"


def test_a_write_run_deletes_what_a_killed_run_left_and_only_that(
    store: ContractStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A service account a killed run ledgered is deleted by the next run on that sandbox; one whose
    entry was changed by hand (its token no longer verifies) is left alone, and stays in the ledger."""
    from apidrift.live.ledger import Ledger
    from apidrift.live.redaction import safe_base_url

    monkeypatch.setenv("OPENAI_ADMIN_KEY", "-".join(("sk", "admin", "REDACTED")))
    ledger_path = tmp_path / "ledger.jsonl"
    with served(create_app(VERSION, store=store)) as base_url:
        headers = {"Authorization": "Bearer placeholder"}
        sandbox = httpx.get(f"{base_url}/organization/projects", headers=headers).json()["data"][0]["id"]
        accounts = f"{base_url}/organization/projects/{sandbox}/service_accounts"
        left, forged = (httpx.post(accounts, headers=headers, json={"name": n}).json()["id"] for n in "ab")
        ledger = Ledger(ledger_path)
        fields = {
            "run_id": "killed",
            "kind": "fuzz:create-project-service-account",
            "base_url": safe_base_url(base_url),
            "api": "openai-admin",
            "sandbox": f"project_id={sandbox}",
            "params": {"project_id": sandbox},
        }
        ledger.add(**fields, resource_id=left)
        ledger.add(**fields, resource_id=forged)
        first, second = ledger_path.read_text().splitlines()
        # The second entry's token no longer matches: as if it had been written or edited by hand.
        ledger_path.write_text(first + "\n" + json.dumps({**json.loads(second), "token": "0" * 64}) + "\n")
        result = run_cli(
            "fuzz", "--base-url", base_url, "--allow-writes", "--sandbox", f"project_id={sandbox}",
            "--ledger", str(ledger_path), "--operation", "list-project-service-accounts", "--no-reports",
        )  # fmt: skip
        remaining = {a["id"] for a in httpx.get(accounts, headers=headers).json()["data"]}
    assert result.returncode == 0, result.stdout + result.stderr
    assert left not in remaining and forged in remaining
    assert [e.resource_id for e in Ledger(ledger_path).entries()] == [forged]


def test_fuzz_takes_the_path_tag_and_format_flags_every_command_shares(tmp_path: Path) -> None:
    args = ("fuzz", "--path", "/organization/invites", "--max-examples", "2", "--no-stateful")
    result = run_cli(*args, "--format", "json", "--format", "junit", "--reports", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["junit.xml", "report.json"]
    fuzzed = {
        o["operation"] for o in json.loads((tmp_path / "report.json").read_text())["coverage"]["operations"]
    }
    assert fuzzed == {"list-invites", "inviteUser", "retrieve-invite", "delete-invite"}

    tagged = run_cli("fuzz", "--tag", "no-such-tag", "--no-reports")
    assert tagged.returncode == 2 and "--tag no-such-tag selects no operation of 2026-05-02" in tagged.stderr


def test_cleanup_takes_back_what_a_killed_fuzz_write_run_left_and_refuses_a_forged_entry(
    store: ContractStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fuzz write run killed after its creates were ledgered (by the run's own sandbox code) and before
    its deletes: `apidrift cleanup --ledger` sends the delete each entry names, so the sandbox is as it
    was; an entry whose token no longer verifies (its undo pointed elsewhere by hand) is refused and
    stays, and the exit is 1."""
    from apidrift.fuzz.sandbox import Sandbox, sandbox_chains
    from apidrift.live.ledger import Ledger
    from apidrift.live.redaction import safe_base_url

    monkeypatch.setenv("OPENAI_ADMIN_KEY", "-".join(("sk", "admin", "REDACTED")))
    ledger_path = tmp_path / "ledger.jsonl"
    version = store.load(VERSION)
    with served(create_app(VERSION, store=store)) as base_url:
        headers = {"Authorization": "Bearer placeholder"}
        sandbox_id = httpx.get(f"{base_url}/organization/projects", headers=headers).json()["data"][0]["id"]
        accounts = f"{base_url}/organization/projects/{sandbox_id}/service_accounts"

        def members() -> set[str]:
            return {a["id"] for a in httpx.get(accounts, headers=headers).json()["data"]}

        before = members()
        sandbox = Sandbox(
            "project_id", sandbox_id, Ledger(ledger_path), "openai-admin", safe_base_url(base_url)
        )
        sandbox.chains = sandbox_chains(version, "project_id")
        chain = sandbox.chains["create-project-service-account"]
        made = [httpx.post(accounts, headers=headers, json={"name": n}).json()["id"] for n in "abc"]
        for resource_id in made:  # as the run does on each create's answer; then it is killed
            sandbox.created(chain, {"project_id": sandbox_id}, resource_id)
        *kept, last = ledger_path.read_text().splitlines()
        forged = json.loads(last)
        forged["undo"]["path"] = "/organization/projects/{project_id}"  # would archive the sandbox itself
        forged["undo"]["id_param"] = "project_id"
        ledger_path.write_text("\n".join([*kept, json.dumps(forged)]) + "\n")
        dry = run_cli("cleanup", "--ledger", str(ledger_path), "--base-url", base_url, "--dry-run")
        assert members() == before | set(made)  # a dry run changes nothing
        done = run_cli("cleanup", "--ledger", str(ledger_path), "--base-url", base_url)
        after = members()
        sandbox_alive = httpx.get(f"{base_url}/organization/projects/{sandbox_id}", headers=headers).json()
    assert "would DELETE" in dry.stdout, dry.stdout + dry.stderr
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 ledger entries were refused" in done.stderr
    assert after == before | {made[2]}  # the two verified entries undone; the forged one left alone
    assert sandbox_alive.get("status") != "archived"
    assert [e.resource_id for e in Ledger(ledger_path).entries()] == [made[2]]
