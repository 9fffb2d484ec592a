"""The command line as a user meets it: tables, reports, exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from cli_support import CliResult, run_cli

REPO = Path(__file__).resolve().parents[2]


def apidrift(*args: str, cwd: Path) -> CliResult:
    return run_cli(*args, cwd=cwd)


def test_check_with_no_arguments_runs_the_bundled_recordings(tmp_path: Path) -> None:
    done = apidrift("check", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "148 of 148 responses valid" in done.stdout
    assert "usage-costs" in done.stdout and "best match" in done.stdout
    report = json.loads((tmp_path / "reports" / "report.json").read_text())
    assert report["format"] == "apidrift.report/1" and report["summary"]["exit_code"] == 0
    markdown = (tmp_path / "reports" / "report.md").read_text()
    assert "| `usage-costs` | 2026-05-02 | FAIL 1 | ok | 2026-05-02 |" in markdown
    assert str(tmp_path) not in markdown and str(REPO) not in json.dumps(report)


def test_check_against_old_version_exits_1_and_names_the_rename(tmp_path: Path) -> None:
    recs = tmp_path / "recs"
    recs.mkdir()
    shutil.copy(REPO / "recordings/openai-admin/2026-05-02/usage-costs.json", recs)
    done = apidrift("check", "--recordings", "recs", "--against", "2026-04-30", cwd=tmp_path)
    assert done.returncode == 1
    markdown = (tmp_path / "reports" / "report.md").read_text()
    assert "`data[].result` missing, `data[].results` undocumented — looks like a rename" in markdown


def test_bad_input_is_one_line_per_problem_with_exit_2_and_no_traceback(tmp_path: Path) -> None:
    recs = tmp_path / "recs"
    recs.mkdir()
    shutil.copy(REPO / "recordings/openai-admin/2026-05-02/usage-costs.json", recs)
    (recs / "broken.json").write_text("<html><body>502 Bad Gateway</body></html>")
    done = apidrift("check", "--recordings", "recs", cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: recs/broken.json: not JSON")
    report = json.loads((tmp_path / "reports" / "report.json").read_text())
    assert report["summary"]["responses"] == 1, "the good recording is still checked and reported"


def test_broken_contract_file_names_file_and_pointer(tmp_path: Path) -> None:
    root = tmp_path / "contracts"
    shutil.copytree(REPO / "contracts", root)
    contract = root / "openai-admin" / "2026-05-02" / "contract.json"
    document = json.loads(contract.read_text())
    document["operations"][3]["responses"]["200"]["schema"] = {"$ref": "schemas.json#/$defs/Nope"}
    contract.write_text(json.dumps(document))
    done = apidrift("contracts", "--contracts", str(root), cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "contract.json#/operations/3/responses/200/schema/$ref: dangling $ref" in done.stderr


def test_contracts_lists_versions_with_counts(tmp_path: Path) -> None:
    done = apidrift("contracts", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for text in ("2026-04-30", "2026-05-02", "74", "83", "87", "seed004"):
        assert text in done.stdout


def test_each_command_is_found_when_only_its_own_module_is_loaded() -> None:
    # A run imports just the invoked command's module; the map must name the right module for each.
    from apidrift.cli import COMMANDS

    code = (
        "import sys; from apidrift.cli import register, app; register([sys.argv[1]]);"
        "names = {c.name or c.callback.__name__ for c in app.registered_commands}"
        " | {g.name for g in app.registered_groups};"
        "print(sys.argv[1] in names)"
    )
    for command in COMMANDS:
        command_line = [sys.executable, "-c", code, command]
        done = subprocess.run(command_line, capture_output=True, text=True, timeout=60)
        assert done.stdout.strip() == "True", (command, done.stderr)
