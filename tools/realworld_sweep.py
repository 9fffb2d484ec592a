# ruff: noqa: E501  (the report is a table: one document a line)
"""Run real-world OpenAPI documents through `apidrift`, one subprocess per step, and tabulate what breaks.

    .venv/bin/python tools/realworld_sweep.py FOLDER [--pairs CASES.toml] [--only SUBSTRING]
        [--timeout S] [--markdown FILE] [--json FILE]

FOLDER holds documents (`*.yaml`, `*.yml`, `*.json`; a subfolder with an `openapi.yaml`/`.json` is one
document split over files). For each: `import-openapi` (operations, parameters, bodies and statuses
compared with the document as read here), a self-diff and a diff against the document re-written as
JSON (both must be empty), three mutations (a response property dropped, one renamed, an enum
narrowed: each must be reported with its kind, side and operation) and `check` of the imported
examples. `--pairs` names openapi-diff pairs (`[name] base = .. revision = .. compatible = true`):
apidrift must exit 0 (compatible) or 1 (breaking) as the peer's tests say. Each step records its exit
code, a traceback (any exit 3 or "Traceback" on stderr), seconds and peak RSS (the child's own VmHWM).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# The child reports its own peak RSS (VmHWM): wait4's ru_maxrss carries the forking parent's peak,
# and this process holds the largest document read so far.
_CHILD = (
    "import atexit, os, runpy, sys\n"
    "def peak():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmHWM:'):\n"
    "            open(os.environ['SWEEP_RSS'], 'w').write(line.split()[1])\n"
    "atexit.register(peak)\n"
    "sys.argv = ['apidrift', *sys.argv[1:]]\n"
    "runpy.run_module('apidrift.cli', run_name='__main__')\n"
)
APIDRIFT = [sys.executable, "-c", _CHILD]
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
ENTRY_NAMES = ("openapi.yaml", "openapi.yml", "openapi.json")


@dataclass
class Step:
    """One `apidrift` run: its exit code, first error line, seconds and peak RSS."""

    code: int | None
    first: str
    traceback: bool
    seconds: float
    rss_mb: float
    stdout: str = field(repr=False, default="")


@dataclass
class DocResult:
    """What the sweep saw of one document."""

    name: str
    openapi: str = ""
    operations: int = 0
    imported: int = 0
    problems: list[str] = field(default_factory=list)
    mutations_caught: int = 0
    mutations_tried: int = 0
    examples: str = ""
    seconds: float = 0.0
    rss_mb: float = 0.0


def run(args: list[str], cwd: Path, timeout: float) -> Step:
    """`apidrift ARGS` in a subprocess, timed, with its peak RSS."""
    rss_file = cwd / "rss"
    env = dict(os.environ, NO_COLOR="1", COLUMNS="200", APIDRIFT_CACHE_DIR=str(cwd / "cache"))
    env["SWEEP_RSS"] = str(rss_file)
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([*APIDRIFT, *args], cwd=cwd, stdout=out, stderr=err, env=env)
        try:
            _, status, _ = os.wait4(proc.pid, 0)
            code: int | None = os.waitstatus_to_exitcode(status)
        except KeyboardInterrupt:
            proc.kill()
            raise
        proc.returncode = code if code is not None else -1
        seconds = time.perf_counter() - start
        if seconds > timeout:
            code = None
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    lines = [line for line in stderr.splitlines() if line.strip()]
    first = next((line for line in lines if line.startswith("error")), lines[0] if lines else "")
    rss = int(rss_file.read_text()) / 1024 if rss_file.is_file() else 0.0
    return Step(code, first[:240], "Traceback" in stderr or code == 3, seconds, rss, stdout)


def load(path: Path) -> dict[str, Any]:
    """The document as apidrift reads it (YAML 1.2, within its limits), external `$ref`s bundled."""
    from apidrift.openapi.document import load_document

    return load_document(path)


def resolve(document: dict[str, Any], node: Any, depth: int = 0) -> Any:
    """`node` with its local `$ref` chain followed (JSON pointers only)."""
    while (
        isinstance(node, dict)
        and isinstance(node.get("$ref"), str)
        and node["$ref"].startswith("#/")
        and depth < 50
    ):
        target: Any = document
        for part in node["$ref"][2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, dict) else None
        node, depth = target, depth + 1
    return node


def operations(
    document: dict[str, Any], part: str = "paths"
) -> Iterator[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """(METHOD, path, path item, operation) of every operation under `paths` (or `webhooks`)."""
    for path, item in (document.get(part) or {}).items():
        item = resolve(document, item)
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                yield method.upper(), path, item, op


def expected_surface(document: dict[str, Any]) -> dict[str, tuple[int, bool, frozenset[str]]]:
    """Per `METHOD path`: how many parameters (path-level ones merged), whether a body, which statuses
    (and which of them have a schema)."""
    surface: dict[str, tuple[int, bool, frozenset[str]]] = {}
    sites = [(f"{m} {p}", i, o) for m, p, i, o in operations(document)]
    sites += [(f"webhook {m} {p}", i, o) for m, p, i, o in operations(document, "webhooks")]
    for key, item, op in sites:
        params = {}
        for raw in [*(item.get("parameters") or []), *(op.get("parameters") or [])]:
            p = resolve(document, raw)
            if isinstance(p, dict) and "name" in p and "in" in p:
                params[(str(p["name"]).lower() if p["in"] == "header" else p["name"], p["in"])] = p
        body = resolve(document, op.get("requestBody"))
        has_body = isinstance(body, dict) and bool(body.get("content"))
        statuses = set()
        for status, response in (op.get("responses") or {}).items():
            response = resolve(document, response)
            content = response.get("content") if isinstance(response, dict) else None
            typed = any(isinstance(m, dict) and m.get("schema") is not None for m in (content or {}).values())
            statuses |= {str(status), f"{status} with a schema"} if typed else {str(status)}
        surface[key] = (len(params), has_body, frozenset(statuses))
    return surface


def imported_surface(contract: dict[str, Any]) -> dict[str, tuple[int, bool, frozenset[str]]]:
    surface = {}
    sites = [(f"{op['method']} {op['path']}", op) for op in contract.get("operations", [])]
    sites += [(f"webhook {op['method']} {op['path']}", op) for op in contract.get("webhooks", [])]
    for key, op in sites:
        surface[key] = (
            len(op.get("parameters") or []),
            op.get("request_body") is not None,
            frozenset(op.get("responses") or {})
            | {
                f"{s} with a schema"
                for s, r in (op.get("responses") or {}).items()
                if r.get("schema") is not None or r.get("media")
            },
        )
    return surface


# --- mutations: each returns (mutated document, what the diff must report) or None -------------------


def _json_response_schema(document: dict[str, Any], op: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    for status, response in (op.get("responses") or {}).items():
        response = resolve(document, response)
        if not str(status).startswith("2") or not isinstance(response, dict):
            continue
        for media, content in (response.get("content") or {}).items():
            if "json" in media and isinstance(content, dict) and isinstance(content.get("schema"), dict):
                return str(status), content
    return None


def _inline_object(document: dict[str, Any], holder: dict[str, Any], key: str) -> dict[str, Any] | None:
    """The object schema at `holder[key]` (or its array's `items`), inlined as a copy so that a
    mutation changes this one place only; None when there is no object with properties."""
    schema = resolve(document, holder.get(key))
    if isinstance(schema, dict) and schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        holder[key] = schema = copy.deepcopy(schema)
        holder, key = schema, "items"
        schema = resolve(document, schema["items"])
    if not (isinstance(schema, dict) and isinstance(schema.get("properties"), dict) and schema["properties"]):
        return None
    holder[key] = schema = copy.deepcopy(schema)
    return schema


def _mutable_property(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any], str]]:
    """(operation, side, object schema, property): a GET's JSON response, else a webhook's payload."""
    sites = [(f"GET {p}", "response", o) for m, p, _, o in operations(document) if m == "GET"]
    sites += [(f"{m} {p}", "webhook", o) for m, p, _, o in operations(document, "webhooks")]
    for operation, side, op in sites:
        if side == "response":
            found = _json_response_schema(document, op)
            content = found[1] if found else None
        else:
            body = resolve(document, op.get("requestBody"))
            media = body.get("content") if isinstance(body, dict) else None
            content = next((m for t, m in (media or {}).items() if "json" in t and isinstance(m, dict)), None)
        if content is None:
            continue
        target = _inline_object(document, content, "schema")
        if target is None:
            continue
        names = [n for n, s in target["properties"].items() if isinstance(resolve(document, s), dict | bool)]
        if names:
            yield operation, side, target, names[-1]


def _unshared(document: dict[str, Any]) -> dict[str, Any]:
    """A copy in which no two places are one object (YAML aliases are): a mutation changes one."""
    copied: dict[str, Any] = json.loads(json.dumps(document))
    return copied


def drop_property(document: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]] | None:
    document = _unshared(document)
    for operation, side, schema, name in _mutable_property(document):
        del schema["properties"][name]
        if isinstance(schema.get("required"), list):
            schema["required"] = [r for r in schema["required"] if r != name] or None
            if schema["required"] is None:
                del schema["required"]
        return document, {"kind": "field-removed", "side": side, "operation": operation, "path": name}
    return None


def rename_property(document: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]] | None:
    document = _unshared(document)
    for operation, side, schema, name in _mutable_property(document):
        props = schema["properties"]
        schema["properties"] = {(f"{k}_renamed" if k == name else k): v for k, v in props.items()}
        if isinstance(schema.get("required"), list):
            schema["required"] = [f"{r}_renamed" if r == name else r for r in schema["required"]]
        return document, {"kind": "field-renamed", "side": side, "operation": operation, "path": name}
    return None


def narrow_enum(document: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]] | None:
    """The last value of a query parameter's enum (inline in the operation) dropped."""
    document = _unshared(document)
    for method, path, _, op in operations(document):
        for raw in op.get("parameters") or []:
            param = resolve(document, raw)
            if not isinstance(param, dict) or param.get("in") != "query":
                continue
            schema = resolve(document, param.get("schema"))
            target = (
                resolve(document, schema.get("items"))
                if isinstance(schema, dict) and schema.get("type") == "array"
                else schema
            )
            if isinstance(target, dict) and isinstance(target.get("enum"), list) and len(target["enum"]) >= 2:
                param = copy.deepcopy(param)
                op["parameters"] = [param if r is raw else r for r in op["parameters"]]
                schema = param["schema"] = copy.deepcopy(schema)
                if schema.get("type") == "array":
                    target = schema["items"] = copy.deepcopy(target)
                else:
                    target = schema
                target["enum"] = target["enum"][:-1]
                return document, {
                    "kind": "enum-values-removed",
                    "side": "parameter",
                    "operation": f"{method} {path}",
                    "path": str(param["name"]),
                }
    return None


MUTATIONS = {"drop-property": drop_property, "rename-property": rename_property, "narrow-enum": narrow_enum}


def caught(changes: list[dict[str, Any]], want: dict[str, str]) -> bool:
    return any(
        c["kind"] == want["kind"]
        and c.get("side") == want["side"]
        and c.get("operation") == want["operation"]
        and want["path"] in str(c.get("path"))
        for c in changes
    )


def sweep_document(doc: Path, work: Path, timeout: float) -> DocResult:
    result = DocResult(doc.name)
    entry = next((doc / n for n in ENTRY_NAMES if (doc / n).is_file()), doc) if doc.is_dir() else doc
    try:
        document = load(entry)
    except Exception as exc:  # the tool reads the document only to compare: apidrift's import says the rest
        document = {}
        result.problems.append(f"unreadable here: {type(exc).__name__}: {str(exc)[:120]}")
    result.openapi = str(document.get("openapi") or document.get("swagger") or "?")
    expected = expected_surface(document)
    result.operations = len(expected)
    steps: list[Step] = []

    def step(name: str, args: list[str], ok: tuple[int, ...] = (0,)) -> Step:
        s = run(args, work, timeout)
        steps.append(s)
        if s.traceback:
            result.problems.append(f"{name}: traceback/exit 3: {s.first}")
        elif s.code is None:
            result.problems.append(f"{name}: timed out")
        elif s.code not in ok:
            result.problems.append(f"{name}: exit {s.code}: {s.first}")
        return s

    swagger = result.openapi.startswith("2")
    imp = step(
        "import",
        [
            "import-openapi",
            str(entry),
            "--api",
            "sweep",
            "--version",
            "v1",
            "--contracts",
            "c",
            "--recordings-out",
            "r",
        ],
        (2,) if swagger else (0,),
    )
    contract_file = work / "c" / "sweep" / "v1" / "contract.json"
    if swagger or imp.code != 0 or not contract_file.is_file():
        return finish(result, steps)
    contract = json.loads(contract_file.read_text())
    got = imported_surface(contract)
    result.imported = sum(1 for key in got if key in expected)
    for key, (params, body, statuses) in expected.items():
        if key not in got:
            result.problems.append(f"import: lost {key}")
            continue
        gp, gb, gs = got[key]
        if gp != params or gb != body or not statuses <= gs:
            result.problems.append(
                f"import: {key} params {params}->{gp} body {body}->{gb} statuses {sorted(statuses - gs)} lost"
            )
    tail = imp.stdout.splitlines()
    result.examples = next((line.strip() for line in tail if line.strip().startswith("│ all")), "")
    if (work / "r").is_dir() and any((work / "r").iterdir()):
        step(
            "check examples",
            [
                "check",
                "--api",
                "sweep",
                "--contracts",
                "c",
                "--recordings",
                "r",
                "--against",
                "v1",
                "--no-reports",
            ],
            (0, 1),
        )

    for name, other in (("self-diff", entry), ("json round trip", _write(work / "rt.json", document))):
        s = step(name, ["diff", str(entry), str(other), "--format", "json"], (0,))
        if s.code == 0 and json.loads(s.stdout or "{}").get("changes"):
            result.problems.append(
                f"{name}: {len(json.loads(s.stdout)['changes'])} changes, first {json.loads(s.stdout)['changes'][0]['message'][:100]}"
            )
    if doc.is_dir():
        return finish(result, steps)
    for name, mutate in MUTATIONS.items():
        made = mutate(copy.deepcopy(document))
        if made is None:
            continue
        mutated, want = made
        result.mutations_tried += 1
        s = step(
            name,
            ["diff", str(work / "rt.json"), str(_write(work / f"{name}.json", mutated)), "--format", "json"],
            (0, 1),
        )
        changes = json.loads(s.stdout).get("changes", []) if s.code in (0, 1) and s.stdout else []
        if caught(changes, want):
            result.mutations_caught += 1
        else:
            seen = sorted(
                {f"{c['kind']}/{c.get('side')}" for c in changes if c.get("operation") == want["operation"]}
            )
            result.problems.append(
                f"{name}: missed {want['kind']} {want['side']} {want['operation']} {want['path']} (saw {seen or len(changes)})"
            )
    return finish(result, steps)


def _write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document))
    return path


