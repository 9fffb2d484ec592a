"""The drift vocabulary: which (kind, side) pairs are graded, how, and how a change serialises."""

from __future__ import annotations

import json

import pytest

from apidrift.diff.changes import Change, ChangeKind, Counterexample, Severity, Side
from apidrift.diff.registry import RULES, severity_of

K, S = ChangeKind, Side
B, W, INFO = Severity.BREAKING, Severity.WARNING, Severity.INFO

# Where each kind can be produced by `diff_versions`. Field-level kinds come out of the structural
# comparison, which runs on response bodies, request bodies *and* parameter schemas (a parameter may
# be an object, e.g. `effective_at[gt]`, or reference a named schema, e.g. `event_types[]`).
FIELD_SIDES = frozenset({S.RESPONSE, S.REQUEST, S.PARAMETER, S.WEBHOOK})
OP = frozenset({S.OPERATION})
CAN_OCCUR: dict[ChangeKind, frozenset[Side]] = {
    K.OPERATION_ADDED: frozenset({S.OPERATION}),
    K.OPERATION_REMOVED: frozenset({S.OPERATION}),
    K.PATH_PARAM_RENAMED: frozenset({S.PARAMETER}),
    K.PARAM_ADDED: frozenset({S.PARAMETER}),
    K.PARAM_REMOVED: frozenset({S.PARAMETER}),
    K.PARAM_BECAME_REQUIRED: frozenset({S.PARAMETER}),
    K.PARAM_BECAME_OPTIONAL: frozenset({S.PARAMETER}),
    K.STATUS_ADDED: frozenset({S.RESPONSE}),
    K.STATUS_REMOVED: frozenset({S.RESPONSE}),
    K.FIELD_ADDED: FIELD_SIDES,
    K.FIELD_REMOVED: FIELD_SIDES,
    K.FIELD_RENAMED: FIELD_SIDES,
    K.BECAME_REQUIRED: FIELD_SIDES,
    K.BECAME_OPTIONAL: FIELD_SIDES,
    K.TYPE_CHANGED: FIELD_SIDES,
    K.ENUM_VALUES_ADDED: FIELD_SIDES,
    K.ENUM_VALUES_REMOVED: FIELD_SIDES,
    K.BECAME_NULLABLE: FIELD_SIDES,
    K.BECAME_NON_NULLABLE: FIELD_SIDES,
    K.CONSTRAINT_CHANGED: FIELD_SIDES,
    K.CONSTRAINT_REPLACED: FIELD_SIDES,
    K.CONSTRAINT_NARROWED: FIELD_SIDES,
    K.CONSTRAINT_WIDENED: FIELD_SIDES,
    K.TYPE_WIDENED: FIELD_SIDES,
    K.TYPE_NARROWED: FIELD_SIDES,
    K.UNION_MEMBER_ADDED: FIELD_SIDES,
    K.UNION_MEMBER_REMOVED: FIELD_SIDES,
    K.ALLOF_PART_ADDED: FIELD_SIDES,
    K.ALLOF_PART_REMOVED: FIELD_SIDES,
    K.SUCCESS_STATUS_REMOVED: frozenset({S.RESPONSE}),
    K.ENUM_VALUE_RENAMED: FIELD_SIDES,
    K.EXTENSIBLE_ENUM_VALUES_ADDED: FIELD_SIDES,
    K.EXTENSIBLE_ENUM_VALUES_REMOVED: FIELD_SIDES,
    K.DEFAULT_CHANGED: FIELD_SIDES,
    K.BECAME_READ_ONLY: frozenset({S.REQUEST, S.RESPONSE, S.WEBHOOK}),
    K.BECAME_WRITE_ONLY: frozenset({S.REQUEST, S.RESPONSE, S.WEBHOOK}),
    K.ACCESS_RELAXED: frozenset({S.REQUEST, S.RESPONSE, S.WEBHOOK}),
    K.FIELD_DEPRECATED: FIELD_SIDES,
    K.FIELD_UNDEPRECATED: FIELD_SIDES,
    K.PARAM_RENAMED: frozenset({S.PARAMETER}),
    K.PARAM_STYLE_CHANGED: frozenset({S.PARAMETER}),
    K.TAG_ADDED: frozenset({S.OPERATION}),
    K.TAG_REMOVED: frozenset({S.OPERATION}),
    K.DISCRIMINATOR_CHANGED: FIELD_SIDES,
    K.DISCRIMINATOR_VALUES_ADDED: FIELD_SIDES,
    K.DISCRIMINATOR_VALUES_REMOVED: FIELD_SIDES,
    K.HEADER_ADDED: frozenset({S.RESPONSE}),
    K.HEADER_REMOVED: frozenset({S.RESPONSE}),
    K.HEADER_RENAMED: frozenset({S.RESPONSE}),
    K.HEADER_BECAME_REQUIRED: frozenset({S.RESPONSE}),
    K.HEADER_BECAME_OPTIONAL: frozenset({S.RESPONSE}),
    K.MEDIA_TYPE_ADDED: frozenset({S.REQUEST, S.RESPONSE, S.WEBHOOK}),
    K.MEDIA_TYPE_REMOVED: frozenset({S.REQUEST, S.RESPONSE, S.WEBHOOK}),
    K.MEDIA_TYPE_RENAMED: frozenset({S.REQUEST, S.RESPONSE, S.WEBHOOK}),
    K.SECURITY_ALTERNATIVE_ADDED: OP,
    K.SECURITY_ALTERNATIVE_REMOVED: OP,
    K.SECURITY_ALTERNATIVE_RENAMED: OP,
    K.SECURITY_SCOPES_ADDED: OP,
    K.SECURITY_SCOPES_REMOVED: OP,
    K.SECURITY_SCHEME_ADDED: OP,
    K.SECURITY_SCHEME_REMOVED: OP,
    K.SECURITY_SCHEME_CHANGED: OP,
    K.OPERATION_DEPRECATED: OP,
    K.OPERATION_UNDEPRECATED: OP,
    K.SUNSET_CHANGED: OP | FIELD_SIDES,  # an operation, a parameter or a field
    K.STABILITY_CHANGED: OP,
    K.DEPRECATED_OPERATION_REMOVED: OP,
    K.DEPRECATED_FIELD_REMOVED: FIELD_SIDES,
    K.PARAM_DEPRECATED: frozenset({S.PARAMETER}),
    K.PARAM_UNDEPRECATED: frozenset({S.PARAMETER}),
    K.DEPRECATED_PARAM_REMOVED: frozenset({S.PARAMETER}),
    K.OPERATION_ID_RENAMED: OP,
    K.OPERATION_MOVED: OP,
    K.WEBHOOK_ADDED: OP,
    K.WEBHOOK_REMOVED: OP,
    K.SCHEMA_RENAMED: FIELD_SIDES,
    K.PARAM_EMPTY_VALUE_ALLOWED: frozenset({S.PARAMETER}),
    K.PARAM_EMPTY_VALUE_REFUSED: frozenset({S.PARAMETER}),
    K.PARAM_RESERVED_ALLOWED: frozenset({S.PARAMETER}),
    K.PARAM_RESERVED_REFUSED: frozenset({S.PARAMETER}),
    K.HEADER_DEPRECATED: frozenset({S.RESPONSE}),
    K.HEADER_UNDEPRECATED: frozenset({S.RESPONSE}),
    K.DISCRIMINATOR_ADDED: FIELD_SIDES,
    K.DISCRIMINATOR_REMOVED: FIELD_SIDES,
    K.STATUS_BECAME_RANGE: frozenset({S.RESPONSE}),
    K.RANGE_BECAME_STATUS: frozenset({S.RESPONSE}),
    K.MEDIA_TYPE_WIDENED: frozenset({S.REQUEST, S.RESPONSE, S.WEBHOOK}),
    K.MEDIA_TYPE_NARROWED: frozenset({S.REQUEST, S.RESPONSE, S.WEBHOOK}),
    K.MEDIA_TYPE_PARAMETERS_CHANGED: frozenset({S.REQUEST, S.RESPONSE, S.WEBHOOK}),
    K.LINK_ADDED: frozenset({S.RESPONSE}),
    K.LINK_REMOVED: frozenset({S.RESPONSE}),
    K.LINK_CHANGED: frozenset({S.RESPONSE}),
    **{kind: OP for kind in ChangeKind if kind.value.startswith("server-")},
    **{kind: frozenset({S.REQUEST}) for kind in ChangeKind if kind.value.startswith("encoding-")},
    # An XML body is a request's, a response's or a webhook payload's (read as a response is).
    **{
        kind: frozenset({S.REQUEST, S.RESPONSE, S.WEBHOOK})
        for kind in ChangeKind
        if kind.value.startswith("xml-")
    },
}


