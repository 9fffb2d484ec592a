"""Hostile OpenAPI documents: alias bombs, recursive aliases, deep nesting and unsound schemas are one
clear error naming the document and the pointer, found before anything is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apidrift.errors import OpenAPIError
from apidrift.openapi.components import FindingKind
from apidrift.openapi.sources import import_openapi_file
from cli_support import run_cli

HEAD = 'openapi: 3.1.0\ninfo: {title: t, version: "1"}\n'


def _operation(example: str = "[]", schema: str = "{type: array}") -> str:
    return (
        "paths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n"
        "          description: ok\n          content:\n            application/json:\n"
        f"              schema: {schema}\n              example: {example}\n"
    )


def _bomb(levels: int) -> str:
    lines = ['x-0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        lines.append(f"x-{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _import_error(tmp_path: Path, text: str) -> OpenAPIError:
    spec = tmp_path / "spec.yaml"
    spec.write_text(text)
    with pytest.raises(OpenAPIError) as info:
        import_openapi_file(spec, use_cache=False)
    return info.value


def test_an_alias_bomb_under_1_5_kb_is_refused(tmp_path: Path) -> None:
    text = HEAD + _bomb(9) + _operation(example="*l9")
    assert len(text) < 1500
    error = _import_error(tmp_path, text)
    assert "aliases expand this document past 10,000,000 values" in error.message
    assert error.file is not None and error.file.endswith("spec.yaml")


def test_a_recursive_alias_is_refused_with_its_pointer(tmp_path: Path) -> None:
    error = _import_error(tmp_path, HEAD + _operation(example="&x [1, *x]"))
    assert error.message == "an alias refers to a node that contains it (recursive data)"
    assert error.pointer == "/paths/~1a/get/responses/200/content/application~1json/example/1"


def test_deep_flow_nesting_is_refused(tmp_path: Path) -> None:
    error = _import_error(tmp_path, HEAD + _operation(example="[" * 5000 + "]" * 5000))
    assert error.message.endswith(": exceeded maximum nesting depth")


def test_a_schema_whose_all_of_refers_to_itself_is_refused_at_import(tmp_path: Path) -> None:
    components = (
        "components:\n  schemas:\n    A:\n      allOf:\n        - $ref: '#/components/schemas/A'\n"
        "        - {type: object}\n"
    )
    error = _import_error(tmp_path, HEAD + _operation(schema="{$ref: '#/components/schemas/A'}") + components)
    assert error.pointer == "/components/schemas/A"
    assert "refers to itself without descending into the instance (A -> A)" in error.message


def test_an_invalid_pattern_inline_in_an_operation_names_the_operation_and_the_keyword(
    tmp_path: Path,
) -> None:
    # It once pointed at `#/pattern`, a place no document has.
    error = _import_error(
        tmp_path, HEAD + _operation(schema="{type: object, properties: {a: {pattern: '(['}}}")
    )
    assert error.pointer == "/paths/~1a/get"
    assert "response 200 at properties/a/pattern: '([' is not a regular expression" in error.message


def test_keywords_the_metaschema_refuses_are_repaired_or_dropped_with_a_finding(tmp_path: Path) -> None:
    components = (
        "components:\n  schemas:\n    A: {type: object, required: [id, id, name], maxLength: -1,"
        " properties: {id: {type: 5}, name: {type: string}}}\n"
    )
    spec = tmp_path / "spec.yaml"
    spec.write_text(HEAD + _operation(schema="{$ref: '#/components/schemas/A'}") + components)
    result = import_openapi_file(spec, use_cache=False)
    repaired = sorted(
        (f.pointer, f.message) for f in result.problems if f.kind is FindingKind.SCHEMA_REPAIRED
    )
    assert [p for p, _ in repaired] == [
        "/components/schemas/A/maxLength",
        "/components/schemas/A/properties/id/type",
        "/components/schemas/A/required",
    ]
    assert repaired[2][1] == "duplicates removed from 'required'"
    assert repaired[0][1].startswith("dropped: -1 is less than the minimum of 0")
    schema = result.version.schemas["A"]
    assert schema["required"] == ["id", "name"] and "maxLength" not in schema
    assert schema["properties"]["id"] == {}


def test_an_invalid_keyword_under_not_takes_the_not_with_it(tmp_path: Path) -> None:
    # libopenapi's schema tests write `not: {type: bool}`: dropping `type` alone would leave `not: {}`,
    # which refuses every value; the repair may only ever admit more, so the `not` goes. A property
    # named `not` is a name, repaired like any other.
    components = (
        "components:\n  schemas:\n    A: {type: object, properties: {not: {type: bool}}, not: {type: bool}}\n"
    )
    spec = tmp_path / "spec.yaml"
    spec.write_text(HEAD + _operation(schema="{$ref: '#/components/schemas/A'}") + components)
    result = import_openapi_file(spec, use_cache=False)
    repaired = sorted(f.pointer for f in result.problems if f.kind is FindingKind.SCHEMA_REPAIRED)
    assert repaired == ["/components/schemas/A/not", "/components/schemas/A/properties/not/type"]
    assert result.version.schemas["A"] == {"type": "object", "properties": {"not": {}}}


def test_unknown_keywords_are_import_findings_with_a_did_you_mean(tmp_path: Path) -> None:
    components = "components:\n  schemas:\n    A: {type: object, requried: [x]}\n"
    spec = tmp_path / "spec.yaml"
    spec.write_text(HEAD + _operation(schema="{$ref: '#/components/schemas/A'}") + components)
    result = import_openapi_file(spec, use_cache=False)
    unknown = [f for f in result.problems if f.kind is FindingKind.UNKNOWN_KEYWORD]
    assert [(f.pointer, f.message) for f in unknown] == [
        ("/components/schemas/A/requried", "unknown keyword 'requried' is ignored (did you mean 'required'?)")
    ]


def test_the_command_line_shows_one_error_line_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "bomb.yaml").write_text(HEAD + _bomb(9) + _operation(example="*l9"))
    done = run_cli(
        "import-openapi", "bomb.yaml", "--contracts", "contracts", "--version", "1.0", cwd=tmp_path
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: bomb.yaml#/") and len(done.stderr.splitlines()) == 1
    assert not (tmp_path / "contracts").exists()


@pytest.mark.parametrize(("levels", "refused"), [(256, False), (257, True)])
def test_yaml_nesting_is_bounded_without_aliases(tmp_path: Path, levels: int, refused: bool) -> None:
    """A plain YAML tree skips the alias walk: its depth, counted while it is built, must still be
    refused exactly where the walk refuses it, with the walk's pointer."""
    deep = "x-deep: " + "[" * levels + "]" * levels + "\n"
    spec = tmp_path / "spec.yaml"
    spec.write_text(HEAD + deep + _operation())
    if not refused:
        assert import_openapi_file(spec, use_cache=False).version.operations
        return
    error = _import_error(tmp_path, HEAD + deep + _operation())
    assert error.message == "nested deeper than 256 levels"
    assert error.pointer == "/x-deep" + "/0" * 256


