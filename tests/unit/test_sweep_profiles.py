"""The sweep of an API that is not OpenAI's: ids from the parent list, from OpenAPI links and from the
profile's `ids` table; inactive items passed over and query values given as the profile says; the key
sent as the profile's auth says."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from apidrift.contracts.model import ContractVersion, Operation, Parameter, ResponseSpec
from apidrift.live.cleanup import CompensationStatus, cleanup
from apidrift.live.client import Exchange, LiveClient
from apidrift.live.ledger import Ledger, UndoStep
from apidrift.live.sweep import (
    CallPurpose,
    SkipReason,
    Sweep,
    SweepConfigError,
    SweepOptions,
    SweepResult,
    plan_reads,
)
from apidrift.profiles.model import ApiProfile

BASE = "http://pets.test/v1"
NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)
KEY = "pet_live_" + "Zq8Secret" * 2  # built at run time: no key-shaped literal in the repo


def get(
    op_id: str, path: str, *, query: tuple[Parameter, ...] = (), links: dict[str, Any] | None = None
) -> Operation:
    path_params = tuple(
        Parameter(n, "path", True, {"type": "string"}) for n in re.findall(r"\{(\w+)\}", path)
    )
    response = ResponseSpec("200", "ok", {"type": ["object", "array"]}, links or {})
    return Operation(op_id, "GET", path, "", path_params + query, None, {"200": response})


def pet_contract() -> ContractVersion:
    """A tiny pet API: a list, its items, a nested list, two reads whose ids only links supply."""
    limit = Parameter("limit", "query", False, {"type": "integer"})
    operations = [
        get(
            "list-pets",
            "/pets",
            query=(limit,),
            links={"firstPet": {"operationId": "get-pet", "parameters": {"pet_id": "$response.body#/0/id"}}},
        ),
        get(
            "get-pet",
            "/pets/{pet_id}",
            links={
                "owner": {"operationId": "get-owner", "parameters": {"owner_id": "$response.body#/owner"}}
            },
        ),
        get(
            "list-pet-toys",
            "/pets/{pet_id}/toys",
            links={
                "toy": {"operationId": "get-toy", "parameters": {"toy_id": "$response.body#/items/0/toy_key"}}
            },
        ),
        get("get-toy", "/toys/{toy_id}"),
        get("get-owner", "/owners/{owner_id}"),
        get("list-featured", "/featured"),
        get("get-vet", "/vets/{vet_id}"),
        get(
            "list-reports",
            "/reports",
            query=(Parameter("format", "query", True, {"type": "string", "enum": ["json", "csv"]}),),
        ),
        get("list-visits", "/visits", query=(Parameter("since", "query", True, {"type": "integer"}),)),
    ]
    return ContractVersion(
        api="pets-test",
        version="v1",
        date=None,
        description="",
        sources=(),
        operations={op.id: op for op in operations},
        schemas={},
    )


PETS = [
    {"id": "pet_sold", "status": "sold", "owner_id": "own_sold"},
    {"id": "pet_2", "status": "available", "owner_id": "own_2", "removed_at": None},
]


@dataclass
class PetServer:
    """The pet API over httpx.MockTransport, noting each request's path, query and headers."""

    seen: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        path = request.url.path.removeprefix("/v1")
        parts = path.strip("/").split("/")
        if path == "/pets":
            return httpx.Response(200, json=PETS)  # a bare array
        if path == "/featured":
            return httpx.Response(200, json={"data": [{"id": "pet_featured", "owner_id": "own_featured"}]})
        if parts[0] == "pets" and len(parts) == 2:
            return httpx.Response(200, json={"id": parts[1], "owner": f"owner_of_{parts[1]}"})
        if parts[0] == "pets" and parts[2:] == ["toys"]:
            return httpx.Response(200, json={"items": [{"toy_key": f"toy_of_{parts[1]}"}]})
        if parts[0] in {"toys", "owners", "vets", "reports", "visits"}:
            return httpx.Response(200, json={"seen": path})
        return httpx.Response(404, json={"error": "no route"})

    def client(self, profile: ApiProfile) -> LiveClient:
        return LiveClient(KEY, base_url=BASE, profile=profile, transport=httpx.MockTransport(self))


