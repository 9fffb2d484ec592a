"""A check run: validate recorded responses against a version, fingerprint each against all versions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from apidrift.check.fingerprint import Fingerprint, fingerprint
from apidrift.check.patterns import UnsupportedPattern
from apidrift.check.recordings import LoadedRecording, load_recordings
from apidrift.check.validation import ResponseValidator, ValidationResult
from apidrift.contracts.model import ContractStore
from apidrift.errors import ApidriftError, UnknownOperationError, UnknownVersionError


@dataclass(frozen=True)
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

    @property
    def ok(self) -> bool:
        return self.result.valid


@dataclass
class CheckRun:
    """Everything a check found: checked responses and the inputs it could not use."""

    versions: list[str]
    against: str | None
    recordings: str
    responses: list[CheckedResponse] = field(default_factory=list)
    input_errors: list[ApidriftError] = field(default_factory=list)
    # Documentation findings: patterns the regex engine cannot run, located as `<version>/<where>`.
    unchecked_patterns: list[UnsupportedPattern] = field(default_factory=list)

    @property
    def failures(self) -> list[CheckedResponse]:
        return [r for r in self.responses if not r.ok]

    @property
    def exit_code(self) -> int:
        """2 when some input was bad, else 1 when a response broke its version, else 0."""
        if self.input_errors:
            return 2
        return 1 if self.failures else 0


def check_recordings(
    store: ContractStore,
    recordings: Path,
    *,
    against: str | None = None,
    versions: Sequence[str] | None = None,
    display_root: Path | None = None,
) -> CheckRun:
    """Check every recording below `recordings`.

    Each is validated against `against`, or when that is None against the version its provenance
    names (falling back to the newest version), and fingerprinted against every version.
    """
    labels = list(versions) if versions else store.labels()
    if against is not None and against not in labels:
        labels.append(against)
    run = CheckRun(labels, against, display_path(recordings, display_root))
    validators: dict[str, ResponseValidator] = {}
    for label in labels:
        try:
            validators[label] = ResponseValidator(store.load(label))
        except ApidriftError as exc:
            run.input_errors.append(exc)
            continue
        for pattern in validators[label].unsupported_patterns:
            run.unchecked_patterns.append(replace(pattern, pointer=f"{label}/{pattern.pointer}"))
    if not validators or (against is not None and against not in validators):
        return run
    loaded = load_recordings(recordings)
    for error in loaded.errors:
        error.file = (
            f"{run.recordings}/{error.file}"
            if error.file and not Path(error.file).is_absolute()
            else error.file
        )
        run.input_errors.append(error)
    newest = sorted(validators)[-1]
    everyone = [validators[label] for label in labels if label in validators]
    for item in loaded.recordings:
        target = against or _declared_version(item) or newest
        if target not in validators:
            message = f"recording names version {target!r}, which no contract provides"
            where = f"{run.recordings}/{item.file}"
            run.input_errors.append(UnknownVersionError(message, file=where, pointer="/provenance/version"))
            continue
        rec = item.recording
        # The fingerprint validates strictly against every version, the target included: reuse that.
        fp = fingerprint(everyone, rec.operation, rec.status, rec.body)
        score = next(s for s in fp.scores if s.version == target)
        if score.result is None:
            message = score.problem or f"{target} does not document {rec.operation}"
            where = f"{run.recordings}/{item.file}"
            run.input_errors.append(UnknownOperationError(message, file=where, pointer="/operation"))
            continue
        run.responses.append(
            CheckedResponse(
                file=item.file,
                operation=rec.operation,
                method=rec.method,
                path=rec.path,
                status=rec.status,
                recorded_version=_declared_version(item),
                against=target,
                result=score.result,
                fingerprint=fp,
            )
        )
    run.responses.sort(key=lambda r: (r.operation, r.recorded_version or "", r.file))
    return run


def _declared_version(item: LoadedRecording) -> str | None:
    provenance = item.recording.provenance
    return provenance.version if provenance else None


def display_path(path: Path, root: Path | None = None) -> str:
    """A path for reports: relative where possible, so reports carry no absolute paths."""
    if not path.is_absolute():
        return path.as_posix()
    resolved = path.resolve()
    for base in (root, Path.cwd()):
        if base is not None and resolved.is_relative_to(base.resolve()):
            return resolved.relative_to(base.resolve()).as_posix() or "."
    return path.name
