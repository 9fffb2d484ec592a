"""The contract suite run as a user would (a child pytest) against a simulator over real HTTP on
127.0.0.1: it passes for the version the simulator answers as, and fails naming the rename for the other."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from apidrift.contracts.model import ContractStore
from apidrift.testing.plugin import plugin_arguments

pytest_plugins = ["pytester"]
# `start_simulator` comes from tests/e2e/conftest.py; it is not imported here for its type because
# `from conftest import …` finds whichever conftest was imported last when several folders are run.
SUITE = Path(__file__).resolve().parents[1] / "contract" / "test_contract_suite.py"


def test_suite_passes_for_the_servers_version_and_names_the_rename_for_the_other(
    pytester: pytest.Pytester, start_simulator: Callable[..., Any], store: ContractStore
) -> None:
    server = start_simulator("2026-05-02")
    url = f"{server.base_url}/v1"
    # hypothesis' plugin imports hypothesis at the end of every run (~1 s); this suite does not need it.
    quiet = ["-p", "no:cacheprovider", "-p", "no:hypothesispytest"]
    args = [*plugin_arguments(), *quiet, "--apidrift-base-url", url, str(SUITE)]
    operations = store.load("2026-05-02").operations.values()
    gets = sum(op.method == "GET" for op in operations)

    same = pytester.runpytest_subprocess(*args, "--apidrift-version", "2026-05-02", "-rs")
    assert same.ret == pytest.ExitCode.OK
    # Writes (and the recordings check) are skipped in live mode; a GET is skipped only when the
    # sweep's lists gave no id for it (the first project has no groups or service accounts).
    reached = same.parseoutcomes()
    assert "failed" not in reached and reached["passed"] + reached["skipped"] == len(operations) + 1
    assert reached["passed"] >= gets - 3
    assert same.stdout.str().count("writes are off") == len(operations) - gets
    same.stdout.fnmatch_lines([f"apidrift: openai-admin 2026-05-02; responses from live {url}"])

    other = pytester.runpytest_subprocess(*args, "--apidrift-version", "2026-04-30")
    assert other.ret == pytest.ExitCode.TESTS_FAILED
    outcomes = other.parseoutcomes()
    # The same calls, now judged by 2026-04-30: the nine usage families (and more) break it.
    assert outcomes["failed"] >= 9 and outcomes["failed"] + outcomes["passed"] == reached["passed"]
    expected = (
        "GET /organization/usage/completions (live): usage-completions 200 breaks 2026-04-30:\n"
        "  `data[].result` missing, `data[].results` undocumented — looks like a rename (0.95)\n"
        "  the response matches 2026-05-02\n"
    )
    assert expected in other.stdout.str()
    assert "FAILED" in other.stdout.str() and "test_operation[usage-completions]" in other.stdout.str()
