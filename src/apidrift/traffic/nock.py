"""nock recordings (Node.js: `nock.recorder` with `output_objects`, `nock.back` fixtures) read as
exchanges: a JSON list of `{scope, method, path, body, status, response, rawHeaders, reqheaders}`.

nock keeps a JSON body parsed (`response` is the object itself), a binary one as hex
(`responseIsBinary`), and a compressed one as a list of hex chunks (before nock 13); `rawHeaders` is a
flat list of names and values (an object in old recordings).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from apidrift.traffic.bodies import content_encoding, inflate
from apidrift.traffic.exchange import Exchange, Headers, Unmatched, taken


def is_nock(document: Any) -> bool:
    """A list whose first entry has nock's `scope`, `method` and `path`."""
    if not isinstance(document, list) or not document or not isinstance(document[0], dict):
        return False
    return {"scope", "method", "path"} <= document[0].keys()


def nock_exchanges(document: list[Any], label: str) -> Iterator[Exchange | Unmatched]:
    for i, entry in taken(document):
        yield nock_exchange(entry, f"{label}#/{i}")


def nock_exchange(entry: Any, where: str) -> Exchange | Unmatched:
    """One nock definition as an exchange, or why it is not one."""
    if not isinstance(entry, dict) or not isinstance(entry.get("scope"), str):
        return Unmatched(where, "?", "?", "not a nock definition (no scope)")
    method = str(entry.get("method", "")).upper()
    path = entry.get("path")
    if not isinstance(path, str):
        return Unmatched(where, method, "?", "the path is a pattern written by hand, not a recorded path")
    url = entry["scope"].rstrip("/") + (path if path.startswith("/") else f"/{path}")
    headers = _headers(entry.get("rawHeaders", entry.get("headers")))
    status = entry.get("status", 200)  # nock's default when a definition names none
    try:
        body = _response_body(entry, headers)
    except ValueError as exc:
        return Unmatched(where, method, url, str(exc))
    return Exchange(
        where=where,
        method=method,
        url=url,
        request_headers=_headers(entry.get("reqheaders")),
        request_body=_plain_body(entry.get("body")),
        status=status if isinstance(status, int) and not isinstance(status, bool) else 0,
        response_headers=headers,
        response_body=body,
    )


def _response_body(entry: dict[str, Any], headers: Headers) -> bytes | None:
    response = entry.get("response")
    if entry.get("responseIsBinary") is True and isinstance(response, str):
        return inflate(_hex(response), headers)
    if (
        isinstance(response, list)
        and response
        and all(isinstance(c, str) and _is_hex(c) for c in response)
        and content_encoding(headers) in ("gzip", "x-gzip", "deflate")
    ):
        # Hex chunks of a compressed body (before nock 13); a JSON list of strings is left alone.
        return inflate(b"".join(_hex(c) for c in response), headers)
    return _plain_body(response)


def _plain_body(value: Any) -> bytes | None:
    """A string as its text, parsed JSON as JSON (nock parses JSON bodies it records)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _hex(text: str) -> bytes:
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise ValueError("the response says it is binary (hex) but is not hex") from None


def _is_hex(text: str) -> bool:
    return len(text) % 2 == 0 and bool(text) and all(c in "0123456789abcdefABCDEF" for c in text)


def _headers(raw: Any) -> Headers:
    """`rawHeaders` (a flat list: name, value, name, value, ...) or an object of values or lists."""
    if isinstance(raw, list):
        pairs = zip(raw[::2], raw[1::2], strict=False)
        return tuple((str(k), str(v)) for k, v in pairs if isinstance(k, str) and isinstance(v, (str, int)))
    if isinstance(raw, dict):
        out: list[tuple[str, str]] = []
        for name, value in raw.items():
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, (str, int)) and not isinstance(v, bool):
                    out.append((str(name), str(v)))
        return tuple(out)
    return ()
