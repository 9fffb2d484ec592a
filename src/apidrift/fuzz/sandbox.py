"""Writes to a live API, only inside a sandbox: `--allow-writes --sandbox PARAM=ID` lets a run create
things below `.../{PARAM}/...` with PARAM fixed to ID (the creates of its chains, and their reads,
updates and deletes), and nothing else. Each created thing is ledgered (the signed ledger of
`live/ledger.py`) as soon as its create answers, and deleted by its chain or at the end of the run; one
write run per sandbox at a time (`live/exclusive.py`)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from apidrift.contracts.model import ContractVersion, Operation
from apidrift.errors import FuzzError
from apidrift.fuzz.chains import Chain, chains_of
from apidrift.live.exclusive import SandboxId, claim_sandbox
from apidrift.live.ledger import Ledger, LedgerEntry

KIND_PREFIX = "fuzz:"


def parse_sandbox(text: str) -> tuple[str, str]:
    """`PARAM=ID` as (param, id); FuzzError naming the form otherwise."""
    param, sep, value = text.partition("=")
    if not sep or not param.strip() or not value.strip():
        raise FuzzError(f"--sandbox wants PARAM=ID (the path parameter naming the sandbox), got {text!r}")
    return param.strip(), value.strip()


@dataclass
class Sandbox:
    """The sandbox of a write run: what it may write to, its ledger, and what it created and has not
    deleted yet (entry by created id)."""

    param: str
    value: str
    ledger: Ledger
    api: str
    base_url: str
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    chains: dict[str, Chain] = field(default_factory=dict)  # by create operation
    open: dict[str, tuple[LedgerEntry, Chain]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.param}={self.value}"

    def inside(self, op: Operation) -> bool:
        """Whether `op` works on things below the sandbox (never on the sandbox itself)."""
        return ("{" + self.param + "}/") in op.path

    def may_write(self, op: Operation) -> bool:
        """Writes a sandbox run makes: the creates of chains below the sandbox (their reads, updates
        and deletes act only on what those created, inside the chain)."""
        return op.id in self.chains

    def follows(self, op: Operation) -> bool:
        """Whether `op` reads, updates or deletes what a sandbox chain creates (sent only in that chain)."""
        return any(op in (*c.reads, *c.updates, *c.deletes) for c in self.chains.values())

    def created(self, chain: Chain, params: dict[str, str], resource_id: str) -> None:
        """Ledger a thing a create answered with, before anything else uses it; the entry names the
        delete that undoes it, so `apidrift cleanup` can take it back if the run is killed."""
        delete = chain.deletes[0]
        undo = {"operation": delete.id, "method": delete.method, "path": delete.path, "id_param": chain.param}
        entry = self.ledger.add(
            undo=undo,
            run_id=self.run_id,
            kind=KIND_PREFIX + chain.create.id,
            base_url=self.base_url,
            api=self.api,
            sandbox=self.name,
            params={k: v for k, v in params.items() if k != chain.param},
            resource_id=resource_id,
        )
        self.open[resource_id] = (entry, chain)

    def adopt_leftovers(self) -> int:
        """Take on what an earlier fuzz run on this sandbox left in the same ledger (killed before its
        cleanup): entries whose token verifies, of this API, base URL and sandbox, made by a create this
        run knows; they are deleted with this run's own. How many were taken on."""
        taken = 0
        for entry in self.ledger.entries() if self.ledger.path.exists() else []:
            chain = self.chains.get(entry.kind.value.removeprefix(KIND_PREFIX))
            ours = (entry.api, entry.base_url, entry.sandbox) == (self.api, self.base_url, self.name)
            if (
                entry.kind.value.startswith(KIND_PREFIX)
                and chain is not None
                and ours
                and entry.resource_id
                and self.ledger.verify(entry) is None
            ):
                self.open[entry.resource_id] = (entry, chain)
                taken += 1
        return taken

    def deleted(self, resource_id: str) -> None:
        found = self.open.pop(resource_id, None)
        if found is not None:
            self.ledger.remove(found[0])


def sandbox_chains(version: ContractVersion, param: str) -> dict[str, Chain]:
    """The chains whose create sits below `{param}/` and whose items can be deleted (a run must be able
    to take back what it made)."""
    return {
        c.create.id: c
        for c in chains_of(version)
        if ("{" + param + "}/") in c.create.path and c.deletes and c.param != param
    }


@contextmanager
def claimed(sandbox: Sandbox, ledger_path: Path) -> Iterator[Sandbox]:
    """Hold the sandbox for the run (one writer at a time; a pending ledger refuses the start)."""
    with claim_sandbox(
        SandboxId(sandbox.api, sandbox.base_url, sandbox.name), ledger=ledger_path, run_id=sandbox.run_id
    ):
        yield sandbox
