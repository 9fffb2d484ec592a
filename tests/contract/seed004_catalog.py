"""The seed-004 change catalog (§5 "Endpoint-level ground truth") as data, and a field-level diff.

The catalog is read straight from `../shared/seeds/derived/seed004-catalog.md`, so the ground truth the
tests use does not pass through the contract generator (`tools/build_seed_contracts.py`).

Paths are the ones `SchemaFlattener` produces (`data[].owner.user.created_at`, root ""). A catalog row
names a field on the 2026-05-02 side; `Catalog.field_paths` maps it back to the 2026-04-30 side through
the endpoint's REN rows (`data[].results[]` was `data[].result[]`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from apidrift.check.shapes import FieldShape, SchemaFlattener, join
from apidrift.contracts.model import ContractStore, ContractVersion, Operation

CATALOG_PATH = Path(__file__).resolve().parents[3] / "shared/seeds/derived/seed004-catalog.md"
CONTRACTS_ROOT = Path(__file__).resolve().parents[2] / "contracts"
OLD, NEW = "2026-04-30", "2026-05-02"

REQUEST_KINDS = frozenset({"ADDQ", "R2OQ", "TYPEQ"})
PATH_PARAM_KINDS = frozenset({"PREN"})
SURFACES = ("response", "request", "param")

_HEADING = re.compile(r"^### (?P<code>[A-Z0-9-]+) — `(?P<method>[A-Z]+) (?P<path>[^`]+)`\s*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_QUOTED = re.compile(r'"([^"]*)"')
_BRACES = re.compile(r"\{([^{}]*)\}")
_MEMBER_NOTE = re.compile(r"\s*\([^()]*member\)")


# --- the catalog ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    """One `### CODE — \\`METHOD /path\\`` heading of §5 and the operation it names."""

    code: str
    method: str
    heading_path: str  # as printed, e.g. "…/projects/{project_id}/users/{user_id}/roles (assign …)"
    old_path: str  # the path template on 2026-04-30 ("…" kept: it matches any prefix)
    new_path: str  # the path template on 2026-05-02


@dataclass(frozen=True)
class CatalogRow:
    """One `| kind | path | old | new | secs |` row of a §5 table."""

    endpoint: Endpoint
    kind: str
    path: str  # the path cell without backquotes, e.g. "data[].invited_at -> data[].created_at"
    old: str
    new: str
    secs: str

    @property
    def code(self) -> str:
        return self.endpoint.code

    @property
    def surface(self) -> str:
        """Which part of the operation the row is about: response (200 body), request (body), param."""
        if self.kind in PATH_PARAM_KINDS:
            return "param"
        return "request" if self.kind in REQUEST_KINDS else "response"

    @property
    def cell_path(self) -> str:
        """The path cell as a flattener path, on the side the catalog printed it (new unless REN)."""
        path = self.path
        if self.kind == "PREN":  # "path {key_id}"
            return "path:" + path.removeprefix("path ").strip("{}")
        if self.kind == "TREN":
            path = path.removesuffix(" item type").removesuffix(" union member")
            path = "" if path == "(response type)" else path
        path = _MEMBER_NOTE.sub("", path)  # "data[].results[] (code-interpreter-sessions member).x"
        return path.removeprefix("body.") if self.surface == "request" else path

    @property
    def old_type_name(self) -> str:
        """TREN: the named type on 2026-04-30."""
        return self.old.split()[0]

    @property
    def new_type_names(self) -> frozenset[str]:
        """TREN: the named types the 2026-05-02 side may carry ("inline object { … }" → none)."""
        if self.new.startswith("inline object"):
            listed = re.search(r"\(([^()]*)\)", self.new)
            return frozenset(n.strip() for n in listed.group(1).split("/")) if listed else frozenset()
        return frozenset({self.new.split()[0]})

    @property
    def kept_type_names(self) -> frozenset[str]:
        """TREN: named types the new type is declared to be built on ("X (= AdminAPIKey + value)")."""
        return frozenset(re.findall(r"\(= (\w+)", self.new))

    @property
    def id(self) -> str:
        path = self.path.replace(" -> ", "->")
        if self.kind == "TREN":
            new = "inline" if self.new.startswith("inline") else self.new.split()[0]
            return f"{self.code}:{self.kind}:{path}:{self.old_type_name}->{new}"
        return f"{self.code}:{self.kind}:{path}"


@dataclass
class Catalog:
    endpoints: list[Endpoint]
    rows: list[CatalogRow]
    stated_endpoints: int  # "379 rows over 44 endpoints" (§6a heading)
    stated_rows: int
    stated_kind_rows: dict[str, int]  # the §6a table

    def rows_of(self, code: str) -> list[CatalogRow]:
        return [r for r in self.rows if r.code == code]

    def renames(self, code: str) -> list[tuple[str, str]]:
        """The (old, new) field paths of an endpoint's REN rows."""
        out = []
        for row in self.rows_of(code):
            if row.kind == "REN":
                old, new = (p.strip() for p in row.path.split("->"))
                out.append((old, new))
        return out

    def field_paths(self, row: CatalogRow) -> tuple[str, str]:
        """(old-side path, new-side path) of the field a row is about."""
        if row.kind == "REN":
            old, new = (p.strip() for p in row.path.split("->"))
            return old, new
        if row.kind == "PREN":
            return row.cell_path, "path:" + row.new.strip("{}")
        renames = self.renames(row.code) if row.surface == "response" else []
        new = rename_path(row.cell_path, renames)
        return rename_path(new, [(n, o) for o, n in renames]), new


