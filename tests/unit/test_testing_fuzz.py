"""The fuzz pytest helper (`apidrift.testing.fuzz`) as a user's test file uses it, run through pytester:
one test per operation; an operation whose server misbehaves fails, naming its shrunk example and
how to replay it; the others pass."""

from __future__ import annotations

import re

import pytest

pytest_plugins = ["pytester"]

USER_TESTS = '''
import json

from apidrift.simulator import create_app
from apidrift.testing.fuzz import FuzzOperation, fuzz_schema

APP = create_app("2026-05-02")


async def crashes_on_long_names(scope, receive, send):
    """The simulator, except a 500 for a project name of three characters or more."""
    if scope["type"] != "http" or (scope["method"], scope["path"]) != ("POST", "/v1/organization/projects"):
        await APP(scope, receive, send)
        return
    message = await receive()
    raw = message.get("body", b"")
    body = json.loads(raw) if raw.strip() else None
    if isinstance(body, dict) and isinstance(body.get("name"), str) and len(body["name"]) >= 3:
        await send({"type": "http.response.start", "status": 500, "headers": []})
        await send({"type": "http.response.body", "body": b"boom"})
        return

    async def again():
        return {"type": "http.request", "body": raw, "more_body": False}

    await APP(scope, again, send)


schema = fuzz_schema(
    version="2026-05-02",
    app=crashes_on_long_names,
    operations=("create-project", "list-projects", "retrieve-project"),
    max_examples=30,
    seed=2,
    stateful=False,
    cases_dir="cases",
)


@schema.parametrize()
def test_api(operation: FuzzOperation) -> None:
    operation.check()
'''


def test_one_test_per_operation_and_the_planted_bug_fails_with_its_shrunk_example(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_user_api=USER_TESTS)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=2, failed=1)
    out = result.stdout.str()
    assert "test_api[create-project]" in out
    assert "breaking server-error in create-project: 500 to a valid request" in out
    # Shrunk: only the required field, at the shortest name that crashes.
    assert re.search(r'request \(shrunk\): POST /organization/projects \{"name": "[^"]{3}"\}\n', out), out
    case = "cases/create-project.server-error.valid.json"
    assert f"replay: apidrift fuzz --api openai-admin --replay {case}" in out
    assert (pytester.path / case).is_file()
