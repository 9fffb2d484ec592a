"""Comparing SDK-declared fields and documented operations with contract versions."""

from __future__ import annotations

from apidrift.check.shapes import FieldShape
from apidrift.contracts.model import ContractStore
from apidrift.diff.changes import Severity
from apidrift.sdk.compare import ComparisonLabels, FieldSide, SdkFieldShape, compare_fields, subtree
from apidrift.sdk.doc_parsers import parse_document
from apidrift.sdk.docs_check import compare_document, document_entry
from apidrift.sdk.findings import SdkFindingKind

K = SdkFindingKind
LABELS = ComparisonLabels(sdk="`Invite`", version="v1")
MODEL_LABELS = ComparisonLabels(
    sdk="`Invite`", version="v1", missing_kind=K.FIELD_DROPPED, check_null=True, closed_enums=True
)


def sdk(path: str, types: tuple[str, ...] | None, required: bool, **extra: object) -> SdkFieldShape:
    return SdkFieldShape(path, types, required, **extra)  # type: ignore[arg-type]


def contract(path: str, types: tuple[str, ...], required: bool, **extra: object) -> FieldShape:
    return FieldShape(path, types, required, **extra)  # type: ignore[arg-type]


ROOT_SDK = sdk("", ("object",), True, has_children=True)
ROOT = contract("", ("object",), True)


def kinds(found: list) -> list[tuple[str, str, str]]:  # type: ignore[type-arg]
    return [(d.kind.value, d.severity.value, d.path) for d in found]


def test_a_removed_and_an_added_field_of_one_type_pair_into_a_rename() -> None:
    ours = {
        "": ROOT_SDK,
        "id": sdk("id", ("string",), True),
        "created_at": sdk("created_at", ("integer",), True),
    }
    theirs = {
        "": ROOT,
        "id": contract("id", ("string",), True),
        "invited_at": contract("invited_at", ("integer",), True),
    }
    (renamed,) = compare_fields(ours, theirs, FieldSide.RESPONSE, LABELS)
    assert (renamed.kind, renamed.severity, renamed.path, renamed.version_path) == (
        K.FIELD_RENAMED,
        Severity.BREAKING,
        "created_at",
        "invited_at",
    )
    assert "v1 has `invited_at` where `Invite` has `created_at`" in renamed.message


def test_response_side_severities() -> None:
    ours = {
        "": ROOT_SDK,
        "status": sdk("status", ("string",), True),  # required here, optional there: breaking
        "email": sdk("email", ("string",), False),  # optional here, required there: fine
        "extra": sdk("extra", ("boolean",), False),  # unknown there, optional: info
        "must": sdk("must", ("boolean",), True),  # unknown there, required: breaking
    }
    theirs = {
        "": ROOT,
        "status": contract("status", ("string",), False),
        "email": contract("email", ("string",), True),
        "projects": contract("projects", ("array",), True),  # not declared by the SDK: dropped
    }
    found = compare_fields(ours, theirs, FieldSide.RESPONSE, LABELS)
    assert sorted(kinds(found)) == [
        ("field-may-be-omitted", "breaking", "status"),
        ("field-missing", "warning", "projects"),
        ("field-unknown", "breaking", "must"),
        ("field-unknown", "info", "extra"),
    ]


def test_request_side_severities() -> None:
    ours = {"": ROOT_SDK, "name": sdk("name", ("string",), False), "color": sdk("color", ("string",), False)}
    theirs = {
        "": ROOT,
        "name": contract("name", ("string",), True),
        "role": contract("role", ("integer",), True),
    }
    assert sorted(kinds(compare_fields(ours, theirs, FieldSide.REQUEST, LABELS))) == [
        ("field-missing", "breaking", "role"),
        ("field-optional-in-sdk", "breaking", "name"),
        ("field-unknown", "warning", "color"),
    ]


def test_types_null_and_enums_for_models_that_reject_what_they_do_not_declare() -> None:
    ours = {
        "": ROOT_SDK,
        "n": sdk("n", ("integer",), True),
        "email": sdk("email", ("string",), True),
        "role": sdk("role", ("string",), True, enum=("owner",)),
        "object": sdk("object", ("string",), True, enum=("invite",)),
        "ratio": sdk("ratio", ("integer", "number"), True),
    }
    theirs = {
        "": ROOT,
        "n": contract("n", ("number",), True),
        "email": contract("email", ("null", "string"), True),
        "role": contract("role", ("string",), True, enum=("owner", "reader")),
        "object": contract("object", ("string",), True),
        "ratio": contract("ratio", ("integer",), True),
    }
    found = compare_fields(ours, theirs, FieldSide.RESPONSE, MODEL_LABELS)
    assert sorted(kinds(found)) == [
        ("field-enum", "breaking", "role"),
        ("field-enum", "warning", "object"),
        ("field-type", "breaking", "email"),
        ("field-type", "breaking", "n"),
    ]
    role = next(d for d in found if d.path == "role")
    assert role.message == "v1 may send 'reader' for `role`, which `Invite` rejects"
    # Documentation only names values: a version's extra enum value is a warning there, null is not checked.
    assert sorted(kinds(compare_fields(ours, theirs, FieldSide.RESPONSE, LABELS))) == [
        ("field-enum", "warning", "role"),
        ("field-type", "breaking", "n"),
    ]