def load_catalog(path: Path = CATALOG_PATH) -> Catalog:
    lines = path.read_text(encoding="utf-8").splitlines()
    section = _section(lines, "## 5.")
    endpoints: list[Endpoint] = []
    rows: list[CatalogRow] = []
    for line in section:
        heading = _HEADING.match(line)
        if heading:
            endpoints.append(_endpoint(heading["code"], heading["method"], heading["path"]))
            continue
        cells = _cells(line)
        if cells is None or not endpoints or cells[0] in ("kind", "---"):
            continue
        kind, path, old, new, secs = cells
        rows.append(CatalogRow(endpoints[-1], kind, path.strip("`"), old, new, secs))
    stated = _section(lines, "### 6a.")
    totals = re.search(r"(\d+) rows over (\d+) endpoints", stated[0])
    assert totals, f"§6a heading has no totals: {stated[0]!r}"
    kind_rows = {}
    for line in stated[1:]:
        cells = _cells(line)
        if cells and len(cells) == 3 and cells[2].isdigit():
            kind_rows[cells[0]] = int(cells[2])
    return Catalog(endpoints, rows, int(totals[2]), int(totals[1]), kind_rows)


def _section(lines: list[str], start: str) -> list[str]:
    """The lines from the heading starting with `start` to the next heading of the same level."""
    level = start.split()[0] + " "
    begin = next(i for i, line in enumerate(lines) if line.startswith(start))
    end = next(
        (
            i
            for i in range(begin + 1, len(lines))
            if lines[i].startswith(level) or (level == "### " and lines[i].startswith("## "))
        ),
        len(lines),
    )
    return lines[begin:end]


def _cells(line: str) -> list[str] | None:
    if not line.startswith("|"):
        return None
    parts = _CELL_SPLIT.split(line.strip())[1:-1]
    cells = [p.strip().replace("\\|", "|") for p in parts]
    return ["---" if set(c) <= {"-", ":"} and c else c for c in cells]


def _endpoint(code: str, method: str, text: str) -> Endpoint:
    path = re.sub(r"\s*\([^()]*\)\s*$", "", text)  # "(assign project role to user)"
    old, _, renamed = (p.strip() for p in path.partition("->"))
    new = re.sub(r"\{[^{}]*\}$", renamed, old) if renamed else old
    return Endpoint(code, method, text, old, new)


def path_matches(template: str, catalog_path: str) -> bool:
    """A heading path matches an operation path; a leading "…" stands for any prefix."""
    if catalog_path.startswith("…"):
        return template.endswith(catalog_path[1:])
    return template == catalog_path


def resolve_operation(endpoint: Endpoint, old: ContractVersion, new: ContractVersion) -> str:
    """The operation id a §5 heading names: one operation per side, the same id on both."""
    found = []
    for version, path in ((old, endpoint.old_path), (new, endpoint.new_path)):
        ops = [
            op.id
            for op in version.operations.values()
            if op.method == endpoint.method and path_matches(op.path, path)
        ]
        assert len(ops) == 1, f"{endpoint.code}: {endpoint.method} {path} matches {ops} in {version.version}"
        found.append(ops[0])
    assert found[0] == found[1], f"{endpoint.code}: operation ids differ between versions: {found}"
    return found[0]


# --- paths ---------------------------------------------------------------------------------------


def is_at_or_below(path: str, ancestor: str) -> bool:
    """`data[].user.id` is below `data[].user` and `data[]`; `data[].results` is not below `data[].result`."""
    if path == ancestor or ancestor == "":
        return True
    return path.startswith(ancestor + ".") or path.startswith(ancestor + "[]")


def rename_path(path: str, renames: Iterable[tuple[str, str]]) -> str:
    for old, new in renames:
        if is_at_or_below(path, old) and old != "":
            return new + path[len(old) :]
    return path


