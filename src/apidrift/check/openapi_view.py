"""What OpenAPI says of a body beyond JSON Schema, made a schema that jsonschema-rs enforces.

A contract keeps its schemas as imported (a discriminator is `x-discriminator`, which validators
ignore; `readOnly`/`writeOnly` are annotations), so the diff reads them as written. The schemas a body
is validated with are this view of them, for one direction:

- a `oneOf`/`anyOf` of named schemas with a discriminator picks its branch by the property's value
  (OpenAPI's Discriminator Object): each branch admits only the values that map to it (the explicit
  `mapping`, else the schema's name, else a value the branch itself pins with `const`/`enum`), so a
  body is judged by the branch it names, never by another it happens to fit, and a value no branch
  is named by is refused. Unless the view is `closable`, that choice is spelled out (`if` the value,
  `then` its branch), so a failed body costs the binding one branch's errors, not every member's;
  a `closable` view keeps a union that already chooses by the value as written, since only such a
  union can be closed for strict mode (`check/closed.py`);
- a property that is `writeOnly` is not required of a response, one that is `readOnly` not of a
  request (OpenAPI 3.0.3 Schema Object: "the required will take effect on the request only");
- the formats OpenAPI's Data Types define hold (with `formats`): `int32`/`int64` as their bounds,
  `date`, `date-time` (RFC 3339) and `byte` (base64) as patterns; other formats stay annotations,
  as JSON Schema 2020-12 leaves them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Literal

from apidrift.check.inheritance import LOCAL as _LOCAL
from apidrift.check.inheritance import discriminated_bases, ref_name
from apidrift.check.inheritance import extended as _extended
from apidrift.check.inheritance import unused as _unused
from apidrift.contracts.model import JSONSchema
from apidrift.contracts.safeload import escape as _escape

Hidden = Literal["writeOnly", "readOnly"]
# A part the view adds (a JSON pointer in the view) -> the place of the contract it stands for, and
# whether what lies below it is found below that place too (a branch) or not (a keyword's rewrite).
Moved = dict[str, tuple[str, bool]]
_ONE: Final = (
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
    "additionalItems",
)
_LISTS: Final = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAPS: Final = ("properties", "patternProperties", "$defs", "dependentSchemas")
# Reference chains followed to find a property's schema; deeper ones are left as written.
_MAX_DEPTH: Final = 32
_DATE: Final = r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
_TIME: Final = r"([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)"
# What each OpenAPI format asserts, as JSON Schema; base64 in either alphabet, padded or not.
FORMATS: Final[Mapping[str, JSONSchema]] = {
    "int32": {"minimum": -(2**31), "maximum": 2**31 - 1},
    "int64": {"minimum": -(2**63), "maximum": 2**63 - 1},
    "date": {"pattern": f"^{_DATE}$"},
    "date-time": {"pattern": f"^{_DATE}[Tt]{_TIME}$"},
    "byte": {"pattern": "^[A-Za-z0-9+/_-]*={0,2}$"},
}


def needs_view(schemas: Mapping[str, JSONSchema], *, formats: bool = True) -> bool:
    """Whether any named schema holds what the view rewrites (most contracts hold none: no copy)."""
    return bool(_triggers(repr(schemas), formats=formats, hidden=("'writeOnly'", "'readOnly'")))


def _triggers(text: str, *, formats: bool, hidden: tuple[str, ...]) -> list[str]:
    """What in a schema's `repr` the view may rewrite (a cheap test: a value may spell one too)."""
    keys = ["'x-discriminator'", *hidden]
    if formats:
        keys += [f"'{name}'" for name in FORMATS]
    return [key for key in keys if key in text]


