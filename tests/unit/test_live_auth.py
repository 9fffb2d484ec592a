"""A live run sends its key where the contract's security schemes say, unless the profile says."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from apidrift.contracts.model import ContractStore, ContractVersion
from apidrift.live.auth import with_contract_auth
from apidrift.profiles.model import ApiProfile, Auth


def _secured(scheme: dict[str, Any]) -> ContractVersion:
    version = ContractStore().load("2026-05-02")
    operations = {
        op_id: dataclasses.replace(op, security=({"k": ()},)) for op_id, op in version.operations.items()
    }
    return dataclasses.replace(version, operations=operations, security_schemes={"k": scheme})


@pytest.mark.parametrize(
    ("scheme", "auth"),
    [
        ({"type": "apiKey", "in": "header", "name": "X-Key"}, Auth(scheme="header", header="X-Key")),
        ({"type": "http", "scheme": "bearer"}, Auth(scheme="bearer")),
        ({"type": "oauth2", "flows": {}}, Auth(scheme="bearer")),
    ],
)
def test_a_profile_that_names_no_auth_takes_the_contracts(scheme: dict[str, Any], auth: Auth) -> None:
    assert with_contract_auth(ApiProfile.generic("x"), _secured(scheme)).auth == auth


def test_a_profile_that_names_its_auth_keeps_it() -> None:
    said = ApiProfile(name="x", source="<test>", auth=Auth(scheme="header", header="X-Mine"))
    assert with_contract_auth(said, _secured({"type": "http", "scheme": "bearer"})).auth == said.auth


@pytest.mark.parametrize(
    "scheme",
    [{"type": "apiKey", "in": "query", "name": "key"}, {"type": "http", "scheme": "basic"}],
)
def test_what_a_profile_cannot_say_is_left_to_it(scheme: dict[str, Any]) -> None:
    generic = ApiProfile.generic("x")
    assert with_contract_auth(generic, _secured(scheme)) is generic
