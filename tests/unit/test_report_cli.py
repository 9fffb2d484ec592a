"""`apidrift check --reports` and `apidrift diff --reports` (old name `--report-dir`) write four reports;
`apidrift report` re-renders one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from typer.testing import CliRunner

import apidrift.cli.report  # noqa: F401  (adds `report` to the app until register() does)
from apidrift.cli import register
from apidrift.cli.app import app
from apidrift.report import read_report, render_html, render_junit, render_markdown, render_sarif
from apidrift.report.schema import schema_errors

REPO = Path(__file__).resolve().parents[2]
XSD = REPO / "tests" / "data" / "junit-10.xsd"
FILES = ["report.json", "report.md", "report.html", "junit.xml", "report.sarif"]
CLI = [sys.executable, "-c", "import apidrift.cli.report; from apidrift.cli.app import main; main()"]
register()


def invoke(*args: str) -> Any:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reports of `apidrift check --against 2026-04-30` over the bundled recordings."""
    folder = tmp_path_factory.mktemp("check") / "reports"
    result = invoke("check", "--against", "2026-04-30", "--reports", str(folder))
    assert result.exit_code == 1, result.output
    return folder


def test_check_writes_all_four_reports(saved: Path) -> None:
    assert sorted(p.name for p in saved.iterdir()) == sorted(FILES)
    document = json.loads((saved / "report.json").read_text())
    assert schema_errors(document) == [] and document["summary"]["exit_code"] == 1
    assert document["metadata"]["api"] == "openai-admin" and document["metadata"]["against"] == "2026-04-30"
    xmlschema.XMLSchema(XSD).validate(str(saved / "junit.xml"))
    assert 'id="matrix"' in (saved / "report.html").read_text()


def test_diff_report_dir_writes_the_same_four(tmp_path: Path) -> None:
    folder = tmp_path / "diff-reports"
    result = invoke("diff", "2026-04-30", "2026-05-02", "--reports", str(folder))
    assert result.exit_code == 1
    assert result.output.startswith("2026-04-30 -> 2026-05-02: "), "stdout keeps the text rendering"
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES)
    report = read_report(folder / "report.json")
    assert report.metadata.kind.value == "diff" and report.metadata.sources == ["2026-04-30", "2026-05-02"]
    assert report.exit_code == 1 and report.summary.breaking > 0
    assert "# apidrift diff 2026-04-30 → 2026-05-02" in (folder / "report.md").read_text()
    xmlschema.XMLSchema(XSD).validate(str(folder / "junit.xml"))
    stricter = tmp_path / "stricter"
    result = invoke("diff", "2026-04-30", "2026-05-02", "--fail-on", "warning", "--report-dir", str(stricter))
    assert result.exit_code == 1
    assert read_report(stricter / "report.json").metadata.fail_on == "warning"


@pytest.mark.parametrize(
    ("fmt", "render"),
    [("md", render_markdown), ("html", render_html), ("junit", render_junit), ("sarif", render_sarif)],
)
def test_report_re_renders_to_stdout(saved: Path, fmt: str, render: Any) -> None:
    result = invoke("report", str(saved / "report.json"), "--format", fmt)
    assert result.exit_code == 0
    assert result.stdout == render(read_report(saved / "report.json"))


def test_report_writes_out_and_matches_what_check_wrote(saved: Path, tmp_path: Path) -> None:
    for fmt, name in (
        ("md", "report.md"),
        ("html", "report.html"),
        ("junit", "junit.xml"),
        ("sarif", "report.sarif"),
    ):
        out = tmp_path / "again" / name
        assert invoke("report", str(saved / "report.json"), "--format", fmt, "--out", str(out)).exit_code == 0
        assert out.read_text() == (saved / name).read_text(), name


def test_report_of_something_else_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "diff.json"
    bad.write_text(json.dumps({"format": "apidrift.diff/1"}))
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    done = subprocess.run(
        [*CLI, "report", "diff.json", "--format", "md"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 2 and done.stdout == ""
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: diff.json#/format: not an apidrift.report/1 document")
