"""Entries of a report about the run itself rather than its findings: transport failures, skips,
cleanup, bad inputs and fuzz coverage (split from `model.py`, which holds the report and its findings)."""

from __future__ import annotations

from pydantic import Field, model_validator

from apidrift.report.tracking import _Entry, _Tracked


class TransportFindingEntry(_Tracked):
    """A live request that produced no usable response, and why."""

    kind: str = Field(
        description="http_429, http_5xx, timeout, connection, malformed_json, html_error_page, "
        "budget_exhausted, unexpected_status, unsafe_path, protocol_violation, too_large or "
        "server_unresponsive"
    )
    operation: str | None
    method: str
    path: str
    message: str
    attempts: int
    http_status: int | None = Field(default=None, description="the last HTTP status, when one came")

    @model_validator(mode="before")
    @classmethod
    def _http_status(cls, data: object) -> object:
        # Reports before history called the HTTP status `status`; that name now means new/persisting/...
        if isinstance(data, dict) and isinstance(data.get("status"), int):
            return {**{k: v for k, v in data.items() if k != "status"}, "http_status": data["status"]}
        return data


class SkippedEntry(_Entry):
    """An operation a live run did not call, and why (never an error)."""

    operation: str
    reason: str
    detail: str


class CleanupEntry(_Entry):
    """What a live run's cleanup undid and what it left behind."""

    compensated: int
    remaining: int
    details: list[str] = Field(default_factory=list)


class InputErrorEntry(_Entry):
    """A bad input (contract or recording file), named by file and JSON pointer."""

    kind: str
    file: str | None
    pointer: str
    message: str


class OperationCoverage(_Entry):
    """What a fuzz run exercised of one operation, and why it exercised no more (its gaps)."""

    operation: str
    method: str
    path: str
    requests: int
    valid: int = Field(description="requests the version documents as valid")
    invalid: int = Field(description="requests made invalid by one mutation")
    statuses: list[int] = Field(description="the HTTP statuses it answered")
    documented: list[str] = Field(description="the statuses the version documents for it")
    documented_seen: list[str] = Field(description="the documented statuses its answers exercised")
    keywords: list[str] = Field(description="the schema keywords its invalid requests broke")
    gaps: list[str] = Field(default_factory=list, description="why it was not (fully) exercised")


class FuzzCoverage(_Entry):
    """Fuzz runs: every operation of the version, what was sent and answered, and how the run was bounded."""

    seed: int
    max_examples: int
    simulated: bool = Field(description="whether the target was the simulator, started for the run")
    chains: int = Field(description="stateful chains (create, read, update, delete) run")
    keywords: list[str] = Field(description="every schema keyword an invalid request broke")
    operations: list[OperationCoverage]
