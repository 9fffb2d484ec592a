"""The baseline: a reviewed TOML file in the user's repository accepting findings by id or by pattern.

    [[accept]]
    id = "ad-0281846c9a66"                 # or patterns: operation, kind, path (globs, all must match)
    reason = "usage results renamed upstream; SDK fixed in 1.2"
    owner = "platform-team"
    expires = 2026-09-01                   # optional: from the day after, the finding fails again

An accepted finding is still shown (status `accepted`); an expired or unused entry is reported.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Final

from apidrift.errors import BaselineError

BASELINE_FORMAT: Final = 1
_PATTERNS: Final = ("operation", "kind", "path")
_KEYS: Final = frozenset({"id", *_PATTERNS, "reason", "owner", "expires"})


@dataclass(frozen=True)
class Subject:
    """What a baseline entry is matched against: a finding's id, operation, kind and path."""

    id: str
    operation: str | None
    kind: str
    path: str


@dataclass(frozen=True)
class AcceptRule:
    """One `[[accept]]` entry."""

    index: int
    id: str | None
    operation: str | None
    kind: str | None
    path: str | None
    reason: str
    owner: str
    expires: date | None

    def label(self) -> str:
        """The entry as a reader finds it in the file: its id, else its patterns."""
        if self.id:
            return self.id
        return " ".join(f"{k}={v}" for k in _PATTERNS if (v := getattr(self, k)) is not None)

    def matches(self, subject: Subject) -> bool:
        if self.id is not None and self.id != subject.id:
            return False
        values = {"operation": subject.operation or "", "kind": subject.kind, "path": subject.path}
        return all(fnmatchcase(values[k], p) for k in _PATTERNS if (p := getattr(self, k)) is not None)

    def expired(self, today: date) -> bool:
        """True from the day after `expires`."""
        return self.expires is not None and self.expires < today


@dataclass(frozen=True)
class Baseline:
    """The entries of one baseline file, in file order."""

    file: str
    rules: tuple[AcceptRule, ...]

    def match(self, subject: Subject, today: date) -> tuple[AcceptRule | None, AcceptRule | None]:
        """The first current entry accepting the subject, and the first expired one matching it."""
        current = expired = None
        for rule in self.rules:
            if not rule.matches(subject):
                continue
            if not rule.expired(today):
                return rule, None
            expired = expired or rule
        return current, expired


def load_baseline(path: Path) -> Baseline:
    """A baseline file; anything wrong is one error naming the file and the entry's pointer."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"cannot read: {exc.strerror}", file=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise BaselineError(f"not TOML: {exc}", file=path) from None
    entries = data.get("accept", [])
    if not isinstance(entries, list):
        raise BaselineError("`accept` must be an array of tables ([[accept]])", file=path, pointer="/accept")
    return Baseline(str(path), tuple(_rule(i, e, path) for i, e in enumerate(entries)))


def _rule(index: int, entry: Any, path: Path) -> AcceptRule:
    pointer = f"/accept/{index}"
    if not isinstance(entry, dict):
        raise BaselineError("an entry must be a table", file=path, pointer=pointer)
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise BaselineError(f"unknown key {unknown[0]!r}", file=path, pointer=f"{pointer}/{unknown[0]}")
    for key in ("id", *_PATTERNS, "reason", "owner"):
        if key in entry and not (isinstance(entry[key], str) and entry[key].strip()):
            raise BaselineError(f"`{key}` must be a non-empty string", file=path, pointer=f"{pointer}/{key}")
    for key in ("reason", "owner"):
        if key not in entry:
            raise BaselineError(f"every entry needs a `{key}`", file=path, pointer=f"{pointer}/{key}")
    if not any(k in entry for k in ("id", *_PATTERNS)):
        raise BaselineError(
            "an entry needs an `id` or a pattern (operation, kind, path)", file=path, pointer=pointer
        )
    return AcceptRule(
        index=index,
        id=entry.get("id"),
        operation=entry.get("operation"),
        kind=entry.get("kind"),
        path=entry.get("path"),
        reason=entry["reason"],
        owner=entry["owner"],
        expires=_expiry(entry.get("expires"), path, f"{pointer}/expires"),
    )


def _expiry(value: Any, path: Path, pointer: str) -> date | None:
    if value is None or (isinstance(value, date) and not hasattr(value, "hour")):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise BaselineError(f"`expires` must be a date (YYYY-MM-DD), got {value!r}", file=path, pointer=pointer)


@dataclass(frozen=True)
class Proposal:
    """A finding proposed for the baseline, with a one-line description for the comment above it."""

    subject: Subject
    about: str


def render_baseline(
    proposals: Iterable[Proposal], *, reason: str, owner: str, expires: date | None, source: str
) -> str:
    """A baseline accepting each proposed finding by id, for a person to review before committing."""
    lines = [
        "# apidrift baseline: findings accepted after review; they are shown but do not fail the run.",
        f"# Written by `apidrift baseline` from {_comment(source)}: review every entry, give each its",
        "# real reason and owner, or replace a group of ids by one pattern (operation, kind, path globs).",
        f"format = {BASELINE_FORMAT}",
    ]
    seen: set[str] = set()
    for p in sorted(proposals, key=lambda p: (p.subject.operation or "", p.subject.kind, p.subject.path)):
        if p.subject.id in seen:
            continue
        seen.add(p.subject.id)
        lines += ["", "[[accept]]", f"# {_comment(p.about)}", f"id = {_toml(p.subject.id)}"]
        lines += [f"reason = {_toml(reason)}", f"owner = {_toml(owner)}"]
        if expires is not None:
            lines.append(f"expires = {expires.isoformat()}")
    return "\n".join(lines) + "\n"


def _toml(text: str) -> str:
    # A JSON string is a TOML basic string, except that TOML wants DEL escaped too.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _comment(text: str) -> str:
    return " ".join(text.split())
