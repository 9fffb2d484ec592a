"""recordings.py: parsing one recording file, loading a folder without losing anything, round trips."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apidrift.check.recordings import (
    FORMAT,
    Provenance,
    Recording,
    load_recordings,
    parse_recording,
    safe_file_name,
    write_recordings,
)
from apidrift.errors import RecordingError


def raw_recording(**changes: Any) -> dict[str, Any]:
    """A valid recording as JSON data; a change to None removes the field."""
    raw: dict[str, Any] = {
        "format": FORMAT,
        "operation": "list-projects",
        "method": "GET",
        "path": "/organization/projects",
        "status": 200,
        "headers": {"content-type": "application/json"},
        "query": {"limit": "2"},
        "body": {"object": "list", "data": [{"id": "proj_abc", "archived_at": None}], "has_more": False},
        "provenance": {"source": "openapi x-oaiMeta example", "version": "2026-05-02", "adapted": ["x"]},
    }
    for key, value in changes.items():
        if value is None:
            del raw[key]
        else:
            raw[key] = value
    return raw


def test_parse_valid_recording() -> None:
    recording = parse_recording(json.dumps(raw_recording()), "list-projects.json")
    assert recording.operation == "list-projects"
    assert (recording.method, recording.path, recording.status) == ("GET", "/organization/projects", 200)
    assert recording.query == {"limit": "2"}
    assert recording.body["data"][0] == {"id": "proj_abc", "archived_at": None}
    assert recording.provenance == Provenance(
        source="openapi x-oaiMeta example", version="2026-05-02", adapted=["x"]
    )


def test_optional_fields_default() -> None:
    recording = parse_recording(
        json.dumps(raw_recording(format=None, headers=None, query=None, provenance=None)), "r.json"
    )
    assert recording.format == FORMAT
    assert recording.headers == {} and recording.query == {}
    assert recording.provenance is None


def test_not_json_names_file_and_line() -> None:
    with pytest.raises(RecordingError) as info:
        parse_recording('{\n  "operation": "x",\n  "body": }\n', "usage/costs.json")
    assert info.value.file == "usage/costs.json"
    message = str(info.value)
    assert message.startswith("usage/costs.json: not JSON: ")
    assert "line 3 column" in message


def test_not_an_object() -> None:
    with pytest.raises(RecordingError, match="a recording must be a JSON object"):
        parse_recording("[1, 2]", "r.json")


def test_missing_operation() -> None:
    with pytest.raises(RecordingError) as info:
        parse_recording(json.dumps(raw_recording(operation=None)), "r.json")
    assert info.value.message == "missing required field 'operation'"
    assert info.value.pointer == "/operation"
    assert str(info.value) == "r.json#/operation: missing required field 'operation'"


def test_missing_body() -> None:
    with pytest.raises(RecordingError) as info:
        parse_recording(json.dumps(raw_recording(body=None)), "r.json")
    assert info.value.message == "missing required field 'body'"
    assert info.value.pointer == "/body"


def test_null_body_is_present_not_missing() -> None:
    raw = raw_recording(status=204)
    raw["body"] = None
    assert parse_recording(json.dumps(raw), "r.json").body is None


def test_unknown_extra_field() -> None:
    with pytest.raises(RecordingError) as info:
        parse_recording(json.dumps(raw_recording(bodyy={"typo": True})), "r.json")
    assert info.value.message == "unknown field 'bodyy'"
    assert info.value.pointer == "/bodyy"


def test_unknown_field_in_provenance_points_into_it() -> None:
    raw = raw_recording(provenance={"source": "live", "when": "now"})
    with pytest.raises(RecordingError) as info:
        parse_recording(json.dumps(raw), "r.json")
    assert info.value.pointer == "/provenance/when"
    assert info.value.message == "unknown field 'when'"


def test_wrong_type_and_wrong_format() -> None:
    with pytest.raises(RecordingError) as info:
        parse_recording(json.dumps(raw_recording(status="ok")), "r.json")
    assert info.value.pointer == "/status"
    with pytest.raises(RecordingError) as info:
        parse_recording(json.dumps(raw_recording(format="apidrift.recording/2")), "r.json")
    assert info.value.pointer == "/format"


def test_load_recordings_keeps_good_and_reports_broken(tmp_path: Path) -> None:
    folder = tmp_path / "recordings"
    (folder / "v1").mkdir(parents=True)
    (folder / "v1" / "good.json").write_text(json.dumps(raw_recording()), encoding="utf-8")
    (folder / "v1" / "broken.json").write_text(json.dumps(raw_recording(operation=None)), encoding="utf-8")
    (folder / "v1" / "notes.txt").write_text("not a recording", encoding="utf-8")
    result = load_recordings(folder)
    assert result.folder == folder
    assert [r.file for r in result.recordings] == ["v1/good.json"]
    assert result.recordings[0].recording.operation == "list-projects"
    assert len(result.errors) == 1
    assert result.errors[0].file == "v1/broken.json"
    assert result.errors[0].pointer == "/operation"


def test_load_recordings_reports_undecodable_file(tmp_path: Path) -> None:
    (tmp_path / "latin1.json").write_bytes(b'{"body": "caf\xe9"}')
    result = load_recordings(tmp_path)
    assert result.recordings == []
    assert [e.file for e in result.errors] == ["latin1.json"]
    assert result.errors[0].message == "not UTF-8: byte 0xe9 at line 1 column 14"


def test_load_recordings_missing_folder(tmp_path: Path) -> None:
    result = load_recordings(tmp_path / "absent")
    assert result.recordings == []
    assert len(result.errors) == 1
    assert result.errors[0].message == "no such recordings folder"
    assert result.errors[0].file == str(tmp_path / "absent")


def test_to_json_round_trips() -> None:
    recording = parse_recording(json.dumps(raw_recording()), "r.json")
    text = recording.to_json()
    assert text.endswith("\n")
    again = parse_recording(text, "r.json")
    assert again == recording
    assert again.body["data"][0]["archived_at"] is None  # nulls inside the body survive


def test_to_json_omits_absent_provenance() -> None:
    recording = Recording(operation="x", method="GET", path="/x", status=200, body=[])
    assert "provenance" not in json.loads(recording.to_json())


def test_to_json_round_trips_null_body() -> None:
    recording = Recording(operation="delete-x", method="DELETE", path="/x", status=200, body=None)
    assert parse_recording(recording.to_json(), "r.json") == recording


def test_write_recordings_then_load(tmp_path: Path) -> None:
    recording = parse_recording(json.dumps(raw_recording()), "r.json")
    write_recordings(tmp_path / "out", [("a.json", recording), ("b.json", recording)])
    result = load_recordings(tmp_path / "out")
    assert result.errors == []
    assert [(r.file, r.recording) for r in result.recordings] == [
        ("a.json", recording),
        ("b.json", recording),
    ]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("list-projects", "list-projects"),
        ("../../../x", "______x"),
        ("a/b", "a_b"),
        (".hidden", "_hidden"),
        ("..", "_"),
        ("", "_"),
        ("C:\\evil", "C_evil"),
        ("x" * 300, "x" * 100),
    ],
)
def test_a_name_becomes_one_safe_file_name(text: str, name: str) -> None:
    assert safe_file_name(text) == name


@given(st.text(max_size=40))
def test_no_text_makes_a_file_name_that_leaves_its_folder(text: str) -> None:
    name = safe_file_name(text)
    assert name and "/" not in name and "\\" not in name and not name.startswith(".") and ".." not in name


def test_write_recordings_refuses_a_name_that_is_not_one_safe_file(tmp_path: Path) -> None:
    recording = parse_recording(json.dumps(raw_recording()), "r.json")
    with pytest.raises(RecordingError, match="not a safe file name"):
        write_recordings(tmp_path / "out", [("../escaped.json", recording)])
    assert not (tmp_path / "escaped.json").exists()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=60, deadline=None)
@given(body=JSON.filter(lambda b: b is not None), status=st.integers(100, 599))
def test_to_json_round_trips_any_non_null_body(body: Any, status: int) -> None:
    recording = Recording(operation="op", method="GET", path="/p", status=status, body=body)
    assert parse_recording(recording.to_json(), "r.json") == recording
