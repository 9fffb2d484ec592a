"""Checking one recording: read, parse, validate against its target version and fingerprint it
against every version; and what a report says of a checked response apart from its file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from apidrift.check.fingerprint import Fingerprint, fingerprint
from apidrift.check.recordings import LoadedRecording, read_recording
from apidrift.check.tally import ExactKind, exact_kind
from apidrift.check.validation import ResponseValidator, ValidationResult
from apidrift.contracts.model import ContractStore
from apidrift.errors import (
    ApidriftError,
    InternalFault,
    RecordingError,
    UnknownOperationError,
    UnknownVersionError,
    WalkBudgetError,
)


@dataclass(frozen=True, slots=True)
class CheckedResponse:
    """One recording checked against its target version and fingerprinted against every version."""

    file: str
    operation: str
    method: str
    path: str
    status: int
    recorded_version: str | None
    against: str
    result: ValidationResult
    fingerprint: Fingerprint
    # How many more responses of the same kind (`response_kind`) this one stands for, not kept.
    also: int = 0

    @property
    def ok(self) -> bool:
        return self.result.valid


def sample_group(checked: CheckedResponse) -> tuple[object, ...]:
    """The group whose first `SAMPLE` responses are kept whole."""
    return (checked.operation, checked.against, checked.recorded_version, checked.status, checked.ok)


@dataclass(frozen=True, slots=True)
class Alike:
    """A response a pool worker did not send whole: it had sent `SAMPLE` of its group and one of its
    kind before it, so `CheckRun.add` is bound to count it into that one's `also` (those went
    first) and never to keep it; sending only the kind spares pickling the response twice over."""

    kind: tuple[object, ...]


def response_kind(checked: CheckedResponse) -> tuple[object, ...]:
    """What a report says of a response apart from its file: the same findings, fit and renames."""
    fits = tuple(
        (
            s.version,
            s.problem,
            None
            if s.result is None
            else (
                tuple(sorted({(v.keyword, v.field) for v in s.result.violations})),
                tuple(sorted({(u.field, u.json_type) for u in s.result.undocumented})),
            ),
            tuple((p.old, p.new) for p in s.renames),
        )
        for s in checked.fingerprint.scores
    )
    return (
        checked.operation,
        checked.method,
        checked.path,
        checked.status,
        checked.recorded_version,
        checked.against,
        fits,
    )


@dataclass(frozen=True)
class RecordingChecker:
    """Everything checking one recording needs: a validator per version and which to judge by."""

    validators: dict[str, ResponseValidator]
    labels: tuple[str, ...]
    against: str | None
    problems: tuple[ApidriftError, ...] = ()

    @classmethod
    def build(cls, store: ContractStore, labels: Sequence[str], against: str | None) -> RecordingChecker:
        validators: dict[str, ResponseValidator] = {}
        problems: list[ApidriftError] = []
        for label in labels:
            try:
                validators[label] = ResponseValidator(store.load(label))
            except ApidriftError as exc:
                problems.append(exc)
        return cls(validators, tuple(labels), against, tuple(problems))

    def check_file(
        self, folder: Path, path: Path | str, *, base: str | None = None
    ) -> CheckedResponse | ApidriftError:
        """One file: read, parse, validate and fingerprint; any problem is an error about that file
        (`base`: `folder` with a trailing separator, see `read_recording`)."""
        try:
            return self.check(read_recording(folder, path, base=base))
        except ApidriftError as exc:
            return exc

    @cached_property
    def everyone(self) -> list[ResponseValidator]:
        """Every version's validator, in the order of `labels`."""
        return [self.validators[label] for label in self.labels if label in self.validators]

    @cached_property
    def newest(self) -> str:
        return max(self.validators)

    def check(self, item: LoadedRecording) -> CheckedResponse:
        declared = _declared_version(item)
        target = self.against or declared or self.newest
        if target not in self.validators:
            message = f"recording names version {target!r}, which no contract provides"
            raise UnknownVersionError(message, file=item.file, pointer="/provenance/version")
        rec = item.recording
        everyone = self.everyone
        try:
            # The fingerprint validates strictly against every version, the target included: reuse that.
            fp = fingerprint(everyone, rec.operation, rec.status, rec.body)
        except (RecursionError, MemoryError, ValueError) as exc:
            # A body that defeats a validator is a finding about that one file; the rest go on.
            raise RecordingError(
                f"could not be checked: {type(exc).__name__}: {exc}", file=item.file
            ) from None
        except TypeError as exc:  # JSON values never cause one: a bug, still about this one file
            raise InternalFault.of(exc, file=item.file) from None
        except WalkBudgetError as exc:
            raise RecordingError(f"could not be checked: {exc.message}", file=item.file) from None
        score = next(s for s in fp.scores if s.version == target)
        if score.result is None:
            message = score.problem or f"{target} does not document {rec.operation}"
            raise UnknownOperationError(message, file=item.file, pointer="/operation")
        return CheckedResponse(
            file=item.file,
            operation=rec.operation,
            method=rec.method,
            path=rec.path,
            status=rec.status,
            recorded_version=declared,
            against=target,
            result=score.result,
            fingerprint=fp,
        )


def compact(checked: CheckedResponse) -> ExactKind:
    """An exact response as its kind: everything but the file name."""
    return exact_kind(
        checked.fingerprint,
        method=checked.method,
        path=checked.path,
        status=checked.status,
        recorded_version=checked.recorded_version,
        against=checked.against,
    )


def _declared_version(item: LoadedRecording) -> str | None:
    provenance = item.recording.provenance
    return provenance.version if provenance else None
