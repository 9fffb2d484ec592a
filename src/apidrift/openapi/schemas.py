"""OpenAPI schema objects to JSON Schema draft 2020-12, and the component schemas operations reach."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from apidrift.check.patterns import engine_dialect, literal_braces, why_unsupported
from apidrift.contracts.model import DEFS_PREFIX, JSONSchema, Operation
from apidrift.contracts.operations import is_lifecycle_extension
from apidrift.contracts.safeload import escape
from apidrift.errors import OpenAPIError
from apidrift.openapi.components import Finding, FindingKind, component_key
from apidrift.openapi.discriminated import COMPONENT_PREFIX, declared_values, extending, inheritance, selected

# Where a schema holds schemas: one, or a list of them (`allOf`, `prefixItems`); and maps of them.
SUBSCHEMA_KEYS = frozenset(
    {
        "additionalItems",
        "items",
        "additionalProperties",
        "not",
        "contains",
        "propertyNames",
        "allOf",
        "anyOf",
        "oneOf",
        "prefixItems",
        "if",
        "then",
        "else",
        "unevaluatedItems",
        "unevaluatedProperties",
        "contentSchema",
    }
)
SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})
# Keys that only document or only matter to code generators; they never change what validates.
# `$recursiveAnchor` (draft 2019-09) only marks where a `$recursiveRef` lands: see `convert`.
# `$schema` (a 3.1 schema may name its own dialect, draft-04 say) describes the source: what the
# converter writes is 2020-12 whatever the source was (boolean exclusive bounds are converted).
_DROPPED_KEYS = {"externalDocs", "nullable", "example", "$recursiveAnchor", "$schema"}
# Keywords that only describe: beside a 3.1 `$ref` they change nothing that validates.
_ANNOTATIONS = frozenset(
    {"title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly", "$comment"}
    | {"x-extensible-enum", "x-discriminator"}
)
# Keys whose values are data, never schemas: a `$ref` inside them is a value, not a reference.
_DATA_KEYS = ("examples", "default")
# Extensions kept because `apidrift diff` grades them (`x-extensible-enum`: values readers must expect;
# lifecycle extensions such as `x-sunset`: the lifecycle policy reads them).
_KEPT_EXTENSIONS = frozenset({"x-extensible-enum"})
# What of an XML Object says how a value is written as XML (kept for the diff of XML bodies).
_XML_KEYS = ("name", "namespace", "prefix", "attribute", "wrapped")


# Where a node being converted is: the pointer itself, or (parent, keyword or None, name or index or
# None), a chain made a JSON pointer only for a finding or an error: most nodes never need one.
At = str | tuple[Any, str | None, str | int | None]


def pointer_of(at: At) -> str:
    """The JSON pointer a chain (see `At`) names."""
    parts: list[str] = []
    while not isinstance(at, str):
        at, keyword, key = at
        if key is not None:
            parts.append(f"/{escape(key)}" if isinstance(key, str) else f"/{key}")
        if keyword is not None:
            parts.append(f"/{keyword}")
    return at + "".join(reversed(parts))


@dataclass
class SchemaConverter:
    """Turns OpenAPI schema objects into draft 2020-12, renaming component references on the way."""

    components: dict[str, Any]
    rename: Callable[[str], str] = lambda name: name
    prefix: str = DEFS_PREFIX
    file: str | None = None
    findings: list[Finding] = field(default_factory=list)
    # OpenAPI 3.1 schemas are JSON Schema 2020-12, where keywords beside a `$ref` apply as well;
    # OpenAPI 3.0 says they are ignored.
    ref_siblings: bool = False

    def ref_name(self, ref: str, pointer: str) -> str:
        if not isinstance(ref, str):
            message = f"$ref must be a string, not {type(ref).__name__}"
            raise OpenAPIError(message, file=self.file, pointer=pointer)
        if not ref.startswith(COMPONENT_PREFIX):
            parts = ref.split("/")
            section = parts[2] if ref.startswith("#/components/") and len(parts) >= 4 else ""
            why = f": it names a {section} component, not a schema ({COMPONENT_PREFIX}Name)"
            why = why if section else ""
            raise OpenAPIError(f"unsupported $ref {ref!r}{why}", file=self.file, pointer=pointer)
        name = component_key(ref[len(COMPONENT_PREFIX) :], self.components, ref, self.file, pointer)
        if name not in self.components:
            head = name.split("/")[0]
            if "/" in name and head in self.components:
                # A pointer into a schema (`.../Owner/properties/id`): valid JSON Pointer, not a type.
                message = f"unsupported $ref {ref!r}: it points inside schema {head!r}"
                raise OpenAPIError(message, file=self.file, pointer=pointer)
            raise OpenAPIError(f"dangling $ref {ref!r}", file=self.file, pointer=pointer)
        return name

    def convert(self, node: Any, pointer: str = "") -> Any:
        return self._convert(node, pointer)

    def _convert(self, node: Any, at: At) -> Any:
        """`convert`, with the pointer of `node` a chain (see `At`) made a string only when needed."""
        if isinstance(node, list):
            return [self._convert(item, (at, None, i)) for i, item in enumerate(node)]
        if node is None:
            # `schema: null` (Directus' published document has it): no schema, so any value.
            message = "a schema that is null is read as {} (any value)"
            self.findings.append(
                Finding(FindingKind.SCHEMA_REPAIRED, message, file=self.file, pointer=pointer_of(at))
            )
            return {}
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            ref = node["$ref"]
            # Checked here first: `ref_name` needs the pointer, built only for a reference it refuses.
            known = isinstance(ref, str) and ref.startswith(COMPONENT_PREFIX)
            name = ref[len(COMPONENT_PREFIX) :] if known else ""
            if not known or name not in self.components:
                name = self.ref_name(ref, f"{pointer_of(at)}/$ref")
            out: JSONSchema = {"$ref": self.prefix + self.rename(name)}
            if self.ref_siblings and len(node) > 1:
                out = self._with_siblings(node, out, self.components.get(name), at)
            return self._nullable(node, out)
        if "$recursiveRef" in node:
            target = self._recursion_target(node["$recursiveRef"], pointer_of(at))
            out = {"$ref": self.prefix + self.rename(target)}
            return self._nullable(node, out)
        out = {}
        for key, value in node.items():
            if key in _DROPPED_KEYS or (
                key.startswith("x-") and key not in _KEPT_EXTENSIONS and not is_lifecycle_extension(key)
            ):
                continue
            if key == "xml":
                kept = {k: value[k] for k in _XML_KEYS if k in value} if isinstance(value, dict) else {}
                if kept:
                    out["xml"] = kept
            elif key == "discriminator":
                # Not a validation keyword; kept (as an extension validators ignore) for the diff.
                if isinstance(value, dict) and isinstance(value.get("propertyName"), str):
                    out["x-discriminator"] = self._discriminator(value)
            elif key in SCHEMA_MAPS:
                if not isinstance(value, dict):
                    raise OpenAPIError(
                        f"{key!r} must be a mapping", file=self.file, pointer=f"{pointer_of(at)}/{key}"
                    )
                if key == "patternProperties":
                    value = {self._pattern(k, (at, key, k)): v for k, v in value.items()}
                out[key] = {k: self._convert(v, (at, key, k)) for k, v in value.items()}
            elif key in SUBSCHEMA_KEYS:
                out[key] = self._convert(value, (at, key, None))
            elif key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
                bound = "minimum" if key == "exclusiveMinimum" else "maximum"
                if value and bound in node:
                    out[key] = node[bound]
            elif key in ("minimum", "maximum") and node.get("exclusive" + key.title()) is True:
                continue
            elif key not in _DATA_KEYS or not self._holds_ref(value, (at, key, None)):
                if key == "pattern" and isinstance(value, str):
                    value = self._pattern(value, (at, key, None))
                out[key] = value
        if (
            "example" in node
            and "examples" not in node
            and not self._holds_ref(node["example"], (at, "example", None))
        ):
            out["examples"] = [node["example"]]
        enum = out.get("enum")
        if node.get("x-stainless-const") and isinstance(enum, list) and len(enum) == 1:
            out.pop("enum")
            out["const"] = enum[0]
        return self._nullable(node, out)

    def _discriminator(self, value: dict[str, Any]) -> dict[str, Any]:
        """A discriminator as the contract keeps it: its property and each value's schema name."""
        mapping = value.get("mapping")
        names = {}
        if isinstance(mapping, dict):
            for tag, target in mapping.items():
                if isinstance(target, str):
                    name = target.rsplit("/", 1)[-1]
                    names[str(tag)] = self.rename(name) if target.startswith(COMPONENT_PREFIX) else name
        return {"propertyName": value["propertyName"], **({"mapping": names} if names else {})}

    def _recursion_target(self, ref: Any, pointer: str) -> str:
        """`$recursiveRef: "#"` (draft 2019-09, as OpenAI's CompoundFilter uses it) names the component
        it sits in; 2020-12 contracts keep no dynamic references (they could resolve off the files)."""
        prefix = "/components/schemas/"
        if ref == "#" and pointer.startswith(prefix):
            name = pointer[len(prefix) :].split("/")[0].replace("~1", "/").replace("~0", "~")
            if name in self.components:
                return name
        message = f"unsupported $recursiveRef {ref!r}: only '#' inside a component schema is understood"
        raise OpenAPIError(message, file=self.file, pointer=f"{pointer}/$recursiveRef")

    def _pattern(self, pattern: str, at: At) -> str:
        """The pattern as the contract keeps it: what ECMA-262 reads as literal characters (braces that
        make no quantifier, a hyphen beside a class escape in brackets) escaped where the Rust
        engines would refuse them; one they still cannot run is kept, reported, and never checked."""
        if why_unsupported(pattern) is not None:
            pattern = literal_braces(engine_dialect(pattern))
        reason = why_unsupported(pattern)
        if reason is not None:
            pointer = pointer_of(at)
            message = f"pattern {pattern!r} is not checked: {reason}"
            self.findings.append(
                Finding(FindingKind.PATTERN_UNSUPPORTED, message, file=self.file, pointer=pointer)
            )
        return pattern

    def _holds_ref(self, value: Any, at: At) -> bool:
        """Whether example or default data holds a `$ref` key (and if so, report it).

        Such data is never resolved, but a contract file would read it as a reference, so it is kept
        out of the contract: the schema validates the same without an annotation."""
        if "'$ref'" not in repr(value):
            return False  # no such key (its repr is always `'$ref'`): the C repr beats a Python walk
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                if "$ref" in item:
                    message = "data holding a '$ref' key (not a reference); left out of the contract"
                    self.findings.append(
                        Finding(FindingKind.EXAMPLE_REF_KEY, message, file=self.file, pointer=pointer_of(at))
                    )
                    return True
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
        return False

    def _with_siblings(self, node: dict[str, Any], ref: JSONSchema, target: Any, at: At) -> JSONSchema:
        """A 3.1 `$ref` with keywords beside it: they constrain the value too (`maxLength` beside a
        string's `$ref`), so the reference becomes one part of an `allOf` that keeps them. Beside only
        annotations (`description`, `readOnly`, ...), or keywords the target already holds with the
        same value (`type: object` beside an object's `$ref`), it stays a plain reference."""
        same = target if isinstance(target, dict) else {}
        rest = {
            k: v
            for k, v in node.items()
            if k not in ("$ref", "nullable") and not (k in same and same[k] == v and k not in _ANNOTATIONS)
        }
        converted = self._convert(rest, at) if rest else {}
        if not isinstance(converted, dict) or not set(converted) - _ANNOTATIONS:
            return ref
        return {"allOf": [ref], **converted}

    @staticmethod
    def _nullable(node: dict[str, Any], out: JSONSchema) -> JSONSchema:
        """OpenAPI 3.0 `nullable: true` becomes the 3.1 spelling: `null` admitted explicitly."""
        if node.get("nullable") is not True:
            return out
        kind = out.get("type")
        if "const" in out:
            out["enum"] = [out.pop("const"), None]
        if isinstance(kind, str) and "$ref" not in out:
            out["type"] = [kind, "null"]
            if isinstance(out.get("enum"), list) and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
            return out
        if isinstance(kind, list) and "$ref" not in out:
            out["type"] = kind if "null" in kind else [*kind, "null"]
            if isinstance(out.get("enum"), list) and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
            return out
        return {"anyOf": [out, {"type": "null"}]}


