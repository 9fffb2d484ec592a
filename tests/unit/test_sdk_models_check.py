"""The model check on a small local model: static comparison, bodies through strict validation, mapping."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict

from apidrift.check.recordings import bundled_recordings
from apidrift.contracts.model import ContractStore
from apidrift.diff.changes import Severity
from apidrift.sdk.errors import SdkMappingError, SdkModuleError
from apidrift.sdk.findings import SdkFinding, SdkFindingKind
from apidrift.sdk.mapping import ResolvedModel, import_sdk, load_mapping, resolve
from apidrift.sdk.models_check import check_model, generated_bodies

K = SdkFindingKind


class MyInvite(BaseModel):
    """An SDK's invite as a team might have written it against 2026-05-02."""

    model_config = ConfigDict(extra="allow")

    id: str
    created_at: int
    email: str
    object: Literal["organization.invite"]
    role: Literal["owner"]
    status: str


INVITE = ResolvedModel("retrieve-invite", "tests.MyInvite", "MyInvite", MyInvite, None)


def recorded(version: str) -> list[tuple[str, Any]]:
    path = bundled_recordings() / "openai-admin" / version / "retrieve-invite.json"
    return [(f"{version}/retrieve-invite.json", json.loads(path.read_text())["body"])]


def by_key(findings: list[SdkFinding]) -> dict[tuple[str, str], SdkFinding]:
    return {(f.kind.value, f.path): f for f in findings}


def test_an_old_version_shows_the_rename_with_the_recording_that_proves_it(store: ContractStore) -> None:
    check = check_model(INVITE, store.load("2026-04-30"), recorded("2026-04-30"), [])
    found = by_key(check.findings)
    renamed = found[("field-renamed", "created_at")]
    assert renamed.severity is Severity.BREAKING and renamed.operation == "retrieve-invite"
    assert "2026-04-30 has `invited_at` where `MyInvite` has `created_at`" in renamed.message
    assert (
        "recording 2026-04-30/retrieve-invite.json: `created_at`: Field required (missing)"
        in renamed.evidence
    )
    assert "recording 2026-04-30/retrieve-invite.json: sends `invited_at` (integer)" in renamed.evidence
    assert ("field-dropped", "invited_at") not in found, "the old name is part of the rename, not a drop"
    assert found[("field-dropped", "projects")].severity is Severity.WARNING
    assert found[("field-enum", "role")].message == (
        "2026-04-30 may send 'reader' for `role`, which `MyInvite` rejects"
    )
    assert (check.recordings, check.examples, check.matches) == (1, 0, False)


def test_bodies_show_what_the_schemas_alone_do_not(store: ContractStore) -> None:
    (name, body) = recorded("2026-05-02")[0]
    odd = {**body, "id": 42, "legacy_flag": True}
    check = check_model(INVITE, store.load("2026-05-02"), [(name, body), ("odd.json", odd)], [])
    found = by_key(check.findings)
    invalid = found[("validation-error", "id")]
    assert invalid.severity is Severity.BREAKING
    assert invalid.evidence == ["recording odd.json: `id`: Input should be a valid string (string_type)"]
    legacy = found[("field-dropped", "legacy_flag")]
    assert legacy.severity is Severity.INFO and "undocumented by the version" in legacy.message
    assert ("field-renamed", "created_at") not in found


def test_generated_bodies_are_valid_and_the_same_on_every_run(store: ContractStore) -> None:
    version = store.load("2026-04-30")
    first = generated_bodies(version, "retrieve-invite", 4)
    assert len(first) == 4 and first == generated_bodies(version, "retrieve-invite", 4)
    assert all("invited_at" in body for body in first)
    assert generated_bodies(version, "retrieve-invite", 0) == []


def test_generated_bodies_feed_the_findings(store: ContractStore) -> None:
    version = store.load("2026-04-30")
    check = check_model(INVITE, version, [], generated_bodies(version, "retrieve-invite", 3))
    renamed = by_key(check.findings)[("field-renamed", "created_at")]
    assert "generated example 1: `created_at`: Field required (missing)" in renamed.evidence
    assert check.examples == 3


def test_the_bundled_openai_mapping_loads_and_unknown_modules_need_one() -> None:
    mapping, name = load_mapping("openai")
    assert name == "apidrift/sdk/openai_models.json" and mapping.tested_with == "3.54.0"
    assert len(mapping.operations) == 74
    assert mapping.operations["list-invites"].page == "openai.pagination.SyncConversationCursorPage"
    with pytest.raises(SdkMappingError, match="no bundled operation → model mapping for 'acme'"):
        load_mapping("acme")


def test_mapping_files_are_checked(tmp_path: Path) -> None:
    bad = tmp_path / "m.json"
    bad.write_text("{not json")
    with pytest.raises(SdkMappingError, match="not JSON"):
        load_mapping("acme", bad)
    bad.write_text(json.dumps({"module": "acme", "operations": {"x": {"modle": "a.B"}}}))
    with pytest.raises(SdkMappingError) as caught:
        load_mapping("acme", bad)
    assert caught.value.pointer == "/operations/x/model"
    bad.write_text(json.dumps({"module": "other", "operations": {}}))
    with pytest.raises(SdkMappingError, match="mapping is for module 'other'"):
        load_mapping("acme", bad)


def test_mapped_names_must_be_importable_pydantic_models() -> None:
    mapping, name = load_mapping("openai")
    entry = mapping.operations["retrieve-invite"].model_copy(update={"model": "json.JSONDecoder"})
    with pytest.raises(SdkMappingError, match=r"'json\.JSONDecoder' is not a pydantic model"):
        resolve("retrieve-invite", entry, name)
    entry = entry.model_copy(update={"model": "no_such_module.Thing"})
    with pytest.raises(SdkMappingError, match="cannot be imported") as caught:
        resolve("retrieve-invite", entry, name)
    assert caught.value.pointer == "/operations/retrieve-invite/model"


def test_a_missing_sdk_is_one_line_with_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openai", None)  # makes `import openai` fail as if not installed
    with pytest.raises(SdkModuleError) as caught:
        import_sdk("openai")
    assert str(caught.value) == "module 'openai' is not installed (pip install 'apidrift[openai]')"
    with pytest.raises(SdkModuleError, match="module 'apidrift_no_such_sdk' is not installed"):
        import_sdk("apidrift_no_such_sdk")
