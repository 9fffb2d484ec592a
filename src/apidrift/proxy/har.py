"""Captured exchanges as redacted HAR 1.2 entries, appended to HAR files as they complete.

Nothing reaches a file before it is redacted: the request's own credentials (wherever they appear,
in the answer too), the profile's key patterns, secret headers, fields and query parameters. A
session larger than one file's size rolls over to the next file (`proxy.2.har`, ...), so each stays
below what `check --har` reads whole.
"""

from __future__ import annotations

import json
import os
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from apidrift._version import __version__
from apidrift.live.redaction import RedactionRules, redact_headers, redact_json
from apidrift.proxy.capture import Captured

# Per file; `check --har` reads a file whole and refuses one over 256 MiB.
DEFAULT_FILE_BYTES: Final = 64 * 1024 * 1024
_DECODERS: Final = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


class HarFiles:
    """HAR 1.2 files written one entry at a time (`stem.har`, `stem.2.har`, ...), each closed into a
    complete document; created 0600, as they hold traffic even when redacted."""

    def __init__(
        self, folder: Path, stem: str = "proxy", *, max_file_bytes: int = DEFAULT_FILE_BYTES
    ) -> None:
        self._folder = folder
        self._stem = stem
        self._max = max_file_bytes
        self._file: IO[str] | None = None
        self._written = 0
        self._entries = 0
        self.paths: list[Path] = []

    def append(self, entry: dict[str, Any]) -> None:
        text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
        if self._file is None or (self._entries and self._written + len(text) > self._max):
            self._roll()
        assert self._file is not None
        self._file.write(("," if self._entries else "") + "\n" + text)
        self._file.flush()
        self._written += len(text) + 2
        self._entries += 1

    def close(self) -> list[Path]:
        """Close the open file (a session with no exchange still gets one, empty); the files written."""
        if self._file is None:
            self._roll()
        self._finish()
        return list(self.paths)

    def _roll(self) -> None:
        self._finish()
        self._folder.mkdir(parents=True, exist_ok=True)
        n = len(self.paths) + 1
        path = self._folder / (f"{self._stem}.har" if n == 1 else f"{self._stem}.{n}.har")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        self._file = os.fdopen(fd, "w", encoding="utf-8")
        creator = {"name": "apidrift proxy", "version": __version__}
        head = json.dumps({"version": "1.2", "creator": creator})[:-1]
        self._file.write('{"log":' + head + ',"entries":[')
        self._written = len(head) + 20
        self._entries = 0
        self.paths.append(path)

    def _finish(self) -> None:
        if self._file is not None:
            self._file.write("\n]}}\n")
            self._file.close()
            self._file = None


def credentials(headers: tuple[tuple[str, str], ...], rules: RedactionRules) -> list[str]:
    """The secrets a request carried in its credential headers (a bearer token without `Bearer `)."""
    found = []
    for name, value in headers:
        if name.lower() in rules.secret_headers:
            found.append(value.split(" ", 1)[1] if value.lower().startswith("bearer ") else value)
    return [f for f in found if f.strip()]


