"""Who may call an operation of the simulated API: the credentials its contract's security requirements
ask for (OpenAPI `security` and `securitySchemes`), else those of the profile's `[auth]`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from apidrift.contracts.model import ContractVersion, Operation
from apidrift.contracts.security import Credential, Values, credentials_of
from apidrift.profiles.model import ApiProfile
from apidrift.simulator.errors import ApiError


@dataclass(frozen=True)
class Guard:
    """What an operation accepts: alternatives, each credentials sent together; open when there is no
    alternative or an empty one. `message` is the profile's wording of the 401, if it has its own."""

    alternatives: tuple[tuple[Credential, ...], ...] = ()
    message: str | None = None

    @property
    def open(self) -> bool:
        return not self.alternatives or any(not creds for creds in self.alternatives)

    def admits(self, headers: Values, query: Values, cookies: Values) -> bool:
        return self.open or any(
            all(c.present(headers, query, cookies) for c in creds) for creds in self.alternatives
        )

    def refusal(self) -> ApiError:
        """The 401 naming what is missing and where (never what was sent)."""
        if self.message is not None:
            return ApiError(401, self.message)
        ways = " or ".join(" and ".join(c.describe() for c in creds) for creds in self.alternatives)
        return ApiError(401, f"Missing credentials: provide {ways}.", code="missing_credentials")


def guard_of(op: Operation, version: ContractVersion, profile: ApiProfile) -> Guard:
    """The operation's own security, else the document's (both stored on the operation at import);
    where the contract says nothing, the profile's `[auth]` if it sets one, else none at all."""
    message = profile.auth.message
    if op.security is None:
        said = "auth" in profile.model_fields_set
        return Guard((profile_credentials(profile),), message) if said else Guard((), message)
    alternatives = []
    for requirement in op.security:
        creds: list[Credential] = []
        for name in requirement:
            scheme = version.security_schemes.get(name)
            if scheme is None:
                # A scheme the contract does not define: the profile says how the key is sent.
                creds.extend(profile_credentials(profile))
            else:
                creds.extend(credentials_of(scheme))
        alternatives.append(tuple(dict.fromkeys(creds)))
    return Guard(tuple(alternatives), message)


def profile_credentials(profile: ApiProfile) -> tuple[Credential, ...]:
    auth = profile.auth
    if auth.scheme == "bearer":
        return (Credential("header", "authorization", "bearer"),)
    return (Credential("header", auth.header),)


def common_guard(guards: Iterable[Guard], fallback: Guard) -> Guard:
    """The guard most operations share: what a request to a path nothing serves must pass before it
    is told so (an API asks for its key before it says a URL is unknown)."""
    counts = Counter(guards)
    return counts.most_common(1)[0][0] if counts else fallback
