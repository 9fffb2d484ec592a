"""Benchmark: what a rehearsal costs the simulator (`serve --version NEW --rehearse OLD`).

Run on demand: `python benchmarks/bench_rehearse.py [--items 100] [--rounds 5]`; it prints a Markdown
section for `docs/benchmarks.md` (pasted by hand).

1. Planning (once, when the server starts): `plan_rehearsal(new, old)` for the seed pair, next to the
   diff it is built on (`diff_versions(old, new)`, the floor: a plan cannot be cheaper than its diff).
2. Per response: `apply` on a list body of `--items` users (`list-users`, 2026-05-02), next to one
   validation of the same body against the new version (the floor: apply validates at least once)
   and to encoding it as JSON (what the server does with every body anyway).
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from collections.abc import Callable
from typing import Any

from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractStore
from apidrift.diff.engine import diff_versions
from apidrift.simulator.rehearse import apply, plan_rehearsal

OLD, NEW = "2026-04-30", "2026-05-02"


def best(rounds: int, work: Callable[[], Any], repeat: int = 1) -> float:
    """The best of `rounds` timings of `repeat` calls, per call, in seconds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeat):
            work()
        times.append((time.perf_counter() - start) / repeat)
    return min(times)


def users(count: int) -> dict[str, Any]:
    data = [
        {
            "object": "organization.user",
            "id": f"user-{i}",
            "name": f"User {i}",
            "email": f"user{i}@example.com",
            "role": "owner" if i % 2 else "reader",
            "added_at": 1_700_000_000 + i,
        }
        for i in range(count)
    ]
    return {
        "object": "list",
        "data": data,
        "first_id": "user-0",
        "last_id": f"user-{count - 1}",
        "has_more": False,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    store = ContractStore()
    old, new = store.load(OLD), store.load(NEW)
    plan_rehearsal(new, old)  # warm: imports, hypothesis, compiled validators
    diff_s = best(args.rounds, lambda: diff_versions(old, new))
    plan_s = best(args.rounds, lambda: plan_rehearsal(new, old))
    plan = plan_rehearsal(new, old)
    body = users(args.items)
    checker = ResponseValidator(new)
    assert checker.is_valid("list-users", 200, body)
    repeat = 50
    validate_s = best(args.rounds, lambda: checker.is_valid("list-users", 200, body), repeat)
    encode_s = best(args.rounds, lambda: json.dumps(body), repeat)
    turns = iter(range(10**9))
    apply_s = best(args.rounds, lambda: apply(plan, "list-users", 200, body, variant=next(turns)), repeat)
    print("## Rehearsal (`serve --rehearse`)")
    print()
    print(f"`python benchmarks/bench_rehearse.py --items {args.items} --rounds {args.rounds}`, best of")
    print(f"{args.rounds} rounds, Python {platform.python_version()}, {platform.machine()}.")
    print()
    print("| what | time | floor in the same run | ratio |")
    print("|---|---|---|---|")
    print(
        f"| plan {NEW} for clients of {OLD} (once, at start) | {plan_s * 1000:.0f} ms "
        f"| its diff: {diff_s * 1000:.0f} ms | {plan_s / diff_s:.1f}× |"
    )
    print(
        f"| rehearse one `list-users` body of {args.items} users | {apply_s * 1000:.2f} ms "
        f"| one validation of it: {validate_s * 1000:.2f} ms | {apply_s / validate_s:.1f}× |"
    )
    print(
        f"| (the same) | {apply_s * 1000:.2f} ms "
        f"| encoding it as JSON: {encode_s * 1000:.2f} ms | {apply_s / encode_s:.1f}× |"
    )


if __name__ == "__main__":
    main()
