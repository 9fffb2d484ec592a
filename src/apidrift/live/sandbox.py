"""What a profile's sandbox write plan is to the generic sweep: a Protocol, and how one is found.

A plan (`extensions.sandbox` of a profile) is built with the sweep as its host, runs its writes
through the host (so every call is an event of the sweep), ledgers each resource before using it,
and tells cleanup how each kind of entry it ledgers is undone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, cast

from apidrift.contracts.model import ContractVersion
from apidrift.errors import ProfileError
from apidrift.live.client import LiveClient, Outcome
from apidrift.live.events import CallPurpose, SweepEvent, SweepOptions
from apidrift.live.ledger import UndoPlan
from apidrift.profiles.model import ApiProfile


class SandboxHost(Protocol):
    """What a plan may use of the sweep running it."""

    @property
    def run_id(self) -> str: ...

    @property
    def client(self) -> LiveClient: ...

    @property
    def version(self) -> ContractVersion: ...

    @property
    def options(self) -> SweepOptions: ...

    def emit(self, event: SweepEvent) -> None: ...

    async def call(
        self,
        op_id: str,
        purpose: CallPurpose,
        params: Mapping[str, str],
        body: Any = None,
        *,
        idempotent: bool = True,
        query: Mapping[str, str | int] | None = None,
    ) -> Outcome: ...

    def documents(self, *op_ids: str) -> bool: ...


class SandboxRun(Protocol):
    async def run(self) -> None: ...


class SandboxPlan(UndoPlan, Protocol):
    """A profile's write plan: built with the sweep as host; also how its ledger entries are undone."""

    def __call__(self, host: SandboxHost) -> SandboxRun: ...


def sandbox_plan(profile: ApiProfile) -> SandboxPlan:
    """The profile's sandbox plan; ProfileError when it has none or names something else."""
    plan = profile.extension("sandbox")
    if not callable(plan) or not callable(getattr(plan, "undo_step", None)):
        reference = profile.extensions.sandbox
        message = f"extensions.sandbox = {reference!r} is no sandbox plan (a class with undo_step)"
        raise ProfileError(message, file=profile.source if profile.source.endswith(".toml") else None)
    return cast(SandboxPlan, plan)
