"""The simulator serves an API that is not OpenAI's on its own terms, over HTTP: below the path of its
document's `servers`, behind the security its contract states (an apiKey header, an open operation),
taking request bodies of whatever JSON type their schema documents (an array, a string)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from apidrift.contracts.model import ContractStore
from apidrift.simulator import create_app
from cli_support import run_cli
from conftest import ServeApp

# Not OpenAI's `{"error": {...}}`: errors answer in this shape.
ERROR = {
    "type": "object",
    "required": ["message"],
    "properties": {"message": {"type": "string"}},
    "additionalProperties": False,
}
BOOK = {
    "type": "object",
    "required": ["id", "title"],
    "properties": {"id": {"type": "string"}, "title": {"type": "string"}},
}


def _json_response(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": "ok", "content": {"application/json": {"schema": schema}}}


def shelf_document(servers: list[dict[str, Any]]) -> dict[str, Any]:
    """A small API written for this test: a key in `X-Shelf-Key`, one open operation, an array body
    and a string body."""
    errors = {"400": _json_response(ERROR), "401": _json_response(ERROR), "404": _json_response(ERROR)}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Shelf", "version": "3"},
        "servers": servers,
        "security": [{"shelfKey": []}],
        "components": {
            "securitySchemes": {"shelfKey": {"type": "apiKey", "in": "header", "name": "X-Shelf-Key"}},
            "schemas": {"Book": BOOK, "Error": ERROR},
        },
        "paths": {
            "/health": {
                "get": {
                    "operationId": "health",
                    "security": [],
                    "responses": {
                        "200": _json_response({"type": "object", "properties": {"ok": {"type": "boolean"}}})
                    },
                }
            },
            "/books": {
                "get": {
                    "operationId": "list-books",
                    "responses": {
                        "200": _json_response(
                            {"type": "array", "items": {"$ref": "#/components/schemas/Book"}}
                        ),
                        **errors,
                    },
                },
                "post": {
                    "operationId": "shelve-books",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "minItems": 1,
                                    "items": {
                                        "type": "object",
                                        "required": ["title"],
                                        "properties": {"title": {"type": "string", "minLength": 1}},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": _json_response(
                            {"type": "object", "properties": {"shelved": {"type": "integer"}}}
                        ),
                        **errors,
                    },
                },
            },
            "/motto": {
                "put": {
                    "operationId": "set-motto",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"type": "string", "maxLength": 20}}},
                    },
                    "responses": {"200": _json_response({"type": "string"}), **errors},
                }
            },
        },
    }


def imported(tmp_path: Path, servers: list[dict[str, Any]]) -> ContractStore:
    """The document imported as a person does (`apidrift import-openapi`), into tmp_path/contracts."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    spec = tmp_path / "shelf.json"
    spec.write_text(json.dumps(shelf_document(servers)))
    done = run_cli("import-openapi", str(spec), "--api", "shelf", "--version", "v3", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    return ContractStore(tmp_path / "contracts", api="shelf")


def key() -> dict[str, str]:
    return {"X-Shelf-Key": "-".join(("shelf", "REDACTED"))}


@pytest.fixture
def shelf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, serve_app: ServeApp) -> str:
    """The shelf API served over HTTP; its base URL as the simulator says it serves it."""
    monkeypatch.setenv("APIDRIFT_CACHE_DIR", str(tmp_path / "cache"))
    store = imported(tmp_path, [{"url": "/api/v3"}])
    assert store.load("v3").servers == ("/api/v3",)  # the import keeps the document's servers
    app = create_app("v3", store=store)
    origin = serve_app(app)
    info = httpx.get(origin + "/__apidrift__/info", timeout=10).json()
    assert info["base_path"] == app.state.simulator.base_path == "/api/v3"
    return origin + info["base_path"]


def test_served_below_the_documents_server_path(shelf: str) -> None:
    with httpx.Client(base_url=shelf, headers=key(), timeout=10) as c:
        assert c.get("/books").status_code == 200
        assert c.get("/health").status_code == 200
    origin = shelf.removesuffix("/api/v3")
    assert httpx.get(origin + "/v1/books", headers=key(), timeout=10).status_code == 404


