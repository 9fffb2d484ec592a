"""Seeds 000-003 against the contracts: every operation they document exists, with its exact path
template, in the version it belongs to (000, 001, 003 say {key_id}: 2026-04-30; 002 says
{api_key_id}: 2026-05-02)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from apidrift.contracts.model import ContractStore

GENERATOR_ROW = re.compile(r"\*\*(GET|POST|DELETE|PUT|PATCH)\*\* (/\S+)")
GO_SDK_ROW = re.compile(r"^(GET|POST|DELETE|PUT|PATCH)(/\S+)$", re.MULTILINE)


def documented(shared: Path, seed: str) -> set[tuple[str, str]]:
    (path,) = (shared / "seeds").glob(f"{seed}_*.txt")
    text = path.read_text(encoding="utf-8")
    pattern = GO_SDK_ROW if seed == "002" else GENERATOR_ROW
    return {(m.group(1), m.group(2)) for m in pattern.finditer(text)}


def templates(store: ContractStore, label: str) -> set[tuple[str, str]]:
    return {(op.method, op.path) for op in store.load(label).operations.values()}


@pytest.mark.parametrize(("seed", "count"), [("000", 19), ("001", 19), ("003", 3)])
def test_openapi_generator_docs_match_2026_04_30(
    shared: Path, store: ContractStore, seed: str, count: int
) -> None:
    operations = documented(shared, seed)
    assert len(operations) == count
    assert operations - templates(store, "2026-04-30") == set()


def test_openapi_generator_docs_are_stale_against_2026_05_02_only_on_key_id(
    shared: Path, store: ContractStore
) -> None:
    stale = documented(shared, "000") - templates(store, "2026-05-02")
    assert stale == {
        ("GET", "/organization/projects/{project_id}/api_keys/{key_id}"),
        ("DELETE", "/organization/projects/{project_id}/api_keys/{key_id}"),
    }


def test_go_sdk_reference_matches_2026_05_02(shared: Path, store: ContractStore) -> None:
    operations = documented(shared, "002")
    assert len(operations) == 35
    assert operations - templates(store, "2026-05-02") == set()
    assert operations - templates(store, "2026-04-30") == {
        ("GET", "/organization/projects/{project_id}/api_keys/{api_key_id}"),
        ("DELETE", "/organization/projects/{project_id}/api_keys/{api_key_id}"),
    }
