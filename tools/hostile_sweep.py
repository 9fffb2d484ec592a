# ruff: noqa: E501  (the cases are a table: one input a line)
"""Run `apidrift` on hostile inputs, one subprocess each, and tabulate what a user sees.

    .venv/bin/python tools/hostile_sweep.py [--only SUBSTRING] [--timeout S] [--markdown FILE]

Each case prints: input, command, exit code, first stderr line, whether a traceback was printed,
seconds and peak RSS (from wait4). A case fails when it prints a traceback, exits with a code it
must not (anything but 0/1/2/3, or 3 where the input is at fault), runs past its timeout or grows
past the memory cap. Servers listen on 127.0.0.1 only and are stopped after their case.
"""

from __future__ import annotations

import argparse
import base64
import functools
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from hostile_server import HostileServer, Trickle, response  # noqa: E402

APIDRIFT = [sys.executable, "-m", "apidrift.cli"]
PETSTORE = REPO / "examples" / "petstore" / "openapi" / "petstore-2025-01-15.yaml"
MEMORY_CAP = 3 << 30
GOOD_REC = REPO / "recordings" / "openai-admin" / "2026-05-02" / "archive-project.json"


@dataclass
class Case:
    """One hostile input: `setup` builds files in the case's folder and returns the command line."""

    name: str
    setup: Callable[[Path, dict[str, str]], list[str]]
    expect: tuple[int, ...] = (2,)  # exit codes that are right for this input
    server: Callable[[], object] | None = None
    signal_after: float | None = None
    fsize: int | None = None  # RLIMIT_FSIZE: a disk that fills up
    env: dict[str, str] = field(default_factory=dict)
    timeout: float = 90.0
    report: str | None = None  # a report.json (below the case's folder) that must be written and valid


@dataclass
class Outcome:
    case: Case
    argv: list[str]
    code: int | None
    first: str
    traceback: bool
    seconds: float
    rss_mb: float
    ok: bool


def _yaml_text() -> str:
    return PETSTORE.read_text()


def _doc() -> dict[str, object]:
    import yaml

    data: dict[str, object] = yaml.safe_load(_yaml_text())
    return data


def _write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


def _import(doc_name: str, data: bytes | str) -> Callable[[Path, dict[str, str]], list[str]]:
    def setup(folder: Path, env: dict[str, str]) -> list[str]:
        _write(folder, doc_name, data)
        return ["import-openapi", doc_name, "--contracts", "c", "--api", "pets"]

    return setup


def _union_doc(prefix: str, *, extra: bool = False, n: int = 2_000) -> bytes:
    """A response that is one of `n` named branches, each told apart by its `type` constant."""
    branches = {
        f"{prefix}{i}": {
            "type": "object",
            "properties": {"type": {"const": f"k{i}"}, **({"extra": {"type": "string"}} if extra else {})},
        }
        for i in range(n)
    }
    schema = {"oneOf": [{"$ref": f"#/components/schemas/{name}"} for name in branches]}
    ok = {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}
    document = {
        "openapi": "3.1.0",
        "info": {"title": "U", "version": "1"},
        "paths": {"/u": {"get": {"operationId": "u", "responses": ok}}},
        "components": {"schemas": branches},
    }
    return json.dumps(document).encode()


def _allof_patterns_doc(n: int, *extra: str) -> bytes:
    """A request field that must match the patterns of `n` allOf parts (and `extra` ones)."""
    parts = [{"type": "string"}, *({"pattern": f"^p{i}"} for i in range(n)), *({"pattern": e} for e in extra)]
    body = {"type": "object", "properties": {"w": {"allOf": parts}}}
    operation = {
        "requestBody": {"content": {"application/json": {"schema": body}}},
        "responses": {"200": {"description": "ok"}},
    }
    doc = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/x": {"post": operation}}}
    return json.dumps(doc).encode()


def _doc_with(mutate: Callable[[dict[str, object]], None], *, as_json: bool = True) -> bytes:
    doc = _doc()
    mutate(doc)
    if as_json:
        return json.dumps(doc).encode()
    import yaml

    return yaml.safe_dump(doc).encode()


def _schemas(doc: dict[str, object]) -> dict[str, object]:
    return doc["components"]["schemas"]  # type: ignore[index,return-value]


def _pet_schema(doc: dict[str, object]) -> dict[str, object]:
    return _schemas(doc)["Pet"]  # type: ignore[return-value]


def _set(path: list[object], value: object) -> Callable[[dict[str, object]], None]:
    def mutate(doc: dict[str, object]) -> None:
        node: object = doc
        for key in path[:-1]:
            node = node[key]  # type: ignore[index]
        node[path[-1]] = value  # type: ignore[index]

    return mutate


def _imported_check(
    recs: dict[str, object | bytes],
    mutate: Callable[[dict[str, object]], None] | None = None,
    extra: tuple[str, ...] = (),
) -> Callable[[Path, dict[str, str]], list[str]]:
    """Import the petstore (optionally changed), then check recordings against it."""

    def setup(folder: Path, env: dict[str, str]) -> list[str]:
        doc = _doc()
        if mutate:
            mutate(doc)
        _write(folder, "pets.json", json.dumps(doc))
        done = subprocess.run(
            [*APIDRIFT, "import-openapi", "pets.json", "--contracts", "c", "--api", "pets", "-q"],
            cwd=folder,
            capture_output=True,
            env=env,
            timeout=120,
        )
        if done.returncode not in (0, 1):
            raise RuntimeError(f"setup import failed: {done.stderr.decode()[-300:]}")
        for name, content in recs.items():
            _write(folder / "recs", name, content if isinstance(content, bytes) else json.dumps(content))
        return [
            "check",
            "--contracts",
            "c",
            "--api",
            "pets",
            "--recordings",
            "recs",
            "--reports",
            "out",
            *extra,
        ]

    return setup


def _edited_check(edit: Callable[[dict[str, object]], None]) -> Callable[[Path, dict[str, str]], list[str]]:
    """Import the petstore, edit its contract's named schemas by hand (as a user may), then check."""
    imported = _imported_check({"r.json": _pet_rec(PET)})

    def setup(folder: Path, env: dict[str, str]) -> list[str]:
        argv = imported(folder, env)
        for path in (folder / "c" / "pets").glob("*/schemas.json"):
            document = json.loads(path.read_text())
            edit(document["$defs"])
            path.write_text(json.dumps(document))
        return argv

    return setup


def _imported_fuzz(mutate: Callable[[dict[str, object]], None]) -> Callable[[Path, dict[str, str]], list[str]]:
    """Import the petstore (changed), then fuzz it against the simulator, briefly."""
    imported = _imported_check({}, mutate)

    def setup(folder: Path, env: dict[str, str]) -> list[str]:
        imported(folder, env)
        return ["fuzz", "--contracts", "c", "--api", "pets", "--max-examples", "3", "--deadline", "60", "--reports", "out"]

    return setup


def _pet_rec(body: object, status: int = 200, operation: str = "get-pet") -> dict[str, object]:
    return {
        "format": "apidrift.recording/1",
        "operation": operation,
        "method": "GET",
        "path": "/pets/pet_01",
        "status": status,
        "headers": {"content-type": "application/json"},
        "query": {},
        "body": body,
        "provenance": {"source": "sweep", "version": "2025-01-15", "adapted": []},
    }


PET = {"id": "pet_01", "object": "pet", "name": "Rex", "species": "dog", "created_at": 1}


def _recs(
    files: dict[str, bytes | None], *, extra: tuple[str, ...] = ()
) -> Callable[[Path, dict[str, str]], list[str]]:
    """The bundled good recording beside hostile files (None: a special file made by `_special`)."""

    def setup(folder: Path, env: dict[str, str]) -> list[str]:
        (folder / "recs").mkdir()
        (folder / "recs" / "good.json").write_bytes(GOOD_REC.read_bytes())
        for name, content in files.items():
            if content is not None:
                _write(folder / "recs", name, content)
        _special(folder / "recs", files)
        return ["check", "--recordings", "recs", "--reports", "out", *extra]

    return setup


