"""Shape snapshots: rendering and parsing, the drift they explain (renames named), the syrupy extension
through pytester (a recorded `result` that became `results` fails naming the rename), stale files."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from apidrift.contracts.model import ContractStore
from apidrift.testing.plugin import plugin_arguments
from apidrift.testing.snapshots import (
    OperationShape,
    ShapeField,
    observed_fields,
    operation_shape,
    parse_shape,
    shape_drift,
    stale_snapshots,
)

pytest_plugins = ["pytester"]
REPO = Path(__file__).resolve().parents[2]
RECORDING = REPO / "recordings/openai-admin/2026-04-30/usage-completions.json"


def _usage(store: ContractStore, body: Any, version: str = "2026-04-30") -> OperationShape:
    return operation_shape(store.load(version), "usage-completions", [("usage.json", 200, body)])


def _renamed(body: Any) -> Any:
    out = copy.deepcopy(body)
    for bucket in out["data"]:
        bucket["results"] = bucket.pop("result")
    return out


@pytest.fixture(scope="module")
def body() -> Any:
    return json.loads(RECORDING.read_text())["body"]


def test_a_shape_lists_documented_and_observed_fields_with_values_masked(
    store: ContractStore, body: Any
) -> None:
    text = _usage(store, body).render()
    assert text.startswith(
        "# apidrift shape of usage-completions (GET /organization/usage/completions),"
        " openai-admin 2026-04-30\n"
    )
    assert "\n[documented 200]\n# contract openai-admin 2026-04-30\n(body): object (required)\n" in text
    assert "\ndata[].result: array (required)\n" in text
    assert '\ndata[].object: string (required) enum ["bucket"]\n' in text
    assert "\n[observed 200]\n# seen in usage.json\n(body): object\n" in text
    assert "\ndata[].result[].input_tokens: integer\n" in text
    # No value of the recording appears, only its field names and types.
    assert (
        "1730419200" not in text and "organization.usage.completions.result" not in text.split("[observed")[1]
    )


def test_parse_reads_back_what_render_wrote(store: ContractStore, body: Any) -> None:
    shape = _usage(store, body)
    parsed = parse_shape(shape.render())
    assert list(parsed) == [name for name, _, _ in shape.sections]
    for name, _, fields in shape.sections:
        assert list(parsed[name].values()) == list(fields)


def test_observed_fields_merge_the_types_of_every_body() -> None:
    fields = observed_fields([{"a": 1, "b": [{"c": "x"}]}, {"a": None, "b": []}])
    assert [f.render() for f in fields] == [
        "(body): object",
        "a: integer|null",
        "b: array",
        "b[]: object",
        "b[].c: string",
    ]


def test_drift_names_a_recorded_rename_with_its_confidence(store: ContractStore, body: Any) -> None:
    before, after = _usage(store, body).render(), _usage(store, _renamed(body)).render()
    assert shape_drift(before, after) == [
        "observed 200: data[].result → data[].results (renamed, confidence 0.95)"
    ]


def test_drift_across_versions_renames_the_documented_field_too(store: ContractStore, body: Any) -> None:
    before = _usage(store, body, "2026-04-30").render()
    after = _usage(store, _renamed(body), "2026-05-02").render()
    drift = shape_drift(before, after)
    assert "documented 200: data[].result → data[].results (renamed, confidence 0.95)" in drift
    assert "observed 200: data[].result → data[].results (renamed, confidence 0.95)" in drift


def test_drift_lists_additions_removals_and_changes() -> None:
    def text(*fields: ShapeField) -> str:
        return OperationShape("api", "v", "op", "GET", "/x", (("documented 200", (), fields),)).render()

    root = ShapeField("", "object", True)
    before = text(root, ShapeField("id", "string", True), ShapeField("size", "integer", True))
    after = text(
        root,
        ShapeField("id", "null|string", False),
        ShapeField("owner", "object", False),
        ShapeField("owner.name", "string", True),
    )
    assert shape_drift(before, after) == [
        "documented 200: size: integer (required) (removed)",
        "documented 200: owner: object (optional) (added)",
        "documented 200: id: string (required) → null|string (optional) (changed)",
    ]
    assert shape_drift(before, before) == []
    gone = OperationShape("api", "v", "op", "GET", "/x", ()).render()
    assert shape_drift(before, gone) == ["documented 200: section removed"]


SNAPSHOT_TEST = """
import json
from pathlib import Path
from apidrift.contracts.model import ContractStore
from apidrift.testing.snapshots import operation_shape

