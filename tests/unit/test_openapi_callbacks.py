"""Callbacks: requests the API sends back, imported as webhooks (so their payloads are diffed for
their receivers); one that cannot be imported is a documentation finding, not a failed import."""

from __future__ import annotations

from pathlib import Path

from apidrift.diff.changes import ChangeKind, Severity, Side
from apidrift.diff.engine import diff_versions
from apidrift.openapi.components import FindingKind
from apidrift.openapi.sources import import_openapi_file

DOC = """\
openapi: 3.0.3
info: {title: Streams, version: 1.0.0}
paths:
  /streams:
    post:
      operationId: subscribe
      parameters:
        - {name: callbackUrl, in: query, required: true, schema: {type: string, format: uri}}
      responses: {'201': {description: subscribed}}
      callbacks:
        onData:
          '{$request.query.callbackUrl}/data':
            post:
              requestBody:
                content:
                  application/json:
                    schema:
                      type: object
                      properties:
                        timestamp: {type: string, format: date-time}
                        userData: {$ref: '#/components/schemas/UserLogData'}
              responses: {'202': {description: received}}
components:
  schemas:
    UserLogData: {type: object, properties: {level: {type: string}}}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_callback_is_a_webhook_whose_payload_is_diffed_for_its_receivers(tmp_path: Path) -> None:
    old = import_openapi_file(write(tmp_path, "old.yaml", DOC), use_cache=False).version
    assert [op.path for op in old.webhooks.values()] == [
        "subscribe callback onData {$request.query.callbackUrl}/data"
    ]
    changed = DOC.replace("level: {type: string}", "level: {type: integer}")
    new = import_openapi_file(write(tmp_path, "new.yaml", changed), use_cache=False).version
    [change] = diff_versions(old, new).changes
    assert (change.kind, change.side, change.severity, change.path) == (
        ChangeKind.TYPE_CHANGED,
        Side.WEBHOOK,
        Severity.BREAKING,
        "userData.level",
    )


def test_a_broken_callback_is_left_out_and_reported(tmp_path: Path) -> None:
    broken = DOC.split("components:")[0]  # UserLogData is no longer defined
    result = import_openapi_file(write(tmp_path, "broken.yaml", broken), use_cache=False)
    assert list(result.version.operations) == ["subscribe"] and not result.version.webhooks
    [finding] = [f for f in result.problems if f.kind is FindingKind.CALLBACK_SKIPPED]
    assert "dangling $ref '#/components/schemas/UserLogData'" in finding.message
    assert finding.pointer.endswith("/requestBody/content/application~1json/schema/properties/userData/$ref")


def test_each_expression_of_one_callback_is_its_own_webhook(tmp_path: Path) -> None:
    # oasdiff's openapi-test3.yaml: callback myEvent has two URL expressions; the second once
    # overwrote the first, whose changes went unseen. An only expression keeps the id it had.
    second = """\
          '{$request.query.callbackUrl}/end':
            post:
              requestBody:
                content:
                  application/json:
                    schema: {type: object, properties: {reason: {type: string}}}
              responses: {'202': {description: received}}
"""
    both = DOC.replace("components:\n", second + "components:\n")
    old = import_openapi_file(write(tmp_path, "old.yaml", both), use_cache=False).version
    assert sorted(op.path for op in old.webhooks.values()) == [
        "subscribe callback onData {$request.query.callbackUrl}/data",
        "subscribe callback onData {$request.query.callbackUrl}/end",
    ]
    new = import_openapi_file(
        write(tmp_path, "new.yaml", both.replace("reason: {type: string}", "reason: {type: integer}")),
        use_cache=False,
    ).version
    [change] = diff_versions(old, new).changes
    assert (change.kind, change.path, change.operation) == (
        ChangeKind.TYPE_CHANGED,
        "reason",
        "POST subscribe callback onData {$request.query.callbackUrl}/end",
    )
    alone = import_openapi_file(write(tmp_path, "alone.yaml", DOC), use_cache=False).version
    assert list(alone.webhooks) == ["subscribe.onData.post"]


def test_a_runtime_expression_in_a_callback_url_is_not_an_undeclared_path_parameter(tmp_path: Path) -> None:
    # libopenapi's burgershop: `{$request.query.queryUrl}` is filled in by the API, never sent by a client.
    imported = import_openapi_file(write(tmp_path, "doc.yaml", DOC), use_cache=False)
    assert FindingKind.PATH_PARAM_UNDECLARED not in {p.kind for p in imported.problems}
    [webhook] = imported.version.webhooks.values()
    assert not [p for p in webhook.parameters if p.location == "path"]
    # A real template variable beside it is still one.
    templated = DOC.replace("'{$request.query.callbackUrl}/data'", "'{$request.query.callbackUrl}/{topic}'")
    problems = import_openapi_file(write(tmp_path, "t.yaml", templated), use_cache=False).problems
    assert [p.kind for p in problems] == [FindingKind.PATH_PARAM_UNDECLARED]
    assert "{topic}" in problems[0].message
