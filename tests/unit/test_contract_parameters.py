"""How a parameter's text is read as the JSON value its schema says (shared by the traffic check and
the fuzzer)."""

from __future__ import annotations

from typing import Any

import pytest

from apidrift.contracts.parameters import json_types, parameter_value


@pytest.mark.parametrize(
    ("text", "schema", "expected"),
    [
        ("7", {"type": "integer"}, 7),
        ("-7", {"type": "integer"}, -7),
        ("7.5", {"type": "integer"}, "7.5"),  # not an integer: left as text, the validator says why
        ("7.5", {"type": "number"}, 7.5),
        ("nan", {"type": "number"}, "nan"),  # NaN is not JSON
        ("true", {"type": "boolean"}, True),
        ("yes", {"type": "boolean"}, "yes"),
        ("7", {"type": ["string", "integer"]}, "7"),  # a string is what it was sent as
        ("", {"type": ["integer", "null"]}, None),
        ("7", {}, "7"),
        ("7", {"$ref": "#/x"}, "7"),
    ],
)
def test_a_parameter_is_read_as_its_schema_says(text: str, schema: dict[str, Any], expected: Any) -> None:
    value = parameter_value(text, schema)
    assert value == expected and type(value) is type(expected)


def test_json_types() -> None:
    assert json_types({"type": "string"}) == ["string"]
    assert json_types({"type": ["integer", "null", 5]}) == ["integer", "null"]
    assert json_types({"enum": [1]}) == [] and json_types(True) == []
