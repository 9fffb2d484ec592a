# ruff: noqa: E501  (the report is a table: one capture a line)
"""Run captured traffic written by other tools (cassettes, HAR files) through `apidrift`, and tabulate
what is read, lost, refused and checked.

    .venv/bin/python tools/capture_sweep.py FOLDER [--only SUBSTRING] [--timeout S]
        [--markdown FILE] [--json FILE] [--reports DIR]

Every `*.har`, `*.json`, `*.yaml` and `*.yml` below FOLDER is a capture (an `openapi.*` file is not:
it is the contract of the captures beside and below it). For each, two subprocesses:

- **read**: the capture through the traffic readers alone (`iter_traffic`, as `check` reads it):
  exchanges read, entries listed as not exchanges (with their reasons), files refused, statuses and
  response media types seen, any traceback;
- **check**: `apidrift check --har FILE` (a `.har`) or `--cassettes FILE` (anything else) against a
  contract: the nearest `openapi.yaml`/`.json` beside or above the capture, imported; else the bundled
  OpenAI contracts when the capture talks to `api.openai.com`; else a document written from the
  capture's own methods and paths (every response any JSON), so reading and matching are what is
  measured. Exit code, first error line, unmatched lines, traceback, seconds and peak RSS.

Point PYTHONPATH at another tree's `src` to sweep it instead (a baseline: `git archive main src`);
`--reports DIR` keeps each check's `report.json` (as `DIR/<capture>.json`) and console output, so two
sweeps can be compared file by file.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SUFFIXES = (".har", ".json", ".yaml", ".yml")
CONTRACT_NAMES = ("openapi.yaml", "openapi.yml", "openapi.json")

# The child reports its own peak RSS (VmHWM), as tools/realworld_sweep.py does.
_PEAK = (
    "import atexit, os\n"
    "def _peak():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmHWM:'):\n"
    "            open(os.environ['SWEEP_RSS'], 'w').write(line.split()[1])\n"
    "atexit.register(_peak)\n"
)
_CLI = _PEAK + (
    "import runpy, sys\nsys.argv = ['apidrift', *sys.argv[1:]]\nrunpy.run_module('apidrift.cli', run_name='__main__')\n"
)
# Reading alone: what the readers make of the file (exchanges, entries that are not, errors).
_READ = _PEAK + (
    "import json, sys, traceback\n"
    "from pathlib import Path\n"
    "from apidrift.traffic.check import Traffic, iter_traffic\n"
    "path = Path(sys.argv[1])\n"
    "traffic = Traffic()\n"
    "out = {'exchanges': [], 'traceback': ''}\n"
    "try:\n"
    "    source = iter_traffic(traffic, har=[path]) if path.suffix == '.har' else iter_traffic(traffic, cassettes=[path])\n"
    "    for ex in source:\n"
    "        body = ex.response_body\n"
    "        kind = 'none' if body is None else 'empty' if not body.strip() else 'json' if body.lstrip()[:1] in b'[{' else 'other'\n"
    "        out['exchanges'].append({'method': ex.method, 'url': ex.url[:200], 'status': ex.status,\n"
    "            'type': (ex.response_header('content-type') or '').split(';')[0].strip(), 'body': kind})\n"
    "except BaseException:\n"
    "    out['traceback'] = traceback.format_exc()[-2000:]\n"
    "out['unmatched'] = [u.reason for u in traffic.unmatched]\n"
    "out['errors'] = [str(e) for e in traffic.errors]\n"
    "print(json.dumps(out))\n"
)


@dataclass
class Row:
    """One capture: what reading it found and what `check` said."""

    file: str
    contract: str = ""
    read: int = 0
    listed: int = 0
    refused: str = ""
    reasons: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    bodies: dict[str, int] = field(default_factory=dict)
    read_traceback: str = ""
    code: int | None = None
    first: str = ""
    unmatched_lines: int = 0
    check_traceback: bool = False
    seconds: float = 0.0
    rss_mb: float = 0.0


def _run(argv: list[str], *, cwd: Path, timeout: float) -> tuple[int | None, str, str, float, float]:
    with tempfile.NamedTemporaryFile(prefix="sweep-rss-") as rss:
        env = {
            **os.environ,
            "SWEEP_RSS": rss.name,
            "NO_COLOR": "1",
            "COLUMNS": "200",
            "APIDRIFT_TRACEBACK": "1",
        }
        start = time.monotonic()
        try:
            done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
            code, stdout, stderr = done.returncode, done.stdout, done.stderr
        except subprocess.TimeoutExpired:
            code, stdout, stderr = None, "", "timed out"
        seconds = time.monotonic() - start
        text = Path(rss.name).read_text().strip()
    return code, stdout, stderr, seconds, int(text) / 1024 if text else 0.0


def _contract_for(path: Path, root: Path) -> Path | None:
    for folder in (path.parent, *path.parent.parents):
        for name in CONTRACT_NAMES:
            if (folder / name).is_file():
                return folder / name
        if folder == root:
            return None
    return None


def _written_contract(exchanges: list[dict[str, Any]], folder: Path) -> Path:
    """An OpenAPI document with every method and path the capture holds, each status answered with
    any body of the media types the capture's answers have (JSON for a JSON body, none for an empty
    one): a body that is not JSON where JSON is documented is an error, which a contract written from
    the capture must not make up."""
    paths: dict[str, dict[str, Any]] = {}
    # Each status seen, by name: `check` does not read `default` as any status (see the report).
    any_json = {"description": "any", "content": {"application/json": {"schema": {}}}}
    for i, ex in enumerate(exchanges):
        path = urlsplit(ex["url"]).path or "/"
        method = ex["method"].lower()
        if method in ("get", "put", "post", "delete", "patch", "head", "options", "trace"):
            op = paths.setdefault(path, {}).setdefault(
                method, {"operationId": f"op{i}", "responses": {"default": any_json}}
            )
            if 100 <= ex["status"] <= 599:
                response = op["responses"].setdefault(str(ex["status"]), {"description": "any"})
                media = ex["type"] or "application/json"
                if ex["body"] == "json" or (ex["body"] == "other" and ex["type"]):
                    response.setdefault("content", {})[media] = {"schema": {}}
    # Nothing read: one operation all the same, so `check` runs and says what a user would see.
    paths = paths or {"/": {"get": {"operationId": "op", "responses": {"default": any_json}}}}
    doc = {"openapi": "3.1.0", "info": {"title": "capture", "version": "1"}, "paths": paths}
    out = folder / "written.json"
    out.write_text(json.dumps(doc))
    return out


def sweep_one(path: Path, root: Path, timeout: float, keep: Path | None = None) -> Row:
    row = Row(file=path.relative_to(root).as_posix())
    with tempfile.TemporaryDirectory(prefix="capture-sweep-") as scratch:
        work = Path(scratch)
        code, stdout, stderr, _, _ = _run([sys.executable, "-c", _READ, str(path)], cwd=work, timeout=timeout)
        try:
            read = json.loads(stdout.splitlines()[-1])
        except (IndexError, ValueError):
            read = {
                "exchanges": [],
                "unmatched": [],
                "errors": [],
                "traceback": stderr[-2000:] or f"exit {code}",
            }
        exchanges = read["exchanges"]
        row.read, row.listed = len(exchanges), len(read["unmatched"])
        row.refused = "; ".join(read["errors"])[:300]
        row.read_traceback = read["traceback"]
        row.reasons = dict(Counter(r[:80] for r in read["unmatched"]))
        row.statuses = dict(Counter(str(e["status"]) for e in exchanges))
        row.bodies = dict(Counter(f"{e['body']}:{e['type'] or '-'}" for e in exchanges))
        contract = _contract_for(path, root)
        argv = [sys.executable, "-c", _CLI, "check"]
        if contract is None and any(urlsplit(e["url"]).hostname == "api.openai.com" for e in exchanges):
            row.contract = "bundled openai-admin"
        else:
            doc = contract or _written_contract(exchanges, work)
            row.contract = contract.relative_to(root).as_posix() if contract else "written from the capture"
            done = _run(
                [
                    sys.executable,
                    "-c",
                    _CLI,
                    "import-openapi",
                    str(doc),
                    "--api",
                    "sweep",
                    "--contracts",
                    "contracts",
                    "-q",
                ],
                cwd=work,
                timeout=timeout,
            )
            if done[0] not in (0, 1):
                row.first = f"import failed: {(done[2] or done[1]).strip().splitlines()[:1]}"
                return row
            argv += ["--api", "sweep", "--contracts", "contracts"]
        argv += ["--har" if path.suffix == ".har" else "--cassettes", str(path), "--reports", "reports"]
        code, stdout, stderr, seconds, rss = _run(argv, cwd=work, timeout=timeout)
        row.code, row.seconds, row.rss_mb = code, round(seconds, 2), round(rss, 1)
        errors = [line for line in stderr.splitlines() if line.startswith("error:")]
        row.first = (errors[0] if errors else "")[:200]
        row.unmatched_lines = sum(line.startswith("unmatched:") for line in stdout.splitlines())
        row.check_traceback = code == 3 or "Traceback" in stderr
        if keep is not None:
            out = keep / f"{row.file}.json"
            out.parent.mkdir(parents=True, exist_ok=True)
            report = work / "reports" / "report.json"
            out.write_text(report.read_text() if report.is_file() else "")
            out.with_suffix(".out").write_text(f"exit {code}\n{stdout}\n--- stderr\n{stderr}")
    return row


def captures(root: Path, only: str | None) -> list[Path]:
    found = sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and p.suffix.lower() in SUFFIXES and p.name not in CONTRACT_NAMES
    )
    return [p for p in found if only is None or only in p.as_posix()]


def totals(rows: list[Row]) -> dict[str, int]:
    return {
        "files": len(rows),
        "files read": sum(1 for r in rows if not r.refused and not r.read_traceback),
        "files refused": sum(1 for r in rows if r.refused),
        "exchanges read": sum(r.read for r in rows),
        "entries listed, not read": sum(r.listed for r in rows),
        "tracebacks": sum(1 for r in rows if r.read_traceback or r.check_traceback),
        "check exit 0/1": sum(1 for r in rows if r.code in (0, 1)),
        "check exit 2": sum(1 for r in rows if r.code == 2),
    }


def markdown(rows: list[Row]) -> str:
    lines = [
        "| capture | read | listed | refused | statuses | bodies | check | first error | s | MB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        tb = " **traceback**" if r.read_traceback or r.check_traceback else ""
        lines.append(
            f"| {r.file} | {r.read} | {r.listed} {'; '.join(f'{k} ×{v}' for k, v in r.reasons.items())} | {r.refused} | "
            f"{', '.join(f'{k}×{v}' for k, v in r.statuses.items())} | {', '.join(f'{k}×{v}' for k, v in r.bodies.items())} | "
            f"{r.code}{tb} | {r.first} | {r.seconds} | {r.rss_mb} |"
        )
    lines += ["", *(f"- {k}: {v}" for k, v in totals(rows).items())]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--only", help="only captures whose path holds this text")
    parser.add_argument(
        "--skip", action="append", default=[], help="leave out captures whose path holds this text"
    )
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--markdown", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--reports", type=Path, help="keep each capture's report.json and output here")
    args = parser.parse_args(argv)
    root = args.folder.resolve()
    rows = []
    for path in (p for p in captures(root, args.only) if not any(s in p.as_posix() for s in args.skip)):
        row = sweep_one(path, root, args.timeout, args.reports)
        rows.append(row)
        print(
            f"{row.file}: read {row.read}, listed {row.listed}, refused {bool(row.refused)}, check {row.code}",
            file=sys.stderr,
        )
    table = markdown(rows)
    print(table)
    if args.markdown:
        args.markdown.write_text(table)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
