"""What an operation's security requirements ask a request to carry (OpenAPI `security` and
`securitySchemes`, as the contract keeps them): read by the simulator to guard its operations and by
a live run to send its one key where the contract says."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from apidrift.contracts.model import ContractVersion

Place = Literal["header", "query", "cookie"]
Values = Mapping[str, str]


@dataclass(frozen=True)
class Credential:
    """One credential a request carries: a header, query parameter or cookie by name; for an HTTP
    scheme (`bearer`, `basic`, ...) the Authorization header, its value starting with that scheme."""

    place: Place
    name: str
    scheme: str | None = None

    def present(self, headers: Values, query: Values, cookies: Values) -> bool:
        source = {"header": headers, "query": query, "cookie": cookies}[self.place]
        value = source.get(self.name.lower() if self.place == "header" else self.name) or ""
        if self.scheme is None:
            return bool(value.strip())
        return re.match(rf"\s*{re.escape(self.scheme)}\s+\S", value, re.IGNORECASE) is not None

    def describe(self) -> str:
        if self.scheme is not None:
            word = self.scheme.capitalize()
            return f"an Authorization header using {word} auth (Authorization: {word} <credentials>)"
        return f"the {self.name} {'query parameter' if self.place == 'query' else self.place}"


def credentials_of(scheme: Mapping[str, Any]) -> tuple[Credential, ...]:
    """What one security scheme asks a request to carry; nothing for one the simulator cannot see
    (mutual TLS happens below HTTP)."""
    kind = scheme.get("type")
    if kind == "apiKey":
        place, name = scheme.get("in"), scheme.get("name")
        if place in ("header", "query", "cookie") and isinstance(name, str) and name:
            return (Credential(place, name),)
        return ()
    if kind == "http":
        word = scheme.get("scheme")
        return (Credential("header", "authorization", str(word).lower() if word else "bearer"),)
    if kind in ("oauth2", "openIdConnect"):
        # Both end in an access token sent as a bearer token.
        return (Credential("header", "authorization", "bearer"),)
    return ()


def key_credential(version: ContractVersion) -> Credential | None:
    """Where a client holding one key sends it for this version: the single credential most of its
    operations accept on its own (None when every operation is open or none takes a lone credential)."""
    counts: Counter[Credential] = Counter()
    for op in version.operations.values():
        for requirement in op.security or ():
            creds = [
                c for name in requirement for c in credentials_of(version.security_schemes.get(name) or {})
            ]
            if len(creds) == 1:
                counts[creds[0]] += 1
                break
    return counts.most_common(1)[0][0] if counts else None
