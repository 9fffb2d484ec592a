"""A deterministic corpus of API responses for benchmarking response validation.

The corpus is built from the documented example responses of every contract version
(`recordings/<api>/<version>/`), each checked against its own version:

* ``example``  - a documented example, verbatim;
* ``varied``   - an example with new ids, timestamps and counts, and with its lists resized
  (top-level ``data`` pages of 1-20 items, sometimes up to 100; nested lists of 1-3 items);
* ``invalid:*`` - an example or a variation broken the way a drifting API breaks it: a required
  field dropped (``invalid:drop-required``), a value of another JSON type (``invalid:type-change``),
  a field renamed (``invalid:rename``).

Everything comes from a seeded `random.Random`; nothing touches the network. Each case's label
(valid or not) is checked with a reference validator (jsonschema-rs) while the corpus is built:
a variation that would break the schema is replaced by its unvaried base, and a mutation that
would not break it is retried elsewhere in the body, so `Case.valid` is known, not assumed.

Run ``python benchmarks/corpus.py`` to print the composition of a corpus.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema_rs

from apidrift.check.recordings import load_recordings
from apidrift.contracts.model import SCHEMAS_FILE, ContractStore, ContractVersion, schemas_document

ROOT = Path(__file__).resolve().parents[1]
API = "openai-admin"

DEFAULT_N = 10_000
DEFAULT_SEED = 20260502
DEFAULT_INVALID_SHARE = 0.10
DEFAULT_VARIED_SHARE = 0.50

MUTATIONS = ("drop-required", "type-change", "rename")

JSONPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Case:
    """One response to validate: the contract version, operation and status it claims to answer."""

    version: str
    operation: str
    status: str
    body: Any
    valid: bool
    kind: str
    source: str


@dataclass
class Corpus:
    """The cases, in benchmark order, and how they were made."""

    cases: list[Case]
    seed: int
    invalid_share: float
    varied_share: float
    examples: int
    fallbacks: int = 0
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> list[Case]:
        return [c for c in self.cases if c.valid]

    @property
    def invalid(self) -> list[Case]:
        return [c for c in self.cases if not c.valid]

    def fingerprint(self) -> str:
        """A digest of every case, to show that two runs validated the same documents."""
        digest = hashlib.sha256()
        for c in self.cases:
            digest.update(
                json.dumps([c.version, c.operation, c.status, c.kind, c.body], sort_keys=True).encode()
            )
        return digest.hexdigest()[:16]

    def describe(self) -> dict[str, Any]:
        kinds = Counter(c.kind for c in self.cases)
        versions = Counter(c.version for c in self.cases)
        sizes = [len(json.dumps(c.body, separators=(",", ":"))) for c in self.cases]
        pages = [len(c.body["data"]) for c in self.cases if _page(c.body) is not None]
        return {
            "responses": len(self.cases),
            "valid": len(self.valid),
            "invalid": len(self.invalid),
            "kinds": dict(sorted(kinds.items())),
            "versions": dict(sorted(versions.items())),
            "operations": len({(c.version, c.operation, c.status) for c in self.cases}),
            "examples": self.examples,
            "seed": self.seed,
            "invalid_share": self.invalid_share,
            "varied_share": self.varied_share,
            "variation_fallbacks": self.fallbacks,
            "bytes_total": sum(sizes),
            "bytes_mean": round(sum(sizes) / len(sizes)) if sizes else 0,
            "bytes_max": max(sizes, default=0),
            "list_responses": len(pages),
            "list_items_mean": round(sum(pages) / len(pages), 1) if pages else 0,
            "list_items_max": max(pages, default=0),
            "fingerprint": self.fingerprint(),
        }


@dataclass(frozen=True)
class _Example:
    version: str
    operation: str
    status: str
    body: Any
    file: str


class _Reference:
    """Labels cases: jsonschema-rs validators compiled once per (version, operation, status)."""

    def __init__(self, versions: dict[str, ContractVersion]) -> None:
        self._versions = versions
        self._registries = {
            label: jsonschema_rs.Registry(
                [(v.base + SCHEMAS_FILE, schemas_document(v.api, v.version, v.schemas))]
            )
            for label, v in versions.items()
        }
        self._compiled: dict[tuple[str, str, str], Any] = {}

    def is_valid(self, version: str, operation: str, status: str, body: Any) -> bool:
        key = (version, operation, status)
        validator = self._compiled.get(key)
        if validator is None:
            schema = self._versions[version].response_schema(operation, status)
            validator = jsonschema_rs.validator_for(schema, registry=self._registries[version])
            self._compiled[key] = validator
        return bool(validator.is_valid(body))


def load_examples(store: ContractStore, recordings_root: Path) -> list[_Example]:
    """Every documented example response of every version that is valid against its own version."""
    examples = []
    versions = {label: store.load(label) for label in store.labels()}
    reference = _Reference(versions)
    for label, version in versions.items():
        loaded = load_recordings(recordings_root / label)
        for item in loaded.recordings:
            rec = item.recording
            status = str(rec.status)
            if (
                rec.operation not in version.operations
                or status not in version.operations[rec.operation].responses
            ):
                continue
            if reference.is_valid(label, rec.operation, status, rec.body):
                examples.append(_Example(label, rec.operation, status, rec.body, item.file))
    return examples


def build_corpus(
    n: int = DEFAULT_N,
    *,
    seed: int = DEFAULT_SEED,
    invalid_share: float = DEFAULT_INVALID_SHARE,
    varied_share: float = DEFAULT_VARIED_SHARE,
    store: ContractStore | None = None,
    recordings_root: Path | None = None,
) -> Corpus:
    """Build `n` cases: `invalid_share` of them invalid, `varied_share` of the valid ones varied."""
    if n < 1:
        raise ValueError("n must be at least 1")
    if not 0 <= invalid_share <= 1 or not 0 <= varied_share <= 1:
        raise ValueError("shares must be between 0 and 1")
    store = store or ContractStore()
    versions = {label: store.load(label) for label in store.labels()}
    examples = load_examples(store, recordings_root or ROOT / "recordings" / store.api)
    if not examples:
        raise RuntimeError("no documented examples found to build a corpus from")
    reference = _Reference(versions)
    rng = random.Random(seed)

    n_invalid = round(n * invalid_share)
    n_valid = n - n_invalid
    n_varied = round(n_valid * varied_share)
    n_verbatim = n_valid - n_varied

    cases: list[Case] = []
    fallbacks = 0
    # Verbatim examples: every example in turn, so each version and operation is represented.
    for i in range(n_verbatim):
        ex = examples[i % len(examples)]
        cases.append(_case(ex, ex.body, True, "example"))
    # Variations: a random example, resized and re-valued, kept only if still valid.
    for _ in range(n_varied):
        ex = rng.choice(examples)
        body = vary(ex.body, rng)
        if reference.is_valid(ex.version, ex.operation, ex.status, body):
            cases.append(_case(ex, body, True, "varied"))
        else:
            fallbacks += 1
            cases.append(_case(ex, copy.deepcopy(ex.body), True, "example"))
    # Invalid responses: an example (half the time varied first), broken in one place.
    made = 0
    attempts = 0
    while made < n_invalid:
        attempts += 1
        if attempts > 50 * max(n_invalid, 1):
            raise RuntimeError("could not make enough invalid responses")
        kind = MUTATIONS[made % len(MUTATIONS)]
        ex = rng.choice(examples)
        base = vary(ex.body, rng) if rng.random() < 0.5 else copy.deepcopy(ex.body)
        if not reference.is_valid(ex.version, ex.operation, ex.status, base):
            base = copy.deepcopy(ex.body)

        def still_valid(candidate: Any, ex: _Example = ex) -> bool:
            return reference.is_valid(ex.version, ex.operation, ex.status, candidate)

        broken = mutate(base, kind, rng, still_valid)
        if broken is None:
            continue
        cases.append(_case(ex, broken, False, f"invalid:{kind}"))
        made += 1

    rng.shuffle(cases)
    return Corpus(cases, seed, invalid_share, varied_share, len(examples), fallbacks)


def _case(ex: _Example, body: Any, valid: bool, kind: str) -> Case:
    return Case(ex.version, ex.operation, ex.status, body, valid, kind, ex.file)


# --- valid variations ---------------------------------------------------------------------------

_ID_KEY = re.compile(r"(^|_)id$")
_TIME_KEY = re.compile(r"(_at|_time)$")
_ID_VALUE = re.compile(r"^([A-Za-z][A-Za-z0-9]*[_-])(.+)$")


def _page(body: Any) -> list[Any] | None:
    page = body.get("data") if isinstance(body, dict) else None
    return page if isinstance(page, list) else None


def page_size(rng: random.Random) -> int:
    """A realistic page length: mostly the default page (up to 20), sometimes a long one (up to 100)."""
    if rng.random() < 0.8:
        return rng.randint(1, 20)
    return rng.randint(21, 100)


def vary(body: Any, rng: random.Random) -> Any:
    """A copy of `body` with new ids, times and counts, and its lists of objects resized."""
    out = copy.deepcopy(body)
    page = _page(out)
    if page and all(isinstance(item, dict) for item in page):
        out["data"] = _resize(page, page_size(rng), rng)
        for key in ("first_id", "last_id"):
            if isinstance(out.get(key), str) and isinstance(out["data"][0].get("id"), str):
                out[key] = out["data"][0 if key == "first_id" else -1]["id"]
    return _revalue(out, rng, top=True)


def _resize(items: list[Any], size: int, rng: random.Random) -> list[Any]:
    return [copy.deepcopy(items[i % len(items)]) for i in range(size)]


def _revalue(node: Any, rng: random.Random, key: str = "", top: bool = False) -> Any:
    if isinstance(node, dict):
        return {k: _revalue(v, rng, k) for k, v in node.items()}
    if isinstance(node, list):
        if not top and node and all(isinstance(x, dict) for x in node) and len(node) <= 3 and key != "data":
            node = _resize(node, rng.randint(1, 3), rng)
        return [_revalue(x, rng, key) for x in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        if _TIME_KEY.search(key):
            return node + rng.randint(-30 * 86_400, 30 * 86_400)
        return max(0, node + rng.randint(-node // 2 - 1, node + 1)) if node >= 0 else node
    if isinstance(node, float):
        return round(node * rng.uniform(0.5, 2.0), 6)
    if isinstance(node, str) and _ID_KEY.search(key):
        match = _ID_VALUE.match(node)
        if match:
            return match.group(1) + "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=24))
    return node


# --- invalid mutations --------------------------------------------------------------------------


def _paths(node: Any, path: JSONPath = ()) -> Iterator[tuple[JSONPath, Any]]:
    """Every (path, value) below `node`, the root excluded."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield (*path, k), v
            yield from _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield (*path, i), v
            yield from _paths(v, (*path, i))


