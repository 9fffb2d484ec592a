"""The SDK reference seeds against the contracts: which version each documents.

Seeds 000 (Go), 001 (TypeScript) and 003 (Rust) are openapi-generator docs that still say `{key_id}`:
they match 2026-04-30 and are stale against 2026-05-02 on the two API-key paths. Seed 002, the official
Go SDK reference (Stainless), says `{api_key_id}` and documents the 2026-05-02 models.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from apidrift.contracts.model import ContractStore
from apidrift.diff.changes import Severity
from apidrift.sdk.docs_check import check_documents
from apidrift.sdk.findings import DocumentEntry, SdkFinding

KEY_PATHS = {
    ("retrieve-project-api-key", "GET /organization/projects/{project_id}/api_keys/{key_id}"),
    ("delete-project-api-key", "DELETE /organization/projects/{project_id}/api_keys/{key_id}"),
}


def seed(shared: Path, number: str) -> Path:
    (path,) = (shared / "seeds").glob(f"{number}_*.txt")
    return path


def entry(store: ContractStore, shared: Path, number: str) -> DocumentEntry:
    report = check_documents(store, [seed(shared, number)])
    assert report.summary.input_errors == 0
    (document,) = report.documents
    return document


def at(document: DocumentEntry, version: str, *, severity: Severity | None = None) -> list[SdkFinding]:
    return [
        f for f in document.findings if f.version == version and (severity is None or f.severity is severity)
    ]


@pytest.mark.parametrize(
    ("number", "style", "operations"), [("000", "openapi-generator", 19), ("001", "openapi-generator", 19)]
)
def test_generator_docs_with_key_id_match_2026_04_30_and_are_stale_against_2026_05_02(
    store: ContractStore, shared: Path, number: str, style: str, operations: int
) -> None:
    document = entry(store, shared, number)
    assert (document.style, document.operations) == (style, operations)
    assert document.best_match == "2026-04-30" and document.matches == ["2026-04-30"]
    fits = {f.version: f for f in document.fits}
    assert (fits["2026-04-30"].operations, fits["2026-04-30"].exact_paths, fits["2026-04-30"].breaking) == (
        19,
        19,
        0,
    )
    assert (fits["2026-05-02"].operations, fits["2026-05-02"].exact_paths) == (19, 17)
    stale = at(document, "2026-05-02", severity=Severity.BREAKING)
    assert {(f.operation, f.endpoint) for f in stale} == KEY_PATHS
    assert {(f.kind.value, f.path) for f in stale} == {("path-param-stale", "{key_id}")}
    assert all("2026-05-02 names it `{api_key_id}`" in f.message for f in stale)
    assert not at(document, "2026-04-30", severity=Severity.WARNING)


def test_generator_docs_list_the_project_operations_they_do_not_expose(
    store: ContractStore, shared: Path
) -> None:
    document = entry(store, shared, "000")
    uncovered = {f.operation for f in at(document, "2026-04-30") if f.kind.value == "operation-not-covered"}
    assert uncovered == {
        "listProjectCertificates",
        "activateProjectCertificates",
        "deactivateProjectCertificates",
        "list-project-groups",
        "add-project-group",
        "remove-project-group",
    }


def test_the_rust_project_groups_doc_matches_2026_04_30_and_nothing_tells_the_versions_apart(
    store: ContractStore, shared: Path
) -> None:
    document = entry(store, shared, "003")
    assert "2026-04-30" in document.matches
    # Three operations whose paths and parameters are alike in both versions, and no model fields
    # documented: the document fits both, and says so instead of guessing.
    assert document.matches == ["2026-04-30", "2026-05-02"] and document.best_match is None
    assert document.findings == []


def test_the_official_go_reference_matches_2026_05_02(store: ContractStore, shared: Path) -> None:
    document = entry(store, shared, "002")
    assert (document.style, document.operations) == ("stainless", 35)
    assert document.best_match == "2026-05-02" and document.matches == ["2026-05-02"]
    assert at(document, "2026-05-02") == [], "paths, parameters and the six documented models all fit"
    assert document.models == [
        "Project",
        "ProjectAPIKey",
        "ProjectGroup",
        "ProjectRateLimit",
        "ProjectServiceAccount",
        "ProjectUser",
    ]
    old = {(f.kind.value, f.operation, f.path): f for f in at(document, "2026-04-30")}
    assert {(op, path) for kind, op, path in old if kind == "path-param-stale"} == {
        ("retrieve-project-api-key", "{api_key_id}"),
        ("delete-project-api-key", "{api_key_id}"),
    }
    # Model fields tell the versions apart too: 2026-05-02 renamed the key owner's `added_at`,
    # added `group_type` to project groups and `external_key_id` to projects.
    renamed = old[("field-renamed", "retrieve-project-api-key", "owner.user.created_at")]
    assert renamed.severity is Severity.BREAKING and "`owner.user.added_at`" in renamed.message
    assert old[("field-unknown", "add-project-group", "group_type")].severity is Severity.BREAKING
    assert old[("field-unknown", "create-project", "external_key_id")].severity is Severity.INFO
    assert (
        old[("field-missing", "retrieve-project-api-key", "owner.user.object")].severity is Severity.WARNING
    )


def test_all_four_seeds_in_one_run_exit_0(store: ContractStore, shared: Path) -> None:
    report = check_documents(store, [seed(shared, n) for n in ("000", "001", "002", "003")])
    assert report.summary.exit_code == 0 and report.summary.matched == 4
    against_new = check_documents(store, [seed(shared, "000")], against="2026-05-02")
    assert against_new.summary.exit_code == 1 and against_new.summary.breaking == 2
