"""Names across languages: Go/TypeScript/Rust identifiers to the snake_case JSON names contracts use."""

from __future__ import annotations

import re

# An acronym run before a capitalised word (`API` in `APIKey`), a (capitalised) word, an acronym, or
# digits with the lowercase unit glued to them (`12h` in `InputCacheWrite12hTokens`).
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+[a-z]*")

# Primitive type names of Go, TypeScript, Rust and the openapi-generator docs, as JSON types.
_PRIMITIVES: dict[str, tuple[str, ...]] = {
    "string": ("string",),
    "str": ("string",),
    "bool": ("boolean",),
    "boolean": ("boolean",),
    "int": ("integer",),
    "int32": ("integer",),
    "int64": ("integer",),
    "i32": ("integer",),
    "i64": ("integer",),
    "u32": ("integer",),
    "u64": ("integer",),
    "integer": ("integer",),
    "float32": ("integer", "number"),
    "float64": ("integer", "number"),
    "f32": ("integer", "number"),
    "f64": ("integer", "number"),
    "float": ("integer", "number"),
    "number": ("integer", "number"),
}


def snake_case(name: str) -> str:
    """`ExternalKeyID` -> `external_key_id`, `projectId` -> `project_id`, `MaxRequestsPer1Minute` ->
    `max_requests_per_1_minute`; snake_case names come back unchanged."""
    words = [w.lower() for part in re.split(r"[^A-Za-z0-9]+", name) for w in _WORD.findall(part)]
    return "_".join(words)


def pascal_case(name: str) -> str:
    """`projectCreateRequest` -> `ProjectCreateRequest` (a request argument to its model's name)."""
    return name[:1].upper() + name[1:]


def comparable_type_name(name: str) -> str:
    """A type name reduced for comparison across generators: `models::ProjectApiKey` and
    `ProjectAPIKey` both become `projectapikey`."""
    return re.sub(r"[^a-z0-9]", "", name.rsplit("::", 1)[-1].lower())


def json_types_of(type_name: str) -> tuple[str, ...] | None:
    """The JSON types a documented primitive type admits (`int64` -> integer), None when not primitive."""
    return _PRIMITIVES.get(type_name.strip().lstrip("*").lower())
