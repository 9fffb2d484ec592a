"""A fuzz run: every operation of a version, valid and invalid requests, then stateful chains, against
the simulator (served for the run) or a base URL; what failed, shrunk, and what was exercised."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractStore, ContractVersion, Operation
from apidrift.diff.changes import Severity
from apidrift.errors import FuzzError, SimulatorError
from apidrift.fuzz.cases import Drawn, OperationCases
from apidrift.fuzz.chains import Chain, chains_of, run_chain
from apidrift.fuzz.explore import Clock, Skip, Step, search
from apidrift.fuzz.judge import NOT_IMPLEMENTED, judge
from apidrift.fuzz.model import Case, Failure, FoundBug, FuzzOptions, FuzzResult, OperationTally
from apidrift.fuzz.target import SIMULATOR_KEY, Target, served, simulated
from apidrift.live.client import Outcome
from apidrift.profiles.model import ApiProfile, load_profile

# How many searches per operation and kind of request: each after the first looks for a new kind.
SEARCHES = 2
READ_ONLY_GAP = "not sent: a run against a base URL is read-only (GET requests only)"


def selected(version: ContractVersion, patterns: tuple[str, ...]) -> list[Operation]:
    """The operations to fuzz, in a stable order (reads first, deletes last); FuzzError when a pattern
    matches none."""
    ops = list(version.operations.values())
    for pattern in patterns:
        if not any(fnmatch.fnmatchcase(op.id, pattern) for op in ops):
            known = ", ".join(sorted(op.id for op in ops)[:20])
            raise FuzzError(
                f"--operation {pattern!r} matches no operation of {version.version} ({known}, ...)"
            )
    if patterns:
        ops = [op for op in ops if any(fnmatch.fnmatchcase(op.id, p) for p in patterns)]
    order = {"GET": 0, "DELETE": 2}
    return sorted(ops, key=lambda o: (order.get(o.method, 1), o.path, o.method, o.id))


class Fuzzer:
    """One run against one target: tallies per operation and the bugs found."""

    def __init__(self, target: Target, version: ContractVersion, options: FuzzOptions, clock: Clock) -> None:
        self.target = target
        self.version = version
        self.options = options
        self.clock = clock
        self.validator = ResponseValidator(version)
        self.tallies: dict[str, OperationTally] = {}
        self.bugs: list[FoundBug] = []
        self.notes: dict[tuple[str, str], FoundBug] = {}
        self.chains = 0
        self.last_status: int | None = None
        self._read_ids: dict[str, dict[str, str]] = {}

    def tally(self, op: Operation) -> OperationTally:
        if op.id not in self.tallies:
            self.tallies[op.id] = OperationTally(op.id, op.method, op.path, tuple(sorted(op.responses)))
        return self.tallies[op.id]

    def send(self, op: Operation, case: Case) -> Outcome:
        """Send one case and count what it exercised."""
        outcome = self.target.send(case)
        tally = self.tally(op)
        tally.requests += 1
        if case.valid:
            tally.valid += 1
        else:
            tally.invalid += 1
            tally.keywords.add(case.keyword or "")
        if outcome.status is not None:
            tally.statuses.add(outcome.status)
        self.last_status = outcome.status
        return outcome

    def attempt(self, op: Operation, drawn: Drawn) -> Step:
        """One drawn request of `op`, with ids of things that exist in its path, sent and judged."""
        cached = self._read_ids.get(op.id) if op.method == "GET" else None
        ids = cached if cached is not None else self.target.ids(op) if op.path_params else {}
        if isinstance(ids, str):
            raise Skip(ids)
        if op.method == "GET":  # reads change nothing: their ids hold for the whole search
            self._read_ids[op.id] = ids
        case = Case(op.id, op.method, op.path, ids, drawn.query, drawn.body, drawn.mutation, drawn.keyword)
        outcome = self.send(op, case)
        if outcome.status == NOT_IMPLEMENTED:
            self._gap(op, f"the server answered {NOT_IMPLEMENTED} (not implemented)")
            return Step(case, None)
        return Step(case, self.graded(op, case, judge(op, case, outcome, self.validator)))

    def graded(self, op: Operation, case: Case, failure: Failure | None) -> Failure | None:
        """Info-level failures are noted (the first example of each kind), never searched for or shrunk."""
        if failure is None or failure.severity is not Severity.INFO:
            return failure
        self.notes.setdefault((op.id, failure.kind), FoundBug(op.id, case, failure))
        return None

    def _gap(self, op: Operation, reason: str) -> None:
        gaps = self.tally(op).gaps
        if reason not in gaps:
            gaps.append(reason)

    def operation(self, op: Operation, index: int) -> None:
        tally = self.tally(op)
        if self.clock.expired:
            self._gap(op, "not reached: the run's deadline passed")
            return
        if self.target.client.read_only and op.method != "GET":
            self._gap(op, READ_ONLY_GAP)
            return
        self.target.reset()
        if op.path_params:
            first = self.target.ids(op)
            if isinstance(first, str):
                self._gap(op, f"no id for its path: {first}")
                return
        cases = OperationCases(self.version, op)
        kinds = [("valid", cases.valid())]
        if cases.mutations_possible():
            kinds.append(("invalid", cases.invalid()))
        for n, (_, strategy) in enumerate(kinds):
            known: set[str] = set()
            for attempt in range(SEARCHES):
                step = search(
                    strategy,
                    lambda drawn: self.attempt(op, drawn),
                    max_examples=self.options.max_examples,
                    seed_value=self.options.seed + 1000 * index + 10 * n + attempt,
                    clock=self.clock,
                    known=known,
                )
                if step is None or step.failure is None:
                    break
                known.add(step.failure.kind)
                self.bugs.append(FoundBug(op.id, step.case, step.failure))
        if tally.requests == 0 and not tally.gaps:
            self._gap(op, "no request could be made (every example was skipped)")

    def chain(self, chain: Chain, index: int) -> None:
        if self.clock.expired or self.target.client.read_only:
            return
        self.target.reset()
        self.chains += 1
        step = search(
            chain.strategy(self.version),
            lambda drawn: run_chain(self, chain, drawn),
            max_examples=max(1, min(self.options.max_examples, 10)),
            seed_value=self.options.seed + 7 + 1000 * index,
            clock=self.clock,
        )
        if step is not None and step.failure is not None:
            self.bugs.append(FoundBug(step.case.operation, step.case, step.failure, step.before))


@contextmanager
def target_of(
    store: ContractStore,
    version: ContractVersion,
    profile: ApiProfile,
    options: FuzzOptions,
    api_key: str | None,
    app: Any = None,
) -> Iterator[Target | str]:
    """The target of the run (`app` served in this process, else the simulator, else the base URL),
    or why the simulator could not serve the version."""
    if options.base_url is None:
        try:
            serving = served(app) if app is not None else simulated(version, store, profile, options.seed)
            with serving as base_url:
                target = Target(
                    api_key=SIMULATOR_KEY,
                    base_url=base_url,
                    profile=profile,
                    version=version,
                    read_only=False,
                    simulated=True,
                    timeout_s=options.timeout_s,
                    request_budget=options.request_budget,
                )
                try:
                    yield target
                finally:
                    target.close()
        except SimulatorError as exc:
            yield f"the simulator cannot serve {version.version}: {exc.message}"
        return
    if not api_key:
        raise FuzzError("a run against --base-url needs the API key (the profile's key variable)")
    target = Target(
        api_key=api_key,
        base_url=options.base_url,
        profile=profile,
        version=version,
        read_only=True,
        simulated=False,
        timeout_s=options.timeout_s,
        request_budget=options.request_budget,
    )
    try:
        yield target
    finally:
        target.close()


def run_fuzz(
    store: ContractStore,
    options: FuzzOptions,
    *,
    profile: ApiProfile | None = None,
    api_key: str | None = None,
    app: Any = None,
) -> FuzzResult:
    """Fuzz every (selected) operation of `options.against` (default: the newest version) against the
    simulator, or an ASGI `app` served in this process (writes allowed: it is the caller's own), or
    read-only against `options.base_url` with `api_key`."""
    profile = profile or load_profile(store.api, contracts_root=store.root)
    version = store.load(options.against or store.newest())
    ops = selected(version, options.operations)
    with target_of(store, version, profile, options, api_key, app) as target:
        if isinstance(target, str):
            tallies = {
                op.id: OperationTally(op.id, op.method, op.path, tuple(sorted(op.responses))) for op in ops
            }
            for tally in tallies.values():
                tally.gaps.append(target)
            return FuzzResult(profile.name, version.version, "", True, options, tallies)
        return fuzz_target(target, options, ops)


def fuzz_target(target: Target, options: FuzzOptions, ops: list[Operation]) -> FuzzResult:
    """Fuzz `ops` of the target's version on a target already open (the pytest helper keeps one)."""
    version = target.version
    fuzzer = Fuzzer(target, version, options, Clock(options.deadline_s))
    try:
        for index, op in enumerate(ops):
            fuzzer.operation(op, index)
        if options.stateful:
            wanted = {op.id for op in ops}
            for index, chain in enumerate(chains_of(version)):
                if chain.create.id in wanted:
                    fuzzer.chain(chain, index)
        interrupted = None
    except KeyboardInterrupt:
        interrupted = "interrupted"
    for op in ops:
        fuzzer.tally(op)
    return FuzzResult(
        target.profile.name,
        version.version,
        target.base_url,
        target.simulated,
        options,
        {op.id: fuzzer.tallies[op.id] for op in ops},
        fuzzer.bugs,
        interrupted,
        fuzzer.chains,
        [fuzzer.notes[k] for k in sorted(fuzzer.notes)],
    )
