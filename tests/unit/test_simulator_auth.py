"""Where the simulator serves an API (its contract's servers, else its profile's base_url, else `/v1`)
and what it asks a request to carry (the contract's security requirements, else the profile's)."""

from __future__ import annotations

from typing import Any

import pytest

from apidrift.contracts.model import ContractVersion, Operation
from apidrift.contracts.security import Credential
from apidrift.openapi.surface import servers_of
from apidrift.profiles.model import ApiProfile, Auth
from apidrift.simulator.auth import Guard, guard_of
from apidrift.simulator.routes import base_path_of

GENERIC = ApiProfile.generic("things")


def version(*, servers: tuple[str, ...] = (), schemes: dict[str, Any] | None = None) -> ContractVersion:
    return ContractVersion(
        api="things",
        version="v1",
        date=None,
        description="",
        sources=(),
        operations={},
        schemas={},
        security_schemes=schemes or {},
        servers=servers,
    )


def op(security: tuple[dict[str, tuple[str, ...]], ...] | None) -> Operation:
    return Operation(
        id="list-things",
        method="GET",
        path="/things",
        summary="",
        parameters=(),
        request_body=None,
        responses={},
        security=security,
    )


@pytest.mark.parametrize(
    ("servers", "base_url", "expected"),
    [
        (("https://api.example.com/v2",), None, "/v2"),
        (("https://api.example.com/v2/",), "https://x.example/v7", "/v2"),
        (("/api/v3",), None, "/api/v3"),
        (("/",), "https://x.example/v7", ""),
        (("https://api.example.com",), None, ""),
        ((), "https://x.example/v7", "/v7"),
        ((), None, "/v1"),
        (("https://api.example.com/{base}",), "https://x.example/v7", "/v7"),  # no default: unusable
        (("https://api.example.com/a%20b",), None, "/a b"),
    ],
)
def test_the_base_path_comes_from_the_servers_then_the_profile(
    servers: tuple[str, ...], base_url: str | None, expected: str
) -> None:
    profile = GENERIC.model_copy(update={"base_url": base_url})
    assert base_path_of(version(servers=servers), profile) == expected


def test_server_variables_take_their_defaults() -> None:
    document = {
        "servers": [
            {
                "url": "https://{region}.example.com:{port}/{base}",
                "variables": {
                    "region": {"default": "eu", "enum": ["eu", "us"]},
                    "port": {"default": "8443"},
                    "base": {"default": "api/v4"},
                },
            },
            {"description": "no url"},
            {"url": "/"},
        ]
    }
    assert servers_of(document) == ("https://eu.example.com:8443/api/v4", "/")
    assert servers_of({}) == ()


def admits(guard: Guard, **where: dict[str, str]) -> bool:
    return guard.admits(where.get("headers", {}), where.get("query", {}), where.get("cookies", {}))


def test_each_kind_of_scheme_is_asked_for_where_it_says() -> None:
    schemes = {
        "basic": {"type": "http", "scheme": "basic"},
        "bearer": {"type": "http", "scheme": "bearer"},
        "inQuery": {"type": "apiKey", "in": "query", "name": "api_key"},
        "inCookie": {"type": "apiKey", "in": "cookie", "name": "session"},
        "oauth": {"type": "oauth2", "flows": {}},
    }
    v = version(schemes=schemes)
    basic = guard_of(op(({"basic": ()},)), v, GENERIC)
    assert admits(basic, headers={"authorization": "Basic dXNlcjpwdw=="})
    assert not admits(basic, headers={"authorization": "Bearer abc"})
    assert not admits(basic, headers={"authorization": "Basic "})
    query = guard_of(op(({"inQuery": ()},)), v, GENERIC)
    assert admits(query, query={"api_key": "k"}) and not admits(query, headers={"api_key": "k"})
    cookie = guard_of(op(({"inCookie": ()},)), v, GENERIC)
    assert admits(cookie, cookies={"session": "s"}) and not admits(cookie, query={"session": "s"})
    oauth = guard_of(op(({"oauth": ("read",)},)), v, GENERIC)
    assert admits(oauth, headers={"authorization": "bearer t"})
    assert "api_key query parameter" in str(query.refusal().message)
    assert "session cookie" in str(cookie.refusal().message)


def test_alternatives_and_requirements_together() -> None:
    schemes = {
        "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
        "app": {"type": "apiKey", "in": "header", "name": "X-App"},
        "bearer": {"type": "http", "scheme": "bearer"},
    }
    # Either both keys together, or a bearer token.
    guard = guard_of(op(({"key": (), "app": ()}, {"bearer": ()})), version(schemes=schemes), GENERIC)
    assert admits(guard, headers={"x-key": "a", "x-app": "b"})
    assert not admits(guard, headers={"x-key": "a"})
    assert admits(guard, headers={"authorization": "Bearer t"})
    message = guard.refusal().message
    assert "X-Key header and the X-App header" in message and " or an Authorization header" in message
    assert guard.refusal().status == 401


def test_open_operations_and_the_profile_fallback() -> None:
    v = version(schemes={"key": {"type": "apiKey", "in": "header", "name": "X-Key"}})
    assert guard_of(op(()), v, GENERIC).open  # its own `security: []`
    assert guard_of(op(({},)), v, GENERIC).open  # an empty alternative: auth is optional
    assert guard_of(op(None), v, GENERIC).open  # the contract says nothing, nor does the profile
    header = GENERIC.model_copy(update={"auth": Auth(scheme="header", header="X-Thing-Key")})
    said = guard_of(op(None), v, header)
    assert said.alternatives == ((Credential("header", "X-Thing-Key"),),)
    # A requirement naming a scheme the contract does not define: the profile says how.
    assert guard_of(op(({"missing": ()},)), v, header) == said
    worded = header.model_copy(update={"auth": Auth(scheme="bearer", message="No key, friend.")})
    assert guard_of(op(None), v, worded).refusal().message == "No key, friend."
