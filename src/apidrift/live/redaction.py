"""Redaction of secrets (and optionally e-mail addresses) before anything reaches disk or stdout.

Replacements keep strings as strings and keep a key's prefix (`sk-admin-REDACTED`), so redacted
recordings still validate against schemas that say `type: string`.
"""

from __future__ import annotations

import hashlib
import re
import secrets as _secrets
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit, urlunsplit

from apidrift.check.recordings import Provenance, Recording
from apidrift.errors import RecordingError

if TYPE_CHECKING:
    from apidrift.live.client import Exchange

REDACTED: Final = "REDACTED"

# An OpenAI key: `sk-`, an optional kind, then at least 8 key characters. The look-behind keeps
# words like `task-management-xyz` intact; real keys always start at a token boundary.
OPENAI_KEY = re.compile(r"(?<![A-Za-z0-9])sk-(?:(proj|svcacct|admin)-)?[A-Za-z0-9_\-]{8,}")
BEARER_TOKEN = re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=\-]+")
EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")

# Headers whose whole value is a credential; every other header only loses key-shaped substrings
# (so `openai-organization` keeps its org id).
SECRET_HEADERS: Final = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "openai-api-key"}
)
# Fields that hold a secret whatever it looks like.
SECRET_FIELDS: Final = frozenset(
    {"secret", "client_secret", "password", "access_token", "refresh_token", "private_key"}
)


def key_marker(value: str) -> str:
    """The redacted form of one key: its `sk-<kind>-` prefix, when it has one, then REDACTED."""
    match = re.match(r"sk-(?:(proj|svcacct|admin)-)?", value)
    if match is None:
        return REDACTED
    return f"sk-{match.group(1)}-{REDACTED}" if match.group(1) else f"sk-{REDACTED}"


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Replace known secrets, key-shaped substrings and bearer tokens in one string."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, key_marker(secret))
    text = OPENAI_KEY.sub(lambda m: key_marker(m.group(0)), text)
    return BEARER_TOKEN.sub(lambda m: f"{m.group(1)} {REDACTED}", text)


class EmailPseudonymiser:
    """Maps each e-mail address to `user-<hash>@example.invalid`, stable within one run only."""

    def __init__(self, salt: bytes | None = None) -> None:
        # A fresh salt per run, so pseudonyms cannot be joined across runs or reversed by guessing.
        self._salt = salt if salt is not None else _secrets.token_bytes(16)

    def __call__(self, email: str) -> str:
        if email.endswith("@example.invalid"):
            return email
        digest = hashlib.sha256(self._salt + email.lower().encode()).hexdigest()[:12]
        return f"user-{digest}@example.invalid"

    def text(self, text: str) -> str:
        return EMAIL.sub(lambda m: self(m.group(0)), text)


def redact_json(
    value: Any,
    secrets: Iterable[str] = (),
    emails: EmailPseudonymiser | None = None,
) -> Any:
    """A copy of a JSON value with every secret redacted (keys of created API keys included)."""
    known = tuple(s for s in secrets if s)
    return _redact(value, known, emails, holds_key=False)


def _redact(value: Any, secrets: tuple[str, ...], emails: EmailPseudonymiser | None, holds_key: bool) -> Any:
    if isinstance(value, str):
        text = redact_text(value, secrets)
        return emails.text(text) if emails is not None else text
    if isinstance(value, list):
        return [_redact(item, secrets, emails, False) for item in value]
    if not isinstance(value, dict):
        return value
    # A created key's `value` is the whole secret, even when it is not shaped like one.
    key_object = holds_key or "api_key" in str(value.get("object", ""))
    out: dict[str, Any] = {}
    for name, item in value.items():
        safe_name = redact_text(str(name), secrets)
        if isinstance(item, str) and ((key_object and name == "value") or name in SECRET_FIELDS):
            out[safe_name] = key_marker(item)
        else:
            out[safe_name] = _redact(item, secrets, emails, holds_key=name == "api_key")
    return out


def redact_headers(headers: Mapping[str, str], secrets: Iterable[str] = ()) -> dict[str, str]:
    """Header names lower-cased; credential headers replaced whole, the rest scrubbed of keys."""
    known = tuple(secrets)
    out = {}
    for name, value in headers.items():
        lower = name.lower()
        out[lower] = REDACTED if lower in SECRET_HEADERS else redact_text(value, known)
    return out


def safe_base_url(url: str) -> str:
    """The base URL without user info, query or fragment: safe to print and to store."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path.rstrip("/"), "", ""))


def base_host(url: str) -> str:
    """`host[:port]` of a base URL, as named in a live recording's provenance."""
    return urlsplit(safe_base_url(url)).netloc


def exchange_to_recording(
    exchange: Exchange,
    *,
    base_url: str,
    operation: str | None = None,
    version: str | None = None,
    recorded_at: datetime | None = None,
    emails: EmailPseudonymiser | None = None,
    secrets: Iterable[str] = (),
) -> Recording:
    """A recording of one live exchange, redacted again here so no caller can store a secret."""
    op_id = operation or exchange.operation
    if not op_id:
        raise RecordingError(f"the exchange {exchange.method} {exchange.path} names no operation")
    known = tuple(secrets)
    when = (recorded_at or datetime.now(UTC)).isoformat(timespec="seconds")
    return Recording(
        operation=op_id,
        method=exchange.method,
        path=redact_text(exchange.path, known),
        status=exchange.status,
        headers=redact_headers(exchange.headers, known),
        query={k: redact_text(v, known) for k, v in exchange.query.items()},
        body=redact_json(exchange.body, known, emails),
        provenance=Provenance(source=f"live {base_host(base_url)}", version=version, recorded_at=when),
    )
