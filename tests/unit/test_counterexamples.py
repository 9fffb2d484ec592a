"""Counterexamples: shrunk instances that one version accepts and the other rejects at the change."""

from __future__ import annotations

import pytest

from apidrift.contracts.model import ContractStore, ContractVersion
from apidrift.diff.changes import Change, ChangeKind, Severity, Side
from apidrift.diff.counterexamples import _surface, find_counterexample
from apidrift.diff.engine import VersionDiff, diff_versions


@pytest.fixture(scope="module")
def versions(store: ContractStore) -> tuple[ContractVersion, ContractVersion]:
    return store.load("2026-04-30"), store.load("2026-05-02")


@pytest.fixture(scope="module")
def diff(versions: tuple[ContractVersion, ContractVersion]) -> VersionDiff:
    return diff_versions(*versions)


def _change(diff: VersionDiff, op_id: str, kind: ChangeKind, path: str, side: Side | None = None) -> Change:
    (change,) = [
        c
        for c in diff.changes
        if c.operation_id == op_id and c.kind is kind and c.path == path and (side is None or c.side is side)
    ]
    return change


def test_usage_rename_counterexample_is_minimal_and_rejected_for_the_rename(
    versions: tuple[ContractVersion, ContractVersion], diff: VersionDiff
) -> None:
    change = _change(diff, "usage-costs", ChangeKind.FIELD_RENAMED, "data[].results")
    surface = _surface(change, *versions)
    assert surface is not None
    example = find_counterexample(change, surface)
    assert example is not None
    assert (example.valid_in, example.rejected_by) == ("2026-05-02", "2026-04-30")
    assert example.instance["data"] == [{"object": "bucket", "start_time": 0, "end_time": 0, "results": []}]
    assert "result" in example.reason and "required" in example.reason


def test_request_counterexample_is_a_body_the_old_version_accepted(
    versions: tuple[ContractVersion, ContractVersion], diff: VersionDiff
) -> None:
    change = _change(diff, "create-project", ChangeKind.FIELD_ADDED, "external_key_id", Side.REQUEST)
    assert change.severity is Severity.INFO  # optional: nothing to show
    path_change = _change(diff, "retrieve-project-api-key", ChangeKind.PATH_PARAM_RENAMED, "api_key_id")
    surface = _surface(path_change, *versions)
    assert surface is not None
    example = find_counterexample(path_change, surface)
    assert example is not None and example.valid_in == "2026-04-30"
    assert set(example.instance) >= {"project_id", "key_id"}
    assert "api_key_id" in example.reason


def test_no_counterexample_when_the_schemas_admit_none(
    versions: tuple[ContractVersion, ContractVersion], diff: VersionDiff
) -> None:
    # An optional response field was removed: every new response is still a valid old one.
    change = _change(diff, "admin-api-keys-get", ChangeKind.FIELD_REMOVED, "value")
    surface = _surface(change, *versions)
    assert surface is not None
    assert find_counterexample(change, surface) is None
