"""What the plugin's fixtures hand a test: the responses of an operation (recorded, or from a live
sweep) and the checker that names how one breaks its version (renames through the fingerprint).

Like the plugin, importing this module loads nothing but pytest and the standard library."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from apidrift.check.recordings import RecordingSet
    from apidrift.check.validation import ResponseValidator
    from apidrift.live.sweep import SweepResult


@dataclass(frozen=True)
class Observed:
    """One response to check, or a `finding` saying why a call produced none (a failure too)."""

    source: str
    status: int
    body: Any
    finding: str | None = None


Responses = Callable[[str], list[Observed]]


def recorded_responses(recordings: RecordingSet) -> Responses:
    by_operation: dict[str, list[Observed]] = {}
    for item in recordings.recordings:
        rec = item.recording
        source = f"{recordings.folder.name}/{item.file}"
        by_operation.setdefault(rec.operation, []).append(Observed(source, rec.status, rec.body))

    def responses(operation_id: str) -> list[Observed]:
        if operation_id not in by_operation:
            pytest.skip(f"no recording of {operation_id} in {recordings.folder}")
        return by_operation[operation_id]

    return responses


def live_responses(result: SweepResult) -> Responses:
    from apidrift.live.client import Exchange
    from apidrift.live.sweep import OperationCall

    def responses(operation_id: str) -> list[Observed]:
        events = [e for e in result.events if e.operation == operation_id]
        calls = [e.outcome for e in events if isinstance(e, OperationCall) and e.documented]
        if not calls:
            reasons = "; ".join(getattr(e, "detail", "") for e in events) or "never reached"
            pytest.skip(f"{operation_id} was not called live: {reasons}")
        return [
            Observed(f"{o.method} {o.path} (live)", o.status, o.body)
            if isinstance(o, Exchange)
            else Observed(f"{o.method} {o.path} (live)", o.status or 0, None, f"{o.kind}: {o.message}")
            for o in calls
        ]

    return responses


class Checker:
    """Validates responses against one version; a failure says how, naming renames (fingerprint)."""

    def __init__(self, validator: ResponseValidator, others: list[ResponseValidator]) -> None:
        self.validator, self.others = validator, others

    def problems(self, operation_id: str, response: Observed) -> list[str]:
        """Nothing when the response is valid; else lines naming every difference."""
        from apidrift.check.fingerprint import fingerprint
        from apidrift.errors import UnknownOperationError

        if response.finding is not None:
            return [f"{response.source}: {response.finding}"]
        try:
            result = self.validator.validate(operation_id, response.status, response.body)
        except UnknownOperationError as exc:
            return [f"{response.source}: {exc.message}"]
        if result.valid:
            return []
        print_ = fingerprint([self.validator, *self.others], operation_id, response.status, response.body)
        mine = print_.scores[0]
        head = f"{response.source}: {operation_id} {response.status} breaks {mine.version}:"
        fits = print_.summary().split("; ", 1)[0]  # "matches V", "closest to V", "fits no version"
        fits = f"is {fits}" if fits.startswith("closest") else fits
        return [head, *(f"  {d}" for d in mine.differences()), f"  the response {fits}"]
