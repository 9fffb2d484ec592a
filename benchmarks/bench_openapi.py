"""Import and diff of the two real OpenAPI documents, cold and cached, next to the YAML parse floor.

Run on demand, never as part of the test suite:

    python benchmarks/bench_openapi.py [--repeat 7] [--write-docs] [--baseline LABEL=SRC ...]
    python benchmarks/bench_openapi.py --big [--operations 1500] [--repeat 3] [--write-docs]

``--big`` times a generated document of another API instead (`benchmarks/big_openapi.py`: 1,500
operations, 10 MB of JSON) and its drifted next version: `json.loads` of both files as the floor,
`import-openapi` of one, and `diff` of the pair cold and cached; its section is
``## Large generated OpenAPI documents``.

Every measurement is a fresh child process (interpreter start included), timed by wall clock; its
CPU time and peak resident set come from the kernel (`os.wait4`). The runs take turns in
``--repeat`` rounds so a slow spell of a shared machine hits them all alike:

* ``floor``  - `python -c` parsing both files with PyYAML's CSafeLoader (the least any YAML-reading
  tool pays);
* ``cold``   - `apidrift diff OLD NEW --format json -o FILE` with an empty cache;
* ``cached`` - the same with the cache the cold run filled;
* ``start``  - interpreter start alone, and the CLI's start (importing and registering its commands).

``--baseline LABEL=SRC`` (repeatable) also times cold and cached runs of another source tree, put
first on PYTHONPATH, e.g. the last commit: ``git archive HEAD src | tar -x -C /tmp/before`` and
``--baseline "before=/tmp/before/src"``.
``--write-docs`` writes or replaces only the ``## OpenAPI import and diff`` section of
docs/benchmarks.md; other sections are kept.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from docs_section import write_section

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## OpenAPI import and diff"
BIG_SECTION = "## Large generated OpenAPI documents"
SPECS = ROOT.parent / "shared" / "openapi"
OLD, NEW = "openai-openapi-2025-04-29.yaml", "openai-openapi-2026-05-13.yaml"
COLD_TARGET, CACHED_TARGET = 1.5, 0.3
FLOOR = (
    "import sys, yaml\n"
    "for name in sys.argv[1:]:\n"
    "    with open(name, encoding='utf-8') as f:\n"
    "        yaml.load(f.read(), Loader=yaml.CSafeLoader)\n"
)
CLI_START = "from apidrift.cli import register\nregister()\n"
# Phases of the same work in one process (CPU seconds), to show where the time goes.
PHASES = r"""
import json, os, sys, tempfile, time
from pathlib import Path
clock = time.process_time
t = clock()
import apidrift.diff.engine as diff
import apidrift.diff.render as diff_report
import apidrift.openapi.convert as openapi
import apidrift.openapi.sources as sources
out = {"imports": clock() - t}
paths = [Path(sys.argv[1]), Path(sys.argv[2])]
t = clock()
docs = [openapi.load_document(p) for p in paths]
out["parse"] = clock() - t
t = clock()
ADMIN = ("/organization", "/projects")
results = [openapi.import_document(d, api="openai", version=p.stem, scope=ADMIN) for d, p in zip(docs, paths)]
out["convert"] = clock() - t
os.environ["APIDRIFT_CACHE_DIR"] = tempfile.mkdtemp()
t = clock()
for i, result in enumerate(results):
    sources._to_cache(sources.cache_dir() / f"{i}.json", result)
out["cache write"] = clock() - t
for p in paths:
    sources.import_openapi_file(p, scope=ADMIN)  # fills the real cache entries
