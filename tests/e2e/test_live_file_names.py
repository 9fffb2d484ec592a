"""Names of operations never become file paths unescaped: `apidrift check --live --record DIR` over an
imported contract whose operation ids are `../../../x`, `a/b` and `a_b` writes every recording inside
DIR, one file per operation, and the check reads each back under its own operation id."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from apidrift.contracts.model import ContractVersion, Operation, ResponseSpec
from hostile_server import RawRequest, hostile_server, response

API = "names-e2e"
KEY = "sk-admin-REDACTED"
HOSTILE_OPS = {"../../../x": "/x", "a/b": "/b", "a_b": "/c", "A_B": "/d"}


def contracts_root(tmp_path: Path) -> Path:
    schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}}
    operations = [
        Operation(op_id, "GET", path, "", (), None, {"200": ResponseSpec("200", "ok", schema, {})})
        for op_id, path in HOSTILE_OPS.items()
    ]
    version = ContractVersion(API, "v1", None, "", (), {op.id: op for op in operations}, {})
    root = tmp_path / "contracts"
    version.write(root / API / "v1")
    (root / API / "profile.toml").write_text(f'name = "{API}"\nkey_env = "NAMES_E2E_KEY"\n', "utf-8")
    return root


def test_a_recording_for_a_dotted_operation_id_lands_inside_the_record_folder(tmp_path: Path) -> None:
    work = tmp_path / "work"
    record = work / "deep" / "er" / "rec"
    work.mkdir()
    root = contracts_root(tmp_path)

    def answer(request: RawRequest, _: int) -> bytes:
        return response(200, {"ok": True})

    env = {**os.environ, "NAMES_E2E_KEY": KEY, "NO_COLOR": "1", "COLUMNS": "200"}
    with hostile_server(answer) as server:
        args = ["check", "--live", "--api", API, "--contracts", str(root), "--base-url", server.base_url]
        command = [sys.executable, "-m", "apidrift.cli", *args, "--record", str(record)]
        done = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    written = sorted(p for p in tmp_path.rglob("*.json") if not {"contracts", "reports"} & set(p.parts))
    assert written and all(p.resolve().is_relative_to(record.resolve()) for p in written), written
    assert not (tmp_path / "x.json").exists() and not (work / "x.json").exists()
    # One file per operation: `a/b`, `a_b` and `A_B` share a safe name, and none overwrote another.
    operations = {json.loads(p.read_text())["operation"]: p.name for p in written if p.parent == record}
    assert set(operations) == set(HOSTILE_OPS)
    assert len(set(operations.values())) == len(HOSTILE_OPS)
    assert all(name.count("/") == 0 and not name.startswith(".") for name in operations.values())
