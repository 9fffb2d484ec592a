"""Latency `apidrift proxy` adds per exchange: client -> proxy -> upstream against client -> upstream
directly, in the same run, alternating request by request so both paths see the same machine load.

The upstream is a minimal uvicorn app in its own process answering the documented usage-costs
example (a few hundred bytes of JSON, which the proxy's recorder redacts and writes); the proxy is the
real `apidrift proxy` command in its own process, writing its HAR as it would for a user. The client is
one keep-alive httpx connection per path. Target: under 2 ms added at p50.

    python benchmarks/bench_proxy.py [--n 2000] [--warmup 200] [--write-docs]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from docs_section import write_section

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Proxy latency"
BODY = ROOT / "recordings" / "openai-admin" / "2026-05-02" / "usage-costs.json"
PATH = "/v1/organization/costs"
UPSTREAM = """
import json, socket, sys, uvicorn
body = json.dumps(json.loads(open(sys.argv[1]).read())["body"]).encode()
headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
sock.bind(("127.0.0.1", 0))
print(sock.getsockname()[1], flush=True)
uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="error", access_log=False)).run(sockets=[sock])
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="requests per path, measured")
    parser.add_argument("--warmup", type=int, default=200, help="requests per path before measuring")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="apidrift-bench-proxy-") as scratch:
        upstream = subprocess.Popen(
            [sys.executable, "-c", UPSTREAM, str(BODY)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        assert upstream.stdout is not None
        upstream_url = f"http://127.0.0.1:{int(upstream.stdout.readline())}"
        command = [sys.executable, "-m", "apidrift.cli", "proxy", "--upstream", upstream_url]
        command += ["--against", "2026-05-02", "--reports", scratch]
        proxy = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
        )
        try:
            assert proxy.stdout is not None
            line = proxy.stdout.readline().decode()
            match = re.search(r"proxy on (http://127\.0\.0\.1:\d+)", line)
            assert match, line
            proxy_url = match.group(1)
            measure(upstream_url, proxy_url, 0, args.warmup)
            recorder = _children(proxy.pid)
            pids = {"proxy": [proxy.pid], "recorder": recorder, "upstream": [upstream.pid]}
            before = {name: _cpu(p) for name, p in pids.items()}
            direct_ms, proxied_ms = measure(upstream_url, proxy_url, args.n, 0)
            after = {name: _cpu(p) for name, p in pids.items()}
            with httpx.Client() as client:
                client.post(proxy_url + "/__apidrift__/proxy/stop")
            out, err = proxy.communicate(timeout=300)
            har_bytes = sum(p.stat().st_size for p in Path(scratch).glob("*.har"))
        finally:
            for child in (proxy, upstream):
                if child.poll() is None:
                    child.terminate()
                    child.wait(timeout=30)
    summary = out.decode().strip().splitlines()
    stopped = next((s for s in summary if s.startswith("stopped")), "?")
    checked = next((s for s in summary if " responses valid" in s), "?")
    result = figures(direct_ms, proxied_ms)
    result |= {
        # CPU ms per exchange: load inflates it far less than wall time. The upstream served 2n requests.
        "cpu_proxy": (after["proxy"] - before["proxy"]) / args.n * 1000,
        "cpu_recorder": (after["recorder"] - before["recorder"]) / args.n * 1000,
        "cpu_upstream": (after["upstream"] - before["upstream"]) / (2 * args.n) * 1000,
        "n": args.n,
        "warmup": args.warmup,
        "stopped": stopped,
        "checked": checked.split(";")[0],
        "proxy_rc": proxy.returncode,
        "har_mib": har_bytes / 2**20,
        "body_bytes": len(json.dumps(json.loads(BODY.read_text())["body"])),
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "stderr": err.decode()[-300:],
    }
    print(json.dumps(result, indent=2))
    if args.write_docs:
        write_docs(result)


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def _cpu(pids: list[int]) -> float:
    """User + system CPU seconds of these processes so far (Linux /proc)."""
    total = 0.0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def measure(upstream_url: str, proxy_url: str, n: int, warmup: int) -> tuple[list[float], list[float]]:
    """Per-request wall times in ms, direct and through the proxy, alternating which goes first."""
    direct: list[float] = []
    proxied: list[float] = []
    headers = {"Authorization": "Bearer sk-admin-REDACTED"}
    with (
        httpx.Client(base_url=upstream_url, headers=headers) as to_upstream,
        httpx.Client(base_url=proxy_url, headers=headers) as to_proxy,
    ):
        for sock_client in (to_upstream, to_proxy):
            sock_client.get(PATH, params={"start_time": 0}).raise_for_status()
        for i in range(warmup + n):
            pair = [(to_upstream, direct), (to_proxy, proxied)]
            for client, times in pair if i % 2 else reversed(pair):
                start = time.perf_counter()
                response = client.get(PATH, params={"start_time": 0})
                elapsed = (time.perf_counter() - start) * 1000
                response.raise_for_status()
                if i >= warmup:
                    times.append(elapsed)
    return direct, proxied


def figures(direct: list[float], proxied: list[float]) -> dict[str, Any]:
    def q(values: list[float], p: int) -> float:
        return statistics.quantiles(values, n=100, method="inclusive")[p - 1]

    paired = [b - a for a, b in zip(direct, proxied, strict=True)]
    return {
        "direct_p50": q(direct, 50),
        "direct_p95": q(direct, 95),
        "proxied_p50": q(proxied, 50),
        "proxied_p95": q(proxied, 95),
        "added_p50": q(proxied, 50) - q(direct, 50),
        "added_p95": q(proxied, 95) - q(direct, 95),
        "paired_p50": q(paired, 50),
        "paired_p95": q(paired, 95),
    }


def write_docs(r: dict[str, Any]) -> None:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    met = "met" if r["added_p50"] < 2.0 else "NOT met"
    lines = [
        SECTION,
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {platform.machine()} ({os.cpu_count()} cores, shared), "
        f"Python {platform.python_version()}, apidrift at `{commit.stdout.strip()}`: "
        f"`python benchmarks/bench_proxy.py --n {r['n']} --warmup {r['warmup']} --write-docs`.",
        "One client, one keep-alive connection per path, requests alternating between the upstream",
        "directly and the same upstream through `apidrift proxy` (a real `apidrift proxy` process writing",
        f"its redacted HAR). The upstream is a minimal uvicorn app answering {r['body_bytes']:,} bytes of",
        "JSON (the usage-costs example). Added latency: the proxied quantile minus the direct one; paired:",
        "the quantile of (proxied - direct) over request pairs. Target: under 2 ms added at p50.",
        "",
        "| path | p50 | p95 |",
        "|---|---:|---:|",
        f"| client -> upstream | {r['direct_p50']:.2f} ms | {r['direct_p95']:.2f} ms |",
        f"| client -> proxy -> upstream | {r['proxied_p50']:.2f} ms | {r['proxied_p95']:.2f} ms |",
        f"| **added by the proxy** | **{r['added_p50']:.2f} ms** | **{r['added_p95']:.2f} ms** |",
        f"| added, paired | {r['paired_p50']:.2f} ms | {r['paired_p95']:.2f} ms |",
        "",
        f"CPU per exchange (less inflated by load than wall time): the proxy's forwarding process "
        f"{r['cpu_proxy']:.2f} ms, its recorder process (redaction and HAR, off the request path) "
        f"{r['cpu_recorder']:.2f} ms; the upstream, a bare uvicorn app, {r['cpu_upstream']:.2f} ms "
        "per request.",
        "",
        f"Target {met} ({r['added_p50']:.2f} ms at p50). The proxy then checked its session: "
        f"{r['stopped']}; {r['checked']} ({r['har_mib']:.1f} MiB of HAR). Load average (1 min) "
        f"{r['load_before'][0]:.2f} before, {r['load_after'][0]:.2f} after.",
    ]
    write_section("\n".join(lines) + "\n", SECTION)


if __name__ == "__main__":
    socket.setdefaulttimeout(60)
    main()
