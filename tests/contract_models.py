"""Pydantic models of a contract version's response bodies, declared the way a generated SDK declares
them, for tests that load responses as an SDK built for that version would.

As the `openai` SDK (Stainless-generated) does: models on the SDK's own `BaseModel` (extra fields
allowed), a field the version requires and never lets be null is required, every other field is
`Optional[...] = None`, enums and consts are `Literal`s, unions are `Union`s, and bounds (lengths,
minimums, patterns, formats) are not checked. So an SDK of a version reads an absent field and null
alike, and never notices a value past a bound.
"""

from __future__ import annotations

from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, create_model

from apidrift.check.schema_facts import ref_name
from apidrift.contracts.model import ContractVersion, JSONSchema

_PLAIN: dict[str, Any] = {"string": str, "integer": int, "number": float, "boolean": bool}


class _Builder:
    def __init__(self, version: ContractVersion, base: type[BaseModel]) -> None:
        self.defs, self.base = version.schemas, base
        self.named: dict[str, Any] = {}
        self.building: set[str] = set()
        self.count = 0

    def annotation(self, schema: JSONSchema, hint: str) -> tuple[Any, bool]:
        """The Python type of `schema` and whether it admits null."""
        if "$ref" in schema:
            name = ref_name(str(schema["$ref"]))
            if name in self.named:
                return self.named[name]
            if name in self.building:
                return Any, True  # a recursive schema: deep enough for a test
            self.building.add(name)
            self.named[name] = self.annotation(self.defs[name], name)
            self.building.discard(name)
            return self.named[name]
        if "const" in schema:
            return Literal[schema["const"]], schema["const"] is None
        if "enum" in schema:
            values = [v for v in schema["enum"] if v is not None]
            return (Literal[tuple(values)] if values else Any), None in schema["enum"]
        if "allOf" in schema:
            return self.annotation(self._merged(schema), hint)
        for keyword in ("anyOf", "oneOf"):
            if keyword in schema:
                return self._union([{**_without(schema, keyword), **m} for m in schema[keyword]], hint)
        kind = schema.get("type")
        if isinstance(kind, list):
            return self._union([{**schema, "type": k} for k in kind], hint)
        if kind is None:
            kind = "object" if "properties" in schema else "array" if "items" in schema else None
        if kind == "null":
            return type(None), True
        if kind in _PLAIN:
            return _PLAIN[kind], False
        if kind == "array":
            items = schema.get("items")
            inner = self.annotation(items, hint + "Item")[0] if isinstance(items, dict) else Any
            return list[inner], False  # type: ignore[valid-type]
        if kind == "object" and not schema.get("properties"):
            extra = schema.get("additionalProperties")
            inner = self.annotation(extra, hint + "Value")[0] if isinstance(extra, dict) else Any
            return dict[str, inner], False  # type: ignore[valid-type]
        if kind == "object":
            return self._model(schema, hint), False
        return Any, True

    def _union(self, members: list[JSONSchema], hint: str) -> tuple[Any, bool]:
        found = [self.annotation(m, f"{hint}{i}") for i, m in enumerate(members)]
        nullable = any(n for _, n in found)
        types = [t for t, _ in found if t is not type(None)]
        if not types:
            return type(None), True
        return (types[0] if len(types) == 1 else Union[tuple(types)]), nullable  # noqa: UP007

    def _model(self, schema: JSONSchema, hint: str) -> type[BaseModel]:
        required = set(schema.get("required", []))
        fields: dict[str, Any] = {}
        for name, sub in schema["properties"].items():
            python_type, nullable = self.annotation(sub, hint + name.title().replace("_", ""))
            if name in required and not nullable:
                fields[name] = (python_type, ...)
            else:
                fields[name] = (Optional[python_type], None)  # noqa: UP045
        self.count += 1
        model: type[BaseModel] = create_model(  # type: ignore[call-overload]
            f"{hint or 'Body'}{self.count}", __base__=self.base, **fields
        )
        return model

    def _merged(self, schema: JSONSchema) -> JSONSchema:
        properties: dict[str, Any] = dict(schema.get("properties", {}))
        required = list(schema.get("required", []))
        for part in schema["allOf"]:
            while "$ref" in part:
                part = self.defs[ref_name(str(part["$ref"]))]
            if "allOf" in part:
                part = self._merged(part)
            properties.update(part.get("properties", {}))
            required += part.get("required", [])
        merged = {**_without(schema, "allOf"), "type": "object", "properties": properties}
        return {**merged, "required": required}


def _without(schema: JSONSchema, keyword: str) -> JSONSchema:
    return {k: v for k, v in schema.items() if k != keyword}


def response_model(
    version: ContractVersion, op_id: str, base: type[BaseModel], status: str = "200"
) -> type[BaseModel]:
    """A model of `op_id`'s `status` body in `version`, on `base` (e.g. `openai.BaseModel`)."""
    schema = version.operation(op_id).responses[status].schema
    assert schema is not None, f"{op_id} {status} has no body in {version.version}"
    annotation, _ = _Builder(version, base).annotation(schema, op_id.title().replace("-", ""))
    assert isinstance(annotation, type) and issubclass(annotation, BaseModel), f"{op_id}: not an object"
    return annotation
