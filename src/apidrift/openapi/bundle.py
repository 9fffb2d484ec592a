"""One document from many: `$ref`s the importer cannot follow as they stand, made into ones it can.

A multi-file API refers to other files (`$ref: './schemas/Pet.yaml'`, `'../common.yaml#/Limit'`),
and any document may point anywhere inside itself (`#/paths/~1pets/get/parameters/0`, a path item
in `#/components/pathItems/`). The importer follows schema references into `components/schemas`
and the other references into `components/<section>`; this pass rewrites the rest before it runs:

- a schema reached by such a reference is added to `components/schemas` (named after its file or
  last pointer segment) and referred to there, so a recursive or shared schema stays one definition;
- anything else (a path item, a parameter, a response, ...) is copied in place.

Files are read offline, relative to the file that names them, and only inside the root document's
folder; a URL is refused, never fetched. Every file passes the same size, depth and alias limits as
the root one, and their number and total size are bounded too.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from apidrift.contracts.safeload import DEFAULT_LIMITS, Limits, read_bytes
from apidrift.errors import OpenAPIError
from apidrift.openapi.schemas import SCHEMA_MAPS, SUBSCHEMA_KEYS

SCHEMA_PREFIX = "#/components/schemas/"
# Where each schema added to components/schemas came from (`name: "schemas/pet.yaml#/Pet"`, relative
# to the root document's folder), kept in the bundled document so findings can point there.
ORIGINS_KEY = "x-apidrift-bundled-from"
# Sections whose `#/components/<section>/<name>` references the importer follows itself.
FOLLOWED = ("parameters", "responses", "requestBodies", "headers", "examples", "links", "schemas")
# Only files that many, and that many bytes in all, are read for one document.
MAX_FILES = 1000
# References followed one inside another (a file naming a file naming a file ...), at most.
MAX_HOPS = 64
# The value of every `$ref` in a document's text (JSON, or YAML in block or flow style).
# A folded or literal block scalar (`$ref: >-` and the value on the next line) is read through.
_REF_VALUE = re.compile(r"""\$ref["']?\s*:\s*(?:[>|][-+]?\s*)?["']?([^"'\s,}]*)""")
_FOLLOWED_REF = re.compile("#/components/(?:" + "|".join(FOLLOWED) + ")/[^/]+")


def needs_bundling(text: str) -> bool:
    """Whether a document's text may hold a reference this pass rewrites (a cheap, safe over-estimate:
    a `$ref` the text test cannot read counts as one)."""
    return "$ref" in text and any(not _FOLLOWED_REF.fullmatch(v) for v in _REF_VALUE.findall(text))


# A `$ref` whose value does not start with `#`: one search over the raw bytes, no decoding (the test
# runs before every cached import). The value may follow a block indicator (`>-`) or a quote; its
# first character is neither of those nor `#`.
_OTHER_FILE = re.compile(rb"""\$ref["']?[ \t]*:\s*(?:[>|][-+]?\s*)?["']?(?=[^#"'\s>|+-])""")


def has_external_refs(data: bytes) -> bool:
    """Whether a document may name another file (its import then depends on more than its bytes)."""
    return _OTHER_FILE.search(data) is not None


# How a file's text becomes data (document.py's parser, handed in: it imports this module).
Parse = Callable[[str, Path, Limits], Any]


@dataclass
class _Bundler:
    root: Path
    document: dict[str, Any]
    limits: Limits
    parse: Parse
    files: dict[Path, Any] = field(default_factory=dict)
    total: int = 0
    # (file, pointer) of every schema added to components/schemas, and the name it was given.
    hoisted: dict[tuple[Path, str], str] = field(default_factory=dict)
    # Names given in `hoisted` whose schema is not written yet: its file and pointer, the reference,
    # and the file and pointer the reference is written at. Filled one after the other, never inside
    # one another, so a chain of schema files is as long as it likes.
    pending: dict[str, tuple[Path, str, str, Path, str]] = field(default_factory=dict)
    # What is being copied in place, to refuse a reference cycle that would copy forever.
    inlining: list[tuple[Path, str]] = field(default_factory=list)
    # How many references are being followed one inside another right now.
    hops: int = 0
    # The file and pointer each schema added to components/schemas was copied from.
    origins: dict[str, tuple[Path, str]] = field(default_factory=dict)

    # --- the walk ---------------------------------------------------------------------------

    def node(self, value: Any, file: Path, pointer: str) -> Any:
        """An OpenAPI object (not a schema) with its references made followable."""
        if isinstance(value, list):
            return [self.node(v, file, f"{pointer}/{i}") for i, v in enumerate(value)]
        if not isinstance(value, dict):
            return value
        if isinstance(value.get("$ref"), str):
            return self.inline(value, file, pointer)
        out: dict[str, Any] = {}
        for key, child in value.items():
            where = f"{pointer}/{_escape(str(key))}"
            if key == "schema":
                out[key] = self.schema(child, file, where)
            elif key == "examples" and isinstance(child, dict):
                out[key] = self.examples(child, file, where)
            elif key == "example" or str(key).startswith("x-"):
                # Data, never references; `default` is not among them: it names the default response.
                out[key] = child
            else:
                out[key] = self.node(child, file, where)
        return out

    def examples(self, value: dict[str, Any], file: Path, pointer: str) -> dict[str, Any]:
        """A map of Example objects: they hold data (a `$ref` key in a `value` is no reference, as in
        GitHub's own document); only a reference to an Example object is followed."""
        return {
            k: self.inline(v, file, f"{pointer}/{_escape(str(k))}", data=True)
            if isinstance(v, dict) and isinstance(v.get("$ref"), str)
            else v
            for k, v in value.items()
        }

    def schema(self, value: Any, file: Path, pointer: str) -> Any:
        """A schema with its references made followable: each into components/schemas."""
        if isinstance(value, list):
            return value
        if not isinstance(value, dict):
            return value
        out: dict[str, Any] = {}
        for key, child in value.items():
            where = f"{pointer}/{_escape(str(key))}"
            if key == "$ref" and isinstance(child, str):
                out[key] = self.schema_ref(child, file, where)
            elif key in SUBSCHEMA_KEYS and isinstance(child, list):
                out[key] = [self.schema(v, file, f"{where}/{i}") for i, v in enumerate(child)]
            elif key in SUBSCHEMA_KEYS:
                out[key] = self.schema(child, file, where)
            elif key in SCHEMA_MAPS:
                out[key] = _each(child, lambda v, w: self.schema(v, file, w), where)
            else:
                out[key] = child  # data (enum, default, examples), annotations, extensions
        return out

    # --- references ---------------------------------------------------------------------------

    def schema_ref(self, ref: str, file: Path, pointer: str) -> str:
        if file == self.root and ref.startswith(SCHEMA_PREFIX) and "/" not in ref[len(SCHEMA_PREFIX) :]:
            return ref  # the importer's own kind of reference
        target_file, fragment = self.locate(ref, file, pointer)
        if target_file == self.root and fragment.startswith(SCHEMA_PREFIX[1:]):
            name = fragment[len(SCHEMA_PREFIX) - 1 :]
            if "/" not in name:
                return SCHEMA_PREFIX + name
        key = (target_file, fragment)
        if key not in self.hoisted:
            # Checked once per target: one that is not there is dangling, one that is no schema refused.
            self.resolve(target_file, fragment, ref, pointer, at=file)
            self.refuse_non_schema(ref, target_file, fragment, file, pointer)
            name = self._fresh_name(target_file, fragment)
            self.hoisted[key] = name
            self.origins[name] = key
            self._schemas()[name] = {}  # the name is taken now; the schema comes in `fill_pending`
            self.pending[name] = (target_file, fragment, ref, file, pointer)
        return SCHEMA_PREFIX + self.hoisted[key]

    def refuse_non_schema(self, ref: str, target_file: Path, fragment: str, file: Path, pointer: str) -> None:
        """A schema's `$ref` into an OpenAPI document must land on a schema: the whole document,
        `#/info`, an operation or a response object read as a schema would admit anything (or worse).
        A file that is no OpenAPI document (a bare schema, a file of named schemas) may hold schemas
        anywhere."""
        document = self.document if target_file == self.root else self.load(target_file, ref, file, pointer)
        if not isinstance(document, dict) or not ({"openapi", "swagger"} & document.keys()):
            return
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in fragment.split("/")[1:]]
        if fragment in ("", "/"):
            what = "the whole OpenAPI document"
        elif schema_position(tokens):
            return
        else:
            what = f"{fragment!r}, which is not a schema"
        message = (
            f"$ref {ref!r} names {what}: a schema's $ref names a schema "
            f"({SCHEMA_PREFIX}Name, or a schema inside one, or an operation's `schema`)"
        )
        raise OpenAPIError(message, file=str(file), pointer=pointer)

    def fill_pending(self) -> None:
        """Each schema named in `pending` written into components/schemas, its references rewritten
        (which may name more: they are filled in turn)."""
        while self.pending:
            name, (file, fragment, ref, at, pointer) = self.pending.popitem()
            target, found_in = self.resolve(file, fragment, ref, pointer, at=at)
            self._schemas()[name] = self.schema(copy.deepcopy(target), found_in, fragment)

    def enter(self, ref: str, file: Path, pointer: str) -> None:
        """One more reference followed inside the others; too many is an error, not a stack overflow."""
        self.hops += 1
        if self.hops > MAX_HOPS:
            message = f"$ref {ref!r}: references nested more than {MAX_HOPS} deep"
            raise OpenAPIError(message, file=str(file), pointer=pointer)

    def inline(self, value: dict[str, Any], file: Path, pointer: str, *, data: bool = False) -> Any:
        """What the reference `value` names, copied in place and, unless it is `data` (an Example
        object), with its own references made followable."""
        ref = value["$ref"]
        target_file, fragment = self.locate(ref, file, pointer)
        if target_file == self.root and _followed(fragment):
            if file == self.root:
                # Siblings of the reference (a 3.1 `summary` or `description`) are kept as written.
                return value
            # A reference into the root document from another file: the root's own form is kept.
            return {**value, "$ref": "#" + fragment}
        key = (target_file, fragment)
        if key in self.inlining:
            raise OpenAPIError(f"$ref cycle at {ref!r}", file=str(file), pointer=pointer)
        target, found_in = self.resolve(target_file, fragment, ref, pointer, at=file)
        self.inlining.append(key)
        self.enter(ref, file, pointer)
        try:
            resolved = copy.deepcopy(target)
            if not data:
                resolved = self.node(resolved, found_in, fragment)
        finally:
            self.inlining.pop()
            self.hops -= 1
        siblings = {k: v for k, v in value.items() if k != "$ref"}
        return {**resolved, **siblings} if isinstance(resolved, dict) and siblings else resolved

    def locate(self, ref: str, file: Path, pointer: str) -> tuple[Path, str]:
        """The file a reference names (resolved against the file it is written in) and its pointer."""
        location, _, fragment = ref.partition("#")
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", location):
            message = (
                f"$ref {ref!r} names a URL; apidrift reads no network: save the file beside the document"
            )
            raise OpenAPIError(message, file=str(file), pointer=pointer)
        if not location:
            return file, unquote(fragment)
        target = (file.parent / unquote(location)).resolve()
        folder = self.root.parent.resolve()
        if not target.is_relative_to(folder):
            message = f"$ref {ref!r} leaves the document's folder {folder}"
            raise OpenAPIError(message, file=str(file), pointer=pointer)
        return (self.root if target == self.root.resolve() else target), unquote(fragment)

    def resolve(
        self, file: Path, fragment: str, ref: str, pointer: str, *, at: Path | None = None
    ) -> tuple[Any, Path]:
        """What `ref` (written at `pointer` of file `at`) names, `fragment` of `file`, and the file it
        is in: a pointer that passes through a reference (`#/paths/~1users/get` where `/users` is
        itself a `$ref`) follows it, into another file if need be."""
        at = at or self.root
        node: Any = self.document if file == self.root else self.load(file, ref, at, pointer)
        if fragment in ("", "/"):
            return node, file
        if not fragment.startswith("/"):
            message = f"$ref {ref!r}: only JSON Pointer fragments ('#/...') are understood"
            raise OpenAPIError(message, file=str(at), pointer=pointer)
        hops = 0
        for token in fragment[1:].split("/"):
            token = token.replace("~1", "/").replace("~0", "~")
            while isinstance(node, dict) and token not in node and isinstance(node.get("$ref"), str):
                hops += 1
                if hops > MAX_HOPS:
                    raise OpenAPIError(f"$ref cycle at {ref!r}", file=str(at), pointer=pointer)
                inner_file, inner_fragment = self.locate(node["$ref"], file, pointer)
                node, file = self.resolve(inner_file, inner_fragment, node["$ref"], pointer, at=file)
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                raise OpenAPIError(f"dangling $ref {ref!r}", file=str(at), pointer=pointer)
        return node, file

    def load(self, file: Path, ref: str, at: Path, pointer: str) -> Any:
        if file in self.files:
            return self.files[file]
        if len(self.files) >= MAX_FILES:
            raise OpenAPIError(f"more than {MAX_FILES} files referred to", file=str(at), pointer=pointer)
        if not file.exists():
            message = f"$ref {ref!r}: no such file ({file})"
            raise OpenAPIError(message, file=str(at), pointer=pointer)
        remaining = Limits(
            max_bytes=max(self.limits.max_bytes - self.total, 0),
            max_depth=self.limits.max_depth,
            max_values=self.limits.max_values,
        )
        data = read_bytes(file, error=OpenAPIError, limits=remaining)
        self.total += len(data)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise OpenAPIError(f"$ref {ref!r}: not UTF-8 text", file=str(file)) from None
        self.files[file] = self.parse(text, file, remaining)
        return self.files[file]

    def _schemas(self) -> dict[str, Any]:
        components = self.document.setdefault("components", {})
        if not isinstance(components, dict):
            raise OpenAPIError("'components' must be a mapping", file=str(self.root), pointer="/components")
        schemas = components.setdefault("schemas", {})
        if not isinstance(schemas, dict):
            raise OpenAPIError(
                "'schemas' must be a mapping", file=str(self.root), pointer="/components/schemas"
            )
        return schemas

    def _fresh_name(self, file: Path, fragment: str) -> str:
        tail = fragment.rstrip("/").rsplit("/", 1)[-1] if fragment.strip("/") else file.stem
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", tail.replace("~1", "/").replace("~0", "~")) or "Schema"
        taken = self._schemas()
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}_{n}"
        return name


