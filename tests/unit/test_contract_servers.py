"""A contract version keeps its document's server URLs: written, read back, and absent from (and not
needed by) contracts written before they were kept."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from apidrift.contracts.model import CONTRACT_FILE, SCHEMAS_FILE, ContractStore, load_version, parse_version
from apidrift.errors import ContractError


def test_servers_round_trip_and_old_contracts_load(tmp_path: Path) -> None:
    store = ContractStore()
    version = store.load(store.newest())
    assert version.servers == ("https://api.openai.com/v1",)
    replace(version, servers=("/api/v3", "https://eu.example.com/api/v3")).write(tmp_path / "new")
    assert load_version(tmp_path / "new").servers == ("/api/v3", "https://eu.example.com/api/v3")
    files = replace(version, servers=()).to_files()
    assert "servers" not in files[CONTRACT_FILE]  # as a contract written before servers were kept
    assert parse_version(files[CONTRACT_FILE], files[SCHEMAS_FILE], tmp_path / "old").servers == ()


def test_malformed_servers_are_refused_with_their_place(tmp_path: Path) -> None:
    files = ContractStore().load("2026-04-30").to_files()
    # A server object (`{"url": ..., "variables": ...}`) is read since contracts keep variables.
    bad = {**files[CONTRACT_FILE], "servers": [{"href": "/v1"}]}
    with pytest.raises(ContractError, match="a server must be a URL or an object with a 'url'") as caught:
        parse_version(bad, files[SCHEMAS_FILE], tmp_path)
    assert caught.value.pointer == "/servers/0"
    not_a_list = {**files[CONTRACT_FILE], "servers": "/v1"}
    with pytest.raises(ContractError, match="servers must be a list") as caught:
        parse_version(not_a_list, files[SCHEMAS_FILE], tmp_path)
    assert caught.value.pointer == "/servers"
