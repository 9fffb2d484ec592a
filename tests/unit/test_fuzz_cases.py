"""The fuzz engine's parts without a server: drawn requests are valid or invalid as they claim (a
property over every operation of both bundled versions and the petstore example), answers are graded
as documented, chains are inferred from path templates, and cases survive their replay file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from apidrift.check.linear import LinearValidator
from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import (
    CONTRACT_FILE,
    SCHEMAS_FILE,
    ContractStore,
    ContractVersion,
    Operation,
    Parameter,
    load_version,
    rooted,
)
from apidrift.diff.changes import Severity
from apidrift.errors import FuzzError
from apidrift.fuzz.cases import Drawn, OperationCases
from apidrift.fuzz.chains import chains_of, created_id
from apidrift.fuzz.judge import judge
from apidrift.fuzz.model import Case, documented_key
from apidrift.fuzz.mutations import resolve
from apidrift.live.client import Exchange, TransportFinding
from apidrift.live.outcomes import FindingKind

REPO = Path(__file__).resolve().parents[2]
PETSTORE = ContractStore(REPO / "examples" / "petstore" / "contracts", "petstore").load("2025-07-01")
STORE = ContractStore(REPO / "contracts")
VERSIONS = [STORE.load(label) for label in STORE.labels()] + [PETSTORE]
OPS = [(v, op) for v in VERSIONS for op in sorted(v.operations.values(), key=lambda o: o.id)]
IDS = [f"{v.api}/{v.version}/{op.id}" for v, op in OPS]


def _fits(version: ContractVersion, op: Operation, param: Parameter, value: Any) -> bool:
    schema = rooted(param.schema, f"{version.base}test-{op.id}-{param.location}-{param.name}.json")
    return bool(LinearValidator(schema, registry=version.registry).is_valid(value))


def _read(text: str, schema: Any, defs: Any) -> Any:
    """A query or path string as a server types it (written here apart from fuzz.cases, on purpose)."""
    schema = resolve(schema, defs)
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "integer" in kinds and text.lstrip("-").isdigit():
        return int(text)
    if "number" in kinds:
        try:
            return float(text)
        except ValueError:
            return text
    if "boolean" in kinds and text in ("true", "false"):
        return text == "true"
    return text


def _params_valid(version: ContractVersion, op: Operation, drawn: Drawn) -> bool:
    """Whether each query value (an array from `name=v`, an object from `name[key]=v`, as the traffic
    reader reads them) and each path value the request sets fits its parameter."""
    for param in op.query_params:
        kinds = param.schema.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        props = param.schema.get("properties") or {}
        keys = {
            k[len(param.name) + 1 : -1]: v for k, v in drawn.query.items() if k.startswith(param.name + "[")
        }
        value: Any
        if "object" in kinds and keys:
            value = {k: _read(v, props.get(k, {}), version.schemas) for k, v in keys.items()}
        elif param.name not in drawn.query:
            if param.required:
                return False
            continue
        elif "array" in kinds:
            value = [_read(drawn.query[param.name], param.schema.get("items", {}), version.schemas)]
        else:
            value = _read(drawn.query[param.name], param.schema, version.schemas)
        if not _fits(version, op, param, value):
            return False
    for param in op.parameters:
        if param.location != "header" or param.name.lower() in ("authorization", "content-type", "accept"):
            continue
        if param.name not in drawn.headers:
            if param.required:
                return False
            continue
        if not _fits(version, op, param, _read(drawn.headers[param.name], param.schema, version.schemas)):
            return False
    for param in op.path_params:
        text = drawn.path.get(param.name)
        if text is not None and not _fits(version, op, param, _read(text, param.schema, version.schemas)):
            return False
    return True


def _drawn_as_claimed(version: ContractVersion, op: Operation, examples: int = 15) -> None:
    """Every valid draw is valid, and every invalid one is refused by the version's validator."""
    cases = OperationCases(version, op)

    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.data())
    def prop(data: st.DataObject) -> None:
        valid = data.draw(cases.valid())
        assert valid.mutation is None and not valid.path
        assert cases.body_is_valid(valid.body) and _params_valid(version, op, valid)
        if cases.mutations_possible():
            invalid = data.draw(cases.invalid())
            assert invalid.mutation and invalid.keyword
            body_broken = op.request_body is not None and (
                invalid.body is None or not cases.body_is_valid(invalid.body)
            )
            assert body_broken or not _params_valid(version, op, invalid), invalid

    prop()


