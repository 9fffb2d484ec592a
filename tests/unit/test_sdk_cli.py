"""`apidrift sdk-check docs|models` as a user meets them: exit codes, one-line errors, reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import apidrift.cli.sdk  # noqa: F401 - registers `sdk-check` until cli.register() imports it
from apidrift.cli.app import app

KEY_ID_DOC = """# projects_api

Method | HTTP request | Description
------------- | ------------- | -------------
[**RetrieveProjectApiKey**](p.md) | **GET** /organization/projects/{project_id}/api_keys/{key_id} | Get.
[**ListProjects**](p.md) | **GET** /organization/projects | List.

# **RetrieveProjectApiKey**
> ProjectApiKey RetrieveProjectApiKey(projectId, keyId)

# **ListProjects**
> ProjectListResponse ListProjects(limit, after, includeArchived, colour)
"""


def invoke(tmp_path: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["sdk-check", *args, "--reports", str(tmp_path / "reports")])


def error_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


@pytest.fixture
def key_id_doc(tmp_path: Path) -> Path:
    path = tmp_path / "projects_api.md"
    path.write_text(KEY_ID_DOC)
    return path


def test_docs_says_which_version_matches_and_writes_both_reports(tmp_path: Path, key_id_doc: Path) -> None:
    result = invoke(tmp_path, "docs", str(key_id_doc))
    assert result.exit_code == 0, result.output
    assert "projects_api.md: 2 operations (openapi-generator); matches 2026-04-30 best" in result.stdout
    report = json.loads((tmp_path / "reports" / "sdk-report.json").read_text())
    assert report["format"] == "apidrift.sdk-report/1" and report["kind"] == "sdk-docs"
    (document,) = report["documents"]
    assert document["best_match"] == "2026-04-30" and document["matches"] == ["2026-04-30"]
    stale = [f for f in document["findings"] if f["kind"] == "path-param-stale"]
    assert [(f["version"], f["operation"], f["path"]) for f in stale] == [
        ("2026-05-02", "retrieve-project-api-key", "{key_id}")
    ]
    markdown = (tmp_path / "reports" / "sdk-report.md").read_text()
    assert (
        "| `projects_api.md` | openapi-generator | 2 | 1 warning, 23 info | 1 breaking, 1 warning, 23 info "
        "| 2026-04-30 |" in markdown
    ), (
        "the unknown `colour` query parameter warns against both; "
        "23 /organization/projects operations are not covered"
    )
    assert (
        "| 2026-05-02 | breaking | path-param-stale | `retrieve-project-api-key` | `{key_id}` |" in markdown
    )


def test_against_a_version_exits_1_on_its_mismatches_only(tmp_path: Path, key_id_doc: Path) -> None:
    assert invoke(tmp_path, "docs", str(key_id_doc), "--against", "2026-05-02").exit_code == 1
    assert invoke(tmp_path, "docs", str(key_id_doc), "--against", "2026-04-30").exit_code == 0
    # The unknown `colour` query parameter is a warning: it fails only when warnings count.
    failing = invoke(tmp_path, "docs", str(key_id_doc), "--against", "2026-04-30", "--fail-on", "warning")
    assert failing.exit_code == 1


def test_a_document_matching_no_version_exits_1(tmp_path: Path) -> None:
    doc = tmp_path / "future.md"
    doc.write_text("[**Teleport**](a.md#Teleport) | **POST** /organization/teleport | Not in any version.\n")
    result = invoke(tmp_path, "docs", str(doc))
    assert result.exit_code == 1 and "matches no version" in result.stdout


def test_bad_documents_are_one_line_each_and_the_rest_is_still_checked(
    tmp_path: Path, key_id_doc: Path
) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# Nothing here\n")
    result = invoke(tmp_path, "docs", str(key_id_doc), str(readme), str(tmp_path / "missing.md"))
    assert result.exit_code == 2
    lines = error_lines(result)
    assert len(lines) == 2 and all(line.startswith("error: ") for line in lines)
    assert "README.md: no SDK operations found" in lines[0] and "missing.md: no such file" in lines[1]
    assert "Traceback" not in result.output
    report = json.loads((tmp_path / "reports" / "sdk-report.json").read_text())
    assert len(report["documents"]) == 1 and report["summary"]["input_errors"] == 2


def test_an_unknown_version_is_one_line_and_exit_2(tmp_path: Path, key_id_doc: Path) -> None:
    result = invoke(tmp_path, "docs", str(key_id_doc), "--against", "2099-01-01")
    assert result.exit_code == 2
    (line,) = error_lines(result)
    assert line.startswith("error: ") and "no contract version '2099-01-01'" in line
    assert "2026-04-30, 2026-05-02" in line


def test_models_without_a_mapping_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = invoke(tmp_path, "models", "acme")
    assert result.exit_code == 2
    (line,) = error_lines(result)
    assert (
        line
        == "error: no bundled operation → model mapping for 'acme' (bundled: openai); pass --mapping FILE"
    )


def test_models_of_a_package_that_is_not_installed_is_one_line(tmp_path: Path) -> None:
    mapping = tmp_path / "acme.json"
    mapping.write_text(json.dumps({"module": "apidrift_no_such_sdk", "operations": {}}))
    result = invoke(tmp_path, "models", "apidrift_no_such_sdk", "--mapping", str(mapping))
    assert result.exit_code == 2
    assert error_lines(result) == [
        "error: module 'apidrift_no_such_sdk' is not installed (pip install apidrift_no_such_sdk)"
    ]


def test_models_of_openai_exit_on_the_version_asked_about(tmp_path: Path) -> None:
    pytest.importorskip("openai")
    args = ("models", "openai", "--operation", "retrieve-invite", "--examples", "2")
    old = invoke(tmp_path, *args, "--against", "2026-04-30")
    assert old.exit_code == 1, old.output
    assert "retrieve-invite: matches 2026-05-02 best" in old.stdout
    report = json.loads((tmp_path / "reports" / "sdk-report.json").read_text())
    assert report["kind"] == "sdk-models" and report["module"] == "openai"
    assert [m["operation"] for m in report["models"]] == ["retrieve-invite"]
    markdown = (tmp_path / "reports" / "sdk-report.md").read_text()
    assert "| `retrieve-invite` | `Invite` | 4 breaking | ok | 2026-05-02 |" in markdown
    assert "returned by `client.admin.organization.invites.retrieve`" in markdown
    assert invoke(tmp_path, *args, "--against", "2026-05-02").exit_code == 0
    unknown = invoke(tmp_path, "models", "openai", "--operation", "no-such-operation")
    assert unknown.exit_code == 2 and error_lines(unknown)[0].startswith("error: ")


def test_through_the_real_entry_point_bad_input_is_one_line_without_traceback(tmp_path: Path) -> None:
    import subprocess
    import sys

    entry = "import apidrift.cli.sdk; from apidrift.cli.app import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", entry, "sdk-check", "docs", "missing.md", "--reports", "out"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["error: missing.md: no such file"]
    assert (tmp_path / "out" / "sdk-report.md").is_file(), "the report still says what was checked"


def test_sdk_check_writes_the_same_report_formats_as_check(tmp_path: Path) -> None:
    from apidrift.report.model import DriftReport

    seed = Path(__file__).resolve().parents[3] / "shared" / "seeds"
    documents = sorted(seed.glob("00[02]_*.txt"))
    if len(documents) != 2:
        pytest.skip("../shared/seeds is not beside this checkout")
    result = CliRunner().invoke(app, ["sdk-check", "docs", *map(str, documents), "--reports", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for name in ("report.json", "report.md", "report.html", "junit.xml", "sdk-report.json"):
        assert (tmp_path / name).is_file(), name
    report = DriftReport.model_validate(json.loads((tmp_path / "report.json").read_text()))
    assert report.metadata.kind.value == "sdk"
    best = {row.operation.split("_")[0]: row.best_match for row in report.matrix}
    assert best == {"000": "2026-04-30", "002": "2026-05-02"}
    assert any(f.kind == "path-param-stale" and f.path == "{key_id}" for f in report.findings)


def test_models_of_openai_without_the_openai_extra_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    # None in sys.modules makes `import openai` raise ModuleNotFoundError, as when it is not installed.
    for name in [m for m in sys.modules if m == "openai" or m.startswith("openai.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "openai", None)
    result = invoke(tmp_path, "models", "openai", "--operation", "retrieve-invite")
    assert result.exit_code == 2
    assert error_lines(result) == ["error: module 'openai' is not installed (pip install 'apidrift[openai]')"]
    assert result.stdout == ""


def test_with_a_history_only_new_sdk_mismatches_fail(tmp_path: Path, key_id_doc: Path) -> None:
    args = ("docs", str(key_id_doc), "--against", "2026-05-02", "--history", str(tmp_path / "h.sqlite"))
    first = invoke(tmp_path, *args, "--fail-on", "new")
    again = invoke(tmp_path, *args, "--fail-on", "new")
    assert (first.exit_code, again.exit_code) == (1, 0), first.output
    assert "since the last run: 0 new, " in again.stdout
    report = json.loads((tmp_path / "reports" / "report.json").read_text())
    stale = [f for f in report["findings"] if f["kind"] == "path-param-stale"]
    assert [(f["status"], f["id"][:3]) for f in stale] == [("persisting", "ad-")]
    assert report["history"]["series"] == "openai-admin / sdk / 2026-05-02"


def test_docs_names_each_breaking_and_warning_finding_under_its_version(
    tmp_path: Path, key_id_doc: Path
) -> None:
    result = invoke(tmp_path, "docs", str(key_id_doc))
    lines = result.stdout.splitlines()
    newer = lines.index("  2026-05-02: 1 breaking, 1 warning, 23 info")
    named = [line.strip() for line in lines[newer + 1 :] if line.startswith("    ")]
    assert named[0].startswith(
        "breaking path-param-stale retrieve-project-api-key {key_id}: documents `{key_id}`"
    )
    assert named[1].startswith("warning ") and "colour" in named[1]
    assert not any(line.startswith("info ") for line in named), "info stays a count"


def test_sdk_check_annotates_its_findings_when_asked(tmp_path: Path, key_id_doc: Path) -> None:
    plain = invoke(tmp_path, "docs", str(key_id_doc))
    assert "::" not in plain.stdout
    annotated = [
        line
        for line in invoke(tmp_path, "docs", str(key_id_doc), "--annotations").stdout.splitlines()
        if line.startswith("::")
    ]
    stale = [line for line in annotated if "path-param-stale" in line]
    assert len(stale) == 1 and stale[0].startswith("::error file=")
    assert "title=apidrift path-param-stale in retrieve-project-api-key::" in stale[0]
    findings = json.loads((tmp_path / "reports" / "report.json").read_text())["findings"]
    assert len(annotated) == min(len(findings), 50) + (len(findings) > 50)