def finish(result: DocResult, steps: list[Step]) -> DocResult:
    result.seconds = round(sum(s.seconds for s in steps), 2)
    result.rss_mb = round(max((s.rss_mb for s in steps), default=0.0), 1)
    return result


def sweep_pairs(cases: Path, timeout: float) -> list[tuple[str, str]]:
    """openapi-diff pairs whose exit (0 compatible, 1 breaking) differs from the peer's verdict."""
    wrong = []
    for name, case in tomllib.loads(cases.read_text()).items():
        with tempfile.TemporaryDirectory() as tmp:
            s = run(
                [
                    "diff",
                    str(cases.parent / case["base"]),
                    str(cases.parent / case["revision"]),
                    "--format",
                    "json",
                ],
                Path(tmp),
                timeout,
            )
        verdict = {0: "compatible", 1: "breaking"}.get(
            s.code if s.code is not None else -1, f"exit {s.code}: {s.first}"
        )
        want = "compatible" if case["compatible"] else "breaking"
        if verdict != want:
            kinds = (
                sorted(
                    {f"{c['kind']}:{c['severity']}" for c in json.loads(s.stdout or "{}").get("changes", [])}
                )
                if s.code in (0, 1)
                else []
            )
            wrong.append((name, f"peer {want}, apidrift {verdict} {kinds}"))
    return wrong


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder", type=Path)
    parser.add_argument("--pairs", type=Path)
    parser.add_argument("--only", default="")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--markdown", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    docs = sorted(
        p
        for p in args.folder.iterdir()
        if args.only in p.name
        and (
            (p.is_file() and p.suffix in (".yaml", ".yml", ".json"))
            or (p.is_dir() and any((p / n).is_file() for n in ENTRY_NAMES))
        )
    )
    results = []
    for doc in docs:
        with tempfile.TemporaryDirectory() as tmp:
            r = sweep_document(doc, Path(tmp), args.timeout)
        results.append(r)
        print(
            f"{r.name:48} {r.openapi:6} ops {r.imported}/{r.operations} mut {r.mutations_caught}/{r.mutations_tried} {r.seconds:7.2f}s {r.rss_mb:7.1f}MB {len(r.problems)} problems",
            flush=True,
        )
        for problem in r.problems[:8]:
            print(f"    {problem}", flush=True)
    wrong = sweep_pairs(args.pairs, args.timeout) if args.pairs else []
    for name, why in wrong:
        print(f"pair {name}: {why}")
    totals = summary(results, wrong)
    print(json.dumps(totals))
    if args.json:
        args.json.write_text(
            json.dumps(
                {"totals": totals, "documents": [asdict(r) for r in results], "pairs": wrong}, indent=1
            )
        )
    if args.markdown:
        args.markdown.write_text(markdown(results, wrong, totals))
    return 1 if any(r.problems for r in results) or wrong else 0


