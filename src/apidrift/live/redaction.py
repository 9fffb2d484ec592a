"""Redaction of secrets (and optionally e-mail addresses) before anything reaches disk or stdout.

A leaf: it knows strings, JSON values and headers, and `RedactionRules` (the key patterns and secret
headers of one API's profile beside the rules every API shares). Replacements keep strings as
strings and, where the profile's placeholder says so, a key's kind (`<prefix>REDACTED`), so redacted
recordings still validate against schemas that say `type: string`.
"""

from __future__ import annotations

import hashlib
import re
import secrets as _secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from apidrift.profiles.model import ApiProfile, SecretPattern

REDACTED: Final = "REDACTED"

BEARER_TOKEN = re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=\-]+")
EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")

# Headers whose whole value is a credential, whatever the API; every other header only loses
# key-shaped substrings (so an organisation id in a response header is kept).
SECRET_HEADERS: Final = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"}
)
# Fields that hold a secret whatever it looks like.
SECRET_FIELDS: Final = frozenset(
    {"secret", "client_secret", "password", "access_token", "refresh_token", "private_key"}
)


@dataclass(frozen=True)
class RedactionRules:
    """What counts as a secret for one API: its key patterns, and headers and fields held whole."""

    patterns: tuple[tuple[re.Pattern[str], SecretPattern], ...] = ()
    secret_headers: frozenset[str] = SECRET_HEADERS
    secret_fields: frozenset[str] = SECRET_FIELDS
    # The run's own credentials, redacted wherever they appear, whatever their shape.
    secrets: tuple[str, ...] = field(default=(), repr=False)

    @classmethod
    def for_profile(cls, profile: ApiProfile, secrets: Iterable[str] = ()) -> RedactionRules:
        """The shared rules plus the profile's key patterns, secret headers and fields (and the
        header its key is sent in)."""
        headers = {h.lower() for h in profile.redaction.secret_headers}
        if profile.auth.scheme == "header":
            headers.add(profile.auth.header.lower())
        return cls(
            patterns=profile.secret_regexes,
            secret_headers=SECRET_HEADERS | headers,
            secret_fields=SECRET_FIELDS | set(profile.redaction.secret_fields),
            secrets=tuple(s for s in secrets if s),
        )

    def with_secrets(self, secrets: Iterable[str]) -> RedactionRules:
        """These rules, also redacting `secrets` (known credentials) wherever they appear."""
        extra = tuple(s for s in secrets if s and s not in self.secrets)
        return RedactionRules(self.patterns, self.secret_headers, self.secret_fields, self.secrets + extra)

    def marker(self, value: str) -> str:
        """The redacted form of one whole secret: the placeholder of the profile pattern that
        matches it (so a key keeps its kind), else REDACTED."""
        for regex, pattern in self.patterns:
            match = regex.match(value)
            if match is not None:
                return pattern.replace(match)
        return REDACTED

    def text(self, text: str) -> str:
        """Replace known secrets, key-shaped substrings and bearer tokens in one string."""
        for secret in self.secrets:
            text = text.replace(secret, self.marker(secret))
        for regex, pattern in self.patterns:
            text = regex.sub(pattern.replace, text)
        return BEARER_TOKEN.sub(lambda m: f"{m.group(1)} {REDACTED}", text)


GENERIC: Final = RedactionRules()


def redact_text(text: str, secrets: Iterable[str] = (), rules: RedactionRules = GENERIC) -> str:
    """One string with known secrets, the rules' key patterns and bearer tokens redacted."""
    return rules.with_secrets(secrets).text(text)


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
    rules: RedactionRules = GENERIC,
) -> Any:
    """A copy of a JSON value with every secret redacted (keys of created API keys included)."""
    return _redact(value, rules.with_secrets(secrets), emails, holds_key=False)


def _redact(value: Any, rules: RedactionRules, emails: EmailPseudonymiser | None, holds_key: bool) -> Any:
    if isinstance(value, str):
        text = rules.text(value)
        return emails.text(text) if emails is not None else text
    if isinstance(value, list):
        return [_redact(item, rules, emails, False) for item in value]
    if not isinstance(value, dict):
        return value
    # An object that says it is an API key holds the whole secret in `value`, whatever its shape.
    key_object = holds_key or "api_key" in str(value.get("object", ""))
    out: dict[str, Any] = {}
    for name, item in value.items():
        safe_name = rules.text(str(name))
        if isinstance(item, str) and ((key_object and name == "value") or name in rules.secret_fields):
            out[safe_name] = rules.marker(item)
        else:
            out[safe_name] = _redact(item, rules, emails, holds_key=name == "api_key")
    return out


def redact_headers(
    headers: Mapping[str, str], secrets: Iterable[str] = (), rules: RedactionRules = GENERIC
) -> dict[str, str]:
    """Header names lower-cased; credential headers replaced whole, the rest scrubbed of keys."""
    known = rules.with_secrets(secrets)
    out = {}
    for name, value in headers.items():
        lower = _header_name(name, known)
        out[lower] = REDACTED if lower in known.secret_headers else known.text(value)
    return out


def _header_name(name: str, rules: RedactionRules) -> str:
    """A header name lower-cased, unless it carries a secret: then redacted first, with the case it
    was sent in (lower-casing first would hide a key from its case-sensitive pattern)."""
    scrubbed = rules.text(name)
    if scrubbed != name:
        return scrubbed
    lower = name.lower()
    for secret in rules.secrets:  # a server that echoed a key in a name may have changed its case
        if secret and secret.lower() in lower:
            lower = lower.replace(secret.lower(), rules.marker(secret))
    return lower


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
