"""contracts/soundness.py: unsound schemas are refused at load with FILE#POINTER, unknown keywords noted,
and nothing a contract says can make loading or validating reach the network."""

from __future__ import annotations

import copy
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_contracts import CONTRACT, SCHEMAS, write_contract

from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import load_version
from apidrift.contracts.soundness import check_cycles, check_schema
from apidrift.errors import ContractError


def _with_def(name: str, schema: Any) -> dict[str, Any]:
    schemas = copy.deepcopy(SCHEMAS)
    schemas["$defs"][name] = schema
    return schemas


def _load_error(tmp_path: Path, schemas: Any) -> ContractError:
    with pytest.raises(ContractError) as info:
        load_version(write_contract(tmp_path / "v1", schemas=schemas))
    return info.value


@pytest.mark.parametrize(
    ("schema", "pointer", "message"),
    [
        ({"type": 5}, "/$defs/Bad/type", "not a valid JSON Schema: 5 is not valid under any"),
        (
            {"properties": {"a": {"minimum": "x"}}},
            "/$defs/Bad/properties/a/minimum",
            'not a valid JSON Schema: "x"',
        ),
        ({"type": "string", "pattern": "(["}, "/$defs/Bad/pattern", "'([' is not a regular expression"),
        ({"patternProperties": {"([": {}}}, "/$defs/Bad/patternProperties/([", "is not a regular expression"),
        ({"$id": "http://127.0.0.1:9/x"}, "/$defs/Bad/$id", "$id is not allowed in a contract"),
        ({"items": {"$dynamicRef": "#meta"}}, "/$defs/Bad/items/$dynamicRef", "$dynamicRef is not allowed"),
        ({"$schema": "http://127.0.0.1:9/meta"}, "/$defs/Bad/$schema", "is not supported: contracts are"),
        # Deep pointers (built only once something is wrong): names escaped, list items by index.
        (
            {"properties": {"a/b": {"anyOf": [{}, {"properties": {"c~d": {"pattern": "(["}}}]}}},
            "/$defs/Bad/properties/a~1b/anyOf/1/properties/c~0d/pattern",
            "is not a regular expression",
        ),
        (
            {"items": {"patternProperties": {"x/y": {"$anchor": "z"}}}},
            "/$defs/Bad/items/patternProperties/x~1y/$anchor",
            "$anchor is not allowed",
        ),
    ],
)
def test_unsound_schemas_are_refused_with_file_and_pointer(
    tmp_path: Path, schema: Any, pointer: str, message: str
) -> None:
    error = _load_error(tmp_path, _with_def("Bad", schema))
    assert error.file is not None and error.file.endswith("schemas.json")
    assert error.pointer == pointer
    assert message in error.message


def test_the_2020_12_dialect_itself_is_accepted(tmp_path: Path) -> None:
    schemas = _with_def("Ok", {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "string"})
    assert "Ok" in load_version(write_contract(tmp_path / "v1", schemas=schemas)).schemas


@pytest.mark.parametrize(
    "defs",
    [
        {"A": {"allOf": [{"$ref": "#/$defs/A"}]}},
        {"A": {"$ref": "#/$defs/A"}},
        {"A": {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/B"}]}, "B": {"not": {"$ref": "#/$defs/A"}}},
    ],
)
def test_reference_cycles_that_never_descend_are_refused(tmp_path: Path, defs: dict[str, Any]) -> None:
    schemas = copy.deepcopy(SCHEMAS)
    schemas["$defs"].update(defs)
    error = _load_error(tmp_path, schemas)
    assert "refers to itself without descending into the instance" in error.message
    assert error.pointer.startswith("/$defs/")


def test_recursion_through_properties_or_items_is_a_tree_and_is_fine() -> None:
    tree = {
        "Node": {
            "type": "object",
            "properties": {"children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}},
            "additionalProperties": {"$ref": "#/$defs/Node"},
        }
    }
    check_cycles(tree, file="s.json", prefixes=("#/$defs/",))


def test_unknown_keywords_are_noted_with_a_did_you_mean() -> None:
    notes = check_schema(
        {"type": "object", "requried": ["a"], "properties": {"a": {"x-vendor": 1, "fromat": "date"}}},
        file="s.json",
        pointer="/$defs/W",
    )
    assert sorted(str(n) for n in notes) == [
        "s.json#/$defs/W/properties/a/fromat: unknown keyword 'fromat' is ignored (did you mean 'format'?)",
        "s.json#/$defs/W/requried: unknown keyword 'requried' is ignored (did you mean 'required'?)",
    ]


def test_notes_of_a_loaded_version_include_operation_schemas(tmp_path: Path) -> None:
    contract = copy.deepcopy(CONTRACT)
    contract["operations"][0]["responses"]["200"]["schema"] = {
        "$ref": "schemas.json#/$defs/Widget",
        "nulable": 1,
    }
    version = load_version(write_contract(tmp_path / "v1", contract=contract))
    assert [n.pointer for n in version.notes] == ["/operations/0/responses/200/schema/nulable"]


@pytest.fixture
def tripwire() -> Iterator[tuple[int, list[bytes]]]:
    """A server on 127.0.0.1 that records every connection: the test fails if anything connects."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    contacts: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(1)
                contacts.append(conn.recv(1024))
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], contacts
    stop.set()
    thread.join()
    server.close()


def test_loading_and_validating_never_open_a_socket(
    tmp_path: Path, tripwire: tuple[int, list[bytes]]
) -> None:
    port, contacts = tripwire
    remote = f"http://127.0.0.1:{port}/schema.json"
    attempts: list[Any] = [
        {"$id": remote, "$ref": "#/$defs/Owner"},
        {"$schema": remote},
        {"$ref": remote},
        {"$dynamicRef": f"{remote}#meta"},
    ]
    for i, schema in enumerate(attempts):
        with pytest.raises(ContractError):
            load_version(write_contract(tmp_path / f"v{i}", schemas=_with_def("Remote", schema)))
    contract = copy.deepcopy(CONTRACT)
    contract["operations"][0]["responses"]["200"]["schema"] = {"$ref": remote}
    with pytest.raises(ContractError):
        load_version(write_contract(tmp_path / "op", contract=contract))
    # And a sound version validates without a socket either.
    version = load_version(write_contract(tmp_path / "sound"))
    assert not ResponseValidator(version).validate("get-widget", 200, 42).valid
    assert contacts == []
