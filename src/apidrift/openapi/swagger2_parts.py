"""The leaves of the Swagger 2.0 conversion (`swagger2.py`): schemas and their refs, a parameter's value
keywords and collection format, security schemes, component names 3.0 allows, and where each part came
from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from apidrift.contracts.safeload import escape
from apidrift.errors import OpenAPIError

# What a 2.0 non-body parameter, header or items object says of its value: its schema's keywords.
_VALUE_KEYS = (
    "format",
    "enum",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "multipleOf",
)
_COMPONENT_NAME = re.compile(r"[A-Za-z0-9._-]+")
# 2.0's sections and the components they become (body parameters become requestBodies).
SECTIONS = {
    "definitions": "schemas",
    "parameters": "parameters",
    "responses": "responses",
    "securityDefinitions": "securitySchemes",
}
LOCATIONS = ("query", "header", "path", "formData", "body")
_COLLECTION_FORMATS = ("csv", "ssv", "tsv", "pipes", "multi")
_FLOWS = {
    "implicit": ("implicit", ("authorizationUrl",)),
    "password": ("password", ("tokenUrl",)),
    "application": ("clientCredentials", ("tokenUrl",)),
    "accessCode": ("authorizationCode", ("authorizationUrl", "tokenUrl")),
}
# Where a schema holds schemas: by name, one (or a list, for `items`), a list. Anything else is data
# (an example, a default) or an extension, never rewritten.
_NAMED = frozenset({"properties", "patternProperties", "definitions"})
_ONE = frozenset({"items", "additionalProperties", "not"})
_MANY = frozenset({"allOf", "anyOf", "oneOf"})


def component_names(section: dict[str, Any]) -> dict[str, str]:
    """A 2.0 section's names as 3.0 allows component names (`^[a-zA-Z0-9._-]+$`), each unique."""
    out: dict[str, str] = {}
    taken = {str(n) for n in section if _COMPONENT_NAME.fullmatch(str(n))}
    for name in map(str, section):
        if _COMPONENT_NAME.fullmatch(name):
            out[name] = name
            continue
        base = re.sub(r"[^A-Za-z0-9._-]", "_", name) or "_"
        new, n = base, 1
        while new in taken:
            n += 1
            new = f"{base}{n}"
        taken.add(new)
        out[name] = new
    return out


def kind_of(value: Any) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", str: "text", list: "a list"}
    return "null" if value is None else names.get(type(value), "a mapping")


