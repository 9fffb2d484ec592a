"""`diff_versions` on the surfaces besides JSON bodies: response headers, media types, security,
lifecycle and its policy, webhooks, renamed query parameters, operationId renames and moves."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from test_diff import INTEGER, STRING, obj, only, op, param, version

from apidrift.contracts.model import ContractVersion, Header, Lifecycle, Operation, RequestBody, ResponseSpec
from apidrift.diff.changes import Change, ChangeKind, Severity, Side
from apidrift.diff.engine import diff_versions
from apidrift.diff.policy import LifecyclePolicy
from apidrift.openapi.convert import import_document

K = ChangeKind
B, W, INFO = Severity.BREAKING, Severity.WARNING, Severity.INFO


def diff(old: ContractVersion, new: ContractVersion, **kw: Any) -> list[Change]:
    return diff_versions(old, new, **kw).changes


def kinds(changes: list[Change]) -> list[tuple[ChangeKind, Severity]]:
    return sorted((c.kind, c.severity) for c in changes)


def with_response(operation: Operation, **changes: Any) -> Operation:
    return replace(operation, responses={"200": replace(operation.responses["200"], **changes)})


# --- response headers -----------------------------------------------------------------------------


def headed(**headers: Header) -> ContractVersion:
    return version("v", [with_response(op(obj({"id": STRING})), headers=headers)])


def test_a_required_header_removed_breaks_readers_and_an_added_one_does_not() -> None:
    a = headed(**{"X-Request-Id": Header("X-Request-Id", True, STRING)})
    b = headed()
    change = only(diff(a, b))
    assert (change.kind, change.side, change.status, change.severity) == (
        K.HEADER_REMOVED,
        Side.RESPONSE,
        "200",
        B,
    )
    assert kinds(diff(b, a)) == [(K.HEADER_ADDED, INFO)]


def test_an_optional_header_removed_is_a_warning() -> None:
    a = headed(**{"X-Trace": Header("X-Trace", False, STRING)})
    assert kinds(diff(a, headed())) == [(K.HEADER_REMOVED, W)]


def test_a_deprecated_header_removed_is_graded_by_the_lifecycle_policy() -> None:
    """Readers had notice: `deprecated_removal` (a warning by default) grades it, never worse than live."""
    gone = headed()
    required = headed(**{"X-Old": Header("X-Old", True, STRING, deprecated=True)})
    change = only(diff(required, gone))
    assert (change.kind, change.severity) == (K.HEADER_REMOVED, W)
    assert change.message == "required header X-Old removed; it was deprecated"
    lenient = LifecyclePolicy(deprecated_removal=INFO)
    assert kinds(diff_versions(required, gone, policy=lenient).changes) == [(K.HEADER_REMOVED, INFO)]
    strict = LifecyclePolicy(deprecated_removal=B)
    optional = headed(**{"X-Old": Header("X-Old", False, STRING, deprecated=True)})
    assert kinds(diff_versions(optional, gone, policy=strict).changes) == [(K.HEADER_REMOVED, W)]


def test_header_names_compare_case_insensitively_and_a_respelt_one_is_a_rename() -> None:
    a = headed(**{"X-Request-Id": Header("X-Request-Id", True, STRING)})
    same = headed(**{"x-request-id": Header("x-request-id", True, STRING)})
    assert diff(a, same) == []
    renamed = headed(**{"X-Request-Ids": Header("X-Request-Ids", True, STRING)})
    change = only(diff(a, renamed))
    assert (change.kind, change.old, change.new, change.severity) == (
        K.HEADER_RENAMED,
        "X-Request-Id",
        "X-Request-Ids",
        B,
    )
    assert change.evidence


def test_a_header_made_optional_and_retyped() -> None:
    a = headed(**{"X-Limit": Header("X-Limit", True, INTEGER)})
    b = headed(**{"X-Limit": Header("X-Limit", False, STRING)})
    assert kinds(diff(a, b)) == [(K.HEADER_BECAME_OPTIONAL, B), (K.TYPE_CHANGED, B)]
    assert {c.path for c in diff(a, b)} == {"X-Limit", "header X-Limit"}


# --- media types ---------------------------------------------------------------------------------


def test_json_response_disappearing_is_reported_not_silently_replaced() -> None:
    a = version("v", [with_response(op(obj({"id": STRING})), media={"text/csv": STRING})])
    b = version("v", [with_response(op(STRING), content_type="text/csv")])
    changes = diff(a, b)
    assert kinds(changes) == [(K.MEDIA_TYPE_REMOVED, B)]
    assert changes[0].old == "application/json"
    assert kinds(diff(b, a)) == [(K.MEDIA_TYPE_ADDED, W)]


def test_a_request_media_type_removed_breaks_senders_and_one_added_does_not() -> None:
    form = {"type": "object", "properties": {"file": STRING}}
    one = RequestBody(True, obj({"a": STRING}))
    two = RequestBody(True, obj({"a": STRING}), media={"multipart/form-data": form})
    a = version("v", [op(None, method="POST", body=obj({}))])
    a = version("v", [replace(next(iter(a.operations.values())), request_body=two)])
    b = version("v", [replace(next(iter(a.operations.values())), request_body=one)])
    assert kinds(diff(a, b)) == [(K.MEDIA_TYPE_REMOVED, B)]
    assert kinds(diff(b, a)) == [(K.MEDIA_TYPE_ADDED, INFO)]


def test_a_media_type_renamed_with_the_same_schema_is_one_rename() -> None:
    base = op(None, method="POST", body=obj({}))
    old_body = RequestBody(True, obj({"a": STRING}), media={"application/x-ndjson": STRING})
    new_body = RequestBody(True, obj({"a": STRING}), media={"application/jsonl": STRING})
    a, b = (
        version("v", [replace(base, request_body=old_body)]),
        version("v", [replace(base, request_body=new_body)]),
    )
    change = only(diff(a, b))
    assert (change.kind, change.old, change.new, change.severity) == (
        K.MEDIA_TYPE_RENAMED,
        "application/x-ndjson",
        "application/jsonl",
        B,
    )


def test_the_schema_of_a_second_media_type_is_compared_under_its_name() -> None:
    base = op(None, method="POST", body=obj({}))
    old_body = RequestBody(True, obj({"a": STRING}), media={"multipart/form-data": obj({"f": STRING})})
    new_body = RequestBody(
        True, obj({"a": STRING}), media={"multipart/form-data": obj({"f": STRING, "g": STRING})}
    )
    a, b = (
        version("v", [replace(base, request_body=old_body)]),
        version("v", [replace(base, request_body=new_body)]),
    )
    change = only(diff(a, b))
    assert (change.kind, change.path, change.severity) == (K.FIELD_ADDED, "multipart/form-data.g", B)


# --- security --------------------------------------------------------------------------------------


def secured(*alternatives: dict[str, tuple[str, ...]]) -> ContractVersion:
    return version("v", [replace(op(obj({"id": STRING})), security=tuple(alternatives))])


def test_security_alternatives_and_scopes_by_who_can_still_call() -> None:
    key = {"AdminApiKeyAuth": ()}
    oauth = {"OAuth": ("read",)}
    assert kinds(diff(secured(key, oauth), secured(key))) == [(K.SECURITY_ALTERNATIVE_REMOVED, B)]
    assert kinds(diff(secured(key), secured(key, oauth))) == [(K.SECURITY_ALTERNATIVE_ADDED, INFO)]
    wider = {"OAuth": ("read", "write")}
    assert kinds(diff(secured(oauth), secured(wider))) == [(K.SECURITY_SCOPES_ADDED, B)]
    assert kinds(diff(secured(wider), secured(oauth))) == [(K.SECURITY_SCOPES_REMOVED, INFO)]


def test_anonymous_access_withdrawn_is_breaking() -> None:
    change = only(diff(secured({}, {"ApiKey": ()}), secured({"ApiKey": ()})))
    assert (change.kind, change.old, change.severity) == (
        K.SECURITY_ALTERNATIVE_REMOVED,
        "(no authentication)",
        B,
    )


def test_undocumented_security_on_one_side_is_not_a_change() -> None:
    assert diff(version("v", [op(obj({"id": STRING}))]), secured({"ApiKey": ()})) == []


def test_a_document_defining_schemes_but_asking_none_documents_no_authentication() -> None:
    # Silent on requirements while it defines schemes: the same as `security: []`, so requiring a key
    # now withdraws anonymous access; a document that defines no scheme says nothing of security.
    schemes = {"ApiKey": {"type": "apiKey", "in": "header", "name": "X-Key"}}
    silent = replace(version("v", [op(obj({"id": STRING}))]), security_schemes=schemes)
    keyed = replace(secured({"ApiKey": ()}), security_schemes=schemes)
    explicit = replace(secured(), security_schemes=schemes)
    assert kinds(diff(silent, keyed)) == kinds(diff(explicit, keyed))
    assert (K.SECURITY_ALTERNATIVE_REMOVED, B) in kinds(diff(silent, keyed))
    assert kinds(diff(keyed, silent)) == kinds(diff(keyed, explicit))
    assert diff(silent, explicit) == []


def test_an_alternative_under_a_renamed_but_identical_scheme_is_one_rename() -> None:
    bearer = {"type": "http", "scheme": "bearer"}
    a = replace(secured({"ApiKeyAuth": ()}), security_schemes={"ApiKeyAuth": bearer})
    b = replace(
        secured({"AdminApiKeyAuth": ()}), security_schemes={"ApiKeyAuth": bearer, "AdminApiKeyAuth": bearer}
    )
    changes = [c for c in diff(a, b) if c.operation is not None]
    change = only(changes)
    assert (change.kind, change.old, change.new, change.severity) == (
        K.SECURITY_ALTERNATIVE_RENAMED,
        "ApiKeyAuth",
        "AdminApiKeyAuth",
        W,
    )
    other = replace(b, security_schemes={"AdminApiKeyAuth": {"type": "apiKey", "in": "header", "name": "K"}})
    assert {c.kind for c in diff(a, other) if c.operation} == {
        K.SECURITY_ALTERNATIVE_REMOVED,
        K.SECURITY_ALTERNATIVE_ADDED,
    }


def test_security_schemes_of_the_version() -> None:
    bearer = {"type": "http", "scheme": "bearer"}
    a = replace(version("v", []), security_schemes={"Key": bearer})
    b = replace(
        version("v", []), security_schemes={"Key": {"type": "apiKey", "in": "header", "name": "X-Key"}}
    )
    change = only(diff(a, b))
    assert (change.kind, change.operation, change.severity) == (K.SECURITY_SCHEME_CHANGED, None, B)
    assert kinds(diff(a, version("v", []))) == [(K.SECURITY_SCHEME_REMOVED, B)]


# --- lifecycle and its policy ------------------------------------------------------------------------


def lived(lifecycle: Lifecycle, date: str | None = None) -> ContractVersion:
    return replace(version("v", [replace(op(obj({"id": STRING})), lifecycle=lifecycle)]), date=date)


def test_deprecation_sunset_and_stability_moves() -> None:
    assert kinds(diff(lived(Lifecycle()), lived(Lifecycle(deprecated=True)))) == [
        (K.OPERATION_DEPRECATED, INFO)
    ]
    earlier = diff(lived(Lifecycle(sunset="2027-01-01")), lived(Lifecycle(sunset="2026-06-01")))
    later = diff(lived(Lifecycle(sunset="2026-06-01")), lived(Lifecycle(sunset="2027-01-01")))
    assert (kinds(earlier), kinds(later)) == ([(K.SUNSET_CHANGED, W)], [(K.SUNSET_CHANGED, INFO)])
    less = diff(lived(Lifecycle(stability="stable")), lived(Lifecycle(stability="beta")))
    more = diff(lived(Lifecycle(stability="beta")), lived(Lifecycle(stability="stable")))
    assert (kinds(less), kinds(more)) == ([(K.STABILITY_CHANGED, W)], [(K.STABILITY_CHANGED, INFO)])


@pytest.mark.parametrize(
    ("lifecycle", "expected"),
    [
        (Lifecycle(), (K.OPERATION_REMOVED, B)),
        (Lifecycle(deprecated=True), (K.DEPRECATED_OPERATION_REMOVED, W)),
        # Taken away before the date it was promised until: that promise is broken.
        (Lifecycle(deprecated=True, sunset="2026-12-31"), (K.DEPRECATED_OPERATION_REMOVED, B)),
        (Lifecycle(deprecated=True, sunset="2026-01-31"), (K.DEPRECATED_OPERATION_REMOVED, INFO)),
    ],
)
def test_removing_an_operation_is_graded_by_its_lifecycle(
    lifecycle: Lifecycle, expected: tuple[ChangeKind, Severity]
) -> None:
    gone = replace(version("v", []), date="2026-06-01")
    assert kinds(diff(lived(lifecycle), gone)) == [expected]


def test_the_lifecycle_policy_is_configurable() -> None:
    gone = replace(version("v", []), date="2026-06-01")
    strict = LifecyclePolicy(deprecated_removal=B, after_sunset=W)
    assert kinds(diff(lived(Lifecycle(deprecated=True)), gone, policy=strict)) == [
        (K.DEPRECATED_OPERATION_REMOVED, B)
    ]
    sunset = lived(Lifecycle(deprecated=True, sunset="2026-03-01"))
    assert kinds(diff(sunset, gone, policy=strict)) == [(K.DEPRECATED_OPERATION_REMOVED, W)]
    # Judged against a given day rather than the new version's date: then the sunset is still ahead.
    early = LifecyclePolicy(today="2026-01-01")
    assert kinds(diff(sunset, gone, policy=early)) == [(K.DEPRECATED_OPERATION_REMOVED, B)]
    lenient = LifecyclePolicy(today="2026-01-01", before_sunset=W)
    assert kinds(diff(sunset, gone, policy=lenient)) == [(K.DEPRECATED_OPERATION_REMOVED, W)]


def test_removing_a_deprecated_response_field_is_graded_by_the_policy() -> None:
    a = version("v", [op(obj({"id": STRING, "old": {"type": "string", "deprecated": True}}))])
    b = version("v", [op(obj({"id": STRING}))])
    assert kinds(diff(a, b)) == [(K.DEPRECATED_FIELD_REMOVED, W)]
    assert kinds(diff(a, b, policy=LifecyclePolicy(deprecated_removal=INFO))) == [
        (K.DEPRECATED_FIELD_REMOVED, INFO)
    ]


# --- webhooks ---------------------------------------------------------------------------------------


def hooked(payload: dict[str, Any] | None) -> ContractVersion:
    hooks = (
        {}
        if payload is None
        else {
            "batch.completed": op(
                None, op_id="batch.completed", method="POST", path="batch.completed", body=payload
            )
        }
    )
    return replace(version("v", []), webhooks=hooks)


def test_a_webhook_payload_is_read_by_its_receivers() -> None:
    a, b = hooked(obj({"status": {"enum": ["done"]}})), hooked(obj({"status": {"enum": ["done", "failed"]}}))
    change = only(diff(a, b))
    assert (change.kind, change.side, change.severity) == (K.ENUM_VALUES_ADDED, Side.WEBHOOK, W)
    assert kinds(diff(hooked(obj({"id": STRING, "x": STRING})), hooked(obj({"id": STRING})))) == [
        (K.FIELD_REMOVED, B)
    ]
    assert kinds(diff(a, hooked(None))) == [(K.WEBHOOK_REMOVED, W)]
    assert kinds(diff(hooked(None), a)) == [(K.WEBHOOK_ADDED, INFO)]


# --- renames on operations and parameters ---------------------------------------------------------------


def test_an_operation_id_renamed_is_one_change() -> None:
    a = version("v", [op(obj({"id": STRING}), op_id="list-users")])
    b = version("v", [op(obj({"id": STRING}), op_id="listUsers")])
    change = only(diff(a, b))
    assert (change.kind, change.old, change.new, change.severity) == (
        K.OPERATION_ID_RENAMED,
        "list-users",
        "listUsers",
        W,
    )


def test_an_operation_moved_is_one_move_and_its_fields_are_still_compared() -> None:
    a = version(
        "v",
        [
            op(
                obj({"id": STRING}),
                op_id="get-thing",
                path="/things/{id}",
                params=[param("id", where="path", required=True)],
            )
        ],
    )
    b = version(
        "v",
        [
            op(
                obj({"id": STRING, "n": INTEGER}),
                op_id="get-thing",
                path="/v2/things/{id}",
                params=[param("id", where="path", required=True)],
            )
        ],
    )
    changes = diff(a, b)
    assert kinds(changes) == [(K.FIELD_ADDED, INFO), (K.OPERATION_MOVED, B)]
    moved = next(c for c in changes if c.kind is K.OPERATION_MOVED)
    assert (moved.old, moved.new) == ("/things/{id}", "/v2/things/{id}")
    assert K.OPERATION_REMOVED not in {c.kind for c in changes}


def test_a_query_parameter_renamed_is_one_rename() -> None:
    a = version(
        "v", [op(obj({"id": STRING}), params=[param("project_ids", {"type": "array", "items": STRING})])]
    )
    b = version(
        "v", [op(obj({"id": STRING}), params=[param("project_id", {"type": "array", "items": STRING})])]
    )
    change = only(diff(a, b))
    assert (change.kind, change.old, change.new, change.severity) == (
        K.PARAM_RENAMED,
        "project_ids",
        "project_id",
        B,
    )
    assert "same location and type" in change.evidence


def test_parameters_of_different_types_are_not_paired() -> None:
    a = version("v", [op(obj({"id": STRING}), params=[param("limit", INTEGER)])])
    b = version("v", [op(obj({"id": STRING}), params=[param("after", STRING)])])
    assert kinds(diff(a, b)) == [(K.PARAM_ADDED, INFO), (K.PARAM_REMOVED, W)]


# --- the importer fills the new surfaces -----------------------------------------------------------------


def test_the_importer_fills_headers_media_security_lifecycle_and_webhooks() -> None:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "security": [{"Key": []}],
        "components": {
            "schemas": {"Thing": {"type": "object", "properties": {"id": {"type": "string"}}}},
            "securitySchemes": {"Key": {"type": "http", "scheme": "bearer", "description": "prose"}},
            "headers": {"Limit": {"schema": {"type": "integer"}, "required": True}},
        },
        "paths": {
            "/things": {
                "post": {
                    "operationId": "make",
                    "deprecated": True,
                    "x-sunset": "2027-01-01",
                    "x-stability": "beta",
                    "security": [{"Key": []}, {"OAuth": ["write"]}],
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}},
                            "multipart/form-data": {"schema": {"type": "object"}},
                        }
                    },
                    "responses": {
                        "200": {
                            "description": "ok",
                            "headers": {
                                "X-Limit": {"$ref": "#/components/headers/Limit"},
                                "Content-Type": {},
                            },
                            "content": {"text/csv": {"schema": {"type": "string"}}},
                        }
                    },
                }
            }
        },
        "webhooks": {
            "thing.made": {
                "post": {
                    "requestBody": {
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}
                    },
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    result = import_document(document, api="t", version="v1")
    operation = result.version.operations["make"]
    assert operation.lifecycle == Lifecycle(
        deprecated=True,
        sunset="2027-01-01",
        stability="beta",
        extensions=(("x-stability", "beta"), ("x-sunset", "2027-01-01")),
    )
    assert operation.security == ({"Key": ()}, {"OAuth": ("write",)})
    assert operation.request_body is not None and set(operation.request_body.all_media) == {
        "application/json",
        "multipart/form-data",
    }
    response = operation.responses["200"]
    assert (response.content_type, set(response.all_media)) == ("text/csv", {"text/csv"})
    assert response.headers == {"X-Limit": Header("X-Limit", True, {"type": "integer"})}
    assert result.version.security_schemes == {"Key": {"type": "http", "scheme": "bearer"}}
    (hook,) = result.version.webhooks.values()
    assert (hook.method, hook.path) == ("POST", "thing.made")
    assert "Thing" in result.version.schemas
    # A selection of operations selects webhooks by the same test; a scope keeps none.
    selected = import_document(document, api="t", version="v1", select=lambda _i, _m, path: path == "/things")
    assert (
        selected.version.webhooks,
        import_document(document, api="t", version="v1", scope=["/things"]).version.webhooks,
    ) == ({}, {})


def test_new_surfaces_survive_writing_and_loading(tmp_path: Path) -> None:
    from apidrift.contracts.model import load_version

    base = with_response(
        op(obj({"id": STRING})), headers={"X-A": Header("X-A", True, STRING)}, media={"text/csv": STRING}
    )
    operation = replace(
        base, lifecycle=Lifecycle(deprecated=True, sunset="2027-01-01"), security=({"Key": ()},)
    )
    written = replace(
        version("v", [operation]),
        security_schemes={"Key": {"type": "http"}},
        webhooks={"hook": op(None, op_id="hook", method="POST", path="hook", body=obj({"id": STRING}))},
    )
    written.write(tmp_path)
    loaded = load_version(tmp_path)
    assert loaded.operations == written.operations
    assert (loaded.webhooks, loaded.security_schemes) == (written.webhooks, written.security_schemes)
    assert diff(written, loaded) == []


def test_a_contract_without_the_new_surfaces_is_written_as_before() -> None:
    files = version("v", [op(obj({"id": STRING}))]).to_files()
    response = files["contract.json"]["operations"][0]["responses"]["200"]
    assert set(response) == {"description", "schema"}
    assert set(files["contract.json"]) == {"api", "version", "date", "description", "sources", "operations"}
    assert ResponseSpec("200", "", None).all_media == {}


def test_counterexamples_are_not_searched_in_a_body_for_a_header_change() -> None:
    from apidrift.diff.counterexamples import attach_counterexamples

    a = headed(**{"X-Request-Id": Header("X-Request-Id", True, STRING)})
    b = headed(**{"X-Request-Id": Header("X-Request-Id", True, INTEGER)})
    result = diff_versions(a, b)
    assert [c.path for c in result.changes] == ["header X-Request-Id"]
    assert attach_counterexamples(result, a, b) == 0


def test_a_removed_success_status_breaks_and_a_removed_error_status_does_not() -> None:
    ok = op(obj({"id": STRING}), statuses=["201", "404"])
    a = version("v", [ok])
    no_201 = version("v", [replace(ok, responses={k: v for k, v in ok.responses.items() if k != "201"})])
    no_404 = version("v", [replace(ok, responses={k: v for k, v in ok.responses.items() if k != "404"})])
    assert kinds(diff(a, no_201)) == [(K.SUCCESS_STATUS_REMOVED, B)]
    assert kinds(diff(a, no_404)) == [(K.STATUS_REMOVED, INFO)]


def test_a_header_made_required_is_info_for_readers() -> None:
    a = headed(**{"X-Limit": Header("X-Limit", False, INTEGER)})
    b = headed(**{"X-Limit": Header("X-Limit", True, INTEGER)})
    assert kinds(diff(a, b)) == [(K.HEADER_BECAME_REQUIRED, INFO)]


def test_a_security_scheme_added_and_an_operation_undeprecated_are_info() -> None:
    a = version("v", [])
    b = replace(a, security_schemes={"Key": {"type": "http", "scheme": "bearer"}})
    assert kinds(diff(a, b)) == [(K.SECURITY_SCHEME_ADDED, INFO)]
    assert kinds(diff(lived(Lifecycle(deprecated=True)), lived(Lifecycle()))) == [
        (K.OPERATION_UNDEPRECATED, INFO)
    ]


def test_operations_sharing_a_changed_body_each_get_its_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine compares a body pair once per side and names each operation in its own changes: the
    same changes as comparing it for every operation."""
    before, after = obj({"id": STRING, "count": INTEGER}), obj({"id": INTEGER, "total": INTEGER})
    ops = [("list-things", "/things"), ("list-others", "/others"), ("get-thing", "/things/{id}")]
    old = version("v1", [op(before, op_id=i, path=p, body=before, method="POST") for i, p in ops])
    new = version("v2", [op(after, op_id=i, path=p, body=after, method="POST") for i, p in ops])
    shared = diff(old, new)
    monkeypatch.setattr("apidrift.diff.engine._Walk.compare_schemas", _compare_every_time)
    assert shared == diff(old, new)
    by_operation = {i: [(c.side, c.kind, c.path) for c in shared if c.operation_id == i] for i, _ in ops}
    assert by_operation["list-others"] == by_operation["list-things"] == by_operation["get-thing"]
    assert {c.operation for c in shared} == {"POST /things", "POST /others", "POST /things/{id}"}
    assert len(by_operation["get-thing"]) >= 4  # a retyped field and a renamed one, on both sides


def _compare_every_time(walk: Any, ctx: Any, a: Any, b: Any) -> list[Change]:
    return [] if walk.unchanged(a, b) else walk._compare_schemas(ctx, a, b)  # type: ignore[no-any-return]
