"""`apidrift check` over large recording corpora: wall, CPU and peak RSS next to a plain loop.

The floor is the least any checker must do: read each file, parse its JSON and validate the body
with jsonschema-rs against its (version, operation, status) schema, in one process, one core.
Both run as fresh child processes, each measured by a wrapper of its own (so `ru_maxrss` is that
process's peak, not the benchmark's).

    python benchmarks/bench_check_scale.py --sizes 20000 100000 200000 [--write-docs]
        [--corpus-root DIR] [--baseline SRC]

`--baseline SRC` also times another checkout's sources (`git archive main | tar -x -C DIR`, then
`--baseline DIR/src`: its contracts sit beside them) right before this one, as `check` before the
change. Sources are compiled to
`.pyc` first, as an installed package is (`PYTHONDONTWRITEBYTECODE` would leave every run compiling
apidrift again).
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

from docs_section import MEASURE, write_section

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

SECTION = "## Check at scale"


def write_corpus(folder: Path, n: int) -> dict[str, Any]:
    """`n` recordings in `folder`, cycling over a 20,000-case corpus (10% invalid, see corpus.py)."""
    from apidrift.check.recordings import Provenance, Recording
    from apidrift.contracts.model import ContractStore
    from corpus import build_corpus

    store = ContractStore()
    ops = {(label, op.id): op for label in store.labels() for op in store.load(label).operations.values()}
    cases = build_corpus(min(n, 20_000)).cases
    folder.mkdir(parents=True)
    total = 0
    for i in range(n):
        case = cases[i % len(cases)]
        op = ops[(case.version, case.operation)]
        recording = Recording(
            operation=case.operation,
            method=op.method,
            path=op.path,
            status=int(case.status),
            body=case.body,
            provenance=Provenance(source="benchmark", version=case.version),
        )
        sub = folder / f"{i // 10_000:03d}"
        sub.mkdir(exist_ok=True)
        text = recording.to_json()
        (sub / f"r{i:06d}.json").write_text(text, encoding="utf-8")
        total += len(text)
    return {"files": n, "bytes": total}


FLOOR = """
import json, os, sys
import jsonschema_rs
from apidrift.contracts.model import ContractStore, SCHEMAS_FILE, schemas_document
store = ContractStore()
registries, compiled = {}, {}
for label in store.labels():
    version = store.load(label)
    doc = schemas_document(version.api, label, version.schemas)
    registries[label] = (version, jsonschema_rs.Registry([(version.base + SCHEMAS_FILE, doc)]))
valid = 0
for root, dirs, files in os.walk(sys.argv[1]):
    for name in files:
        with open(os.path.join(root, name), "rb") as handle:
            rec = json.loads(handle.read())
        label = rec["provenance"]["version"]
        key = (label, rec["operation"], str(rec["status"]))
        if key not in compiled:
            version, registry = registries[label]
            schema = version.response_schema(rec["operation"], rec["status"])
            compiled[key] = jsonschema_rs.validator_for(schema, registry=registry)
        valid += compiled[key].is_valid(rec["body"])
