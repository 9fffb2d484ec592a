"""Strict, bounded reading of untrusted JSON and YAML-built data (apidrift.contracts.safeload)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apidrift.contracts.safeload import Limits, check_tree, decode_utf8, parse_json, read_bytes, read_json
from apidrift.errors import ContractError, RecordingError


def _error(call: Any) -> ContractError:
    with pytest.raises(ContractError) as info:
        call()
    return info.value


def test_plain_json_parses_as_json_does() -> None:
    assert parse_json('{"a": [1, 2.5, null, true, "x"]}', file="f", error=ContractError) == {
        "a": [1, 2.5, None, True, "x"]
    }


@pytest.mark.parametrize(
    ("text", "pointer", "message"),
    [
        ('{"a": 1, "a": 2}', "/a", "duplicate key 'a'"),
        ('{"x": [{"k": 1, "j": 2, "k": 3}]}', "/x/0/k", "duplicate key 'k'"),
        ('{"a/b": {"c": 1, "c": 1}}', "/a~1b/c", "duplicate key 'c'"),
        ('{"v": NaN}', "/v", "NaN is not a JSON number"),
        ('{"v": [1, -Infinity]}', "/v/1", "-Infinity is not a JSON number"),
        ("Infinity", "", "Infinity is not a JSON number"),
    ],
)
def test_duplicate_keys_and_non_finite_numbers_are_errors_with_their_pointer(
    text: str, pointer: str, message: str
) -> None:
    error = _error(lambda: parse_json(text, file="in.json", error=ContractError))
    assert (error.file, error.pointer, error.message) == ("in.json", pointer, message)


def test_deep_nesting_is_refused_without_recursion() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    error = _error(lambda: parse_json(deep, file="deep.json", error=ContractError))
    assert error.message == "nested deeper than 256 levels"


def test_brackets_inside_strings_do_not_count_as_depth() -> None:
    text = '{"s": "' + "[" * 1000 + '\\"' + "{" * 1000 + '"}'
    assert parse_json(text, file="f", error=ContractError)["s"].startswith("[[[")


def test_depth_limit_is_configurable() -> None:
    limits = Limits(max_depth=3)
    assert parse_json("[[[]]]", file="f", error=ContractError, limits=limits) == [[[]]]
    with pytest.raises(ContractError, match="deeper than 3"):
        parse_json("[[[[]]]]", file="f", error=ContractError, limits=limits)


def test_syntax_errors_name_line_and_column() -> None:
    error = _error(lambda: parse_json('{\n  "a": }', file="f", error=ContractError))
    assert error.message == "not JSON: Expecting value at line 2 column 8"


def test_invalid_utf8_names_the_byte_and_where_it_is() -> None:
    with pytest.raises(RecordingError) as info:
        decode_utf8(b'{"a":\n "x\xffy"}', file="r.json", error=RecordingError)
    assert info.value.message == "not UTF-8: byte 0xff at line 2 column 4"


def test_a_fifo_is_refused_without_being_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    error = _error(lambda: read_bytes(fifo, error=ContractError))
    assert error.message == "not a regular file (a FIFO): skipped"


def test_files_over_the_size_limit_are_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_text("[" + "1," * 600 + "1]")
    error = _error(lambda: read_json(big, error=ContractError, limits=Limits(max_bytes=1000)))
    assert error.message == "1,203 bytes, over the limit of 1,000"
    assert read_json(big, error=ContractError, limits=Limits(max_bytes=2000))[-1] == 1


def _bomb(levels: int) -> Any:
    """What a YAML loader builds from `a: &a [x, x, ...]; b: &b [*a, *a, ...]; ...`: shared lists."""
    node: Any = ["lol"] * 10
    for _ in range(levels):
        node = [node] * 10
    return {"root": node}


def test_an_alias_bomb_is_refused_by_its_expanded_size_in_linear_time() -> None:
    # 10**12 values once expanded; measured without expanding (memoised by identity).
    error = _error(lambda: check_tree(_bomb(11), file="bomb.yaml", error=ContractError))
    assert error.message.startswith("aliases expand this document past 10,000,000 values")


def test_shared_nodes_within_the_budget_are_accepted() -> None:
    check_tree(_bomb(3), file="ok.yaml", error=ContractError)  # 10**5 values


def test_recursive_data_is_refused_with_its_pointer() -> None:
    loop: dict[str, Any] = {"a": {"b": []}}
    loop["a"]["b"].append(loop["a"])
    error = _error(lambda: check_tree(loop, file="loop.yaml", error=ContractError))
    assert (error.pointer, error.message) == (
        "/a/b/0",
        "an alias refers to a node that contains it (recursive data)",
    )


def test_tree_depth_is_bounded() -> None:
    node: Any = []
    for _ in range(300):
        node = [node]
    error = _error(lambda: check_tree(node, file="deep.yaml", error=ContractError))
    assert error.message == "nested deeper than 256 levels"


def test_nesting_just_past_the_limit_is_refused_with_its_pointer() -> None:
    text = '{"a": ' + "[" * 257 + "]" * 257 + "}"
    error = _error(lambda: parse_json(text, file="f", error=ContractError))
    assert error.message == "nested deeper than 256 levels"
    assert error.pointer == "/a" + "/0" * 255


def test_a_scalar_document_passes_the_tree_check() -> None:
    check_tree("just text", file="s.yaml", error=ContractError)
    check_tree(None, file="s.yaml", error=ContractError)


_KEYS = st.sampled_from(["a", "b", "c/d", "~"])
_TEXTS = st.recursive(
    st.sampled_from(["1", "-2.5", "null", "true", '"x"', "NaN", "-Infinity"]),
    lambda inner: (
        st.lists(inner, max_size=3).map(lambda items: "[" + ", ".join(items) + "]")
        | st.lists(st.tuples(_KEYS, inner), max_size=4).map(
            lambda pairs: "{" + ", ".join(f'"{k}": {v}' for k, v in pairs) + "}"
        )
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(text=_TEXTS, depth=st.integers(1, 6))
def test_the_fast_parse_says_what_the_flagging_parse_says(text: str, depth: int) -> None:
    """`parse_json` refuses a duplicate key or a non-finite number in its hooks and then parses again
    to find where it is: the value or the error (message and pointer) is the flagging parse's."""
    from apidrift.contracts.safeload import _parse_flagged

    limits = Limits(max_depth=depth)

    def outcome(parse: Any) -> Any:
        try:
            return ("value", parse(text, file="f", error=ContractError, limits=limits))
        except ContractError as exc:
            return ("error", str(exc))

    assert outcome(parse_json) == outcome(_parse_flagged)


