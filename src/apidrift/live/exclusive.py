"""One writer per sandbox: a write run holds a flock keyed by API, base URL and sandbox for as long
as it runs, and notes its ledger beside the lock, so the next run refuses to start while that ledger
still holds entries (it would read the killed run's changes as originals).

The lock is local (the user's state folder): an API without a conditional create cannot give a
lock that two machines could not both take; see docs/security.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from apidrift.errors import ApidriftError, SweepConfigError
from apidrift.files import atomic_write, read_private, state_dir, try_lock_file
from apidrift.live.cleanup import CleanupReport, cleanup
from apidrift.live.client import LiveClient
from apidrift.live.ledger import Ledger, LedgerEntry, UndoPlan
from apidrift.profiles.model import ApiProfile


@dataclass(frozen=True)
class SandboxId:
    """A sandbox as the lock knows it: the profile's API, the base URL written to, the sandbox name."""

    api: str
    base_url: str
    sandbox: str

    @property
    def key(self) -> str:
        text = "\0".join((self.api, self.base_url.rstrip("/"), self.sandbox))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def describe(self) -> str:
        return f"sandbox {self.sandbox!r} of {self.api} at {self.base_url}"


def _folder() -> Path:
    folder = state_dir() / "sandboxes"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _record(sandbox: SandboxId) -> dict[str, Any]:
    raw = read_private(_folder() / f"{sandbox.key}.json")
    try:
        record = json.loads(raw) if raw else {}
    except ValueError:
        record = {}
    return record if isinstance(record, dict) else {}


def _still_open(ledger: Path, base_url: str) -> bool:
    """Whether a ledger still holds entries for this base URL (one that cannot be read counts as open)."""
    try:
        return any(e.base_url == base_url for e in Ledger(ledger).entries())
    except ApidriftError:
        return ledger.exists() or ledger.is_symlink()


@contextlib.contextmanager
def claim_sandbox(sandbox: SandboxId, *, ledger: Path, run_id: str) -> Iterator[None]:
    """Hold the sandbox for one write run; SweepConfigError, naming the other run's ledger and how to
    clean it up, when another run holds it or left a ledger that still holds entries."""
    folder = _folder()
    descriptor = try_lock_file(folder / f"{sandbox.key}.lock")
    previous = _record(sandbox)
    other = Path(str(previous.get("ledger"))) if previous.get("ledger") else None
    if descriptor is None:
        named = f" (run {previous.get('run_id')}, pid {previous.get('pid')}, ledger {other})" if other else ""
        raise SweepConfigError(f"another write run holds the {sandbox.describe()}{named}: wait for it to end")
    try:
        mine = ledger.absolute()
        if other is not None and other != mine and _still_open(other, sandbox.base_url):
            raise SweepConfigError(
                f"the ledger {other} of run {previous.get('run_id')} on the {sandbox.describe()} still "
                f"holds entries: run `apidrift cleanup --ledger {other}` first",
                file=other,
            )
        note = {
            "api": sandbox.api,
            "base_url": sandbox.base_url,
            "sandbox": sandbox.sandbox,
            "ledger": str(mine),
            "run_id": run_id,
            "pid": os.getpid(),
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        atomic_write(folder / f"{sandbox.key}.json", json.dumps(note, indent=2) + "\n", private=True)
        yield
    finally:
        os.close(descriptor)  # closing (or dying) releases the lock


@contextlib.contextmanager
def sandbox_free(sandbox: SandboxId) -> Iterator[bool]:
    """For cleanup: hold the sandbox while it works there; yields False when a write run holds it."""
    descriptor = try_lock_file(_folder() / f"{sandbox.key}.lock")
    try:
        yield descriptor is not None
    finally:
        if descriptor is not None:
            os.close(descriptor)


def clean_up(
    ledger: Path,
    profile: ApiProfile,
    base_url: str,
    api_key: str,
    plan: UndoPlan | None,
    *,
    dry_run: bool = False,
) -> CleanupReport:
    """`apidrift cleanup`: undo (or, dry, plan) what the ledger's verified entries name, each while no
    write run holds its sandbox."""
    client = LiveClient(api_key, base_url=base_url, read_only=dry_run, profile=profile)

    def guard(entry: LedgerEntry) -> contextlib.AbstractContextManager[bool]:
        if entry.sandbox is None:
            return contextlib.nullcontext(True)
        return sandbox_free(SandboxId(entry.api or profile.name, entry.base_url, entry.sandbox))

    async def go() -> CleanupReport:
        try:
            return await cleanup(ledger, client, plan, dry_run=dry_run, guard=guard)
        finally:
            await client.aclose()

    return asyncio.run(go())
