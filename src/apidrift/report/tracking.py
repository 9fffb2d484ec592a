"""What a finding carries to be followed night after night (its status, first night, acceptance), and
the history block of a report judged against a history or baseline (`apidrift.history` fills them)."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from apidrift.diff.changes import Severity


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FindingStatus(StrEnum):
    """A finding relative to the previous comparable run of a history (or to a baseline)."""

    NEW = "new"
    PERSISTING = "persisting"
    RESOLVED = "resolved"
    ACCEPTED = "accepted"


class Acceptance(_Entry):
    """The baseline entry that accepts (or, expired, no longer accepts) a finding."""

    entry: str = Field(description="the baseline entry: its id or its patterns, as written")
    reason: str
    owner: str
    expires: str | None = None
    expired: bool = False


class _Tracked(_Entry):
    """What every kind of finding carries to be followed night after night."""

    id: str = Field(default="", description="stable identity: API, kind, operation, version, location, path")
    status: FindingStatus | None = Field(default=None, description="set when judged against a history")
    first_seen: str | None = Field(default=None, description="the night this finding was first recorded")
    accepted: Acceptance | None = None


class RunRef(_Entry):
    """A recorded run of a history: its number, its night and what it exited with."""

    run: int
    night: str
    exit_code: int


class PastFinding(_Entry):
    """A finding of an earlier run that tonight's run does not have (resolved or unobserved)."""

    id: str
    kind: str
    severity: Severity
    operation: str | None
    path: str
    first_seen: str
    last_seen: str


class FlapEntry(_Entry):
    """A finding that went away and came back: how often, in this series of runs."""

    id: str
    kind: str
    operation: str | None
    path: str
    flaps: int


class TrendPoint(_Entry):
    """One night of the series: its findings by severity and by operation."""

    night: str
    run: int
    breaking: int
    warning: int
    info: int
    new: int
    resolved: int
    by_operation: dict[str, int] = Field(default_factory=dict)


class BaselineIssue(_Entry):
    """A baseline entry that needs a look: expired, or matching nothing."""

    entry: str
    problem: Literal["expired", "unused"]
    detail: str


class HistoryBlock(_Entry):
    """This run against its history and baseline: what changed since the previous comparable run."""

    store: str | None = Field(default=None, description="the history database, when one was used")
    series: str = Field(description="api / family / target version: which runs compare")
    night: str
    run: int | None = None
    previous: RunRef | None = None
    fail_on: str | None = Field(default=None, description="new, or the severity that fails the run")
    new: int = 0
    persisting: int = 0
    accepted: int = 0
    resolved: list[PastFinding] = Field(default_factory=list)
    unobserved: list[PastFinding] = Field(
        default_factory=list, description="findings of operations a transport failure kept from being seen"
    )
    flapping: list[FlapEntry] = Field(default_factory=list)
    trend: list[TrendPoint] = Field(default_factory=list, description="the last nights of the series")
    baseline: str | None = None
    baseline_issues: list[BaselineIssue] = Field(default_factory=list)
