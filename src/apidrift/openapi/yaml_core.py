"""YAML 1.2's core schema: how a plain scalar of an OpenAPI document is read.

The OpenAPI Specification recommends YAML 1.2, and the tools that read most OpenAPI files (js-yaml,
Go's yaml.v3, the Rust loader `fastyaml.py` uses) read it so: `on`, `no`, `0755`, `1e3` and `12:30`
mean what they mean in JSON, not YAML 1.1's true, false, 493, "1e3" and 750. PyYAML knows only 1.1,
so the loaders here replace its implicit resolvers and its int and float constructors.
"""

from __future__ import annotations

import math
import re
from functools import cache
from typing import Any

import yaml
from yaml.nodes import ScalarNode

__all__ = ["MERGE", "core_loader", "plain_scalar", "safe_loader"]

_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
# As the Rust loader reads them (a test holds the two equal on every short token): a sign is
# allowed before octal and hexadecimal digits, and `0O` and `0X` spell them too, beyond the spec.
_INT_FORMS = r"[-+]?(?:[0-9]+|0[oO][0-7]+|0[xX][0-9a-fA-F]+)"
_FLOAT_FORMS = (
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
_INT, _FLOAT = (re.compile(f"(?:{forms})\\Z") for forms in (_INT_FORMS, _FLOAT_FORMS))
# The 1.1 merge key stays: the Rust loader and PyYAML both merge `<<`, and documents use it.
MERGE = "<<"

_TAG = "tag:yaml.org,2002:"


def plain_scalar(text: str) -> Any:
    """The value of a plain (unquoted) scalar written as `text`."""
    if text and text[0] in "-+.0123456789":
        if _INT.match(text):
            return _int(text)
        if _FLOAT.match(text):
            return _float(text)
        return text
    if text in _NULL:
        return None
    return _BOOL.get(text, text)


def _int(text: str) -> int:
    sign, digits = (-1, text[1:]) if text[0] == "-" else (1, text.lstrip("+"))
    if digits[:2] in ("0o", "0O"):
        return sign * int(digits[2:], 8)
    if digits[:2] in ("0x", "0X"):
        return sign * int(digits[2:], 16)
    return sign * int(digits)  # leading zeros are decimal in 1.2


def _float(text: str) -> float:
    lowered = text.lower()
    if lowered.endswith("inf"):
        return -math.inf if lowered[0] == "-" else math.inf
    if lowered.endswith("nan"):
        return math.nan
    return float(text)


def safe_loader() -> type[yaml.SafeLoader]:
    """The libyaml-backed safe loader when PyYAML was built with it, else the pure-Python one."""
    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return loader


@cache
def core_loader() -> type[yaml.SafeLoader]:
    """PyYAML's safe loader reading plain scalars by the core schema, timestamps kept as text: for
    what the fast paths hand over (tags, merge keys, errors), so both read a document alike."""
    loader: type[yaml.SafeLoader] = type(
        "CoreSchemaLoader", (safe_loader(),), {"yaml_implicit_resolvers": {}}
    )
    loader.add_implicit_resolver(_TAG + "null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
    loader.add_implicit_resolver(
        _TAG + "bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )
    loader.add_implicit_resolver(_TAG + "int", re.compile(f"^(?:{_INT_FORMS})$"), list("-+0123456789"))
    loader.add_implicit_resolver(_TAG + "float", re.compile(f"^(?:{_FLOAT_FORMS})$"), list("-+.0123456789"))
    loader.add_implicit_resolver(_TAG + "merge", re.compile(r"^(?:<<)$"), ["<"])
    loader.add_constructor(_TAG + "int", _construct_int)
    loader.add_constructor(_TAG + "float", _construct_float)
    loader.add_constructor(_TAG + "timestamp", _construct_text)
    loader.add_constructor(_TAG + "merge", _construct_text)  # `<<` as a value is text; as a key it merges
    return loader


def _construct_int(loader: yaml.SafeLoader, node: ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    if not _INT.match(text):  # an explicit `!!int 1_000`: what 1.1 would read
        value: int = loader.construct_yaml_int(node)
        return value
    try:
        return _int(text)
    except ValueError:  # past `sys.get_int_max_str_digits()`
        why = f"an integer of {len(text):,} characters is too long to read"
        raise yaml.constructor.ConstructorError(None, None, why, node.start_mark) from None


def _construct_float(loader: yaml.SafeLoader, node: ScalarNode) -> float:
    text = str(loader.construct_scalar(node))
    if not _FLOAT.match(text):
        value: float = loader.construct_yaml_float(node)
        return value
    return _float(text)


def _construct_text(loader: yaml.SafeLoader, node: ScalarNode) -> str:
    return str(loader.construct_scalar(node))