def test_import_openapi_takes_the_contracts_root_as_every_command_names_it(tmp_path: Path) -> None:
    spec = Path(__file__).resolve().parents[2] / "examples/petstore/openapi/petstore-2025-01-15.yaml"
    done = run_cli("import-openapi", str(spec), "--contracts", "roots", "--version", "9.9", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert list((tmp_path / "roots").glob("*/9.9/contract.json"))


def _json_error(tmp_path: Path, text: str) -> OpenAPIError:
    spec = tmp_path / "spec.json"
    spec.write_text(text)
    with pytest.raises(OpenAPIError) as info:
        import_openapi_file(spec, use_cache=False)
    return info.value


JSON_HEAD = '{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}, '


@pytest.mark.parametrize(
    ("extra", "pointer", "message"),
    [
        ('"x-n": ' + "9" * 100_000, "/x-n", "has more than 4,300 digits"),
        ('"x-n": {"max": 1e999999}', "/x-n/max", "1e999999 is too large for a JSON number"),
        ('"x-s": ["\\ud800 pets"]', "/x-s/0", "a lone surrogate"),
    ],
)
def test_json_values_no_contract_can_hold_are_refused_with_their_pointer(
    tmp_path: Path, extra: str, pointer: str, message: str
) -> None:
    error = _json_error(tmp_path, JSON_HEAD + extra + "}")
    assert error.pointer == pointer and message in error.message


def test_a_yaml_integer_past_the_digit_limit_is_refused_with_its_line(tmp_path: Path) -> None:
    error = _import_error(tmp_path, HEAD + "x-n: " + "9" * 5000 + "\n" + _operation())
    assert (
        error.message
        == "neither YAML nor JSON at line 3 column 6: an integer of 5,000 characters is too long to read"
    )


@pytest.mark.parametrize(
    ("paths", "pointer", "message"),
    [
        ("paths:\n  12: {}\n", "/paths/12", "a path must be text, not an integer (12): quote it"),
        ("paths:\n  ~: {}\n", "/paths/None", "a path must be text, not null (None): quote it"),
        ("paths:\n  true: {}\n", "/paths/True", "a path must be text, not a boolean (True): quote it"),
        ("paths:\n  /a: just text\n", "/paths/~1a", "a path item must be a mapping, not text"),
        ("paths:\n  /a:\n    get: [1]\n", "/paths/~1a/get", "an operation must be a mapping, not a list"),
    ],
)
def test_paths_that_would_be_dropped_unsaid_are_errors_with_their_pointer(
    tmp_path: Path, paths: str, pointer: str, message: str
) -> None:
    error = _import_error(tmp_path, HEAD + paths)
    assert (error.pointer, error.message) == (pointer, message)


def test_content_that_is_not_a_mapping_is_an_error_with_its_pointer(tmp_path: Path) -> None:
    text = HEAD + "paths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok, content: x}\n"
    error = _import_error(tmp_path, text)
    assert error.pointer == "/paths/~1a/get/responses/200/content"
    assert error.message == "'content' must be a mapping of media types, not text"


def test_an_extension_under_paths_may_be_anything(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(HEAD + _operation().replace("paths:\n", "paths:\n  x-note: some text\n", 1))
    assert list(import_openapi_file(spec, use_cache=False).version.operations) == ["getA"]


def test_a_ref_percent_encoded_or_pointer_escaped_finds_its_component(tmp_path: Path) -> None:
    text = HEAD + _operation(example="[]", schema="{$ref: '#/components/schemas/%4Cist'}")
    text += "components:\n  schemas:\n    List: {type: array}\n"
    spec = tmp_path / "spec.yaml"
    spec.write_text(text)
    version = import_openapi_file(spec, use_cache=False).version
    assert "List" in version.schemas


def test_a_ref_to_a_name_openapi_forbids_says_so_instead_of_dangling(tmp_path: Path) -> None:
    text = HEAD + _operation(example="[]", schema="{$ref: '#/components/schemas/a~1b'}")
    text += "components:\n  schemas:\n    a/b: {type: array}\n"
    error = _import_error(tmp_path, text)
    assert "names component 'a/b', not a name OpenAPI allows" in error.message
    assert error.pointer == "/paths/~1a/get/responses/200/content/application~1json/schema/$ref"


@pytest.mark.parametrize(
    ("schema", "verdict"), [("true", "1 of 1 responses valid"), ("false", "0 of 1 responses valid")]
)
def test_a_boolean_schema_is_imported_and_checked_as_what_it_admits(
    tmp_path: Path, schema: str, verdict: str
) -> None:
    text = HEAD + _operation(example="[]", schema="{$ref: '#/components/schemas/Any'}")
    (tmp_path / "spec.yaml").write_text(text + f"components:\n  schemas:\n    Any: {schema}\n")
    done = run_cli("import-openapi", "spec.yaml", "--contracts", "c", "--api", "t", "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    recs = tmp_path / "recs"
    recs.mkdir()
    recording = {
        "format": "apidrift.recording/1", "operation": "getA", "method": "GET", "path": "/a", "status": 200,
        "headers": {}, "query": {}, "body": {"id": 1}, "provenance": {"source": "t", "version": "1"},
    }  # fmt: skip
    (recs / "a.json").write_text(json.dumps(recording))
    done = run_cli(
        "check", "--contracts", "c", "--api", "t", "--recordings", "recs", "--no-reports", cwd=tmp_path
    )
    assert "Traceback" not in done.stderr and "error:" not in done.stderr, done.stderr
    assert verdict in done.stdout
    assert done.returncode == (0 if schema == "true" else 1)
