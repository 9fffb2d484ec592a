"""renames.py: name similarity and pairing removed fields with added ones."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apidrift.check.renames import leaf_of, name_similarity, pair_renames, parent_of, tokens


def test_tokens() -> None:
    assert tokens("api_key_id") == ["api", "key", "id"]
    assert tokens("createdAt") == ["created", "at"]
    assert tokens("OrganizationCostsResult") == ["organization", "costs", "result"]


def test_parent_and_leaf() -> None:
    assert parent_of("data[].result") == "data[]"
    assert parent_of("data[]") == "data"
    assert parent_of("owner") == ""
    assert leaf_of("data[].result") == "result"
    assert leaf_of("owner") == "owner"


@pytest.mark.parametrize(
    ("old", "new", "at_least", "evidence"),
    [
        ("result", "results", 0.9, "plural/singular"),
        ("key_id", "api_key_id", 0.8, "prefix"),
        ("CostsResult", "OrganizationCostsResult", 0.8, "prefix"),
        ("created", "created_at", 0.7, "suffix"),
    ],
)
def test_similar_names_score_high(old: str, new: str, at_least: float, evidence: str) -> None:
    score, reasons = name_similarity(old, new)
    assert at_least <= score < 1.0
    assert any(evidence in r for r in reasons), reasons


def test_unrelated_names_score_low() -> None:
    score, reasons = name_similarity("geography", "owner")
    assert score < 0.3
    assert reasons == []


def test_same_name_is_one() -> None:
    assert name_similarity("owner", "owner") == (1.0, ["same name"])


@settings(max_examples=60, deadline=None)
@given(st.from_regex(r"[a-z]{1,8}(_[a-z]{1,8}){0,2}", fullmatch=True), st.from_regex(r"[a-zA-Z_]{1,12}"))
def test_similarity_is_a_bounded_score(old: str, new: str) -> None:
    score, _ = name_similarity(old, new)
    assert 0.0 <= score <= 1.0
    assert (score == 1.0) == (old == new)


def test_pairs_plural_rename_under_array_items() -> None:
    pairs = pair_renames([("data[].result", "array")], [("data[].results", "array")])
    assert [(p.old, p.new) for p in pairs] == [("data[].result", "data[].results")]
    assert pairs[0].confidence >= 0.9
    assert "same type array" in pairs[0].evidence


def test_pairs_lone_same_type_field_on_weak_evidence() -> None:
    removed = [("invited_at", "integer"), ("data[].x", "string")]
    added = [("created_at", "integer")]
    assert name_similarity("invited_at", "created_at")[0] < 0.5  # not enough on its own
    pairs = pair_renames(removed, added)
    assert [(p.old, p.new) for p in pairs] == [("invited_at", "created_at")]
    assert pairs[0].confidence == 0.6
    assert any("only field removed" in e for e in pairs[0].evidence)


def test_weak_evidence_not_enough_when_not_alone() -> None:
    removed = [("invited_at", "integer"), ("role", "string")]
    added = [("created_at", "integer")]
    assert pair_renames(removed, added) == []


def test_lone_pair_of_different_types_not_boosted() -> None:
    assert pair_renames([("invited_at", "integer")], [("created_at", "integer|string")]) == []


def test_no_false_rename_geography_owner() -> None:
    """The issue's example: a removed `geography` and an added `owner` are two changes, not a rename."""
    assert pair_renames([("geography", "string")], [("owner", "string")]) == []
    assert pair_renames([("data[].geography", "string")], [("data[].owner", "string")]) == []


def test_no_pairing_across_parents() -> None:
    assert pair_renames([("a.result", "array")], [("b.results", "array")]) == []
    assert pair_renames([("result", "array")], [("data[].results", "array")]) == []


def test_no_pairing_of_incompatible_types() -> None:
    assert pair_renames([("result", "string")], [("results", "object")]) == []


def test_compatible_types_pair() -> None:
    # integer/number are compatible, null is ignored (a null-only type matches anything).
    assert pair_renames([("amount", "integer")], [("amounts", "number|null")])
    assert pair_renames([("result", "null")], [("results", "string")])
    assert pair_renames([("result", "array|null")], [("results", "array")])


def test_unknown_type_is_compatible() -> None:
    assert pair_renames([("result", "")], [("results", "object")])


def test_each_field_used_at_most_once() -> None:
    removed = [("result", "array"), ("results_v1", "array")]
    added = [("results", "array")]
    pairs = pair_renames(removed, added)
    assert [(p.old, p.new) for p in pairs] == [("result", "results")]  # the best match wins
    removed = [("result", "array")]
    added = [("result_items", "array"), ("results", "array")]
    pairs = pair_renames(removed, added)
    assert [(p.old, p.new) for p in pairs] == [("result", "results")]  # plural (0.95) beats suffix (0.75)


def test_several_renames_under_one_parent() -> None:
    removed = [("data[].result", "array"), ("data[].key_id", "string")]
    added = [("data[].results", "array"), ("data[].api_key_id", "string")]
    pairs = pair_renames(removed, added)
    assert {(p.old, p.new) for p in pairs} == {
        ("data[].result", "data[].results"),
        ("data[].key_id", "data[].api_key_id"),
    }


def test_threshold_controls_pairing() -> None:
    assert pair_renames([("key_id", "string")], [("api_key_id", "string")], threshold=0.9) == []
    assert pair_renames([("key_id", "string")], [("api_key_id", "string")], threshold=0.8)