@dataclass
class Parts:
    """What every step of one conversion shares: the 2.0 document, its file, the origins of the new
    document's parts, body parameters' names and every section's new names."""

    source: dict[str, Any]
    file: str | None
    origins: dict[str, str] = field(default_factory=dict)
    # Names of `parameters` entries that become requestBodies (body) or are read in place (formData).
    bodies: set[str] = field(default_factory=set)
    # Each section's names as 3.0 allows them (`Random/Request` -> `Random_Request`).
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    # False for a file the document refers to: its refs name places in that file, kept as written.
    local: bool = True

    def error(self, message: str, pointer: str) -> OpenAPIError:
        return OpenAPIError(message, file=self.file, pointer=pointer)

    def mapping(self, parent: dict[str, Any], key: str, pointer: str) -> dict[str, Any]:
        value = parent.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.error(f"{key!r} must be a mapping, not {kind_of(value)}", f"{pointer}/{key}")
        return value

    def media_types(self, parent: dict[str, Any], key: str, pointer: str) -> list[str] | None:
        """`consumes` or `produces`: a list of media types (one text is read as a list of one)."""
        value = parent.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(f"{key!r} must be a list of media types", f"{pointer}/{key}")
        return list(dict.fromkeys(value))

    def origin(self, new: str, old: str) -> None:
        if new != old:
            self.origins[new] = old

    # Schemas -----------------------------------------------------------------------------------

    def schema(self, node: Any, old: str, new: str) -> Any:
        """A 2.0 schema as 3.0 says it: refs into components, `x-nullable`, `type: file`, a text
        discriminator."""
        self.origin(new, old)
        return self.fix(node, old)

    def fix(self, node: Any, old: str) -> Any:
        """One schema node; its subschemas are fixed where JSON Schema puts them, data left alone."""
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            where = f"{old}/{escape(str(key))}"
            if key == "$ref" and isinstance(value, str):
                out[key] = self.ref(value)
            elif key == "x-nullable":
                out["nullable"] = value
            elif key in ("x-anyOf", "x-oneOf", "x-not") and key[2:] not in node:
                out[key[2:]] = self.fix(value, where) if key == "x-not" else self.fixed_list(value, where)
            elif key == "discriminator" and isinstance(value, str):
                out[key] = {"propertyName": value}
            elif key in ("discriminator", "x-discriminator") and isinstance(value, dict):
                # 2.0 has only a property name; an object (swagger2openapi's `x-discriminator`) is 3.0's.
                mapping = value.get("mapping")
                if isinstance(mapping, dict):
                    refs = {
                        k: self.ref(v) if isinstance(v, str) and v.startswith("#") else v
                        for k, v in mapping.items()
                    }
                    value = {**value, "mapping": refs}
                out["discriminator" if "discriminator" not in node else key] = value
            elif key in _NAMED and isinstance(value, dict):
                out[key] = {k: self.fix(v, f"{where}/{escape(str(k))}") for k, v in value.items()}
            elif key in _ONE:
                out[key] = (
                    self.fixed_list(value, where) if isinstance(value, list) else self.fix(value, where)
                )
            elif key in _MANY:
                out[key] = self.fixed_list(value, where)
            else:
                out[key] = value
        if out.get("type") == "file":
            out["type"], out["format"] = "string", "binary"
        return out

    def fixed_list(self, value: Any, old: str) -> Any:
        if not isinstance(value, list):
            return value
        return [self.fix(v, f"{old}/{i}") for i, v in enumerate(value)]

    def ref(self, ref: str) -> str:
        """A `$ref` of the 2.0 document in 3.0's places; a reference into another file is kept as
        written (that file is read as it stands)."""
        file, hash_, fragment = ref.partition("#")
        if file or not hash_ or not self.local:
            return ref
        _, section, rest = fragment.split("/", 2) if fragment.count("/") >= 2 else ("", "", "")
        if section not in SECTIONS:
            return ref
        token, slash, inner = rest.partition("/")
        name = token.replace("~1", "/").replace("~0", "~")
        new_name = self.names[section].get(name, name)
        if section == "parameters":
            target = "requestBodies" if name in self.bodies else "parameters"
        else:
            target = SECTIONS[section]
        return f"#/components/{target}/{escape(new_name)}{slash}{inner}"

    def requirements(self, raw: Any, pointer: str) -> Any:
        """Security requirements, naming the schemes by their 3.0 names."""
        if raw is None:
            return raw
        if not isinstance(raw, list):
            raise self.error(f"'security' must be a list, not {kind_of(raw)}", pointer)
        names = self.names.get("securityDefinitions", {})
        return [
            {names.get(str(k), k): v for k, v in req.items()} if isinstance(req, dict) else req for req in raw
        ]

    def value_schema(self, node: dict[str, Any], old: str) -> dict[str, Any]:
        """The schema of a non-body parameter, a header or an items object (`type`, `items`, bounds)."""
        schema: dict[str, Any] = {}
        if "type" in node:
            schema["type"] = node["type"]
        for key in _VALUE_KEYS:
            if key in node:
                schema[key] = node[key]
        items = node.get("items")
        if items is not None:
            if not isinstance(items, dict):
                raise self.error(f"'items' must be a mapping, not {kind_of(items)}", f"{old}/items")
            schema["items"] = self.fix(self.value_schema(items, f"{old}/items"), f"{old}/items")
            if "$ref" in items:
                schema["items"] = {"$ref": self.ref(str(items["$ref"]))}
        if "x-nullable" in node:
            schema["nullable"] = node["x-nullable"]
        if schema.get("type") == "file":
            schema["type"], schema["format"] = "string", "binary"
        return schema

    # Parameters --------------------------------------------------------------------------------

    def style(self, param: dict[str, Any], where: str, old: str) -> dict[str, Any]:
        """What 3.0 says for a `collectionFormat` (an array's default is `csv`)."""
        form = param.get("collectionFormat")
        if form is None and param.get("type") != "array":
            return {}
        form = form or "csv"
        if form not in _COLLECTION_FORMATS:
            choices = ", ".join(_COLLECTION_FORMATS)
            raise self.error(
                f"collectionFormat must be one of {choices}, not {form!r}", f"{old}/collectionFormat"
            )
        if form == "csv":
            return (
                {"style": "form", "explode": False} if where in ("query", "formData") else {"style": "simple"}
            )
        if form == "multi":
            return {"style": "form", "explode": True}
        if form in ("ssv", "pipes") and where == "query":
            return {"style": "spaceDelimited" if form == "ssv" else "pipeDelimited", "explode": False}
        # 3.0 has no way to say it: kept as an extension, the value read as one string.
        return {"x-collectionFormat": form}

    def resolved(self, param: Any, old: str) -> tuple[Any, str]:
        """A parameter of an operation, a `$ref` to the document's `parameters` followed."""
        seen = 0
        while isinstance(param, dict) and isinstance(param.get("$ref"), str):
            file, _, fragment = param["$ref"].partition("#")
            if file or not fragment.startswith("/parameters/"):
                return param, old
            name = fragment[len("/parameters/") :].replace("~1", "/").replace("~0", "~")
            target = self.mapping(self.source, "parameters", "").get(name)
            if target is None or seen > 32:
                raise self.error(f"dangling $ref {param['$ref']!r}", f"{old}/$ref")
            param, old, seen = target, fragment, seen + 1
        return param, old

    def security_scheme(self, scheme: Any, old: str) -> dict[str, Any]:
        """basic -> http basic; apiKey as it is; oauth2's one flow under its 3.0 name."""
        if not isinstance(scheme, dict):
            raise self.error(f"a security scheme must be a mapping, not {kind_of(scheme)}", old)
        kind = scheme.get("type")
        extras = {k: v for k, v in scheme.items() if k == "description" or str(k).startswith("x-")}
        if kind == "basic":
            return {"type": "http", "scheme": "basic", **extras}
        if kind == "apiKey":
            return {"type": "apiKey", "name": scheme.get("name"), "in": scheme.get("in"), **extras}
        if kind != "oauth2":
            raise self.error(
                f"security scheme type must be basic, apiKey or oauth2, not {kind!r}", f"{old}/type"
            )
        flow = scheme.get("flow")
        if flow not in _FLOWS:
            choices = ", ".join(_FLOWS)
            raise self.error(f"oauth2 flow must be one of {choices}, not {flow!r}", f"{old}/flow")
        name, urls = _FLOWS[flow]
        scopes = scheme.get("scopes") or {}
        if not isinstance(scopes, dict):
            raise self.error(f"'scopes' must be a mapping, not {kind_of(scopes)}", f"{old}/scopes")
        details = {u: scheme[u] for u in urls if u in scheme}
        return {"type": "oauth2", "flows": {name: {**details, "scopes": scopes}}, **extras}

    def servers(self, schemes: Any = None, pointer: str = "") -> list[dict[str, Any]]:
        """`host`, `basePath` and `schemes` (the document's, or an operation's own at `pointer`) as
        servers: operations' URLs keep the base path as prefix."""
        src = self.source
        host, base = src.get("host"), src.get("basePath")
        for key, value in (("host", host), ("basePath", base)):
            if value is not None and not isinstance(value, str):
                raise self.error(f"{key!r} must be text, not {kind_of(value)}", f"/{key}")
        schemes = (src.get("schemes") if schemes is None else schemes) or [""]
        if not isinstance(schemes, list) or not all(isinstance(s, str) for s in schemes):
            raise self.error("'schemes' must be a list of text", f"{pointer}/schemes")
        if host:
            prefix = (base or "").rstrip("/")
            return [{"url": f"{s}://{host}{prefix}" if s else f"//{host}{prefix}"} for s in schemes]
        return [{"url": base}] if base else []

    def response(self, response: Any, produces: list[str], old: str, new: str | None) -> Any:
        """A response: its schema under each media type it produces, its headers' schemas, its
        examples under their media types."""
        new = new or old
        if isinstance(response, str) and response.startswith("x-"):
            return response
        if not isinstance(response, dict):
            raise self.error(f"a response must be a mapping, not {kind_of(response)}", old)
        if "$ref" in response:
            return {"$ref": self.ref(str(response["$ref"]))}
        self.origin(new, old)
        out: dict[str, Any] = {"description": response.get("description", "")}
        headers = self.mapping(response, "headers", old)
        if headers:
            out["headers"] = {}
            for name, header in headers.items():
                where = f"{old}/headers/{escape(str(name))}"
                if not isinstance(header, dict):
                    raise self.error(f"a header must be a mapping, not {kind_of(header)}", where)
                self.origins[f"{new}/headers/{escape(str(name))}/schema"] = where
                converted = {k: header[k] for k in header if k == "description" or str(k).startswith("x-")}
                converted["schema"] = self.value_schema(header, where)
                out["headers"][name] = converted
        examples = self.mapping(response, "examples", old)
        content: dict[str, Any] = {}
        if "schema" in response:
            self.origins[f"{new}/content"] = f"{old}/schema"  # the importer's name for a response schema
            for media_type in produces or ["application/json"]:
                where = f"{new}/content/{escape(media_type)}/schema"
                content[media_type] = {"schema": self.schema(response["schema"], f"{old}/schema", where)}
        for media_type, example in examples.items():
            content.setdefault(media_type, {})["example"] = example
            self.origins[f"{new}/content/{escape(str(media_type))}/example"] = (
                f"{old}/examples/{escape(str(media_type))}"
            )
        if content:
            out["content"] = content
        # Written in 3.0's terms already (a file shared with 3.0 documents): kept.
        out.update((k, v) for k, v in response.items() if k in ("content", "links") and k not in out)
        out.update((k, v) for k, v in response.items() if str(k).startswith("x-"))
        return out
