"""The generic simulator's parts: resources from paths, lists and windows from names and schemas,
data generated valid and seeded, ids in the API's style, errors in the documented shape."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractStore
from apidrift.openapi.sources import import_openapi_file
from apidrift.profiles.model import ApiProfile, Auth, Simulation
from apidrift.simulator import create_app
from apidrift.simulator.data import Forge, Schemas, Unsatisfiable, fallback_prefix, learn_id_style
from apidrift.simulator.errors import ApiError
from apidrift.simulator.model import VersionModel, error_body
from apidrift.simulator.pages import envelope_of, page_of, seconds, to_seconds, window_of
from apidrift.simulator.resources import Kind

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "petstore" / "contracts"


@pytest.fixture(scope="module")
def petstore() -> VersionModel:
    version = ContractStore(EXAMPLES, api="petstore").load("2025-07-01")
    return VersionModel(version, 0, lambda: 1_800_000_000, {})


def test_roles_are_inferred_from_path_templates(petstore: VersionModel) -> None:
    roles = {op: (r.kind, r.collection) for op, r in petstore.resources.roles.items()}
    assert roles == {
        "list-pets": (Kind.LIST, "/pets"),
        "create-pet": (Kind.CREATE, "/pets"),
        "get-pet": (Kind.RETRIEVE, "/pets"),
        "update-pet": (Kind.UPDATE, "/pets"),
        "delete-pet": (Kind.DELETE, "/pets"),
        "list-pet-toys": (Kind.LIST, "/pets/{pet_id}/toys"),
        "get-pet-toy": (Kind.RETRIEVE, "/pets/{pet_id}/toys"),
    }
    toys = petstore.resources.collections["/pets/{pet_id}/toys"]
    assert toys.parents == ("pet_id",) and toys.item_param == "toy_id"
    assert petstore.resources.owner_of(toys.path, "pet_id") is petstore.resources.collections["/pets"]


def test_an_action_on_an_item_is_told_from_a_collection(store: ContractStore) -> None:
    model = VersionModel(store.load("2026-05-02"), 0, lambda: 0, {})
    roles = model.resources.roles
    assert (roles["archive-project"].kind, roles["archive-project"].collection) == (
        Kind.ACTION,
        "/organization/projects",
    )
    assert roles["create-project-user"].kind is Kind.CREATE
    assert roles["update-project-rate-limits"].kind is Kind.UPDATE
    assert roles["usage-costs"].kind is Kind.LIST


def test_the_list_envelope_is_found_by_its_array(petstore: VersionModel) -> None:
    schemas = petstore.schemas
    envelope = envelope_of(schemas, {"$ref": "schemas.json#/$defs/PetList"})
    assert envelope is not None and envelope.items_key == "data"
    assert set(envelope.fields) == {"object", "has_more"}
    bare = envelope_of(schemas, {"type": "array", "items": {"$ref": "schemas.json#/$defs/Pet"}})
    assert bare is not None and bare.items_key is None
    assert envelope_of(schemas, {"$ref": "schemas.json#/$defs/Pet"}) is None


def test_pages_follow_after_before_order_and_limit(store: ContractStore) -> None:
    op = store.load("2026-05-02").operation("list-groups")  # limit, after, order
    rows = [{"id": f"g{i}"} for i in range(5)]
    page, more, token = page_of(op, {"limit": 2}, rows)
    assert ([r["id"] for r in page], more, token) == (["g0", "g1"], True, "g1")
    page, more, _ = page_of(op, {"limit": 2, "after": "g3"}, rows)
    assert ([r["id"] for r in page], more) == (["g4"], False)
    page, _, _ = page_of(op, {"limit": 2, "order": "desc"}, rows)
    assert [r["id"] for r in page] == ["g4", "g3"]
    assert page_of(op, {"after": "unknown"}, rows)[0] == []


def test_windows_and_widths_are_read_generically(store: ContractStore) -> None:
    op = store.load("2026-05-02").operation("usage-completions")
    window = window_of(op, {"start_time": 100_000, "end_time": 400_000, "bucket_width": "1h"}, 0)
    assert window is not None and (window.start, window.end, window.width) == (97_200, 400_000, 3600)
    assert window_of(store.load("2026-05-02").operation("list-groups"), {}, 0) is None
    with pytest.raises(ApiError, match="end_time must be after start_time") as refused:
        window_of(op, {"start_time": 400_000, "end_time": 400_000}, 0)
    assert refused.value.status == 400
    assert [seconds(v, op, None) for v in ("1m", "1d", "3600", "hour", "week")] == [
        60,
        86_400,
        3600,
        3600,
        604_800,
    ]
    assert to_seconds("2026-01-01T00:00:00Z") == 1_767_225_600 == to_seconds(1_767_225_600)


def test_generated_data_validates_and_is_seeded(store: ContractStore) -> None:
    """Every documented 2xx body of a seed version can be generated, valid, the same for the same salt."""
    version = store.load("2026-05-02")
    validator = ResponseValidator(version)
    forge = Forge(Schemas(version), seed=3, now=lambda: 1_800_000_000)
    again = Forge(Schemas(version), seed=3, now=lambda: 1_800_000_000)
    for op in version.operations.values():
        status = next(s for s in sorted(op.responses) if s.startswith("2"))
        schema = op.responses[status].schema
        if schema is None:
            continue
        made = forge.generate(schema, op.id)
        assert validator.is_valid(op.id, status, made), op.id
        assert again.generate(schema, op.id) == made


def test_a_schema_nothing_satisfies_is_unsatisfiable(petstore: VersionModel) -> None:
    with pytest.raises(Unsatisfiable):
        petstore.forge.generate({"type": "string", "minLength": 5, "maxLength": 2}, "x")
    with pytest.raises(Unsatisfiable):
        petstore.forge.generate({"allOf": [{"type": "string"}, {"type": "integer"}]}, "y")


def test_ids_take_the_style_of_the_documented_ones() -> None:
    style = learn_id_style([None, "proj_abc123"], "project_")
    assert style.prefix == "proj_" and style.issue(random.Random(1)).startswith("proj_")
    assert learn_id_style([], "pet_").prefix == "pet_"
    assert [fallback_prefix(p) for p in ("/pets", "/v1/categories/{id}/entries", "/organization/usage")] == [
        "pet_",
        "entry_",
        "usage_",
    ]


def test_errors_take_the_documented_shape(petstore: VersionModel) -> None:
    validator = ResponseValidator(petstore.version)
    op = petstore.version.operation("get-pet")
    body = error_body(petstore, op, ApiError(404, "No pet found with id 'x'.", code="not_found"))
    assert (
        validator.is_valid("get-pet", 404, body) and body["error"]["message"] == "No pet found with id 'x'."
    )
    # An operation that documents no error borrows the version's shape.
    toys = petstore.version.operation("list-pet-toys")
    assert validator.is_valid("get-pet", 404, error_body(petstore, toys, ApiError(404, "gone")))


METRICS = """
openapi: 3.1.0
info: {title: Metrics, version: "1"}
paths:
  /metrics/requests:
    get:
      operationId: request-metrics
      parameters:
        - {name: from_ts, in: query, required: true, schema: {type: string, format: date-time}}
        - {name: to_ts, in: query, schema: {type: string, format: date-time}}
        - {name: step, in: query, schema: {type: string, enum: [hour, day], default: day}}
      responses:
        "200":
          description: Buckets.
          content:
            application/json:
              schema:
                type: object
                required: [points, more]
                properties:
                  more: {type: boolean}
                  points:
                    type: array
                    items:
                      type: object
                      required: [opening, closing, counts]
                      properties:
                        opening: {type: string, format: date-time}
                        closing: {type: string, format: date-time}
                        counts: {type: array, items: {type: integer, minimum: 0}}