def test_children_of_structs_the_sdk_leaves_opaque_are_not_compared() -> None:
    ours = {"": ROOT_SDK, "owner": sdk("owner", None, True)}
    theirs = {
        "": ROOT,
        "owner": contract("owner", ("object",), True),
        "owner.id": contract("owner.id", ("string",), True),
    }
    assert compare_fields(ours, theirs, FieldSide.RESPONSE, LABELS) == []


def test_subtree_reroots_page_items_and_findings_carry_the_prefix() -> None:
    theirs = {
        "": ROOT,
        "data": contract("data", ("array",), True),
        "data[]": ROOT,
        "data[].id": contract("data[].id", ("string",), True),
    }
    items = subtree(theirs, "data[]")
    assert set(items) == {"", "id"}
    (missing,) = compare_fields({"": ROOT_SDK}, items, FieldSide.RESPONSE, LABELS, "data[]")
    assert missing.path == "data[].id" and "`data[].id`" in missing.message


GO_KEYS = """# api
Method | HTTP request | Description
------------- | ------------- | -------------
[**GetKey**](a.md#GetKey) | **GET** /organization/projects/{project_id}/api_keys/{key_id} | Get.
[**ListProjects**](a.md#ListProjects) | **GET** /organization/projects | List.
[**Frobnicate**](a.md#Frobnicate) | **POST** /organization/frobnicate | Not an admin operation.

# **GetKey**
> ProjectApiKey GetKey(projectId, keyId)

# **ListProjects**
> ProjectListResponse ListProjects(limit, after, includeArchived, colour)
"""


def test_operations_match_by_shape_and_stale_parameter_names_are_named(store: ContractStore) -> None:
    document = parse_document(GO_KEYS, "keys.md")
    new = store.load("2026-05-02")
    found, fit = compare_document(document, new)
    assert (fit.operations, fit.exact_paths, fit.unknown) == (2, 1, 1)
    by_kind = {(f.kind.value, f.operation, f.path): f for f in found}
    stale = by_kind[("path-param-stale", "retrieve-project-api-key", "{key_id}")]
    assert stale.severity is Severity.BREAKING and "2026-05-02 names it `{api_key_id}`" in stale.message
    assert stale.location == "parameter" and stale.endpoint.endswith("/api_keys/{key_id}")
    unknown = by_kind[("operation-unknown", "POST /organization/frobnicate", "")]
    assert unknown.severity is Severity.BREAKING
    colour = by_kind[("query-param-unknown", "list-projects", "colour")]
    assert colour.severity is Severity.WARNING
    assert not any(f.kind is K.OPERATION_NOT_COVERED and f.operation == "list-users" for f in found), (
        "/organization/users is outside the document's resources"
    )


def test_the_best_version_is_the_one_with_fewest_breaking_findings(store: ContractStore) -> None:
    document = parse_document(GO_KEYS.replace("[**Frobnicate**]", "x[**Frobnicate**]"), "keys.md")
    entry = document_entry(document, store.load_all(), Severity.BREAKING)
    assert entry.best_match == "2026-04-30" and entry.matches == ["2026-04-30"]
    fits = {f.version: f for f in entry.fits}
    assert fits["2026-04-30"].breaking == 0 and fits["2026-05-02"].breaking == 1


def test_a_model_named_after_another_versions_schema_is_flagged_as_info(store: ContractStore) -> None:
    document = parse_document(
        "[**CreateKey**](a.md#CreateKey) | **POST** /organization/admin_api_keys | Create.\n\n"
        "# **CreateKey**\n> AdminAPIKey CreateKey(adminApiKeyCreateRequest)\n",
        "admin.md",
    )
    versions = store.load_all()
    old_findings, _ = compare_document(document, store.load("2026-04-30"), versions)
    new_findings, _ = compare_document(document, store.load("2026-05-02"), versions)
    assert not [f for f in old_findings if f.kind is K.MODEL_NAME_STALE]
    (stale,) = [f for f in new_findings if f.kind is K.MODEL_NAME_STALE]
    assert stale.severity is Severity.INFO and stale.location == "response 200"
    assert stale.message == (
        "response model `AdminAPIKey` is this operation's schema in 2026-04-30; "
        "2026-05-02 calls it `AdminAPIKeyCreateResponse`"
    )


def test_renames_prefer_a_field_of_the_same_required_ness_and_nullability() -> None:
    ours = {"": ROOT_SDK, "created_at": sdk("created_at", ("integer",), True)}
    theirs = {
        "": ROOT,
        "accepted_at": contract("accepted_at", ("integer", "null"), False),  # spelled more alike
        "invited_at": contract("invited_at", ("integer",), True),
    }
    found = compare_fields(ours, theirs, FieldSide.RESPONSE, LABELS)
    (renamed,) = [d for d in found if d.kind is K.FIELD_RENAMED]
    assert renamed.version_path == "invited_at"
    assert [(d.kind, d.path) for d in found if d.kind is not K.FIELD_RENAMED] == [
        (K.FIELD_MISSING, "accepted_at")
    ]
