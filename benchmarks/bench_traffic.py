"""Benchmark: what checking traffic (a HAR file) costs over checking the same responses as recordings.

Run on demand: `python benchmarks/bench_traffic.py [--exchanges 2000] [--rounds 3]`; it prints a
Markdown section for `docs/benchmarks.md` (pasted by hand).

The bundled recordings of 2026-05-02 are repeated into one HAR file of N exchanges (each request
carrying a credential, so redaction has work to do). Measured in the same run, best round counting:
1. `check_traffic_files` on the HAR: read, redact, match, check every request against every version,
   write the responses as recordings and check them;
2. the floor: `check_recordings` on a folder holding the same N responses as recordings.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path

from apidrift.check.recordings import bundled_recordings
from apidrift.check.run import check_recordings
from apidrift.contracts.model import ContractStore
from apidrift.traffic.check import check_traffic_files

VERSION = "2026-05-02"


def corpus(n: int, folder: Path) -> tuple[Path, Path]:
    """A HAR of `n` exchanges and a folder of the same `n` responses as recordings."""
    source = sorted((bundled_recordings() / "openai-admin" / VERSION).glob("*.json"))
    recordings = [json.loads(p.read_text()) for p in source]
    entries = []
    rec = folder / "recordings"
    rec.mkdir()
    for i in range(n):
        r = recordings[i % len(recordings)]
        query = "&".join(f"{k}={v}" for k, v in r.get("query", {}).items())
        entries.append(
            {
                "request": {
                    "method": r["method"],
                    "url": f"https://api.example.test/v1{r['path']}" + (f"?{query}" if query else ""),
                    "headers": [{"name": "Authorization", "value": "Bearer sk-admin-REDACTED"}],
                },
                "response": {
                    "status": r["status"],
                    "headers": [{"name": "Content-Type", "value": "application/json"}],
                    "content": {"mimeType": "application/json", "text": json.dumps(r["body"])},
                },
            }
        )
        (rec / f"{i:06d}.json").write_text(json.dumps({**r, "provenance": {"source": "bench"}}))
    har = folder / "traffic.har"
    har.write_text(json.dumps({"log": {"version": "1.2", "entries": entries}}))
    return har, rec


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--exchanges", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    store = ContractStore()
    with tempfile.TemporaryDirectory() as scratch:
        har, rec = corpus(args.exchanges, Path(scratch))
        traffic_s, floor_s = [], []
        for _ in range(args.rounds):
            start = time.perf_counter()
            run = check_traffic_files(store, har=[har], against=VERSION)
            traffic_s.append(time.perf_counter() - start)
            assert run.run.checked == args.exchanges and len(run.requests) == args.exchanges
            start = time.perf_counter()
            plain = check_recordings(store, rec, against=VERSION, workers=1)
            floor_s.append(time.perf_counter() - start)
            assert plain.checked == args.exchanges
    t, f = min(traffic_s), min(floor_s)
    n = args.exchanges

    def each(seconds: float) -> str:
        return f"{seconds:.2f} s | {seconds / n * 1000:.2f} ms"

    lines = [
        f"### Traffic checks ({n} exchanges, best of {args.rounds}; Python {platform.python_version()})",
        "",
        "| what | wall | per exchange |",
        "|---|---|---|",
        f"| `check_traffic_files` (HAR: read, redact, match, requests and responses) | {each(t)} |",
        f"| floor: `check_recordings` on the same responses | {each(f)} |",
        "",
        f"Traffic costs {t / f:.2f}x the floor: the request side and redaction are what it adds.",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
