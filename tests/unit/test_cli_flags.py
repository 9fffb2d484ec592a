"""One set of flags everywhere: `--format` (repeatable) chooses the report files, `--quiet`/`--verbose`
on every command, `--operation/--path/--tag/--severity` on `check` as on `diff`, and tags that come
from the OpenAPI document (or, for contracts without any, from the profile's endpoint families)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer

from apidrift.cli import register
from apidrift.cli.app import app
from apidrift.contracts.model import ContractStore
from apidrift.contracts.operations import operation_to_json, parse_operation
from apidrift.contracts.selection import Selection
from apidrift.openapi.convert import import_document
from cli_support import run_cli

PETS = Path(__file__).resolve().parents[1] / "data" / "pets"
FIVE = {"report.json", "report.md", "report.html", "junit.xml", "report.sarif"}


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIDRIFT_CACHE_DIR", str(tmp_path / "cache"))


def _leaves(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    out = []
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):
            out += _leaves(command, (*prefix, name))
        else:
            out.append(((*prefix, name), command))
    return out


def test_every_command_has_quiet_and_verbose() -> None:
    register()
    leaves = _leaves(typer.main.get_command(app))
    assert len(leaves) >= 10
    for path, command in leaves:
        opts = {o for p in command.params for o in getattr(p, "opts", ())}
        assert {"--quiet", "--verbose"} <= opts, path


def _report(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "report.json").read_text())
    return data


def test_check_filters_by_operation_and_the_exit_code_follows(tmp_path: Path) -> None:
    failing = run_cli(
        "check", "--against", "2026-04-30", "--operation", "usage-costs", "--reports", "a", cwd=tmp_path
    )
    assert failing.returncode == 1
    report = _report(tmp_path / "a")
    assert {r["operation"] for r in report["matrix"]} == {"usage-costs"}
    assert report["findings"] and {f["operation"] for f in report["findings"]} == {"usage-costs"}
    # The failures are elsewhere: an operation that fits 2026-04-30 passes on its own.
    passing = run_cli(
        "check", "--against", "2026-04-30", "--operation", "archive-*", "--no-reports", cwd=tmp_path
    )
    assert passing.returncode == 0, passing.stdout
    assert "usage-costs" not in passing.stdout and "archive-project" in passing.stdout


def test_check_filters_by_path_tag_and_severity(tmp_path: Path) -> None:
    done = run_cli(
        "check", "--against", "2026-04-30", "--path", "/organization/invites", "--severity", "breaking",
        "--reports", "p", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1
    report = _report(tmp_path / "p")
    assert {f["severity"] for f in report["findings"]} == {"breaking"}
    assert {r["operation"] for r in report["matrix"]} == {"inviteUser", "list-invites", "retrieve-invite"}
    # "usage" is the document's tag (Usage) and the profile's family (which also has the costs).
    tagged = run_cli("check", "--tag", "usage", "--reports", "t", cwd=tmp_path)
    assert tagged.returncode == 0
    operations = {r["operation"] for r in _report(tmp_path / "t")["matrix"]}
    assert operations and all(op.startswith("usage-") for op in operations)


@pytest.mark.parametrize("command", [["check"], ["diff", "2026-04-30", "2026-05-02"]])
def test_a_filter_that_selects_nothing_is_bad_input(tmp_path: Path, command: list[str]) -> None:
    done = run_cli(
        *command, "--tag", "no-such-tag", "--no-reports" if command == ["check"] else "-q", cwd=tmp_path
    )
    assert done.returncode == 2
    assert "error: --tag no-such-tag selects no operation" in done.stderr


def test_check_format_chooses_the_report_files(tmp_path: Path) -> None:
    done = run_cli("check", "--format", "md", "--format", "sarif", "--reports", "r", cwd=tmp_path)
    assert done.returncode == 0
    assert {p.name for p in (tmp_path / "r").iterdir()} == {"report.md", "report.sarif"}
    assert "reports: r/report.md, r/report.sarif" in done.stdout
    run_cli("check", "--reports", "all", cwd=tmp_path)
    assert {p.name for p in (tmp_path / "all").iterdir()} == FIVE


def test_diff_format_prints_one_and_names_the_report_files(tmp_path: Path) -> None:
    done = run_cli(
        "diff",
        "2026-04-30",
        "2026-05-02",
        "--format",
        "json",
        "--format",
        "junit",
        "--reports",
        "d",
        cwd=tmp_path,
    )
    assert done.returncode == 1 and json.loads(done.stdout)["old"] == "2026-04-30"
    assert {p.name for p in (tmp_path / "d").iterdir()} == {"report.json", "junit.xml"}
    # One printable format alone still writes every report file, as before.
    run_cli("diff", "2026-04-30", "2026-05-02", "--format", "markdown", "--reports", "e", cwd=tmp_path)
    assert {p.name for p in (tmp_path / "e").iterdir()} == FIVE


def test_quiet_prints_nothing_but_errors_and_still_writes_reports(tmp_path: Path) -> None:
    done = run_cli("check", "--against", "2026-04-30", "--quiet", "--reports", "q", cwd=tmp_path)
    assert done.returncode == 1 and done.stdout == ""
    assert (tmp_path / "q" / "report.md").is_file()
    text = run_cli("diff", "2026-04-30", "2026-05-02", "-q", cwd=tmp_path)
    assert text.returncode == 1 and text.stdout == ""
    asked = run_cli("diff", "2026-04-30", "2026-05-02", "-q", "--format", "json", cwd=tmp_path)
    assert json.loads(asked.stdout)["new"] == "2026-05-02", "what was asked for by name still prints"


def test_verbose_lists_every_finding_a_rename_as_one(tmp_path: Path) -> None:
    plain = run_cli(
        "check", "--against", "2026-04-30", "--operation", "usage-costs", "--no-reports", cwd=tmp_path
    )
    loud = run_cli(
        "check", "--against", "2026-04-30", "--operation", "usage-costs", "--no-reports", "-v", cwd=tmp_path
    )
    extra = [line for line in loud.stdout.splitlines() if line not in plain.stdout.splitlines()]
    assert extra == [
        "breaking: usage-costs response 200: `data[].result` is missing and `data[].results` undocumented: "
        "renamed (confidence 0.95) (2026-05-02/usage-costs.json)"
    ]


def test_openapi_tags_reach_the_contract_and_survive_its_json(tmp_path: Path) -> None:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/pets": {
                "get": {"operationId": "listPets", "tags": ["pets", "read", "pets", 7], "responses": {}},
                "post": {"operationId": "createPet", "tags": "not-a-list", "responses": {}},
            }
        },
    }
    ops = import_document(document, api="t", version="v1").version.operations
    assert ops["listPets"].tags == ("pets", "read") and ops["createPet"].tags == ()
    raw = operation_to_json(ops["listPets"])
    assert raw["tags"] == ["pets", "read"]
    assert parse_operation(raw, tmp_path / "x.json", "/operations/0").tags == ("pets", "read")
    # Contracts written before tags existed load as they were, with none; none are written back.
    assert "tags" not in operation_to_json(ops["createPet"])
    untagged = {k: v for k, v in raw.items() if k != "tags"}
    assert parse_operation(untagged, tmp_path / "x.json", "/operations/0").tags == ()


def test_a_tag_selects_by_the_document_or_by_the_profile_families() -> None:
    store = ContractStore(None, "openai-admin")
    ops = list(store.load("2026-05-02").operations.values())
    invites = {"inviteUser", "list-invites", "retrieve-invite", "delete-invite"}
    # The seed contracts keep the OpenAI document's tags ("Invites"), matched whatever the case.
    by_tag = Selection(tags=("INVITES",)).names(ops)
    assert {n for n in by_tag if " " not in n} == invites
    # A profile family is a tag too: here one the document does not have.
    family = {"invitations": ("/organization/invites",)}
    by_family = Selection(tags=("invitations",), families=family).names(ops)
    assert {n for n in by_family if " " not in n} == invites
    assert not Selection(tags=("invitations",)).names(ops), "neither the document nor a family names it"


def test_diff_tag_narrows_to_tagged_operations(tmp_path: Path) -> None:
    for side in ("old", "new"):
        text = (PETS / f"{side}.yaml").read_text()
        text = text.replace(
            "      operationId: showPetById\n", "      operationId: showPetById\n      tags: [one]\n"
        )
        (tmp_path / f"{side}.yaml").write_text(text)
    done = run_cli("diff", "old.yaml", "new.yaml", "--tag", "one", "--format", "json", cwd=tmp_path)
    operations = {c["operation"] for c in json.loads(done.stdout)["changes"]}
    assert operations == {"GET /pets/{petId}"}


def test_report_writes_the_formats_asked_for_into_a_folder(tmp_path: Path) -> None:
    run_cli("check", "--format", "json", "--reports", "saved", cwd=tmp_path)
    source = str(tmp_path / "saved" / "report.json")
    done = run_cli(
        "report", source, "--format", "html", "--format", "junit", "--reports", "again", cwd=tmp_path
    )
    assert done.returncode == 0
    assert {p.name for p in (tmp_path / "again").iterdir()} == {"report.html", "junit.xml"}
    several = run_cli("report", source, "--format", "html", "--format", "md", cwd=tmp_path)
    assert several.returncode == 2 and "give --reports DIR" in several.stderr


def test_every_command_that_writes_reports_can_be_told_not_to() -> None:
    register()
    for path, command in _leaves(typer.main.get_command(app)):
        opts = {o for p in command.params for o in getattr(p, "opts", ())}
        # `report` does nothing but write reports (from a saved report.json).
        if "--reports" in opts and path != ("report",):
            assert "--no-reports" in opts, path


def test_diff_no_reports_wins_over_reports_in_the_configuration(tmp_path: Path) -> None:
    (tmp_path / "apidrift.toml").write_text('[diff]\nreports = "from-config"\n')
    configured = run_cli("diff", "2026-04-30", "2026-05-02", "-q", cwd=tmp_path)
    assert configured.returncode == 1, configured.stderr
    assert {p.name for p in (tmp_path / "from-config").iterdir()} == FIVE
    for p in (tmp_path / "from-config").iterdir():
        p.unlink()
    told = run_cli("diff", "2026-04-30", "2026-05-02", "-q", "--no-reports", cwd=tmp_path)
    assert told.returncode == 1, told.stderr
    assert list((tmp_path / "from-config").iterdir()) == []
