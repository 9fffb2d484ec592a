"""contracts/budget.py: every schema walk is bounded in time and steps, and stops with a clear error."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from test_contracts import CONTRACT, SCHEMAS, write_contract

from apidrift.check.checker import RecordingChecker
from apidrift.check.fingerprint import fingerprint
from apidrift.check.recordings import LoadedRecording, Recording
from apidrift.check.renames import MAX_PAIRS_PER_PARENT, pair_renames
from apidrift.check.shapes import SchemaFlattener
from apidrift.check.validation import ResponseValidator
from apidrift.contracts import budget
from apidrift.contracts.model import load_version
from apidrift.contracts.soundness import check_schema
from apidrift.errors import RecordingError, WalkBudgetError

DEPTH = 30


def wide_and_deep(depth: int = DEPTH) -> dict[str, Any]:
    """Named schemas each a union of the next one three times: small on disk, 3**depth ways to walk."""
    defs: dict[str, Any] = {f"L{i}": {"anyOf": [{"$ref": f"#/$defs/L{i + 1}"}] * 3} for i in range(depth)}
    defs[f"L{depth}"] = {"type": "object", "properties": {"id": {"type": "string"}}}
    return defs


def test_a_wide_and_deep_schema_stops_the_flatten_by_its_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(budget, "MAX_SECONDS", 0.2)
    with pytest.raises(
        WalkBudgetError, match=r"flattening a schema into fields stopped after more than 0.2 s"
    ):
        SchemaFlattener(wide_and_deep()).flatten({"$ref": "#/$defs/L0"})


def test_the_step_budget_stops_it_too_and_a_fair_schema_stays_within_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(budget, "MAX_STEPS", 5_000)
    with pytest.raises(WalkBudgetError, match=r"more than 5,000 steps: the schema is too wide or deep"):
        SchemaFlattener(wide_and_deep()).flatten({"$ref": "#/$defs/L0"})
    # Three levels (27 ways) are well within the same budget, and flatten as they always did.
    shapes = SchemaFlattener(wide_and_deep(3)).flatten({"$ref": "#/$defs/L0"})
    assert sorted(shapes) == ["", "id"]


def _hostile_version(tmp_path: Path) -> Any:
    schemas = copy.deepcopy(SCHEMAS)
    schemas["$defs"].update(wide_and_deep())
    contract = copy.deepcopy(CONTRACT)
    contract["operations"][0]["responses"]["200"]["schema"] = {"$ref": "schemas.json#/$defs/L0"}
    return load_version(write_contract(tmp_path / "v1", contract=contract, schemas=schemas))


def test_a_check_of_a_response_under_such_a_schema_is_an_error_about_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(budget, "MAX_SECONDS", 0.2)
    validator = ResponseValidator(_hostile_version(tmp_path))
    checker = RecordingChecker({"v1": validator}, ("v1",), None)
    recording = Recording(
        operation="get-widget", method="GET", path="/widgets/w1", status=200, body={"id": "w"}
    )
    with pytest.raises(RecordingError) as info:
        checker.check(LoadedRecording("widget.json", recording))
    assert str(info.value).startswith("widget.json: could not be checked: v1: get-widget response 200:")
    assert "too wide or deep" in str(info.value)
    # The failure is remembered: the next response of that operation is refused without walking again.
    monkeypatch.setattr(budget, "MAX_SECONDS", 1e9)
    monkeypatch.setattr(SchemaFlattener, "flatten", lambda *_: pytest.fail("walked again"))
    with pytest.raises(WalkBudgetError):
        fingerprint([validator], "get-widget", 200, {"id": "w"})


def test_the_keyword_walk_of_a_huge_schema_is_bounded_and_names_its_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(budget, "MAX_STEPS", 1_000)
    schema = {"properties": {f"f{i}": {"type": "string"} for i in range(2_000)}}
    with pytest.raises(WalkBudgetError) as info:
        check_schema(schema, file="schemas.json", pointer="/$defs/Big")
    assert str(info.value).startswith("schemas.json#/$defs/Big: walking a schema's keywords stopped after")


def test_renames_are_not_weighed_past_the_pair_bound_under_one_parent() -> None:
    side = int(MAX_PAIRS_PER_PARENT**0.5) + 1
    removed = [(f"data.old_{i}", "string") for i in range(side)]
    added = [(f"data.new_{i}", "string") for i in range(side)]
    assert pair_renames(removed, added) == []
    # Under the bound, and elsewhere in the same body, pairing goes on as before.
    pairs = pair_renames([*removed[:3], ("user_name", "string")], [*added[:3], ("username", "string")])
    assert ("user_name", "username") in {(p.old, p.new) for p in pairs}
