"""Servers, request body encoding and XML keywords: kept by the importer and the contract files, and
compared by the diff (the peer corpus's `written/api_server_*`, `request_encoding_*` and `xml_*`
pairs check each rule both ways; these check what the pairs cannot)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apidrift.contracts.model import CONTRACT_FILE, ContractStore, ContractVersion, load_version
from apidrift.contracts.transport import Server, ServerVariable
from apidrift.diff.changes import ChangeKind, Severity, Side
from apidrift.diff.engine import diff_versions
from apidrift.openapi.convert import import_document

K = ChangeKind
PET = {"$ref": "#/components/schemas/Pet"}


def document(**overrides: Any) -> dict[str, Any]:
    """A small document with document-, path- and operation-level servers, an encoded multipart
    body and an XML body."""
    doc: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "servers": [
            {
                "url": "https://{region}.example.com/{base}",
                "variables": {
                    "region": {"default": "us", "enum": ["us", "eu"]},
                    "base": {"default": "v1"},
                },
            }
        ],
        "paths": {
            "/pets": {
                "servers": [{"url": "https://upload.example.com"}],
                "post": {
                    "operationId": "addPet",
                    "requestBody": {
                        "content": {
                            "multipart/form-data": {
                                "schema": {"type": "object", "properties": {"photo": {"type": "string"}}},
                                "encoding": {
                                    "photo": {
                                        "contentType": "image/png",
                                        "headers": {
                                            "X-Sum": {"required": True, "schema": {"type": "string"}}
                                        },
                                        "x-note": "dropped",
                                    }
                                },
                            }
                        }
                    },
                    "responses": {
                        "200": {"description": "ok", "content": {"application/xml": {"schema": PET}}}
                    },
                },
                "get": {
                    "operationId": "listPets",
                    "servers": [{"url": "https://read.example.com"}],
                    "responses": {"200": {"description": "ok"}},
                },
            },
            "/health": {"get": {"operationId": "health", "responses": {"200": {"description": "ok"}}}},
        },
        "components": {
            "schemas": {
                "Pet": {
                    "type": "object",
                    "xml": {"name": "pet", "namespace": "urn:pets", "x-other": 1},
                    "properties": {"id": {"type": "integer", "xml": {"attribute": True}}},
                }
            }
        },
    }
    doc.update(overrides)
    return doc


def imported(doc: dict[str, Any], label: str = "v1") -> ContractVersion:
    return import_document(doc, api="t", version=label).version


def test_the_import_keeps_servers_encoding_and_xml_and_the_files_give_them_back(tmp_path: Path) -> None:
    version = imported(document())
    assert version.servers == ("https://us.example.com/v1",)  # resolved, as the simulator reads them
    assert version.server_specs == (
        Server(
            "https://{region}.example.com/{base}",
            {"region": ServerVariable("us", ("us", "eu")), "base": ServerVariable("v1")},
        ),
    )
    add, listing, health = (version.operations[i] for i in ("addPet", "listPets", "health"))
    assert add.servers == (Server("https://upload.example.com"),)  # the path item's
    assert listing.servers == (Server("https://read.example.com"),)  # its own, over the path item's
    assert health.servers == ()  # the document's
    assert add.request_body is not None
    assert add.request_body.encoding == {
        "multipart/form-data": {
            "photo": {"contentType": "image/png", "headers": {"X-Sum": {"required": True}}}
        }
    }
    assert version.schemas["Pet"]["xml"] == {"name": "pet", "namespace": "urn:pets"}
    version.write(tmp_path / "v1")
    again = load_version(tmp_path / "v1")
    assert again.server_specs == version.server_specs and again.servers == version.servers
    assert again.operations == version.operations
    assert again.schemas == version.schemas
    assert not diff_versions(version, again).changes


def test_contracts_without_them_are_written_as_before() -> None:
    # The bundled contracts (plain server URLs, no encoding, no xml) come out byte for byte.
    store = ContractStore()
    for label in ("2026-04-30", "2026-05-02"):
        version = store.load(label)
        assert version.folder is not None
        written = json.dumps(version.to_files()[CONTRACT_FILE], indent=2, ensure_ascii=False) + "\n"
        assert written == (version.folder / CONTRACT_FILE).read_text(encoding="utf-8")


def test_a_document_server_change_is_one_finding_not_one_per_operation() -> None:
    old = imported(document())
    doc = document()
    doc["servers"][0]["variables"]["region"]["enum"] = ["us"]
    changes = diff_versions(old, imported(doc, "v2")).changes
    assert [(c.kind, c.severity, c.operation, c.side) for c in changes] == [
        (K.SERVER_VARIABLE_NARROWED, Severity.BREAKING, None, Side.OPERATION)
    ]
    assert changes[0].path == "servers[https://{region}.example.com/{base}].variables.region"
    assert changes[0].old == ["us", "eu"] and changes[0].new == ["us"]


def test_an_operation_that_drops_its_servers_is_compared_with_the_documents() -> None:
    doc = document()
    del doc["paths"]["/pets"]["get"]["servers"]
    changes = diff_versions(imported(document()), imported(doc, "v2")).changes
    # listPets now uses its path item's server: the one it used is gone, another came.
    assert sorted((c.kind, c.operation, c.old, c.new) for c in changes) == [
        (K.SERVER_ADDED, "GET /pets", None, "https://upload.example.com"),
        (K.SERVER_REMOVED, "GET /pets", "https://read.example.com", None),
    ]


def test_a_variable_that_allowed_only_its_default_is_removed_as_info() -> None:
    doc = document()
    doc["servers"][0]["variables"]["region"]["enum"] = ["us"]
    narrowed = imported(doc)
    doc = document()
    doc["servers"] = [{"url": "https://us.example.com/{base}", "variables": {"base": {"default": "v1"}}}]
    changes = diff_versions(narrowed, imported(doc, "v2")).changes
    assert [(c.kind, c.severity) for c in changes] == [(K.SERVER_VARIABLE_REMOVED, Severity.INFO)]
    # One that offered another value takes that choice away.
    changes = diff_versions(imported(document()), imported(doc, "v2")).changes
    assert [(c.kind, c.severity) for c in changes] == [(K.SERVER_VARIABLE_REMOVED, Severity.BREAKING)]


def test_a_side_without_servers_says_nothing() -> None:
    doc = document()
    del doc["servers"]
    assert not [
        c for c in diff_versions(imported(document()), imported(doc, "v2")).changes if c.operation is None
    ]


def test_an_encoding_part_without_content_type_takes_the_one_its_schema_gives() -> None:
    doc = document()
    content = doc["paths"]["/pets"]["post"]["requestBody"]["content"]["multipart/form-data"]
    content["encoding"]["photo"]["contentType"] = "text/plain"  # what a string part is sent as anyway
    before = imported(doc)
    del content["encoding"]["photo"]["contentType"]
    assert not diff_versions(before, imported(doc, "v2")).changes
    # A binary string is sent as application/octet-stream: text/plain does not cover it.
    content["schema"]["properties"]["photo"]["format"] = "binary"
    changes = diff_versions(before, imported(doc, "v2")).changes
    assert (K.ENCODING_CONTENT_TYPE_NARROWED, Severity.BREAKING) in [(c.kind, c.severity) for c in changes]


def test_xml_changes_are_graded_for_responses_and_grouped_by_their_schema() -> None:
    doc = document()
    doc["components"]["schemas"]["Pet"]["properties"]["id"]["xml"] = {"attribute": False, "name": "ident"}
    changes = diff_versions(imported(document()), imported(doc, "v2")).changes
    assert sorted((c.kind, c.side, c.severity, c.path, c.old, c.new) for c in changes) == [
        (K.XML_ATTRIBUTE_CHANGED, Side.RESPONSE, Severity.BREAKING, "id", True, False),
        (K.XML_NAME_CHANGED, Side.RESPONSE, Severity.BREAKING, "id", "id", "ident"),
    ]
    assert {c.origin for c in changes} == {"Pet.id"}


_names = st.text(alphabet="abcxyz", min_size=1, max_size=4)
_variable = st.fixed_dictionaries(
    {"default": _names}, optional={"enum": st.lists(_names, min_size=1, max_size=3, unique=True)}
)
_server = st.fixed_dictionaries(
    {"url": st.sampled_from(["https://{a}.example.com", "/v1", "https://x.example.com/{a}/{b}"])},
    optional={"variables": st.dictionaries(st.sampled_from(["a", "b"]), _variable, max_size=2)},
)
_encoding = st.fixed_dictionaries(
    {},
    optional={
        "contentType": st.sampled_from(["image/png", "text/*, application/json"]),
        "style": st.sampled_from(["form", "deepObject"]),
        "explode": st.booleans(),
        "allowReserved": st.booleans(),
        "headers": st.dictionaries(_names, st.fixed_dictionaries({"required": st.booleans()}), max_size=2),
    },
)
_xml = st.fixed_dictionaries(
    {},
    optional={
        "name": _names,
        "namespace": st.just("urn:x"),
        "prefix": _names,
        "attribute": st.booleans(),
        "wrapped": st.booleans(),
    },
)


@settings(max_examples=40, deadline=None)
@given(
    servers=st.lists(_server, max_size=3),
    path_servers=st.lists(_server, max_size=2),
    encoding=st.dictionaries(st.sampled_from(["photo", "tags"]), _encoding, max_size=2),
    xml=_xml,
    media=st.sampled_from(["multipart/form-data", "application/x-www-form-urlencoded"]),
)
def test_a_version_diffed_with_itself_is_empty_with_these_keys_present(
    servers: list[Any], path_servers: list[Any], encoding: dict[str, Any], xml: dict[str, Any], media: str
) -> None:
    doc = document(servers=servers)
    pets = doc["paths"]["/pets"]
    pets["servers"] = path_servers
    content = pets["post"]["requestBody"]["content"]
    content[media] = {**content.pop("multipart/form-data"), "encoding": encoding}
    content["application/xml"] = {"schema": PET}
    doc["components"]["schemas"]["Pet"]["xml"] = xml
    doc["components"]["schemas"]["Pet"]["properties"]["tags"] = {"type": "array", "xml": xml, "items": {}}
    one, other = imported(doc), imported(copy.deepcopy(doc), "v2")
    assert diff_versions(one, other).changes == []
    assert diff_versions(one, one).changes == []


def test_part_headers_compare_case_insensitively_and_content_type_is_the_parts_own() -> None:
    doc = document()
    photo = doc["paths"]["/pets"]["post"]["requestBody"]["content"]["multipart/form-data"]["encoding"][
        "photo"
    ]
    photo["headers"] = {"x-sum": {"required": True}, "Content-Type": {"required": True}}
    changes = diff_versions(imported(document()), imported(doc, "v2")).changes
    assert changes == []  # X-Sum respelt; a Content-Type header is never read (contentType says it)
    photo["headers"] = {"X-Sum": {"required": False}}
    changes = diff_versions(imported(document()), imported(doc, "v2")).changes
    assert [(c.kind, c.severity, c.path) for c in changes] == [
        (K.ENCODING_HEADER_BECAME_OPTIONAL, Severity.INFO, "multipart/form-data photo X-Sum")
    ]


def test_odd_server_urls_are_compared_as_written() -> None:
    doc = document(servers=[{"url": "https://[broken/v1"}, {"url": ""}, {"url": "/"}])
    assert diff_versions(imported(doc), imported(copy.deepcopy(doc), "v2")).changes == []
    other = document(servers=[{"url": "https://[broken/v2"}, {"url": "/"}])
    changes = diff_versions(imported(doc), imported(other, "v2")).changes
    assert sorted((c.kind.value, c.old, c.new) for c in changes) == [
        ("server-added", None, "https://[broken/v2"),
        ("server-removed", "https://[broken/v1", None),
    ]


def test_the_default_content_type_of_a_part_follows_its_schema() -> None:
    from apidrift.check.shapes import SchemaFlattener
    from apidrift.diff.rules.encoding import default_content_type

    properties = {
        "meta": {"type": "object"},
        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
        "count": {"type": "integer"},
        "either": {"type": ["string", "object"]},
    }
    shapes = SchemaFlattener({}, detail=True).flatten({"type": "object", "properties": properties})
    assert [default_content_type(shapes, p) for p in [*properties, "unknown"]] == [
        "application/json",
        "application/octet-stream",
        "text/plain",
        None,  # two types: OpenAPI gives no one default
        None,  # not a property the body documents
    ]


def test_no_counterexample_is_searched_for_an_xml_change(monkeypatch: pytest.MonkeyPatch) -> None:
    # The same values written as other XML: no JSON instance tells the two apart, so none is sought.
    from apidrift.diff import counterexamples

    def searched(*_: object) -> None:
        raise AssertionError("a counterexample was searched for")

    monkeypatch.setattr(counterexamples, "find_counterexample", searched)
    doc = document()
    doc["components"]["schemas"]["Pet"]["xml"]["name"] = "animal"
    old, new = imported(document()), imported(doc, "v2")
    diff = diff_versions(old, new)
    assert [c.kind for c in diff.changes] == [K.XML_NAME_CHANGED]
    assert counterexamples.attach_counterexamples(diff, old, new) == 0