@pytest.mark.parametrize(("version", "op"), OPS, ids=IDS)
def test_every_drawn_request_is_valid_or_invalid_as_it_says(version: ContractVersion, op: Operation) -> None:
    _drawn_as_claimed(version, op)


def _exchange(status: int, body: Any) -> Exchange:
    return Exchange("POST", "/pets", "/pets", {}, status, {}, body, 0.0, 1)


def test_answers_are_graded_as_the_version_documents() -> None:
    op = PETSTORE.operation("create-pet")
    validator = ResponseValidator(PETSTORE)
    valid = Case(op.id, "POST", op.path, body={"pet_name": "rex", "species": "dog"})
    invalid = Case(op.id, "POST", op.path, body={}, mutation="body.pet_name left out", keyword="required")
    pet = {"id": "pet_1", "object": "pet", "pet_name": "rex", "species": "dog", "created_at": 1}

    def graded(case: Case, outcome: Any) -> tuple[str, Severity] | None:
        failure = judge(op, case, outcome, validator)
        return None if failure is None else (failure.kind, failure.severity)

    five = TransportFinding(FindingKind.HTTP_5XX, "HTTP 500", 1, "POST", "/pets", "/pets", 500)
    assert graded(valid, five) == ("server-error", Severity.BREAKING)
    assert graded(invalid, five) == ("server-error", Severity.BREAKING)
    assert graded(invalid, _exchange(201, pet)) == ("invalid-request-accepted", Severity.WARNING)
    assert graded(valid, _exchange(200, pet)) == ("undocumented-status", Severity.WARNING)
    assert graded(valid, _exchange(404, {})) == ("valid-request-refused", Severity.INFO)
    warned = ("undocumented-status", Severity.WARNING)
    assert graded(invalid, _exchange(422, {})) == warned  # 400 is the documented refusal
    assert graded(valid, _exchange(201, {"id": 7})) == ("schema-violation", Severity.BREAKING)
    assert graded(valid, _exchange(201, pet)) is None
    assert graded(invalid, _exchange(400, {"error": {"code": "missing", "message": "pet_name"}})) is None
    broken = ("schema-violation", Severity.BREAKING)
    assert graded(invalid, _exchange(400, {"error": {"message": "no code"}})) == broken
    assert documented_key(op.responses, 201) == "201" and documented_key(op.responses, 500) is None


def test_chains_are_inferred_from_path_templates() -> None:
    chains = {(c.create.id, c.param): c for c in chains_of(PETSTORE)}
    chain = chains[("create-pet", "pet_id")]
    assert [o.id for o in chain.reads] == ["get-pet"]
    assert [o.id for o in chain.updates] == ["update-pet"]
    assert [o.id for o in chain.deletes] == ["delete-pet"]
    assert created_id({"pet_id": "p1", "id": "x"}, "pet_id") == "p1"
    assert created_id({"id": 12}, "pet_id") == "12"
    assert created_id({"id": True}, "pet_id") is None


