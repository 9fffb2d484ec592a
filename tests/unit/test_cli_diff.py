"""`apidrift diff OLD.yaml NEW.yaml`: any API, the whole document by default, narrowed only on request."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from apidrift.cli import register
from apidrift.cli.app import app

PETS = Path(__file__).resolve().parents[1] / "data" / "pets"
OLD, NEW = str(PETS / "old.yaml"), str(PETS / "new.yaml")


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("APIDRIFT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def diff(*args: str) -> Any:
    register(["diff"])
    result = CliRunner().invoke(app, ["diff", *args], env={"COLUMNS": "200", "NO_COLOR": "1"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def as_json(*args: str) -> tuple[int, dict[str, Any]]:
    result = diff(*args, "--format", "json")
    return result.exit_code, json.loads(result.stdout)


def test_a_pets_api_drift_is_caught_with_no_flags() -> None:
    """A renamed field, a removed one and a new required request field: breaking, exit 1."""
    code, report = as_json(OLD, NEW)
    assert code == 1
    found = {(c["kind"], c["operation"], c["side"], c["path"]) for c in report["changes"]}
    assert ("field-renamed", "GET /pets/{petId}", "response", "pet_name") in found
    assert ("field-removed", "GET /pets/{petId}", "response", "tag") in found
    assert ("field-renamed", "GET /pets", "response", "[].pet_name") in found
    assert ("field-added", "POST /pets", "request", "owner_id") in found
    (added,) = [c for c in report["changes"] if c["side"] == "request"]
    assert added["severity"] == "breaking" and added["message"] == "required owner_id added"
    renamed = [c for c in report["changes"] if c["kind"] == "field-renamed"]
    assert {(c["old"], c["new"]) for c in renamed} == {("name", "pet_name"), ("[].name", "[].pet_name")}
    assert report["summary"]["operations"] == {"old": 3, "new": 3, "matched": 3}


def test_the_text_and_markdown_say_how_many_operations_were_compared() -> None:
    text = diff(OLD, NEW)
    assert text.exit_code == 1
    assert text.stdout.splitlines()[1] == "compared 3 operations of old and 3 of new (3 in both)"
    assert "name renamed to pet_name" in text.stdout and "required owner_id added" in text.stdout
    markdown = diff(OLD, NEW, "--format", "markdown").stdout
    assert "Compared 3 operations of old and 3 of new (3 in both)." in markdown


def test_a_scope_narrows_the_comparison() -> None:
    code, report = as_json(OLD, NEW, "--scope", "/pets/")
    assert code == 1
    assert {c["operation"] for c in report["changes"]} == {"GET /pets/{petId}"}
    assert report["summary"]["operations"] == {"old": 1, "new": 1, "matched": 1}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--scope", "/pets", "--scope", "/dogs"],
            "error: --scope '/dogs' matches no operation of old or new",
        ),
        (["--scope", "pets"], "error: --scope 'pets' must be a path prefix starting with '/'"),
        (
            ["--api", "openai-admin"],
            "error: the scope of the openai-admin profile (/organization, /projects) matches no operation "
            "of old or new",
        ),
    ],
    ids=["unmatched", "not-a-path", "profile-scope"],
)
def test_a_scope_matching_nothing_is_bad_input_not_a_clean_diff(args: list[str], message: str) -> None:
    result = diff(OLD, NEW, *args)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [message]
    assert result.stdout == ""


def test_a_generic_profile_narrows_nothing() -> None:
    code, report = as_json(OLD, NEW, "--api", "pets")
    assert code == 1 and report["summary"]["operations"]["matched"] == 3


def test_bundled_labels_still_diff_as_before() -> None:
    result = diff("2026-04-30", "2026-05-02")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].endswith("from 316 changes")
    assert lines[1] == "compared 74 operations of 2026-04-30 and 74 of 2026-05-02 (74 in both)"
    narrowed = diff("2026-04-30", "2026-05-02", "--api", "openai-admin")
    assert narrowed.stdout == result.stdout  # the profile's scope holds every bundled operation


def test_the_lifecycle_policy_is_set_on_the_command_line(tmp_path: Path) -> None:
    """Removing a deprecated operation is a warning by default (exit 0) and what --deprecated-removal
    says otherwise."""
    from dataclasses import replace

    from apidrift.contracts.model import ContractVersion, Lifecycle, Operation, ResponseSpec

    live = Operation("get-a", "GET", "/a", "", (), None, {"200": ResponseSpec("200", "ok", None)})
    old = ContractVersion(
        "t", "v1", None, "", (), {"get-a": replace(live, lifecycle=Lifecycle(deprecated=True))}, {}
    )
    new = replace(old, version="v2", operations={})
    old.write(tmp_path / "v1")
    new.write(tmp_path / "v2")
    code, report = as_json(str(tmp_path / "v1"), str(tmp_path / "v2"))
    assert (code, [c["kind"] for c in report["changes"]]) == (0, ["deprecated-operation-removed"])
    code, report = as_json(str(tmp_path / "v1"), str(tmp_path / "v2"), "--deprecated-removal", "breaking")
    assert (code, report["summary"]["by_severity"]["breaking"]) == (1, 1)


def test_the_filters_narrow_what_is_shown_and_what_fails() -> None:
    invites = diff("2026-04-30", "2026-05-02", "--operation", "list-invites", "--severity", "info")
    assert invites.exit_code == 1  # list-invites has a breaking rename
    assert "GET /organization/invites" in invites.stdout and "/organization/users" not in invites.stdout
    narrowed = diff("2026-04-30", "2026-05-02", "--path", "/organization/users", "--severity", "warning")
    listed = [
        line.strip()
        for line in narrowed.stdout.splitlines()
        if line.startswith("  ") and not line.startswith("    ")
    ]
    assert listed and all("/organization/users" in line for line in listed)
    assert "info (" not in narrowed.stdout
