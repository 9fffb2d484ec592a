"""`apidrift check --live --api` for an API that is not OpenAI's, over real HTTP (a starlette app on
127.0.0.1): the profile gives the key's variable, its header and its key pattern; bad input is one
`error:` line and exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from apidrift.contracts.model import ContractVersion, Operation, Parameter, ResponseSpec
from conftest import ServeApp

API = "pets-e2e"
VARIABLE = "PETS_E2E_KEY"
KEY = "pet_live_" + "E2eSecretKey" * 2  # built at run time: no key-shaped literal in the repo
PLANTED = "pet_test_" + "PlantedInBody" * 2
PROFILE = f"""
name = "{API}"
key_env = "{VARIABLE}"
[auth]
scheme = "header"
header = "x-pet-key"
[[secrets]]
pattern = '(?P<prefix>pet_(?:live|test)_)[A-Za-z0-9]{{8,}}'
placeholder = "{{prefix}}REDACTED"
[sweep]
inactive_when = {{ status = ["sold"] }}
"""


def _get(op_id: str, path: str, links: dict[str, Any] | None = None) -> Operation:
    params = tuple(
        Parameter(name.strip("{}"), "path", True, {"type": "string"})
        for name in path.split("/")
        if name.startswith("{")
    )
    schema = {"type": "object", "properties": {"data": {"type": "array"}, "id": {"type": "string"}}}
    return Operation(
        op_id, "GET", path, "", params, None, {"200": ResponseSpec("200", "ok", schema, links or {})}
    )


def contracts_root(tmp_path: Path) -> Path:
    """`<root>/<api>/v1/` (a tiny pet contract) and `<root>/<api>/profile.toml`."""
    toy_link = {"toy": {"operationId": "get-toy", "parameters": {"toy_id": "$response.body#/data/0/id"}}}
    operations = [
        _get("list-pets", "/pets"),
        _get("get-pet", "/pets/{pet_id}"),
        _get("list-pet-toys", "/pets/{pet_id}/toys", toy_link),
        _get("get-toy", "/toys/{toy_id}"),
    ]
    version = ContractVersion(API, "v1", None, "", (), {op.id: op for op in operations}, {})
    root = tmp_path / "contracts"
    version.write(root / API / "v1")
    (root / API / "profile.toml").write_text(PROFILE, encoding="utf-8")
    return root


def pet_app(seen: list[dict[str, str]]) -> Starlette:
    def note(request: Request) -> None:
        seen.append({"path": request.url.path, **{k.lower(): v for k, v in request.headers.items()}})

    async def pets(request: Request) -> JSONResponse:
        note(request)
        items = [{"id": "pet_sold", "status": "sold"}, {"id": "pet_1", "status": "ok", "note": PLANTED}]
        return JSONResponse({"data": items})

    async def one(request: Request) -> JSONResponse:
        note(request)
        return JSONResponse({"id": request.path_params["pet_id"]})

    async def toys(request: Request) -> JSONResponse:
        note(request)
        return JSONResponse({"data": [{"id": f"toy_of_{request.path_params['pet_id']}"}]})

    async def toy(request: Request) -> JSONResponse:
        note(request)
        return JSONResponse({"id": request.path_params["toy_id"]})

    return Starlette(
        routes=[
            Route("/v1/pets", pets),
            Route("/v1/pets/{pet_id}", one),
            Route("/v1/pets/{pet_id}/toys", toys),
            Route("/v1/toys/{toy_id}", toy),
        ]
    )


def apidrift(cwd: Path, *args: str, key: str | None = KEY) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != VARIABLE} | {"NO_COLOR": "1", "COLUMNS": "200"}
    if key is not None:
        env[VARIABLE] = key
    command = [sys.executable, "-m", "apidrift.cli", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_a_non_openai_api_is_swept_live_by_its_profile(serve_app: ServeApp, tmp_path: Path) -> None:
    seen: list[dict[str, str]] = []
    base = serve_app(pet_app(seen)) + "/v1"
    root = contracts_root(tmp_path)
    done = apidrift(
        tmp_path,
        "check",
        "--live",
        "--api",
        API,
        "--contracts",
        str(root),
        "--base-url",
        base,
        "--record",
        "rec",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert [s["path"] for s in seen] == [
        "/v1/pets",
        "/v1/pets/pet_1",
        "/v1/pets/pet_1/toys",
        "/v1/toys/toy_of_pet_1",
    ]
    # The key went in the profile's header, and only there.
    assert all(s["x-pet-key"] == KEY and "authorization" not in s for s in seen)
    recorded = {p.name: p.read_text() for p in sorted((tmp_path / "rec").glob("*.json"))}
    assert set(recorded) == {"list-pets.json", "get-pet.json", "list-pet-toys.json", "get-toy.json"}
    everything = "".join(recorded.values()) + done.stdout + done.stderr
    everything += "".join(p.read_text() for p in (tmp_path / "reports").glob("*.*"))
    assert KEY not in everything and PLANTED not in everything
    assert json.loads(recorded["list-pets.json"])["body"]["data"][1]["note"] == "pet_test_REDACTED"

    # A profile file works as well as a name.
    again = apidrift(
        tmp_path,
        "check",
        "--live",
        "--api",
        str(root / API / "profile.toml"),
        "--contracts",
        str(root),
        "--base-url",
        base,
    )
    assert again.returncode == 0, again.stdout + again.stderr


@pytest.mark.parametrize(
    ("args", "key", "message"),
    [
        ((), KEY, f"the '{API}' profile has no base_url: give --base-url"),
        (("--base-url", "http://127.0.0.1:9/v1"), None, f"{VARIABLE} is not set"),
        (
            ("--base-url", "http://127.0.0.1:9/v1", "--allow-writes", "--sandbox-project", "s"),
            KEY,
            f"the '{API}' profile has no sandbox write plan",
        ),
    ],
)
def test_what_a_profile_cannot_do_is_one_error_line_and_exit_2(
    tmp_path: Path, args: tuple[str, ...], key: str | None, message: str
) -> None:
    root = contracts_root(tmp_path)
    done = apidrift(tmp_path, "check", "--live", "--api", API, "--contracts", str(root), *args, key=key)
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], done.stderr


def test_cleanup_with_a_profile_without_a_sandbox_plan_undoes_only_entries_naming_their_undo(
    tmp_path: Path,
) -> None:
    """Without a sandbox plan, nothing a `check --live` sweep ledgered can be undone (it stays, exit 1);
    only entries that name their own delete (a fuzz run's) could be, and with no ledger it says so."""
    root = contracts_root(tmp_path)
    args = ("cleanup", "--api", API, "--contracts", str(root), "--base-url", "http://127.0.0.1:9/v1")
    done = apidrift(tmp_path, *args)
    assert done.returncode == 0 and "nothing to clean up" in done.stdout, done.stdout + done.stderr
    entry = {
        "entry_id": "e1",
        "run_id": "r1",
        "kind": "project",
        "base_url": "http://127.0.0.1:9/v1",
        "api": API,
        "recorded_at": "2026-01-01T00:00:00+00:00",
    }
    ledger = tmp_path / "apidrift-ledger.jsonl"
    ledger.write_text(json.dumps(entry) + "\n")
    ledger.chmod(0o600)
    done = apidrift(tmp_path, *args, "--ledger", str(ledger))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and ledger.read_text().strip() == json.dumps(entry)
