"""Shared fixtures: the bundled contract store and the location of ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from apidrift.contracts.model import ContractStore

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def store() -> ContractStore:
    return ContractStore(REPO / "contracts")


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared (seeds and OpenAPI documents) is not beside this checkout")
    return SHARED


@pytest.fixture(autouse=True)
def private_state_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's ledger key and sandbox locks go to a private folder of its own, never the user's
    (set in the environment, so the processes a test starts share it)."""
    folder = tmp_path_factory.mktemp("state")
    folder.chmod(0o700)
    monkeypatch.setenv("APIDRIFT_STATE_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def outside_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands annotate for GitHub when GITHUB_ACTIONS=true: tests that snapshot what a person sees
    must see the same on GitHub's runners as anywhere else."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture(autouse=True)
def imports_one_after_the_other(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process runs import their documents one after the other, whatever the machine's idle cores:
    a test that counts parses sees them all. `test_openapi_forked.py` forks on purpose."""
    monkeypatch.setattr("apidrift.openapi.sources.free_cores", lambda: 0)
    monkeypatch.setattr("apidrift.cli.diff.free_cores", lambda: 0)  # `diff` compares in one process too