def test_usage_shape(apidrift_snapshot):
    recording = json.loads(Path("recording.json").read_text())
    observed = [("recording.json", recording["status"], recording["body"])]
    shape = operation_shape(ContractStore().load("2026-04-30"), recording["operation"], observed)
    assert apidrift_snapshot(name=shape.name) == shape
"""


def test_a_recorded_rename_fails_the_snapshot_naming_it_and_update_accepts_it(
    pytester: pytest.Pytester,
) -> None:
    args = [*plugin_arguments(), "-p", "no:cacheprovider", "-p", "no:hypothesispytest"]
    pytester.makepyfile(SNAPSHOT_TEST)
    shutil.copy(RECORDING, pytester.path / "recording.json")
    created = pytester.runpytest(*args, "--snapshot-update")
    created.assert_outcomes(passed=1)
    created.stdout.fnmatch_lines(["1 snapshot generated."])
    stored = pytester.path / "snapshots/openai-admin/2026-04-30/usage-completions.shape.txt"
    assert "data[].result: array\n" in stored.read_text()

    recording = json.loads(RECORDING.read_text())
    recording["body"] = _renamed(recording["body"])
    (pytester.path / "recording.json").write_text(json.dumps(recording))
    failed = pytester.runpytest(*args)
    failed.assert_outcomes(failed=1)
    assert failed.ret == pytest.ExitCode.TESTS_FAILED
    output = failed.stdout.str()
    assert "shape drift (run with --snapshot-update to accept it):" in output
    assert "  observed 200: data[].result → data[].results (renamed, confidence 0.95)" in output

    updated = pytester.runpytest(*args, "--snapshot-update")
    updated.assert_outcomes(passed=1)
    updated.stdout.fnmatch_lines(["1 snapshot updated."])
    assert "data[].results: array\n" in stored.read_text()
    pytester.runpytest(*args).assert_outcomes(passed=1)


def test_a_shape_snapshot_must_be_named(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from apidrift.contracts.model import ContractStore
        from apidrift.testing.snapshots import operation_shape

        def test_unnamed(apidrift_snapshot):
            assert apidrift_snapshot == operation_shape(ContractStore().load("2026-04-30"), "usage-costs")
        """
    )
    result = pytester.runpytest(*plugin_arguments(), "-p", "no:cacheprovider", "-p", "no:hypothesispytest")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*name a shape snapshot `<version>/<operation>`: snapshot(name=shape.name)*"]
    )


def test_stale_snapshots_are_files_no_operation_claims(tmp_path: Path) -> None:
    for name in ("v1/a", "v1/b", "v2/a"):
        path = tmp_path / "api" / f"{name}.shape.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
    (tmp_path / "api" / "v1" / "notes.md").write_text("not a shape")
    stale = stale_snapshots(tmp_path, "api", ["v1/a", "v2/a"])
    assert stale == [tmp_path / "api" / "v1" / "b.shape.txt"]
    assert stale_snapshots(tmp_path, "other", []) == []


def test_an_operation_id_never_places_a_shape_file_outside_its_folder(tmp_path: Path) -> None:
    shape = OperationShape("api", "v1", "../../../x", "GET", "/x", ())
    assert shape.name == "v1/______x"
    path = tmp_path / "api" / f"{shape.name}.shape.txt"
    path.parent.mkdir(parents=True)
    path.write_text("")
    # The stale check names files the same way, so the escaped file is claimed by its operation.
    assert stale_snapshots(tmp_path, "api", ["v1/../../../x"]) == []
    assert stale_snapshots(tmp_path, "api", []) == [path]