def test_a_case_survives_its_replay_file(tmp_path: Path) -> None:
    case = Case(
        "get-pet-toy",
        "GET",
        "/pets/{pet_id}/toys/{toy_id}",
        {"pet_id": "a/b", "toy_id": "t 1"},
        {"x": "1"},
        headers={"X-Trace": "t-1"},
    )
    back, api, version = Case.from_json(case.to_json(api="petstore", version="2025-07-01"), tmp_path)
    assert (back, api, version) == (case, "petstore", "2025-07-01")
    assert back.path() == "/pets/a%2Fb/toys/t%201"  # ids are one segment each, as the client sends them
    curl = case.curl("http://127.0.0.1:1/v1", "x-api-key: $PETSTORE_API_KEY")
    assert '"x-api-key: $PETSTORE_API_KEY"' in curl and "/pets/a%2Fb/toys/t%201?x=1" in curl
    assert "-H 'X-Trace: t-1'" in curl
    with pytest.raises(FuzzError, match="must map names to strings"):
        Case.from_json({**case.to_json(api="p", version="v"), "query": {"x": 1}}, tmp_path)


# --- mutations at depth, in path parameters and in structured query parameters ----------------------

NESTED_SCHEMAS: dict[str, Any] = {
    "$defs": {
        "Address": {
            "type": "object",
            "additionalProperties": False,
            "required": ["zip"],
            "properties": {"zip": {"type": "string", "pattern": "^[0-9]{5}$"}, "street": {"type": "string"}},
        },
        "Crate": {
            "type": "object",
            "additionalProperties": False,
            "required": ["owner", "tags"],
            "properties": {
                "owner": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string", "minLength": 1},
                        "address": {"$ref": "#/$defs/Address"},
                    },
                },
                "tags": {
                    "type": "array",
                    "maxItems": 3,
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["label"],
                        "properties": {
                            "label": {"type": "string", "enum": ["red", "blue"]},
                            "weight": {"type": "integer", "minimum": 0, "maximum": 9},
                        },
                    },
                },
                "sizes": {"type": "array", "items": {"type": "integer", "maximum": 100}},
            },
        },
    }
}
NESTED_CONTRACT: dict[str, Any] = {
    "api": "crates",
    "version": "v1",
    "date": "2026-01-01",
    "operations": [
        {
            "id": "update-crate",
            "method": "POST",
            "path": "/shelves/{shelf}/crates/{crate_id}",
            "parameters": [
                {
                    "name": "shelf",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1},
                },
                {
                    "name": "crate_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "pattern": "^crate_[a-z0-9]+$"},
                },
                {"name": "ids", "in": "query", "schema": {"type": "array", "items": {"type": "integer"}}},
                {
                    "name": "X-Crate-Rev",
                    "in": "header",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1},
                },
                {"name": "X-Mode", "in": "header", "schema": {"type": "string", "enum": ["fast", "slow"]}},
                {
                    "name": "Authorization",
                    "in": "header",
                    "schema": {"type": "string", "enum": ["never-sent"]},
                },
                {
                    "name": "kinds",
                    "in": "query",
                    "schema": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
                },
                {
                    "name": "range",
                    "in": "query",
                    "schema": {
                        "type": "object",
                        "properties": {"gt": {"type": "integer"}, "lt": {"type": "integer", "maximum": 50}},
                    },
                },
            ],
            "request_body": {"required": True, "schema": {"$ref": "schemas.json#/$defs/Crate"}},
            "responses": {"200": {"description": "Done", "schema": None}},
        },
        {
            "id": "get-crate",
            "method": "GET",
            "path": "/crates/{crate_id}",
            "parameters": [
                {"name": "crate_id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {"200": {"description": "The crate", "schema": None}},
        },
    ],
}


@pytest.fixture(scope="module")
def nested(tmp_path_factory: pytest.TempPathFactory) -> ContractVersion:
    folder = tmp_path_factory.mktemp("crates") / "v1"
    folder.mkdir()
    (folder / CONTRACT_FILE).write_text(json.dumps(NESTED_CONTRACT), encoding="utf-8")
    (folder / SCHEMAS_FILE).write_text(json.dumps(NESTED_SCHEMAS), encoding="utf-8")
    return load_version(folder)


def test_drawn_requests_of_a_nested_contract_are_valid_or_invalid_as_they_say(
    nested: ContractVersion,
) -> None:
    for op in nested.operations.values():
        _drawn_as_claimed(nested, op, examples=60)


