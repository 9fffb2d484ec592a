"""Validation: the fast and slow paths agree, violations are located and ordered, strict finds drift."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from apidrift.check.validation import MAX_UNDOCUMENTED, ResponseValidator, field_path, pointer
from apidrift.contracts.model import ContractStore

RECORDINGS = Path(__file__).resolve().parents[2] / "recordings" / "openai-admin"


def body(version: str, op: str) -> Any:
    return json.loads((RECORDINGS / version / f"{op}.json").read_text())["body"]


@pytest.fixture(scope="module")
def new(store: ContractStore) -> ResponseValidator:
    return ResponseValidator(store.load("2026-05-02"))


@pytest.fixture(scope="module")
def old(store: ContractStore) -> ResponseValidator:
    return ResponseValidator(store.load("2026-04-30"))


def test_paths_are_rendered_as_pointers_and_field_paths() -> None:
    assert pointer(["data", 0, "a/b"]) == "/data/0/a~1b"
    assert field_path(["data", 0, "results", 3, "object"]) == "data[].results[].object"


def test_valid_body_has_no_violations(new: ResponseValidator) -> None:
    result = new.validate("list-invites", 200, body("2026-05-02", "list-invites"))
    assert result.valid and result.violations == () and result.version == "2026-05-02"


def test_missing_required_field_is_located_with_keyword_and_expected(old: ResponseValidator) -> None:
    result = old.validate("usage-completions", "200", body("2026-05-02", "usage-completions"))
    assert not result.valid
    first = result.violations[0]
    assert (first.keyword, first.field, first.instance_path) == ("required", "data[].result", "/data/0")
    assert first.expected == "result" and first.actual == "absent"
    assert first.schema_path.endswith("/required")


def test_type_violation_carries_expected_and_actual(new: ResponseValidator) -> None:
    wrong = copy.deepcopy(body("2026-05-02", "retrieve-project"))
    wrong["created_at"] = "yesterday"
    (violation,) = new.validate("retrieve-project", 200, wrong).violations
    assert violation.keyword == "type"
    assert violation.field == "created_at"
    assert violation.expected == "integer" and violation.actual == "yesterday"
    assert "created_at" in violation.describe()


def test_violations_inside_unions_name_the_member_field(new: ResponseValidator) -> None:
    wrong = copy.deepcopy(body("2026-05-02", "usage-completions"))
    wrong["data"][0]["results"][0]["input_tokens"] = "many"
    violations = new.validate("usage-completions", 200, wrong).violations
    assert violations, "a wrong type inside a oneOf member must be reported"
    assert violations[0].field.startswith("data[].results[]")


def test_most_relevant_violation_comes_first(new: ResponseValidator) -> None:
    wrong = copy.deepcopy(body("2026-05-02", "retrieve-invite"))
    del wrong["email"]
    wrong["projects"][0]["role"] = "admin"
    fields = [v.field for v in new.validate("retrieve-invite", 200, wrong).violations]
    assert set(fields) == {"email", "projects[].role"}
    assert fields[0] == "email", "a shallow required field outranks a deep enum miss (best_match order)"


@pytest.mark.parametrize(
    "op", ["list-invites", "usage-costs", "list-project-api-keys", "activateProjectCertificates"]
)
def test_fast_and_slow_paths_agree(old: ResponseValidator, op: str) -> None:
    for version in ("2026-04-30", "2026-05-02"):
        instance = body(version, op)
        assert old.is_valid(op, 200, instance) == (old.violations(op, 200, instance) == ())


def test_strict_mode_reports_undocumented_fields_as_drift_not_errors(old: ResponseValidator) -> None:
    result = old.validate("list-groups", 200, body("2026-05-02", "list-groups"), strict=True)
    assert result.valid
    assert not result.exact
    assert "data[].group_type" in {u.field for u in result.undocumented}
    lax = old.validate("list-groups", 200, body("2026-05-02", "list-groups"))
    assert lax.undocumented == ()


def test_strict_mode_reports_the_outermost_undocumented_field_only(old: ResponseValidator) -> None:
    result = old.validate("retrieve-user", 200, body("2026-05-02", "retrieve-user"), strict=True)
    fields = {u.field for u in result.undocumented}
    assert "user" in fields and "projects" in fields
    assert not any(f.startswith(("user.", "projects.")) for f in fields)


def test_a_body_of_countless_undocumented_fields_lists_a_bounded_number_and_counts_the_rest(
    new: ResponseValidator,
) -> None:
    wide = body("2026-05-02", "retrieve-user")
    extra = MAX_UNDOCUMENTED + 500
    wide.update({f"x{i}": i for i in range(extra)})
    result = new.validate("retrieve-user", 200, wide, strict=True)
    assert len(result.undocumented) == MAX_UNDOCUMENTED
    assert result.undocumented_count == extra and result.undocumented[-1].more == 500
    assert "500 more undocumented fields not listed" in result.undocumented[-1].describe()
    # Below the bound every field is listed and none counts more.
    del wide["x0"], wide["x1"]
    few = {k: v for k, v in wide.items() if not k.startswith("x") or int(k[1:]) < 10}
    listed = new.validate("retrieve-user", 200, few, strict=True).undocumented
    assert len(listed) == 8 and not any(u.more for u in listed)


def _one_schema(schema: dict[str, Any]) -> ResponseValidator:
    from suite_versions import version_for

    return ResponseValidator(version_for(schema))


@pytest.mark.parametrize(
    ("names", "expected"),
    [({"const": "id"}, "id"), ({"enum": ["id", "name"]}, ["id", "name"]), ({"type": "integer"}, "integer")],
)
def test_a_key_refused_by_property_names_is_explained_by_its_own_error(
    names: dict[str, Any], expected: Any
) -> None:
    validator = _one_schema({"type": "object", "properties": {"tags": {"propertyNames": names}}})
    (violation,) = validator.violations("op", "200", {"tags": {"colour": 1}})
    assert violation.instance_path == "/tags"
    assert violation.keyword == next(iter(names))
    assert (violation.expected, violation.actual) == (expected, "colour")
    assert not validator.validate("op", "200", {"tags": {"colour": 1}}, strict=True).valid


@pytest.mark.parametrize("name", ["type", "required", "enum", "const"])
def test_a_false_property_schema_named_like_a_keyword_is_explained_as_false(name: str) -> None:
    validator = _one_schema({"type": "object", "properties": {name: False, "id": {}}})
    (violation,) = validator.violations("op", "200", {name: 1})
    assert (violation.keyword, violation.instance_path, violation.field) == ("false", f"/{name}", name)
    assert violation.schema_path == f"/properties/{name}"