def _special(recs: Path, files: dict[str, bytes | None]) -> None:
    for name in files:
        if files[name] is not None:
            continue
        if name.startswith("dir"):
            (recs / name).mkdir()
            (recs / name / "inner.json").write_bytes(b"{")
        elif name.startswith("loop"):
            os.symlink(name, recs / name)
        elif name.startswith("dangling"):
            os.symlink("/nonexistent/x.json", recs / name)
        elif name.startswith("devnull"):
            os.symlink("/dev/zero", recs / name)


def _good_with(**changes: object) -> bytes:
    data = json.loads(GOOD_REC.read_text())
    data.update(changes)
    return json.dumps(data).encode()


def _without(key: str) -> bytes:
    data = json.loads(GOOD_REC.read_text())
    del data[key]
    return json.dumps(data).encode()


def _har(
    entries: object, *, raw: bytes | None = None, good: bool = True
) -> Callable[[Path, dict[str, str]], list[str]]:
    def setup(folder: Path, env: dict[str, str]) -> list[str]:
        listed = [*entries, _entry()] if good and isinstance(entries, list) else entries
        content = (
            raw if raw is not None else json.dumps({"log": {"version": "1.2", "entries": listed}}).encode()
        )
        _write(folder, "t.har", content)
        return ["check", "--har", "t.har", "--reports", "out"]

    return setup


def _entry(
    *,
    body: dict[str, object] | None = None,
    url: object = "https://api.openai.com/v1/organization/projects",
    headers: object = None,
    status: object = 200,
) -> dict[str, object]:
    content = (
        body
        if body is not None
        else {
            "mimeType": "application/json",
            "text": json.dumps(
                {"object": "list", "data": [], "has_more": False, "first_id": None, "last_id": None}
            ),
        }
    )
    return {
        "startedDateTime": "2026-01-01T00:00:00Z",
        "time": 1,
        "request": {
            "method": "GET",
            "url": url,
            "headers": [],
            "queryString": [],
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headersSize": -1,
            "bodySize": 0,
        },
        "response": {
            "status": status,
            "statusText": "OK",
            "httpVersion": "HTTP/1.1",
            "headers": headers if headers is not None else [],
            "cookies": [],
            "content": content,
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
        },
        "cache": {},
        "timings": {"send": 0, "wait": 1, "receive": 0},
    }


@functools.cache
def _bomb(size: int = 2 << 30) -> bytes:
    """A gzip stream that inflates to `size` zero bytes (about 1000:1)."""
    import zlib

    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\0" * (1 << 20)
    out = [comp.compress(chunk) for _ in range(size >> 20)]
    out.append(comp.flush())
    return b"".join(out)


def _cassette(text: str | bytes) -> Callable[[Path, dict[str, str]], list[str]]:
    def setup(folder: Path, env: dict[str, str]) -> list[str]:
        _write(folder / "cas", "c.yaml", text)
        return ["check", "--cassettes", "cas", "--reports", "out"]

    return setup


def _cassette_interaction(
    body: object, headers: dict[str, object] | None = None, status: object = None
) -> str:
    import yaml

    return yaml.safe_dump(
        {
            "version": 1,
            "interactions": [
                {
                    "request": {
                        "method": "GET",
                        "uri": "https://api.openai.com/v1/organization/projects",
                        "body": None,
                        "headers": {},
                    },
                    "response": {
                        "status": status if status is not None else {"code": 200, "message": "OK"},
                        "headers": headers or {"Content-Type": ["application/json"]},
                        "body": body,
                    },
                }
            ],
        }
    )


def _cmd(*argv: str, files: dict[str, bytes] | None = None) -> Callable[[Path, dict[str, str]], list[str]]:
    def setup(folder: Path, env: dict[str, str]) -> list[str]:
        for name, content in (files or {}).items():
            _write(folder, name, content)
        return list(argv)

    return setup


def _config(name: str, text: str, *argv: str) -> Callable[[Path, dict[str, str]], list[str]]:
    return _cmd(*(argv or ("contracts",)), files={name: text.encode()})


# ---------------------------------------------------------------- live servers


class _Servers:
    current: HostileServer | None = None


def _raw(answer: Callable[[int], bytes | Trickle]) -> Callable[[], object]:
    def start() -> object:
        server = HostileServer(lambda request, n: answer(n))
        server.start()
        _Servers.current = server
        return server

    return start


def _endless_chunked(n: int) -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        + b"1\r\n[\r\n" * 100
    )


class _Forever:
    """A server that answers with chunks forever (a thread per connection)."""

    def __init__(self, head: bytes, chunk: bytes, *, once: bool = False) -> None:
        self.once = once
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.base_url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.head, self.chunk = head, chunk
        self.stopping = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            if not self.once:
                conn.recv(65536)
            conn.sendall(self.head)
            if self.once:
                return
            if not self.chunk:  # stall after the head, the connection left open
                self.stopping.wait()
            while not self.stopping.is_set():
                conn.sendall(self.chunk)
        except OSError:
            pass
        finally:
            conn.close()

    def stop(self) -> None:
        self.stopping.set()
        self.sock.close()


def _forever(head: bytes, chunk: bytes) -> Callable[[], object]:
    return lambda: _Forever(head, chunk)


def _gzip_bomb_answer() -> Callable[[], object]:
    bomb = _bomb(1 << 30)

    def answer(n: int) -> bytes:
        return (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: "
            + str(len(bomb)).encode()
            + b"\r\n\r\n"
            + bomb
        )

    return _raw(answer)


def _live(*extra: str) -> Callable[[Path, dict[str, str]], list[str]]:
    def setup(folder: Path, env: dict[str, str]) -> list[str]:
        env["OPENAI_ADMIN_KEY"] = "sk-admin-" + "x" * 20
        server = _Servers.current
        base = getattr(server, "base_url", "http://127.0.0.1:9")
        return ["check", "--live", "--base-url", base + "/v1", "--budget", "30", "--reports", "out", *extra]

    return setup


class _TlsBad:
    """An https:// URL whose server answers plain HTTP at once (the TLS handshake fails)."""

    def __init__(self) -> None:
        self.plain = _Forever(response(200, {}), b"", once=True)
        self.base_url = self.plain.base_url.replace("http://", "https://")

    def stop(self) -> None:
        self.plain.stop()


def _tls_on_plain() -> object:
    server = _TlsBad()
    _Servers.current = server  # type: ignore[assignment]
    return server


def _set_current(factory: Callable[[], object]) -> Callable[[], object]:
    def start() -> object:
        server = factory()
        _Servers.current = server  # type: ignore[assignment]
        return server

    return start


