"""The response examples an OpenAPI document carries: `x-oaiMeta` responses and media-type examples."""

from __future__ import annotations

import json
import re
from typing import Any

from apidrift.contracts.model import Operation
from apidrift.contracts.safeload import escape
from apidrift.openapi.components import Finding, FindingKind, ImportedExample, json_content, resolve_component

_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def success_status(operation: Operation) -> str:
    """The status an undated example (`x-oaiMeta`) shows: the first documented 2xx with a body."""
    successes = sorted(s for s in operation.responses if s.startswith("2"))
    with_body = [s for s in successes if operation.responses[s].schema is not None]
    return (with_body or successes or ["200"])[0]


def operation_examples(
    document: dict[str, Any],
    operation: Operation,
    op: dict[str, Any],
    pointer: str,
    source: str,
    file: str | None,
    findings: list[Finding],
) -> list[ImportedExample]:
    """Every documented example response of one operation, `x-oaiMeta` ones first."""
    found = oaimeta_examples(operation, op, source, _Report(findings, operation.id, file, pointer))
    for status, raw_response in (op.get("responses") or {}).items():
        where = f"{pointer}/responses/{escape(str(status))}"
        response = resolve_component(document, raw_response, "responses", file, where)
        report = _Report(findings, operation.id, file, where)
        found += media_examples(document, operation.id, str(status), response, source, report)
    return found


class _Report:
    """Where findings about one operation's examples go, and where they point."""

    def __init__(self, findings: list[Finding], op_id: str, file: str | None, pointer: str) -> None:
        self.findings, self.op_id, self.file, self.pointer = findings, op_id, file, pointer

    def __call__(self, kind: FindingKind, message: str, at: str = "") -> None:
        self.findings.append(Finding(kind, message, self.op_id, self.file, self.pointer + at))


def oaimeta_examples(
    operation: Operation, op: dict[str, Any], source: str, report: _Report
) -> list[ImportedExample]:
    """The example responses documented in `x-oaiMeta` (JSON text) for an operation."""
    op_id = operation.id
    meta = op.get("x-oaiMeta", {})
    raw_examples = meta.get("examples") if isinstance(meta, dict) else None
    listed = isinstance(raw_examples, list)
    candidates = raw_examples if isinstance(raw_examples, list) else [raw_examples]
    found: list[ImportedExample] = []
    for i, candidate in enumerate(candidates):
        if not isinstance(candidate, dict) or "response" not in candidate:
            continue
        at = f"/x-oaiMeta/examples{f'/{i}' if listed else ''}/response"
        body = _json_text(candidate["response"], "documented example response", report, at)
        if body is _MISSING:
            continue
        label = "x-oaiMeta" if not found else f"x-oaiMeta-{len(found) + 1}"
        found.append(
            ImportedExample(op_id, success_status(operation), body, f"{source} x-oaiMeta {op_id}", label)
        )
    if any(isinstance(c, dict) and "error_response" in c for c in candidates):
        # An error body without a status: attaching it to some documented 4xx would be a guess.
        message = "x-oaiMeta error_response not checked: it names no status"
        report(FindingKind.EXAMPLE_NO_STATUS, message, "/x-oaiMeta/examples")
    return found


def media_examples(
    document: dict[str, Any],
    op_id: str,
    status: str,
    response: Any,
    source: str,
    report: _Report,
) -> list[ImportedExample]:
    """`example` and `examples` of a response's JSON media type (Example Objects, `$ref`s resolved)."""
    picked = json_content(response.get("content") if isinstance(response, dict) else None)
    if picked is None:
        return []
    media_type, media = picked
    # Example values are data: whatever they hold (a `$ref` key too) is taken as written.
    where = f"/content/{escape(media_type)}"
    named: list[tuple[str, Any, str]] = []
    if "example" in media:
        named.append(("example", media["example"], f"{where}/example"))
    examples = media.get("examples")
    if isinstance(examples, dict):
        for name, raw in examples.items():
            at = f"{where}/examples/{escape(str(name))}"
            example = resolve_component(document, raw, "examples", report.file, report.pointer + at)
            if isinstance(example, dict) and "value" in example:
                named.append((f"examples/{name}", example["value"], f"{at}/value"))
            elif isinstance(example, dict) and "externalValue" in example:
                message = f"example {name} of status {status} is external (not checked)"
                report(FindingKind.EXAMPLE_EXTERNAL, message, at)
            else:
                report(FindingKind.EXAMPLE_NO_VALUE, f"example {name} of status {status} has no value", at)
    found = []
    for label, value, at in named:
        what = f"{label} of status {status}"
        body = value
        if isinstance(value, str) and value.lstrip().startswith(("{", "[")):
            # JSON text where a value belongs: decode it (the media type is JSON), and say so.
            body = _json_text(value, what, report, at)
            if body is _MISSING:
                continue
            report(FindingKind.EXAMPLE_JSON_TEXT, f"{what} is JSON text in a string, not a JSON value", at)
        found.append(ImportedExample(op_id, status, body, f"{source} {status} {label} {op_id}", label))
    return found


_MISSING: Any = object()


def _json_text(text: Any, what: str, report: _Report, at: str) -> Any:
    """Decode documented JSON text; JSON5-style trailing commas are salvaged and reported."""
    if not isinstance(text, str):
        return text
    if not text.strip():
        report(FindingKind.EXAMPLE_EMPTY, f"{what} is empty", at)
        return _MISSING
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        try:
            body = json.loads(_TRAILING_COMMA.sub(r"\1", text))
        except json.JSONDecodeError:
            report(FindingKind.EXAMPLE_NOT_JSON, f"{what} is not JSON ({exc.msg})", at)
            return _MISSING
    report(FindingKind.EXAMPLE_TRAILING_COMMAS, f"{what} has trailing commas (not strict JSON)", at)
    return body