class OpenApiView:
    """Rewrites schemas of one version for one direction (`hidden`: the access a body never carries)."""

    def __init__(
        self,
        schemas: Mapping[str, JSONSchema],
        hidden: Hidden,
        *,
        formats: bool = True,
        closable: bool = False,
    ) -> None:
        self.schemas = schemas
        self.hidden = hidden
        self.formats = formats
        self.closable = closable

    def named(self, moved: Moved | None = None) -> dict[str, JSONSchema]:
        """Every named schema, viewed; one holding nothing the view rewrites is kept as it is (not
        walked: most of a large contract). `moved` gathers where the view's own parts stand for."""
        texts = {name: repr(schema) for name, schema in self.schemas.items()}
        # A required field may be hidden by a schema it refers to: `required` then triggers a walk.
        anywhere = any(f"'{self.hidden}'" in text for text in texts.values())
        hidden = ("'required'",) if anywhere else ()
        bases = self._bases()
        copies = {base: _unused(f"{base}~base", self.schemas) for base in bases}
        out: dict[str, JSONSchema] = {}
        for name, schema in self.schemas.items():
            where = f"/$defs/{_escape(name)}"
            extends = self._extended(schema, copies)
            if extends is not schema or name in bases:
                out[name] = self.view(extends, where, moved)
            elif _triggers(texts[name], formats=self.formats, hidden=hidden):
                out[name] = self.view(schema, where, moved)
            else:
                out[name] = schema
        for base, (prop, chosen) in bases.items():
            # What extends a base refers to the base as written (its copy); everything else refers to
            # the base, which also holds the schema its value selects.
            out[copies[base]] = out[base]
            if moved is not None:
                moved[f"/$defs/{_escape(copies[base])}"] = (f"/$defs/{_escape(base)}", True)
            out[base] = self._selecting(out[base], f"/$defs/{_escape(base)}", prop, chosen, moved)
        return out

    def _bases(self) -> dict[str, tuple[str, dict[str, str]]]:
        return discriminated_bases(self.schemas)

    def _extended(self, schema: Any, copies: Mapping[str, str]) -> Any:
        return _extended(schema, copies)

    @staticmethod
    def _selecting(
        base: JSONSchema, where: str, prop: str, chosen: Mapping[str, str], moved: Moved | None
    ) -> JSONSchema:
        """The base with, for each schema its discriminator selects, `if` the value `then` that schema
        (a value that selects none leaves the base alone)."""
        targets: dict[str, list[str]] = {}
        for value, target in chosen.items():
            targets.setdefault(target, []).append(value)
        parts = list(base.get("allOf") or []) if isinstance(base.get("allOf"), list) else []
        for target, values in targets.items():
            if moved is not None:
                moved[f"{where}/allOf/{len(parts)}/if"] = (f"{where}/x-discriminator", False)
                moved[f"{where}/allOf/{len(parts)}/then"] = (f"{where}/x-discriminator", False)
            selects = {"properties": {prop: {"enum": values}}, "required": [prop]}
            parts.append({"if": selects, "then": {"$ref": _LOCAL + _escape(target)}})
        return {**base, "allOf": parts}

    def view(self, node: Any, where: str = "", moved: Moved | None = None) -> Any:
        """A copy of `node` (at pointer `where`) with discriminators enforced and hidden properties not
        required; each part the view adds is entered in `moved` with the place it stands for."""
        if isinstance(node, list):
            return [self.view(item, f"{where}/{i}", moved) for i, item in enumerate(node)]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in _MAPS and isinstance(value, dict):
                out[key] = {k: self.view(v, f"{where}/{key}/{_escape(k)}", moved) for k, v in value.items()}
            elif key in _LISTS and isinstance(value, list):
                out[key] = [self.view(item, f"{where}/{key}/{i}", moved) for i, item in enumerate(value)]
            elif key in _ONE:
                out[key] = self.view(value, f"{where}/{key}", moved)
            else:
                out[key] = value
        added = len(out["allOf"]) if isinstance(out.get("allOf"), list) else 0
        parts = out.get("allOf")
        # `allOf: [{$ref: Base}, {required: [password]}]`: a part's required may name its siblings' fields.
        holders = [out, *(p for p in parts if isinstance(p, dict))] if isinstance(parts, list) else [out]
        if any(isinstance(h.get("required"), list) and h["required"] for h in holders):
            hidden = self._hidden_names(node)
            for holder in holders if hidden else ():
                required = holder.get("required")
                if isinstance(required, list):
                    holder["required"] = [name for name in required if name not in hidden]
        asserted = (
            FORMATS.get(node["format"]) if self.formats and isinstance(node.get("format"), str) else None
        )
        if asserted is not None:
            # A part of its own: the node's own bounds and pattern stay as they are beside it.
            out["allOf"] = [*(parts if isinstance(parts, list) else ()), asserted]
            if moved is not None:
                moved[f"{where}/allOf/{added}"] = (f"{where}/format", False)
                added += 1
        discriminator = node.get("x-discriminator")
        if isinstance(discriminator, dict) and isinstance(discriminator.get("propertyName"), str):
            kind = next((k for k in ("oneOf", "anyOf") if isinstance(out.get(k), list)), None)
            if kind is not None:
                whole, parts = self._discriminated(out[kind], discriminator)
                if whole:  # every branch is named: the union becomes the choice the value makes
                    del out[kind]
                    out["allOf"] = [*out.get("allOf", ()), *parts]
                    if moved is not None:
                        moved[f"{where}/allOf/{added}"] = (f"{where}/x-discriminator", False)
                        for i in range(len(parts) - 1):
                            moved[f"{where}/allOf/{added + 1 + i}/if"] = (f"{where}/x-discriminator", False)
                            moved[f"{where}/allOf/{added + 1 + i}/then"] = (f"{where}/{kind}/{i}", True)
                else:
                    out[kind] = parts
        return out

    # --- discriminators ------------------------------------------------------------------------

    def _discriminated(self, branches: list[Any], discriminator: dict[str, Any]) -> tuple[bool, list[Any]]:
        """(True, `allOf` parts) that require a value some branch is selected by and, for each value,
        the branch it selects (so an error is the selected branch's own, or the value's); when some
        branch is not named, (False, the branches) with each named one restricted to its values."""
        prop = discriminator["propertyName"]
        names = [
            self._ref_name(b.get("$ref")) if isinstance(b, dict) and len(b) == 1 else None for b in branches
        ]
        chosen: dict[str, str] = {}  # value -> branch name: the mapping, then names, then pinned values
        mapping = discriminator.get("mapping")
        if isinstance(mapping, dict):
            for value, target in mapping.items():
                if isinstance(target, str) and target in names:
                    chosen.setdefault(str(value), target)
        for name in names:
            if name is not None:
                chosen.setdefault(name, name)
        for name in names:
            if name is not None:
                for value in self._pinned(self.schemas.get(name), prop, set()):
                    if isinstance(value, str):
                        chosen.setdefault(value, name)

        def selecting(name: str) -> JSONSchema:
            values = [value for value, target in chosen.items() if target == name]
            return {"properties": {prop: {"enum": values}}, "required": [prop]}

        if None not in names and self._already_selects(names, prop, chosen):
            # Each branch requires the property and pins it to the values that select it: the union
            # already chooses by that value, and kept as written its closed schemas stay closable.
            if self.closable:
                return False, branches
            # Only the pinned values select a branch (a schema's name would fail that branch's pin).
            pinned = {v for name in names for v in self._own_values(self.schemas.get(str(name)), prop)}
            chosen = {value: name for value, name in chosen.items() if value in pinned}
        if None not in names:
            parts: list[Any] = [{"properties": {prop: {"enum": list(chosen)}}, "required": [prop]}]
            for name, branch in dict(zip(names, branches, strict=True)).items():
                parts.append({"if": selecting(str(name)), "then": branch})
            return True, parts
        out = []
        for branch, name in zip(branches, names, strict=True):
            out.append(branch if name is None else {**branch, **selecting(name)})
        return False, out

    def _already_selects(self, names: list[str | None], prop: str, chosen: Mapping[str, str]) -> bool:
        """Whether every named branch itself requires `prop` and pins it (`const`/`enum`, in its own
        properties) to values that select that branch and no other."""
        for name in names:
            branch = self.schemas.get(str(name))
            if not isinstance(branch, dict) or prop not in (branch.get("required") or ()):
                return False
            values = self._own_values(branch, prop)
            if not values or any(not isinstance(v, str) or chosen.get(v) != name for v in values):
                return False
        return True

    @staticmethod
    def _own_values(branch: Any, prop: str) -> list[Any]:
        """The values a schema's own `properties` pin `prop` to (`const` or `enum`); [] when none."""
        properties = branch.get("properties") if isinstance(branch, dict) else None
        own = properties.get(prop) if isinstance(properties, dict) else None
        if not isinstance(own, dict):
            return []
        values = [own["const"]] if "const" in own else own.get("enum")
        return values if isinstance(values, list) else []

    def _pinned(self, node: Any, prop: str, seen: set[str]) -> list[Any]:
        """The values a schema pins `prop` to (`const`, or `enum`), through `$ref`s, `allOf` parts and
        union members."""
        if not isinstance(node, dict) or len(seen) > _MAX_DEPTH:
            return []
        name = self._ref_name(node.get("$ref"))
        if name is not None and name not in seen:
            return self._pinned(self.schemas.get(name), prop, seen | {name})
        found: list[Any] = []
        properties = node.get("properties")
        own = properties.get(prop) if isinstance(properties, dict) else None
        if isinstance(own, dict):
            if "const" in own:
                found.append(own["const"])
            elif isinstance(own.get("enum"), list):
                found += own["enum"]
        # A union's members may each pin a value of their own: any of them selects the branch.
        for kind in ("allOf", "oneOf", "anyOf"):
            parts = node.get(kind)
            for part in parts if isinstance(parts, list) else ():
                found += self._pinned(part, prop, seen)
        return found

    # --- readOnly / writeOnly ------------------------------------------------------------------

    def _hidden_names(self, node: dict[str, Any]) -> set[str]:
        """The properties of `node` (its own and its `allOf` parts') that this direction never carries."""
        hidden: set[str] = set()
        for name, schema in self._properties(node, set()).items():
            if self._is_hidden(schema, set()):
                hidden.add(name)
        return hidden

    def _properties(self, node: Any, seen: set[str]) -> dict[str, Any]:
        if not isinstance(node, dict) or len(seen) > _MAX_DEPTH:
            return {}
        name = self._ref_name(node.get("$ref"))
        found: dict[str, Any] = {}
        if name is not None and name not in seen:
            found.update(self._properties(self.schemas.get(name), seen | {name}))
        for part in node.get("allOf") or []:
            found.update(self._properties(part, seen))
        properties = node.get("properties")
        if isinstance(properties, dict):
            found.update(properties)
        return found

    def _is_hidden(self, schema: Any, seen: set[str]) -> bool:
        if not isinstance(schema, dict) or len(seen) > _MAX_DEPTH:
            return False
        if schema.get(self.hidden) is True:
            return True
        name = self._ref_name(schema.get("$ref"))
        if name is None or name in seen:
            return False
        return self._is_hidden(self.schemas.get(name), seen | {name})

    @staticmethod
    def _ref_name(ref: Any) -> str | None:
        return ref_name(ref)


def contract_path(path: str, moved: Moved) -> str:
    """A schema path in the view as the place in the contract it stands for (see `Moved`)."""
    parts = path.split("/")
    j = 1
    while j < len(parts):
        prefix = "/".join(parts[: j + 1])
        found = moved.get(prefix)
        if found is not None:
            target, below = found
            if not below:
                return target
            head = target.split("/")
            parts = head + parts[j + 1 :]
            j = len(head)
            continue
        j += 1
    return "/".join(parts)