print(valid)
"""


def measure(command: list[str], pythonpath: Path | None = None) -> dict[str, Any]:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True, env=env
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000])
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument(
        "--corpus-root",
        type=Path,
        help="keep each corpus in DIR/<n> and reuse it on the next run (writing 200k files takes minutes)",
    )
    parser.add_argument(
        "--baseline", type=Path, help="another checkout's src/ (e.g. main's) to time as `check` before"
    )
    args = parser.parse_args()
    import apidrift

    for tree in (Path(apidrift.__file__).parent, args.baseline):
        if tree is not None:
            compileall.compile_dir(str(tree), quiet=1)
    rows = []
    for n in args.sizes:
        work = Path(tempfile.mkdtemp(prefix="apidrift-bench-"))
        try:
            recs = args.corpus_root / str(n) if args.corpus_root else work / "recs"
            if recs.is_dir():
                corpus = {"files": n, "bytes": sum(p.stat().st_size for p in recs.rglob("*.json"))}
            else:
                corpus = write_corpus(recs, n)
            floor = measure([sys.executable, "-c", FLOOR, str(recs)])
            command = [sys.executable, "-m", "apidrift.cli", "check", "--recordings", str(recs)]
            before = None
            if args.baseline is not None:
                before = measure([*command, "--reports", str(work / "before")], args.baseline)
            # The pool takes only idle cores (`default_workers`, measured as the run sets up).
            load = os.getloadavg()[0]
            check = measure([*command, "--reports", str(work / "reports")])
            report = json.loads((work / "reports" / "report.json").read_text())
            rows.append(
                {
                    "n": n,
                    "corpus": corpus,
                    "floor": floor,
                    "check": check,
                    "before": before,
                    "responses": report["summary"]["responses"],
                    "load": load,
                }
            )
            print(json.dumps(rows[-1]), flush=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    if args.write_docs:
        write_docs(rows)


def write_docs(rows: list[dict[str, Any]]) -> None:
    sizes = " ".join(str(r["n"]) for r in rows)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    lines = [
        SECTION,
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {platform.machine()} ({os.cpu_count()} cores), Python "
        f"{platform.python_version()}, apidrift at `{commit.stdout.strip()}`: "
        f"`python benchmarks/bench_check_scale.py --sizes {sizes} --write-docs`"
        + (" (with `--baseline`)." if all(r["before"] for r in rows) else "."),
        "Recordings cycle over the 20,000-case validation corpus (10% invalid). The floor reads, parses and",
        "validates each file with jsonschema-rs in one loop; `check` also fingerprints every response",
        "against both versions (strictly: undocumented fields too) and writes five reports. It keeps the",
        "first 20 failing or drifted responses of each operation, version, status and outcome, and past",
        "that one response per kind that counts the rest (`also`), so memory follows kinds of response,",
        "not responses. From 2,000 files on it adds a process per core that was idle more than half the",
        "time while it set up (/proc/stat; the load average just before it starts is shown), so CPU above",
        "wall means a pool. CPU is the process tree's. The machine is shared: under load, wall time is",
        "mostly waiting for a core, so the CPU ratio is shown too. Sources are compiled to .pyc first, as",
        "an installed package is. Targets: peak RSS under 300 MB at 200k, wall within 3x the floor's.",
    ]
    before = all(r["before"] for r in rows)
    head = "| recordings | check wall | check CPU | check peak RSS | floor wall | floor CPU | floor peak RSS "
    head += "| wall/floor | CPU/floor |"
    if before:
        lines[-1] += " `before`: the"
        lines.append("same command on the unchanged sources, run just before it (`--baseline`).")
        head += " before: wall/floor | before: CPU/floor |"
    lines += ["", head + " load before |", "|---:" * head.count("|") + "|"]
    for r in rows:
        c, f, b = r["check"], r["floor"], r["before"]
        line = (
            f"| {r['n']:,} | {c['wall']:.1f} s | {c['cpu']:.1f} s | {c['rss_mb']:.0f} MB | "
            f"{f['wall']:.1f} s | {f['cpu']:.1f} s | {f['rss_mb']:.0f} MB | {c['wall'] / f['wall']:.2f}x | "
            f"{c['cpu'] / f['cpu']:.2f}x |"
        )
        if before:
            line += f" {b['wall'] / f['wall']:.2f}x | {b['cpu'] / f['cpu']:.2f}x |"
        lines.append(line + f" {r['load']:.2f} |")
    last = rows[-1]
    rss_ok = last["check"]["rss_mb"] < 300
    walls = [(r["n"], r["check"]["wall"] / r["floor"]["wall"]) for r in rows]
    lines.append(
        f"\nAt {last['n']:,}: peak RSS target {'met' if rss_ok else 'NOT met'} "
        f"({last['check']['rss_mb']:.0f} MB). Wall within 3x the floor: "
        + "; ".join(f"{n:,} {'met' if x <= 3 else 'NOT met'} ({x:.2f}x)" for n, x in walls)
        + "."
    )
    lines.append(f"\nLoad average after the run: {os.getloadavg()[0]:.2f} (2 cores, shared with other work).")
    write_section("\n".join(lines) + "\n", SECTION)


if __name__ == "__main__":
    main()