# JSON the standard parser reads but no file apidrift writes can hold, or that it reads only to crash.
ODD_VALUES = [
    ('{"a": {"n": ' + "9" * 5000 + "}}", "/a/n", "a number of 5,000 characters has more than 4,300 digits"),
    ('{"a": [-' + "1" * 4400 + "]}", "/a/0", "has more than 4,300 digits"),
    ('{"x": 1e999}', "/x", "1e999 is too large for a JSON number (a double)"),
    ('{"x": [1.5, -1e400]}', "/x/1", "-1e400 is too large for a JSON number (a double)"),
    ('{"s": ["ok", "\\ud800"]}', "/s/1", "a lone surrogate"),
    ('{"s": "\\uDFFF tail"}', "/s", "a lone surrogate"),
    ('{"k": {"\\udc00": 1}}', "/k", "a key: a lone surrogate"),
]


@pytest.mark.parametrize(("text", "pointer", "message"), ODD_VALUES)
def test_numbers_past_a_double_or_the_digit_limit_and_lone_surrogates_are_errors_with_their_pointer(
    text: str, pointer: str, message: str
) -> None:
    error = _error(lambda: parse_json(text, file="in.json", error=ContractError))
    assert (error.file, error.pointer) == ("in.json", pointer)
    assert message in error.message


def test_a_surrogate_pair_written_as_escapes_is_one_character_and_fine() -> None:
    assert parse_json('["\\ud83d\\ude00", 1e308]', file="f", error=ContractError) == ["\U0001f600", 1e308]


@pytest.mark.parametrize(
    ("value", "pointer", "message"),
    [
        ({"a": [1, float("inf")]}, "/a/1", "inf is not a JSON number"),
        ({"a": {"b": float("nan")}}, "/a/b", "nan is not a JSON number"),
        ({"a": "x\ud800"}, "/a", "a lone surrogate"),
    ],
)
def test_a_value_json_cannot_hold_is_an_error_with_its_pointer_when_written(
    value: object, pointer: str, message: str
) -> None:
    from apidrift.contracts.safeload import dump_json

    error = _error(lambda: dump_json(value, file="out.json", error=ContractError))
    assert (error.file, error.pointer) == ("out.json", pointer) and message in error.message
    assert dump_json({"a": [1.5, "é"]}, file="f", error=ContractError) == '{"a": [1.5, "é"]}'
