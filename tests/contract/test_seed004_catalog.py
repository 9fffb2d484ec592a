"""The committed contracts 2026-04-30 and 2026-05-02 differ exactly as the seed-004 change catalog says.

Ground truth is §5 of `../shared/seeds/derived/seed004-catalog.md`, read directly (not through the
generator). Two directions:

* no less — every §5 row holds, checked on both sides (`test_catalog_row_holds`);
* no more — every difference between the versions (200 body, request body, path/query parameters,
  method/path/statuses, for all operations) is accounted for by a §5 row of that operation
  (`test_no_unexplained_differences`). Rules: an added/removed path is explained by an ADD/ADDQ or REM
  row at or above it; REN rows rename the 2026-04-30 subtree before comparing it (so what changed inside
  a renamed field must be explained by its own rows); required flips by O2R / R2O(Q); enum changes by
  ENUM, or TYPE(Q) for enum → plain string; `refs` changes by TREN rows naming exactly the types that
  came and went; a `{key_id}` → `{api_key_id}` path/parameter change by PREN. A types change that only
  adds or drops "null" is never explained (the catalog counts 0 nullability changes). TREN explains only
  the named type at its own path: the catalog lists what changed below a renamed/inlined type as rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import pytest
from seed004_catalog import (
    CATALOG_PATH,
    NEW,
    OLD,
    CatalogRow,
    Contracts,
    cell_json_types,
    cell_members,
    cell_required,
    cell_values,
    children,
    diff_operation,
    explained,
    load_catalog,
    resolve_operation,
)

from apidrift.check.shapes import FieldShape

if not CATALOG_PATH.is_file():
    pytest.skip(f"seed-004 change catalog not found at {CATALOG_PATH}", allow_module_level=True)

CATALOG = load_catalog()
ROWS = CATALOG.rows


@pytest.fixture(scope="module")
def contracts() -> Contracts:
    return Contracts()


@pytest.fixture(scope="module")
def op_of(contracts: Contracts) -> dict[str, str]:
    """Endpoint code (`I-L`) -> operation id (`list-invites`)."""
    old, new = contracts.versions[OLD], contracts.versions[NEW]
    return {e.code: resolve_operation(e, old, new) for e in CATALOG.endpoints}


# --- the parser ------------------------------------------------------------------------------------


def test_parser_finds_the_catalog_totals() -> None:
    assert (len(CATALOG.endpoints), len(ROWS)) == (44, 379)
    assert (CATALOG.stated_endpoints, CATALOG.stated_rows) == (44, 379), "§6a totals changed"
    assert dict(Counter(r.kind for r in ROWS)) == CATALOG.stated_kind_rows
    assert len({e.code for e in CATALOG.endpoints}) == 44
    assert all(CATALOG.rows_of(e.code) for e in CATALOG.endpoints), "an endpoint without rows"
    duplicates = [i for i, n in Counter(r.id for r in ROWS).items() if n > 1]
    assert not duplicates


def test_each_endpoint_is_one_operation(op_of: dict[str, str]) -> None:
    assert len(set(op_of.values())) == 44, "two headings name the same operation"
    assert op_of["PUR-C"] == "assign-project-user-role"
    assert op_of["UR-C"] == "assign-user-role"
    assert op_of["PK-R"] == "retrieve-project-api-key"


# --- no less: every row holds ------------------------------------------------------------------------


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_catalog_row_holds(row: CatalogRow, contracts: Contracts, op_of: dict[str, str]) -> None:
    op_id = op_of[row.code]
    if row.kind == "PREN":
        _check_path_param_rename(row, contracts, op_id)
        return
    old_path, new_path = CATALOG.field_paths(row)
    old = contracts.shapes(OLD, op_id, row.surface)
    new = contracts.shapes(NEW, op_id, row.surface)
    a, b = old.get(old_path), new.get(new_path)
    where = f"{op_id} {row.surface} old={old_path!r} new={new_path!r}"
    kind = row.kind.removesuffix("Q")

    if kind == "REN":
        assert a is not None and new_path not in old, f"{where}: 2026-04-30 should have only {old_path!r}"
        assert b is not None and old_path not in new, f"{where}: 2026-05-02 should have only {new_path!r}"
        _check_cell(a, row.old, old, old_path, where + " (old)", default_required=True)
        _check_cell(b, row.new, new, new_path, where + " (new)", default_required=True)
        return
    if kind == "ADD":
        assert a is None, f"{where}: already on 2026-04-30 ({a})"
        assert b is not None, f"{where}: missing on 2026-05-02"
        _check_cell(b, row.new, new, new_path, where + " (new)", default_required=True)
        return
    if kind == "REM":
        assert a is not None, f"{where}: missing on 2026-04-30"
        assert b is None, f"{where}: still on 2026-05-02 ({b})"
        _check_cell(a, row.old, old, old_path, where + " (old)", default_required=True)
        return

    assert a is not None, f"{where}: missing on 2026-04-30"
    assert b is not None, f"{where}: missing on 2026-05-02"
    if kind == "O2R":
        assert (a.required, b.required) == (False, True), f"{where}: required {a.required} -> {b.required}"
    elif kind == "R2O":
        assert (a.required, b.required) == (True, False), f"{where}: required {a.required} -> {b.required}"
    elif kind == "TYPE":
        assert a.enum is not None, f"{where}: 2026-04-30 has no enum ({a})"
        assert set(a.enum) == cell_values(row.old), f"{where}: 2026-04-30 enum {a.enum}"
        assert b.enum is None, f"{where}: 2026-05-02 still has enum {b.enum}"
        assert "string" in b.types, f"{where}: 2026-05-02 types {b.types}"
        for shape, cell, side in ((a, row.old, "old"), (b, row.new, "new")):
            required = cell_required(cell, default=None)
            assert required in (None, shape.required), f"{where}: {side} required={shape.required}"
    elif kind == "ENUM":
        for shape, cell, side in ((a, row.old, "old"), (b, row.new, "new")):
            values = cell_values(cell)
            got = None if shape.enum is None else set(shape.enum)
            assert got == (set(values) if values else None), f"{where}: {side} enum {got}, catalog {cell!r}"
    elif kind == "TREN":
        _check_type_rename(row, contracts, op_id, old_path, new_path)
    else:
        pytest.fail(f"unknown catalog kind {row.kind!r}")


def _check_cell(
    shape: FieldShape,
    cell: str,
    shapes: Mapping[str, FieldShape],
    path: str,
    where: str,
    default_required: bool,
) -> None:
    """What an ADD/REM/REN cell says of one side: required-ness, JSON type, literals, members."""
    required = cell_required(cell, default_required)
    assert shape.required == required, f"{where}: required={shape.required}, catalog {cell!r}"
    types = cell_json_types(cell.split(": ", 1)[-1])
    if types is not None:
        assert set(shape.types) - {"null"} <= types and set(shape.types) & types, (
            f"{where}: types {shape.types}, catalog {cell!r}"
        )
    values = cell_values(cell)
    if values:
        got = None if shape.enum is None else set(shape.enum)
        assert got == values, f"{where}: enum {shape.enum}, catalog {cell!r}"
    members = cell_members(cell)
    if members is not None:
        assert children(shapes, path) == members, f"{where}: members {sorted(children(shapes, path))}"


def _check_type_rename(
    row: CatalogRow, contracts: Contracts, op_id: str, old_path: str, new_path: str
) -> None:
    old_refs = set(contracts.shapes(OLD, op_id, "response")[old_path].refs)
    new_shapes = contracts.shapes(NEW, op_id, "response")
    new_refs = set(new_shapes[new_path].refs)
    where = f"{op_id} {old_path!r}: refs {sorted(old_refs)} -> {sorted(new_refs)}"
    assert row.old_type_name in old_refs, f"{where}: 2026-04-30 is not {row.old_type_name}"
    assert row.old_type_name not in new_refs or row.old_type_name in row.kept_type_names, (
        f"{where}: 2026-05-02 still {row.old_type_name}"
    )
    if row.new.startswith("inline object"):
        assert new_refs <= row.new_type_names, f"{where}: 2026-05-02 should be {row.new}"
        members = cell_members(row.new)
        if members is not None:
            got = children(new_shapes, new_path)
            assert got == members, f"{where}: inline members {sorted(got)}"
    else:
        (new_name,) = row.new_type_names
        assert new_name in new_refs, f"{where}: 2026-05-02 is not {new_name}"
        assert new_name not in old_refs, f"{where}: 2026-04-30 already {new_name}"


def _check_path_param_rename(row: CatalogRow, contracts: Contracts, op_id: str) -> None:
    old_name, new_name = row.old, row.new
    old_op, new_op = contracts.operation(OLD, op_id), contracts.operation(NEW, op_id)
    assert old_op is not None and new_op is not None
    assert "{" + old_name + "}" in old_op.path and "{" + new_name + "}" not in old_op.path, old_op.path
    assert "{" + new_name + "}" in new_op.path and "{" + old_name + "}" not in new_op.path, new_op.path
    assert old_op.path.replace("{" + old_name + "}", "{" + new_name + "}") == new_op.path
    old_params = [p.name for p in old_op.path_params]
    new_params = [p.name for p in new_op.path_params]
    assert old_name in old_params and new_name not in old_params, old_params
    assert new_name in new_params and old_name not in new_params, new_params
    assert [new_name if n == old_name else n for n in old_params] == new_params


# --- no more: every difference is in the catalog -----------------------------------------------------


def test_no_unexplained_differences(contracts: Contracts, op_of: dict[str, str]) -> None:
    code_of = {op_id: code for code, op_id in op_of.items()}
    unexplained = []
    for op_id in contracts.op_ids:
        code = code_of.get(op_id)
        rows = CATALOG.rows_of(code) if code else []
        renames = CATALOG.renames(code) if code else []
        for diff in diff_operation(contracts, op_id, renames):
            if not explained(diff, rows, CATALOG):
                unexplained.append(f"{code or '(not in §5)'} {diff}")
    assert len(contracts.op_ids) == 74
    assert not unexplained, f"{len(unexplained)} difference(s) not in the catalog:\n  " + "\n  ".join(
        unexplained
    )