def _parent(body: Any, path: JSONPath) -> Any:
    node = body
    for part in path[:-1]:
        node = node[part]
    return node


def _other_type(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return len(value)
    if value is None:
        return 0
    if isinstance(value, list):
        return {"items": value}
    return [value]


def _renamed(name: str) -> str:
    if "_" in name:
        head, *rest = name.split("_")
        return head + "".join(part.title() for part in rest)
    return f"{name}_v2"


def mutate(body: Any, kind: str, rng: random.Random, still_valid: Callable[[Any], bool]) -> Any | None:
    """`body` broken once in the way `kind` says; None when no such change makes it invalid."""
    candidates = [(p, v) for p, v in _paths(body) if isinstance(p[-1], str)]
    if kind == "type-change":
        candidates = [(p, v) for p, v in candidates if not isinstance(v, dict | list)]
    rng.shuffle(candidates)
    for path, value in candidates[:40]:
        broken = copy.deepcopy(body)
        parent = _parent(broken, path)
        name = path[-1]
        if kind == "drop-required":
            del parent[name]
        elif kind == "type-change":
            parent[name] = _other_type(value)
        elif kind == "rename":
            new = _renamed(str(name))
            if new in parent:
                continue
            parent[new] = parent.pop(name)
        else:
            raise ValueError(f"unknown mutation {kind!r}")
        if not still_valid(broken):
            return broken
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=DEFAULT_N)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--invalid-share", type=float, default=DEFAULT_INVALID_SHARE)
    parser.add_argument("--varied-share", type=float, default=DEFAULT_VARIED_SHARE)
    args = parser.parse_args(argv)
    corpus = build_corpus(
        args.n, seed=args.seed, invalid_share=args.invalid_share, varied_share=args.varied_share
    )
    json.dump(corpus.describe(), sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