def har_entry(captured: Captured, rules: RedactionRules, *, body_cap: int) -> dict[str, Any]:
    """One redacted HAR 1.2 entry; a body over the cap, binary, or in an unknown encoding is left out,
    with a comment saying why."""
    known = rules.with_secrets(credentials(captured.request_headers, rules))
    url, query = _url(captured.url, known)
    request: dict[str, Any] = {
        "method": captured.method,
        "url": url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": _headers(captured.request_headers, known),
        "queryString": query,
        "headersSize": -1,
        "bodySize": captured.request_size,
    }
    if captured.request_size:
        mime = _header(captured.request_headers, "content-type")
        text, comment = _body(captured.request_body, captured.request_size, "", mime, known, body_cap)
        request["postData"] = {"mimeType": mime, "text": text or ""} | (
            {"comment": comment} if comment else {}
        )
    mime = _header(captured.response_headers, "content-type")
    encoding = _header(captured.response_headers, "content-encoding")
    content: dict[str, Any] = {"size": captured.response_size, "mimeType": mime}
    text, comment = _body(captured.response_body, captured.response_size, encoding, mime, known, body_cap)
    if text is not None:
        content["text"] = text
    if comment:
        content["comment"] = comment
    response: dict[str, Any] = {
        "status": captured.status or 0,
        "statusText": captured.reason,
        "httpVersion": captured.http_version,
        "cookies": [],
        "headers": _headers(captured.response_headers, known),
        "content": content,
        "redirectURL": "",
        "headersSize": -1,
        "bodySize": captured.response_size,
    }
    if captured.error is not None:
        response["_error"] = known.text(captured.error)
    return {
        "startedDateTime": datetime.fromtimestamp(captured.started, UTC).isoformat(timespec="milliseconds"),
        "time": round(captured.elapsed_ms, 3),
        "request": request,
        "response": response,
        "cache": {},
        "timings": {"send": 0, "wait": round(captured.elapsed_ms, 3), "receive": 0},
    }


def _url(url: str, rules: RedactionRules) -> tuple[str, list[dict[str, str]]]:
    parts = urlsplit(url)
    pairs = [
        (_name(n, rules), _query_value(n, v, rules))
        for n, v in parse_qsl(parts.query, keep_blank_values=True)
    ]
    netloc = parts.hostname or ""
    if parts.port is not None:
        netloc = f"{netloc}:{parts.port}"
    safe = urlunsplit((parts.scheme, netloc, rules.text(parts.path), urlencode(pairs), ""))
    return safe, [{"name": n, "value": v} for n, v in pairs]


def _name(name: str, rules: RedactionRules) -> str:
    return rules.text(name)


def _query_value(name: str, value: str, rules: RedactionRules) -> str:
    # A query parameter named like a secret header or field (`api_key`, `access_token`) is held whole.
    lower = name.lower().replace("-", "_")
    held = (
        rules.secret_fields
        | {h.replace("-", "_") for h in rules.secret_headers}
        | {"api_key", "key", "token"}
    )
    return rules.marker(value) if lower in held else rules.text(value)


def _headers(headers: tuple[tuple[str, str], ...], rules: RedactionRules) -> list[dict[str, str]]:
    out = []
    for name, value in headers:
        ((safe_name, safe_value),) = redact_headers({name: value}, rules=rules).items()
        out.append({"name": safe_name, "value": safe_value})
    return out


def _header(headers: tuple[tuple[str, str], ...], name: str) -> str:
    return next((v for n, v in headers if n.lower() == name), "")


def _body(
    raw: bytes | None, size: int, encoding: str, mime: str, rules: RedactionRules, cap: int
) -> tuple[str | None, str | None]:
    """The redacted text of a body, or None and why it is not kept."""
    if raw is None:
        return None, f"body of {size} bytes over the {cap}-byte cap: not kept"
    if not raw:
        return None, None
    encoding = encoding.strip().lower()
    if encoding and encoding != "identity":
        if encoding not in _DECODERS:
            return None, f"body in content-encoding {encoding!r}: not kept"
        inflate = zlib.decompressobj(_DECODERS[encoding])
        try:
            # Decoded size is bounded too: a small gzip bomb must not become gigabytes here.
            raw = inflate.decompress(raw, cap + 1)
        except zlib.error:
            return None, f"body not valid {encoding}: not kept"
        if len(raw) > cap:
            return None, f"body over the {cap}-byte cap once decoded: not kept"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, f"binary body ({len(raw)} bytes): not kept"
    if "json" in mime.lower():
        try:
            value = json.loads(text, parse_constant=_refuse)
            return json.dumps(redact_json(value, rules=rules), ensure_ascii=False), None
        except (ValueError, RecursionError):
            pass  # not JSON after all: redacted as text
    return rules.text(text), None


def _refuse(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")