"""


def test_a_profile_names_the_window_of_an_api_with_its_own_words(tmp_path: Path) -> None:
    spec = tmp_path / "metrics.yaml"
    spec.write_text(METRICS)
    version = import_openapi_file(spec, version="1", scope=("/",)).version
    profile = ApiProfile(
        name="metrics",
        auth=Auth(scheme="header", header="x-key"),
        simulation=Simulation(window={"start": "from_ts", "end": "to_ts", "width": "step"}),
    )
    app = create_app(version, profile=profile, store=ContractStore(tmp_path / "contracts", api="metrics"))
    client = TestClient(app)
    query = {"from_ts": "2026-03-01T00:00:00Z", "to_ts": "2026-03-01T05:00:00Z", "step": "hour"}
    answer = client.get("/v1/metrics/requests", params=query, headers={"x-key": "k"})
    assert answer.status_code == 200, answer.text
    points: list[dict[str, Any]] = answer.json()["points"]
    assert [p["opening"] for p in points] == [f"2026-03-01T0{h}:00:00Z" for h in range(5)]
    assert [p["closing"] for p in points][-1] == "2026-03-01T05:00:00Z"
    assert all(p["counts"] for p in points)  # buckets with data, for the window asked
    assert ResponseValidator(version).is_valid("request-metrics", 200, json.loads(answer.text))
