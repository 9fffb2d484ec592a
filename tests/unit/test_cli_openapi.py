"""`apidrift import-openapi`: files written, examples checked and reported, bad input one line and exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import apidrift.cli.openapi  # noqa: F401  (adds import-openapi to the app until register() does)
import apidrift.openapi.sources as sources
from apidrift.check.recordings import load_recordings
from apidrift.cli import register
from apidrift.cli.app import app
from apidrift.contracts.model import ContractStore

REPO = Path(__file__).resolve().parents[2]
# The command exists once its module is imported; this works before and after register() imports it.
CLI = [sys.executable, "-c", "import apidrift.cli.openapi; from apidrift.cli.app import main; main()"]
register()  # with one command only, Typer would make it the whole app (no command name)

SPEC = """\
openapi: 3.0.3
info: {title: OpenAI Admin, version: "1.2.0"}
paths:
  /organization/users/{user_id}:
    get:
      operationId: retrieve-user
      parameters:
        - {name: user_id, in: path, required: true, schema: {type: string, example: user_1}}
      responses:
        "200":
          description: The user.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/User"}
              examples:
                admin: {value: {id: user_2, role: admin, email: null}}
      x-oaiMeta:
        examples:
          response: |
            {"id": "user_1", "role": "owner", "email": "a@b.c",}
  /organization/projects/{project_id}/users:
    get:
      operationId: list-project-users
      responses:
        "200":
          description: The users.
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {type: array, items: {$ref: "#/components/schemas/User"}}
      x-oaiMeta:
        examples:
          response: '{"data": [{"id": "user_1", "role": "reader", "nickname": "ace"}]}'
  /organization/audit:
    get:
      operationId: audit
      responses: {"200": {description: ok}}
      x-oaiMeta: {examples: {response: "  "}}
  /chat/completions:
    post:
      operationId: chat
      responses: {"200": {description: ok}}
