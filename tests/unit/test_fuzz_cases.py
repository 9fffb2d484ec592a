"""The fuzz engine's parts without a server: drawn requests are valid or invalid as they claim (a
property over every operation of both bundled versions and the petstore example), answers are graded
as documented, chains are inferred from path templates, and cases survive their replay file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apidrift.check.linear import LinearValidator
from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractStore, ContractVersion, Operation, rooted
from apidrift.diff.changes import Severity
from apidrift.errors import FuzzError
from apidrift.fuzz.cases import Drawn, OperationCases
from apidrift.fuzz.chains import chains_of, created_id
from apidrift.fuzz.judge import judge
from apidrift.fuzz.model import Case, documented_key
from apidrift.live.client import Exchange, TransportFinding
from apidrift.live.outcomes import FindingKind

REPO = Path(__file__).resolve().parents[2]
PETSTORE = ContractStore(REPO / "examples" / "petstore" / "contracts", "petstore").load("2025-07-01")
STORE = ContractStore(REPO / "contracts")
VERSIONS = [STORE.load(label) for label in STORE.labels()] + [PETSTORE]
OPS = [(v, op) for v in VERSIONS for op in sorted(v.operations.values(), key=lambda o: o.id)]
IDS = [f"{v.api}/{v.version}/{op.id}" for v, op in OPS]


def _query_valid(version: ContractVersion, op: Operation, drawn: Drawn) -> bool:
    """Whether each query value, read back as the server would type it, fits its parameter."""
    for param in op.query_params:
        if param.name not in drawn.query:
            if param.required:
                return False
            continue
        text = drawn.query[param.name]
        kinds = param.schema.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        value: Any = text
        if "integer" in kinds and text.lstrip("-").isdigit():
            value = int(text)
        elif "number" in kinds:
            try:
                value = float(text)
            except ValueError:
                value = text
        elif "boolean" in kinds and text in ("true", "false"):
            value = text == "true"
        schema = rooted(param.schema, f"{version.base}test-{op.id}-{param.name}.json")
        if not LinearValidator(schema, registry=version.registry).is_valid(value):
            return False
    return True


@pytest.mark.parametrize(("version", "op"), OPS, ids=IDS)
def test_every_drawn_request_is_valid_or_invalid_as_it_says(version: ContractVersion, op: Operation) -> None:
    cases = OperationCases(version, op)

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.data())
    def prop(data: st.DataObject) -> None:
        valid = data.draw(cases.valid())
        assert valid.mutation is None
        assert cases.body_is_valid(valid.body) and _query_valid(version, op, valid)
        if cases.mutations_possible():
            invalid = data.draw(cases.invalid())
            assert invalid.mutation and invalid.keyword
            body_broken = op.request_body is not None and (
                invalid.body is None or not cases.body_is_valid(invalid.body)
            )
            assert body_broken or not _query_valid(version, op, invalid), invalid

    prop()


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
        "get-pet-toy", "GET", "/pets/{pet_id}/toys/{toy_id}", {"pet_id": "a/b", "toy_id": "t 1"}, {"x": "1"}
    )
    back, api, version = Case.from_json(case.to_json(api="petstore", version="2025-07-01"), tmp_path)
    assert (back, api, version) == (case, "petstore", "2025-07-01")
    assert back.path() == "/pets/a%2Fb/toys/t%201"  # ids are one segment each, as the client sends them
    curl = case.curl("http://127.0.0.1:1/v1", "x-api-key: $PETSTORE_API_KEY")
    assert '"x-api-key: $PETSTORE_API_KEY"' in curl and "/pets/a%2Fb/toys/t%201?x=1" in curl
    with pytest.raises(FuzzError, match="must map names to strings"):
        Case.from_json({**case.to_json(api="p", version="v"), "query": {"x": 1}}, tmp_path)