def test_mutations_reach_nested_fields_array_items_path_and_structured_query_parameters(
    nested: ContractVersion,
) -> None:
    """Each kind of site is drawn: a required field left out, a wrong type, a broken enum or bound and an
    undocumented field, at depth and inside array items; path parameters of the wrong type or pattern;
    an array item and an object property of a query parameter. A plain string id is never broken."""
    cases = OperationCases(nested, nested.operation("update-crate"))
    seen: set[str] = set()
    quick = settings(
        max_examples=2, database=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck)
    )
    for site in range(cases.sites):  # each site is reached, however deep (its parents drawn if left out)

        @quick
        @given(cases.invalid(only=site))
        def reach(drawn: Drawn) -> None:
            assert drawn.mutation is not None
            seen.add(drawn.mutation.split(":")[0].split("=")[0])

        reach()
    wanted = {
        "body.owner.name left out",
        "body.owner.apidrift_undocumented",
        "body.owner.name",  # minLength or type
        "body.owner.address.zip left out",
        "body.owner.address.apidrift_undocumented",
        "body.tags[].label left out",
        "body.tags[].label",  # outside its enum, or a wrong type
        "body.tags[].weight",  # a bound or a wrong type
        "body.tags[].apidrift_undocumented",
        "body.tags",  # maxItems
        "body.sizes[]",  # an item past its maximum, or of a wrong type
        "path shelf",
        "path crate_id",
        "query ids",
        "query kinds",
        "query range[gt]",
        "query range[lt]",
        "header X-Crate-Rev left out",
        "header X-Crate-Rev",  # a word, or a number below its minimum
        "header X-Mode",
    }
    assert wanted <= seen, sorted(wanted - seen)
    assert not any("Authorization" in m for m in seen)  # the client's own header is never a parameter
    assert not OperationCases(nested, nested.operation("get-crate")).mutations_possible()
    fixed = OperationCases(nested, nested.operation("update-crate"), fixed=("shelf",))
    assert not any(getattr(s, "where", "") == "path" and s.name == "shelf" for s in fixed._sites)


def test_a_nested_mutation_shrinks_to_the_smallest_request_that_carries_it(nested: ContractVersion) -> None:
    """Shrinking keeps the mutation and drops everything else the base request held."""
    cases = OperationCases(nested, nested.operation("update-crate"))
    target = "body.owner.address.zip left out"
    target_site = next(
        i for i, s in enumerate(cases._sites) if getattr(s, "path", ()) == ("owner", "address", "zip")
    )
    smallest = find(
        cases.invalid(only=target_site),
        lambda d: d.mutation == target,
        settings=settings(max_examples=500, database=None, suppress_health_check=list(HealthCheck)),
    )
    assert smallest.body == {"owner": {"name": "0", "address": {}}, "tags": []}
    assert smallest.query == {} and smallest.path == {} and smallest.headers == {"X-Crate-Rev": "1"}
    assert not cases.body_is_valid(smallest.body)


def test_header_parameters_are_sent_and_never_replace_the_key() -> None:
    import asyncio

    import httpx

    from apidrift.live.client import LiveClient
    from apidrift.profiles.model import load_profile

    seen: list[httpx.Request] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    key = "-".join(("sk", "admin", "REDACTED"))
    profile = load_profile("openai-admin", contracts_root=REPO / "contracts")
    client = LiveClient(
        key, base_url="http://fuzz.test/v1", profile=profile, transport=httpx.MockTransport(server)
    )

    async def send() -> None:
        try:
            await client.request("GET", "/x", headers={"X-Crate-Rev": "0", "Authorization": "Bearer forged"})
        finally:
            await client.aclose()

    asyncio.run(send())
    assert seen[0].headers["x-crate-rev"] == "0"
    assert seen[0].headers["authorization"] == f"Bearer {key}"