components:
  schemas:
    User:
      type: object
      required: [id, role]
      properties:
        id: {type: string}
        role: {type: string, enum: [owner, reader]}
        email: {type: string, nullable: true}
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("APIDRIFT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def work(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding spec.yaml; the command's default output folders land here."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    return tmp_path


def invoke(*args: str) -> Any:
    result = CliRunner().invoke(app, ["import-openapi", *args], env={"COLUMNS": "200", "NO_COLOR": "1"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [*CLI, "import-openapi", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


# --- what it writes ---------------------------------------------------------------------------


def test_import_writes_a_contract_version_index_and_recordings(work: Path) -> None:
    result = invoke("spec.yaml", "--version", "2025-01-31")
    assert result.exit_code == 0, result.output
    folder = work / "contracts" / "openai-admin" / "2025-01-31"
    assert sorted(p.name for p in folder.iterdir()) == ["contract.json", "schemas.json"]
    version = ContractStore(work / "contracts").load("2025-01-31")
    assert sorted(version.operations) == ["audit", "chat", "list-project-users", "retrieve-user"]
    assert version.date == "2025-01-31"  # the label is a date
    assert version.sources == (
        "openapi spec.yaml: spec.yaml (sha256 " + version.extra["openapi"]["sha256"][:16] + ")",
    )
    assert version.extra["openapi"]["openapi"] == "3.0.3"
    assert version.schemas["User"]["properties"]["email"] == {"type": ["string", "null"]}

    index = json.loads((work / "contracts" / "openai-admin" / "index.json").read_text())
    bundled = json.loads((REPO / "contracts" / "openai-admin" / "index.json").read_text())
    assert set(index) == set(bundled)
    (entry,) = index["versions"]
    assert list(entry) == list(bundled["versions"][0])  # the same fields, in the same order
    assert (entry["version"], entry["folder"], entry["operations"], entry["schemas"]) == (
        "2025-01-31",
        "2025-01-31",
        4,
        1,
    )

    recordings = load_recordings(work / "recordings" / "openai-admin" / "2025-01-31")
    assert not recordings.errors
    by_file = {r.file: r.recording for r in recordings.recordings}
    assert sorted(by_file) == [
        "list-project-users.json",
        "retrieve-user.200.examples_admin.json",
        "retrieve-user.200.x-oaiMeta.json",
    ]
    retrieved = by_file["retrieve-user.200.x-oaiMeta.json"]
    assert retrieved.path == "/organization/users/user_1"
    assert retrieved.body == {"id": "user_1", "role": "owner", "email": "a@b.c"}
    assert retrieved.provenance is not None
    assert retrieved.provenance.version == "2025-01-31"
    assert retrieved.provenance.source == "openapi spec.yaml x-oaiMeta retrieve-user"


def test_the_output_tables_disagreements_and_problems(work: Path) -> None:
    result = invoke("spec.yaml", "--version", "v1")
    assert result.exit_code == 0  # disagreeing examples are findings, not errors
    out = result.output
    assert "imported spec.yaml as openai-admin v1: 4 operations, 1 schemas" in out
    assert "3 documented examples -> recordings/openai-admin/v1/" in out
    table = [line for line in out.splitlines() if line.startswith("│")]
    rows = {
        cells[0]: cells[1:] for cells in ([c.strip() for c in row.strip("│").split("│")] for row in table)
    }
    assert rows == {
        "x-oaiMeta": ["2", "1", "1", "0"],
        "media type": ["1", "0", "0", "1"],
        "all": ["3", "1", "1", "1"],
    }
    assert "examples that disagree with their own schema (2):" in out
    assert "  list-project-users 200 (x-oaiMeta, list-project-users.json): shows undocumented fields" in out
    assert "    data[].nickname: undocumented field (string)" in out
    assert (
        "  retrieve-user 200 (examples/admin, retrieve-user.200.examples_admin.json): contradicts its schema"
        in out
    )
    assert "    role: " in out
    assert "documentation problems (3):" in out
    for problem in (
        "retrieve-user: documented example response has trailing commas (not strict JSON)",
        "list-project-users: path parameter {project_id} of GET /organization/projects/{project_id}/users "
        "is not declared",
        "audit: documented example response is empty",
    ):
        assert f"  {problem}" in out


def test_index_keeps_other_versions_and_replaces_its_own(work: Path) -> None:
    index_path = work / "contracts" / "openai-admin" / "index.json"
    index_path.parent.mkdir(parents=True)
    bundled = json.loads((REPO / "contracts" / "openai-admin" / "index.json").read_text())
    index_path.write_text(json.dumps(bundled))
    assert invoke("spec.yaml", "--version", "2026-05-01").exit_code == 0
    assert invoke("spec.yaml", "--version", "2026-05-01").exit_code == 0  # again: replaced, not added
    index = json.loads(index_path.read_text())
    assert [e["version"] for e in index["versions"]] == ["2026-04-30", "2026-05-01", "2026-05-02"]
    assert index["versions"][0] == bundled["versions"][0] and index["versions"][2] == bundled["versions"][1]


def test_reimport_removes_its_own_stale_recordings_and_keeps_others(work: Path) -> None:
    assert invoke("spec.yaml", "--version", "v1").exit_code == 0
    folder = work / "recordings" / "openai-admin" / "v1"
    live = json.loads((folder / "list-project-users.json").read_text())
    live["provenance"] = {"source": "live 2026-05-01", "version": "v1"}
    (folder / "live-capture.json").write_text(json.dumps(live))
    (work / "spec.yaml").write_text(
        SPEC.replace("examples:\n                admin:", "examples:\n                root:")
    )
    result = invoke("spec.yaml", "--version", "v1")
    assert "3 documented examples -> recordings/openai-admin/v1/, 1 stale removed" in result.output
    assert sorted(p.name for p in folder.iterdir()) == [
        "list-project-users.json",
        "live-capture.json",
        "retrieve-user.200.examples_root.json",
        "retrieve-user.200.x-oaiMeta.json",
    ]


def test_scope_api_and_output_folders(work: Path) -> None:
    result = invoke(
        "spec.yaml",
        "--version",
        "chat-1",
        "--scope",
        "/chat",
        "--scope",
        "/organization/audit",
        "--api",
        "openai",
        "--out",
        "c",
        "--recordings-out",
        "r",
    )
    assert result.exit_code == 0, result.output
    assert sorted(ContractStore(work / "c", "openai").load("chat-1").operations) == ["audit", "chat"]
    assert (work / "c" / "openai" / "index.json").is_file()
    assert not (work / "r").exists() or not list((work / "r").iterdir())  # neither documents an example
    assert "every documented example agrees with its schema" in result.output


def test_a_second_run_comes_from_the_cache_shared_with_diff(
    work: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = invoke("spec.yaml", "--version", "v1")
    entries = list((cache / "openapi").glob("*.json"))
    assert len(entries) == 1

    def refuse(path: Path) -> dict[str, Any]:
        raise AssertionError(f"{path} was parsed again")

    monkeypatch.setattr(sources, "load_document", refuse)
    second = invoke("spec.yaml", "--version", "v2")
    assert second.exit_code == 0
    assert second.output.replace("v2", "v1") == first.output
    contracts = ContractStore(work / "contracts")
    assert contracts.load("v1").operations == contracts.load("v2").operations
    # `apidrift diff spec.yaml ...` resolves the same file through the same cache entry.
    assert sources.resolve_version("spec.yaml", contracts).operations == contracts.load("v1").operations
    assert list((cache / "openapi").glob("*.json")) == entries


def test_the_api_and_label_come_from_the_document(work: Path) -> None:
    (work / "pets.yaml").write_text(SPEC.replace("title: OpenAI Admin", "title: Swagger Petstore"))
    result = invoke("pets.yaml")
    assert result.exit_code == 0, result.output
    assert (
        "imported pets.yaml as swagger-petstore 1.2.0 (label from info.version): 4 operations"
        in result.output
    )
    version = ContractStore(work / "contracts", "swagger-petstore").load("1.2.0")
    assert version.api == "swagger-petstore" and version.date is None
    assert "the whole document" in version.description
    (work / "dated.yaml").write_text(SPEC.replace('version: "1.2.0"', "version: 2024-10-01"))
    assert invoke("dated.yaml").exit_code == 0
    assert ContractStore(work / "contracts").load("2024-10-01").date == "2024-10-01"


def test_a_profile_scope_narrows_the_import(work: Path) -> None:
    result = invoke("spec.yaml", "--api", "openai-admin", "--version", "v1")
    assert result.exit_code == 0, result.output
    assert (
        "chat" not in ContractStore(work / "contracts").load("v1").operations
    )  # /chat is outside the profile


def test_a_label_from_info_version_never_replaces_another_document(work: Path) -> None:
    assert invoke("spec.yaml").exit_code == 0
    assert invoke("spec.yaml").exit_code == 0  # the same document again: replaced
    (work / "other.yaml").write_text(SPEC.replace("operationId: audit", "operationId: audit-log"))
    result = invoke("other.yaml")
    assert result.exit_code == 2
    assert "holds 1.2.0 imported from another document (spec.yaml); pass --version" in result.stderr
    # Named explicitly, it replaces the contract (its recordings go elsewhere: spec.yaml's stay).
    assert invoke("other.yaml", "--version", "1.2.0", "--recordings-out", "other").exit_code == 0
    assert "audit-log" in ContractStore(work / "contracts").load("1.2.0").operations


# --- bad input: one line, exit 2, no traceback -----------------------------------------------------

BAD_INPUT = {
    "not-yaml": (
        "{ unbalanced: [",
        [],
        "spec.yaml: neither YAML nor JSON at line 2 column 1: did not find expected node content",
    ),
    "not-utf8": (b"\xff\xfe\x00garbage", [], "spec.yaml: neither YAML nor JSON: not UTF-8 text (byte 0)"),
    "not-a-mapping": ("- a\n- b\n", [], "spec.yaml: not an OpenAPI document: the top level is not a mapping"),
    "not-openapi": ("info: {title: x}\npaths: {}\n", [], "spec.yaml: not an OpenAPI 3.x document"),
    "swagger-1.2": (
        'swagger: "1.2"\npaths: {}\n',
        [],
        "spec.yaml#/swagger: Swagger 1.2 is not supported; only 2.0 (converted) and OpenAPI 3.x",
    ),
    "dangling-schema-ref": (
        SPEC.replace("email: {type: string, nullable: true}", "email: {$ref: '#/components/schemas/Email'}"),
        [],
        "spec.yaml#/components/schemas/User/properties/email/$ref: "
        "dangling $ref '#/components/schemas/Email'",
    ),
    "dangling-response-ref": (
        SPEC.replace('responses: {"200": {description: ok}}', 'responses: {"200": {$ref: "#/x"}}', 1),
        [],
        "spec.yaml#/paths/~1organization~1audit/get/responses/200: dangling $ref '#/x'",
    ),
    "no-operation-in-scope": (
        SPEC,
        ["--scope", "/nothing"],
        "spec.yaml#/paths: --scope '/nothing' matches no operation of v1",
    ),
    "bad-label": (SPEC, ["--version", "../up"], "--version '../up' must be a folder name"),
    "no-usable-label": (
        SPEC.replace('version: "1.2.0"', 'version: "v 1"'),
        ["--no-version"],
        "spec.yaml#/info/version: info.version 'v 1' is neither a date nor a folder name; pass --version",
    ),
    "missing-file": (None, [], "spec.yaml: no such file"),
}


@pytest.mark.parametrize(("content", "extra", "message"), BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, cache: Path, content: str | bytes | None, extra: list[str], message: str
) -> None:
    if isinstance(content, bytes):
        (tmp_path / "spec.yaml").write_bytes(content)
    elif content is not None:
        (tmp_path / "spec.yaml").write_text(content, encoding="utf-8")
    if extra == ["--no-version"]:
        args = ["spec.yaml"]
    else:
        args = ["spec.yaml", *(extra if "--version" in extra else ["--version", "v1", *extra])]
    done = run(*args, cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"error: {message}"), line
    assert not (tmp_path / "contracts").exists() and not (tmp_path / "recordings").exists()


def test_a_broken_index_stops_the_import_before_anything_is_written(tmp_path: Path, cache: Path) -> None:
    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    index = tmp_path / "contracts" / "openai-admin" / "index.json"
    index.parent.mkdir(parents=True)
    index.write_text("{not json")
    done = run("spec.yaml", "--version", "v1", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: contracts/openai-admin/index.json: cannot read the contract index")
    assert sorted(p.name for p in index.parent.iterdir()) == ["index.json"]


def test_an_undeclared_path_parameter_is_a_finding_not_an_error(tmp_path: Path, cache: Path) -> None:
    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    done = run("spec.yaml", "--version", "v1", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "list-project-users: path parameter {project_id} of GET" in done.stdout
    version = ContractStore(tmp_path / "contracts").load("v1")
    (param,) = version.operations["list-project-users"].path_params
    assert (param.name, param.required, param.schema) == ("project_id", True, {"type": "string"})


def test_a_hand_made_version_is_never_overwritten(tmp_path: Path, cache: Path) -> None:
    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    bundled = REPO / "contracts" / "openai-admin" / "2026-05-02"
    target = tmp_path / "contracts" / "openai-admin" / "2026-05-02"
    target.mkdir(parents=True)
    for name in ("contract.json", "schemas.json"):
        (target / name).write_bytes((bundled / name).read_bytes())
    done = run("spec.yaml", "--version", "2026-05-02", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line == (
        "error: contracts/openai-admin/2026-05-02: holds a contract version that was not imported "
        "from OpenAPI; choose another --version"
    )
    assert (target / "contract.json").read_bytes() == (bundled / "contract.json").read_bytes()
    assert not (tmp_path / "recordings").exists()


def test_an_unwritable_output_is_one_line(tmp_path: Path, cache: Path) -> None:
    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "blocked").write_text("a file where a folder must go")
    done = run("spec.yaml", "--version", "v1", "--out", "blocked", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: blocked") and "cannot write" in line


def test_recordings_it_did_not_write_are_never_overwritten(tmp_path: Path, cache: Path) -> None:
    """The bundled recordings also come from an OpenAPI file, but not from this one: they stay."""
    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    folder = tmp_path / "recordings" / "openai-admin" / "v1"
    folder.mkdir(parents=True)
    bundled = (REPO / "recordings" / "openai-admin" / "2026-05-02" / "list-project-users.json").read_text()
    (folder / "list-project-users.json").write_text(bundled.replace('"2026-05-02"', '"v1"'))
    done = run("spec.yaml", "--version", "v1", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line == (
        "error: recordings/openai-admin/v1: list-project-users.json is not a recording imported from "
        "spec.yaml; choose another --recordings-out"
    )
    assert (folder / "list-project-users.json").read_text() == bundled.replace('"2026-05-02"', '"v1"')
    assert not (tmp_path / "contracts").exists()