def bundle(
    document: dict[str, Any], path: Path, *, parse: Parse, limits: Limits = DEFAULT_LIMITS
) -> dict[str, Any]:
    """The document, changed in place, with every reference the importer cannot follow rewritten;
    other files are read with `parse`."""
    try:
        return _bundle(document, path, parse, limits)
    except RecursionError:
        # Schemas nested very deep inside one file: one error, not a traceback.
        raise OpenAPIError("nested too deeply to read", file=str(path)) from None


def _bundle(document: dict[str, Any], path: Path, parse: Parse, limits: Limits) -> dict[str, Any]:
    bundler = _Bundler(root=path, document=document, limits=limits, parse=parse)
    components = document.get("components")
    if isinstance(components, dict):
        schemas = components.get("schemas")
        if isinstance(schemas, dict):
            names = list(schemas)
            for name in names:
                value = schemas[name]
                # `Pet: {$ref: './Pet.yaml'}` in the root: the file's schema takes the name `Pet`.
                if isinstance(value, dict) and set(value) == {"$ref"} and isinstance(value["$ref"], str):
                    where = f"/components/schemas/{_escape(str(name))}"
                    target_file, fragment = bundler.locate(value["$ref"], path, where)
                    if target_file != path and (target_file, fragment) not in bundler.hoisted:
                        bundler.hoisted[(target_file, fragment)] = str(name)
                        bundler.origins[str(name)] = (target_file, fragment)
                        bundler.pending[str(name)] = (target_file, fragment, value["$ref"], path, where)
            for name in names:
                if name not in bundler.pending:
                    where = f"/components/schemas/{_escape(str(name))}"
                    schemas[name] = bundler.schema(schemas[name], path, where)
        for section in [k for k in components if k != "schemas"]:
            where = f"/components/{section}"
            if section == "examples" and isinstance(components[section], dict):
                components[section] = bundler.examples(components[section], path, where)
            else:
                components[section] = bundler.node(components[section], path, where)
    for key in ("paths", "webhooks"):
        if isinstance(document.get(key), dict):
            document[key] = bundler.node(document[key], path, f"/{key}")
    bundler.fill_pending()
    folder = path.parent.resolve()
    origins = {
        name: f"{file.resolve().relative_to(folder).as_posix()}#{fragment}"
        for name, (file, fragment) in bundler.origins.items()
        if file != path
    }
    if origins:
        document[ORIGINS_KEY] = origins
    return document


