"""Every documented example validates against its own version and fails against the other as the
catalog predicts (the violation named: usage `result`/`results`, invites `invited_at`/`created_at`, …)."""

from __future__ import annotations

from pathlib import Path

import pytest

from apidrift.apis.openai_admin import ORGANIZATION_USER_ADDED_FIELDS, USAGE_OPERATIONS
from apidrift.check.recordings import LoadedRecording, load_recordings
from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractStore

RECORDINGS = Path(__file__).resolve().parents[2] / "recordings" / "openai-admin"
USAGE = list(USAGE_OPERATIONS)
NEW_USER_FIELDS = sorted(ORGANIZATION_USER_ADDED_FIELDS)

# (violations as (keyword, field), undocumented fields) of each 2026-05-02 example against 2026-04-30
NEW_AGAINST_OLD: dict[str, tuple[set[tuple[str, str]], set[str]]] = {
    "activateProjectCertificates": ({("const", "object"), ("required", "has_more")}, set()),
    "deactivateProjectCertificates": ({("const", "object"), ("required", "has_more")}, set()),
    "add-project-group": (set(), {"group_type"}),
    "create-group": (set(), {"group_type"}),
    "list-groups": (set(), {"data[].group_type"}),
    "list-project-groups": (set(), {"data[].group_type"}),
    "create-project-user": ({("required", "name")}, set()),
    "inviteUser": ({("required", "invited_at")}, {"created_at"}),
    "retrieve-invite": ({("required", "invited_at")}, {"created_at"}),
    "list-invites": ({("required", "data[].invited_at")}, {"data[].created_at"}),
    "list-group-users": (
        {("required", "data[].added_at"), ("required", "data[].object"), ("required", "data[].role")},
        set(),
    ),
    "list-project-api-keys": (
        {("required", "data[].owner.user.added_at"), ("required", "data[].owner.user.object")},
        {"data[].owner.user.created_at"},
    ),
    "retrieve-project-api-key": (
        {("required", "owner.user.added_at"), ("required", "owner.user.object")},
        {"owner.user.created_at"},
    ),
    "list-users": (set(), {f"data[].{f}" for f in NEW_USER_FIELDS}),
    "retrieve-user": (set(), set(NEW_USER_FIELDS)),
    "modify-user": (set(), set(NEW_USER_FIELDS)),
    "assign-user-role": (set(), {f"user.{f}" for f in NEW_USER_FIELDS}),
    "assign-project-user-role": (set(), {f"user.{f}" for f in NEW_USER_FIELDS}),
    **{op: ({("required", "data[].result")}, {"data[].results"}) for op in USAGE},
}
OLD_AGAINST_NEW: dict[str, tuple[set[tuple[str, str]], set[str]]] = {
    "activateProjectCertificates": ({("const", "object")}, {"has_more"}),
    "deactivateProjectCertificates": ({("const", "object")}, {"has_more"}),
    "add-project-group": ({("required", "group_type")}, set()),
    "create-group": ({("required", "group_type")}, set()),
    "list-groups": ({("required", "data[].group_type")}, set()),
    "list-project-groups": ({("required", "data[].group_type")}, set()),
    "admin-api-keys-get": (set(), {"value"}),
    "admin-api-keys-list": (set(), {"data[].value"}),
    "inviteUser": ({("required", "created_at")}, {"invited_at"}),
    "retrieve-invite": ({("required", "created_at")}, {"invited_at"}),
    "list-invites": ({("required", "data[].created_at")}, {"data[].invited_at"}),
    "list-group-users": (set(), {"data[].added_at", "data[].object", "data[].role"}),
    "list-project-api-keys": (
        {("required", "data[].owner.user.created_at")},
        {"data[].owner.user.added_at", "data[].owner.user.object"},
    ),
    "retrieve-project-api-key": (
        {("required", "owner.user.created_at")},
        {"owner.user.added_at", "owner.user.object"},
    ),
    **{op: ({("required", "data[].results")}, {"data[].result"}) for op in USAGE},
}
# Drift inside the 2026-05-13 spec itself: its examples carry fields its schemas do not declare.
SPEC_EXAMPLE_DRIFT = {
    "create-group": {"object"},
    "list-groups": {"data[].object"},
    "list-audit-logs": {
        "data[].actor.session.ip_address_details",
        "data[].actor.session.ja3",
        "data[].actor.session.ja4",
        "data[].actor.session.user_agent",
        "data[].api_key.updated.data",
    },
}


def recordings(label: str) -> list[LoadedRecording]:
    loaded = load_recordings(RECORDINGS / label)
    assert loaded.errors == []
    return loaded.recordings


def cases(label: str) -> list[pytest.param]:  # type: ignore[valid-type]
    return [pytest.param(item, id=item.recording.operation) for item in recordings(label)]


@pytest.fixture(scope="module")
def validators(store: ContractStore) -> dict[str, ResponseValidator]:
    return {label: ResponseValidator(store.load(label)) for label in store.labels()}


@pytest.mark.parametrize("label", ["2026-04-30", "2026-05-02"])
def test_one_recording_per_operation(store: ContractStore, label: str) -> None:
    assert sorted(r.recording.operation for r in recordings(label)) == sorted(store.load(label).operations)


def _check(validator: ResponseValidator, item: LoadedRecording) -> tuple[set[tuple[str, str]], set[str]]:
    rec = item.recording
    result = validator.validate(rec.operation, rec.status, rec.body, strict=True)
    return {(v.keyword, v.field) for v in result.violations}, {u.field for u in result.undocumented}


@pytest.mark.parametrize("item", cases("2026-05-02"))
def test_new_example_valid_in_own_version_and_drifts_from_old(
    validators: dict[str, ResponseValidator], item: LoadedRecording
) -> None:
    op = item.recording.operation
    violations, undocumented = _check(validators["2026-05-02"], item)
    assert violations == set()
    assert undocumented == SPEC_EXAMPLE_DRIFT.get(op, set())
    expected_violations, expected_new = NEW_AGAINST_OLD.get(op, (set(), set()))
    violations, undocumented = _check(validators["2026-04-30"], item)
    assert violations == expected_violations
    assert undocumented - SPEC_EXAMPLE_DRIFT.get(op, set()) == expected_new


@pytest.mark.parametrize("item", cases("2026-04-30"))
def test_old_example_valid_in_own_version_and_drifts_from_new(
    validators: dict[str, ResponseValidator], item: LoadedRecording
) -> None:
    op = item.recording.operation
    violations, undocumented = _check(validators["2026-04-30"], item)
    assert violations == set()
    assert undocumented == SPEC_EXAMPLE_DRIFT.get(op, set())
    expected_violations, expected_new = OLD_AGAINST_NEW.get(op, (set(), set()))
    violations, undocumented = _check(validators["2026-05-02"], item)
    assert violations == expected_violations
    assert undocumented - SPEC_EXAMPLE_DRIFT.get(op, set()) == expected_new


def test_every_adapted_example_says_why(store: ContractStore) -> None:
    for label in store.labels():
        for item in recordings(label):
            provenance = item.recording.provenance
            assert provenance is not None and provenance.version == label
            assert provenance.source.startswith("openapi 2026-05-13 x-oaiMeta example")
            for note in provenance.adapted:
                assert "seed004" in note or "CS-" in note or "no example" in note, note
