"""Response-validation throughput of apidrift next to raw jsonschema and raw jsonschema-rs.

Run on demand, never as part of the test suite:

    python benchmarks/bench_validation.py [--n 10000] [--repeat 3] [--write-docs] [--profile]

Every engine validates the same corpus (see `corpus.py`) against the same schemas, one response
after another in one thread, with its validators compiled before the clock starts:

* ``apidrift``        - `ResponseValidator.validate(op, status, body)`: the compiled jsonschema-rs
  fast path, and for invalid bodies the explaining path (whose `.violations` the runner reads);
* ``apidrift strict`` - the same with ``strict=True`` (undocumented fields listed as well);
* ``jsonschema``      - `Draft202012Validator(schema, registry=version.registry).is_valid(body)`;
* ``jsonschema-rs``   - `jsonschema_rs.validator_for(schema, registry=...).is_valid(body)`.

Throughput is responses over the fastest wall-clock pass, for the whole corpus and for its valid
and invalid responses alone. The engines take turns in ``--repeat`` rounds (so a slow spell of a
shared machine hits them all alike); in each round an engine makes as many passes as fit in
``--min-time`` seconds (at least one). The ratio to jsonschema-rs is taken between best passes; the
spread of the per-round ratios is reported too. Peak memory is measured per engine in a fresh
child process (compiling and one pass): growth of the peak resident set over the loaded corpus
(Linux, via /proc/self/clear_refs) and the peak Python heap (tracemalloc, which does not see
jsonschema-rs's Rust allocations).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import hashlib
import io
import json
import os
import platform
import pstats
import resource
import shlex
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator

from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import SCHEMAS_FILE, ContractStore, ContractVersion, schemas_document
from corpus import DEFAULT_INVALID_SHARE, DEFAULT_N, DEFAULT_SEED, DEFAULT_VARIED_SHARE, Corpus, build_corpus
from docs_section import write_section

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Validation throughput"
TARGET = 0.5
SCRIPT = "python benchmarks/bench_validation.py"

Key = tuple[str, str, str]
Item = tuple[str, str, str, Any, Key]
Runner = Callable[[list[Item]], list[bool]]

ENGINES = ("apidrift", "apidrift-strict", "jsonschema", "jsonschema-rs")
TITLES = {
    "apidrift": "apidrift `validate` (non-strict)",
    "apidrift-strict": "apidrift `validate(strict=True)`",
    "jsonschema": "raw jsonschema `is_valid`",
    "jsonschema-rs": "raw jsonschema-rs `is_valid`",
}


# --- engines ------------------------------------------------------------------------------------


def _items(corpus: Corpus) -> list[Item]:
    return [
        (c.version, c.operation, c.status, c.body, (c.version, c.operation, c.status)) for c in corpus.cases
    ]


def setup_engine(name: str, versions: dict[str, ContractVersion], items: list[Item]) -> Runner:
    """Compile everything `name` needs for `items`, and return a runner validating a list of items."""
    keys = sorted({item[4] for item in items})
    if name in ("apidrift", "apidrift-strict"):
        strict = name == "apidrift-strict"
        validators = {label: ResponseValidator(v) for label, v in versions.items()}
        # Warm every cache the timed passes will use: fast and slow validators, field shapes.
        seen: set[tuple[Key, bool]] = set()
        for version, op, status, body, key in items:
            ok = validators[version].is_valid(op, status, body)
            if (key, ok) not in seen:
                seen.add((key, ok))
                validators[version].validate(op, status, body, strict=True)

        def run_apidrift(batch: list[Item]) -> list[bool]:
            # An invalid result is read for its violations, as every caller does: an explanation
            # computed lazily would still be measured.
            return [
                (r := validators[v].validate(op, st, body, strict=strict)).valid or not r.violations
                for v, op, st, body, _ in batch
            ]

        return run_apidrift
    if name == "jsonschema":
        py_compiled = {
            key: Draft202012Validator(
                versions[key[0]].response_schema(key[1], key[2]), registry=versions[key[0]].registry
            )
            for key in keys
        }
        # jsonschema resolves `$ref`s lazily: validate one body per validator before timing.
        warmed: set[Key] = set()
        for _, _, _, body, key in items:
            if key not in warmed:
                warmed.add(key)
                py_compiled[key].is_valid(body)

        def run_jsonschema(batch: list[Item]) -> list[bool]:
            return [py_compiled[key].is_valid(body) for _, _, _, body, key in batch]

        return run_jsonschema
    if name == "jsonschema-rs":
        registries = {
            label: jsonschema_rs.Registry(
                [(v.base + SCHEMAS_FILE, schemas_document(v.api, v.version, v.schemas))]
            )
            for label, v in versions.items()
        }
        rs_compiled = {
            key: jsonschema_rs.validator_for(
                versions[key[0]].response_schema(key[1], key[2]), registry=registries[key[0]]
            )
            for key in keys
        }

        def run_rs(batch: list[Item]) -> list[bool]:
            return [rs_compiled[key].is_valid(body) for _, _, _, body, key in batch]

        return run_rs
    raise ValueError(f"unknown engine {name!r}")


def timed_passes(run: Runner, batch: list[Item], min_time: float) -> tuple[float, float, int, list[bool]]:
    """The fastest of as many passes as fit in `min_time` seconds (at least one), in wall-clock and in
    process CPU time (which the machine's other work does not inflate), and the verdicts."""
    best = best_cpu = float("inf")
    spent = 0.0
    passes = 0
    outcome: list[bool] = []
    while passes == 0 or spent < min_time:
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        outcome = run(batch)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        best, best_cpu = min(best, elapsed), min(best_cpu, cpu)
        spent, passes = spent + elapsed, passes + 1
    return best, best_cpu, passes, outcome


# --- memory -------------------------------------------------------------------------------------


def _proc_status(field_name: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _reset_peak_rss() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
    except OSError:
        return False
    return True


def memory_probe(engine: str, n: int, seed: int, invalid_share: float, varied_share: float) -> dict[str, Any]:
    """In this (fresh) process: the memory one engine needs to compile and validate the corpus once."""
    store = ContractStore()
    versions = {label: store.load(label) for label in store.labels()}
    items = _items(
        build_corpus(n, seed=seed, invalid_share=invalid_share, varied_share=varied_share, store=store)
    )
    gc.collect()
    baseline = _proc_status("VmRSS")
    reset = _reset_peak_rss()
    run = setup_engine(engine, versions, items)
    run(items)
    peak = _proc_status("VmHWM") if reset else None
    del run
    gc.collect()
    tracemalloc.start()
    run = setup_engine(engine, versions, items)
    run(items)
    heap_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "rss_growth": None if peak is None or baseline is None else max(0, peak - baseline),
        "heap_peak": heap_peak,
        "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }


def measure_memory(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    command = [
        sys.executable, str(Path(__file__).resolve()), "--memory-probe", engine,
        "--n", str(args.n), "--seed", str(args.seed),
        "--invalid-share", str(args.invalid_share), "--varied-share", str(args.varied_share),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


# --- machine ------------------------------------------------------------------------------------


def code_state() -> dict[str, Any]:
    """Which apidrift was measured: the commit, and whether src/apidrift differed from it."""
    validation = ROOT / "src" / "apidrift" / "check" / "validation.py"  # moved into check/ in session 2
    state: dict[str, Any] = {
        "validation_sha256": hashlib.sha256(validation.read_bytes()).hexdigest()[:12]
        if validation.is_file()
        else None
    }
    git = ["git", "--no-optional-locks", "-C", str(ROOT)]
    try:
        head = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        )
        changed = subprocess.run(
            [*git, "status", "--porcelain", "--", "src/apidrift"], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return {**state, "commit": None, "changed": []}
    files = sorted(line[3:] for line in changed.stdout.splitlines() if line.strip())
    return {**state, "commit": head.stdout.strip(), "changed": files}


def _code_during(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The code state of a run; a `note` when validation.py changed while it ran (figures are mixed)."""
    if before.get("validation_sha256") == after.get("validation_sha256"):
        return after
    _log("warning: src/apidrift/validation.py changed during the run; its figures mix two versions")
    return {
        **after,
        "note": f"apidrift whose `src/apidrift/check/validation.py` changed during the run (sha256 "
        f"`{before.get('validation_sha256')}` -> `{after.get('validation_sha256')}`): figures mix both",
    }


def machine() -> dict[str, Any]:
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        nproc = len(os.sched_getaffinity(0))
    except AttributeError:
        nproc = os.cpu_count() or 0
    versions = {}
    for dist in ("apidrift", "jsonschema", "jsonschema-rs", "referencing"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "not installed"
    return {
        "cpu": cpu,
        "nproc": nproc,
        "memory": _mem_total(),
        "os": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "libraries": versions,
    }


def _mem_total() -> str:
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            kb = int(f.readline().split()[1])
    except (OSError, ValueError, IndexError):
        return "unknown"
    return f"{kb / 1024 / 1024:.1f} GiB"


# --- the benchmark ------------------------------------------------------------------------------


@dataclass
class EngineResult:
    name: str
    setup_s: float
    seconds: dict[str, float] = field(default_factory=dict)
    rate: dict[str, float] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    passes: dict[str, int] = field(default_factory=dict)
    mismatches: int = 0
    memory: dict[str, Any] = field(default_factory=dict)


def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    load_before = _load()
    code_before = code_state()
    store = ContractStore()
    versions = {label: store.load(label) for label in store.labels()}
    corpus = build_corpus(
        args.n, seed=args.seed, invalid_share=args.invalid_share, varied_share=args.varied_share, store=store
    )
    build_s = time.perf_counter() - started
    items = _items(corpus)
    expected = [c.valid for c in corpus.cases]
    subsets = {
        "all": items,
        "valid": [i for i, c in zip(items, corpus.cases, strict=True) if c.valid],
        "invalid": [i for i, c in zip(items, corpus.cases, strict=True) if not c.valid],
    }
    results = {name: EngineResult(name, 0.0) for name in ENGINES}
    runners: dict[str, Runner] = {}
    for name in ENGINES:
        _log(f"{name}: compiling")
        t0 = time.perf_counter()
        runners[name] = setup_engine(name, versions, items)
        results[name].setup_s = time.perf_counter() - t0
    # Rounds interleave the engines, so that a slow spell of the machine hits them all alike.
    round_ratios: dict[str, list[float]] = {subset: [] for subset in subsets}
    for subset, batch in subsets.items():
        if not batch:
            continue
        for round_no in range(1, args.repeat + 1):
            _log(f"timing {subset} ({len(batch)} responses), round {round_no} of {args.repeat}")
            this_round: dict[str, float] = {}
            for name in ENGINES:
                seconds, cpu, passes, outcome = timed_passes(runners[name], batch, args.min_time)
                result = results[name]
                result.seconds[subset] = min(result.seconds.get(subset, float("inf")), seconds)
                result.cpu_seconds[subset] = min(result.cpu_seconds.get(subset, float("inf")), cpu)
                result.rate[subset] = len(batch) / result.seconds[subset]
                result.passes[subset] = result.passes.get(subset, 0) + passes
                this_round[name] = seconds
                if subset == "all":
                    result.mismatches = sum(a != b for a, b in zip(outcome, expected, strict=True))
            round_ratios[subset].append(this_round["jsonschema-rs"] / this_round["apidrift"])
    runners.clear()
    gc.collect()
    if not args.no_memory:
        for name in ENGINES:
            _log(f"{name}: measuring memory in a child process")
            results[name].memory = measure_memory(name, args)
    rs = results["jsonschema-rs"]
    ratios = {r.name: {k: r.rate[k] / rs.rate[k] for k in r.rate} for r in results.values()}
    cpu_ratios = {
        r.name: {k: rs.cpu_seconds[k] / r.cpu_seconds[k] for k in r.cpu_seconds if r.cpu_seconds[k] > 0}
        for r in results.values()
    }
    apidrift_ratio = ratios["apidrift"]["all"]
    return {
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "code": _code_during(code_before, code_state()),
        "load": {"before": load_before, "after": _load()},
        "wall_s": time.perf_counter() - started,
        "command": " ".join([SCRIPT, *(shlex.quote(a) for a in args.argv)]),
        "repeat": args.repeat,
        "min_time": args.min_time,
        "corpus": corpus.describe(),
        "corpus_build_s": build_s,
        "results": [r.__dict__ for r in results.values()],
        "ratios": ratios,
        "cpu_ratios": cpu_ratios,
        "round_ratios": {k: sorted(v) for k, v in round_ratios.items() if v},
        "target": TARGET,
        "target_met": apidrift_ratio >= TARGET,
        "process_maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }


def profile(args: argparse.Namespace, strict: bool = False) -> str:
    """cProfile of apidrift's `validate` over the corpus (after warm-up), top functions by own time."""
    store = ContractStore()
    versions = {label: store.load(label) for label in store.labels()}
    corpus = build_corpus(
        args.n, seed=args.seed, invalid_share=args.invalid_share, varied_share=args.varied_share, store=store
    )
    items = _items(corpus)
    run = setup_engine("apidrift-strict" if strict else "apidrift", versions, items)
    profiler = cProfile.Profile()
    profiler.enable()
    run(items)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(25)
    return out.getvalue()


# --- reporting ----------------------------------------------------------------------------------


def _mib(n: int | None) -> str:
    return "n/a" if n is None else f"{n / 2**20:.1f} MiB"


def _rate(x: float | None) -> str:
    return "n/a" if x is None else f"{x:,.0f}"


def _invalid_share_of_time(report: dict[str, Any]) -> str:
    """How much of apidrift's time over the corpus its invalid responses take (from the subset rates)."""
    c = report["corpus"]
    rate = next(r for r in report["results"] if r["name"] == "apidrift")["rate"]
    if not c["invalid"] or "invalid" not in rate or "valid" not in rate:
        return "the corpus has no invalid responses"
    invalid_s = c["invalid"] / rate["invalid"]
    valid_s = c["valid"] / rate["valid"] if c["valid"] else 0.0
    return (
        f"apidrift spends {1e6 / rate['invalid']:,.0f} µs on an invalid response and "
        f"{1e6 / rate['valid']:,.1f} µs on a valid one, so its {c['invalid']:,} invalid responses "
        f"take {invalid_s / (invalid_s + valid_s):.0%} of its time over the corpus"
    )


def _code_line(code: dict[str, Any] | None) -> str:
    if code and code.get("note"):
        return str(code["note"])
    if not code or not code.get("commit"):
        return "on a checkout of unknown commit"
    changed = code.get("changed") or []
    where = f"at commit `{code['commit']}`"
    if "src/apidrift/validation.py" in changed:
        where += " with uncommitted changes to `src/apidrift/validation.py`"
    elif changed:
        where += " (uncommitted changes elsewhere in `src/apidrift`, none to `validation.py`)"
    return f"apidrift {where}, `validation.py` sha256 `{code.get('validation_sha256')}`"


def render(report: dict[str, Any]) -> str:
    """The `## Validation throughput` section (Markdown)."""
    m, c = report["machine"], report["corpus"]
    ratios = report["ratios"]
    apidrift = ratios["apidrift"]
    met = "**met**" if report["target_met"] else "**not met**"
    lines = [
        SECTION,
        "",
        f"Measured on {report['date']} with `{report['command']}`, {_code_line(report.get('code'))}.",
        "",
        f"Target: apidrift's `ResponseValidator.validate` at least {report['target']}× the throughput "
        f"of raw jsonschema-rs on the same responses. Result: {met} - "
        f"**{apidrift['all']:.2f}×** over the whole corpus "
        f"({apidrift.get('valid', 0):.2f}× on valid responses, "
        f"{apidrift.get('invalid', 0):.2f}× on invalid ones).",
        "",
        "| Engine | All (responses/s) | Valid only (responses/s) | Invalid only (responses/s) "
        "| × jsonschema-rs (all) | Compile + warm-up | Peak RSS growth | Peak Python heap |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report["results"]:
        mem = r["memory"]
        lines.append(
            f"| {TITLES[r['name']]} | {_rate(r['rate'].get('all'))} | {_rate(r['rate'].get('valid'))} "
            f"| {_rate(r['rate'].get('invalid'))} | {ratios[r['name']]['all']:.2f}× "
            f"| {r['setup_s'] * 1000:,.0f} ms | {_mib(mem.get('rss_growth'))} "
            f"| {_mib(mem.get('heap_peak'))} |"
        )
    mismatched = [r["name"] for r in report["results"] if r["mismatches"]]
    agreement = (
        "Every engine returned the expected verdict for every response."
        if not mismatched
        else "Verdicts differing from the corpus labels: "
        + ", ".join(f"{r['name']} {r['mismatches']}" for r in report["results"] if r["mismatches"])
        + "."
    )
    rounds = report.get("round_ratios", {}).get("all", [])
    spread = (
        f"{min(rounds):.2f}×-{max(rounds):.2f}× (median {statistics.median(rounds):.2f}×)"
        if rounds
        else "n/a"
    )
    share = _invalid_share_of_time(report)
    cpu = report.get("cpu_ratios", {}).get("apidrift", {})
    strict_cpu = report.get("cpu_ratios", {}).get("apidrift-strict", {})
    cpu_line = (
        f"Measured in process CPU time instead (which other work on the machine does not inflate), apidrift "
        f"is {cpu['all']:.2f}× jsonschema-rs over the whole corpus ({cpu.get('valid', 0):.2f}× on valid, "
        f"{cpu.get('invalid', 0):.2f}× on invalid responses)"
        + (
            f", and strictly (issue #14's target: {report['target']}×) {strict_cpu['all']:.2f}× "
            f"({strict_cpu.get('valid', 0):.2f}× on valid, {strict_cpu.get('invalid', 0):.2f}× on invalid). "
            if "all" in strict_cpu
            else ". "
        )
        if "all" in cpu
        else ""
    )
    kinds = c["kinds"]
    invalid_kinds = ", ".join(
        f"{n} {k.split(':', 1)[1]}" for k, n in kinds.items() if k.startswith("invalid:")
    )
    libs = ", ".join(f"{k} {v}" for k, v in m["libraries"].items())
    lines += [
        "",
        f"Throughput is responses over the fastest wall-clock pass, one thread, validators compiled "
        f"(and caches warmed) before the clock starts; the engines take turns in {report['repeat']} rounds, "
        f"each making as many passes as fit in {report['min_time']} s (at least one). "
        f"Per-round apidrift/jsonschema-rs ratios over the whole corpus: {spread}. {cpu_line}"
        "Invalid responses take apidrift's explaining path (and the runner reads their violations), "
        f"valid ones only the compiled fast path; {share}. {agreement}",
        "Memory is measured per engine in a fresh process: growth of the peak resident set while "
        "compiling and validating the corpus once (over the process with the corpus loaded), and the "
        "peak Python heap over the same (tracemalloc; it does not see jsonschema-rs's Rust allocations).",
        "",
        f"**Corpus** (`benchmarks/corpus.py`, seed {c['seed']}, fingerprint `{c['fingerprint']}`): "
        f"{c['responses']:,} responses to {c['operations']} (version, operation, status) pairs of "
        f"{len(c['versions'])} contract versions "
        f"({', '.join(f'{k}: {v:,}' for k, v in c['versions'].items())}), built from the "
        f"{c['examples']} documented example responses: "
        f"{kinds.get('example', 0):,} verbatim examples, {kinds.get('varied', 0):,} variations "
        "(new ids, timestamps and counts; list pages resized to 1-20 items, a fifth of them 21-100) and "
        f"{c['invalid']:,} invalid responses ({invalid_kinds}). "
        f"Bodies average {c['bytes_mean']:,} bytes of JSON (largest {c['bytes_max']:,}; "
        f"{c['bytes_total'] / 2**20:.1f} MiB in all); {c['list_responses']:,} are list pages "
        f"averaging {c['list_items_mean']} items (at most {c['list_items_max']}).",
        "",
        f"**Machine**: {m['cpu']}, {m['nproc']} CPUs (`nproc`), {m['memory']} RAM, {m['os']}; "
        f"{m['python']}; {libs}. Load average (1/5/15 min) {report['load']['before']} before the run "
        f"and {report['load']['after']} after it: the machine is shared, so absolute rates vary from run "
        "to run more than the ratios between engines do.",
        "",
    ]
    return "\n".join(lines)


INTRO = """# Benchmarks

These benchmarks are run on demand, never as part of the test suite (which makes no timing
assertions). Run them from the repository root with the development environment active:

    python benchmarks/bench_validation.py --n 10000 --repeat 3 --write-docs

`--write-docs` replaces the matching section of this file with the new figures; other sections
are kept. Figures depend on the machine; compare engines within one run, not across runs.
"""


def write_docs(section: str, path: Path = DOCS) -> None:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(INTRO, encoding="utf-8")
    write_section(section, SECTION, path)


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _without_options(argv: list[str], options: set[str]) -> list[str]:
    out: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in options:
            skip = True
        elif arg.split("=", 1)[0] not in options:
            out.append(arg)
    return out


def _load() -> str:
    try:
        return "/".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=DEFAULT_N, help="responses in the corpus (default 10000)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of timed passes (default 3)")
    parser.add_argument(
        "--min-time", type=float, default=0.3, help="seconds of passes per engine and round (default 0.3)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--invalid-share", type=float, default=DEFAULT_INVALID_SHARE)
    parser.add_argument("--varied-share", type=float, default=DEFAULT_VARIED_SHARE)
    parser.add_argument(
        "--write-docs", action="store_true", help=f"replace '{SECTION}' in docs/benchmarks.md"
    )
    parser.add_argument("--json", type=Path, help="also write the raw figures to this file")
    parser.add_argument(
        "--from-json", type=Path, help="render (and with --write-docs, write) figures saved by --json; no run"
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the per-engine memory probes")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of apidrift's validate")
    parser.add_argument("--profile-strict", action="store_true", help="profile validate(strict=True)")
    parser.add_argument("--memory-probe", choices=ENGINES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    # The command as documented: output-only options left out.
    args.argv = _without_options(list(sys.argv[1:] if argv is None else argv), {"--json"})
    if args.n < 1 or args.repeat < 1:
        parser.error("--n and --repeat must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.memory_probe:
        probe = memory_probe(args.memory_probe, args.n, args.seed, args.invalid_share, args.varied_share)
        print(json.dumps(probe))
        return 0
    if args.profile or args.profile_strict:
        print(profile(args, strict=args.profile_strict))
        return 0
    report = json.loads(args.from_json.read_text(encoding="utf-8")) if args.from_json else benchmark(args)
    section = render(report)
    print(section)
    if args.json and not args.from_json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if args.write_docs:
        write_docs(section)
        _log(f"wrote {DOCS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
