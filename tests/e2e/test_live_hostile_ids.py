"""Ids are data, never path syntax: a server whose lists and creates return ids such as `..`, `a/b`
or `?x` sees them only as one encoded segment, in reads and in sandbox writes. Asserted on the raw
request lines a socket server on 127.0.0.1 logged, before any normalisation."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from apidrift.contracts.model import ContractStore, ContractVersion
from apidrift.live.client import Exchange, LiveClient, RetryPolicy
from apidrift.live.sweep import CallPurpose, Sweep, SweepOptions
from apidrift.live.transport import encode_segment, template_pattern
from hostile_server import HostileServer, RawRequest, Responder, hostile_server, response

VERSION = "2026-05-02"
KEY = "sk-admin-REDACTED"
SANDBOX, SANDBOX_ID = "apidrift-sandbox", "proj_sandbox"
HOSTILE_IDS = ["..", ".", "a/b", "%2F", "?x", "#y", "../../../organization"]


def hostile_org(ident: str, *, sandbox: bool) -> Responder:
    """Every list holds one item whose id is `ident`, every create answers with it; with `sandbox`,
    the project list holds only the sandbox project (found by name, its id an ordinary one)."""
    item = {"id": ident, "name": "x", "object": "x", "status": "active", "max_requests_per_1_minute": 10}

    def answer(request: RawRequest, _: int) -> bytes:
        if sandbox and request.method == "GET" and request.path == "/v1/organization/projects":
            project = {"id": SANDBOX_ID, "name": SANDBOX, "status": "active"}
            return response(200, {"object": "list", "data": [project], "has_more": False})
        if request.method == "GET":
            return response(200, {"object": "list", "data": [item], "has_more": False})
        return response(200, item)

    return answer


def sweep(server: HostileServer, version: ContractVersion, options: SweepOptions) -> Sweep:
    client = LiveClient(
        KEY,
        base_url=server.base_url + "/v1",
        read_only=not options.allow_writes,
        retry=RetryPolicy(max_attempts=1),
    )
    runner = Sweep(client, version, options, run_id="hostile")

    async def go() -> None:
        async with client:
            await runner.run()

    asyncio.run(go())
    return runner


def instance_of(version: ContractVersion, request: RawRequest, allowed: set[str]) -> str | None:
    """The operation `request` is an instance of, with every path parameter one of `allowed`."""
    path = request.path.removeprefix("/v1")
    for op in version.operations.values():
        match = template_pattern(op.path).fullmatch(path)
        if op.method == request.method and match and set(match.groups()) <= allowed:
            return op.id
    return None


@pytest.fixture(scope="module")
def version(store: ContractStore) -> ContractVersion:
    return store.load(VERSION)


@pytest.mark.parametrize("ident", HOSTILE_IDS)
def test_a_read_sweep_requests_hostile_ids_only_as_encoded_segments(
    ident: str, version: ContractVersion
) -> None:
    options = SweepOptions(now=lambda: datetime(2026, 5, 20, tzinfo=UTC))
    with hostile_server(hostile_org(ident, sandbox=False)) as server:
        runner = sweep(server, version, options)
    encoded = encode_segment(ident)
    for request in server.requests:
        assert instance_of(version, request, {encoded}) is not None, request.target
        assert not {".", ".."} & set(request.path.split("/")), request.target
    with_id = [r for r in server.requests if f"/{encoded}" in r.path]
    # The project's own page and its sub-collections were read, with the id as one segment.
    assert f"/v1/organization/projects/{encoded}" in {r.path for r in with_id}
    assert len(with_id) >= 5
    assert "/v1/organization" not in {r.path for r in server.requests}
    # What the sweep records is the same encoded path the server saw.
    read_paths = {c.outcome.path for c in runner.result.calls if isinstance(c.outcome, Exchange)}
    assert f"/organization/projects/{encoded}" in read_paths


@pytest.mark.parametrize("ident", HOSTILE_IDS)
def test_a_write_run_uses_hostile_created_ids_only_as_encoded_segments(
    ident: str, version: ContractVersion, tmp_path: Path
) -> None:
    options = SweepOptions(
        allow_writes=True,
        sandbox_project=SANDBOX,
        ledger_path=tmp_path / "ledger.jsonl",
        now=lambda: datetime(2026, 5, 20, tzinfo=UTC),
    )
    with hostile_server(hostile_org(ident, sandbox=True)) as server:
        runner = sweep(server, version, options)
    encoded = encode_segment(ident)
    writes = [r for r in server.requests if r.method != "GET"]
    ops = [instance_of(version, r, {encoded, SANDBOX_ID}) for r in writes]
    assert None not in ops, [r.target for r in writes]
    # Each created resource was used and deleted by its (encoded) id; the sandbox was never deleted.
    deletes = [r.path for r in writes if r.method == "DELETE"]
    assert deletes and all(path.endswith(f"/{encoded}") for path in deletes)
    # The only writes to the sandbox project itself are its rename and its restore.
    on_sandbox = [r for r in writes if r.path == f"/v1/organization/projects/{SANDBOX_ID}"]
    assert [set(json.loads(r.body)) for r in on_sandbox] == [{"name"}, {"name"}]
    rate_limit = [r for r in writes if "/rate_limits/" in r.path]
    assert [r.path.rsplit("/", 1)[1] for r in rate_limit] == [encoded, encoded]
    assert any(c.purpose is CallPurpose.RESTORE for c in runner.result.calls)
