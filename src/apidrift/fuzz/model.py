"""The values a fuzz run deals in: a request (`Case`), what was wrong with its answer (`Failure`), what
each operation had exercised (`OperationTally`), the run's options and its result."""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote, urlencode

from apidrift.contracts.selection import Selection
from apidrift.diff.changes import Severity
from apidrift.errors import FuzzError

CASE_FORMAT: Final = "apidrift.fuzz-case/1"


@dataclass(frozen=True)
class Case:
    """One request to an operation; `mutation` (with the schema `keyword` it breaks) says how it was
    made invalid, None for a request the version documents as valid."""

    operation: str
    method: str
    path_template: str
    path_params: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    body: Any = None  # None: no body is sent
    mutation: str | None = None
    keyword: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)  # documented header parameters sent

    @property
    def valid(self) -> bool:
        return self.mutation is None

    def path(self) -> str:
        """The concrete path (each value one percent-encoded segment, as the client sends it)."""
        path = self.path_template
        for name, value in self.path_params.items():
            path = path.replace("{" + name + "}", quote(value, safe=""))
        return path

    def describe(self) -> str:
        query = f"?{urlencode(dict(self.query))}" if self.query else ""
        body = "" if self.body is None else " " + json.dumps(self.body, sort_keys=True)
        why = f" ({self.mutation})" if self.mutation else ""
        return f"{self.method} {self.path()}{query}{body}{why}"

    def curl(self, base_url: str, auth_header: str) -> str:
        """A curl line that sends this request (the key as an environment variable, never its value)."""
        query = f"?{urlencode(dict(self.query))}" if self.query else ""
        words = ["curl", "-sS", "-X", self.method, base_url.rstrip("/") + self.path() + query]
        words += ["-H", auth_header]
        for name, value in sorted(self.headers.items()):
            words += ["-H", f"{name}: {value}"]
        if self.body is not None:
            words += ["-H", "content-type: application/json", "-d", json.dumps(self.body, sort_keys=True)]
        # The header names a variable; double quotes let the shell expand it, so it is quoted apart.
        return " ".join(f'"{w}"' if w == auth_header else shlex.quote(w) for w in words)

    def to_json(self, *, api: str, version: str) -> dict[str, Any]:
        return {
            "format": CASE_FORMAT,
            "api": api,
            "version": version,
            "operation": self.operation,
            "method": self.method,
            "path": self.path_template,
            "path_params": dict(self.path_params),
            "query": dict(self.query),
            "headers": dict(self.headers),
            "body": self.body,
            "mutation": self.mutation,
            "keyword": self.keyword,
        }

    @classmethod
    def from_json(cls, raw: Any, file: Path) -> tuple[Case, str, str]:
        """A case read back from a replay file, with its API and version."""
        if not isinstance(raw, dict) or raw.get("format") != CASE_FORMAT:
            raise FuzzError(f"not an {CASE_FORMAT} document", file=file, pointer="/format")
        for key, kind in (("api", str), ("version", str), ("operation", str), ("method", str), ("path", str)):
            if not isinstance(raw.get(key), kind):
                raise FuzzError(f"`{key}` must be a string", file=file, pointer=f"/{key}")
        for key in ("path_params", "query", "headers"):
            value = raw.get(key, {})
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise FuzzError(f"`{key}` must map names to strings", file=file, pointer=f"/{key}")
        case = cls(
            operation=raw["operation"],
            method=raw["method"].upper(),
            path_template=raw["path"],
            path_params=dict(raw.get("path_params", {})),
            query=dict(raw.get("query", {})),
            body=raw.get("body"),
            mutation=raw.get("mutation") if isinstance(raw.get("mutation"), str) else None,
            keyword=raw.get("keyword") if isinstance(raw.get("keyword"), str) else None,
            headers=dict(raw.get("headers", {})),
        )
        return case, raw["api"], raw["version"]


@dataclass(frozen=True)
class Failure:
    """What was wrong with one answer: a finding kind of the report vocabulary, graded."""

    kind: str
    severity: Severity
    message: str
    status: int | None = None
    path: str = "(request)"  # the field a response violation sits at, else the request


@dataclass(frozen=True)
class FoundBug:
    """A failing example, shrunk: the smallest request hypothesis found that still fails that way."""

    operation: str
    case: Case
    failure: Failure
    chain: tuple[Case, ...] = ()  # a stateful chain's earlier steps, in order


@dataclass
class OperationTally:
    """What one operation had exercised (mutable while the run goes; frozen into the report)."""

    operation: str
    method: str
    path: str
    documented: tuple[str, ...]
    requests: int = 0
    valid: int = 0
    invalid: int = 0
    statuses: set[int] = field(default_factory=set)
    keywords: set[str] = field(default_factory=set)
    gaps: list[str] = field(default_factory=list)

    def documented_seen(self) -> list[str]:
        return sorted(k for k in self.documented if any(status_matches(k, s) for s in self.statuses))


def status_matches(documented: str, status: int) -> bool:
    """Whether a documented response key (`200`, `4XX`, `default`) covers an HTTP status."""
    if documented == "default":
        return True
    if len(documented) == 3 and documented.upper().endswith("XX"):
        return documented[0] == str(status)[0]
    return documented == str(status)


def documented_key(responses: Mapping[str, Any], status: int) -> str | None:
    """The response key that documents `status`: exact first, then `4XX`, then `default`."""
    if str(status) in responses:
        return str(status)
    wildcard = f"{str(status)[0]}XX"
    for key in responses:
        if key.upper() == wildcard:
            return key
    return "default" if "default" in responses else None


@dataclass(frozen=True)
class FuzzOptions:
    """How hard and how long a fuzz run tries; `seed` makes it repeat exactly against the same server."""

    against: str | None = None
    base_url: str | None = None  # None: the simulator, started for the run
    max_examples: int = 25
    deadline_s: float | None = 300.0  # the whole run
    seed: int = 0
    operations: tuple[str, ...] = ()  # glob patterns of operation ids; empty: every operation
    # --path prefixes and --tag names (OpenAPI tags or the profile's families), as every command has them.
    selection: Selection = field(default_factory=Selection)
    stateful: bool = True
    timeout_s: float = 10.0
    request_budget: int | None = None
    # A base URL is only read, unless writes are allowed inside a sandbox (`PARAM=ID`, see fuzz/sandbox.py).
    allow_writes: bool = False
    sandbox: str | None = None
    ledger: Path = Path("apidrift-ledger.jsonl")


@dataclass
class FuzzResult:
    """Everything a run found and exercised."""

    api: str
    version: str
    base_url: str
    simulated: bool
    options: FuzzOptions
    tallies: dict[str, OperationTally]
    bugs: list[FoundBug] = field(default_factory=list)
    interrupted: str | None = None
    chains: int = 0
    notes: list[FoundBug] = field(default_factory=list)  # info-level failures: first example, unshrunk
    # A sandbox write run: what it deleted again, and what it could not (left in its ledger).
    cleaned: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(b.failure.severity in (Severity.BREAKING, Severity.WARNING) for b in self.bugs)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.interrupted or self.left else 0
