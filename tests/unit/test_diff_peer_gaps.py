"""Rules added after reading the peers' checker corpora: query parameters' allowEmptyValue and
allowReserved, response headers deprecated, a status documented as its range, sunsets written as
HTTP dates, JSON Schema `false` properties and enum values that are objects (each once a gap or a
traceback), in both directions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_diff import STRING, array, both, diff, obj, op, param, version

from apidrift.contracts.model import ContractVersion, Header, JSONSchema, Lifecycle, Parameter, ResponseSpec
from apidrift.contracts.operations import derived_operation_id
from apidrift.diff.changes import ChangeKind, Severity, Side
from apidrift.diff.policy import LifecyclePolicy, sunset_date

K = ChangeKind
B, W, INFO = Severity.BREAKING, Severity.WARNING, Severity.INFO


def kinds(changes: list[object]) -> list[tuple[ChangeKind, Severity]]:
    return sorted((c.kind, c.severity) for c in changes)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("flag", "refused", "allowed"),
    [
        ("allow_empty", K.PARAM_EMPTY_VALUE_REFUSED, K.PARAM_EMPTY_VALUE_ALLOWED),
        ("allow_reserved", K.PARAM_RESERVED_REFUSED, K.PARAM_RESERVED_ALLOWED),
    ],
)
def test_taking_back_a_query_permission_breaks_senders(
    flag: str, refused: ChangeKind, allowed: ChangeKind
) -> None:
    allowing = replace(param("q"), **{flag: True})
    a, b = version("v1", [op(STRING, params=[allowing])]), version("v2", [op(STRING, params=[param("q")])])
    forward, backward = diff(a, b), diff(b, a)
    assert kinds(forward) == [(refused, B)]
    assert kinds(backward) == [(allowed, INFO)]
    assert forward[0].side is Side.PARAMETER and forward[0].path == "q"


def test_permissions_mean_nothing_outside_the_query() -> None:
    # OpenAPI defines allowEmptyValue and allowReserved for query parameters only.
    header = Parameter("X-Trace", "header", False, STRING, allow_empty=True, allow_reserved=True)
    a = version("v1", [op(STRING, params=[header])])
    b = version("v2", [op(STRING, params=[replace(header, allow_empty=False, allow_reserved=False)])])
    assert diff(a, b) == []


def with_header(header: Header) -> list[object]:
    operation = op(STRING)
    spec = ResponseSpec("200", "OK", STRING, headers={header.name: header})
    return [replace(operation, responses={"200": spec})]


def test_a_response_header_deprecated_and_back() -> None:
    live, going = Header("X-Rate", True, STRING), Header("X-Rate", True, STRING, deprecated=True)
    a, b = version("v1", with_header(live)), version("v2", with_header(going))  # type: ignore[arg-type]
    assert kinds(diff(a, b)) == [(K.HEADER_DEPRECATED, INFO)]
    assert kinds(diff(b, a)) == [(K.HEADER_UNDEPRECATED, INFO)]


def test_a_status_documented_as_its_range_is_one_change_and_its_body_is_compared() -> None:
    exact = op(obj({"id": STRING}))
    ranged = replace(
        exact, responses={"2XX": ResponseSpec("2XX", "OK", obj({"id": STRING, "n": STRING}, ["id"]))}
    )
    a, b = version("v1", [exact]), version("v2", [ranged])
    assert kinds(diff(a, b)) == [(K.FIELD_ADDED, INFO), (K.STATUS_BECAME_RANGE, W)]
    assert kinds(diff(b, a)) == [(K.FIELD_REMOVED, B), (K.RANGE_BECAME_STATUS, INFO)]


def test_a_range_beside_other_statuses_of_its_class_is_not_paired() -> None:
    # 200 and 201 went, 2XX came: which of them it stands for is not clear, so each is reported.
    two = op(STRING, statuses=["201"])
    ranged = replace(two, responses={"2XX": ResponseSpec("2XX", "OK", STRING)})
    changes = diff(version("v1", [two]), version("v2", [ranged]))
    assert {c.kind for c in changes} == {K.SUCCESS_STATUS_REMOVED, K.STATUS_ADDED}


@pytest.mark.parametrize(
    ("sunset", "severity"),
    [
        ("2020-01-01", INFO),  # passed
        ("Wed, 01 Jan 2020 00:00:00 GMT", INFO),  # passed, as the Sunset header writes it (RFC 8594)
        ("2999-01-01T00:00:00Z", W),  # ahead: never worse than removing it live (a warning)
        ("when the v2 API ships", W),  # no date: says no more than `deprecated`
    ],
)
def test_a_removed_parameter_is_graded_by_its_sunset_whatever_date_format(
    sunset: str, severity: Severity
) -> None:

    going = replace(param("q"), lifecycle=Lifecycle(deprecated=True, extensions=(("x-sunset", sunset),)))
    a, b = version("v1", [op(STRING, params=[going])]), version("v2", [op(STRING)])
    change = diff(a, b, policy=LifecyclePolicy(today="2026-06-01"))[0]
    assert (change.kind, change.severity) == (K.DEPRECATED_PARAM_REMOVED, severity)


def test_sunset_dates_are_read_in_both_formats() -> None:
    assert sunset_date("2026-03-01") == "2026-03-01"
    assert sunset_date("2026-03-01T10:00:00+02:00") == "2026-03-01"
    assert sunset_date("Sun, 01 Mar 2026 10:00:00 GMT") == "2026-03-01"
    assert sunset_date("2026-13-45") is None
    assert sunset_date("soon") is None


@given(st.dates(min_value=date(1900, 1, 1)))  # HTTP-dates have four-digit years
def test_an_iso_day_and_its_http_date_are_one_day(day: date) -> None:
    http = format_datetime(datetime.combine(day, time(12), tzinfo=UTC), usegmt=True)
    assert sunset_date(http) == sunset_date(day.isoformat()) == day.isoformat()


def test_a_false_property_schema_narrows_without_a_traceback() -> None:
    # JSON Schema 2020-12 (OpenAPI 3.1): `false` admits no value, `true` any.
    forward, backward = both(obj({"x": True}, []), obj({"x": False}, []))  # type: ignore[dict-item]
    assert kinds(forward) == [(K.CONSTRAINT_NARROWED, INFO)]  # readers see a subset
    # A property no reader ever received arriving is news to it, as an added optional field is.
    assert kinds(backward) == [(K.CONSTRAINT_WIDENED, INFO)]


def test_enum_values_that_are_objects_compare_without_a_traceback() -> None:
    old = {"type": ["string", "object"], "enum": ["a", {"k": 1}]}
    new = {"type": ["string", "object"], "enum": ["a", {"k": 2}]}
    forward, _ = both(obj({"x": old}), obj({"x": new}))
    assert kinds(forward) == [(K.ENUM_VALUES_ADDED, W), (K.ENUM_VALUES_REMOVED, INFO)]


def test_the_contract_keeps_the_query_permissions() -> None:
    from pathlib import Path

    from apidrift.contracts.operations import operation_to_json, parse_operation

    allowing = replace(param("q"), allow_empty=True, allow_reserved=True)
    operation = op(STRING, params=[allowing, param("plain")])
    written = operation_to_json(operation)
    assert "allowEmptyValue" not in written["parameters"][1]  # contracts without them stay as they were
    assert parse_operation(written, Path("contract.json"), "/operations/0").parameters == operation.parameters


def with_media(operation_body: dict[str, object], *, request: bool) -> list[object]:
    """One POST operation whose request body or 200 response has the media types given."""
    base = op(None, method="POST", body=STRING) if request else op(STRING)
    (primary, schema), *others = operation_body.items()
    if request:
        assert base.request_body is not None
        spec = replace(base.request_body, content_type=primary, schema=schema, media=dict(others))
        return [replace(base, request_body=spec)]
    response = ResponseSpec("200", "OK", schema, content_type=primary, media=dict(others))  # type: ignore[arg-type]
    return [replace(base, responses={"200": response})]


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        ("application/json", "application/*", K.MEDIA_TYPE_WIDENED),
        ("application/json", "*/*", K.MEDIA_TYPE_WIDENED),
        ("application/*", "application/json", K.MEDIA_TYPE_NARROWED),
        ("application/json", "application/json; charset=utf-8", K.MEDIA_TYPE_PARAMETERS_CHANGED),
    ],
)
@pytest.mark.parametrize("request_side", [True, False])
def test_a_media_type_widened_narrowed_or_reparametered_is_one_change(
    old: str, new: str, kind: ChangeKind, request_side: bool
) -> None:
    body = obj({"id": STRING})
    a = version("v1", with_media({old: body}, request=request_side))  # type: ignore[arg-type]
    b = version("v2", with_media({new: body}, request=request_side))  # type: ignore[arg-type]
    change = only_change(diff(a, b))
    side = Side.REQUEST if request_side else Side.RESPONSE
    assert (change.kind, change.side, change.old, change.new) == (kind, side, old, new)
    # One principle: a request range narrowed refuses senders, a response range widened surprises readers.
    harmful = (kind is K.MEDIA_TYPE_NARROWED) if request_side else (kind is K.MEDIA_TYPE_WIDENED)
    assert change.severity is (B if harmful else INFO)


def test_a_media_type_range_keeps_comparing_its_schema() -> None:
    a = version("v1", with_media({"application/json": obj({"id": STRING, "n": STRING})}, request=False))  # type: ignore[arg-type]
    b = version("v2", with_media({"application/*": obj({"id": STRING})}, request=False))  # type: ignore[arg-type]
    assert kinds(diff(a, b)) == [(K.FIELD_REMOVED, B), (K.MEDIA_TYPE_WIDENED, B)]


def only_change(changes: list[object]) -> object:
    assert len(changes) == 1, changes
    return changes[0]


@pytest.mark.parametrize("anything", [".*", "^.*", ".*$", "^[\\s\\S]*$"])
def test_a_pattern_every_string_matches_is_no_pattern(anything: str) -> None:
    forward, backward = both(
        obj({"x": {"type": "string", "pattern": "^[a-z]+$"}}),
        obj({"x": {"type": "string", "pattern": anything}}),
    )
    assert kinds(forward) == [(K.CONSTRAINT_WIDENED, B)]  # a response: readers may meet any string
    assert kinds(backward) == [(K.CONSTRAINT_NARROWED, INFO)]


def test_a_line_anchored_pattern_is_not_everything() -> None:
    # `.` stops at a line break: `^.*$` refuses "a\nb", so it stays undecided against another pattern.
    forward, _ = both(
        obj({"x": {"type": "string", "pattern": "^a"}}), obj({"x": {"type": "string", "pattern": "^.*$"}})
    )
    assert kinds(forward) == [(K.CONSTRAINT_CHANGED, W)]


def test_the_default_of_a_required_request_field_or_parameter_never_applies() -> None:
    def body(default: str, *, required: bool) -> object:
        return obj({"x": {"type": "string", "default": default}}, ["x"] if required else [])

    def one(default: str, *, required: bool) -> object:
        return version("v", [op(None, method="POST", body=body(default, required=required))])  # type: ignore[arg-type]

    assert kinds(diff(one("a", required=True), one("b", required=True))) == [(K.DEFAULT_CHANGED, INFO)]  # type: ignore[arg-type]
    assert kinds(diff(one("a", required=False), one("b", required=False))) == [(K.DEFAULT_CHANGED, W)]  # type: ignore[arg-type]

    def query(default: str, *, required: bool) -> object:
        return version(
            "v", [op(STRING, params=[param("q", {"type": "string", "default": default}, required=required)])]
        )

    assert kinds(diff(query("a", required=True), query("b", required=True))) == [(K.DEFAULT_CHANGED, INFO)]  # type: ignore[arg-type]
    assert kinds(diff(query("a", required=False), query("b", required=False))) == [(K.DEFAULT_CHANGED, W)]  # type: ignore[arg-type]


def test_a_default_documented_for_the_first_time_is_info_and_dropping_it_is_not() -> None:
    def query(schema: dict[str, object]) -> object:
        return version("v", [op(STRING, params=[param("q", schema)])])  # type: ignore[arg-type]

    plain, defaulted = query({"type": "integer"}), query({"type": "integer", "default": 20})
    added, dropped = diff(plain, defaulted), diff(defaulted, plain)  # type: ignore[arg-type]
    assert [(c.kind, c.severity, c.old, c.new) for c in added] == [(K.DEFAULT_CHANGED, INFO, None, 20)]
    # Senders that omit it may now get something else than the 20 they were promised.
    assert [(c.kind, c.severity, c.old, c.new) for c in dropped] == [(K.DEFAULT_CHANGED, W, 20, None)]


@pytest.mark.parametrize("where", ["beside", "part"])
def test_a_bound_beside_or_inside_an_allof_is_compared(where: str) -> None:
    # oasdiff's allof_unchanged_sibling pair: `maxLength` beside `allOf` was dropped when the parts
    # merged. (There the parts make an object, which `maxLength` does not bound: nothing changed.)
    def wrapper(bound: int) -> JSONSchema:
        parts: list[JSONSchema] = [{"type": "string", "pattern": "^[a-z]+$"}]
        if where == "beside":
            return {"maxLength": bound, "allOf": parts}
        return {"allOf": [*parts, {"maxLength": bound}]}

    forward, backward = both(obj({"w": wrapper(10)}), obj({"w": wrapper(5)}))
    assert [(c.kind, c.path) for c in forward] == [(K.CONSTRAINT_NARROWED, "w")]
    assert [(c.kind, c.path) for c in backward] == [(K.CONSTRAINT_WIDENED, "w")]


@given(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50))
def test_allof_parts_bound_a_value_by_the_tightest(beside: int, one: int, other: int) -> None:
    # Splitting the same bounds differently among the parts is no change; the tightest is what holds.
    def split(first: int, second: int) -> JSONSchema:
        return {"maxLength": first, "minLength": 0, "allOf": [{"maxLength": second}, {"minLength": other}]}

    same = min(beside, one)
    assert both(obj({"w": split(beside, one)}), obj({"w": split(same, same)})) == ([], [])


def parts(*schemas: JSONSchema) -> JSONSchema:
    return {"allOf": [{"type": "string"}, *schemas]}


@pytest.mark.parametrize("keyword", ["pattern", "format"])
def test_every_allof_parts_pattern_holds_not_only_the_first(keyword: str) -> None:
    # A value must match each part's pattern: one more part's pattern narrows, and one taken away
    # widens, even when the first part's is unchanged (it alone used to be kept).
    one, two = {keyword: "^a"}, {keyword: "b$"}
    forward, backward = both(obj({"w": parts(one)}), obj({"w": parts(one, two)}))
    assert [(c.kind, c.path) for c in forward] == [(K.CONSTRAINT_NARROWED, "w")]
    assert [(c.kind, c.path) for c in backward] == [(K.CONSTRAINT_WIDENED, "w")]
    # The same patterns given in another order, or beside the allOf instead of in it, are no change.
    assert both(obj({"w": parts(one, two)}), obj({"w": parts(two, one)})) == ([], [])
    assert both(obj({"w": parts(one, two)}), obj({"w": {**parts(two), **one}})) == ([], [])
    # One part's pattern swapped for an unrelated one cannot be ordered: a warning with the reason.
    swapped, _ = both(obj({"w": parts(one, two)}), obj({"w": parts(one, {keyword: "c$"})}))
    assert [(c.kind, c.severity) for c in swapped] == [(K.CONSTRAINT_CHANGED, W)]
    assert "not decided" in swapped[0].message


def test_allof_parts_combine_unique_items_and_steps() -> None:
    def array_of(*schemas: JSONSchema) -> JSONSchema:
        return {"allOf": [{"type": "array", "items": STRING}, *schemas]}

    # Unique in any part is unique in all: the first part saying false does not undo the second.
    unique = array_of({"uniqueItems": False}, {"uniqueItems": True})
    assert both(obj({"a": unique}), obj({"a": array_of({"uniqueItems": True})})) == ([], [])

    # A number in both steps is a multiple of their least common multiple (6 for 2 and 3).
    def number(*steps: int) -> JSONSchema:
        return {"allOf": [{"type": "integer"}, *({"multipleOf": s} for s in steps)]}

    assert both(obj({"n": number(2, 3)}), obj({"n": number(6)})) == ([], [])
    forward, _ = both(obj({"n": number(2)}), obj({"n": number(2, 3)}))
    assert [(c.kind, c.path) for c in forward] == [(K.CONSTRAINT_NARROWED, "n")]


_ITEM_SCHEMAS = st.sampled_from([STRING, {"type": "integer"}, {"type": "string", "maxLength": 3}, {}])


@given(st.lists(_ITEM_SCHEMAS, max_size=3), _ITEM_SCHEMAS, st.integers(1, 3))
def test_prefix_items_that_repeat_items_are_no_change(
    prefix: list[JSONSchema], items: JSONSchema, n: int
) -> None:
    # Trailing prefixItems entries equal to `items` bound their positions as `items` already does
    # (oasdiff's prefix_items_same_as_items pair); entries before them still count.
    def array_of(entries: list[JSONSchema]) -> JSONSchema:
        return {"type": "array", "items": items, **({"prefixItems": entries} if entries else {})}

    assert both(obj({"a": array_of(prefix)}), obj({"a": array_of([*prefix, *[items] * n])})) == ([], [])
    if prefix and prefix[-1] != items:
        forward, _ = both(obj({"a": array_of(prefix)}), obj({"a": array_of(prefix[:-1])}))
        assert forward


def sent_and_read(old: JSONSchema, new: JSONSchema) -> tuple[list[tuple[ChangeKind, Severity]], ...]:
    """The changes of `old` -> `new` as a request body and as a response body."""
    sent = diff(version("v1", [op(STRING, body=old)]), version("v2", [op(STRING, body=new)]))
    read, _ = both(old, new)
    return kinds(sent), kinds(read)


@pytest.mark.parametrize("where", ["body", "field"])
def test_a_type_given_where_the_schema_said_nothing_narrows(where: str) -> None:
    # oasdiff's media-type-schema pair: a request body `{}` (any value) becoming an object is breaking.
    def at(schema: JSONSchema) -> JSONSchema:
        return schema if where == "body" else obj({"a": schema})

    assert sent_and_read(at({}), at(STRING)) == ([(K.TYPE_NARROWED, B)], [(K.TYPE_NARROWED, INFO)])
    sent, read = sent_and_read(at(STRING), at({}))
    assert sent == [(K.TYPE_WIDENED, INFO)] and read and read[0][0] is K.TYPE_WIDENED


def test_a_schema_leaving_type_out_but_saying_more_gains_its_type_silently() -> None:
    # `properties` without `type: object` is how many documents write an object: giving the type is no news.
    untyped = {"properties": {"id": STRING}, "required": ["id"]}
    assert sent_and_read(untyped, {**untyped, "type": "object"}) == ([], [])
    assert sent_and_read({"maxLength": 3}, {"maxLength": 3, "type": "string"}) == ([], [])


def test_a_true_body_schema_is_no_schema_and_a_false_one_bounds_any_body() -> None:
    # oasdiff's media_type_schema_degenerate_{none,true,false}: `true` admits what no schema does;
    # `false` admits nothing (a narrowing: breaking to send, not to read); a body no reader ever
    # received becoming possible breaks no reader.
    assert both(None, True) == ([], [])  # type: ignore[arg-type]
    forward, backward = both(None, False)  # type: ignore[arg-type]
    assert kinds(forward) == [(K.CONSTRAINT_NARROWED, INFO)]
    assert kinds(backward) == [(K.CONSTRAINT_WIDENED, INFO)]
    sent = diff(version("v1", [op(STRING, body={})]), version("v2", [op(STRING, body=False)]))  # type: ignore[arg-type]
    assert kinds(sent) == [(K.CONSTRAINT_NARROWED, B)]


def test_operations_of_one_path_shape_are_each_compared() -> None:
    # oasdiff's duplicate_endpoints pair: GET /pet/{petId}, /pet/{petId2} and /pet/{petId3} share a
    # shape (OpenAPI forbids it; documents have it). Each is matched by its path, else its
    # operationId, else as the one left, and a change to any of them is seen, none dropped.
    def pets(*ops: tuple[str, str, JSONSchema]) -> ContractVersion:
        return version("v", [op(schema, op_id=op_id, path=path) for path, op_id, schema in ops])

    a = pets(("/pet/{a}", "one", STRING), ("/pet/{b}", "two", STRING), ("/pet/{c}", "three", STRING))
    b = pets(
        ("/pet/{a1}", "one", STRING), ("/pet/{b}", "two", {"type": "integer"}), ("/pet/{c}", "three", STRING)
    )
    assert sorted((c.kind, c.operation) for c in diff(a, b)) == [
        (K.PATH_PARAM_RENAMED, "GET /pet/{a1}"),
        (K.TYPE_CHANGED, "GET /pet/{b}"),
    ]
    fewer = pets(("/pet/{b}", "two", STRING), ("/pet/{c}", "three", STRING))
    assert [(c.kind, c.operation) for c in diff(a, fewer)] == [(K.OPERATION_REMOVED, "GET /pet/{a}")]
    assert [(c.kind, c.operation) for c in diff(fewer, a)] == [(K.OPERATION_ADDED, "GET /pet/{a}")]


def test_an_id_derived_from_the_path_is_not_an_operation_id_renamed() -> None:
    # oasdiff's param-rename pairs have no operationId: the ids apidrift derives from the path
    # change with it, which is the path parameter's rename, not an operationId's.
    def book(path: str, op_id: str | None = None) -> ContractVersion:
        return version("v", [op(STRING, path=path, op_id=op_id or derived_operation_id("GET", path))])

    renamed = diff(book("/books/{bookId}"), book("/books/{id}"))
    assert [c.kind for c in renamed] == [K.PATH_PARAM_RENAMED]
    dropped = diff(book("/books/{bookId}", "getBook"), book("/books/{bookId}"))
    assert [c.kind for c in dropped] == [K.OPERATION_ID_RENAMED]


def test_an_enum_in_an_allof_part_is_the_fields_enum() -> None:
    # A value is one of every part's values: a value dropped from a part's enum is dropped (it was
    # unseen when the parts merged, like the bounds beside an allOf).
    def field(*values: str) -> JSONSchema:
        return obj({"w": {"allOf": [STRING, {"enum": list(values)}, {"enum": ["a", "b", "c"]}]}})

    forward, backward = both(field("a", "b"), field("a"))
    assert kinds(forward) == [(K.ENUM_VALUES_REMOVED, INFO)]
    assert kinds(backward) == [(K.ENUM_VALUES_ADDED, W)]
    assert forward[0].new == ["a"]
    assert both(field("a", "b", "z"), field("a", "b")) == ([], [])  # z was never admitted


def test_a_move_found_by_an_id_derived_from_the_path_says_so() -> None:
    # oasdiff's openapi-test2.yaml adds a trailing slash to a path that has no operationId.
    def at(path: str) -> ContractVersion:
        return version("v", [op(STRING, path=path, op_id=derived_operation_id("GET", path))])

    [moved] = diff(at("/badges/{id}/score"), at("/badges/{id}/score/"))
    assert moved.kind is K.OPERATION_MOVED
    assert moved.evidence[0] == "no operationId; the same path but for its slashes and braces"
    # A dash turned into a slash derives the same id too, but names another resource: no move.
    apart = diff(at("/books-new"), at("/books/new"))
    assert sorted((c.kind, c.operation) for c in apart) == [
        (K.OPERATION_ADDED, "GET /books/new"),
        (K.OPERATION_REMOVED, "GET /books-new"),
    ]


CLAIMS: JSONSchema = {
    "type": "object",
    "required": ["kind"],
    "properties": {"kind": {"type": "string", "enum": ["a", "b"], "pattern": "^[ab]$"}, "note": STRING},
}


@pytest.mark.parametrize("nothing", [False, {"not": {}}])
def test_a_schema_becoming_false_is_one_change_and_its_keywords_no_echoes(nothing: JSONSchema) -> None:
    # oasdiff's schema_became_false_claims: what the schema declared below and beside it went with it.
    assert sent_and_read(CLAIMS, nothing) == ([(K.CONSTRAINT_NARROWED, B)], [(K.CONSTRAINT_NARROWED, INFO)])
    # No request was valid before: a required field is no new demand, a response no reader met.
    assert sent_and_read(nothing, CLAIMS) == ([(K.CONSTRAINT_WIDENED, INFO)], [(K.CONSTRAINT_WIDENED, INFO)])
    field = {"kind": CLAIMS["properties"]["kind"]}
    assert sent_and_read(obj(field, []), obj({"kind": nothing}, [])) == (
        [(K.CONSTRAINT_NARROWED, B)],
        [(K.CONSTRAINT_NARROWED, INFO)],
    )


def test_elements_of_a_once_empty_array_still_reach_readers_as_new_values() -> None:
    # An array that had to be empty gaining elements grows under its reader: not softened.
    empty, filled = obj({"a": array({"not": {}})}), obj({"a": array(obj({"id": STRING}))})
    sent, read = sent_and_read(empty, filled)
    assert sent == [(K.CONSTRAINT_WIDENED, INFO)] and read == [(K.CONSTRAINT_WIDENED, B)]