def _occurring() -> list[object]:
    return [
        pytest.param(kind, side, id=f"{kind.value}@{side.value}")
        for kind, sides in CAN_OCCUR.items()
        for side in sorted(sides)
    ]


def test_every_kind_but_the_cosmetic_one_is_classified_here() -> None:
    assert set(CAN_OCCUR) | {K.DESCRIPTION_CHANGED} == set(ChangeKind)


@pytest.mark.parametrize(("kind", "side"), _occurring())
def test_every_kind_has_a_rule_for_every_side_it_occurs_on(kind: ChangeKind, side: Side) -> None:
    rule = RULES[(kind, side)]
    assert isinstance(rule.severity, Severity)
    assert rule.why.strip() and rule.family
    assert severity_of(kind, side) is rule.severity


def test_rules_only_cover_sides_where_a_kind_can_occur() -> None:
    for kind, side in RULES:
        if kind is K.DESCRIPTION_CHANGED:
            assert side in FIELD_SIDES
        else:
            assert side in CAN_OCCUR[kind], (kind, side)


def test_description_changed_is_info_where_graded() -> None:
    for side in (S.RESPONSE, S.REQUEST, S.PARAMETER):
        assert severity_of(K.DESCRIPTION_CHANGED, side) is INFO


@pytest.mark.parametrize(
    ("kind", "side", "expected"),
    [
        (K.OPERATION_ADDED, S.OPERATION, INFO),
        (K.OPERATION_REMOVED, S.OPERATION, B),
        (K.PATH_PARAM_RENAMED, S.PARAMETER, B),
        (K.PARAM_REMOVED, S.PARAMETER, W),
        (K.PARAM_BECAME_REQUIRED, S.PARAMETER, B),
        (K.PARAM_BECAME_OPTIONAL, S.PARAMETER, INFO),
        (K.STATUS_ADDED, S.RESPONSE, W),
        (K.STATUS_REMOVED, S.RESPONSE, INFO),
        # Readers of responses break when something may be missing, different or null.
        (K.FIELD_REMOVED, S.RESPONSE, B),
        (K.FIELD_ADDED, S.RESPONSE, INFO),
        (K.FIELD_RENAMED, S.RESPONSE, B),
        (K.BECAME_OPTIONAL, S.RESPONSE, B),
        (K.BECAME_REQUIRED, S.RESPONSE, INFO),
        (K.ENUM_VALUES_ADDED, S.RESPONSE, W),
        (K.ENUM_VALUES_REMOVED, S.RESPONSE, INFO),
        (K.BECAME_NULLABLE, S.RESPONSE, B),
        (K.BECAME_NON_NULLABLE, S.RESPONSE, INFO),
        (K.SCHEMA_RENAMED, S.RESPONSE, INFO),
        # Senders of requests break when what they sent is now refused.
        (K.FIELD_REMOVED, S.REQUEST, W),
        (K.FIELD_RENAMED, S.REQUEST, B),
        (K.BECAME_REQUIRED, S.REQUEST, B),
        (K.BECAME_OPTIONAL, S.REQUEST, INFO),
        (K.ENUM_VALUES_ADDED, S.REQUEST, INFO),
        (K.ENUM_VALUES_REMOVED, S.REQUEST, B),
        (K.BECAME_NULLABLE, S.REQUEST, INFO),
        (K.BECAME_NON_NULLABLE, S.REQUEST, B),
        (K.ENUM_VALUES_REMOVED, S.PARAMETER, B),
        (K.BECAME_NON_NULLABLE, S.PARAMETER, B),
        (K.TYPE_CHANGED, S.PARAMETER, B),
    ],
)
def test_severity_follows_who_can_break(kind: ChangeKind, side: Side, expected: Severity) -> None:
    assert severity_of(kind, side) is expected