def test_the_contracts_api_key_header_is_asked_for_and_an_open_operation_is_open(shelf: str) -> None:
    with httpx.Client(base_url=shelf, timeout=10) as anon:
        refused = anon.get("/books")
        assert refused.status_code == 401
        message = refused.json()["message"]  # the documented error shape
        assert "X-Shelf-Key header" in message and "Bearer" not in message  # generic, not OpenAI's
        # A bearer token is not what this API takes.
        assert anon.get("/books", headers={"Authorization": "Bearer " + "x" * 12}).status_code == 401
        assert anon.get("/health").status_code == 200  # its own `security: []`
        assert anon.get("/books", headers=key()).status_code == 200


def test_an_array_body_and_a_string_body_are_taken_when_their_schema_says_so(shelf: str) -> None:
    with httpx.Client(base_url=shelf, headers=key(), timeout=10) as c:
        assert c.post("/books", json=[{"title": "Dune"}, {"title": "Emma"}]).status_code == 200
        assert c.put("/motto", json="read more").status_code == 200
        # Still validated: what the schema refuses is a 400, whatever its JSON type.
        assert c.post("/books", json=[]).status_code == 400
        assert c.post("/books", json=[{"title": ""}]).status_code == 400
        assert c.post("/books", json={"title": "Dune"}).status_code == 400
        assert c.put("/motto", json="x" * 21).status_code == 400
        assert c.put("/motto", json=["read more"]).status_code == 400


def test_a_server_url_with_variables_and_the_root_are_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, serve_app: ServeApp
) -> None:
    monkeypatch.setenv("APIDRIFT_CACHE_DIR", str(tmp_path / "cache"))
    server = {
        "url": "https://{region}.shelf.example/{base}",
        "variables": {"region": {"default": "eu"}, "base": {"default": "shelf/v2"}},
    }
    store = imported(tmp_path / "vars", [server, {"url": "https://other.example/v9"}])
    app = create_app("v3", store=store)
    assert app.state.simulator.base_path == "/shelf/v2"  # the first server, its defaults filled in
    origin = serve_app(app)
    assert httpx.get(origin + "/shelf/v2/health", timeout=10).status_code == 200
    root = imported(tmp_path / "root", [{"url": "/"}])
    served = serve_app(create_app("v3", store=root))
    assert httpx.get(served + "/health", timeout=10).status_code == 200
    assert httpx.get(served + "/books", headers=key(), timeout=10).status_code == 200


def test_the_openai_profile_keeps_its_own_401_wording(serve_app: ServeApp) -> None:
    """The wording is the profile's data (`[auth] message`), not the generic simulator's."""
    app = create_app("2026-04-30")
    base = serve_app(app) + app.state.simulator.base_path
    assert app.state.simulator.base_path == "/v1"
    refused = httpx.get(base + "/organization/projects", timeout=10)
    assert refused.status_code == 401
    assert refused.json()["error"]["message"] == (
        "You didn't provide an API key. You need to provide your API key in an Authorization header "
        "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
    )


def test_serve_prints_the_url_it_serves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`apidrift serve` names the base URL below the document's server path (the server itself is
    replaced: only what is printed before it starts is under test here)."""
    import uvicorn

    monkeypatch.setenv("APIDRIFT_CACHE_DIR", str(tmp_path / "cache"))
    imported(tmp_path, [{"url": "https://shelf.example/api/v3"}])
    started: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: started.append(app))
    args = ("serve", "--api", "shelf", "--contracts", str(tmp_path / "contracts"), "--port", "8123")
    done = run_cli(*args, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "on http://127.0.0.1:8123/api/v3" in done.stdout
    assert started and started[0].state.simulator.base_path == "/api/v3"


def test_a_live_check_of_an_api_without_a_profile_sends_its_key_where_the_contract_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shelf: str
) -> None:
    from apidrift.live.check import LiveCheckOptions, run_live_check

    store = ContractStore(tmp_path / "contracts", api="shelf")
    opts = LiveCheckOptions(base_url=shelf, record_dir=tmp_path / "rec")
    result = run_live_check(store, opts, key()["X-Shelf-Key"])
    answered = {call.operation: getattr(call.outcome, "status", call.outcome) for call in result.sweep.calls}
    assert answered == {"health": 200, "list-books": 200}, answered
    assert result.transport_findings == [] and result.exit_code == 0
    # The header carrying the key is a secret header: no recording holds the key.
    assert all(key()["X-Shelf-Key"] not in p.read_text() for p in result.written)
