"""Benchmark: a full read-only sweep against the simulator with latency, serial vs concurrent.

Run on demand: `python benchmarks/bench_sweep.py [--latency-ms 100] [--openapi FILE] [--write-docs]`.
The simulator is served over real HTTP on 127.0.0.1 by uvicorn in a thread; the figures go to
`docs/benchmarks.md`. With `--openapi FILE` the document is imported (the profile's scope) into a
temporary contracts root and that version is swept, served by the generic engine.

The critical-path bound is what no scheduler can beat: the longest chain of reads that need ids from
earlier lists, and the total number of reads over the concurrency, each step costing one latency.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import os
import platform
import re
import socket
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import uvicorn

import docs_section
from apidrift.apis.openai_admin.simulator.state import NOW
from apidrift.contracts.model import ContractStore, ContractVersion
from apidrift.live.client import LiveClient
from apidrift.live.sweep import PlannedRead, Sweep, SweepOptions, plan_reads
from apidrift.simulator import create_app

DOCS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
SECTION = "## Live sweep against the simulator"
KEY = "sk-admin-REDACTED"  # the simulator only needs a non-empty key


@dataclass(frozen=True)
class SweepTiming:
    concurrency: int
    seconds: float
    requests: int


def critical_path(plan: list[PlannedRead]) -> int:
    """The number of reads in the longest chain where each read needs ids from an earlier list."""
    by_path = {read.path_template: read for read in plan}
    depth: dict[str, int] = {}

    def level(read: PlannedRead) -> int:
        if read.operation not in depth:
            needs = [by_path[s.collection] for s in read.ids if s.collection in by_path]
            depth[read.operation] = 1 + max((level(n) for n in needs), default=0)
        return depth[read.operation]

    return max(level(read) for read in plan)


def start_server(version: str, latency_ms: float, store: ContractStore) -> tuple[Any, str]:
    """The simulator in a child process of its own (as a real server is): client and server would
    otherwise share one interpreter lock, and the sweep would measure their contention."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    child = multiprocessing.get_context("fork").Process(
        target=_serve, args=(sock, version, latency_ms, store), daemon=True
    )
    child.start()
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or not child.is_alive():
                raise RuntimeError("the simulator did not start") from None
            time.sleep(0.05)
    sock.close()  # the child holds its own copy
    return child, f"http://127.0.0.1:{port}/v1"


def _serve(sock: socket.socket, version: str, latency_ms: float, store: ContractStore) -> None:
    app = create_app(version, latency_ms=latency_ms, store=store)
    config = uvicorn.Config(app, lifespan="off", log_level="critical", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


def sweep_once(version: ContractVersion, base_url: str, concurrency: int) -> SweepTiming:
    async def go() -> SweepTiming:
        client = LiveClient(KEY, base_url=base_url, max_concurrency=concurrency)
        sweep = Sweep(client, version, SweepOptions(now=lambda: datetime.fromtimestamp(NOW, UTC)))
        started = time.perf_counter()
        try:
            result = await sweep.run()
        finally:
            await client.aclose()
        return SweepTiming(concurrency, time.perf_counter() - started, len(result.calls))

    return asyncio.run(go())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--version", default="2026-05-02")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--openapi", type=Path, help="sweep this document's version, imported first")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    store = ContractStore()
    if args.openapi is not None:
        from apidrift.openapi.capture import capture_openapi

        root = Path(tempfile.mkdtemp(prefix="apidrift-bench-")) / "contracts"
        dated = re.search(r"\d{4}-\d{2}-\d{2}", args.openapi.stem)
        label = dated.group(0) if dated else args.openapi.stem
        # Its examples go where the simulator looks for them: `recordings/<api>/<version>` beside the root.
        examples = root.parent / "recordings" / "openai-admin" / label
        capture_openapi(
            args.openapi, version=label, out_dir=root, api="openai-admin", recordings_out=examples
        )
        store, args.version = ContractStore(root, api="openai-admin"), label
    version = store.load(args.version)
    plan, _ = plan_reads(version, SweepOptions())
    load_before = os.getloadavg()[0]
    child, base_url = start_server(args.version, args.latency_ms, store)
    try:
        timings = {
            c: min((sweep_once(version, base_url, c) for _ in range(args.repeat)), key=lambda t: t.seconds)
            for c in (1, 8)
        }
    finally:
        child.terminate()
        child.join(timeout=10)
    latency = args.latency_ms / 1000
    requests = timings[8].requests
    chain = critical_path(plan)
    bound = {c: max(chain, math.ceil(requests / c)) * latency for c in (1, 8)}
    speedup = timings[1].seconds / timings[8].seconds
    source = f" --openapi {args.openapi.name}" if args.openapi is not None else ""
    lines = [
        SECTION if args.openapi is None else f"{SECTION}: a version imported from OpenAPI",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {platform.machine()} ({os.cpu_count()} cores), "
        f"Python {platform.python_version()}: "
        f"`python benchmarks/bench_sweep.py --latency-ms {args.latency_ms:g}{source}`. "
        f"A read-only sweep of {args.version} ({len(plan)} planned reads, {requests} requests) against the "
        f"simulator on 127.0.0.1 adding {args.latency_ms:g} ms to every response; best of {args.repeat}. "
        f"Load average (1 min) {load_before:.1f} before and {os.getloadavg()[0]:.1f} after, on "
        f"{os.cpu_count()} cores (a shared machine); the simulator runs in a process of its own.",
        "",
        "| concurrency | wall time | critical-path bound | time / bound |",
        "|---|---|---|---|",
        *[
            f"| {c} | {timings[c].seconds:.2f} s | {bound[c]:.2f} s | {timings[c].seconds / bound[c]:.2f}× |"
            for c in (1, 8)
        ],
        "",
        f"Longest id chain: {chain} reads. Concurrency 8 is **{speedup:.1f}× faster than serial** "
        f"(target ≥ 5×) and **{timings[8].seconds / bound[8]:.2f}× its bound** (target ≤ 1.25×).",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write_docs:
        write_section(text, lines[0])


def write_section(text: str, section: str = SECTION) -> None:
    docs_section.write_section(text, section, DOCS)


if __name__ == "__main__":
    main()
