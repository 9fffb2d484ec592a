"""The Stainless SDK reference (as the official Go SDK's reference pages read when copied as text).

Per operation: a summary line, a `client.Admin….Method(ctx, projectID, body) (*Page[Model], error)`
signature and a `GET/pets` line. Models are `type Project struct{…}` followed by one
`Name typeOptional` line per field (each with its description), nested structs inline and flattened,
enums as `const NameValue Type = "value"` lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from apidrift.contracts import templates
from apidrift.sdk.documents import (
    DocField,
    DocModel,
    DocOperation,
    DocParameter,
    DocStyle,
    ParamLocation,
    SdkDocument,
    iter_lines,
)
from apidrift.sdk.naming import json_types_of, snake_case

_ENDPOINT = re.compile(r"^(?P<method>GET|POST|PUT|PATCH|DELETE)(?P<path>/\S*)$")
_SIGNATURE = re.compile(r"^client\.(?P<chain>[\w.]+)\((?P<args>[^)]*)\)\s*\((?P<ret>[^)]*)\)")
_MODEL = re.compile(r"^type (?P<name>\w+) struct\s*\{")
_GO_TYPE = r"(?:\[\])*(?:map\[\w+\])?\*?(?:string|bool|any|int|int32|int64|float32|float64|[A-Z]\w*)"
_FIELD = re.compile(rf"^(?P<name>[A-Z][A-Za-z0-9]*) (?P<type>{_GO_TYPE}(?:Optional)?)$")
_CONST = re.compile(r'^const (?P<name>\w+) (?P<type>\w+) = "(?P<value>[^"]*)"$')
_PAGE = re.compile(r"^\*?(?P<page>\w*Page)\[(?P<item>\w+)\]$")
_CHROME = re.compile(r"^(Models\s*Expand|Skip to content|Primary navigation)")
OPTIONAL = "Optional"


def recognises(text: str) -> bool:
    return any(_ENDPOINT.match(line.strip()) for line in text.splitlines())


@dataclass
class _Struct:
    """A struct being read: its Go type name and the fields seen so far (children are other _Structs)."""

    type_name: str
    fields: list[_Field] = field(default_factory=list)


@dataclass
class _Field:
    name: str
    type_name: str
    required: bool
    line: int
    struct: _Struct | None = None
    enum: list[str] = field(default_factory=list)


def parse(text: str, file: str) -> SdkDocument:
    """Parse a Stainless reference into operations (from endpoint lines) and models (from `type` lines)."""
    lines = [(n, line.strip()) for n, line in iter_lines(text)]
    content = [(n, line) for n, line in lines if line]
    document = SdkDocument(file=file, style=DocStyle.STAINLESS, title=_title(content))
    reader = _ModelReader()
    for index, (number, line) in enumerate(content):
        if _CHROME.match(line):
            continue
        endpoint = _ENDPOINT.match(line)
        if endpoint:
            signature = _SIGNATURE.match(content[index - 1][1]) if index else None
            document.operations.append(_operation(endpoint, signature, number))
            continue
        if line.startswith("client."):
            # The two lines before a signature are a resource heading and a summary, not fields.
            reader.close(drop_from=content[max(index - 2, 0)][0])
            continue
        model = _MODEL.match(line)
        if model:
            reader.close()
            reader.open(model.group("name"), number)
            continue
        reader.feed(number, line)
    reader.close()
    document.models = reader.models
    return document


def _title(content: list[tuple[int, str]]) -> str:
    for index, (_, line) in enumerate(content):
        if index + 2 < len(content) and content[index + 2][1].startswith("client."):
            return line  # the resource heading above the first operation
    return ""


def _operation(endpoint: re.Match[str], signature: re.Match[str] | None, number: int) -> DocOperation:
    method, path = endpoint.group("method"), endpoint.group("path")
    path_params = set(templates.names(path))
    parameters: list[DocParameter] = []
    has_body, has_query = False, False
    response, is_page, name = None, False, f"{method} {path}"
    if signature is not None:
        name = signature.group("chain")
        for arg in (a.strip() for a in signature.group("args").split(",")):
            if arg in ("", "ctx"):
                continue
            if arg in ("body", "params"):
                has_body = True
            elif arg == "query":
                has_query = True
            else:
                json_name = snake_case(arg)
                location = ParamLocation.PATH if json_name in path_params else ParamLocation.QUERY
                parameters.append(DocParameter(arg, json_name, location, True, "string"))
        returned = signature.group("ret").split(",")[0].strip()
        page = _PAGE.match(returned)
        if page:
            response, is_page = page.group("item"), True
        elif returned:
            response = returned.lstrip("*")
    return DocOperation(
        name=name,
        method=method,
        path=path,
        parameters=tuple(parameters),
        has_body=has_body,
        response_model=response,
        response_is_page=is_page,
        # `query` stands for a params struct whose fields the reference lists elsewhere.
        query_documented=not has_query,
        line=number,
    )


class _ModelReader:
    """Rebuilds nested structs from the flattened field lines.

    A field whose type is `<parent type><FieldName>` opens a nested struct; a field goes to the
    innermost open struct unless it breaks that struct's order (Stainless lists `ID` first, then
    required fields, then optional ones, each alphabetically), and an enum's `const` lines name the
    struct their field belongs to (`ProjectAPIKeyOwnerType` belongs to `ProjectAPIKeyOwner`).
    The text keeps no indentation, so a scalar field that happens to sort after the last field of
    a nested struct stays in it: the order rule is a heuristic, right on the references we have.
    """

    def __init__(self) -> None:
        self.models: dict[str, DocModel] = {}
        self._root: _Struct | None = None
        self._stack: list[_Struct] = []
        self._line = 0
        self._last: _Field | None = None

    def open(self, name: str, line: int) -> None:
        self._root, self._stack, self._line, self._last = _Struct(name), [], line, None
        self._stack.append(self._root)

    def close(self, drop_from: int | None = None) -> None:
        if self._root is None:
            return
        if drop_from is not None:
            _drop_after(self._root, drop_from)
        self.models[self._root.type_name] = DocModel(
            self._root.type_name, tuple(_to_doc_field(f) for f in self._root.fields), self._line
        )
        self._root, self._stack, self._last = None, [], None

    def feed(self, number: int, line: str) -> None:
        if self._root is None:
            return
        const = _CONST.match(line)
        if const and self._last is not None:
            self._enum_value(const.group("type"), const.group("value"))
            return
        match = _FIELD.match(line)
        if not match:
            return
        type_name, required = match.group("type"), True
        if type_name.endswith(OPTIONAL) and type_name != OPTIONAL:
            type_name, required = type_name[: -len(OPTIONAL)], False
        new = _Field(match.group("name"), type_name, required, number)
        self._place(new)
        bare = type_name.lstrip("[]*")
        if _nests(self._stack[-1].type_name, new):
            new.struct = _Struct(bare)
            self._stack.append(new.struct)
        self._last = new

    def _place(self, new: _Field) -> None:
        # A nested struct's type names its parent: place it there, closing deeper structs.
        for depth in range(len(self._stack) - 1, -1, -1):
            if _nests(self._stack[depth].type_name, new):
                del self._stack[depth + 1 :]
                self._stack[-1].fields.append(new)
                return
        while len(self._stack) > 1 and _out_of_order(self._stack[-1], new):
            self._stack.pop()
        self._stack[-1].fields.append(new)

    def _enum_value(self, enum_type: str, value: str) -> None:
        last = self._last
        assert last is not None
        if last.struct is not None and last.struct.type_name == enum_type:
            # `Role ProjectServiceAccountRole` looked like a nested struct; it is an enum.
            if self._stack and self._stack[-1] is last.struct:
                self._stack.pop()
            last.struct = None
        owner = next((s for s in self._stack if s.type_name + last.name == enum_type), None)
        if owner is not None and last not in owner.fields:
            for struct in self._stack:
                if last in struct.fields:
                    struct.fields.remove(last)
            owner.fields.append(last)
            del self._stack[self._stack.index(owner) + 1 :]
        if value not in last.enum:
            last.enum.append(value)


def _nests(parent_type: str, f: _Field) -> bool:
    """Whether `f`'s type is a struct nested in `parent_type`: `ProjectAPIKeyOwner` in `ProjectAPIKey`
    for `Owner`; for arrays the item type may be singular (`[]InviteProject` for `Projects`)."""
    bare = f.type_name.lstrip("[]*")
    if bare == parent_type + f.name:
        return True
    suffix = bare.removeprefix(parent_type)
    return f.type_name.startswith("[]") and suffix != bare and bool(suffix) and f.name.startswith(suffix)


def _order_key(f: _Field) -> tuple[int, int, str]:
    return (0 if f.name == "ID" else 1, 0 if f.required else 1, snake_case(f.name))


def _out_of_order(struct: _Struct, new: _Field) -> bool:
    return bool(struct.fields) and _order_key(new) < _order_key(struct.fields[-1])


def _drop_after(struct: _Struct, line: int) -> None:
    struct.fields = [f for f in struct.fields if f.line < line]
    for f in struct.fields:
        if f.struct is not None:
            _drop_after(f.struct, line)


def _to_doc_field(f: _Field) -> DocField:
    array = f.type_name.startswith("[]")
    bare = f.type_name.lstrip("[]*")
    primitive = json_types_of(bare)
    types: tuple[str, ...] | None = ("array",) if array else primitive
    if f.enum and not array:
        types = ("string",)
    doc = DocField(
        name=f.name,
        json_name=snake_case(f.name),
        type_name=f.type_name,
        required=f.required,
        json_types=types,
        enum=tuple(sorted(f.enum)) if f.enum else None,
        array=array,
        children=tuple(_to_doc_field(c) for c in f.struct.fields) if f.struct else (),
        line=f.line,
    )
    return replace(doc, ref=None)
