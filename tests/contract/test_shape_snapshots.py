"""Shape snapshots of every operation of every bundled version (`snapshots/openai-admin/<version>/`):
documented from the contract, observed from the bundled recordings. `--snapshot-update` accepts drift."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from apidrift.check.recordings import bundled_recordings, load_recordings
from apidrift.contracts.model import ContractStore

# The plugin's fixtures, for runs before it is installed as an entry point (see test_contract_suite.py).
from apidrift.testing.plugin import Settings, settings_fixture, snapshot_fixture  # noqa: F401
from apidrift.testing.snapshots import operation_shape, stale_snapshots

STORE = ContractStore(Path(__file__).resolve().parents[2] / "contracts")
CASES = [(label, op) for label in STORE.labels() for op in sorted(STORE.load(label).operations)]


def _observed(version: str) -> dict[str, list[tuple[str, int, Any]]]:
    loaded = load_recordings(bundled_recordings() / STORE.api / version)
    out: dict[str, list[tuple[str, int, Any]]] = {}
    for item in loaded.recordings:
        rec = item.recording
        out.setdefault(rec.operation, []).append((f"{version}/{item.file}", rec.status, rec.body))
    return out


OBSERVED = {label: _observed(label) for label in STORE.labels()}


@pytest.mark.parametrize(("version", "operation_id"), CASES, ids=[f"{v}/{op}" for v, op in CASES])
def test_shape(version: str, operation_id: str, apidrift_snapshot: Any) -> None:
    shape = operation_shape(STORE.load(version), operation_id, OBSERVED[version].get(operation_id, []))
    assert apidrift_snapshot(name=shape.name) == shape


def test_no_stale_shape_files(apidrift_settings: Settings, pytestconfig: pytest.Config) -> None:
    """A shape file of an operation no version has any more fails the suite (deleted on update)."""
    stale = stale_snapshots(apidrift_settings.snapshots, STORE.api, (f"{v}/{op}" for v, op in CASES))
    if stale and pytestconfig.getoption("--snapshot-update", default=False):
        for path in stale:
            path.unlink()
        return
    assert not stale, f"stale shape snapshots (run with --snapshot-update to delete): {stale}"
