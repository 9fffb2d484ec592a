"""`tools/schema_pairs.py`: JSON-schema pairs in, OpenAPI request/response pairs and the levels
`tools/peer_sweep.py` expects out."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from apidrift.diff.changes import Severity
from apidrift.diff.engine import diff_versions
from apidrift.openapi.sources import import_openapi_file
from cli_support import load_tool

TOOL = Path(__file__).parents[2] / "tools" / "schema_pairs.py"


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    return load_tool(TOOL)


# getsentry/json-schema-diff range/add_minimum_in_array, verbatim.
TUPLE_LHS = {
    "type": "array",
    "items": [{"const": "start_unmerge"}, {"$ref": "#/definitions/Hello"}],
    "definitions": {"Hello": {"type": "number"}},
}


def test_draft7_spellings_become_openapi_31(tool: ModuleType) -> None:
    doc = tool.wrap(TUPLE_LHS, "req")
    body = doc["paths"]["/exchange"]["post"]["requestBody"]
    assert body["required"] is True
    assert body["content"]["application/json"]["schema"] == {
        "type": "array",
        "prefixItems": [{"const": "start_unmerge"}, {"$ref": "#/components/schemas/Hello"}],
    }
    assert doc["components"] == {"schemas": {"Hello": {"type": "number"}}}
    response = tool.wrap({"type": "string"}, "resp")["paths"]["/exchange"]["post"]["responses"]["200"]
    assert response["content"]["application/json"]["schema"] == {"type": "string"}


def test_levels_follow_the_side(tool: ModuleType) -> None:
    # A narrowing breaks senders; a widening may break readers; the rest is information or nothing.
    assert tool.levels(True, False, True, "req") == ("ERR", "INFO")
    assert tool.levels(True, False, True, "resp") == ("INFO", "WARN+")
    assert tool.levels(False, True, True, "resp") == ("WARN+", "INFO")
    assert tool.levels(False, False, False, "req") == ("NONE", "NONE")


def test_a_folder_converts_into_importable_pairs_and_a_manifest(tool: ModuleType, tmp_path: Path) -> None:
    pairs, out = tmp_path / "pairs", tmp_path / "out"
    (pairs / "range").mkdir(parents=True)
    rhs = {**TUPLE_LHS, "definitions": {"Hello": {"type": "number", "minimum": 1.0}}}
    (pairs / "range" / "add_minimum_in_array.json").write_text(json.dumps({"lhs": TUPLE_LHS, "rhs": rhs}))
    verdicts = {"range/add_minimum_in_array": {"narrows": True, "widens": False}}
    assert tool.convert(pairs, out, verdicts) == 1
    manifest = tomllib.loads((out / "manifest.toml").read_text(encoding="utf-8"))["pair"]
    assert [(p["base"], p["forward"], p["backward"]) for p in manifest] == [
        ("range__add_minimum_in_array.req_base.json", "ERR", "INFO"),
        ("range__add_minimum_in_array.resp_base.json", "INFO", "WARN+"),
    ]
    # apidrift agrees with both: senders refused below the new minimum, readers told of a subset.
    gravest = {"ERR": Severity.BREAKING, "INFO": Severity.INFO}
    for pair in manifest:
        old = import_openapi_file(out / pair["base"], use_cache=False).version
        new = import_openapi_file(out / pair["revision"], use_cache=False).version
        changes = diff_versions(old, new).changes
        assert max(c.severity.rank for c in changes) == gravest[pair["forward"]].rank
