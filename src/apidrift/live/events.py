"""The vocabulary a sweep and a sandbox write plan share: options, what a call was for, the events.

Both `sweep` and the sandbox plans import this module and neither imports the other, so the live
package has no import cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Final

from apidrift.contracts.model import Operation
from apidrift.live.outcomes import Exchange, Outcome

DEFAULT_LEDGER: Final = Path("apidrift-ledger.jsonl")
# Every resource a sweep creates is named with this prefix and the run id, so it can be found again.
NAME_PREFIX: Final = "apidrift-sweep-"


class CallPurpose(StrEnum):
    READ = "read"
    SETUP = "setup"
    WRITE = "write"
    RESTORE = "restore"


class SkipReason(StrEnum):
    NO_ID_DISCOVERED = "no_id_discovered"
    LIST_FAILED = "list_failed"
    NO_ID_SOURCE = "no_id_source"
    MISSING_QUERY_VALUE = "missing_query_value"
    WRITES_DISABLED = "writes_disabled"
    NOT_EXERCISED = "not_exercised"
    NOT_DOCUMENTED = "not_documented"
    PREREQUISITE_FAILED = "prerequisite_failed"
    INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class OperationCall:
    """One call the sweep made, why, and what came back.

    `documented` is False only for an answer the contract does not document but cleanup accepts
    (a 404 to a delete: already gone); such an answer is no sample of the contract.
    """

    operation: str
    purpose: CallPurpose
    outcome: Outcome
    documented: bool = True

    @property
    def recordable(self) -> Exchange | None:
        """The exchange to record and validate, if this call produced one."""
        return self.outcome if isinstance(self.outcome, Exchange) and self.documented else None


@dataclass(frozen=True)
class SkippedOperation:
    """An operation the sweep did not call, and why (never an error)."""

    operation: str
    reason: SkipReason
    detail: str


SweepEvent = OperationCall | SkippedOperation
OnEvent = Callable[[SweepEvent], None]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SweepOptions:
    """What a sweep may do and how much it asks for (per-API query values come from the profile)."""

    allow_writes: bool = False
    sandbox_project: str | None = None
    ledger_path: Path = DEFAULT_LEDGER
    # The `limit` a list is asked for when the profile names none for its path.
    list_limit: int = 5
    max_pages: int = 1
    sandbox_search_pages: int = 10
    now: Callable[[], datetime] = utcnow


def documented_statuses(op: Operation) -> set[int] | None:
    """The statuses an operation documents (None: it documents none, so any 2xx is expected)."""
    statuses = {int(s) for s in op.responses if s.isdigit()}
    return statuses or None
