"""Swagger 2.0 (OpenAPI 2.0) documents read as OpenAPI 3.0.3, so every command that takes an OpenAPI
file takes a 2.0 file too; where a part of the new document came from is kept for findings' pointers."""

# Written here: no well-kept offline Python converter exists (swagger2openapi is node-only; prance's
# converter calls a web service).

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from apidrift.contracts.safeload import escape
from apidrift.errors import OpenAPIError
from apidrift.openapi.components import Finding, FindingKind
from apidrift.openapi.swagger2_parts import LOCATIONS, SECTIONS, Parts, component_names, kind_of

# Where the converted document keeps its origins: {"version": "2.0", "origins": {new pointer: old}}.
SWAGGER2_KEY = "x-apidrift-swagger2"
OPENAPI_VERSION = "3.0.3"
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# The top-level fields 2.0 has and 3.0 says otherwise (or not at all).
_REPLACED = frozenset(
    {
        "swagger",
        "host",
        "basePath",
        "schemes",
        "consumes",
        "produces",
        "paths",
        "definitions",
        "parameters",
        "responses",
        "securityDefinitions",
    }
)


def is_swagger2(document: dict[str, Any]) -> bool:
    """Whether a parsed document says it is Swagger 2.0 (`swagger: "2.0"`, or YAML's number 2.0)."""
    return str(document.get("swagger")) == "2.0"


def convert_swagger2(document: dict[str, Any], *, file: str | None = None) -> dict[str, Any]:
    """The OpenAPI 3.0.3 document a Swagger 2.0 document says; the input is never changed.

    Malformed parts are an OpenAPIError naming their pointer in the 2.0 document."""
    converter = _Converter(document, file)
    try:
        return converter.document()
    except RecursionError:
        raise OpenAPIError("nested too deeply to convert", file=file) from None


def convert_fragment(data: Any, file: str | None = None) -> Any:
    """A file a 2.0 document refers to, in 3.0's terms: a path item, a parameter, a response, a schema,
    or a file of 2.0 sections (`definitions`, `parameters`, `responses`, `paths`) converted in place;
    its refs are kept as written (they name places in that file). An OpenAPI 3 file is left as it is."""
    if not isinstance(data, dict) or "openapi" in data:
        return data
    try:
        return _Converter(data, file, local=False).fragment()
    except RecursionError:
        raise OpenAPIError("nested too deeply to convert", file=file) from None


def finish_bundled(document: dict[str, Any], file: str | None = None) -> dict[str, Any]:
    """A converted document once its other files are read in: the body and formData parameters that
    came from them become their operations' request bodies, as the document's own do."""
    marker = document.get(SWAGGER2_KEY)
    deferred = marker.get("consumes") if isinstance(marker, dict) else None
    paths = document.get("paths")
    if not isinstance(marker, dict) or not isinstance(deferred, dict) or not isinstance(paths, dict):
        return document
    converter = _Converter(document, file, local=False)
    for pointer, consumes in deferred.items():
        path, _, method = pointer[len("/paths/") :].rpartition("/")
        item = paths.get(path.replace("~1", "/").replace("~0", "~"))
        op = item.get(method) if isinstance(item, dict) else None
        if isinstance(item, dict) and isinstance(op, dict):
            converter.finish(item, op, consumes, pointer)
    for item in paths.values():
        if isinstance(item, dict) and isinstance(item.get("parameters"), list):
            kept = [p for p in item["parameters"] if not _in_body(p)]
            if kept:
                item["parameters"] = kept
            else:
                del item["parameters"]
    del marker["consumes"]
    return document


def _external(param: Any) -> bool:
    """A parameter that is a reference into another file."""
    ref = param.get("$ref") if isinstance(param, dict) else None
    return isinstance(ref, str) and not ref.startswith("#")


def _in_body(param: Any) -> bool:
    return isinstance(param, dict) and param.get("in") in ("body", "formData")


