"""Inputs shared by both SDK checks: which versions to load, and input errors as report entries."""

from __future__ import annotations

from pathlib import Path

from apidrift.check.run import display_path
from apidrift.contracts.model import ContractStore, ContractVersion
from apidrift.errors import ApidriftError
from apidrift.sdk.findings import InputProblem


def versions_to_check(
    store: ContractStore, against: str | None
) -> tuple[list[ContractVersion], list[ApidriftError]]:
    """Every version of the store; an unknown `against` is raised (one line naming the known
    versions), a version that fails to load is collected so the others are still checked."""
    if against is not None:
        store.load(against)
    versions: list[ContractVersion] = []
    errors: list[ApidriftError] = []
    for label in store.labels():
        try:
            versions.append(store.load(label))
        except ApidriftError as exc:
            errors.append(exc)
    return versions, errors


def input_problem(error: ApidriftError) -> InputProblem:
    file = display_path(Path(error.file)) if error.file else None
    return InputProblem(kind=type(error).__name__, file=file, pointer=error.pointer, message=error.message)
