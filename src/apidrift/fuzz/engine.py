"""A fuzz run: every operation of a version, valid and invalid requests, then stateful chains, against
the simulator (served for the run) or a base URL; what failed, shrunk, and what was exercised."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractStore, ContractVersion, Operation
from apidrift.contracts.selection import Selection
from apidrift.diff.changes import Severity
from apidrift.errors import FuzzError, SimulatorError
from apidrift.fuzz.cases import Drawn, OperationCases
from apidrift.fuzz.chains import Chain, chains_of, created_id, run_chain
from apidrift.fuzz.explore import Clock, Skip, Step, search
from apidrift.fuzz.judge import NOT_IMPLEMENTED, judge
from apidrift.fuzz.model import Case, Failure, FoundBug, FuzzOptions, FuzzResult, OperationTally
from apidrift.fuzz.sandbox import Sandbox, claimed, parse_sandbox, sandbox_chains
from apidrift.fuzz.target import SIMULATOR_KEY, Target, served
from apidrift.live.client import Exchange, Outcome
from apidrift.live.ledger import Ledger
from apidrift.live.redaction import safe_base_url
from apidrift.profiles.model import ApiProfile, load_profile
from apidrift.simulator import create_app

# How many searches per operation and kind of request: each after the first looks for a new kind.
SEARCHES = 2
READ_ONLY_GAP = "not sent: a run against a base URL is read-only (GET requests only)"
OUTSIDE_GAP = "not sent: a sandbox run writes only by creating below the sandbox (and changing what it made)"
CHAIN_GAP = "not reached: no chain created anything for it to act on"


def selected(
    version: ContractVersion, patterns: tuple[str, ...], selection: Selection | None = None
) -> list[Operation]:
    """The operations to fuzz, in a stable order (reads first, deletes last); FuzzError when a pattern,
    or the --path/--tag selection, matches none."""
    ops = list(version.operations.values())
    if selection:
        ops = [op for op in ops if selection.matches(op)]
        if not ops:
            raise FuzzError(f"{selection.describe()} selects no operation of {version.version}")
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

    def __init__(
        self,
        target: Target,
        version: ContractVersion,
        options: FuzzOptions,
        clock: Clock,
        sandbox: Sandbox | None = None,
    ) -> None:
        self.target = target
        self.sandbox = sandbox
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
        if self.sandbox is not None and isinstance(outcome, Exchange) and outcome.ok:
            self._ledgered(op, case, outcome.body)
        return outcome

    def _ledgered(self, op: Operation, case: Case, body: Any) -> None:
        """In a sandbox: ledger what a create made; take off the ledger what a delete removed."""
        assert self.sandbox is not None
        chain = self.sandbox.chains.get(op.id)
        if chain is not None and (made := created_id(body, chain.param)) is not None:
            self.sandbox.created(chain, dict(case.path_params), made)
        if op.method == "DELETE":
            for made, (_, chain) in list(self.sandbox.open.items()):
                if op in chain.deletes and case.path_params.get(chain.param) == made:
                    self.sandbox.deleted(made)

    def ids(self, op: Operation, known: dict[str, str] | None = None) -> dict[str, str] | str:
        """Ids for `op`'s path: `known` ones, the sandbox's own, then things that exist."""
        fixed = dict(known or {})
        if self.sandbox is not None and any(p.name == self.sandbox.param for p in op.path_params):
            fixed[self.sandbox.param] = self.sandbox.value
        return self.target.ids(op, fixed) if op.path_params else {}

    def clean_up(self) -> tuple[list[str], list[str]]:
        """Delete what the run made and its chains did not (each by its chain's delete); what will not go
        stays in the ledger for `apidrift cleanup`."""
        if self.sandbox is None:
            return [], []
        cleaned, left = [], []
        for made, (entry, chain) in list(self.sandbox.open.items()):
            delete = chain.deletes[0]
            case = Case(delete.id, "DELETE", delete.path, {**entry.params, chain.param: made})
            outcome = self.target.send(case)
            if outcome.status is not None and (200 <= outcome.status < 300 or outcome.status in (404, 410)):
                self.sandbox.deleted(made)
                cleaned.append(f"deleted {chain.create.id} {made}")
            else:
                left.append(f"{chain.create.id} {made}: {delete.id} answered {outcome.status}")
        return cleaned, left

    def attempt(self, op: Operation, drawn: Drawn) -> Step:
        """One drawn request of `op`, with ids of things that exist in its path, sent and judged."""
        cached = self._read_ids.get(op.id) if op.method == "GET" else None
        ids = cached if cached is not None else self.ids(op)
        if isinstance(ids, str):
            raise Skip(ids)
        if op.method == "GET":  # reads change nothing: their ids hold for the whole search
            self._read_ids[op.id] = ids
        # A path parameter the mutation breaks replaces the id found (never the sandbox's: see `operation`).
        params = {**ids, **drawn.path}
        case = Case(
            op.id,
            op.method,
            op.path,
            params,
            drawn.query,
            drawn.body,
            drawn.mutation,
            drawn.keyword,
            drawn.headers,
        )
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
        if self.sandbox is not None and op.method != "GET" and not self.sandbox.may_write(op):
            if not self.sandbox.follows(op):
                self._gap(op, OUTSIDE_GAP)
            return  # an update or delete of what a chain made: its chain sends it
        self.target.reset()
        if op.path_params:
            first = self.ids(op)
            if isinstance(first, str):
                self._gap(op, f"no id for its path: {first}")
                return
        cases = OperationCases(self.version, op, fixed=(self.sandbox.param,) if self.sandbox else ())
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
        if self.sandbox is not None and chain.create.id not in self.sandbox.chains:
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
        if app is None:
            try:
                app = create_app(version, store=store, profile=profile, seed=options.seed)
            except SimulatorError as exc:
                yield f"the simulator cannot serve {version.version}: {exc.message}"
                return
        with served(app) as base_url:
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
        return
    if not api_key:
        raise FuzzError("a run against --base-url needs the API key (the profile's key variable)")
    target = Target(
        api_key=api_key,
        base_url=options.base_url,
        profile=profile,
        version=version,
        read_only=not options.allow_writes,
        simulated=False,
        timeout_s=options.timeout_s,
        request_budget=options.request_budget,
    )
    try:
        yield target
    finally:
        target.close()


def _sandbox(options: FuzzOptions, version: ContractVersion, profile: ApiProfile) -> Sandbox | None:
    """The sandbox a write run against a base URL is held to (None: no writes, or the simulator)."""
    if options.sandbox is not None and not options.allow_writes:
        raise FuzzError("--sandbox names where writes may go: give --allow-writes too")
    if not options.allow_writes:
        return None
    if options.base_url is None:
        raise FuzzError("--allow-writes is for --base-url: the simulator is written to anyway")
    if options.sandbox is None:
        raise FuzzError("--allow-writes needs --sandbox PARAM=ID: the path parameter writes stay below")
    param, value = parse_sandbox(options.sandbox)
    if not any(("{" + param + "}") in op.path for op in version.operations.values()):
        raise FuzzError(f"--sandbox {param}=...: no path of {version.version} has a {{{param}}} parameter")
    sandbox = Sandbox(param, value, Ledger(options.ledger), profile.name, safe_base_url(options.base_url))
    sandbox.chains = sandbox_chains(version, param)
    return sandbox


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
    `options.base_url` with `api_key`: read-only, or writing only inside `options.sandbox`."""
    profile = profile or load_profile(store.api, contracts_root=store.root)
    version = store.load(options.against or store.newest())
    ops = selected(version, options.operations, options.selection)
    sandbox = _sandbox(options, version, profile)
    with target_of(store, version, profile, options, api_key, app) as target:
        if isinstance(target, str):
            tallies = {
                op.id: OperationTally(op.id, op.method, op.path, tuple(sorted(op.responses))) for op in ops
            }
            for tally in tallies.values():
                tally.gaps.append(target)
            return FuzzResult(profile.name, version.version, "", True, options, tallies)
        if sandbox is None:
            return fuzz_target(target, options, ops)
        with claimed(sandbox, options.ledger):
            sandbox.adopt_leftovers()
            return fuzz_target(target, options, ops, sandbox)


def fuzz_target(
    target: Target, options: FuzzOptions, ops: list[Operation], sandbox: Sandbox | None = None
) -> FuzzResult:
    """Fuzz `ops` of the target's version on a target already open (the pytest helper keeps one)."""
    version = target.version
    fuzzer = Fuzzer(target, version, options, Clock(options.deadline_s), sandbox)
    cleaned: list[str] = []
    left: list[str] = []
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
    finally:  # what a sandbox run made goes, however the run ended
        cleaned, left = fuzzer.clean_up()
    for op in ops:
        tally = fuzzer.tally(op)
        if not tally.requests and not tally.gaps:
            tally.gaps.append(CHAIN_GAP)
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
        cleaned,
        left,
    )