def original_pointer(document: dict[str, Any], pointer: str) -> str:
    """The pointer into the 2.0 document of a place in its conversion (as given when none is known)."""
    marker = document.get(SWAGGER2_KEY)
    origins = marker.get("origins") if isinstance(marker, dict) else None
    if not isinstance(origins, dict) or not pointer.startswith("/"):
        return pointer
    head, rest = pointer, ""
    while head:
        found = origins.get(head)
        if isinstance(found, str):
            return found + rest
        head, _, tail = head.rpartition("/")
        rest = f"/{tail}{rest}"
    return pointer


def converted(document: dict[str, Any], file: str | None) -> list[Finding]:
    """The one finding that says a document was Swagger 2.0, read through its 3.0 conversion."""
    if SWAGGER2_KEY not in document:
        return []
    message = (
        f"Swagger 2.0 document, imported through its OpenAPI {OPENAPI_VERSION} conversion "
        "(pointers lead into the 2.0 document)"
    )
    return [Finding(FindingKind.SWAGGER2_CONVERTED, message, file=file, pointer="/swagger")]


@dataclass
class _Converter(Parts):
    """One conversion: the document, its paths, operations, parameters, bodies and responses."""

    # Names of `parameters` entries read in place (formData: 3.0 has no such parameter).
    forms: set[str] = field(default_factory=set)
    # What each operation with a parameter in another file consumes (see `finish_bundled`).
    deferred: dict[str, list[str]] = field(default_factory=dict)

    def document(self) -> dict[str, Any]:
        src = self.source
        self.consumes = self.media_types(src, "consumes", "") or []
        self.produces = self.media_types(src, "produces", "") or []
        out: dict[str, Any] = {"openapi": OPENAPI_VERSION}
        out.update((k, v) for k, v in src.items() if k not in _REPLACED)
        servers = self.servers()
        if servers:
            out["servers"] = servers
        raw_params = self.mapping(src, "parameters", "")
        for name, param in raw_params.items():
            where = f"/parameters/{escape(str(name))}"
            if not isinstance(param, dict):
                raise self.error(f"a parameter must be a mapping, not {kind_of(param)}", where)
            if param.get("in") == "body":
                self.bodies.add(str(name))
            elif param.get("in") == "formData":
                self.forms.add(str(name))
        for section in SECTIONS:
            self.names[section] = component_names(self.mapping(src, section, ""))
        if "security" in src:
            out["security"] = self.requirements(src["security"], "/security")
        components: dict[str, Any] = {}
        schemas = {}
        for name, schema in self.mapping(src, "definitions", "").items():
            where = f"/definitions/{escape(str(name))}"
            new_name = self.names["definitions"][str(name)]
            schemas[new_name] = self.schema(schema, where, f"/components/schemas/{escape(new_name)}")
        parameters, bodies = {}, {}
        for name, param in raw_params.items():
            old = f"/parameters/{escape(str(name))}"
            new_name = self.names["parameters"][str(name)]
            if str(name) in self.bodies:
                new = f"/components/requestBodies/{escape(new_name)}"
                bodies[new_name] = self.body(param, self.consumes, old, new)
            elif str(name) not in self.forms:
                new = f"/components/parameters/{escape(new_name)}"
                parameters[new_name] = self.parameter(param, old, new)
        responses = {}
        for name, response in self.mapping(src, "responses", "").items():
            old = f"/responses/{escape(str(name))}"
            new_name = self.names["responses"][str(name)]
            new = f"/components/responses/{escape(new_name)}"
            responses[new_name] = self.response(response, self.produces, old, new)
        schemes = {}
        for name, scheme in self.mapping(src, "securityDefinitions", "").items():
            old = f"/securityDefinitions/{escape(str(name))}"
            new_name = self.names["securityDefinitions"][str(name)]
            schemes[new_name] = self.security_scheme(scheme, old)
            self.origins[f"/components/securitySchemes/{escape(new_name)}"] = old
        for key, value in (
            ("schemas", schemas),
            ("responses", responses),
            ("parameters", parameters),
            ("requestBodies", bodies),
            ("securitySchemes", schemes),
        ):
            if value:
                components[key] = value
        paths = src.get("paths")
        if not isinstance(paths, dict):
            raise self.error("no 'paths' mapping", "/paths")
        out["paths"] = {path: self.path_item(path, item) for path, item in paths.items()}
        if components:
            out["components"] = components
        out[SWAGGER2_KEY] = {"version": "2.0", "origins": self.origins}
        if self.deferred:
            out[SWAGGER2_KEY]["consumes"] = self.deferred
        return out

    def fragment(self) -> Any:
        """What `convert_fragment` returns, by what the file looks like."""
        src = self.source
        self.consumes = self.media_types(src, "consumes", "") or []
        self.produces = self.media_types(src, "produces", "") or []
        if src.keys() & set(_METHODS):
            return self.path_item("", src, "")
        if isinstance(src.get("in"), str) and "name" in src:
            return src if src["in"] in ("body", "formData") else self.parameter(src, "", "")
        if "schema" in src and "description" in src:  # no schema has a `schema`: a response
            return self.response(src, self.produces, "", "")
        sections = {
            k for k in ("definitions", "parameters", "responses", "paths") if isinstance(src.get(k), dict)
        }
        if not sections:
            return self.fix(src, "")
        out = dict(src)
        if "definitions" in sections:
            out["definitions"] = {
                name: self.fix(schema, f"/definitions/{escape(str(name))}")
                for name, schema in src["definitions"].items()
            }
        if "parameters" in sections:
            out["parameters"] = {
                name: p
                if not isinstance(p, dict) or p.get("in") in ("body", "formData")
                else self.parameter(p, w, w)
                for name, p in src["parameters"].items()
                for w in (f"/parameters/{escape(str(name))}",)
            }
        if "responses" in sections:
            out["responses"] = {
                name: self.response(r, self.produces, w, w)
                for name, r in src["responses"].items()
                for w in (f"/responses/{escape(str(name))}",)
            }
        if "paths" in sections:
            out["paths"] = {path: self.path_item(path, item) for path, item in src["paths"].items()}
        return out

    def parameter(self, param: Any, old: str, new: str) -> dict[str, Any]:
        """A query, header or path parameter: its value keywords become its schema, its
        `collectionFormat` a style."""
        if not isinstance(param, dict):
            raise self.error(f"a parameter must be a mapping, not {kind_of(param)}", old)
        if "$ref" in param:
            return {"$ref": self.ref(str(param["$ref"]))}
        where = param.get("in")
        if where not in LOCATIONS:
            choices = ", ".join(LOCATIONS)
            raise self.error(f"parameter 'in' must be one of {choices}, not {where!r}", f"{old}/in")
        if not isinstance(param.get("name"), str):
            raise self.error("parameter without a 'name'", old)
        self.origin(new, old)
        self.origins[f"{new}/schema"] = old
        out: dict[str, Any] = {"name": param["name"], "in": where}
        for key in ("description", "required", "allowEmptyValue", "deprecated", "example"):
            if key in param:
                out[key] = param[key]
        if where == "path":
            out["required"] = True
        if "x-deprecated" in param and "deprecated" not in param:
            out["deprecated"] = param["x-deprecated"]
        if "x-example" in param:
            out["example"] = param["x-example"]
        out.update((k, v) for k, v in param.items() if str(k).startswith("x-") and k != "x-example")
        out["schema"] = self.value_schema(param, old)
        out.update(self.style(param, where, old))
        return out

    def body(self, param: dict[str, Any], consumes: list[str], old: str, new: str) -> dict[str, Any]:
        """A body parameter as a request body: its schema under each media type it consumes."""
        # The importer names a body schema's places below `requestBody` itself: they are the schema's.
        self.origin(new, f"{old}/schema")
        out: dict[str, Any] = {}
        for key in ("description", "required"):
            if key in param:
                out[key] = param[key]
        media = consumes or ["application/json"]
        schema = param.get("schema", {})
        raw = param.get("x-examples")
        examples: dict[str, Any] = raw if isinstance(raw, dict) else {}
        out["content"] = {}
        for media_type in media:
            where = f"{new}/content/{escape(media_type)}/schema"
            entry: dict[str, Any] = {"schema": self.schema(schema, f"{old}/schema", where)}
            if media_type in examples:
                entry["example"] = examples[media_type]
            out["content"][media_type] = entry
        out.update((k, v) for k, v in param.items() if str(k).startswith("x-") and k != "x-examples")
        return out

    def form(self, params: list[tuple[dict[str, Any], str]], consumes: list[str], new: str) -> dict[str, Any]:
        """formData parameters as one form request body: a property each, required where they are."""
        files = any(p.get("type") == "file" for p, _ in params)
        media = [m for m in consumes if m in _FORM_TYPES]
        if not media:
            media = ["multipart/form-data" if files else "application/x-www-form-urlencoded"]
        properties: dict[str, Any] = {}
        required = []
        for param, old in params:
            name = param["name"]
            prop = self.value_schema(param, old)
            for key in ("description",):
                if key in param:
                    prop[key] = param[key]
            if "x-example" in param:
                prop["example"] = param["x-example"]
            prop.update((k, v) for k, v in param.items() if str(k).startswith("x-") and k != "x-example")
            properties[name] = prop
            if param.get("required") is True:
                required.append(name)
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        for base in (f"{new}/content/{escape(m)}/schema/properties" for m in media):
            for param, old in params:
                self.origins[f"{base}/{escape(param['name'])}"] = old
        for param, old in params:
            self.origins[f"{new}/properties/{escape(param['name'])}"] = old  # as the importer names them
        body: dict[str, Any] = {"content": {m: {"schema": schema} for m in media}}
        if required:
            body["required"] = True
        return body

    # Paths and operations ----------------------------------------------------------------------

    def path_item(self, path: Any, item: Any, pointer: str | None = None) -> Any:
        pointer = f"/paths/{escape(str(path))}" if pointer is None else pointer
        if not isinstance(item, dict) or str(path).startswith("x-"):
            return item  # the importer names what is wrong with it
        shared = self.parameter_list(item, pointer)
        out: dict[str, Any] = {}
        for key, value in item.items():
            if key in _METHODS and isinstance(value, dict):
                out[key] = self.operation(value, shared, f"{pointer}/{key}")
            elif key != "parameters":
                out[key] = value
        kept = [(p, old) for p, old in shared if self.location(p, old) not in ("body", "formData")]
        if kept:
            out["parameters"] = self.converted(kept, f"{pointer}/parameters")
        return out

    def parameter_list(self, parent: dict[str, Any], pointer: str) -> list[tuple[dict[str, Any], str]]:
        """The parameters of a path item or an operation, each with its pointer, refs followed."""
        raw = parent.get("parameters")
        if raw is None:
            return []
        if not isinstance(raw, list):
            raise self.error(f"'parameters' must be a list, not {kind_of(raw)}", f"{pointer}/parameters")
        out = []
        for i, node in enumerate(raw):
            old = f"{pointer}/parameters/{i}"
            param, where = self.resolved(node, old)
            if not isinstance(param, dict):
                raise self.error(f"a parameter must be a mapping, not {kind_of(param)}", where)
            if "$ref" in param:  # into another file: kept as a reference
                out.append((node, old))
                continue
            if param.get("in") not in LOCATIONS:
                choices = ", ".join(LOCATIONS)
                raise self.error(
                    f"parameter 'in' must be one of {choices}, not {param.get('in')!r}", f"{where}/in"
                )
            if not isinstance(param.get("name"), str):
                raise self.error("parameter without a 'name'", where)
            # A reference to a body parameter stays one (to its request body); others are inlined
            # only when they are formData, which 3.0 has no parameter for.
            keep = node if param.get("in") != "formData" else param
            out.append((keep, old if keep is node else where))
        return out

    def converted(self, params: list[tuple[dict[str, Any], str]], pointer: str) -> list[Any]:
        out: list[Any] = []
        for param, old in params:
            out.append(self.parameter(param, old, f"{pointer}/{len(out)}"))
        return out

    def operation(
        self, op: dict[str, Any], shared: list[tuple[dict[str, Any], str]], pointer: str
    ) -> dict[str, Any]:
        own = self.parameter_list(op, pointer)
        names = {self.key(p, o) for p, o in own}
        # Path-level parameters stay there, but a body or form there is the body of each operation.
        params = [
            (p, o)
            for p, o in shared
            if self.key(p, o) not in names and self.location(p, o) in ("body", "formData")
        ]
        params += own
        consumes = self.media_types(op, "consumes", pointer)
        produces = self.media_types(op, "produces", pointer)
        consumes = self.consumes if consumes is None else consumes
        produces = self.produces if produces is None else produces
        if any(_external(p) for p, _ in [*shared, *own]):
            # Whether such a parameter is a body is known only once its file is read (bundling).
            self.deferred[pointer] = consumes
        out: dict[str, Any] = {}
        for key, value in op.items():
            if key in ("consumes", "produces", "schemes", "parameters", "responses"):
                continue
            out[key] = self.requirements(value, f"{pointer}/security") if key == "security" else value
        if "schemes" in op:
            # An operation's own schemes are its own servers (3.0 has no schemes); the same as the
            # document's, they add nothing.
            servers = self.servers(op["schemes"], pointer)
            if servers != self.servers():
                out["servers"] = servers
        plain, forms, body = [], [], None
        for param, old in params:
            target, _ = self.resolved(param, old)
            location = self.location(param, old)
            if location == "body":
                body = (param, old)
            elif location == "formData":
                forms.append((target, old))
            else:
                plain.append((param, old))
        if plain:
            out["parameters"] = self.converted(plain, f"{pointer}/parameters")
        if body is not None:
            param, old = body
            if "$ref" in param and self.local:
                out["requestBody"] = {"$ref": self.ref(str(param["$ref"]))}
            else:
                target, where = self.resolved(param, old)
                out["requestBody"] = self.body(target, consumes, where, f"{pointer}/requestBody")
        elif forms:
            out["requestBody"] = self.form(forms, consumes, f"{pointer}/requestBody")
        if "responses" in op:
            raw = op["responses"]
            if not isinstance(raw, dict):
                raise self.error(f"'responses' must be a mapping, not {kind_of(raw)}", f"{pointer}/responses")
            out["responses"] = {
                status: self.response(r, produces, f"{pointer}/responses/{escape(str(status))}", None)
                for status, r in raw.items()
            }
        return out

    def finish(self, item: dict[str, Any], op: dict[str, Any], consumes: list[str], pointer: str) -> None:
        """`finish_bundled` for one operation: its own body or formData parameters, else its path's."""
        own: list[Any] = op["parameters"] if isinstance(op.get("parameters"), list) else []
        names = {(p.get("in"), p.get("name")) for p in own if isinstance(p, dict)}
        shared: list[Any] = item["parameters"] if isinstance(item.get("parameters"), list) else []
        inherited = [p for p in shared if _in_body(p) and (p.get("in"), p.get("name")) not in names]
        found = [*inherited, *(p for p in own if _in_body(p))]
        kept = [p for p in own if not _in_body(p)]
        if kept:
            op["parameters"] = kept
        else:
            op.pop("parameters", None)
        if not found or "requestBody" in op:
            return
        where = f"{pointer}/requestBody"
        bodies = [p for p in found if p.get("in") == "body"]
        if bodies:
            op["requestBody"] = self.body(bodies[-1], consumes, f"{pointer}/parameters", where)
        else:
            params = [(p, f"{pointer}/parameters") for p in found if isinstance(p.get("name"), str)]
            op["requestBody"] = self.form(params, consumes, where)

    def key(self, param: dict[str, Any], old: str) -> tuple[Any, Any]:
        target, _ = self.resolved(param, old)
        if not isinstance(target, dict) or "$ref" in target:
            return ("$ref", param.get("$ref"))
        return (target.get("in"), target.get("name"))

    def location(self, param: dict[str, Any], old: str) -> Any:
        target, _ = self.resolved(param, old)
        return target.get("in") if isinstance(target, dict) else None

    # Responses and security --------------------------------------------------------------------