t = clock()
a, b = (sources.import_openapi_file(p, scope=ADMIN).version for p in paths)
out["cache read"] = clock() - t
t = clock()
d = diff.diff_versions(a, b)
out["diff"] = clock() - t
t = clock()
diff_report.render_json(d)
out["render"] = clock() - t
print(json.dumps(out))
"""


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mib: float


@dataclass
class Case:
    name: str
    title: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    fresh_cache: bool = False
    samples: list[Sample] = field(default_factory=list)

    @property
    def best(self) -> Sample:
        return min(self.samples, key=lambda s: s.wall)

    def median(self, attr: str) -> float:
        return float(statistics.median(float(getattr(s, attr)) for s in self.samples))


def measure(argv: list[str], env: dict[str, str]) -> Sample:
    """Run one child to completion; wall clock here, CPU and peak RSS of that child from the kernel."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    stderr = child.stderr.read().decode() if child.stderr else ""
    if child.returncode not in (0, 1):  # `apidrift diff` exits 1 when breaking changes are found
        raise SystemExit(f"{argv} failed ({child.returncode}): {stderr}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def cases(old: Path, new: Path, work: Path, src: Path | None, tag: str, label: str = "") -> list[Case]:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(src), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    py = sys.executable
    # The Admin API part of both documents, as these figures have always measured.
    diff = [py, "-m", "apidrift.cli", "diff", str(old), str(new), "--format", "json",
            "--scope", "/organization", "--scope", "/projects"]  # fmt: skip
    warm = work / f"cache-{tag}"
    return [
        Case(f"cold{tag}", f"apidrift diff, cold (empty cache){label and ' - ' + label}",
             [*diff, "-o", str(work / f"cold{tag}.json")],
             {**env, "APIDRIFT_CACHE_DIR": str(work / f"empty-{tag}")}, fresh_cache=True),
        Case(f"cached{tag}", f"apidrift diff, cached{label and ' - ' + label}",
             [*diff, "-o", str(work / f"cached{tag}.json")], {**env, "APIDRIFT_CACHE_DIR": str(warm)}),
    ]  # fmt: skip


def run(args: argparse.Namespace) -> dict[str, Any]:
    old, new = args.specs / OLD, args.specs / NEW
    work = Path(tempfile.mkdtemp(prefix="bench-openapi-"))
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    py = sys.executable
    context = [
        Case("python", "interpreter start (`python -c pass`)", [py, "-c", "pass"], env),
        Case("floor", "parse floor: both files with PyYAML CSafeLoader",
             [py, "-c", FLOOR, str(old), str(new)], env),
        Case("start", "CLI start: import `apidrift.cli`, register its commands", [py, "-c", CLI_START], env),
    ]  # fmt: skip
    mine = cases(old, new, work, None, "")
    baseline = [
        case
        for i, (label, src) in enumerate(args.baseline)
        for case in cases(old, new, work, src, f"-baseline{i}", label)
    ]
    everything = [*context, *mine, *baseline]
    for case in everything:  # warm the caches of the cached runs (and the OS file cache)
        if not case.fresh_cache:
            measure(case.argv, case.env)
    for round_ in range(args.repeat):
        _log(f"round {round_ + 1}/{args.repeat}")
        for case in everything:
            if case.fresh_cache:
                shutil.rmtree(case.env["APIDRIFT_CACHE_DIR"], ignore_errors=True)
            case.samples.append(measure(case.argv, case.env))
    outputs = {c.name: (work / f"{c.name}.json").read_text() for c in [*mine, *baseline]}
    assert len(set(outputs.values())) == 1, "cold, cached and baseline runs must report the same diff"
    report = json.loads(outputs["cold"])
    phases = json.loads(subprocess.run([py, "-c", PHASES, str(old), str(new)], env=env, capture_output=True,
                                       text=True, check=True, cwd=ROOT).stdout)  # fmt: skip
    shutil.rmtree(work, ignore_errors=True)
    return {
        "load": os.getloadavg()[1],  # the 5-minute average: about the span of the run
        "cases": {c.name: c for c in everything},
        "changes": len(report["changes"]),
        "phases": phases,
        "sizes": {name: (args.specs / name).stat().st_size for name in (OLD, NEW)},
    }


def section(result: dict[str, Any], args: argparse.Namespace) -> str:
    cases: dict[str, Case] = result["cases"]
    floor, cold, cached = cases["floor"].best.wall, cases["cold"].best.wall, cases["cached"].best.wall
    cold_ratio = cold / floor
    cpu_ratio = cases["cold"].median("cpu") / cases["floor"].median("cpu")
    cold_met = "met" if cold_ratio <= COLD_TARGET else f"**not met** (by {cold_ratio / COLD_TARGET:.2f}×)"
    cached_met = "met" if cached <= CACHED_TARGET else f"**not met** (by {cached - CACHED_TARGET:.2f} s)"
    command = "python benchmarks/bench_openapi.py " + " ".join(_shown_args(args))
    sizes = result["sizes"]
    size = " and ".join(f"{sizes[name] / 1e6:.1f} MB" for name in (OLD, NEW))
    lines = [
        SECTION,
        "",
        f"Measured on {dt.date.today().isoformat()} with `{command.strip()}`.",
        "",
        f"`apidrift diff {OLD} {NEW} --format json -o FILE` ({size} of YAML; 51 and 81 Admin API "
        f"operations; {result['changes']} changes), each run a fresh process with interpreter start "
        f"included, the runs taking turns over {args.repeat} rounds. CPU is user + system time of the "
        "child, peak RSS its maximum resident set."
        + (
            " A row with a label after the dash runs another source tree (its `src/` first on "
            "PYTHONPATH, e.g. `git archive <commit> src`) the same way."
            if args.baseline
            else ""
        ),
        "",
        f"Targets: cold ≤ {COLD_TARGET}× the parse floor - {cold_met}: **{cold_ratio:.2f}×** "
        f"({cold:.2f} s against {floor:.2f} s; by median CPU time {cpu_ratio:.2f}×); cached ≤ "
        f"{CACHED_TARGET} s - {cached_met}: **{cached:.2f} s** (median CPU time "
        f"{cases['cached'].median('cpu'):.2f} s).{_load_note(result['load'])}",
        "",
        "| run | wall, fastest | wall, median | CPU, median | × floor (fastest) | peak RSS |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for c in cases.values():
        lines.append(
            f"| {c.title} | {c.best.wall:.2f} s | {c.median('wall'):.2f} s | {c.median('cpu'):.2f} s | "
            f"{c.best.wall / floor:.2f}× | {max(s.rss_mib for s in c.samples):.0f} MiB |"
        )
    phases = result["phases"]
    lines += [
        "",
        "Where the time goes (one process, CPU seconds): importing the modules "
        f"{phases['imports']:.2f} s; cold: parsing both files {phases['parse']:.2f} s, converting them "
        f"{phases['convert']:.3f} s, writing the cache {phases['cache write']:.3f} s; cached: reading "
        f"both cache entries {phases['cache read']:.3f} s; then the diff {phases['diff']:.3f} s and the "
        f"JSON rendering {phases['render']:.3f} s. The rest of a run is interpreter start and the CLI's "
        "own start (the `start` row).",
        "",
        "For reference, figures reported in issue #4 for the same pair on this kind of machine (not "
        "measured here): Optic 1.0.9 233 s and 918 MB; api-smart-diff 8.8 s; openapi-schema-diff 0.6 s "
        "(no classification).",
        "",
        f"**Machine**: {_machine()}.",
    ]
    return "\n".join(lines) + "\n"


def _load_note(load: float) -> str:
    cpus = os.cpu_count() or 1
    if load < cpus / 2:
        return ""
    return (
        f" The machine was shared (load average {load:.1f} on {cpus} CPUs during the run): every wall "
        "time is inflated and noisy, so compare rows of one run, and read CPU times beside them."
    )


def _shown_args(args: argparse.Namespace) -> list[str]:
    shown = [f"--repeat {args.repeat}"]
    shown += [f'--baseline "{label}={src}"' for label, src in args.baseline]
    return [*shown, "--write-docs"] if args.write_docs else shown


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in ("apidrift-harness", "PyYAML"))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{cpu}, {os.cpu_count()} CPUs, load average {load} at the end; {platform.platform()}; "
        f"CPython {platform.python_version()}; {versions}"
    )


