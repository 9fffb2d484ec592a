"""`apidrift fuzz` in a user's own test file: one test per operation of a version, each fuzzing that
operation (valid and invalid requests, shrunk failing examples) against the simulator, an ASGI app
served on 127.0.0.1 for the session, or a base URL (read-only).

    schema = fuzz_schema(api="petstore", contracts="contracts")

    @schema.parametrize()
    def test_api(operation: FuzzOperation) -> None:
        operation.check()  # fails naming each shrunk example, its answer and how to replay it
"""

from __future__ import annotations

import atexit
import json
import os
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import pytest

from apidrift.contracts.model import ContractStore, ContractVersion, Operation
from apidrift.diff.changes import Severity
from apidrift.fuzz.engine import fuzz_target, selected, target_of
from apidrift.fuzz.model import FoundBug, FuzzOptions, FuzzResult
from apidrift.fuzz.target import Target
from apidrift.profiles.model import ApiProfile, load_profile

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class FuzzOperation:
    """One operation of the version under test, fuzzed when asked."""

    schema: FuzzSchema
    operation: Operation

    @property
    def id(self) -> str:
        return self.operation.id

    def run(self) -> FuzzResult:
        """Fuzz this operation (and the chains it creates) now; what failed and what it exercised."""
        return self.schema.run(self.operation)

    def check(self, fail_on: Severity = Severity.WARNING) -> FuzzResult:
        """Fuzz, and fail the test with every failing example at `fail_on` or worse, each shrunk."""
        result = self.run()
        failing = [b for b in result.bugs if b.failure.severity.rank >= fail_on.rank]
        if failing:
            pytest.fail("\n\n".join(self.schema.describe(bug, result) for bug in failing), pytrace=False)
        return result


class FuzzSchema:
    """A version's operations to fuzz, and the target they are fuzzed against (opened on first use,
    kept for the session, closed at exit)."""

    def __init__(
        self,
        version: ContractVersion,
        store: ContractStore,
        profile: ApiProfile,
        options: FuzzOptions,
        *,
        app: Any = None,
        api_key: str | None = None,
        cases_dir: Path | None = None,
    ) -> None:
        self.version = version
        self.store = store
        self.profile = profile
        self.options = options
        self.app = app
        self.api_key = api_key
        self.cases_dir = cases_dir
        self._stack: ExitStack | None = None
        self._target: Target | None = None

    def operations(self) -> list[FuzzOperation]:
        ops = sorted(self.version.operations.values(), key=lambda o: o.id)
        patterns = self.options.operations
        chosen = {op.id for op in selected(self.version, patterns)} if patterns else {op.id for op in ops}
        return [FuzzOperation(self, op) for op in ops if op.id in chosen]

    def parametrize(self) -> Callable[[F], F]:
        """A decorator: the test runs once per operation, given it as `operation`."""
        operations = self.operations()
        mark = pytest.mark.parametrize("operation", operations, ids=[o.id for o in operations])
        return mark

    def target(self) -> Target:
        if self._target is None:
            stack = ExitStack()
            opened = stack.enter_context(
                target_of(self.store, self.version, self.profile, self.options, self.api_key, self.app)
            )
            if isinstance(opened, str):
                stack.close()
                pytest.skip(opened)
            self._stack, self._target = stack, opened
            atexit.register(self.close)
        return self._target

    def close(self) -> None:
        if self._stack is not None:
            self._stack.close()
            self._stack, self._target = None, None

    def run(self, op: Operation) -> FuzzResult:
        options = replace(self.options, operations=(op.id,))
        return fuzz_target(self.target(), options, [op])

    def describe(self, bug: FoundBug, result: FuzzResult) -> str:
        """A failing example as a person reads it: what was sent, what was wrong, how to replay it."""
        lines = [f"{bug.failure.severity.value} {bug.failure.kind} in {bug.operation}: {bug.failure.message}"]
        lines += [f"  before: {case.describe()}" for case in bug.chain]
        lines.append(f"  request (shrunk): {bug.case.describe()}")
        document = bug.case.to_json(api=result.api, version=result.version)
        if bug.chain:
            document["before"] = [c.to_json(api=result.api, version=result.version) for c in bug.chain]
        text = json.dumps(document, indent=2, sort_keys=True)
        if self.cases_dir is not None:
            self.cases_dir.mkdir(parents=True, exist_ok=True)
            request = "chain" if bug.chain else "valid" if bug.case.valid else "invalid"
            path = self.cases_dir / f"{bug.operation}.{bug.failure.kind}.{request}.json"
            path.write_text(text + "\n", encoding="utf-8")
            lines.append(f"  replay: apidrift fuzz --api {result.api} --replay {path}")
        else:
            lines.append("  replay: save this as case.json, then `apidrift fuzz --replay case.json`:")
            lines += [f"    {line}" for line in text.splitlines()]
        return "\n".join(lines)


def fuzz_schema(
    *,
    api: str | None = None,
    contracts: str | Path | None = None,
    version: str | None = None,
    base_url: str | None = None,
    app: Any = None,
    max_examples: int = 25,
    seed: int = 0,
    operations: tuple[str, ...] = (),
    stateful: bool = True,
    deadline_s: float | None = 300.0,
    cases_dir: str | Path | None = None,
) -> FuzzSchema:
    """The operations of `version` (default: the newest) of an API (a name below `contracts`, or a
    profile.toml), to fuzz against `app` (an ASGI app served on 127.0.0.1), else `base_url` (read-only;
    the key from the profile's variable), else the simulator."""
    root = Path(contracts) if contracts is not None else None
    profile = load_profile(api, contracts_root=root) if api else load_profile(contracts_root=root)
    store = ContractStore(root, profile.name)
    loaded = store.load(version or store.newest())
    options = FuzzOptions(
        against=loaded.version,
        base_url=None if app is not None else base_url,
        max_examples=max_examples,
        seed=seed,
        operations=operations,
        stateful=stateful,
        deadline_s=deadline_s,
    )
    key = os.environ.get(profile.key_env or "", "") if base_url and app is None else None
    return FuzzSchema(
        loaded,
        store,
        profile,
        options,
        app=app,
        api_key=key,
        cases_dir=Path(cases_dir) if cases_dir is not None else None,
    )
