"""Fault plans and mixes: parsing with readable errors, seeded decisions."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apidrift.contracts.model import ContractStore
from apidrift.errors import ApidriftError
from apidrift.profiles.model import load_profile
from apidrift.simulator import (
    FAULT_KINDS,
    FaultPlan,
    FaultPlanError,
    MixError,
    family_of,
    parse_mix,
)

FAMILIES = load_profile().families


def test_parse_reads_every_kind_seed_and_timeout() -> None:
    plan = FaultPlan.parse(
        "429=0.1,500=0.05,timeout=0.02,malformed=0.02,html=0.02,drop=0.01,seed=4,timeout_s=0.5"
    )
    assert plan.rates == {
        "429": 0.1,
        "500": 0.05,
        "timeout": 0.02,
        "malformed": 0.02,
        "html": 0.02,
        "drop": 0.01,
    }
    assert plan.seed == 4 and plan.timeout_s == 0.5
    assert FaultPlan.parse("").rates == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("418=0.1", "unknown fault kind '418'"),
        ("429=lots", "'lots' is not a number"),
        ("429", "is not kind=rate"),
        ("429=1.5", "between 0 and 1"),
        ("429=0.6,500=0.6", "add up to 1.2"),
    ],
)
def test_bad_plans_are_readable_apidrift_errors(text: str, message: str) -> None:
    with pytest.raises(FaultPlanError, match=message) as caught:
        FaultPlan.parse(text)
    assert isinstance(caught.value, ApidriftError)


def test_decisions_depend_only_on_seed_and_request_number() -> None:
    plan = FaultPlan.parse("429=0.3,drop=0.3")
    first = [plan.decide(n, seed=1) for n in range(200)]
    assert first == [plan.decide(n, seed=1) for n in range(200)]
    assert first != [plan.decide(n, seed=2) for n in range(200)]
    own_seed = FaultPlan.parse("429=0.3,drop=0.3,seed=1")
    assert [own_seed.decide(n, seed=99) for n in range(200)] == first


def test_rates_are_roughly_honoured_and_retry_after_is_small() -> None:
    plan = FaultPlan.parse("429=0.1,500=0.05,timeout=0.02,malformed=0.02,html=0.02,drop=0.01")
    faults = [plan.decide(n) for n in range(20_000)]
    counts = Counter(f.kind if f else "none" for f in faults)
    assert set(counts) == {*FAULT_KINDS, "none"}
    assert 0.08 < counts["429"] / 20_000 < 0.12 and 0.77 < counts["none"] / 20_000 < 0.83
    assert {f.retry_after for f in faults if f and f.kind == "429"} == {0, 1}


@given(st.integers(min_value=0, max_value=10**6))
def test_an_empty_plan_never_faults(n: int) -> None:
    assert FaultPlan().decide(n) is None


def test_every_operation_belongs_to_a_family(store: ContractStore) -> None:
    for version in store.load_all():
        assert all(family_of(op.path, FAMILIES) for op in version.operations.values())
    assert family_of("/organization/costs", FAMILIES) == "usage"
    assert family_of("/organization/usage/images", FAMILIES) == "usage"
    assert family_of("/organization/projects/{project_id}/api_keys/{key_id}", FAMILIES) == "project_api_keys"
    assert family_of("/organization/projects/{project_id}/archive", FAMILIES) == "projects"
    assert family_of("/projects/{project_id}/roles", FAMILIES) == "roles"
    assert family_of("/organization/invitesX", FAMILIES) is None


def test_parse_mix() -> None:
    assert parse_mix("usage=2026-05-02, invites=2026-04-30") == {
        "usage": "2026-05-02",
        "invites": "2026-04-30",
    }
    assert parse_mix("") == {}
    assert set(FAMILIES) >= {"usage", "invites", "projects", "users", "groups", "certificates", "roles"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("usage", "is not family=version"),
        ("usage=2026-05-02,,", "empty item"),
        ("billing=2026-05-02", "unknown endpoint family 'billing'"),
        ("usage=1999-01-01", "unknown version '1999-01-01'"),
        ("usage=2026-05-02,usage=2026-04-30", "given twice"),
    ],
)
def test_bad_mixes_are_readable_apidrift_errors(text: str, message: str) -> None:
    with pytest.raises(MixError, match=message):
        parse_mix(text, known_versions=["2026-04-30", "2026-05-02"])
