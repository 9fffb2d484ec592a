"""Secrets out of an exchange before anything of it is checked, printed or written.

The request's own credentials (its secret headers) are redacted wherever they appear, in the
answer too; everything else loses what the profile's rules call a secret (key-shaped strings,
bearer tokens, secret fields and headers).
"""

from __future__ import annotations

import json
from dataclasses import replace
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from apidrift.contracts.safeload import parse_json
from apidrift.errors import RecordingError
from apidrift.live.redaction import RedactionRules, redact_headers, redact_json
from apidrift.traffic.exchange import Exchange, Headers, Unmatched


def credentials(exchange: Exchange, rules: RedactionRules) -> list[str]:
    """The secrets the request carried in its credential headers (a bearer token without `Bearer`)."""
    found = []
    for name, value in exchange.request_headers:
        if name.lower() in rules.secret_headers:
            found.append(value.split(" ", 1)[1] if value.lower().startswith("bearer ") else value)
    return [f.strip() for f in found if f.strip()]


def redact_exchange(exchange: Exchange, rules: RedactionRules) -> Exchange:
    """A copy of `exchange` with every secret redacted (URL, headers and both bodies)."""
    known = rules.with_secrets(credentials(exchange, rules))
    return replace(
        exchange,
        url=redact_url(exchange.url, known),
        request_headers=_headers(exchange.request_headers, known),
        request_body=_body(exchange.request_body, known),
        response_headers=_headers(exchange.response_headers, known),
        response_body=_body(exchange.response_body, known),
    )


def redact_unmatched(item: Unmatched, rules: RedactionRules) -> Unmatched:
    return replace(item, path=rules.text(item.path), reason=rules.text(item.reason))


def redact_url(url: str, rules: RedactionRules) -> str:
    """The URL without user info or fragment, its path and query values redacted (a query parameter
    named like a secret field loses its whole value)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    query = [
        (rules.text(name), rules.marker(value) if name in rules.secret_fields else rules.text(value))
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit((parts.scheme, host, rules.text(parts.path), urlencode(query), ""))


def _headers(headers: Headers, rules: RedactionRules) -> Headers:
    # One at a time: a header may be repeated, and a mapping would keep only the last.
    return tuple(
        item for name, value in headers for item in redact_headers({name: value}, rules=rules).items()
    )


def _body(body: bytes | None, rules: RedactionRules) -> bytes | None:
    if body is None:
        return None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        # Binary: key-shaped ASCII inside it is still a key. Latin-1 maps every byte to one character.
        return rules.text(body.decode("latin-1")).encode("latin-1")
    try:
        # Strict: a body with a duplicate key, NaN or a lone surrogate is redacted as text and kept as
        # it came, so the check names what is wrong (parsed and written again, it would be hidden).
        value = parse_json(text, file="", error=RecordingError)
    except RecordingError:
        return rules.text(text).encode("utf-8")
    return json.dumps(redact_json(value, rules=rules), ensure_ascii=False).encode("utf-8")