# --- the contracts, flattened --------------------------------------------------------------------


class Contracts:
    """The two contract versions, their operations flattened per surface (cached)."""

    def __init__(self, root: Path = CONTRACTS_ROOT) -> None:
        store = ContractStore(root)
        self.versions = {OLD: store.load(OLD), NEW: store.load(NEW)}
        self._flatteners = {label: SchemaFlattener(v.schemas) for label, v in self.versions.items()}
        self._cache: dict[tuple[str, str, str], dict[str, FieldShape]] = {}

    @cached_property
    def op_ids(self) -> list[str]:
        return sorted(set(self.versions[OLD].operations) | set(self.versions[NEW].operations))

    def operation(self, side: str, op_id: str) -> Operation | None:
        return self.versions[side].operations.get(op_id)

    def shapes(self, side: str, op_id: str, surface: str) -> dict[str, FieldShape]:
        """Field path -> shape for the 200 body ("response"), request body ("request") or parameters
        ("param", paths `path:NAME` / `query:NAME[]…`). A root's `required` is the body's/parameter's."""
        key = (side, op_id, surface)
        if key not in self._cache:
            self._cache[key] = self._shapes(side, op_id, surface)
        return self._cache[key]

    def _shapes(self, side: str, op_id: str, surface: str) -> dict[str, FieldShape]:
        op = self.operation(side, op_id)
        flatten = self._flatteners[side].flatten
        if op is None:
            return {}
        if surface == "response":
            spec = op.responses.get("200")
            return flatten(spec.schema if spec else None)
        if surface == "request":
            if op.request_body is None:
                return {}
            shapes = flatten(op.request_body.schema)
            shapes[""] = replace(shapes[""], required=op.request_body.required)
            return shapes
        out: dict[str, FieldShape] = {}
        for param in op.parameters:
            prefix = f"{param.location}:{param.name}"
            for path, shape in flatten(param.schema).items():
                full = prefix + path if path.startswith("[]") or not path else join(prefix, path)
                out[full] = replace(shape, path=full, required=param.required if not path else shape.required)
        return out


# --- differences and their explanation -----------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """One fact that differs between the versions; `path` is in 2026-05-02 names."""

    op_id: str
    surface: str  # response | request | param | operation
    path: str
    aspect: str  # added | removed | required | types | enum | refs | method | path | statuses | ...
    old: Any = None
    new: Any = None

    def __str__(self) -> str:
        where = self.path if self.path else "(root)"
        return f"{self.op_id} [{self.surface}] {where}: {self.aspect} {self.old!r} -> {self.new!r}"


def diff_operation(contracts: Contracts, op_id: str, renames: list[tuple[str, str]]) -> list[Difference]:
    """Every difference of one operation; response paths of 2026-04-30 are first renamed by `renames`."""
    old_op, new_op = contracts.operation(OLD, op_id), contracts.operation(NEW, op_id)
    if old_op is None or new_op is None:
        return [Difference(op_id, "operation", "", "missing", old_op is not None, new_op is not None)]
    diffs = []
    for aspect, a, b in (
        ("method", old_op.method, new_op.method),
        ("path", old_op.path, new_op.path),
        ("statuses", sorted(old_op.responses), sorted(new_op.responses)),
    ):
        if a != b:
            diffs.append(Difference(op_id, "operation", "", aspect, a, b))
    for surface in SURFACES:
        old = contracts.shapes(OLD, op_id, surface)
        if surface == "response" and renames:
            old, clashes = _renamed(old, renames)
            diffs += [Difference(op_id, surface, p, "rename target exists", True, True) for p in clashes]
        diffs += _diff_shapes(op_id, surface, old, contracts.shapes(NEW, op_id, surface))
    return diffs


def _renamed(
    shapes: Mapping[str, FieldShape], renames: list[tuple[str, str]]
) -> tuple[dict[str, FieldShape], list[str]]:
    out: dict[str, FieldShape] = {}
    clashes = []
    for path, shape in shapes.items():
        target = rename_path(path, renames)
        if target != path and target in shapes:
            clashes.append(target)
        out[target] = shape
    return out, clashes


def _diff_shapes(
    op_id: str, surface: str, old: Mapping[str, FieldShape], new: Mapping[str, FieldShape]
) -> list[Difference]:
    diffs = []
    for path in sorted(set(old) | set(new)):
        a, b = old.get(path), new.get(path)
        if a is None:
            diffs.append(Difference(op_id, surface, path, "added", None, _brief(b)))
        elif b is None:
            diffs.append(Difference(op_id, surface, path, "removed", _brief(a), None))
        else:
            for aspect, x, y in (
                ("required", a.required, b.required),
                ("types", tuple(sorted(a.types)), tuple(sorted(b.types))),
                ("enum", _enum_set(a.enum), _enum_set(b.enum)),
                ("refs", tuple(sorted(a.refs)), tuple(sorted(b.refs))),
            ):
                if x != y:
                    diffs.append(Difference(op_id, surface, path, aspect, x, y))
    return diffs


