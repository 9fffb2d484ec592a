"""examples/nightly.yml: the live check runs nightly with the key from secrets, and its reports are
uploaded and summarised whatever the check's exit code."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from apidrift.live.redaction import BEARER_TOKEN
from apidrift.profiles.model import load_profile

WORKFLOW = Path(__file__).resolve().parents[2] / "examples" / "nightly.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return loaded


def _steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    (job,) = workflow["jobs"].values()
    steps: list[dict[str, Any]] = job["steps"]
    return steps


def test_runs_nightly_and_on_demand(workflow: dict[Any, Any]) -> None:
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert re.fullmatch(r"[\d*/,-]+ [\d*/,-]+ \* \* \*", triggers["schedule"][0]["cron"])
    assert "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read"}


def test_the_live_check_gets_the_key_from_secrets(workflow: dict[Any, Any]) -> None:
    steps = _steps(workflow)
    (check,) = [s for s in steps if "apidrift check" in s.get("run", "")]
    command = " ".join(check["run"].split())
    assert command.startswith("apidrift check --live --against ")
    assert "--record recordings/live" in command and "--reports reports" in command
    assert check["env"]["OPENAI_ADMIN_KEY"] == "${{ secrets.OPENAI_ADMIN_KEY }}"
    newest = next(s for s in steps if s.get("id") == "contract")
    assert "newest()" in newest["run"] and "$GITHUB_OUTPUT" in newest["run"]
    assert check["env"]["NEWEST"] == "${{ steps.contract.outputs.newest }}" and '"$NEWEST"' in command


def test_reports_are_uploaded_and_summarised_even_when_the_check_fails(workflow: dict[Any, Any]) -> None:
    steps = _steps(workflow)
    (upload,) = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")]
    paths = upload["with"]["path"].split()
    reports = {"reports/report.html", "reports/report.md", "reports/report.json", "reports/junit.xml"}
    assert reports | {"reports/report.sarif"} <= set(paths)
    assert "recordings/live/" in paths
    (summary,) = [s for s in steps if "GITHUB_STEP_SUMMARY" in s.get("run", "")]
    assert 'cat reports/report.md >> "$GITHUB_STEP_SUMMARY"' in summary["run"]
    for step in (upload, summary):
        assert step["if"] == "${{ always() }}"
    order = [
        steps.index(s) for s in (next(s for s in steps if "apidrift check" in s.get("run", "")), summary)
    ]
    assert order == sorted(order)


def test_no_secret_is_written_into_the_workflow() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    key_patterns = [regex for regex, _ in load_profile().secret_regexes]
    assert not any(p.search(text) for p in key_patterns) and not BEARER_TOKEN.search(text)
    assert not re.search(r"(?i)(api[_-]?key|token|password)\s*[:=]\s*['\"]?[A-Za-z0-9]{16,}", text)
    # The only place the key name is given a value is the secrets expression.
    assignments = re.findall(r"OPENAI_ADMIN_KEY:\s*(.+)", text)
    assert assignments == ["${{ secrets.OPENAI_ADMIN_KEY }}"]


def test_the_history_is_kept_between_nights_and_only_new_drift_fails(workflow: dict[Any, Any]) -> None:
    steps = _steps(workflow)
    check = next(s for s in steps if "apidrift check" in s.get("run", ""))
    command = " ".join(check["run"].split())
    assert "--history .apidrift/history.sqlite" in command and command.endswith("--fail-on new")
    assert "--baseline apidrift-baseline.toml" in command, "the reviewed accept-list, when the repo has one"
    restore = next(s for s in steps if s.get("uses", "").startswith("actions/cache/restore@"))
    save = next(s for s in steps if s.get("uses", "").startswith("actions/cache/save@"))
    assert restore["with"]["path"] == save["with"]["path"] == ".apidrift/history.sqlite"
    # Each run saves a new entry and restores the newest one by prefix: cache entries are immutable.
    assert save["with"]["key"] == "apidrift-history-${{ github.run_id }}"
    assert restore["with"]["restore-keys"] == "apidrift-history-"
    assert save["if"] == "${{ always() }}", "a night that fails is remembered too"
    assert steps.index(restore) < steps.index(check) < steps.index(save)
    (upload,) = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert ".apidrift/history.sqlite" in upload["with"]["path"].split()
