"""Helpers of the fuzz tests: a simulator served over real HTTP on 127.0.0.1, path ids discovered
through the API, invalid-body mutations, and the two HTTP properties (run under `active_profile()`)."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn
from hypothesis import assume, given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from starlette.types import ASGIApp

from apidrift.check.shapes import FieldShape, SchemaFlattener
from apidrift.contracts.model import DEFS_PREFIX, ContractVersion, Operation, rooted
from apidrift.generate.strategies import from_schema
from apidrift.testing.profiles import active_profile

TEST_KEY = "sk-apidrift-fuzz-not-a-real-key"
_PARAM = re.compile(r"\{(\w+)\}")
# A value of each JSON type, to put where the contract wants another type.
_WRONG = (
    ("string", "apidrift"),
    ("integer", 7),
    ("boolean", True),
    ("object", {}),
    ("array", []),
    ("null", None),
)


@contextmanager
def served(app: ASGIApp) -> Iterator[str]:
    """Serve `app` with uvicorn on a free port of 127.0.0.1 in a thread; yields `http://127.0.0.1:PORT`."""
    # IPPROTO_TCP: asyncio sets TCP_NODELAY only on sockets whose proto says TCP (else ~40 ms per response).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="critical", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the simulator server did not start")
        time.sleep(0.005)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def api_client(base_url: str) -> httpx.Client:
    return httpx.Client(
        base_url=f"{base_url}/v1", headers={"Authorization": f"Bearer {TEST_KEY}"}, timeout=10
    )


def concrete_path(client: httpx.Client, version: ContractVersion, op: Operation) -> str | None:
    """`op.path` with ids of live items listed through the API (backtracking over the first few of
    each list, so `/projects/{project_id}/groups/{group_id}` finds a project that has groups)."""
    gets = {o.path for o in version.operations.values() if o.method == "GET"}
    names = _PARAM.findall(op.path)

    def bind(bound: dict[str, str]) -> dict[str, str] | None:
        if len(bound) == len(names):
            return bound
        name = names[len(bound)]
        listing = op.path.split("/{" + name + "}")[0]
        listing = listing if listing in gets else "/organization" + listing
        for item in _items(client, _fill(listing, bound))[:5]:
            value = item.get(name, item.get("id"))
            if isinstance(value, str) and (found := bind({**bound, name: value})):
                return found
        return None

    found = bind({})
    return None if found is None else _fill(op.path, found)


def _items(client: httpx.Client, path: str) -> list[dict[str, Any]]:
    response = client.get(path, params={"limit": 100})
    data = response.json().get("data", []) if response.status_code == 200 else []
    return [
        i for i in data if i.get("archived_at") is None and i.get("status") not in ("archived", "deleted")
    ]


def _fill(template: str, params: dict[str, str]) -> str:
    for name, value in params.items():
        template = template.replace("{" + name + "}", value)
    return template


def request_validator(version: ContractVersion, op: Operation) -> Draft202012Validator:
    return Draft202012Validator(version.request_schema(op.id) or {}, registry=version.registry)


def error_validator(version: ContractVersion) -> Draft202012Validator:
    """The documented `ErrorResponse` of a version."""
    schema = rooted({"$ref": DEFS_PREFIX + "ErrorResponse"}, version.base + "fuzz-error.json")
    return Draft202012Validator(schema, registry=version.registry)


def _top_fields(version: ContractVersion, op: Operation) -> dict[str, FieldShape]:
    assert op.request_body is not None
    flat = SchemaFlattener(version.schemas).flatten(op.request_body.schema)
    return {p: s for p, s in flat.items() if p and "." not in p and "[" not in p}


def _wrong_value(shape: FieldShape) -> Any:
    admitted = set(shape.types) | ({"integer"} if "number" in shape.types else set())
    return next((value for kind, value in _WRONG if kind not in admitted), None) if shape.types else None


@st.composite
def invalid_bodies(draw: st.DrawFn, version: ContractVersion, op: Operation) -> tuple[str, str | None, Any]:
    """A valid body with one mutation: a required field dropped, a wrong type, a bad enum value, or
    not an object at all. Returns (mutation, the field it touched, the body)."""
    assert op.request_body is not None
    body = draw(from_schema(op.request_body.schema, version.schemas))
    top = _top_fields(version, op)
    present = [name for name in body if name in top]
    choices: list[tuple[str, str | None]] = [("not an object", None)]
    choices += [("drop", n) for n in present if top[n].required]
    choices += [("wrong type", n) for n in present if _wrong_value(top[n]) is not None]
    choices += [("bad enum", n) for n in present if top[n].enum]
    kind, name = draw(st.sampled_from(choices))
    if kind == "not an object":
        return kind, None, [body]
    mutated = dict(body)
    if kind == "drop":
        del mutated[str(name)]
    elif kind == "wrong type":
        mutated[str(name)] = _wrong_value(top[str(name)])
    else:
        mutated[str(name)] = "apidrift-not-in-the-enum"
    return kind, name, mutated


def check_valid_bodies_never_5xx(
    client: httpx.Client, version: ContractVersion, op: Operation, path: str
) -> None:
    """Property: every body valid for `version` is answered below 500 (4xx is fine: ids may not exist)."""
    assert op.request_body is not None

    @active_profile()
    @given(from_schema(op.request_body.schema, version.schemas))
    def prop(body: Any) -> None:
        response = client.post(path, json=body)
        answer = f"{response.status_code} to a valid body {json.dumps(body)}: {response.text[:300]}"
        assert response.status_code < 500, f"{op.id} answered {answer}"

    prop()


def check_invalid_bodies_get_4xx(
    client: httpx.Client, version: ContractVersion, op: Operation, path: str
) -> None:
    """Property: a body the contract rejects gets a 4xx with the documented error object naming the field."""
    judge, errors = request_validator(version, op), error_validator(version)

    @active_profile()
    @given(invalid_bodies(version, op))
    def prop(case: tuple[str, str | None, Any]) -> None:
        kind, name, body = case
        assume(not judge.is_valid(body))  # a mutation inside a union may still be valid
        response = client.post(path, json=body)
        answer = f"{response.status_code} to {json.dumps(body)}: {response.text[:300]}"
        where = f"{op.id}, {kind} {name or ''}: {answer}"
        assert 400 <= response.status_code < 500, where
        try:
            document = response.json()
        except ValueError:
            document = None
        assert document is not None and errors.is_valid(document), f"not an ErrorResponse: {where}"
        if name is not None:
            assert document["error"]["param"] == name, where

    prop()
