"""HAR 1.2 files (browsers, Playwright, mitmproxy's export, proxies) read as exchanges.

A HAR stores bodies as text, base64 when `content.encoding` says so, already decoded from any
content encoding; a body it did not record (no `text`) is None. Entries that are not an exchange are
listed with the reason, never dropped.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from apidrift.contracts.safeload import read_json
from apidrift.errors import RecordingError
from apidrift.traffic.exchange import Exchange, Headers, Unmatched


def read_har(path: Path, *, name: str | None = None) -> Iterator[Exchange | Unmatched]:
    """Every entry of one HAR file, as an exchange or as the reason it is not one (RecordingError
    when the file is not HAR at all). `name` is how the file is named in `where` (default: its name)."""
    document = read_json(path, error=RecordingError)
    log = document.get("log") if isinstance(document, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise RecordingError("not a HAR file: no log.entries list", file=path, pointer="/log/entries")
    label = name or path.name
    for i, entry in enumerate(entries):
        yield har_exchange(entry, f"{label}#/log/entries/{i}")


def har_exchange(entry: Any, where: str) -> Exchange | Unmatched:
    """One HAR entry as an exchange, or why it is not one."""
    request = entry.get("request") if isinstance(entry, dict) else None
    response = entry.get("response") if isinstance(entry, dict) else None
    if not isinstance(request, dict) or not isinstance(response, dict):
        return Unmatched(where, "?", "?", "not a HAR entry (no request and response)")
    method = str(request.get("method", "")).upper()
    url = str(request.get("url", ""))
    post = request.get("postData")
    content = response.get("content")
    try:
        request_body = _body(post, "postData") if isinstance(post, dict) else None
        response_body = _body(content, "content") if isinstance(content, dict) else None
    except ValueError as exc:
        return Unmatched(where, method, url, str(exc))
    status = response.get("status")
    return Exchange(
        where=where,
        method=method,
        url=url,
        request_headers=_typed(_pairs(request.get("headers")), post),
        request_body=request_body,
        status=status if isinstance(status, int) and not isinstance(status, bool) else 0,
        response_headers=_typed(_pairs(response.get("headers")), content),
        response_body=response_body,
    )


def _typed(headers: Headers, part: Any) -> Headers:
    """The headers, with the body's `mimeType` as its Content-Type when no header says one (a HAR
    may keep the type only there)."""
    mime = part.get("mimeType") if isinstance(part, dict) else None
    if not isinstance(mime, str) or not mime or any(k.lower() == "content-type" for k, _ in headers):
        return headers
    return (*headers, ("content-type", mime))


def _body(part: dict[str, Any], name: str) -> bytes | None:
    text = part.get("text")
    if not isinstance(text, str):
        return None
    if part.get("encoding") == "base64":
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(f"{name}.text says base64 but is not") from None
    return text.encode("utf-8", "surrogatepass")


def _pairs(items: Any) -> Headers:
    if not isinstance(items, list):
        return ()
    return tuple(
        (item["name"], item["value"])
        for item in items
        if isinstance(item, dict) and isinstance(item.get("name"), str) and isinstance(item.get("value"), str)
    )
