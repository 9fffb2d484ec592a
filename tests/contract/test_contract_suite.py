"""The contract suite: one test per operation of the version under test, checking its recorded
responses (default: the bundled recordings of that version) or, with `--apidrift-base-url` or
`--apidrift-live`, the responses of a read-only sweep of the server (GET operations only)."""

from __future__ import annotations

import pytest

from apidrift.check.recordings import RecordingSet

# The plugin's fixtures, so the suite runs before the plugin is installed as the `apidrift` entry point
# (and harmlessly after: the same functions). Not in a conftest: pytest refuses `pytest_plugins` below the
# rootdir, and a conftest here would shadow the one tests/e2e's `from conftest import …` expects.
from apidrift.testing.plugin import (  # noqa: F401
    Checker,
    Responses,
    Settings,
    checker_fixture,
    contract_fixture,
    operation_ids,
    recordings_fixture,
    responses_fixture,
    settings_fixture,
    store_fixture,
    sweep_fixture,
    validator_fixture,
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "operation_id" in metafunc.fixturenames:
        ids = operation_ids(metafunc.config)
        metafunc.parametrize("operation_id", ids, ids=ids)


def test_operation(operation_id: str, apidrift_responses: Responses, apidrift_checker: Checker) -> None:
    problems = [
        line
        for response in apidrift_responses(operation_id)
        for line in apidrift_checker.problems(operation_id, response)
    ]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_recordings_are_readable(apidrift_settings: Settings, apidrift_recordings: RecordingSet) -> None:
    if apidrift_settings.online:
        pytest.skip("responses come from a server, not recordings")
    assert apidrift_recordings.recordings, f"no recordings in {apidrift_recordings.folder}"
    assert not apidrift_recordings.errors, "\n".join(map(str, apidrift_recordings.errors))