@pytest.mark.parametrize(("kind", "side"), [(K.PARAM_ADDED, S.PARAMETER), (K.FIELD_ADDED, S.REQUEST)])
def test_required_additions_escalate_to_breaking(kind: ChangeKind, side: Side) -> None:
    assert severity_of(kind, side) is INFO
    assert severity_of(kind, side, required=False) is INFO
    assert severity_of(kind, side, required=True) is B


@pytest.mark.parametrize(
    ("kind", "side", "expected"),
    [
        (K.FIELD_ADDED, S.RESPONSE, INFO),  # a required field added to a response never hurts a reader
        (K.ENUM_VALUES_ADDED, S.REQUEST, INFO),
        (K.FIELD_REMOVED, S.REQUEST, W),
        (K.STATUS_ADDED, S.RESPONSE, W),
    ],
)
def test_required_flag_does_not_escalate_other_kinds(
    kind: ChangeKind, side: Side, expected: Severity
) -> None:
    assert severity_of(kind, side, required=True) is expected


def test_severity_rank_orders_breaking_over_warning_over_info() -> None:
    assert B.rank > W.rank > INFO.rank
    assert sorted(Severity, key=lambda s: s.rank, reverse=True) == [B, W, INFO]
    assert len({s.rank for s in Severity}) == len(Severity)


