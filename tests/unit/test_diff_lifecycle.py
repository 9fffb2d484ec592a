"""The lifecycle policy on parameters and schema fields (operations: test_diff_surfaces.py): removing
what was deprecated is graded by its sunset, deprecation is its own change, and the extension names
the policy reads are configurable, from the API down to the CLI and its config file."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from test_diff import STRING, obj, op, param, version

from apidrift.contracts.model import ContractVersion, Lifecycle, Parameter, parse_version
from apidrift.diff.changes import Change, ChangeKind, Severity, Side
from apidrift.diff.engine import diff_versions
from apidrift.diff.policy import LifecyclePolicy, Status
from apidrift.openapi.convert import import_document
from cli_support import run_cli

K = ChangeKind
B, W, INFO = Severity.BREAKING, Severity.WARNING, Severity.INFO
NEW_DATE = "2026-06-01"


def kinds(changes: list[Change]) -> list[tuple[ChangeKind, Severity]]:
    return sorted((c.kind, c.severity) for c in changes)


def diff(old: ContractVersion, new: ContractVersion, **kw: Any) -> list[Change]:
    return diff_versions(old, new, **kw).changes


def with_params(*params: Parameter, date: str | None = NEW_DATE) -> ContractVersion:
    return replace(version("v", [op(obj({"id": STRING}), params=params)]), date=date)


def limit(lifecycle: Lifecycle | None = None) -> Parameter:
    return replace(param("limit"), lifecycle=lifecycle or Lifecycle())


# --- parameters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lifecycle", "expected"),
    [
        (Lifecycle(), (K.PARAM_REMOVED, W)),
        (Lifecycle(deprecated=True), (K.DEPRECATED_PARAM_REMOVED, W)),
        (
            Lifecycle(deprecated=True, extensions=(("x-sunset", "2026-01-31"),)),
            (K.DEPRECATED_PARAM_REMOVED, INFO),
        ),
        # Before its sunset: the policy says breaking, but never worse than removing it live (warning).
        (
            Lifecycle(deprecated=True, extensions=(("x-sunset", "2026-12-31"),)),
            (K.DEPRECATED_PARAM_REMOVED, W),
        ),
        # A sunset alone, passed, is notice enough.
        (Lifecycle(extensions=(("x-sunset", "2026-01-31"),)), (K.DEPRECATED_PARAM_REMOVED, INFO)),
        (Lifecycle(extensions=(("x-deprecated-at", "2025-01-01"),)), (K.DEPRECATED_PARAM_REMOVED, W)),
    ],
)
def test_removing_a_parameter_is_graded_by_its_lifecycle(
    lifecycle: Lifecycle, expected: tuple[ChangeKind, Severity]
) -> None:
    changes = diff(with_params(limit(lifecycle)), with_params())
    assert kinds(changes) == [expected]
    assert changes[0].side is Side.PARAMETER and changes[0].path == "limit"


def test_a_stricter_policy_grades_parameter_removals_up_to_the_live_rule() -> None:
    strict = LifecyclePolicy(deprecated_removal=B, after_sunset=W)
    deprecated = with_params(limit(Lifecycle(deprecated=True)))
    assert kinds(diff(deprecated, with_params(), policy=strict)) == [(K.DEPRECATED_PARAM_REMOVED, W)]
    lenient = LifecyclePolicy(deprecated_removal=INFO)
    assert kinds(diff(deprecated, with_params(), policy=lenient)) == [(K.DEPRECATED_PARAM_REMOVED, INFO)]


def test_a_parameter_deprecated_and_brought_back_is_info_both_ways() -> None:
    live, gone = with_params(limit()), with_params(limit(Lifecycle(deprecated=True)))
    assert kinds(diff(live, gone)) == [(K.PARAM_DEPRECATED, INFO)]
    assert kinds(diff(gone, live)) == [(K.PARAM_UNDEPRECATED, INFO)]
    # An extension the policy reads counts as `deprecated: true`.
    marked = with_params(limit(Lifecycle(extensions=(("x-deprecated", "true"),))))
    assert kinds(diff(live, marked)) == [(K.PARAM_DEPRECATED, INFO)]
    assert diff(gone, marked) == []


# --- schema fields --------------------------------------------------------------------------------


def fielded(extra: dict[str, Any] | None, *, body: bool = False) -> ContractVersion:
    fields: dict[str, Any] = {"id": STRING}
    if extra is not None:
        fields["old"] = {"type": "string", **extra}
    schema = obj(fields, required=["id"])
    operation = op(obj({"id": STRING}), body=schema, method="POST") if body else op(schema)
    return replace(version("v", [operation]), date=NEW_DATE)


@pytest.mark.parametrize(
    ("annotations", "expected"),
    [
        (None, None),
        ({}, (K.FIELD_REMOVED, B)),
        ({"deprecated": True}, (K.DEPRECATED_FIELD_REMOVED, W)),
        ({"deprecated": True, "x-sunset": "2026-01-31"}, (K.DEPRECATED_FIELD_REMOVED, INFO)),
        ({"deprecated": True, "x-sunset": "2026-12-31"}, (K.DEPRECATED_FIELD_REMOVED, B)),
        ({"x-removal-date": "2026-05-31"}, (K.DEPRECATED_FIELD_REMOVED, INFO)),
    ],
)
def test_removing_a_response_field_is_graded_by_its_lifecycle(
    annotations: dict[str, Any] | None, expected: tuple[ChangeKind, Severity] | None
) -> None:
    changes = diff(fielded(annotations), fielded(None))
    assert kinds(changes) == ([expected] if expected else [])
    if expected:
        assert (changes[0].side, changes[0].path) == (Side.RESPONSE, "old")


def test_removing_a_request_field_keeps_the_senders_rule_whatever_its_sunset() -> None:
    passed = fielded({"deprecated": True, "x-sunset": "2026-01-31"}, body=True)
    ahead = fielded({"deprecated": True, "x-sunset": "2026-12-31"}, body=True)
    for before in (passed, ahead):
        changes = [c for c in diff(before, fielded(None, body=True)) if c.side is Side.REQUEST]
        assert kinds(changes) == [(K.DEPRECATED_FIELD_REMOVED, INFO)]


def test_a_field_deprecated_by_an_extension_and_brought_back() -> None:
    live, marked = fielded({}), fielded({"x-deprecated-since": "2026-01-01"})
    assert kinds(diff(live, marked)) == [(K.FIELD_DEPRECATED, INFO)]
    assert kinds(diff(marked, live)) == [(K.FIELD_UNDEPRECATED, INFO)]


def test_the_policy_reads_the_extension_names_it_is_given() -> None:
    before, after = fielded({"x-retire-on": "2026-01-31"}), fielded(None)
    assert kinds(diff(before, after)) == [(K.FIELD_REMOVED, B)]  # not a name read by default
    custom = LifecyclePolicy(sunset_keys=("x-retire-on",))
    assert kinds(diff(before, after, policy=custom)) == [(K.DEPRECATED_FIELD_REMOVED, INFO)]
    # Given names replace the defaults: `x-sunset` is then no longer read.
    default_named = fielded({"x-sunset": "2026-01-31"})
    assert kinds(diff(default_named, after, policy=custom)) == [(K.FIELD_REMOVED, B)]


def test_status_reading() -> None:
    policy = LifecyclePolicy()
    assert policy.read(False, [("x-deprecated", "false")]) == Status()
    assert policy.read(False, [("x-deprecated", True)]) == Status(deprecated=True)
    assert policy.read(True, [("x-sunset-date", "2027-01-01"), ("x-sunset", "")]) == Status(
        True, "2027-01-01"
    )
    # A contract written before extensions were kept still has the sunset its importer read.
    assert policy.status(Lifecycle(sunset="2027-01-01")) == Status(False, "2027-01-01")


# --- the importer and the contract ------------------------------------------------------------------


DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/things": {
            "get": {
                "operationId": "list",
                "parameters": [
                    {
                        "name": "cursor",
                        "in": "query",
                        "deprecated": True,
                        "x-sunset": "2027-01-01",
                        "x-internal-note": "dropped: not lifecycle",
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "limit",
                        "in": "query",
                        "x-retire-on": "2027-02-01",
                        "schema": {"type": "integer"},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "old": {
                                            "type": "string",
                                            "deprecated": True,
                                            "x-sunset": "2027-03-01",
                                        }
                                    },
                                }
                            }
                        },
                    }
                },
            }
        }
    },
}


def test_the_importer_fills_parameter_lifecycle_and_keeps_field_extensions() -> None:
    version_ = import_document(DOCUMENT, api="t", version="v1").version
    cursor, limit_ = version_.operations["list"].parameters
    assert cursor.lifecycle == Lifecycle(
        deprecated=True, sunset="2027-01-01", extensions=(("x-sunset", "2027-01-01"),)
    )
    assert limit_.lifecycle == Lifecycle(extensions=(("x-retire-on", "2027-02-01"),))
    schema = version_.operations["list"].responses["200"].schema
    assert schema is not None
    assert schema["properties"]["old"] == {"type": "string", "deprecated": True, "x-sunset": "2027-03-01"}


def test_parameter_lifecycle_survives_the_contract_files(tmp_path: Path) -> None:
    version_ = import_document(DOCUMENT, api="t", version="v1").version
    files = version_.to_files()
    written = json.loads(json.dumps(files))
    reread = parse_version(written["contract.json"], written["schemas.json"], tmp_path)
    assert reread.operations["list"].parameters == version_.operations["list"].parameters


# --- the CLI and its config file --------------------------------------------------------------------


def _spec(path: Path, parameters: list[dict[str, Any]]) -> None:
    document = json.loads(json.dumps(DOCUMENT))
    document["info"]["version"] = NEW_DATE if parameters == [] else "2026-01-01"
    document["paths"]["/things"]["get"]["parameters"] = parameters
    path.write_text(json.dumps(document), encoding="utf-8")


@pytest.fixture
def specs(tmp_path: Path) -> Path:
    _spec(
        tmp_path / "old.json", [{"name": "cursor", "in": "query", "x-retire-on": "2026-03-01", "schema": {}}]
    )
    _spec(tmp_path / "new.json", [])
    return tmp_path


def _kinds_of(done: Any) -> list[tuple[str, str]]:
    return sorted((c["kind"], c["severity"]) for c in json.loads(done.stdout)["changes"])


def test_cli_sunset_key_option(specs: Path) -> None:
    plain = run_cli("diff", "old.json", "new.json", "--format", "json", cwd=specs)
    assert _kinds_of(plain) == [("param-removed", "warning")]
    named = run_cli(
        "diff", "old.json", "new.json", "--format", "json", "--sunset-key", "x-retire-on", cwd=specs
    )
    assert _kinds_of(named) == [("deprecated-param-removed", "info")]


def test_cli_lifecycle_policy_from_the_config_file(specs: Path) -> None:
    (specs / "apidrift.toml").write_text('[diff]\nsunset-key = ["x-retire-on"]\nafter-sunset = "warning"\n')
    done = run_cli("diff", "old.json", "new.json", "--format", "json", cwd=specs)
    assert done.returncode == 0, done.stderr
    assert _kinds_of(done) == [("deprecated-param-removed", "warning")]


def test_a_sunset_moved_on_a_parameter_or_a_field_is_its_own_change() -> None:
    """Earlier takes notice away (warning); later, or announced for the first time, gives more (info)."""
    later, sooner = ("x-sunset", "2027-06-01"), ("x-sunset", "2027-01-01")
    p_later = with_params(limit(Lifecycle(deprecated=True, extensions=(later,))))
    p_sooner = with_params(limit(Lifecycle(deprecated=True, extensions=(sooner,))))
    assert kinds(diff(p_later, p_sooner)) == [(K.SUNSET_CHANGED, W)]
    assert kinds(diff(p_sooner, p_later)) == [(K.SUNSET_CHANGED, INFO)]
    assert "query parameter limit: sunset 2027-06-01 -> 2027-01-01" in diff(p_later, p_sooner)[0].message

    f_later = fielded({"deprecated": True, later[0]: later[1]})
    f_sooner = fielded({"deprecated": True, sooner[0]: sooner[1]})
    assert kinds(diff(f_later, f_sooner)) == [(K.SUNSET_CHANGED, W)]
    assert kinds(diff(f_sooner, f_later)) == [(K.SUNSET_CHANGED, INFO)]
    announced = [c for c in diff(fielded({"deprecated": True}), f_later) if c.kind is K.SUNSET_CHANGED]
    assert kinds(announced) == [(K.SUNSET_CHANGED, INFO)] and announced[0].path == "old"
