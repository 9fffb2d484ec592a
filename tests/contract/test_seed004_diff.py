"""`apidrift diff 2026-04-30 2026-05-02` reports every change of the seed-004 catalog, as the right kind,
and nothing the catalog does not list."""

from __future__ import annotations

import pytest
from seed004_catalog import (
    CATALOG_PATH,
    Catalog,
    CatalogRow,
    is_at_or_below,
    load_catalog,
    resolve_operation,
)

from apidrift.contracts.model import ContractStore
from apidrift.diff.changes import Change, ChangeKind, Severity, Side
from apidrift.diff.engine import VersionDiff, diff_versions

K = ChangeKind
# Catalog kind -> the change kinds that report it.
EXPECTED_KINDS: dict[str, set[ChangeKind]] = {
    "REN": {K.FIELD_RENAMED},
    "PREN": {K.PATH_PARAM_RENAMED},
    "TREN": {K.SCHEMA_RENAMED},
    "ADD": {K.FIELD_ADDED},
    "ADDQ": {K.FIELD_ADDED},
    "REM": {K.FIELD_REMOVED},
    "O2R": {K.BECAME_REQUIRED},
    "R2O": {K.BECAME_OPTIONAL},
    "R2OQ": {K.BECAME_OPTIONAL},
    "TYPE": {K.TYPE_CHANGED, K.TYPE_WIDENED, K.TYPE_NARROWED},
    "TYPEQ": {K.TYPE_CHANGED, K.TYPE_WIDENED, K.TYPE_NARROWED},
    # string -> const is a narrowing; "list" -> another const removes and adds values.
    "ENUM": {K.CONSTRAINT_NARROWED, K.ENUM_VALUES_ADDED, K.ENUM_VALUES_REMOVED},
}
SIDES = {"response": Side.RESPONSE, "request": Side.REQUEST, "param": Side.PARAMETER}

if not CATALOG_PATH.is_file():
    pytest.skip(f"seed-004 catalog not found at {CATALOG_PATH}", allow_module_level=True)
CATALOG: Catalog = load_catalog()


@pytest.fixture(scope="module")
def diff(store: ContractStore) -> VersionDiff:
    return diff_versions(store.load("2026-04-30"), store.load("2026-05-02"))


@pytest.fixture(scope="module")
def op_ids(store: ContractStore) -> dict[str, str]:
    old, new = store.load("2026-04-30"), store.load("2026-05-02")
    return {e.code: resolve_operation(e, old, new) for e in CATALOG.endpoints}


def _reported(diff: VersionDiff, op_id: str, row: CatalogRow) -> list[Change]:
    """Changes of the row's operation and side at the row's path, or at an ancestor of it that
    was added or removed whole (the catalog also lists every field under an added object)."""
    _, path = CATALOG.field_paths(row)
    if row.kind == "PREN":
        path = path.removeprefix("path:")
    if row.kind in ("REM",):
        path = CATALOG.field_paths(row)[1]
    out = []
    for c in diff.changes:
        if c.operation_id != op_id or c.side is not SIDES[row.surface]:
            continue
        if c.path == path or (c.kind in (K.FIELD_ADDED, K.FIELD_REMOVED) and is_at_or_below(path, c.path)):
            out.append(c)
    return out


@pytest.mark.parametrize("row", CATALOG.rows, ids=[r.id for r in CATALOG.rows])
def test_every_catalog_row_is_reported_as_its_kind(
    diff: VersionDiff, op_ids: dict[str, str], row: CatalogRow
) -> None:
    found = _reported(diff, op_ids[row.code], row)
    kinds = {c.kind for c in found}
    assert kinds & EXPECTED_KINDS[row.kind], f"{row.id}: expected {EXPECTED_KINDS[row.kind]}, got {found}"


def test_nothing_beyond_the_catalog(diff: VersionDiff, op_ids: dict[str, str]) -> None:
    by_op: dict[str, list[CatalogRow]] = {}
    for row in CATALOG.rows:
        by_op.setdefault(op_ids[row.code], []).append(row)
    unexplained = []
    for change in diff.changes:
        rows = by_op.get(change.operation_id or "", [])
        if not any(change in _reported(diff, change.operation_id or "", r) for r in rows):
            unexplained.append(
                f"{change.operation_id} {change.kind} {change.side} {change.path}: {change.message}"
            )
    assert unexplained == []


def _one(diff: VersionDiff, op_id: str, kind: ChangeKind, path: str) -> Change:
    (change,) = [c for c in diff.changes if c.operation_id == op_id and c.kind is kind and c.path == path]
    return change


def test_invites_invited_at_renamed_to_created_at(diff: VersionDiff) -> None:
    for op_id, path in (
        ("list-invites", "data[].created_at"),
        ("retrieve-invite", "created_at"),
        ("inviteUser", "created_at"),
    ):
        change = _one(diff, op_id, K.FIELD_RENAMED, path)
        assert change.old == path.replace("created_at", "invited_at")
        assert (
            change.severity is Severity.BREAKING
            and change.confidence is not None
            and change.confidence >= 0.5
        )


def test_usage_result_renamed_to_results_on_all_nine_endpoints(diff: VersionDiff) -> None:
    renamed = [c for c in diff.changes if c.kind is K.FIELD_RENAMED and c.old == "data[].result"]
    assert sorted(c.operation for c in renamed) == sorted(
        [
            f"GET /organization/usage/{n}"
            for n in (
                "audio_speeches",
                "audio_transcriptions",
                "code_interpreter_sessions",
                "completions",
                "embeddings",
                "images",
                "moderations",
                "vector_stores",
            )
        ]
        + ["GET /organization/costs"]
    )
    assert all(c.new == "data[].results" and c.confidence == 0.95 for c in renamed)


def test_api_key_owner_added_at_renamed_to_created_at(diff: VersionDiff) -> None:
    change = _one(diff, "retrieve-project-api-key", K.FIELD_RENAMED, "owner.user.created_at")
    assert change.old == "owner.user.added_at"
    _one(diff, "list-project-api-keys", K.FIELD_RENAMED, "data[].owner.user.created_at")


def test_key_id_is_a_path_param_rename_not_an_operation_change(diff: VersionDiff) -> None:
    for op_id in ("retrieve-project-api-key", "delete-project-api-key"):
        change = _one(diff, op_id, K.PATH_PARAM_RENAMED, "api_key_id")
        assert (change.old, change.new, change.severity) == ("key_id", "api_key_id", Severity.BREAKING)
    assert not [c for c in diff.changes if c.kind in (K.OPERATION_ADDED, K.OPERATION_REMOVED)]


def test_usage_result_types_are_schema_renames(diff: VersionDiff) -> None:
    renamed = {
        (c.old, c.new) for c in diff.changes if c.operation_id == "usage-costs" and c.kind is K.SCHEMA_RENAMED
    }
    assert ("CostsResult", "OrganizationCostsResult") in renamed
    assert ("UsageCompletionsResult", "OrganizationUsageCompletionsResult") in renamed
    assert len(renamed) == 9
