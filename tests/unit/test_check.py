"""A check run: target versions, exit codes, and bad input that never hides the good input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from apidrift.check.run import check_recordings, display_path
from apidrift.check.validation import _compact
from apidrift.contracts.model import ContractStore

RECORDINGS = Path(__file__).resolve().parents[2] / "recordings" / "openai-admin"


@pytest.fixture
def recs(tmp_path: Path) -> Path:
    folder = tmp_path / "recs"
    folder.mkdir()
    for op in ("list-invites", "usage-costs"):
        shutil.copy(RECORDINGS / "2026-05-02" / f"{op}.json", folder / f"{op}.json")
    return folder


def test_each_recording_is_checked_against_its_own_version_by_default(store: ContractStore) -> None:
    run = check_recordings(store, RECORDINGS)
    assert run.checked == 148
    assert run.exit_code == 0
    # Exact responses are counted by kind, the others kept whole: both name their target.
    checked = [*run.responses, *run.exact.counts]
    assert {r.against for r in checked} == {"2026-04-30", "2026-05-02"}
    assert all(r.against == r.recorded_version for r in checked)


def test_against_an_older_version_fails_with_exit_1(store: ContractStore, recs: Path) -> None:
    run = check_recordings(store, recs, against="2026-04-30")
    assert run.exit_code == 1
    assert sorted(r.operation for r in run.failures) == ["list-invites", "usage-costs"]
    assert all(r.fingerprint.best == "2026-05-02" for r in run.responses)


def test_bad_recordings_are_reported_and_the_rest_still_checked(store: ContractStore, recs: Path) -> None:
    (recs / "broken.json").write_text('{"operation": ')
    body = json.loads((recs / "list-invites.json").read_text())
    del body["status"]
    (recs / "no-status.json").write_text(json.dumps(body))
    body["status"], body["operation"] = 200, "no-such-op"
    (recs / "unknown-op.json").write_text(json.dumps(body))
    run = check_recordings(store, recs)
    assert run.exit_code == 2
    assert run.checked == 2 and not run.failures
    assert sorted(k.operation for k in run.exact.counts) == ["list-invites", "usage-costs"]
    errors = {(Path(e.file or "").name, e.pointer) for e in run.input_errors}
    assert errors == {("broken.json", ""), ("no-status.json", "/status"), ("unknown-op.json", "/operation")}


def test_unknown_target_version_is_bad_input(store: ContractStore, recs: Path) -> None:
    run = check_recordings(store, recs, against="1999-01-01")
    assert run.exit_code == 2
    assert "known: 2026-04-30, 2026-05-02" in str(run.input_errors[0])


def test_a_broken_contract_version_does_not_stop_the_others(tmp_path: Path, recs: Path) -> None:
    root = tmp_path / "contracts"
    shutil.copytree(store_root(), root)
    (root / "openai-admin" / "2026-04-30" / "contract.json").write_text("{ not json")
    run = check_recordings(ContractStore(root), recs)
    assert run.exit_code == 2
    assert run.checked == 2 and not run.failures
    assert "contract.json" in str(run.input_errors[0]) and "not JSON" in str(run.input_errors[0])


def store_root() -> Path:
    return Path(__file__).resolve().parents[2] / "contracts"


def test_display_paths_are_relative(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert display_path(tmp_path / "a" / "b.json") == "a/b.json"
    assert display_path(Path("x/y.json")) == "x/y.json"
    assert display_path(Path("/elsewhere/z.json")) == "z.json"


def test_values_copied_into_violations_are_clipped() -> None:
    huge = "x" * 1_000_000
    clipped = _compact(huge)
    assert len(clipped) < 260 and clipped.endswith("… (1,000,000 characters)")
    assert _compact("short") == "short"
    assert len(str(_compact(list(range(100_000))))) < 200


def test_a_pool_of_workers_gives_exactly_what_one_process_gives(tmp_path: Path) -> None:
    bundled = Path(__file__).resolve().parents[2] / "recordings" / "openai-admin"
    folder = tmp_path / "recs"
    shutil.copytree(bundled, folder)
    (folder / "broken.json").write_text('{"operation": "x", "status": 200, "body": 1, "body": 2}')
    store = ContractStore()
    one = check_recordings(store, folder, workers=1)
    pool = check_recordings(store, folder, workers=2)
    assert one.checked == 148
    assert pool.responses == one.responses
    assert pool.exact == one.exact
    assert [str(e) for e in pool.input_errors] == [str(e) for e in one.input_errors]
    assert [str(e) for e in one.input_errors] == ["recs/broken.json#/body: duplicate key 'body'"]