def _change(**overrides: object) -> Change:
    fields: dict[str, object] = {
        "kind": K.FIELD_RENAMED,
        "severity": B,
        "operation": "GET /organization/users",
        "side": S.RESPONSE,
        "status": "200",
        "path": "data[].created_at",
        "old": "data[].invited_at",
        "new": "data[].created_at",
        "message": "data[].invited_at renamed to data[].created_at",
    }
    fields.update(overrides)
    return Change(**fields)  # type: ignore[arg-type]


BASE_KEYS = ["kind", "severity", "operation", "side", "status", "path", "old", "new", "confidence", "message"]


def test_change_to_json_has_exactly_the_documented_keys() -> None:
    out = _change().to_json()
    assert list(out) == BASE_KEYS
    assert out == {
        "kind": "field-renamed",
        "severity": "breaking",
        "operation": "GET /organization/users",
        "side": "response",
        "status": "200",
        "path": "data[].created_at",
        "old": "data[].invited_at",
        "new": "data[].created_at",
        "confidence": None,
        "message": "data[].invited_at renamed to data[].created_at",
    }
    assert json.loads(json.dumps(out)) == out


def test_change_to_json_adds_evidence_only_when_present() -> None:
    out = _change(confidence=0.6, evidence=("shared tokens ['at']", "same type integer")).to_json()
    assert list(out) == [*BASE_KEYS, "evidence"]
    assert out["confidence"] == 0.6
    assert out["evidence"] == ["shared tokens ['at']", "same type integer"]


def test_change_to_json_adds_counterexample_only_when_present() -> None:
    example = Counterexample(
        {"role": "viewer"}, "2026-05-02", "2026-04-30", "'viewer' is not one of the enum"
    )
    out = _change(kind=K.ENUM_VALUES_ADDED, severity=W, counterexample=example).to_json()
    assert list(out) == [*BASE_KEYS, "counterexample"]
    assert out["counterexample"] == {
        "instance": {"role": "viewer"},
        "valid_in": "2026-05-02",
        "rejected_by": "2026-04-30",
        "reason": "'viewer' is not one of the enum",
    }


def test_counterexample_does_not_take_part_in_equality() -> None:
    example = Counterexample(1, "a", "b", "why")
    assert _change(counterexample=example) == _change()


def test_only_description_changes_are_cosmetic() -> None:
    assert _change(kind=K.DESCRIPTION_CHANGED, severity=INFO).cosmetic
    assert not any(_change(kind=kind).cosmetic for kind in ChangeKind if kind is not K.DESCRIPTION_CHANGED)


def test_the_rules_page_is_generated_from_the_rules() -> None:
    from pathlib import Path

    from apidrift.diff.registry import rules_markdown

    page = Path(__file__).resolve().parents[2] / "docs" / "drift-rules.md"
    assert page.read_text(encoding="utf-8") == rules_markdown(), "regenerate docs/drift-rules.md"
    assert rules_markdown().count("\n| `") == len(RULES)
