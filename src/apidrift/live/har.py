"""Traffic users already have: HAR 1.2 files (browsers, proxies, mitmproxy's export) as recordings.

Each entry is matched to an operation of a contract version by method and path template (a base
path before the template, such as `/v1`, is allowed), its response body redacted with the API's
profile rules and written as an ordinary recording, so `check` validates and fingerprints it like
any other. Entries that match no operation are listed, not dropped; nothing is written unredacted.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from apidrift.check.recordings import Provenance, Recording, safe_file_name
from apidrift.contracts.model import ContractVersion, Operation
from apidrift.contracts.safeload import read_json
from apidrift.errors import RecordingError
from apidrift.live.redaction import GENERIC, RedactionRules, redact_headers, redact_json
from apidrift.live.transport import template_pattern


@dataclass(frozen=True)
class Unmatched:
    """A HAR entry no operation of the version has: why, and where it is in the file."""

    where: str
    method: str
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.method} {self.path}: {self.reason}"


@dataclass
class HarRecordings:
    """The recordings made from HAR files, the entries left unmatched, and files that could not be read."""

    recordings: list[tuple[str, Recording]] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    errors: list[RecordingError] = field(default_factory=list)


def har_recordings(
    files: Iterable[Path], version: ContractVersion, *, rules: RedactionRules = GENERIC
) -> HarRecordings:
    """Every JSON response of `files` that answers an operation of `version`, as a redacted recording."""
    result = HarRecordings()
    routes = _routes(version)
    counts: dict[str, int] = {}
    for path in files:
        try:
            entries = _entries(read_json(path, error=RecordingError), path)
        except RecordingError as exc:
            result.errors.append(exc)
            continue
        for i, entry in enumerate(entries):
            where = f"{path.name}#/log/entries/{i}"
            made = _recording(entry, routes, where, rules, path.name)
            if isinstance(made, Unmatched):
                result.unmatched.append(made)
                continue
            stem = safe_file_name(made.operation)
            counts[stem] = counts.get(stem, 0) + 1
            name = f"{stem}.json" if counts[stem] == 1 else f"{stem}.{counts[stem]}.json"
            result.recordings.append((name, made))
    return result


def _entries(document: Any, path: Path) -> list[Any]:
    log = document.get("log") if isinstance(document, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise RecordingError("not a HAR file: no log.entries list", file=path, pointer="/log/entries")
    return entries


def _routes(version: ContractVersion) -> list[tuple[str, Any, Operation]]:
    # Longer templates first, so /a/{id}/b is tried before /a/{id}.
    ops = sorted(version.operations.values(), key=lambda op: (-len(op.path), op.path))
    return [(op.method.upper(), template_pattern(op.path), op) for op in ops]


def _recording(
    entry: Any, routes: list[tuple[str, Any, Operation]], where: str, rules: RedactionRules, source: str
) -> Recording | Unmatched:
    request = entry.get("request") if isinstance(entry, dict) else None
    response = entry.get("response") if isinstance(entry, dict) else None
    if not isinstance(request, dict) or not isinstance(response, dict):
        return Unmatched(where, "?", "?", "not a HAR entry (no request and response)")
    method = str(request.get("method", "")).upper()
    url = urlsplit(str(request.get("url", "")))
    raw_path = url.path
    found = next(
        ((op, start) for m, rx, op in routes if m == method and (start := _start(rx, raw_path)) is not None),
        None,
    )
    if found is None:
        return Unmatched(where, method, raw_path, "no operation of the version has this method and path")
    operation, start = found
    raw_content = response.get("content")
    content: dict[str, Any] = raw_content if isinstance(raw_content, dict) else {}
    mime = str(content.get("mimeType", ""))
    text = content.get("text")
    if text is None or "json" not in mime:
        return Unmatched(where, method, raw_path, f"the response is not JSON ({mime or 'no body'})")
    try:
        if content.get("encoding") == "base64":
            text = base64.b64decode(text).decode("utf-8")
        body = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        return Unmatched(where, method, raw_path, f"the response body is not JSON ({exc})")
    headers = {h["name"]: h["value"] for h in response.get("headers", []) if _is_header(h)}
    # The credentials the request carried are secrets wherever they appear in the answer.
    secrets = _credentials(request, rules)
    return Recording(
        operation=operation.id,
        method=method,
        path=raw_path[start:],
        status=int(response.get("status", 0)),
        headers=redact_headers(headers, secrets, rules=rules),
        query={q["name"]: q["value"] for q in request.get("queryString", []) if _is_header(q)},
        body=redact_json(body, secrets, rules=rules),
        provenance=Provenance(source=f"har {source}"),
    )


def _start(pattern: Any, raw_path: str) -> int | None:
    """Where in the path the template's instance starts, after a base path such as `/v1`; None
    when no suffix of the path (at a `/`) is an instance of it."""
    for start in [0, *(i for i, ch in enumerate(raw_path) if ch == "/" and i > 0)]:
        if pattern.fullmatch(raw_path[start:]):
            return start
    return None


def _credentials(request: dict[str, Any], rules: RedactionRules) -> list[str]:
    found = []
    for header in request.get("headers", []):
        if _is_header(header) and header["name"].lower() in rules.secret_headers:
            value = header["value"]
            found.append(value.split(" ", 1)[1] if value.lower().startswith("bearer ") else value)
    return [f for f in found if f]


def _is_header(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("name"), str) and isinstance(item.get("value"), str)
