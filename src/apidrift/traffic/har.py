"""HAR 1.2 files (browsers, Playwright, mitmproxy's export, Charles, Fiddler, Polly.js) read as exchanges.

A HAR stores bodies as text, base64 when `content.encoding` says so, normally already decoded from
any content encoding; a body it did not record (no `text`, or `null`) is None. What recorders do
besides: Playwright's `recordHar` with `content: 'attach'` keeps a body in a file beside the HAR
(`content._file`); Polly.js keeps a compressed body compressed, as a JSON list of base64 chunks (hex
chunks before version 2) and header values as lists; DevTools lists HTTP/2 pseudo-headers
(`:authority`); some tools write the status as text. Entries that are not an exchange are listed with
the reason, never dropped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from apidrift.contracts.safeload import read_bytes
from apidrift.errors import RecordingError
from apidrift.traffic.bodies import from_base64, inflate, without_pseudo
from apidrift.traffic.documents import load_document
from apidrift.traffic.exchange import Exchange, Headers, Unmatched, taken


def read_har(path: Path, *, name: str | None = None) -> Iterator[Exchange | Unmatched]:
    """Every entry of one HAR file, as an exchange or as the reason it is not one (RecordingError
    when the file is not HAR at all). `name` is how the file is named in `where` (default: its name)."""
    yield from har_entries(load_document(path), path, name or path.name)


def is_har(document: Any) -> bool:
    return isinstance(document, dict) and isinstance(document.get("log"), dict)


def har_entries(
    document: Any, path: Path, label: str, *, attachments: set[Path] | None = None
) -> Iterator[Exchange | Unmatched]:
    """The entries of a HAR document already parsed (see `read_har`); `path` places attached bodies,
    and each attached file read is added to `attachments`."""
    log = document.get("log") if isinstance(document, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise RecordingError("not a HAR file: no log.entries list", file=path, pointer="/log/entries")
    for i, entry in taken(entries):
        yield har_exchange(entry, f"{label}#/log/entries/{i}", attached=path.parent, attachments=attachments)


def har_exchange(
    entry: Any, where: str, *, attached: Path | None = None, attachments: set[Path] | None = None
) -> Exchange | Unmatched:
    """One HAR entry as an exchange, or why it is not one; `attached` is the folder Playwright's
    `_file` bodies are read from (None: not read), `attachments` collects the files read."""
    request = entry.get("request") if isinstance(entry, dict) else None
    response = entry.get("response") if isinstance(entry, dict) else None
    if not isinstance(request, dict) or not isinstance(response, dict):
        return Unmatched(where, "?", "?", "not a HAR entry (no request and response)")
    method = str(request.get("method", "")).upper()
    url = str(request.get("url", ""))
    post = request.get("postData")
    content = response.get("content")
    response_headers = _typed(_pairs(response.get("headers")), content)
    try:
        found = _Attached(attached, attachments)
        request_body = _body(post, "postData", found) if isinstance(post, dict) else None
        response_body = _body(content, "content", found) if isinstance(content, dict) else None
        # A HAR's body is decoded, but Polly.js keeps a compressed one as it came: undone when it
        # is compressed, left alone when it is not (whatever the header says).
        response_body = inflate(response_body, response_headers, only_when_compressed=True)
    except ValueError as exc:
        return Unmatched(where, method, url, str(exc))
    return Exchange(
        where=where,
        method=method,
        url=url,
        request_headers=_typed(_pairs(request.get("headers")), post),
        request_body=request_body,
        status=_status(response.get("status")),
        response_headers=response_headers,
        response_body=response_body,
    )


def _status(status: Any) -> int:
    if isinstance(status, int) and not isinstance(status, bool):
        return status
    if isinstance(status, str) and status.strip().isdigit():  # "200", as some exporters write it
        return int(status.strip())
    return 0


def _typed(headers: Headers, part: Any) -> Headers:
    """The headers, with the body's `mimeType` as its Content-Type when no header says one (a HAR
    may keep the type only there)."""
    mime = part.get("mimeType") if isinstance(part, dict) else None
    if isinstance(mime, list):  # Polly.js 1.x
        mime = next((m for m in mime if isinstance(m, str)), None)
    if not isinstance(mime, str) or not mime or any(k.lower() == "content-type" for k, _ in headers):
        return headers
    return (*headers, ("content-type", mime))


@dataclass(frozen=True)
class _Attached:
    """Where attached bodies are read from (None: nowhere), and the set the files read go into."""

    folder: Path | None
    read: set[Path] | None


def _body(part: dict[str, Any], name: str, attached: _Attached) -> bytes | None:
    text = part.get("text")
    if not isinstance(text, str):
        attachment = part.get("_file")
        if isinstance(attachment, str) and attached.folder is not None:
            body = _attachment(attached.folder, attachment, name)
            if attached.read is not None:
                attached.read.add(attached.folder / attachment)
            return body
        return None
    if part.get("encoding") == "base64":
        chunks = _chunks(text)
        if chunks is not None:  # Polly.js: a JSON list of base64 chunks
            return b"".join(from_base64(c, f"{name}.text") for c in chunks)
        return from_base64(text, f"{name}.text")
    chunks = _chunks(text)
    if chunks is not None and all(_is_hex(c) for c in chunks) and bytes.fromhex(chunks[0])[:2] == b"\x1f\x8b":
        return b"".join(bytes.fromhex(c) for c in chunks)  # Polly.js 1.x: hex chunks of a gzip'd body
    return text.encode("utf-8", "surrogatepass")


def _chunks(text: str) -> list[str] | None:
    if not text.startswith('["'):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if isinstance(value, list) and value and all(isinstance(c, str) for c in value):
        return value
    return None


def _is_hex(text: str) -> bool:
    return len(text) % 2 == 0 and all(c in "0123456789abcdef" for c in text)


def _attachment(folder: Path, name: str, part: str) -> bytes:
    """A body Playwright kept in a file beside the HAR: only a plain file name inside that folder."""
    if Path(name).name != name or name in (".", ".."):
        raise ValueError(f"{part}._file {name!r} is not a file name beside the HAR: not read")
    try:
        return read_bytes(folder / name, error=RecordingError, file=name)
    except RecordingError as exc:
        raise ValueError(f"{part}._file {name!r}: {exc.message}") from None


def _pairs(items: Any) -> Headers:
    if not isinstance(items, list):
        return ()
    out: list[tuple[str, str]] = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else None
        value = item.get("value") if isinstance(item, dict) else None
        if not isinstance(name, str):
            continue
        # Polly.js 1.x writes a repeated header's values as a list.
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, str):
                out.append((name, v))
    return without_pseudo(tuple(out))