def _enum_set(enum: tuple[Any, ...] | None) -> tuple[str, ...] | None:
    return None if enum is None else tuple(sorted(repr(v) for v in enum))


def _brief(shape: FieldShape | None) -> str:
    if shape is None:
        return ""
    enum = f" enum={list(shape.enum)}" if shape.enum is not None else ""
    refs = f" refs={list(shape.refs)}" if shape.refs else ""
    return f"{'|'.join(shape.types) or 'any'}{' required' if shape.required else ''}{enum}{refs}"


def explained(diff: Difference, rows: list[CatalogRow], catalog: Catalog) -> bool:
    """Whether some catalog row of the operation accounts for `diff` (see the test module docstring)."""
    if diff.surface == "operation":
        return diff.aspect == "path" and any(
            r.kind == "PREN" and diff.old.replace("{" + r.old + "}", "{" + r.new + "}") == diff.new
            for r in rows
        )
    mine = [(r, *catalog.field_paths(r)) for r in rows if r.surface == diff.surface]
    if diff.aspect == "added":
        return any(r.kind in ("ADD", "ADDQ", "PREN") and is_at_or_below(diff.path, new) for r, _, new in mine)
    if diff.aspect == "removed":
        # 2026-04-30 paths were renamed to 2026-05-02 names, except PREN parameters which keep theirs.
        return any(
            (r.kind == "REM" and is_at_or_below(diff.path, new))
            or (r.kind == "PREN" and is_at_or_below(diff.path, old))
            for r, old, new in mine
        )
    at = [r for r, _, new in mine if new == diff.path]
    kinds = {r.kind for r in at}
    if diff.aspect == "required":
        wanted = {"O2R"} if diff.new else {"R2O", "R2OQ"}
        return bool(kinds & wanted)
    if diff.aspect == "types":
        only_null = set(diff.old) ^ set(diff.new) == {"null"}
        return not only_null and bool(kinds & {"TYPE", "TYPEQ"})
    if diff.aspect == "enum":
        enum_to_string = diff.old is not None and diff.new is None
        return "ENUM" in kinds or (enum_to_string and bool(kinds & {"TYPE", "TYPEQ"}))
    if diff.aspect == "refs":
        trens = [r for r in at if r.kind == "TREN"]
        gone, came = set(diff.old) - set(diff.new), set(diff.new) - set(diff.old)
        return (
            bool(trens)
            and gone <= {r.old_type_name for r in trens}
            and came <= {n for r in trens for n in r.new_type_names}
        )
    return False


# --- reading the old/new cells -------------------------------------------------------------------


def cell_values(cell: str) -> frozenset[str]:
    """The quoted literals of a cell: `enum "owner" | "member"` → {owner, member}."""
    return frozenset(_QUOTED.findall(cell))


def cell_required(cell: str, default: bool | None) -> bool | None:
    """`optional …` → False; `… (required)` / `(still required)` → True; otherwise `default`."""
    if cell.startswith("optional") or " optional " in f" {cell} ":
        return False
    if "required)" in cell:
        return True
    return default


def cell_members(cell: str) -> frozenset[str] | None:
    """The property names of `object { a, b }` (None when absent or abbreviated with "N more")."""
    found = _BRACES.search(cell)
    if not found or "more" in found.group(1):
        return None
    return frozenset(n.strip() for n in found.group(1).split(","))


def cell_json_types(cell: str) -> frozenset[str] | None:
    """The JSON types a cell's type word allows (None when it names no plain type)."""
    text = re.sub(r"^(optional\s+)?(enum\s+)?", "", cell)
    if text.startswith('"'):
        return frozenset({"string"})
    if text.startswith("array"):
        return frozenset({"array"})
    word = text.split()[0] if text else ""
    return {
        "string": frozenset({"string"}),
        "number": frozenset({"number", "integer"}),
        "boolean": frozenset({"boolean"}),
        "object": frozenset({"object"}),
    }.get(word)


def children(shapes: Mapping[str, FieldShape], path: str) -> frozenset[str]:
    """Direct property names below `path` (through one level of array items)."""
    names = set()
    for base in (path, f"{path}[]"):
        prefix = f"{base}." if base else ""
        for p in shapes:
            rest = p[len(prefix) :] if p.startswith(prefix) else None
            if rest and "." not in rest and "[" not in rest:
                names.add(rest)
    return frozenset(names)
