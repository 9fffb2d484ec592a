"""Benchmark: what the safety guards of a live run cost, and what the linear regex engine saves.

Run on demand: `python benchmarks/bench_safety.py [--requests 2000] [--rounds 3]`; it prints a
Markdown section for `docs/benchmarks.md` (pasted by hand).

1. Regex: `^(a+)+$` against `"a" * n + "!"` with Python's `re` (backtracking: each extra `a`
   doubles the time) and with `check.patterns.search` (the Rust `regex` crate: linear).
2. Transport: sequential GETs of a small JSON body from a keep-alive server on 127.0.0.1, through
   `LiveClient` with its default `ForgetfulTransport` (the end-of-response check, the template guard,
   no cookies) and with httpx's plain `AsyncHTTPTransport`; the two take turns, best round counts.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import re
import socket
import threading
import time

import httpx

from apidrift.check.patterns import search
from apidrift.live.client import LiveClient, RetryPolicy

BODY = b'{"object":"list","data":[{"id":"proj_1","name":"p"}],"has_more":false}'
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
    len(BODY),
    BODY,
)


def serve() -> tuple[str, socket.socket]:
    """A minimal keep-alive HTTP/1.1 server (one thread per connection) answering every GET alike."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)

    def handle(conn: socket.socket) -> None:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        buffer = b""
        with conn:
            while True:
                while b"\r\n\r\n" not in buffer:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                _, buffer = buffer.split(b"\r\n\r\n", 1)
                conn.sendall(ANSWER)

    def accept() -> None:
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    return f"http://127.0.0.1:{sock.getsockname()[1]}", sock


def regex_rows(sizes: list[int]) -> list[str]:
    rows = []
    for n in sizes:
        text = "a" * n + "!"
        started = time.perf_counter()
        assert re.search("^(a+)+$", text) is None
        python = time.perf_counter() - started
        started = time.perf_counter()
        for _ in range(1000):
            assert search("^(a+)+$", text) is False
        linear = (time.perf_counter() - started) / 1000
        rows.append(f"| {n} | {python * 1000:,.1f} ms | {linear * 1e6:,.1f} µs |")
    return rows


async def requests_per_second(base_url: str, n: int, plain: bool) -> float:
    transport = httpx.AsyncHTTPTransport() if plain else None
    client = LiveClient(
        "sk-admin-REDACTED", base_url=base_url + "/v1", retry=RetryPolicy(max_attempts=1), transport=transport
    )
    async with client:
        await client.get("/organization/projects")  # connect before the clock starts
        started = time.perf_counter()
        for _ in range(n):
            await client.get("/organization/projects/{project_id}", path_params={"project_id": "proj_1"})
        return n / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    base_url, sock = serve()
    best = {"guarded": 0.0, "plain": 0.0}
    for _ in range(args.rounds):
        for name in ("guarded", "plain"):
            rate = asyncio.run(requests_per_second(base_url, args.requests, plain=name == "plain"))
            best[name] = max(best[name], rate)
    sock.close()
    print('| `^(a+)+$` on `"a" * n + "!"` | Python `re` | `check.patterns.search` |')
    print("|---:|---:|---:|")
    print("\n".join(regex_rows([18, 20, 22, 24])))
    print()
    print("| client | GET requests/s (best of rounds) |")
    print("|---|---:|")
    print(f"| LiveClient, ForgetfulTransport (default) | {best['guarded']:,.0f} |")
    print(f"| LiveClient, plain httpx transport | {best['plain']:,.0f} |")
    ratio = best["guarded"] / best["plain"]
    print(f"\nguarded / plain: {ratio:.2f}×; {args.requests} requests × {args.rounds} rounds")
    print(f"Python {platform.python_version()}, {platform.machine()}, httpx {httpx.__version__}")


if __name__ == "__main__":
    main()
