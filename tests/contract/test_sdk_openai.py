"""The official `openai` package (3.54.0) against both contract versions, through its admin models.

Concrete answers, each from running the version's recording (and generated responses) through the
model with strict validation:
- usage buckets: the model calls the field `results`; 2026-04-30 sends `result` -> rename, and every
  2026-04-30 usage recording fails strict validation; 2026-05-02 fits (only optional extras).
- Invite: the model has `created_at` (required); 2026-04-30 sends `invited_at` -> rename.
- ProjectAPIKey: the model requires `owner_project_access`, which neither version documents, and
  refuses the null `owner.user.email`/`name` both versions allow: it fits no version.
- OrganizationGroupUser (group members): `name: str`, but both versions allow null: fits no version.
- Group / ProjectGroup: `group_type` is required; 2026-04-30 never sends it.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from apidrift.contracts.model import ContractStore
from apidrift.diff.changes import Severity
from apidrift.sdk.findings import ModelEntry, ModelVersionCheck, SdkFinding, SdkModelReport
from apidrift.sdk.mapping import load_mapping, resolve
from apidrift.sdk.models_check import check_models

openai = pytest.importorskip("openai")

USAGE = [
    "usage-audio-speeches",
    "usage-audio-transcriptions",
    "usage-code-interpreter-sessions",
    "usage-completions",
    "usage-costs",
    "usage-embeddings",
    "usage-images",
    "usage-moderations",
    "usage-vector-stores",
]


@pytest.fixture(scope="module")
def report(store: ContractStore) -> SdkModelReport:
    return check_models(store, "openai", examples=5)


def model(report: SdkModelReport, operation: str) -> ModelEntry:
    return next(m for m in report.models if m.operation == operation)


def check(report: SdkModelReport, operation: str, version: str) -> ModelVersionCheck:
    return next(c for c in model(report, operation).checks if c.version == version)


def finding(report: SdkModelReport, operation: str, version: str, kind: str, path: str) -> SdkFinding:
    found = [f for f in check(report, operation, version).findings if f.kind.value == kind and f.path == path]
    assert found, f"no {kind} at {path} for {operation} against {version}"
    return found[0]


def serious(c: ModelVersionCheck) -> list[tuple[str, str]]:
    return [(f.kind.value, f.path) for f in c.findings if f.severity is not Severity.INFO]


def test_runs_end_to_end_over_every_mapped_admin_operation(
    store: ContractStore, report: SdkModelReport
) -> None:
    assert report.module_version == "3.54.0" and report.input_errors == [] and report.unmapped == []
    assert len(report.models) == 74
    for entry in report.models:
        assert [c.version for c in entry.checks] == ["2026-04-30", "2026-05-02"]
        assert all(c.recordings == 1 and c.examples >= 4 for c in entry.checks), entry.operation
    assert {m.operation for m in report.models if not m.matches} == {
        "list-group-users",
        "list-project-api-keys",
        "retrieve-project-api-key",
    }
    assert report.summary.exit_code == 1, "three models fit no version"


def test_usage_buckets_call_the_field_results_and_2026_04_30_sends_result(report: SdkModelReport) -> None:
    data = openai.types.admin.organization.usage_costs_response.Data
    assert "results" in data.model_fields and "result" not in data.model_fields
    for operation in USAGE:
        old = check(report, operation, "2026-04-30")
        assert serious(old) == [("field-renamed", "data[].results")], operation
        renamed = finding(report, operation, "2026-04-30", "field-renamed", "data[].results")
        assert "2026-04-30 has `data[].result` where" in renamed.message and "(0.95)" in renamed.message
        recording = f"recording 2026-04-30/{operation}.json"
        assert f"{recording}: `data[].results`: Field required (missing)" in renamed.evidence
        assert f"{recording}: sends `data[].result` (array)" in renamed.evidence
        assert serious(check(report, operation, "2026-05-02")) == [], operation
        assert model(report, operation).best_match == "2026-05-02"


def test_the_invite_model_has_created_at_and_2026_04_30_sends_invited_at(report: SdkModelReport) -> None:
    invite = openai.types.admin.organization.invite.Invite
    assert invite.model_fields["created_at"].is_required() and "invited_at" not in invite.model_fields
    for operation, path in (("retrieve-invite", "created_at"), ("list-invites", "data[].created_at")):
        renamed = finding(report, operation, "2026-04-30", "field-renamed", path)
        assert renamed.severity is Severity.BREAKING
        assert f"`{path.replace('created_at', 'invited_at')}` where" in renamed.message
        assert (
            f"recording 2026-04-30/{operation}.json: `{path}`: Field required (missing)" in renamed.evidence
        )
    # 2026-04-30 also lets `projects` be omitted, which the model requires.
    assert finding(report, "retrieve-invite", "2026-04-30", "field-may-be-omitted", "projects")
    assert check(report, "retrieve-invite", "2026-05-02").findings == []
    assert model(report, "retrieve-invite").matches == ["2026-05-02"]


def test_the_project_api_key_model_fits_no_version(report: SdkModelReport) -> None:
    for version in ("2026-04-30", "2026-05-02"):
        unknown = finding(
            report, "retrieve-project-api-key", version, "field-unknown", "owner_project_access"
        )
        assert unknown.severity is Severity.BREAKING
        assert unknown.message == (
            f"`ProjectAPIKey` requires `owner_project_access`, which {version} never sends"
        )
        recording = f"recording {version}/retrieve-project-api-key.json"
        assert f"{recording}: `owner_project_access`: Field required (missing)" in unknown.evidence
        for field in ("owner.user.email", "owner.user.name"):
            null = finding(report, "retrieve-project-api-key", version, "field-type", field)
            assert (
                null.message == f"{version} may send null for `{field}`; `ProjectAPIKey` does not accept null"
            )
    # 2026-04-30 on top: the owner's `added_at` became `created_at`.
    assert finding(report, "retrieve-project-api-key", "2026-04-30", "field-renamed", "owner.user.created_at")


def test_group_members_may_have_no_name_in_both_versions(report: SdkModelReport) -> None:
    for version in ("2026-04-30", "2026-05-02"):
        assert (
            finding(report, "list-group-users", version, "field-type", "data[].name").severity
            is Severity.BREAKING
        )


def test_group_type_is_required_by_the_models_and_absent_from_2026_04_30(report: SdkModelReport) -> None:
    for operation, path in (("create-group", "group_type"), ("list-project-groups", "data[].group_type")):
        missing = finding(report, operation, "2026-04-30", "field-unknown", path)
        assert missing.severity is Severity.BREAKING and "never sends" in missing.message
        closed = finding(report, operation, "2026-05-02", "field-enum", path)
        assert closed.severity is Severity.WARNING and "'group', 'tenant_group'" in closed.message


def test_page_envelopes_drop_what_the_pagination_class_does_not_declare(report: SdkModelReport) -> None:
    dropped = finding(report, "list-invites", "2026-05-02", "field-dropped", "first_id")
    assert dropped.severity is Severity.WARNING
    assert "`SyncConversationCursorPage[Invite]` does not declare it" in dropped.message


def test_the_mapping_names_real_sdk_methods_whose_arguments_are_2026_05_02s() -> None:
    mapping, name = load_mapping("openai")
    client: Any = openai.OpenAI(api_key="sk-apidrift-offline")  # builds resources; sends nothing
    for operation, entry in mapping.operations.items():
        method: Any = client
        for part in (entry.sdk_method or "").split(".")[1:]:
            method = getattr(method, part)
        assert callable(method), operation
        assert resolve(operation, entry, name).target is not None
    retrieve = client.admin.organization.projects.api_keys.retrieve
    assert "api_key_id" in inspect.signature(retrieve).parameters, "the SDK says {api_key_id}, as 2026-05-02"