def write_docs(text: str, path: Path = DOCS, section_title: str = SECTION) -> None:
    """Replace this benchmark's section of docs/benchmarks.md, or append it; keep the rest."""
    write_section(text, section_title, path)


def _baseline(text: str) -> tuple[str, Path]:
    label, sep, src = text.partition("=")
    if not sep or not (Path(src) / "apidrift").is_dir():
        raise argparse.ArgumentTypeError(
            f"expected LABEL=SRC with SRC/apidrift a package folder, got {text!r}"
        )
    return label, Path(src)


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=7, help="rounds (each run once per round)")
    parser.add_argument("--specs", type=Path, default=SPECS, help="folder holding the two documents")
    parser.add_argument(
        "--baseline",
        type=_baseline,
        action="append",
        default=[],
        metavar="LABEL=SRC",
        help="also time this source tree (e.g. an export of the last commit's src/), named LABEL",
    )
    parser.add_argument("--write-docs", action="store_true", help=f"replace '{SECTION}' in {DOCS.name}")
    parser.add_argument("--json", type=Path, help="also write the raw samples here")
    parser.add_argument("--big", action="store_true", help="time a generated 10 MB document instead")
    parser.add_argument("--operations", type=int, default=1500, help="operations of the --big document")
    args = parser.parse_args()
    if args.big:
        from bench_openapi_big import run_big

        text = run_big(args.operations, args.repeat, measure, Case)
        print(text)
        if args.write_docs:
            write_docs(text, section_title=BIG_SECTION)
        return
    if not (args.specs / OLD).is_file() or not (args.specs / NEW).is_file():
        raise SystemExit(f"the two documents are not in {args.specs} (see --specs)")
    result = run(args)
    text = section(result, args)
    print(text)
    if args.json:
        raw = {name: [s.__dict__ for s in c.samples] for name, c in result["cases"].items()}
        args.json.write_text(json.dumps({"samples": raw, "phases": result["phases"]}, indent=2))
    if args.write_docs:
        write_docs(text)


if __name__ == "__main__":
    main()
