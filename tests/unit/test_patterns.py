"""One regex engine for every `pattern`: linear time, `\\p{Lu}` supported, and a pattern it cannot run
reported at its schema location and skipped, never a false violation."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import jsonschema_rs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from apidrift.check.linear import LinearValidator
from apidrift.check.patterns import (
    UnsupportedPattern,
    compile_validator,
    engine_dialect,
    literal_braces,
    rs_registry,
    runnable,
    search,
    unsupported_patterns,
    why_unsupported,
)
from apidrift.check.recordings import Recording
from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractVersion, Operation, ResponseSpec
from apidrift.errors import ContractError
from apidrift.openapi.sources import import_openapi_file
from cli_support import run_cli

PATHOLOGICAL = "^(a+)+$"
EVIL_INPUT = "a" * 40 + "!"
# Matches `a…a!` by its second branch; a backtracking engine gives up in the first ("backtracking
# limit") and reports the matching value as a violation.
BLOWS_BACKTRACKING = r"^(?:(\w+\s?)*(?=x)x|a+!)$"
MATCHING = "a" * 30 + "!"


def test_the_engine_matches_as_ecma_test_does() -> None:
    assert search(PATHOLOGICAL, EVIL_INPUT) is False
    assert search(PATHOLOGICAL, "aaaa") is True
    assert search(r"\p{Lu}", "Sandbox") is True and search(r"\p{Lu}", "sandbox") is False
    assert search("b", "abc") is True  # unanchored, as `pattern` is
    assert search(r"(a)\1", "aa") is None and search("(?=a)a", "a") is None


def test_python_re_cannot_even_compile_a_unicode_class() -> None:
    """Why the simulator no longer validates with `re`: this was its 500."""
    with pytest.raises(re.error):
        re.compile(r"\p{Lu}")


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(?=a)a", "lookaround"),
        ("(?<!a)b", "lookaround"),
        (r"(a)\1", "backreference"),
        (r"(?<n>a)\k<n>", "backreference"),
        ("(", "invalid"),
        (r"^[\w.-]+$", None),
    ],
)
def test_why_a_pattern_cannot_run(pattern: str, reason: str | None) -> None:
    why = why_unsupported(pattern)
    assert why is None if reason is None else reason in str(why)


def test_unsupported_patterns_are_located_and_data_is_not_mistaken_for_keywords() -> None:
    schema = {
        "type": "object",
        "properties": {
            "code": {"type": "string", "pattern": "(?=x)x"},
            # A property named `pattern`, and example data with a `pattern` key: neither is a keyword.
            "pattern": {"type": "string", "examples": [{"pattern": "(?=y)y"}]},
            "tags": {"type": "array", "items": {"pattern": r"(a)\1"}},
        },
        "patternProperties": {"(?!z)": {"type": "integer"}, "^ok$": {"type": "string"}},
        "default": {"pattern": "(?=d)"},
    }
    found = unsupported_patterns(schema, "s.json#")
    assert {f.pointer for f in found} == {
        "s.json#/properties/code/pattern",
        "s.json#/properties/tags/items/pattern",
        "s.json#/patternProperties/(?!z)",
    }
    assert all(isinstance(f, UnsupportedPattern) and "not checked" in f.describe() for f in found)


def test_runnable_drops_only_what_cannot_run() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"pattern": "(?=x)x", "maxLength": 3}, "b": {"pattern": "^b+$"}},
        "patternProperties": {"(?!z)": {"type": "integer"}},
        "additionalProperties": False,
    }
    assert runnable(schema) == {
        "type": "object",
        "properties": {"a": {"maxLength": 3}, "b": {"pattern": "^b+$"}},
        "patternProperties": {},
    }
    untouched = {"properties": {"b": {"pattern": "^b+$"}}}
    assert runnable(untouched) is untouched


def test_a_pattern_that_blows_a_backtracking_engine_gives_no_false_violation() -> None:
    schema = {"type": "string", "pattern": BLOWS_BACKTRACKING}
    assert re.fullmatch(r"a+!", MATCHING)  # the value matches the second branch (Python re would hang)
    # jsonschema-rs's default (backtracking) engine reports it as a violation: the false finding.
    assert not jsonschema_rs.validator_for(schema).is_valid(MATCHING)
    assert compile_validator(schema).is_valid(MATCHING)
    assert list(LinearValidator(schema).iter_errors(MATCHING)) == []
    # What can run still runs: the rest of the schema is checked.
    assert not compile_validator({**schema, "maxLength": 3}).is_valid(MATCHING)


def test_the_python_validator_uses_the_same_engine() -> None:
    assert list(LinearValidator({"pattern": r"^\p{Lu}"}).iter_errors("Sandbox")) == []
    [error] = LinearValidator({"pattern": r"^\p{Lu}"}).iter_errors("sandbox")
    assert "does not match" in error.message
    [error] = LinearValidator({"pattern": PATHOLOGICAL}).iter_errors(EVIL_INPUT)
    assert error.validator == "pattern"


@pytest.mark.parametrize(
    "instance",
    [{"x_1": 1}, {"x_1": "one"}, {"y": 1}, {"name": "n", "x_2": 2}, {"name": 3}],
)
def test_pattern_properties_and_additional_properties_agree_with_jsonschema(
    instance: dict[str, object],
) -> None:
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string"}},
        "patternProperties": {"^x_\\d+$": {"type": "integer"}},
        "additionalProperties": False,
    }
    ours = sorted(e.json_path for e in LinearValidator(schema).iter_errors(instance))
    theirs = sorted(e.json_path for e in Draft202012Validator(schema).iter_errors(instance))
    assert ours == theirs


def test_additional_properties_next_to_a_pattern_that_cannot_run_is_skipped() -> None:
    schema = {"patternProperties": {"(?=x)x": {"type": "integer"}}, "additionalProperties": False}
    assert list(LinearValidator(schema).iter_errors({"xy": 1, "other": 2})) == []


def item_version() -> ContractVersion:
    item = {
        "type": "object",
        "properties": {
            "code": {"type": "string", "pattern": BLOWS_BACKTRACKING},
            "label": {"type": "string", "pattern": r"^\p{Lu}"},
        },
    }
    op = Operation("get-item", "GET", "/item", "", (), None, {"200": ResponseSpec("200", "ok", item, {})})
    listed = {"type": "array", "items": {"$ref": "schemas.json#/$defs/Item"}}
    ops = Operation(
        "list-items", "GET", "/items", "", (), None, {"200": ResponseSpec("200", "ok", listed, {})}
    )
    return ContractVersion("api", "v1", None, "", (), {"get-item": op, "list-items": ops}, {"Item": item})


def test_the_checker_skips_and_reports_a_pattern_it_cannot_run() -> None:
    validator = ResponseValidator(item_version())
    assert validator.validate("get-item", 200, {"code": MATCHING, "label": "Ab"}).valid
    assert validator.validate("list-items", 200, [{"code": MATCHING, "label": "Ab"}]).valid
    [violation] = validator.validate("list-items", 200, [{"code": MATCHING, "label": "ab"}]).violations
    assert violation.keyword == "pattern" and violation.field == "[].label"
    assert {p.pointer for p in validator.unsupported_patterns} == {
        "schemas.json#/$defs/Item/properties/code/pattern",
        "get-item/200#/properties/code/pattern",
    }


def test_apidrift_check_names_each_pattern_it_did_not_check(tmp_path: Path) -> None:
    item_version().write(tmp_path / "contracts" / "api" / "v1")
    (tmp_path / "recs").mkdir()
    body = {"code": MATCHING, "label": "Ab"}
    recording = Recording(operation="get-item", method="GET", path="/item", status=200, body=body)
    (tmp_path / "recs" / "get-item.json").write_text(recording.to_json())
    args = ("check", "--contracts", "contracts", "--api", "api", "--recordings", "recs")
    done = run_cli(*args, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 of 1 responses valid" in done.stdout
    lines = [line for line in done.stdout.splitlines() if line.startswith("documentation:")]
    assert lines == [
        f"documentation: pattern {BLOWS_BACKTRACKING!r} at v1/{where}/properties/code/pattern is not "
        "checked: it uses a lookaround, which linear-time matching cannot run"
        for where in ("schemas.json#/$defs/Item", "get-item/200#")
    ]


# --- ECMA-262 Annex B: a hyphen beside a class escape in brackets is a literal ------------------------


@pytest.mark.parametrize(
    ("pattern", "dialect"),
    [
        (r"^(?:[\w-./:]+)$", r"^(?:[\w\-./:]+)$"),  # oasdiff's openapi-test1.yaml
        (r"[\d-z]", r"[\d\-z]"),
        (r"[a-\d]", r"[a\-\d]"),
        (r"[^\s-x]", r"[^\s\-x]"),
        (r"[a-z-]", r"[a-z-]"),
        (r"[\w-]", r"[\w-]"),
        (r"\[\w-x\]", r"\[\w-x\]"),
        (r"a-\d", r"a-\d"),
    ],
)
def test_a_hyphen_ecma_reads_as_a_literal_is_escaped_for_the_engine(pattern: str, dialect: str) -> None:
    assert engine_dialect(pattern) == dialect
    assert why_unsupported(dialect) is None


@given(st.text(alphabet="ab-[]^\\wd.", max_size=12))
def test_a_pattern_the_engine_runs_is_left_as_it_is(pattern: str) -> None:
    if why_unsupported(pattern) is None:
        assert engine_dialect(pattern) == pattern
    assert engine_dialect(engine_dialect(pattern)) == engine_dialect(pattern)


def test_a_document_with_such_a_pattern_imports_and_checks_values(tmp_path: Path) -> None:
    # Once refused whole ("not a regular expression"), though ECMA-262 reads it.
    doc = tmp_path / "image.yaml"
    doc.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n"
        "      parameters:\n"
        "        - {name: image, in: query, schema: {type: string, pattern: '^[\\w-./:]+$'}}\n"
        "      responses: {'200': {description: ok}}\n",
        encoding="utf-8",
    )
    version = import_openapi_file(doc, use_cache=False).version
    [operation] = version.operations.values()
    pattern = operation.parameters[0].schema["pattern"]
    assert search(pattern, "tufinim/generic-bank:cia-latest") and not search(pattern, "a b")


# Pattern pieces where Python's `re` and ECMA-262 (Annex B) agree: a brace is a literal unless it
# makes a `{n}` / `{n,m}` quantifier (`{,n}`, which Python reads as a quantifier, is left out).
_PIECES = st.sampled_from(
    ["a", "b", "{", "}", "{1}", "{1,2}", "{2,}", "[{]", "[}b]", "\\{", "(", ")", "|", "1", ","]
)


@given(st.lists(_PIECES, max_size=8).map("".join), st.text(alphabet="ab{},1", max_size=6))
def test_literal_braces_keeps_the_language_and_compiles_on_the_linear_engine(pattern: str, text: str) -> None:
    try:
        reference = re.compile(pattern)
    except re.error:
        return
    if "{," in pattern or re.search(r"(^|[(|])\{\d", pattern):
        return  # Python and ECMA-262 read these differently
    escaped = literal_braces(pattern)
    assert why_unsupported(escaped) is None, escaped
    assert bool(reference.search(text)) == bool(re.search(escaped, text)) == search(escaped, text)


@pytest.mark.parametrize("where", ["$ref", "$schema", "registry"])
def test_a_reference_to_another_host_is_refused_and_never_fetched(where: str) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        server.setblocking(False)
        uri = f"http://127.0.0.1:{server.getsockname()[1]}/schema.json"
        base = "https://contracts.apidrift.invalid/t/v/schemas.json"
        with pytest.raises(ContractError, match="resolves references and metaschemas offline") as info:
            if where == "registry":
                rs_registry(base, {"$id": base, "$defs": {"A": {"$ref": uri}}})
            elif where == "$schema":
                registry = rs_registry(base, {"$id": base, "$defs": {}})
                compile_validator({"$schema": uri, "type": "string"}, registry)
            else:
                compile_validator({"properties": {"a": {"$ref": uri}}})
        assert uri in str(info.value)
        with pytest.raises(BlockingIOError):
            server.accept()  # nobody connected


def test_draft_7_dependencies_is_ignored_by_every_validator_as_loading_reports() -> None:
    from apidrift.check.linear import LinearValidator

    schema = {
        "type": "object",
        "dependencies": {"a": ["b"]},
        "properties": {
            "dependencies": {"type": "string"},
            "a": {"type": "object", "dependencies": {"x": ["y"]}},
        },
    }
    fast = compile_validator(schema)
    linear = LinearValidator(schema)
    for body, valid in [({"a": {}}, True), ({"a": {"x": 1}}, True), ({"dependencies": 1}, False)]:
        assert fast.is_valid(body) is valid
        assert linear.is_valid(body) is valid
    assert runnable({"type": "string"}) == {"type": "string"}
