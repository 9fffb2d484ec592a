"""Bodies and headers as recorders keep them: base64 text, still compressed bytes, HTTP/2 pseudo-headers.

Shared by every reader (HAR, cassettes), so a quirk handled for one recorder is handled for all.
"""

from __future__ import annotations

import base64
import binascii
import zlib

from apidrift.traffic.exchange import Headers

GZIP_MAGIC = b"\x1f\x8b"
# The most a compressed body may inflate to: twice what a live run reads by default (32 MiB), far
# below the file limit, so a small bomb inside a cassette costs tens of megabytes, not hundreds.
MAX_INFLATED = 64 * 1024 * 1024


def from_base64(text: str, name: str) -> bytes:
    """The bytes `text` encodes (line breaks allowed, as Ruby's `pack('m')` writes them), or a
    ValueError naming `name`."""
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{name} says base64 but is not") from None


def content_encoding(headers: Headers) -> str:
    return next((v.strip().lower() for k, v in headers if k.lower() == "content-encoding"), "")


def inflate(body: bytes | None, headers: Headers, *, only_when_compressed: bool = False) -> bytes | None:
    """The body with its content encoding (gzip, deflate) undone, within the size a file may have.

    A body that says it is compressed but is plain UTF-8 is taken as it is (a recorder that stored it
    decoded, or a cassette edited by hand, often keeps the header). `only_when_compressed`: leave an
    encoding that is not decoded here alone (a HAR's bodies are already decoded, whatever the header)."""
    encoding = content_encoding(headers)
    if body is None or encoding in ("", "identity"):
        return body
    if encoding not in ("gzip", "x-gzip", "deflate"):
        if only_when_compressed:
            return body
        raise ValueError(f"the response body is {encoding}-encoded, which is not decoded here")
    if only_when_compressed and not (body[:2] == GZIP_MAGIC or body[:1] == b"\x78"):
        return body
    # gzip, zlib-wrapped deflate and raw deflate (some servers send that as `deflate`).
    wbits = 16 + zlib.MAX_WBITS if "gzip" in encoding else (zlib.MAX_WBITS if body[:1] == b"\x78" else -15)
    limit = MAX_INFLATED
    try:
        inflater = zlib.decompressobj(wbits)
        data = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        if _plain(body):
            return body
        raise ValueError(f"the response body says {encoding} but is not ({exc})") from None
    if len(data) > limit or inflater.unconsumed_tail:
        raise ValueError(f"the response body inflates past {limit:,} bytes")
    return data


def _plain(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def without_pseudo(headers: Headers) -> Headers:
    """The headers without HTTP/2 pseudo-headers (`:authority`, `:status`, ...), which DevTools lists
    among them and no contract documents."""
    return tuple((k, v) for k, v in headers if not k.startswith(":"))
