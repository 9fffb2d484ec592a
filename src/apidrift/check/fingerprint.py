"""Fingerprint a response: score it against every contract version and say which it matches."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from apidrift.check.renames import RenamePair, pair_renames
from apidrift.check.validation import ResponseValidator, ValidationResult
from apidrift.contracts.model import DEFS_PREFIX, iter_refs
from apidrift.errors import ApidriftError, UnknownOperationError


@dataclass(frozen=True, slots=True)
class VersionScore:
    """How well one response fits one version: its strict validation and likely renames."""

    version: str
    result: ValidationResult | None
    renames: tuple[RenamePair, ...] = ()
    problem: str | None = None

    @property
    def score(self) -> float:
        """1.0 for an exact fit; each violation costs more than each undocumented field."""
        if self.result is None:
            return 0.0
        return round(1.0 / (1.0 + len(self.result.violations) + 0.5 * len(self.result.undocumented)), 3)

    def differences(self) -> list[str]:
        if self.result is None:
            return [self.problem or "not documented"]
        renamed_old = {p.old for p in self.renames}
        renamed_new = {p.new for p in self.renames}
        out = [
            f"`{p.old}` missing, `{p.new}` undocumented — looks like a rename ({p.confidence:.2f})"
            for p in self.renames
        ]
        for v in self.result.violations:
            if v.keyword == "required" and v.field in renamed_old:
                continue
            out.append(
                f"`{v.field}` missing" if v.keyword == "required" else f"`{v.field or '(root)'}`: {v.message}"
            )
        out += [f"`{u.field}` undocumented" for u in self.result.undocumented if u.field not in renamed_new]
        return list(dict.fromkeys(out))  # a list of N items repeats each difference N times


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A response scored against every version; `matches` are the versions it fits exactly."""

    operation: str
    scores: tuple[VersionScore, ...]

    @property
    def matches(self) -> tuple[str, ...]:
        return tuple(s.version for s in self.scores if s.result is not None and s.result.exact)

    @property
    def valid_in(self) -> tuple[str, ...]:
        return tuple(s.version for s in self.scores if s.result is not None and s.result.valid)

    @property
    def best(self) -> str | None:
        """The single version that fits best, or None when several fit equally (or none at all)."""
        ranked = sorted(self.scores, key=lambda s: -s.score)
        if not ranked or ranked[0].score == 0.0:
            return None
        if len(ranked) > 1 and ranked[1].score == ranked[0].score:
            return None
        return ranked[0].version

    def summary(self) -> str:
        top = max((x.score for x in self.scores), default=0.0)
        if self.best is None:
            tied = [x.version for x in self.scores if x.score == top]
            head = f"fits {', '.join(tied)} equally" if top > 0 else "fits no version"
        else:
            head = f"matches {self.best}" if self.best in self.matches else f"closest to {self.best}"
        others = [s for s in self.scores if s.version != self.best and s.differences()]
        tail = "; ".join(f"against {s.version}: {', '.join(s.differences()[:4])}" for s in others)
        return f"{head}; {tail}" if tail else head


def fingerprint(
    validators: Sequence[ResponseValidator], operation: str, status: str | int, body: Any
) -> Fingerprint:
    """Score a body against each version's validator (strict), naming renames per version."""
    for validator in validators:
        # Each version's documented fields, flattened once per response schema: one that cannot be
        # flattened within its budget (WalkBudgetError) makes this an error about the response,
        # whether or not this body would need the walk.
        try:
            validator.declares(operation, status)
        except UnknownOperationError:
            continue
    scores: list[VersionScore] = []
    # Versions that document this response alike (the same schema, reaching the same named schemas)
    # judge a body alike: the first one's score serves the others, relabelled.
    alike: dict[str, VersionScore] = {}
    for validator in validators:
        label = validator.version.version
        key = schema_key(validator, operation, str(status))
        done = alike.get(key) if key is not None else None
        if done is not None and done.result is not None:
            scores.append(VersionScore(label, _relabel(done.result, label), done.renames))
            continue
        try:
            result = validator.validate(operation, status, body, strict=True)
        except UnknownOperationError as exc:
            scores.append(VersionScore(label, None, problem=exc.message))
            continue
        if not result.undocumented or not result.violations:
            score = VersionScore(label, result)  # nothing added, or nothing removed: no rename
        else:
            shapes = validator.field_shapes(operation, status)
            # One entry per field: a list of N items repeats the same violation N times.
            removed = tuple(
                dict.fromkeys(
                    (v.field, "|".join(shapes[v.field].types) if v.field in shapes else "")
                    for v in result.violations
                    if v.keyword == "required"
                )
            )
            added = tuple(dict.fromkeys((u.field, u.json_type) for u in result.undocumented))
            score = VersionScore(label, result, _renames(removed, added))
        scores.append(score)
        if key is not None:
            alike[key] = score
    return Fingerprint(operation, tuple(scores))


def _relabel(result: ValidationResult, version: str) -> ValidationResult:
    return ValidationResult(version, result.operation, result.status, result.violations, result.undocumented)


_SCHEMA_KEYS: dict[tuple[object, str, str], str | None] = {}


def schema_key(validator: ResponseValidator, operation: str, status: str) -> str | None:
    """What checking a response against `validator` depends on: the documented body schema and every
    named schema it reaches, as a digest of their canonical JSON; None when that cannot be told (no
    such response, a reference outside the named schemas). Equal keys judge every body alike."""
    cache_key = (validator, operation, status)
    if cache_key in _SCHEMA_KEYS:
        return _SCHEMA_KEYS[cache_key]
    try:
        schema = validator.documented_schema(operation, status)
    except ApidriftError:
        schema, key = None, None
    else:
        reached = _named_schemas(schema, validator.version.schemas)
        key = (
            None
            if reached is None
            else hashlib.sha256(
                json.dumps([type(validator).__qualname__, schema, reached], sort_keys=True).encode()
            ).hexdigest()
        )
    if len(_SCHEMA_KEYS) >= 4096:
        _SCHEMA_KEYS.clear()
    _SCHEMA_KEYS[cache_key] = key
    return key


def _named_schemas(schema: Any, defs: Mapping[str, Any]) -> dict[str, Any] | None:
    """The named schemas `schema` reaches, by name; None for a reference anywhere else."""
    reached: dict[str, Any] = {}
    todo = [schema]
    while todo:
        for _, ref in iter_refs(todo.pop()):
            prefix = next((p for p in (DEFS_PREFIX, "#/$defs/") if ref.startswith(p)), None)
            if prefix is None:
                return None
            name = ref[len(prefix) :].split("/")[0].replace("~1", "/").replace("~0", "~")
            if name not in defs:
                return None
            if name not in reached:
                reached[name] = defs[name]
                todo.append(defs[name])
    return dict(sorted(reached.items()))


_RENAMES: dict[tuple[object, ...], tuple[RenamePair, ...]] = {}


def _renames(
    removed: tuple[tuple[str, str], ...], added: tuple[tuple[str, str], ...]
) -> tuple[RenamePair, ...]:
    """`pair_renames`, remembered: responses of one kind remove and add the same fields again and again."""
    if not removed:
        return ()
    key = (removed, added)
    found = _RENAMES.get(key)
    if found is None:
        if len(_RENAMES) >= 4096:  # endlessly varied fields: start afresh rather than grow
            _RENAMES.clear()
        found = _RENAMES[key] = tuple(pair_renames(removed, added))
    return found