def summary(results: list[DocResult], wrong: list[tuple[str, str]]) -> dict[str, Any]:
    problems = [p for r in results for p in r.problems]
    return {
        "documents": len(results),
        "operations": sum(r.operations for r in results),
        "imported": sum(r.imported for r in results),
        "crashes": sum("traceback" in p for p in problems),
        "refusals": sum(p.startswith("import: exit") for p in problems),
        "lost_or_changed": sum(
            p.startswith("import: ") and not p.startswith("import: exit") for p in problems
        ),
        "self_diff_nonempty": sum(p.startswith(("self-diff", "json round trip")) for p in problems),
        "mutations": f"{sum(r.mutations_caught for r in results)}/{sum(r.mutations_tried for r in results)}",
        "pairs_disagreeing": len(wrong),
        "seconds": round(sum(r.seconds for r in results), 1),
        "peak_rss_mb": max((r.rss_mb for r in results), default=0.0),
    }


def markdown(results: list[DocResult], wrong: list[tuple[str, str]], totals: dict[str, Any]) -> str:
    lines = [
        "| document | openapi | operations imported | mutations caught | seconds | peak MB | problems |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.openapi} | {r.imported}/{r.operations} | {r.mutations_caught}/{r.mutations_tried} | {r.seconds} | {r.rss_mb} | {'; '.join(r.problems) or '-'} |"
        )
    lines += [
        "",
        *(f"- pair {name}: {why}" for name, why in wrong),
        "",
        "```",
        json.dumps(totals, indent=1),
        "```",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