def sweep(profile: ApiProfile, server: PetServer | None = None) -> SweepResult:
    server = server or PetServer()
    runner = Sweep(server.client(profile), pet_contract(), SweepOptions(now=lambda: NOW), profile=profile)
    return asyncio.run(runner.run())


def called(result: SweepResult) -> dict[str, Exchange]:
    return {
        c.operation: c.outcome
        for c in result.calls
        if c.purpose is CallPurpose.READ and isinstance(c.outcome, Exchange)
    }


def test_a_non_openai_contract_is_swept_with_ids_from_the_parent_list_and_from_links() -> None:
    result = sweep(ApiProfile.generic("pets-test"))
    paths = {op: (e.path, e.query) for op, e in called(result).items()}
    assert paths == {
        "list-pets": ("/pets", {"limit": "5"}),  # a `limit` gets a small default
        "get-pet": ("/pets/pet_sold", {}),  # no profile rule: the first item is taken
        "list-pet-toys": ("/pets/pet_sold/toys", {}),  # the parent collection's item id
        "get-toy": ("/toys/toy_of_pet_sold", {}),  # a link into a list's items: `/items/0/toy_key`
        "get-owner": ("/owners/owner_of_pet_sold", {}),  # a link to one object's field: `/owner`
        "list-featured": ("/featured", {}),
        "list-reports": ("/reports", {"format": "json"}),  # a required enum: its first value
    }
    skipped = {s.operation: (s.reason, s.detail) for s in result.skipped}
    assert skipped["get-vet"][0] is SkipReason.NO_ID_SOURCE and "{vet_id}" in skipped["get-vet"][1]
    assert skipped["list-visits"] == (SkipReason.MISSING_QUERY_VALUE, "no value for since")
    assert set(skipped) == {"get-vet", "list-visits"}


def test_the_profile_passes_inactive_items_over_and_gives_ids_query_values_and_limits() -> None:
    profile = ApiProfile.model_validate(
        {
            "name": "pets-test",
            "ids": {"owner_id": "/pets", "vet_id": "/featured"},
            "sweep": {
                "inactive_when": {"status": ["sold"], "removed_at": "present"},
                "query_defaults": {"since": "now-1d"},
                "list_limits": {"/pe": 9, "/pets": 2},
            },
        }
    )
    result = sweep(profile)
    paths = {op: (e.path, e.query) for op, e in called(result).items()}
    assert paths["list-pets"] == ("/pets", {"limit": "2"})  # the longest prefix wins
    assert paths["get-pet"] == ("/pets/pet_2", {})  # the sold pet is passed over
    assert paths["get-owner"] == ("/owners/own_2", {})  # the ids table beats the link
    assert paths["get-vet"] == ("/vets/pet_featured", {})
    assert paths["list-visits"] == ("/visits", {"since": str(int(NOW.timestamp()) - 86400)})
    assert result.skipped == []


def test_the_profiles_ids_table_overrides_the_parent_collection() -> None:
    profile = ApiProfile.model_validate({"name": "pets-test", "ids": {"pet_id": "/featured"}})
    paths = {op: e.path for op, e in called(sweep(profile)).items()}
    assert paths["get-pet"] == "/pets/pet_featured" and paths["list-pet-toys"] == "/pets/pet_featured/toys"
    plan, _ = plan_reads(pet_contract(), SweepOptions(now=lambda: NOW), profile)
    sources = {p.operation: [(s.name, s.collection, s.origin.value) for s in p.ids] for p in plan}
    assert sources["get-pet"] == [("pet_id", "/featured", "profile")]
    assert sources["get-toy"] == [("toy_id", "/pets/{pet_id}/toys", "link")]