def origin_of(document: dict[str, Any], root: str, pointer: str) -> tuple[str, str]:
    """The file and pointer a location of the bundled document (`root` and `pointer`) was read from:
    inside a schema copied from another file, that file and the pointer there; else as given."""
    origins = document.get(ORIGINS_KEY)
    prefix = SCHEMA_PREFIX[1:]
    if not isinstance(origins, dict) or not pointer.startswith(prefix):
        return root, pointer
    name, slash, rest = pointer[len(prefix) :].partition("/")
    source = origins.get(name.replace("~1", "/").replace("~0", "~"))
    if not isinstance(source, str):
        return root, pointer
    relative, _, fragment = source.partition("#")
    return str(Path(root).parent / relative), f"{fragment.rstrip('/')}{slash}{rest}" or ""


# Keywords that hold one schema, a list of them, or a map of named ones (the step after the keyword
# is then an index or a name).
_SCHEMA_LIST_KEYS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})


def schema_position(tokens: list[str]) -> bool:
    """Whether the JSON pointer `tokens` (decoded) of an OpenAPI document lands on a schema: a named
    one (`components/schemas/X`, Swagger's `definitions/X`), the `schema` of a parameter, header or
    media type, or a schema inside one of those by schema keywords (`properties/b`, `items`, ...)."""
    starts = []
    if tokens[:2] == ["components", "schemas"] and len(tokens) >= 3:
        starts.append(3)
    if tokens[:1] == ["definitions"] and len(tokens) >= 2:
        starts.append(2)
    if tokens[:1] and tokens[0] in ("paths", "webhooks", "components"):
        starts += [i + 1 for i, t in enumerate(tokens) if t == "schema" and i > 0]
    return any(_inside_schema(tokens[start:]) for start in starts)


def _inside_schema(tokens: list[str]) -> bool:
    i = 0
    while i < len(tokens):
        key = tokens[i]
        if key in SCHEMA_MAPS or key in _SCHEMA_LIST_KEYS:
            i += 2
        elif key == "items" and i + 1 < len(tokens) and tokens[i + 1].isdigit():
            i += 2  # `items` as a list of schemas (drafts before 2020-12)
        elif key in SUBSCHEMA_KEYS:
            i += 1
        else:
            return False
    return i == len(tokens)


def _followed(fragment: str) -> bool:
    parts = fragment.split("/")
    return len(parts) == 4 and parts[0] == "" and parts[1] == "components" and parts[2] in FOLLOWED


def _each(value: Any, walk: Any, pointer: str) -> Any:
    if not isinstance(value, dict):
        return value
    return {k: walk(v, f"{pointer}/{_escape(str(k))}") for k, v in value.items()}


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")
