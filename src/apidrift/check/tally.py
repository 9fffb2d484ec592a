"""Exact responses, counted rather than kept: what lets a check of any corpus run in flat memory.

A response that fits its target version exactly has no violation, no undocumented field and so no
finding of its own; everything a report says about it is how it fits each version. Responses that
fit alike are one `ExactKind`, counted with the first file as an example.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from apidrift.check.fingerprint import Fingerprint
from apidrift.check.renames import RenamePair
from apidrift.check.validation import Violation


@dataclass(frozen=True, slots=True)
class FitSummary:
    """How a response fits one version, without the validation result behind it."""

    version: str
    valid: bool
    exact: bool
    score: float
    violations: int
    undocumented: int
    differences: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ExactKind:
    """What every response of one kind shares: where it came from and how it fits each version."""

    operation: str
    method: str
    path: str
    status: int
    recorded_version: str | None
    against: str
    best_match: str | None
    matches: tuple[str, ...]
    fingerprint: str
    fits: tuple[FitSummary, ...]
    # (version, pair): a name another version spells differently, seen in responses of this kind.
    renames: tuple[tuple[str, RenamePair], ...] = ()


# Kinds of exact responses, built once each: a healthy corpus is the same few kinds again and again.
_KINDS: dict[tuple[object, ...], ExactKind] = {}
_MAX_KINDS = 10_000


def exact_kind(
    fp: Fingerprint, *, method: str, path: str, status: int, recorded_version: str | None, against: str
) -> ExactKind:
    """The kind of one exact response (the caller has checked it is exact against `against`)."""
    # Keyed by everything `_build` reads (the violations by keyword, field and message, since their
    # wording is what a kind shows): most responses repeat a kind already built.
    fits = tuple(
        (s.version, s.problem, s.renames)
        if s.result is None
        else (
            s.version,
            s.renames,
            _said(s.result.violations),
            tuple(u.field for u in s.result.undocumented) if s.result.undocumented else (),
        )
        for s in fp.scores
    )
    key = (fp.operation, method, path, status, recorded_version, against, fits)
    kind = _KINDS.get(key)
    if kind is None:
        if len(_KINDS) >= _MAX_KINDS:  # a corpus of endlessly varied responses: start afresh
            _KINDS.clear()
        kind = _KINDS[key] = _build(fp, method, path, status, recorded_version, against)
    return kind


def _said(violations: tuple[Violation, ...]) -> tuple[tuple[str, str, str], ...]:
    return tuple((v.keyword, v.field, v.message) for v in violations) if violations else ()


def _build(
    fp: Fingerprint, method: str, path: str, status: int, recorded_version: str | None, against: str
) -> ExactKind:
    fits = tuple(
        FitSummary(
            version=s.version,
            valid=s.result is not None and s.result.valid,
            exact=s.result is not None and s.result.exact,
            score=s.score,
            violations=len(s.result.violations) if s.result else 0,
            undocumented=s.result.undocumented_count if s.result else 0,
            differences=tuple(s.differences()),
        )
        for s in fp.scores
    )
    return ExactKind(
        operation=fp.operation,
        method=method,
        path=path,
        status=status,
        recorded_version=recorded_version,
        against=against,
        best_match=fp.best,
        matches=fp.matches,
        fingerprint=fp.summary(),
        fits=fits,
        renames=tuple((s.version, pair) for s in fp.scores for pair in s.renames),
    )


@dataclass(frozen=True, slots=True)
class ExactTally:
    """Exact responses by kind: how many, and the first file of each by name (whatever order they come in)."""

    # kind -> [count, first file]: one lookup per response (a kind hashes all it holds).
    entries: dict[ExactKind, list[Any]] = field(default_factory=dict)

    def add(self, kind: ExactKind, file: str, count: int = 1) -> None:
        entry = self.entries.get(kind)
        if entry is None:
            self.entries[kind] = [count, file]
            return
        entry[0] += count
        if file < entry[1]:
            entry[1] = file

    def merge(self, other: ExactTally) -> None:
        """Fold another tally in (a pool worker's chunk)."""
        for kind, (n, example) in other.entries.items():
            self.add(kind, example, n)

    def groups(self) -> Iterable[tuple[ExactKind, int, str]]:
        """(kind, count, example file) for every kind."""
        for kind, (n, example) in self.entries.items():
            yield kind, n, example

    @property
    def counts(self) -> dict[ExactKind, int]:
        """How many responses of each kind."""
        return {kind: n for kind, (n, _) in self.entries.items()}

    @property
    def total(self) -> int:
        return sum(n for n, _ in self.entries.values())