def test_an_archived_item_everywhere_means_no_id_a_typed_skip() -> None:
    profile = ApiProfile.model_validate(
        {"name": "pets-test", "sweep": {"inactive_when": {"owner_id": "present"}}}
    )
    skipped = {s.operation: s.reason for s in sweep(profile).skipped}
    assert (
        skipped["get-pet"] is SkipReason.NO_ID_DISCOVERED
        and skipped["list-pet-toys"] is SkipReason.NO_ID_DISCOVERED
    )


def test_a_header_profile_sends_the_key_in_that_header_only() -> None:
    server = PetServer()
    profile = ApiProfile.model_validate(
        {"name": "pets-test", "auth": {"scheme": "header", "header": "X-Pet-Key"}}
    )
    sweep(profile, server)
    assert server.seen
    for request in server.seen:
        assert request.headers["x-pet-key"] == KEY
        assert "authorization" not in request.headers
        assert all(KEY not in value for name, value in request.headers.items() if name != "x-pet-key")

    bearer = PetServer()
    sweep(ApiProfile.generic("pets-test"), bearer)
    assert {r.headers["authorization"] for r in bearer.seen} == {f"Bearer {KEY}"}
    assert not any("x-pet-key" in r.headers for r in bearer.seen)


def test_the_missing_key_names_the_profiles_variable() -> None:
    profile = ApiProfile.model_validate({"name": "pets-test", "key_env": "PETS_TEST_KEY"})
    with pytest.raises(Exception, match="PETS_TEST_KEY is empty"):
        LiveClient(" ", base_url=BASE, profile=profile)


def test_writes_without_a_sandbox_plan_are_refused_before_anything_is_sent() -> None:
    server = PetServer()
    profile = ApiProfile.generic("pets-test")
    client = LiveClient(
        KEY, base_url=BASE, profile=profile, read_only=False, transport=httpx.MockTransport(server)
    )
    options = SweepOptions(allow_writes=True, sandbox_project="sandbox")
    with pytest.raises(SweepConfigError, match="no sandbox write plan"):
        Sweep(client, pet_contract(), options, profile=profile)
    assert server.seen == []


class _PetUndo:
    """A plan that knows how to undo one kind: deleting a toy."""

    @classmethod
    def undo_step(cls, kind: str) -> UndoStep | None:
        return (
            UndoStep("delete-toy", "DELETE", "/pets/{pet_id}/toys/{toy_id}", "toy_id")
            if kind == "toy"
            else None
        )


def test_cleanup_undoes_what_the_plan_knows_and_leaves_the_rest(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    ledger.add(
        run_id="r",
        kind="toy",
        base_url=BASE,
        params={"pet_id": "pet_2"},
        resource_id="toy_9",
        name="apidrift-sweep-r-toy",
    )
    unknown = ledger.add(run_id="r", kind="leash", base_url=BASE, params={}, resource_id="l1")
    sent: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append((request.method, request.url.path))
        return httpx.Response(204)

    profile = ApiProfile.generic("pets-test")
    client = LiveClient(
        KEY, base_url=BASE, profile=profile, read_only=False, transport=httpx.MockTransport(handler)
    )
    report = asyncio.run(cleanup(ledger.path, client, _PetUndo))
    assert sent == [("DELETE", "/v1/pets/pet_2/toys/toy_9")]
    assert [o.status for o in report.outcomes] == [CompensationStatus.SKIPPED, CompensationStatus.DONE]
    assert "does not know how to undo 'leash'" in report.outcomes[0].detail
    assert ledger.entries() == [unknown]


def test_an_error_about_a_generic_profile_names_no_file() -> None:
    client = LiveClient(KEY, base_url=BASE, profile=ApiProfile.generic("pets-test"), read_only=False)
    options = SweepOptions(allow_writes=True, sandbox_project="sandbox")
    with pytest.raises(SweepConfigError) as raised:
        Sweep(client, pet_contract(), options, profile=ApiProfile.generic("pets-test"))
    assert raised.value.file is None and str(raised.value).startswith("the 'pets-test' profile")
