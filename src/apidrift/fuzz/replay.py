"""Replay one failing example from its file (`apidrift fuzz --replay FILE`): the chain before it first,
the id a create answers with passed on in place of the one it had when it was found."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractStore
from apidrift.contracts.safeload import read_json
from apidrift.diff.changes import Severity
from apidrift.errors import FuzzError
from apidrift.fuzz.chains import created_id
from apidrift.fuzz.engine import target_of
from apidrift.fuzz.judge import judge
from apidrift.fuzz.model import Case, Failure, FuzzOptions
from apidrift.live.client import Exchange
from apidrift.profiles.model import ApiProfile, load_profile


@dataclass(frozen=True)
class Replayed:
    """What the replayed request was answered, and whether it still fails."""

    case: Case
    status: int | None
    failure: Failure | None
    steps: int

    @property
    def exit_code(self) -> int:
        """1 while it still fails at warning or worse (an info note, a refusal, passes)."""
        failing = self.failure is not None and self.failure.severity is not Severity.INFO
        return 1 if failing else 0


def read_case(path: Path) -> tuple[Case, list[Case], str, str]:
    """The case in a replay file, the chain steps before it, its API and version."""
    raw = read_json(path, error=FuzzError)
    case, api, version = Case.from_json(raw, path)
    before = raw.get("before", []) if isinstance(raw, dict) else []
    if not isinstance(before, list):
        raise FuzzError("`before` must be a list of cases", file=path, pointer="/before")
    return case, [Case.from_json(step, path)[0] for step in before], api, version


def replay(
    store: ContractStore,
    path: Path,
    options: FuzzOptions,
    *,
    profile: ApiProfile | None = None,
    api_key: str | None = None,
) -> Replayed:
    """Send the file's chain and case to the target (the simulator unless `options.base_url`), and judge
    the answer against the version the case names."""
    case, before, api, label = read_case(path)
    if api != store.api:
        raise FuzzError(
            f"the case is of API {api!r}, not {store.api!r} (give --api {api})", file=path, pointer="/api"
        )
    version = store.load(label)
    op = version.operation(case.operation)
    profile = profile or load_profile(store.api, contracts_root=store.root)
    with target_of(store, version, profile, options, api_key) as target:
        if isinstance(target, str):
            raise FuzzError(target, file=path)
        renamed: dict[str, str] = {}
        for step in [*before, case]:
            params = {k: renamed.get(v, v) for k, v in step.path_params.items()}
            step = Case(
                step.operation,
                step.method,
                step.path_template,
                params,
                step.query,
                step.body,
                step.mutation,
                step.keyword,
                step.headers,
            )
            outcome = target.send(step)
            if step is not case and before and step.operation == before[0].operation:
                _follow(before[0], [*before[1:], case], outcome, renamed)
            last = step, outcome
        step, outcome = last
        failure = judge(op, step, outcome, ResponseValidator(version))
        return Replayed(step, outcome.status, failure, len(before) + 1)


def _follow(create: Case, later: list[Case], outcome: object, renamed: dict[str, str]) -> None:
    """The id the replayed create answered, in place of the one the later steps name."""
    if not isinstance(outcome, Exchange):
        return
    for step in later:
        for name, old in step.path_params.items():
            if name not in create.path_params and (new := created_id(outcome.body, name)) is not None:
                renamed[old] = new