def cases() -> list[Case]:
    doc_yaml = _yaml_text()
    doc_json = json.dumps(_doc())
    huge = "x" * (60 << 20)
    # fmt: off
    out: list[Case] = [
        # ---- import-openapi: encodings and shapes of the whole document
        Case("openapi as JSON", _import("p.json", doc_json), expect=(0, 1)),
        Case("openapi JSON named .yaml", _import("p.yaml", doc_json), expect=(0, 1)),
        Case("openapi JSON with BOM", _import("p.json", b"\xef\xbb\xbf" + doc_json.encode()), expect=(0, 1, 2)),
        Case("openapi YAML with BOM", _import("p.yaml", b"\xef\xbb\xbf" + doc_yaml.encode()), expect=(0, 1, 2)),
        Case("openapi UTF-16 JSON", _import("p.json", doc_json.encode("utf-16")), expect=(0, 1, 2)),
        Case("openapi UTF-16 YAML", _import("p.yaml", doc_yaml.encode("utf-16")), expect=(0, 1, 2)),
        Case("openapi NUL bytes", _import("p.yaml", doc_yaml.encode().replace(b"Rex", b"R\0ex"))),
        Case("openapi lone surrogate \\ud800", _import("p.json", doc_json.replace("List pets", "\\ud800 pets")), expect=(0, 1, 2)),
        Case("openapi 60 MiB one-line string", _import("p.json", doc_json.replace("List pets", huge)), expect=(0, 1, 2)),
        Case("openapi empty file", _import("p.yaml", b"")),
        Case("openapi top level is a list", _import("p.yaml", b"- a\n- b\n")),
        Case("openapi top level is a scalar", _import("p.json", b"42")),
        Case("openapi binary garbage", _import("p.yaml", os.urandom(4096))),
        Case("openapi 100k-digit integer", _import("p.json", doc_json.replace('"maximum": 100', '"maximum": ' + "9" * 100_000))),
        Case("openapi 1e999999 number", _import("p.json", doc_json.replace('"maximum": 100', '"maximum": 1e999999'))),
        Case("openapi 10k nested arrays", _import("p.json", doc_json[:-1] + ', "x-deep": ' + "[" * 10_000 + "]" * 10_000 + "}")),
        Case("openapi: 3 (a number)", _import("p.yaml", doc_yaml.replace("openapi: 3.1.0", "openapi: 3")), expect=(0, 1, 2)),
        Case("openapi: version missing", _import("p.yaml", doc_yaml.replace("openapi: 3.1.0", ""))),
        Case("openapi: info a list", _import("p.json", _doc_with(_set(["info"], [1, 2])))),
        Case("openapi: info.version a number", _import("p.json", _doc_with(_set(["info", "version"], 2025))), expect=(0, 1, 2)),
        Case("openapi: paths is a list", _import("p.json", _doc_with(_set(["paths"], [{"/pets": {}}])))),
        Case("openapi: paths is null", _import("p.json", _doc_with(_set(["paths"], None))), expect=(0, 1, 2)),
        Case("openapi: path item a string", _import("p.json", _doc_with(_set(["paths", "/pets"], "x")))),
        Case("openapi: operation a list", _import("p.json", _doc_with(_set(["paths", "/pets", "get"], [])))),
        Case("openapi: responses a list", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "responses"], [1])))),
        Case("openapi: parameters a dict", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "parameters"], {"a": 1})))),
        Case("openapi: parameters [null]", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "parameters"], [None])))),
        Case("openapi: content a string", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "responses", "200", "content"], "x")))),
        Case("openapi: components a list", _import("p.json", _doc_with(_set(["components"], [])))),
        Case("openapi: schemas null", _import("p.json", _doc_with(_set(["components", "schemas"], None)))),
        Case("openapi: YAML int/null/bool keys", _import("p.yaml", doc_yaml.replace("paths:\n", "paths:\n  ~: {}\n  true: {}\n  12: {}\n", 1))),
        Case("openapi: YAML int response keys", _import("p.yaml", doc_yaml.replace('"200":', "200:")), expect=(0, 1)),
        Case("openapi: YAML float/date keys", _import("p.yaml", doc_yaml.replace("paths:\n", "paths:\n  1.5: {}\n  2020-01-01: {}\n", 1))),
        Case("openapi: YAML !!python tag", _import("p.yaml", doc_yaml + "\nx-evil: !!python/object/apply:os.system ['echo pwned']\n")),
        Case("openapi: YAML merge key to scalar", _import("p.yaml", doc_yaml + "\nx-m: {<<: 5}\n"), expect=(0, 1, 2)),
        Case("openapi: YAML alias-in-key", _import("p.yaml", doc_yaml + "\nx-a: &a [1]\nx-b: {*a : 1}\n")),
        Case("$ref missing target", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": "#/components/schemas/Nope"})))),
        Case("$ref to a string", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": "#/info/title"})))),
        Case("$ref to a number", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": "#/paths/~1pets/get/parameters/0/schema/maximum"})))),
        Case("$ref ~0 ~1 escapes (name OpenAPI forbids)", _import("p.json", _doc_with(lambda d: (_schemas(d).__setitem__("a/b~c", {"type": "object"}), _set(["paths", "/pets", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": "#/components/schemas/a~1b~0c"})(d)))), expect=(2,)),
        Case("$ref percent-encoded (name OpenAPI forbids)", _import("p.json", _doc_with(lambda d: (_schemas(d).__setitem__("a b{}", {"type": "object"}), _set(["paths", "/pets", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": "#/components/schemas/a%20b%7B%7D"})(d)))), expect=(2,)),
        Case("$ref percent-encoded valid name", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": "#/components/schemas/%50et"}))), expect=(0, 1)),
        Case("$ref bad percent-encoding", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": "#/components/schemas/%ZZ"})))),
        Case("$ref bad ~ escape", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": "#/components/schemas/a~2"})))),
        Case("$ref into an array", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": "#/paths/~1pets/get/parameters/0/schema"}))), expect=(0, 1)),
        Case("$ref array index out of range", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": "#/paths/~1pets/get/parameters/99"})))),
        Case("$ref not a string", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": 5})))),
        Case("$ref empty string", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": ""}))), expect=(0, 1, 2)),
        Case("$ref '#'", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": "#"}))), expect=(0, 1, 2)),
        Case("$ref to 127.0.0.1 URL", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": "http://127.0.0.1:9/x.json"})))),
        Case("$ref to /etc/passwd", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": "/etc/passwd"})))),
        Case("$ref ../ outside", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": "../../etc/passwd#/x"})))),
        Case("$ref response to missing", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "responses", "200"], {"$ref": "#/components/responses/Nope"})))),
        Case("$ref parameter cycle", _import("p.json", _doc_with(lambda d: (d["components"].__setitem__("parameters", {"A": {"$ref": "#/components/parameters/B"}, "B": {"$ref": "#/components/parameters/A"}}), _set(["paths", "/pets", "get", "parameters"], [{"$ref": "#/components/parameters/A"}])(d))))),  # type: ignore[union-attr,index]
        Case("$ref response cycle", _import("p.json", _doc_with(lambda d: (d["components"].__setitem__("responses", {"A": {"$ref": "#/components/responses/A"}}), _set(["paths", "/pets", "get", "responses", "200"], {"$ref": "#/components/responses/A"})(d))))),  # type: ignore[union-attr,index]
        Case("schema true", _import("p.json", _doc_with(_set(["components", "schemas", "Pet"], True))), expect=(0, 1)),
        Case("schema false", _import("p.json", _doc_with(_set(["components", "schemas", "Pet"], False))), expect=(0, 1)),
        Case("schema a list", _import("p.json", _doc_with(_set(["components", "schemas", "Pet"], [1])))),
        # Read as any value, with a schema-repaired finding (Directus publishes `schema: null`).
        Case("schema null", _import("p.json", _doc_with(_set(["components", "schemas", "Pet"], None))), expect=(0,)),
        Case("type: []", _import("p.json", _doc_with(_set(["components", "schemas", "Pet", "type"], []))), expect=(0, 1, 2)),
        Case("type: [null]", _import("p.json", _doc_with(_set(["components", "schemas", "Pet", "type"], [None]))), expect=(0, 1, 2)),
        Case("type: 'strnig'", _import("p.json", _doc_with(_set(["components", "schemas", "Pet", "type"], "strnig"))), expect=(0, 1, 2)),
        Case("enum: []", _import("p.json", _doc_with(_set(["components", "schemas", "Pet", "enum"], []))), expect=(0, 1, 2)),
        Case("enum: 5", _import("p.json", _doc_with(_set(["components", "schemas", "Pet", "enum"], 5))), expect=(0, 1, 2)),
        Case("required: 'name'", _import("p.json", _doc_with(_set(["components", "schemas", "Pet", "required"], "name"))), expect=(0, 1, 2)),
        Case("properties a list", _import("p.json", _doc_with(_set(["components", "schemas", "Pet", "properties"], ["a"]))), expect=(0, 1, 2)),
        Case("pattern ReDoS", _import("p.json", _doc_with(_set(["components", "schemas", "Pet", "properties", "name", "pattern"], "^(a+)+$"))), expect=(0, 1)),
        Case("pattern invalid regex", _import("p.json", _doc_with(_set(["components", "schemas", "Pet", "properties", "name", "pattern"], "(["))), expect=(0, 1, 2)),
        Case("pattern backreference", _import("p.json", _doc_with(_set(["components", "schemas", "Pet", "properties", "name", "pattern"], r"^(a)\1$"))), expect=(0, 1, 2)),
        Case("minLength -1 / 1e308", _import("p.json", _doc_with(_set(["components", "schemas", "Pet", "properties", "name"], {"type": "string", "minLength": -1, "maxLength": 1e308}))), expect=(0, 1, 2)),
        Case("multipleOf 0", _import("p.json", _doc_with(_set(["components", "schemas", "Pet", "properties", "created_at"], {"type": "integer", "multipleOf": 0}))), expect=(0, 1, 2)),
        Case("format unknown / example huge", _import("p.json", _doc_with(_set(["components", "schemas", "Pet", "properties", "name"], {"type": "string", "format": "x" * 100000}))), expect=(0, 1)),
        Case("discriminator mapping missing", _import("p.json", _doc_with(_set(["components", "schemas", "Pet", "discriminator"], {"propertyName": "species", "mapping": {"dog": "#/components/schemas/Dog"}}))), expect=(0, 1, 2)),
        Case("discriminator a string", _import("p.json", _doc_with(_set(["components", "schemas", "Pet", "discriminator"], "species"))), expect=(0, 1, 2)),
        Case("example not matching, 1MB", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "responses", "200", "content", "application/json", "example"], {"x": "y" * (1 << 20)}))), expect=(0, 1)),
        Case("operationId duplicated", _import("p.json", _doc_with(_set(["paths", "/pets", "post", "operationId"], "list-pets"))), expect=(0, 1, 2)),
        Case("operationId with / and ..", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "operationId"], "../../../etc/x"))), expect=(0, 1, 2)),
        Case("operationId a number", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "operationId"], 7))), expect=(0, 1, 2)),
        Case("path template unbalanced", _import("p.json", _doc_with(lambda d: d["paths"].__setitem__("/pets/{id", {"get": {"responses": {"200": {"description": "x"}}}}))), expect=(0, 1, 2)),  # type: ignore[union-attr]
        Case("path without leading /", _import("p.json", _doc_with(lambda d: d["paths"].__setitem__("pets2", {"get": {"responses": {"200": {"description": "x"}}}}))), expect=(0, 1, 2)),  # type: ignore[union-attr]
        Case("status key 'abc'", _import("p.json", _doc_with(lambda d: d["paths"]["/pets"]["get"]["responses"].__setitem__("abc", {"description": "x"}))), expect=(0, 1, 2)),  # type: ignore[index]
        Case("servers a string", _import("p.json", _doc_with(_set(["servers"], "http://x"))), expect=(0, 1, 2)),
        Case("servers url a number", _import("p.json", _doc_with(_set(["servers"], [{"url": 5}]))), expect=(0, 1, 2)),
        Case("security a dict", _import("p.json", _doc_with(_set(["security"], {"a": 1}))), expect=(0, 1, 2)),
        Case("securitySchemes bad", _import("p.json", _doc_with(_set(["components", "securitySchemes"], {"k": {"type": "nope"}}))), expect=(0, 1, 2)),
        Case("webhooks a list", _import("p.json", _doc_with(_set(["webhooks"], [1]))), expect=(0, 1, 2)),
        Case("callbacks a string", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "callbacks"], "x"))), expect=(0, 1, 2)),
        Case("tags a string", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "tags"], "x"))), expect=(0, 1, 2)),
        Case("--version label ../x", _cmd("import-openapi", "p.json", "--contracts", "c", "--api", "pets", "--version", "../../x", files={"p.json": doc_json.encode()}), expect=(2,)),
        Case("--api label with /", _cmd("import-openapi", "p.json", "--contracts", "c", "--api", "a/../../b", files={"p.json": doc_json.encode()}), expect=(2,)),
        Case("import: doc is a directory", lambda f, e: ((f / "d.yaml").mkdir(), ["import-openapi", "d.yaml", "--contracts", "c"])[1]),
        Case("import: doc missing", _cmd("import-openapi", "nope.yaml", "--contracts", "c")),
        Case("import: doc symlink loop", lambda f, e: (os.symlink("l.yaml", f / "l.yaml"), ["import-openapi", "l.yaml", "--contracts", "c"])[1]),
        Case("import: doc is a FIFO", lambda f, e: (os.mkfifo(f / "p.yaml"), ["import-openapi", "p.yaml", "--contracts", "c"])[1], timeout=30),
        Case("import: doc is /dev/zero", _cmd("import-openapi", "/dev/zero", "--contracts", "c"), timeout=30),
        Case("import: contracts root is a file", _cmd("import-openapi", "p.json", "--contracts", "c", "--api", "pets", files={"p.json": doc_json.encode(), "c": b"x"})),
        Case("import: disk full (write errors)", _cmd("import-openapi", "p.json", "--contracts", "c", "--api", "pets", files={"p.json": doc_json.encode()}), fsize=4_000),
        Case("import: SIGTERM mid-run", _import("p.json", doc_json.replace("List pets", "y" * (80 << 20))), expect=(2, 130, 143, -15), signal_after=0.8),
        # ---- check over recordings
        Case("rec: directory named x.json", _recs({"dir.json": None})),
        Case("rec: symlink loop x.json", _recs({"loop.json": None})),
        Case("rec: dangling symlink", _recs({"dangling.json": None})),
        Case("rec: symlink to /dev/zero", _recs({"devnull.json": None}), timeout=30),
        Case("rec: JSON with BOM", _recs({"bom.json": b"\xef\xbb\xbf" + GOOD_REC.read_bytes()}), expect=(0, 1, 2)),
        Case("rec: UTF-16", _recs({"u16.json": GOOD_REC.read_text().encode("utf-16")})),
        Case("rec: NUL bytes", _recs({"nul.json": GOOD_REC.read_bytes().replace(b"Project DEF", b"Project\\u0000\0DEF")})),
        Case("rec: lone surrogate", _recs({"sur.json": GOOD_REC.read_bytes().replace(b"Project DEF", b"\\ud800")}), expect=(0, 1, 2)),
        Case("rec: 100k-digit integer", _recs({"big.json": _good_with(body={"created_at": int("9" * 4000)}).replace(b"9" * 4000, b"9" * 100_000)})),
        Case("rec: 1e999999", _recs({"inf.json": _good_with(body={"created_at": 1}).replace(b'"created_at": 1', b'"created_at": 1e999999')})),
        Case("rec: 60 MiB body string", _recs({"huge.json": _good_with(body={"name": huge})}), expect=(1, 2)),
        Case("rec: top level a list", _recs({"list.json": b"[1,2]"})),
        Case("rec: empty file", _recs({"empty.json": b""})),
        Case("rec: status a string", _recs({"s.json": _good_with(status="200")}), expect=(0, 2)),
        Case("rec: status 99999", _recs({"s.json": _good_with(status=99999)}), expect=(1, 2)),
        Case("rec: status true", _recs({"s.json": _good_with(status=True)})),
        Case("rec: headers a list", _recs({"h.json": _good_with(headers=[1])})),
        Case("rec: headers value a number", _recs({"h.json": _good_with(headers={"x": 5})}), expect=(0, 1, 2)),
        Case("rec: operation unknown", _recs({"o.json": _good_with(operation="nope")}), expect=(1, 2)),
        Case("rec: operation a number", _recs({"o.json": _good_with(operation=5)})),
        Case("rec: operation missing", _recs({"o.json": _without("operation")})),
        Case("rec: body missing", _recs({"b.json": _without("body")}), expect=(1, 2)),
        Case("rec: provenance a string", _recs({"p.json": _good_with(provenance="x")}), expect=(0, 1, 2)),
        Case("rec: provenance.version unknown", _recs({"p.json": _good_with(provenance={"source": "x", "version": "1999-01-01", "adapted": []})}), expect=(0, 1, 2)),
        Case("rec: format unknown", _recs({"f.json": _good_with(format="apidrift.recording/99")})),
        Case("rec: query a list", _recs({"q.json": _good_with(query=[1])})),
        Case("rec: path a number", _recs({"p.json": _good_with(path=5)})),
        Case("rec: method lower/garbage", _recs({"m.json": _good_with(method="BREW\n")}), expect=(0, 1, 2)),
        Case("rec: deep body 200 levels", _recs({"d.json": _good_with(body=json.loads("[" * 200 + "]" * 200))}), expect=(1, 2)),
        Case("rec: 20k small files", lambda f, e: (_many(f / "recs", 20_000), ["check", "--recordings", "recs", "--reports", "out"])[1], expect=(0, 1), timeout=300),
        Case("rec: folder is a file", _cmd("check", "--recordings", "r.json", "--reports", "out", files={"r.json": GOOD_REC.read_bytes()}), expect=(0, 1, 2)),
        Case("rec: folder missing", _cmd("check", "--recordings", "nope", "--reports", "out")),
        Case("rec: ReDoS pattern in imported contract", _imported_check({"r.json": _pet_rec({**PET, "name": "a" * 40 + "!"})}, _set(["components", "schemas", "Pet", "properties", "name", "pattern"], "^(a+)+$")), expect=(1,)),
        Case("rec: against imported schema true", _imported_check({"r.json": _pet_rec(PET)}, _set(["components", "schemas", "Pet"], True)), expect=(0, 1)),
        Case("rec: against imported schema false", _imported_check({"r.json": _pet_rec(PET)}, _set(["components", "schemas", "Pet"], False)), expect=(1,)),
        Case("rec: against imported enum []", _imported_check({"r.json": _pet_rec(PET)}, _set(["components", "schemas", "Pet", "enum"], [])), expect=(1, 2)),
        Case("rec: against imported type []", _imported_check({"r.json": _pet_rec(PET)}, _set(["components", "schemas", "Pet", "type"], [])), expect=(0, 1, 2)),
        Case("rec: against imported $ref into array", _imported_check({"r.json": _pet_rec("x")}, _set(["paths", "/pets/{pet_id}", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": "#/paths/~1pets/get/parameters/0/schema"})), expect=(1,)),
        # References that cannot be followed, or point at something that is no schema (s10-refs).
        Case("$ref schema to #/info", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": "#/info"})))),
        Case("$ref schema to an operation", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": "#/paths/~1pets/get"})))),
        Case("$ref schema to #/components/schemas", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": "#/components/schemas"})))),
        Case("$ref schema to a responses component", _import("p.json", _doc_with(_set(["paths", "/pets", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": "#/components/responses/Error"})))),
        Case("$ref '#' inside a component", _import("p.json", _doc_with(_set(["components", "schemas", "Pet", "properties", "tag"], {"$ref": "#"})))),
        Case("$ref '#/$defs/X' at the document root (3.1)", _import("p.json", _doc_with(_set(["components", "schemas", "Pet", "properties", "tag"], {"$ref": "#/$defs/X"})))),
        Case("$ref chain A->B->C->A", _import("p.json", _doc_with(lambda d: (_schemas(d).update({"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/C"}, "C": {"$ref": "#/components/schemas/A"}}), _set(["paths", "/pets", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": "#/components/schemas/A"})(d))))),
        Case("$ref chain A->B->C->A through allOf/anyOf", _import("p.json", _doc_with(lambda d: (_schemas(d).update({"A": {"allOf": [{"$ref": "#/components/schemas/B"}]}, "B": {"anyOf": [{"$ref": "#/components/schemas/C"}]}, "C": {"allOf": [{"$ref": "#/components/schemas/A"}]}}), _set(["paths", "/pets", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": "#/components/schemas/A"})(d))))),
        Case("rec: against imported $ref inside a component", _imported_check({"r.json": _pet_rec(5)}, _set(["paths", "/pets/{pet_id}", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": "#/components/schemas/Pet/properties/name"})), expect=(1,)),
        Case("rec: against imported $ref to $defs inside a component", _imported_check({"r.json": _pet_rec(5)}, lambda d: (_set(["components", "schemas", "Pet", "$defs"], {"Name": {"type": "string"}})(d), _set(["paths", "/pets/{pet_id}", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": "#/components/schemas/Pet/$defs/Name"})(d))), expect=(1,)),
        Case("rec: against imported 3.1 $ref sibling maxLength", _imported_check({"r.json": _pet_rec("abc")}, lambda d: (_schemas(d).update({"S": {"type": "string"}}), _set(["paths", "/pets/{pet_id}", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": "#/components/schemas/S", "maxLength": 2})(d))), expect=(1,)),  # the sibling holds: "abc" is too long
        Case("rec: against hand-edited contract $ref '#'", _edited_check(lambda defs: defs["Pet"]["properties"].__setitem__("tag", {"$ref": "#"}))),
        Case("rec: against hand-edited contract allOf loop", _edited_check(lambda defs: defs.__setitem__("Pet", {"allOf": [{"$ref": "#/$defs/Pet"}]}))),
        Case("rec: against hand-edited contract escaped $ref name", _edited_check(lambda defs: (defs.__setitem__("a/b", {"type": "string"}), defs["Pet"]["properties"].__setitem__("tag", {"$ref": "#/$defs/a~1b"})))),
        Case("diff: $ref schema to #/info", _cmd("diff", "a.json", "b.json", files={"a.json": _doc_with(_set(["paths", "/pets", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": "#/info"})), "b.json": doc_json.encode()})),
        Case("fuzz: imported 3.1 $ref sibling", _imported_fuzz(lambda d: (_schemas(d).update({"S": {"type": "string"}}), _set(["components", "schemas", "Pet", "properties", "tag"], {"$ref": "#/components/schemas/S", "maxLength": 2})(d))), expect=(0, 1)),
        Case("check: --against unknown", _cmd("check", "--against", "1999-01-01", "--reports", "out")),
        Case("check: --concurrency -1", _live("--concurrency", "-1")),
        Case("check: --concurrency 0", _live("--concurrency", "0")),
        Case("check: --budget -5", _live("--budget", "-5")),
        Case("check: --run-deadline 0", _live("--run-deadline", "0"), expect=(1, 2)),
        Case("check: --run-deadline -1", _live("--run-deadline", "-1")),
        Case("check: --run-deadline nan", _live("--run-deadline", "nan")),
        Case("check: --max-body-mb -1", _live("--max-body-mb", "-1")),
        Case("check: --max-body-mb nan", _live("--max-body-mb", "nan")),
        Case("check: --max-body-mb inf", _live("--max-body-mb", "inf"), expect=(1, 2)),
        Case("check: --base-url ftp://", _cmd("check", "--live", "--base-url", "ftp://127.0.0.1/", "--reports", "out"), env={"OPENAI_ADMIN_KEY": "sk-admin-" + "x" * 20}),
        Case("check: --base-url garbage", _cmd("check", "--live", "--base-url", "http://[::1", "--reports", "out"), env={"OPENAI_ADMIN_KEY": "sk-admin-" + "x" * 20}),
        Case("check: key with newline", _cmd("check", "--live", "--base-url", "http://127.0.0.1:9/v1", "--budget", "3", "--reports", "out"), env={"OPENAI_ADMIN_KEY": "sk-admin-abc\r\nX-Evil: 1"}, expect=(1, 2)),
        Case("check: key non-ASCII", _cmd("check", "--live", "--base-url", "http://127.0.0.1:9/v1", "--budget", "3", "--reports", "out"), env={"OPENAI_ADMIN_KEY": "sk-admin-é€"}, expect=(1, 2)),
        Case("check: reports dir is a file", _cmd("check", "--reports", "out", files={"out": b"x"})),
        Case("check: reports under a file", _cmd("check", "--reports", "f/out", files={"f": b"x"})),
        Case("check: reports in /proc", _cmd("check", "--reports", "/proc/self/nope")),
        Case("check: disk full (write errors)", _cmd("check", "--reports", "out"), fsize=20_000),
        Case("check: SIGTERM mid-run", lambda f, e: (_many(f / "recs", 80_000), ["check", "--recordings", "recs", "--reports", "out"])[1], expect=(2,), signal_after=1.5, report="out/report.json"),
        Case("check: --history garbage file", _cmd("check", "--history", "h.sqlite", "--reports", "out", files={"h.sqlite": b"not sqlite" * 100})),
        Case("check: --history is a dir", lambda f, e: ((f / "h").mkdir(), ["check", "--history", "h", "--reports", "out"])[1]),
        Case("check: --baseline malformed", _cmd("check", "--baseline", "b.toml", "--reports", "out", files={"b.toml": b"[[accept]\nx=1"})),
        Case("check: --baseline wrong shape", _cmd("check", "--baseline", "b.toml", "--reports", "out", files={"b.toml": b"accept = 5\n"})),
        Case("check: --operation '['", _cmd("check", "--operation", "[", "--reports", "out"), expect=(2,)),
        # ---- HAR
        Case("har: not JSON", _har(None, raw=b"{")),
        Case("har: log missing", _har(None, raw=b"{}")),
        Case("har: entries a dict", _har({"a": 1})),
        Case("har: entry missing response", _har([{"request": {"method": "GET", "url": "https://api.openai.com/v1/organization/projects"}}]), expect=(0, 1)),
        Case("har: entry a number", _har([5]), expect=(0, 1)),
        Case("har: url not a URL", _har([_entry(url="::::")]), expect=(0, 1)),
        Case("har: url a number", _har([_entry(url=5)]), expect=(0, 1)),
        Case("har: status a string", _har([_entry(status="abc")]), expect=(0, 1, 2)),
        Case("har: headers a dict", _har([_entry(headers={"a": "b"})]), expect=(0, 1)),
        Case("har: base64 not base64", _har([_entry(body={"mimeType": "application/json", "encoding": "base64", "text": "!!!not base64@@"})]), expect=(0, 1)),
        Case("har: content text a number", _har([_entry(body={"mimeType": "application/json", "text": 5})]), expect=(0, 1)),
        Case("har: gzip bomb base64", _har([_entry(body={"mimeType": "application/json", "encoding": "base64", "text": base64.b64encode(_bomb(1 << 30)).decode()}, headers=[{"name": "Content-Encoding", "value": "gzip"}])]), expect=(0, 1)),
        Case("har: body 10k deep", _har([_entry(body={"mimeType": "application/json", "text": "[" * 10_000 + "]" * 10_000})]), expect=(2,)),  # an error about the exchange, as for a recording (s10)
        Case("har: body lone surrogate", _har([_entry(body={"mimeType": "application/json", "text": '{"data": "\\ud800"}'})]), expect=(2,)),  # an error about the exchange, as for a recording (s10)
        Case("har: body duplicate keys", _har([_entry(body={"mimeType": "application/json", "text": '{"object": "list", "object": "x"}'})]), expect=(2,)),  # an error about the exchange, as for a recording (s10)
        Case("har: file is a directory", lambda f, e: ((f / "t.har").mkdir(), ["check", "--har", "t.har", "--reports", "out"])[1]),
        Case("har: UTF-16", _har(None, raw=json.dumps({"log": {"entries": [_entry()]}}).encode("utf-16")), expect=(0, 1, 2)),
        Case("har: BOM", _har(None, raw=b"\xef\xbb\xbf" + json.dumps({"log": {"entries": [_entry()]}}).encode()), expect=(0, 1, 2)),
        Case("har: 20k entries", _har([_entry()] * 20_000), expect=(0, 1), timeout=300),
        # ---- cassettes
        Case("cassette: top level a list", _cassette("- 1\n- 2\n")),
        Case("cassette: interactions a string", _cassette("interactions: x\n")),
        Case("cassette: response missing", _cassette("interactions:\n- request: {method: GET, uri: 'https://api.openai.com/v1/organization/projects'}\n")),
        # A status written as text ("200", as php-vcr and go-vcr write it) is read since session 9: the
        # body `{}` is then checked, and fails its schema.
        Case("cassette: status a string", _cassette(_cassette_interaction({"string": "{}"}, status="200")), expect=(1, 2)),
        Case("cassette: body a number", _cassette(_cassette_interaction(5))),
        Case("cassette: body string not JSON (listed)", _cassette(_cassette_interaction({"string": "{nope"})), expect=(0, 1, 2)),
        Case("cassette: !!python tag", _cassette("interactions: !!python/object/apply:os.system ['echo pwned']\n")),
        Case("cassette: alias bomb", _cassette("a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ninteractions: [*h]\n")),
        Case("cassette: gzip bomb !!binary", _cassette(_cassette_interaction({"string": "GZ"}, headers={"Content-Type": ["application/json"], "Content-Encoding": ["gzip"]}).replace("string: GZ", "string: !!binary |\n          " + base64.b64encode(_bomb(1 << 30)).decode())), expect=(1, 2)),
        Case("cassette: binary garbage", _cassette(os.urandom(3000))),
        Case("cassette: deep YAML", _cassette("interactions: " + "[" * 5000 + "]" * 5000 + "\n")),
        Case("cassette: headers a list (ignored)", _cassette(_cassette_interaction({"string": "{}"}, headers=[1])), expect=(0, 1, 2)),  # type: ignore[arg-type]
        Case("cassette: folder missing", _cmd("check", "--cassettes", "nope", "--reports", "out")),
        # ---- diff
        Case("diff: JSON doc vs YAML doc", _cmd("diff", "a.json", "b.yaml", files={"a.json": doc_json.encode(), "b.yaml": doc_yaml.encode()}), expect=(0, 1)),
        Case("diff: paths a list", _cmd("diff", "a.json", "b.yaml", files={"a.json": _doc_with(_set(["paths"], [])), "b.yaml": doc_yaml.encode()})),
        Case("diff: schema false vs true", _cmd("diff", "a.json", "b.json", files={"a.json": _doc_with(_set(["components", "schemas", "Pet"], False)), "b.json": _doc_with(_set(["components", "schemas", "Pet"], True))}), expect=(0, 1)),
        Case("diff: missing $ref", _cmd("diff", "a.json", "b.yaml", files={"a.json": _doc_with(_set(["paths", "/pets", "get", "responses", "200", "content", "application/json", "schema"], {"$ref": "#/x"})), "b.yaml": doc_yaml.encode()})),
        Case("diff: empty file", _cmd("diff", "a.json", "b.yaml", files={"a.json": b"", "b.yaml": doc_yaml.encode()})),
        Case("diff: one side is a directory", lambda f, e: ((f / "d.yaml").mkdir(), _write(f, "b.yaml", doc_yaml), ["diff", "d.yaml", "b.yaml"])[2], expect=(2,)),
        Case("diff: --reports is a file", _cmd("diff", "a.json", "b.yaml", "--reports", "r", files={"a.json": doc_json.encode(), "b.yaml": doc_yaml.encode(), "r": b"x"})),
        Case("diff: disk full", _cmd("diff", "2026-04-30", "2026-05-02", "--reports", "r"), fsize=20_000),
        Case("diff: SIGTERM mid-run", _cmd("diff", "a.json", "b.json", files={"a.json": doc_json.replace("List pets", "y" * (160 << 20)).encode(), "b.json": doc_json.encode()}), expect=(2, 130, 143), signal_after=1.5),
        Case("diff: 20,000 allOf parts with a pattern each", _cmd("diff", "a.json", "b.json", files={"a.json": _allof_patterns_doc(20_000), "b.json": _allof_patterns_doc(20_000, "zz")}), expect=(1,), timeout=60.0),
        Case("diff: 2,000 union branches all renamed", _cmd("diff", "a.json", "b.json", files={"a.json": _union_doc("Old"), "b.json": _union_doc("Renamed", extra=True)}), expect=(0, 1), timeout=60.0),
        Case("diff: --sunset-key bad", _cmd("diff", "2026-04-30", "2026-05-02", "--sunset-key", "\n"), expect=(0, 1, 2)),
        # ---- report
        Case("report: a list", _cmd("report", "r.json", "--format", "html", "--out", "o.html", files={"r.json": b"[1]"})),
        Case("report: {} ", _cmd("report", "r.json", "--format", "html", "--out", "o.html", files={"r.json": b"{}"})),
        Case("report: UTF-16", _cmd("report", "r.json", "--format", "md", "--out", "o.md", files={"r.json": b'{"a": 1}'.decode().encode("utf-16")})),
        Case("report: out is a directory", lambda f, e: (_sample_report(f), (f / "o.md").mkdir(), ["report", "r.json", "--format", "md", "--out", "o.md"])[2]),
        Case("report: out under a file", lambda f, e: (_sample_report(f), _write(f, "x", "x"), ["report", "r.json", "--format", "md", "--out", "x/o.md"])[2]),
        Case("report: disk full", lambda f, e: (_sample_report(f), ["report", "r.json", "--format", "html", "--out", "o.html"])[1], fsize=20_000),
        Case("report: 10k deep", _cmd("report", "r.json", "--format", "md", "--out", "o.md", files={"r.json": b"[" * 10_000 + b"]" * 10_000})),
        # ---- history, baseline
        Case("history: garbage file", _cmd("history", "h.sqlite", files={"h.sqlite": b"garbage" * 200})),
        Case("history: empty file", _cmd("history", "h.sqlite", files={"h.sqlite": b""}), expect=(0, 2)),
        Case("history: missing", _cmd("history", "nope.sqlite"), expect=(0, 2)),
        Case("history: --limit -1", _cmd("history", "h.sqlite", "--limit", "-1", files={"h.sqlite": b""}), expect=(2,)),
        Case("history: a directory", lambda f, e: ((f / "h").mkdir(), ["history", "h"])[1]),
        Case("baseline: report a list", _cmd("baseline", "r.json", "--out", "b.toml", files={"r.json": b"[]"})),
        Case("baseline: --expires garbage", lambda f, e: (_sample_report(f), ["baseline", "r.json", "--out", "b.toml", "--expires", "tomorrow"])[1]),
        # ---- config
        Case("config: apidrift.toml malformed", _config("apidrift.toml", "[tool\nx=")),
        Case("config: pyproject tool.apidrift = 5", _config("pyproject.toml", "[tool]\napidrift = 5\n")),
        Case("config: unknown key", _config("apidrift.toml", "concurency = 3\n")),
        Case("config: wrong type", _config("apidrift.toml", "[check]\nconcurrency = 'many'\n", "check", "--reports", "out")),
        Case("config: list for a scalar", _config("apidrift.toml", "[check]\nreports = ['a', 'b']\n", "check")),
        Case("config: table for a scalar", _config("apidrift.toml", "api = {x = 1}\n")),
        Case("config: UTF-16 toml", _cmd("contracts", files={"apidrift.toml": "api = 'x'\n".encode("utf-16")})),
        Case("config: apidrift.toml a dir", lambda f, e: ((f / "apidrift.toml").mkdir(), ["contracts"])[1], expect=(0, 2)),
        Case("config: NUL in toml", _config("apidrift.toml", "api = 'a\0b'\n")),
        Case("config: huge toml", _config("apidrift.toml", "x = '" + "y" * (50 << 20) + "'\n"), expect=(2,)),
        Case("env: APIDRIFT_CACHE_DIR a file", _import("p.json", doc_json), env={"APIDRIFT_CACHE_DIR": "/etc/hostname"}, expect=(0, 1, 2)),
        Case("env: APIDRIFT_STATE_DIR a file", _live(), env={"APIDRIFT_STATE_DIR": "/etc/hostname"}, expect=(1, 2)),
        Case("env: HOME unset-ish", _import("p.json", doc_json), env={"HOME": "/nonexistent", "XDG_CACHE_HOME": ""}, expect=(0, 1, 2)),
        Case("env: COLUMNS=-5", _cmd("contracts"), env={"COLUMNS": "-5"}, expect=(0,)),
        Case("env: COLUMNS=abc", _cmd("contracts"), env={"COLUMNS": "abc"}, expect=(0,)),
        Case("env: GITHUB_ACTIONS odd", _cmd("check", "--reports", "out"), env={"GITHUB_ACTIONS": "true\n"}, expect=(0, 1)),
        Case("env: LANG=C (ASCII stdout)", _cmd("check", "--reports", "out"), env={"LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": "ascii"}, expect=(0, 1)),
        # ---- serve, proxy, fuzz, sdk, cleanup
        Case("serve: --latency -1", _cmd("serve", "--latency", "-1", "--port", "0")),
        Case("serve: --latency nan", _cmd("serve", "--latency", "nan", "--port", "0")),
        Case("serve: --faults 429=2", _cmd("serve", "--faults", "429=2", "--port", "0")),
        Case("serve: --faults 429=nan", _cmd("serve", "--faults", "429=nan", "--port", "0")),
        Case("serve: --port 70000", _cmd("serve", "--port", "70000")),
        Case("serve: --port -1", _cmd("serve", "--port", "-1")),
        Case("serve: --host 8.8.8.8", _cmd("serve", "--host", "8.8.8.8", "--port", "0")),
        Case("serve: --mix garbage", _cmd("serve", "--mix", "=,=", "--port", "0")),
        Case("serve: --contracts a file", _cmd("serve", "--contracts", "c", "--port", "0", files={"c": b"x"})),
        Case("serve: SIGTERM", _cmd("serve", "--port", "0"), expect=(0, 130, 143), signal_after=8.0),
        Case("proxy: --upstream ftp", _cmd("proxy", "--upstream", "ftp://127.0.0.1/")),
        Case("proxy: --max-exchanges -1", _cmd("proxy", "--upstream", "http://127.0.0.1:9", "--max-exchanges", "-1")),
        Case("proxy: --port 70000", _cmd("proxy", "--upstream", "http://127.0.0.1:9", "--port", "70000")),
        Case("fuzz: --max-examples -1", _cmd("fuzz", "--max-examples", "-1", "--no-reports")),
        Case("fuzz: --deadline 0", _cmd("fuzz", "--deadline", "0", "--no-reports"), expect=(0, 1, 2)),
        Case("fuzz: --deadline -1", _cmd("fuzz", "--deadline", "-1", "--no-reports")),
        Case("fuzz: --replay garbage", _cmd("fuzz", "--replay", "r.json", "--no-reports", files={"r.json": b"\xff\xfe garbage"})),
        Case("fuzz: --replay a list", _cmd("fuzz", "--replay", "r.json", "--no-reports", files={"r.json": b"[1]"})),
        Case("fuzz: --sandbox no =", _cmd("fuzz", "--base-url", "http://127.0.0.1:9", "--allow-writes", "--sandbox", "x", "--no-reports")),
        Case("sdk: docs binary", _cmd("sdk-check", "docs", "d.md", "--no-reports", files={"d.md": os.urandom(5000)})),
        Case("sdk: docs empty", _cmd("sdk-check", "docs", "d.md", "--no-reports", files={"d.md": b""})),
        Case("sdk: docs a directory", lambda f, e: ((f / "d.md").mkdir(), ["sdk-check", "docs", "d.md", "--no-reports"])[1]),
        Case("sdk: docs UTF-16", _cmd("sdk-check", "docs", "d.md", "--no-reports", files={"d.md": "# api\n".encode("utf-16")})),
        Case("sdk: models unknown", _cmd("sdk-check", "models", "nope", "--no-reports")),
        Case("cleanup: ledger garbage", _cmd("cleanup", "--ledger", "l.jsonl", "--dry-run", files={"l.jsonl": b"\x00\xff garbage\n{"}), env={"OPENAI_ADMIN_KEY": "sk-admin-" + "x" * 20}),
        Case("cleanup: ledger a directory", lambda f, e: ((f / "l").mkdir(), ["cleanup", "--ledger", "l", "--dry-run"])[1], env={"OPENAI_ADMIN_KEY": "sk-admin-" + "x" * 20}),
        Case("cleanup: ledger 10k deep", _cmd("cleanup", "--ledger", "l.jsonl", "--dry-run", files={"l.jsonl": b"[" * 10000 + b"]" * 10000 + b"\n"}), env={"OPENAI_ADMIN_KEY": "sk-admin-" + "x" * 20}),
        # ---- live against hostile servers (127.0.0.1)
        Case("live: chunked body never ends", _live("--run-deadline", "20"), server=_set_current(_forever(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", b"400\r\n" + b" " * 1024 + b"\r\n")), expect=(1, 2)),
        Case("live: Content-Length lies (too long)", _live(), server=_raw(lambda n: b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 999999\r\nConnection: close\r\n\r\n{}"), expect=(1, 2)),
        Case("live: Content-Length garbage", _live(), server=_raw(lambda n: b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}"), expect=(1, 2)),
        Case("live: Content-Length negative", _live(), server=_raw(lambda n: b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n{}"), expect=(1, 2)),
        Case("live: two Content-Lengths", _live(), server=_raw(lambda n: b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"), expect=(1, 2)),
        Case("live: gzip bomb", _live(), server=_set_current(_gzip_bomb_answer()), expect=(1, 2)),
        Case("live: gzip head, then silence", _live("--run-deadline", "20"), server=_set_current(_forever(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n", b"")), expect=(1, 2)),
        Case("live: redirect loop", _live(), server=_raw(lambda n: b"HTTP/1.1 302 Found\r\nLocation: /v1/organization/projects\r\nContent-Length: 0\r\n\r\n"), expect=(1, 2)),
        Case("live: TLS to a plain server", lambda f, e: _live()(f, e), server=_tls_on_plain, expect=(1, 2), timeout=120),
        Case("live: garbage status line", _live(), server=_raw(lambda n: b"HTTP/1.1 abc\r\n\r\n"), expect=(1, 2)),
        Case("live: not HTTP at all", _live(), server=_raw(lambda n: b"\x00\xff" * 100 + b"\r\n\r\n"), expect=(1, 2)),
        Case("live: 100 MiB header", _live(), server=_raw(lambda n: b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * (100 << 20) + b"\r\nContent-Length: 2\r\n\r\n{}"), expect=(1, 2)),
        Case("live: trickle 1 B/s", _live("--run-deadline", "15"), server=_raw(lambda n: Trickle(response(200, {"object": "list", "data": []}), 1.0)), expect=(1, 2)),
        Case("live: body JSON 10k deep", _live(), server=_raw(lambda n: b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 20000\r\n\r\n" + b"[" * 10000 + b"]" * 10000), expect=(1, 2)),
        Case("live: body lone surrogate", _live(), server=_raw(lambda n: b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n" + b'{"a": "\\ud800"}'), expect=(1, 2)),
        Case("live: answers never (blackhole), run deadline", _live("--run-deadline", "20"), server=_raw(lambda n: Trickle(b"", 1.0)), expect=(1, 2)),
        Case("live: 100k-digit number", _live(), server=_raw(lambda n: b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n" + b"9" * 100000), expect=(1, 2)),
        Case("live: nothing listening", _live(), expect=(1, 2)),
        Case("live: SIGTERM mid-run", _live(), server=_raw(lambda n: Trickle(response(200, {}), 0.5)), expect=(1, 2, 130, 143), signal_after=5.0),
    ]
    # fmt: on
    return out


def _sample_report(folder: Path) -> None:
    subprocess.run(
        [*APIDRIFT, "check", "--reports", str(folder / "rep"), "--format", "json", "-q"],
        cwd=folder,
        capture_output=True,
        timeout=300,
    )
    (folder / "r.json").write_bytes((folder / "rep" / "report.json").read_bytes())


def _many(folder: Path, n: int) -> None:
    folder.mkdir(parents=True)
    data = GOOD_REC.read_bytes()
    for i in range(n):
        (folder / f"r{i:06d}.json").write_bytes(data)


def _valid_report(path: Path, first: str) -> tuple[bool, str]:
    """Whether the case left a parseable report (what an interrupted run must still write)."""
    try:
        report = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        return False, f"no valid report: {exc}"
    return (
        True,
        first
        or f"report written: {report['summary']['responses']} responses, interrupted={report.get('interrupted')}",
    )


def _hwm_kb(pid: int) -> int:
    """The process's peak RSS so far (VmHWM: per address space, so it starts afresh at exec, unlike
    wait4's ru_maxrss, which keeps the high-water mark of the forking parent's copy)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _limited(argv: list[str], fsize: int | None) -> list[str]:
    """The command under a shell that caps its memory (and file size: a disk that fills up). Not a
    preexec_fn: that forces a fork, whose child starts with this sweep's whole RSS and spoils wait4's peak."""
    script = f"ulimit -v {MEMORY_CAP >> 10}; "
    if fsize is not None:
        script += f"trap '' XFSZ; ulimit -f {max(1, fsize >> 9)}; "
    return ["sh", "-c", script + 'exec "$@"', "sh", *argv]


def run_case(case: Case, timeout: float) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        folder = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("APIDRIFT", "OPENAI"))}
        env["PYTHONPATH"] = os.environ.get("HOSTILE_PYTHONPATH", str(REPO / "src"))
        env["APIDRIFT_CACHE_DIR"] = str(folder / ".cache")
        env["APIDRIFT_STATE_DIR"] = str(folder / ".state")
        env["COLUMNS"] = "120"
        server = None
        _Servers.current = None
        argv: list[str] = []
        try:
            if case.server:
                server = case.server()
            argv = case.setup(folder, env)
            env.update(case.env)
            start = time.monotonic()
            proc = subprocess.Popen(
                _limited([*APIDRIFT, *argv], case.fsize),
                cwd=folder,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
            out_chunks: list[bytes] = []
            err_chunks: list[bytes] = []
            readers = [
                threading.Thread(target=lambda s, o: o.append(s.read()), args=(p, o), daemon=True)
                for p, o in ((proc.stdout, out_chunks), (proc.stderr, err_chunks))
            ]
            for r in readers:
                r.start()
            limit = min(case.timeout, timeout)
            signalled = False
            status = None
            peak_kb = 0
            while True:
                peak_kb = max(peak_kb, _hwm_kb(proc.pid))
                pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                elapsed = time.monotonic() - start
                if case.signal_after is not None and not signalled and elapsed > case.signal_after:
                    os.kill(proc.pid, signal.SIGTERM)
                    signalled = True
                if elapsed > limit:
                    os.killpg(proc.pid, signal.SIGKILL)
                    _, status, _ = os.wait4(proc.pid, 0)
                    status = None
                    break
                time.sleep(0.05)
            seconds = time.monotonic() - start
            proc.returncode = 0  # reaped by wait4 above
            for r in readers:
                r.join(timeout=5)
            stderr = b"".join(err_chunks).decode("utf-8", "replace")
            stdout = b"".join(out_chunks).decode("utf-8", "replace")
            if status is None:
                code: int | None = None
            elif os.WIFSIGNALED(status):
                code = -os.WTERMSIG(status)
            else:
                code = os.WEXITSTATUS(status)
            first = next((line for line in stderr.splitlines() if line.strip()), "")
            if not first and code not in (0, 1):
                first = next((line for line in stdout.splitlines() if line.strip()), "")
            traceback = "Traceback (most recent call last)" in stderr + stdout
            rss_mb = peak_kb / 1024
            ok = code in case.expect and not traceback and not (code == 3 and 3 not in case.expect)
            if ok and case.report is not None:
                ok, first = _valid_report(folder / case.report, first)
            return Outcome(case, argv, code, first[:160], traceback, seconds, rss_mb, ok)
        except Exception as exc:  # the sweep's own setup failing is shown as such, not as apidrift's
            return Outcome(
                case, argv, None, f"SETUP FAILED: {type(exc).__name__}: {exc}"[:160], False, 0.0, 0.0, False
            )
        finally:
            if server is not None:
                server.stop()  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--timeout", type=float, default=600.0, help="cap on every case's own timeout")
    parser.add_argument("--markdown", type=Path)
    parser.add_argument("--failed", action="store_true", help="print only the cases that fail")
    args = parser.parse_args()
    chosen = [c for c in cases() if not args.only or any(s.lower() in c.name.lower() for s in args.only)]
    rows: list[Outcome] = []
    for case in chosen:
        outcome = run_case(case, args.timeout)
        rows.append(outcome)
        if outcome.ok and args.failed:
            continue
        mark = "ok  " if outcome.ok else "FAIL"
        print(
            f"{mark} {case.name:42.42} exit={outcome.code!s:>4} tb={'Y' if outcome.traceback else 'n'} "
            f"{outcome.seconds:6.1f}s {outcome.rss_mb:7.0f}MB | {outcome.first[:110]}",
            flush=True,
        )
    failed = [r for r in rows if not r.ok]
    print(f"\n{len(rows)} inputs, {len(failed)} failed")
    if args.markdown:
        lines = [
            "| input | command | exit | first stderr line | traceback | s | peak RSS MB | ok |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in rows:
            cmd = " ".join(r.argv[:3]).replace("|", "\\|")
            first = r.first.replace("|", "\\|").replace("`", "'")
            lines.append(
                f"| {r.case.name} | `{cmd}` | {r.code} | {first} | {'yes' if r.traceback else 'no'} | "
                f"{r.seconds:.1f} | {r.rss_mb:.0f} | {'ok' if r.ok else 'FAIL'} |"
            )
        args.markdown.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