def reachable_schemas(
    operations: dict[str, Operation],
    components: dict[str, Any],
    rename: Callable[[str], str],
    file: str | None,
    findings: list[Finding],
    *,
    ref_siblings: bool = False,
) -> dict[str, JSONSchema]:
    """The component schemas the operations reach, directly or through other schemas, converted.

    Reachability follows the schema positions of the converted schemas only, so a `$ref` inside an
    extension or example data never pulls a schema in. A discriminator reaches what it selects: its
    mapping's schemas and, on a base schema, the schemas that extend it (`allOf` of it) at any depth,
    which a body of the base may be (OpenAPI's Discriminator Object).
    """
    local = SchemaConverter(
        components, rename=rename, prefix="#/$defs/", file=file, findings=findings, ref_siblings=ref_siblings
    )
    inverse = {rename(name): name for name in components}
    parents, children = inheritance(components)
    pending: list[str] = []
    for op in operations.values():
        nodes: list[Any] = [p.schema for p in op.parameters]
        nodes += list(op.request_body.all_media.values()) if op.request_body else []
        for response in op.responses.values():
            nodes += [*response.all_media.values(), *(h.schema for h in response.headers.values())]
        nodes = [n for n in nodes if n is not None]
        for node in nodes:
            pending += [inverse[ref[len(DEFS_PREFIX) :]] for ref in schema_refs(node)]
    converted: dict[str, JSONSchema] = {}
    while pending:
        while pending:
            name = pending.pop()
            if rename(name) in converted:
                continue
            _check_alias_cycle(name, components, local, file)
            schema = local.convert(components[name], f"/components/schemas/{escape(name)}")
            converted[rename(name)] = schema
            pending += [inverse[ref[len("#/$defs/") :]] for ref in schema_refs(schema)]
            pending += selected(schema, inverse)
        pending += extending(converted, components, rename, children)
    declared_values(converted, components, rename, parents)
    return dict(sorted(converted.items()))


def schema_refs(schema: Any) -> Iterator[str]:
    """Every `$ref` at a schema position of a converted schema (never one inside data)."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref
        for key, value in node.items():
            if key in SCHEMA_MAPS and isinstance(value, dict):
                stack.extend(value.values())
            elif key in SUBSCHEMA_KEYS:
                stack.append(value)


def _check_alias_cycle(
    name: str, components: dict[str, Any], converter: SchemaConverter, file: str | None
) -> None:
    """`A: {$ref: B}`, `B: {$ref: A}` defines nothing; validators would recurse forever on it."""
    chain = [name]
    node = components[name]
    while isinstance(node, dict) and "$ref" in node and len(node) == 1:
        target = converter.ref_name(node["$ref"], f"/components/schemas/{escape(chain[-1])}")
        if target in chain:
            loop = " -> ".join([*chain[chain.index(target) :], target])
            pointer = f"/components/schemas/{escape(name)}"
            raise OpenAPIError(f"$ref cycle {loop}", file=file, pointer=pointer)
        chain.append(target)
        node = components[target]
