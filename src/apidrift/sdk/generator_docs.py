"""The openapi-generator markdown reference (Go, TypeScript, Rust and the other generators).

A method table (`[**Name**](api.md#Name) | **GET** /path | description`), one section per
operation (`# **Name**` or `## name`) with a `> Return name(args)` signature, `### … Parameters`
tables and a `### Return type`; model pages (`# Model` + `## Properties`) when the document has them.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

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
from apidrift.sdk.naming import json_types_of, pascal_case, snake_case

_METHOD_ROW = re.compile(
    r"^\[\*\*(?P<name>[^*\]]+)\*\*\]\([^)]*\)\s*\|\s*\*\*(?P<method>GET|POST|PUT|PATCH|DELETE)\*\*\s+"
    r"(?P<path>/\S*)\s*\|"
)
_HEADING = re.compile(r"^(?P<level>#{1,3})\s+(?:\*\*)?(?P<name>[\\.]?[\w]+)(?:\*\*)?\s*$")
_SIGNATURE = re.compile(r"^>\s*(?P<ret>\S+)\s+(?P<fn>\w+)\((?P<args>[^)]*)\)")
_BOLD = re.compile(r"\*\*([^*]+)\*\*")
_TABLE_ROW = re.compile(r"^\s*\*\*(?P<name>\w+)\*\*\s*\|(?P<rest>.*)$")
_MODEL_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_ARRAY = re.compile(r"^(?:Array<(?P<a>.+)>|Vec<(?P<v>.+)>|List<(?P<l>.+)>|\[\](?P<g>.+))$")
_WRAPPER = re.compile(r"^(?:Option|Box)<(.+)>$")
_NO_BODY = {"null", "void", "()", "none", ""}


def recognises(text: str) -> bool:
    return any(_METHOD_ROW.match(html.unescape(line.strip())) for line in text.splitlines())


@dataclass
class _Section:
    """The lines of one operation's or model's section, collected before they are interpreted."""

    name: str
    line: int
    lines: list[tuple[int, str]] = field(default_factory=list)


def parse(text: str, file: str) -> SdkDocument:
    """Parse an openapi-generator markdown document into operations (and models, when documented)."""
    lines = [(n, html.unescape(line)) for n, line in iter_lines(text)]
    title = next((m.group("name").lstrip("\\.") for _, line in lines if (m := _HEADING.match(line))), "")
    table: list[tuple[int, re.Match[str]]] = [
        (n, m) for n, line in lines if (m := _METHOD_ROW.match(line.strip()))
    ]
    names = {m.group("name") for _, m in table}
    sections = _sections(lines, names)
    document = SdkDocument(file=file, style=DocStyle.OPENAPI_GENERATOR, title=title)
    for number, row in table:
        section = sections.get(row.group("name"))
        document.operations.append(_operation(row, number, section))
    for section in sections.values():
        if section.name not in names:
            model = _model(section)
            if model is not None:
                document.models[model.name] = model
    return document


def _sections(lines: list[tuple[int, str]], operation_names: set[str]) -> dict[str, _Section]:
    """Split the document at operation headings and at model headings (`# Name` + `## Properties`)."""
    sections: dict[str, _Section] = {}
    current: _Section | None = None
    for number, line in lines:
        heading = _HEADING.match(line)
        if heading and heading.group("name") != "Properties":
            name = heading.group("name").lstrip("\\.")
            bold = "**" in line
            if name in operation_names or (len(heading.group("level")) == 1 and not bold):
                current = sections.setdefault(name, _Section(name, number))
                continue
        if current is not None:
            current.lines.append((number, line))
    return sections


def _operation(row: re.Match[str], number: int, section: _Section | None) -> DocOperation:
    method, path = row.group("method"), row.group("path")
    path_params = set(templates.names(path))
    signature = None
    tables: list[list[tuple[int, list[str], str]]] = []
    return_type = None
    if section is not None:
        signature = next((m for _, line in section.lines if (m := _SIGNATURE.match(line.strip()))), None)
        tables = _parameter_tables(section.lines)
        return_type = _return_type(section.lines)
    parameters: list[DocParameter] = []
    if tables:
        for table in tables:
            parameters += [p for row_cells in table if (p := _table_parameter(row_cells, path_params))]
    elif signature is not None:
        args = [a.strip() for a in signature.group("args").split(",") if a.strip()]
        parameters = [_signature_parameter(a, path_params) for a in args if a != "ctx"]
    response = _type_name(signature.group("ret")) if signature else return_type
    if response is not None and response.lower() in _NO_BODY:
        response = None
    body = next((p for p in parameters if p.location is ParamLocation.BODY), None)
    return DocOperation(
        name=row.group("name"),
        method=method,
        path=path,
        parameters=tuple(p for p in parameters if p.location is not ParamLocation.BODY),
        request_model=body.type_name if body else None,
        has_body=body is not None,
        response_model=response,
        query_documented=bool(tables) or bool(signature and signature.group("args").strip()),
        line=number,
    )


def _parameter_tables(lines: list[tuple[int, str]]) -> list[list[tuple[int, list[str], str]]]:
    """Rows of every `### … Parameters` table as (line, cells, header), header naming the columns."""
    tables: list[list[tuple[int, list[str], str]]] = []
    in_params, header = False, ""
    for number, line in lines:
        stripped = line.strip()
        if stripped.startswith("#"):
            in_params = stripped.lstrip("#").strip().endswith("Parameters")
            header = ""
            if in_params:
                tables.append([])
            continue
        if not in_params:
            continue
        if stripped.startswith("Name") and "|" in stripped:
            header = stripped
        elif _TABLE_ROW.match(stripped):
            tables[-1].append((number, [c.strip() for c in stripped.split("|")], header))
    return [t for t in tables if t]


def _columns(header: str) -> list[str]:
    return [c.strip().lower() for c in header.split("|")]


def _table_parameter(row: tuple[int, list[str], str], path_params: set[str]) -> DocParameter | None:
    _, cells, header = row
    name = _BOLD.sub(r"\1", cells[0]).strip()
    type_cell = cells[1] if len(cells) > 1 else ""
    type_name = _type_name(type_cell)
    if name == "ctx" or type_name == "context.Context":
        return None
    columns = _columns(header)
    by_column = dict(zip(columns, cells, strict=False))
    notes = by_column.get("notes", "")
    required: bool | None
    if "required" in by_column:
        required = "[required]" in by_column["required"]
    elif "optional" in notes.lower() or type_cell.startswith("Option<"):
        required = False
    else:
        required = True
    return _parameter(name, type_name, path_params, required, model_hint=_is_model_type(type_cell))


def _signature_parameter(arg: str, path_params: set[str]) -> DocParameter:
    json_name = snake_case(arg)
    is_body = json_name.endswith(("_request", "_body"))
    return _parameter(arg, pascal_case(arg) if is_body else "", path_params, None, model_hint=is_body)


def _parameter(
    name: str, type_name: str, path_params: set[str], required: bool | None, *, model_hint: bool
) -> DocParameter:
    json_name = snake_case(name)
    if json_name in path_params or name in path_params:
        location = ParamLocation.PATH
    elif model_hint:
        location = ParamLocation.BODY
    else:
        location = ParamLocation.QUERY
    return DocParameter(name, json_name, location, required, type_name)


def _is_model_type(type_cell: str) -> bool:
    name = _type_name(type_cell)
    return bool(_MODEL_NAME.match(name)) and json_types_of(name) is None and "<" not in type_cell


def _type_name(cell: str) -> str:
    """`[**models::ProjectGroup**](ProjectGroup.md)`, `Option<**i32**>`, `**Project**` -> the bare name."""
    bold = _BOLD.search(cell)
    name = bold.group(1) if bold else cell.strip().strip("[]")
    return name.strip("[]").rsplit("::", 1)[-1].strip()


def _return_type(lines: list[tuple[int, str]]) -> str | None:
    after = False
    for _, line in lines:
        stripped = line.strip()
        if stripped.startswith("#"):
            after = stripped.lstrip("#").strip().lower() == "return type"
        elif after and stripped:
            return _type_name(stripped)
    return None


def _model(section: _Section) -> DocModel | None:
    """A model page: `## Properties` then rows `**Name** | type | description | notes`."""
    rows = []
    in_properties = False
    for number, line in section.lines:
        stripped = line.strip()
        if stripped.startswith("#"):
            in_properties = stripped.lstrip("#").strip() == "Properties"
        elif in_properties and (m := _TABLE_ROW.match(stripped)):
            rows.append((number, m.group("name"), [c.strip() for c in m.group("rest").split("|")]))
    if not rows:
        return None
    return DocModel(section.name, tuple(_model_field(*row) for row in rows), section.line)


def _model_field(number: int, name: str, cells: list[str]) -> DocField:
    type_cell = cells[0] if cells else ""
    notes = cells[2] if len(cells) > 2 else ""
    optional = "[optional]" in notes or type_cell.startswith(("Option<", "Pointer to"))
    nullable = "Nullable" in type_cell
    raw = type_cell.strip().removeprefix("Pointer to").strip()
    bold = _BOLD.search(raw)
    inner = bold.group(1).strip() if bold else raw.strip("[]")
    while wrapper := _WRAPPER.match(inner):
        inner = wrapper.group(1)
    array = _ARRAY.match(inner)
    if array:
        inner = next(g for g in array.groups() if g)
    inner = inner.rsplit("::", 1)[-1].removeprefix("Nullable")
    primitive = json_types_of(inner)
    types: tuple[str, ...] | None = None
    if array:
        types = ("array",)
    elif primitive is not None:
        types = primitive
    if types is not None and nullable:
        types = (*types, "null")
    is_ref = primitive is None and bool(_MODEL_NAME.match(inner))
    return DocField(
        name=name,
        json_name=snake_case(name),
        type_name=inner,
        required=not optional,
        json_types=types,
        array=bool(array),
        ref=inner if is_ref else None,
        line=number,
    )
