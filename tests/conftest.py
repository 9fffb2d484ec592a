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

