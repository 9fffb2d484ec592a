"""The response examples an OpenAPI document carries: `x-oaiMeta` responses and media-type examples."""

from __future__ import annotations

import json
import re
from typing import Any

from apidrift.contracts.model import Operation
from apidrift.openapi.convert import ImportedExample, json_content, resolve_component

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
    problems: list[str],
) -> list[ImportedExample]:
    """Every documented example response of one operation, `x-oaiMeta` ones first."""
    found = oaimeta_examples(operation, op, source, problems)
    for status, raw_response in op.get("responses", {}).items():
        where = f"{pointer}/responses/{status}"
        response = resolve_component(document, raw_response, "responses", file, where)
        found += media_examples(document, operation.id, str(status), response, where, source, file, problems)
    return found


def oaimeta_examples(
    operation: Operation, op: dict[str, Any], source: str, problems: list[str]
) -> list[ImportedExample]:
    """The example responses documented in `x-oaiMeta` (JSON text) for an operation."""
    op_id = operation.id
    meta = op.get("x-oaiMeta", {})
    raw_examples = meta.get("examples") if isinstance(meta, dict) else None
    candidates = raw_examples if isinstance(raw_examples, list) else [raw_examples]
    found: list[ImportedExample] = []
    for candidate in candidates:
        if not isinstance(candidate, dict) or "response" not in candidate:
            continue
        body = _json_text(op_id, candidate["response"], "documented example response", problems)
        if body is _MISSING:
            continue
        label = "x-oaiMeta" if not found else f"x-oaiMeta-{len(found) + 1}"
        found.append(
            ImportedExample(op_id, success_status(operation), body, f"{source} x-oaiMeta {op_id}", label)
        )
    if any(isinstance(c, dict) and "error_response" in c for c in candidates):
        # An error body without a status: attaching it to some documented 4xx would be a guess.
        problems.append(f"{op_id}: x-oaiMeta error_response not checked: it names no status")
    return found


def media_examples(
    document: dict[str, Any],
    op_id: str,
    status: str,
    response: Any,
    pointer: str,
    source: str,
    file: str | None,
    problems: list[str],
) -> list[ImportedExample]:
    """`example` and `examples` of a response's JSON media type (Example Objects, `$ref`s resolved)."""
    picked = json_content(response.get("content") if isinstance(response, dict) else None)
    if picked is None:
        return []
    media_type, media = picked
    where = f"{pointer}/content/{media_type.replace('~', '~0').replace('/', '~1')}"
    named: list[tuple[str, Any]] = []
    if "example" in media:
        named.append(("example", media["example"]))
    examples = media.get("examples")
    if isinstance(examples, dict):
        for name, raw in examples.items():
            example = resolve_component(document, raw, "examples", file, f"{where}/examples/{name}")
            if isinstance(example, dict) and "value" in example:
                named.append((f"examples/{name}", example["value"]))
            elif isinstance(example, dict) and "externalValue" in example:
                problems.append(f"{op_id}: example {name} of status {status} is external (not checked)")
            else:
                problems.append(f"{op_id}: example {name} of status {status} has no value")
    found = []
    for label, value in named:
        what = f"{label} of status {status}"
        body = value
        if isinstance(value, str) and value.lstrip().startswith(("{", "[")):
            # JSON text where a value belongs: decode it (the media type is JSON), and say so.
            body = _json_text(op_id, value, what, problems)
            if body is _MISSING:
                continue
            problems.append(f"{op_id}: {what} is JSON text in a string, not a JSON value")
        found.append(ImportedExample(op_id, status, body, f"{source} {status} {label} {op_id}", label))
    return found


_MISSING: Any = object()


def _json_text(op_id: str, text: Any, what: str, problems: list[str]) -> Any:
    """Decode documented JSON text; JSON5-style trailing commas are salvaged and reported."""
    if not isinstance(text, str):
        return text
    if not text.strip():
        problems.append(f"{op_id}: {what} is empty")
        return _MISSING
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        try:
            body = json.loads(_TRAILING_COMMA.sub(r"\1", text))
        except json.JSONDecodeError:
            problems.append(f"{op_id}: {what} is not JSON ({exc.msg})")
            return _MISSING
    problems.append(f"{op_id}: {what} has trailing commas (not strict JSON)")
    return body
