"""Benchmark: `apidrift check --har` / `--cassettes` over many exchanges, next to `check --recordings`
on the same responses written as recording files, in the same run.

    python benchmarks/bench_traffic.py [--sizes 10000 100000] [--per-file 10000]
        [--baseline SRC] [--write-docs]

The bundled recordings of 2026-05-02 are repeated into N exchanges (each request carrying a
credential, so redaction has work to do), written three ways: HAR files and JSON cassettes (VCR.py's
`interactions`) of `--per-file` exchanges each (a capture file may hold 256 MB at most), and N
recording files. Each `check` runs as a fresh child process through the CLI, measured by a wrapper of
its own: wall, CPU of the process tree (pool workers included) and peak RSS (`ru_maxrss` of the
largest process of the tree). `--baseline SRC` also times another checkout's sources (`git archive
main src contracts recordings | tar -x -C DIR`, then `--baseline DIR/src`) right before, as the
code before the change.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from docs_section import MEASURE, write_section  # noqa: E402

SECTION = "### Traffic checks (HAR files and cassettes)"
VERSION = "2026-05-02"


def _recordings() -> list[dict[str, Any]]:
    source = ROOT / "recordings" / "openai-admin" / VERSION
    return [json.loads(p.read_text()) for p in sorted(source.glob("*.json"))]


def write_corpus(folder: Path, n: int, per_file: int) -> dict[str, Path]:
    """`n` exchanges as HAR files, as JSON cassettes and as recording files, below `folder`."""
    recordings = _recordings()
    paths = {"har": folder / "har", "cassettes": folder / "cassettes", "recordings": folder / "recordings"}
    for path in paths.values():
        path.mkdir(parents=True)
    key = "sk-" + "admin-REDACTED"
    for start in range(0, n, per_file):
        entries, interactions = [], []
        for i in range(start, min(n, start + per_file)):
            r = recordings[i % len(recordings)]
            query = "&".join(f"{k}={v}" for k, v in r.get("query", {}).items())
            url = f"https://api.example.test/v1{r['path']}" + (f"?{query}" if query else "")
            body = json.dumps(r["body"])
            entries.append(
                {
                    "request": {
                        "method": r["method"],
                        "url": url,
                        "headers": [{"name": "Authorization", "value": f"Bearer {key}"}],
                    },
                    "response": {
                        "status": r["status"],
                        "headers": [{"name": "Content-Type", "value": "application/json"}],
                        "content": {"mimeType": "application/json", "text": body},
                    },
                }
            )
            interactions.append(
                {
                    "request": {
                        "method": r["method"],
                        "uri": url,
                        "body": None,
                        "headers": {"Authorization": [f"Bearer {key}"]},
                    },
                    "response": {
                        "status": {"code": r["status"], "message": "OK"},
                        "headers": {"Content-Type": ["application/json"]},
                        "body": {"string": body},
                    },
                }
            )
            (paths["recordings"] / f"{i:06d}.json").write_text(
                json.dumps({**r, "provenance": {"source": "bench"}})
            )
        name = f"{start // per_file:04d}"
        har = {"log": {"version": "1.2", "entries": entries}}
        (paths["har"] / f"{name}.har").write_text(json.dumps(har))
        cassette = {"interactions": interactions, "version": 1}
        (paths["cassettes"] / f"{name}.json").write_text(json.dumps(cassette))
    return paths


def measure(command: list[str], pythonpath: Path | None, cwd: Path) -> dict[str, Any]:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    argv = [sys.executable, "-c", MEASURE, *command]
    out = subprocess.run(argv, capture_output=True, text=True, check=True, env=env, cwd=cwd)
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def commands(paths: dict[str, Path]) -> dict[str, list[str]]:
    check = [sys.executable, "-m", "apidrift.cli", "check", "--against", VERSION, "--no-reports"]
    hars = sorted(paths["har"].glob("*.har"))
    return {
        "har": [*check, *(arg for p in hars for arg in ("--har", str(p)))],
        "cassettes": [*check, "--cassettes", str(paths["cassettes"])],
        "recordings": [*check, "--recordings", str(paths["recordings"])],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--per-file", type=int, default=10_000)
    parser.add_argument("--baseline", type=Path, help="another checkout's src/ to time as before")
    parser.add_argument("--only-baseline", action="store_true", help="time the baseline alone")
    parser.add_argument("--json", type=Path, help="append each row to this file (JSON lines)")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    import apidrift

    for tree in (Path(apidrift.__file__).parent, args.baseline):
        if tree is not None:
            compileall.compile_dir(str(tree), quiet=1)
    rows = []
    for n in args.sizes:
        work = Path(tempfile.mkdtemp(prefix="apidrift-bench-traffic-"))
        try:
            paths = write_corpus(work, n, args.per_file)
            row: dict[str, Any] = {"n": n, "load": os.getloadavg()[0]}
            for what, command in commands(paths).items():
                # Taking turns: the code before, then after, on the same files.
                if args.baseline is not None:
                    row[f"before {what}"] = measure(command, args.baseline, work)
                if not args.only_baseline:
                    row[what] = measure(command, None, work)
            rows.append(row)
            print(json.dumps(row), flush=True)
            if args.json:
                with args.json.open("a") as out:
                    out.write(json.dumps(row) + "\n")
        finally:
            shutil.rmtree(work, ignore_errors=True)
    if args.write_docs:
        write_docs(rows)


def _cell(m: dict[str, Any] | None, n: int) -> str:
    if m is None:
        return "- | - | - | -"
    return f"{m['wall']:.1f} s | {m['cpu']:.1f} s | {m['cpu'] / n * 1e3:.2f} ms | {m['rss_mb']:.0f} MB"


def write_docs(rows: list[dict[str, Any]]) -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    lines = [
        SECTION,
        "",
        f"Measured {stamp} on {platform.machine()} ({os.cpu_count()} cores, shared), Python "
        f"{platform.python_version()}: `python benchmarks/bench_traffic.py --sizes "
        f"{' '.join(str(r['n']) for r in rows)} --baseline DIR/src --write-docs`. The bundled "
        f"recordings of {VERSION} repeated into N exchanges, as HAR files and JSON cassettes of 10,000 "
        "exchanges each and as N recording files; every `check` a fresh process through the CLI "
        "(`--no-reports`). CPU is the process tree's (a pool's workers included), peak RSS the largest "
        "process's. `before`: the unchanged sources, run just before on the same files.",
        "",
        "| exchanges | input | code | wall | CPU | CPU per exchange | peak RSS |",
        "|---:|---|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        for what in ("har", "cassettes", "recordings"):
            for code, key in (("before", f"before {what}"), ("after", what)):
                if key in r:
                    lines.append(f"| {r['n']:,} | {what} | {code} | {_cell(r[key], r['n'])} |")
    lines.append("")
    write_section("\n".join(lines), SECTION)


if __name__ == "__main__":
    main()
