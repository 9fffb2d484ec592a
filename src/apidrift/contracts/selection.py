"""Which operations a run looks at: `--operation` globs, `--path` prefixes and `--tag` names, the same
for every command. A tag is one of the operation's own OpenAPI tags or an endpoint family of the API's
profile (its name, matched by the family's path prefixes); tags match whatever their case."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from apidrift.contracts.operations import Operation


@dataclass(frozen=True)
class Selection:
    """Every filter that is given must hold; an empty selection keeps everything."""

    operations: tuple[str, ...] = ()  # globs on the operation id or `METHOD /path`
    paths: tuple[str, ...] = ()  # path-template prefixes
    tags: tuple[str, ...] = ()
    families: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # the profile's, for tags

    def __bool__(self) -> bool:
        return bool(self.operations or self.paths or self.tags)

    def describe(self) -> str:
        """The filters as they were given on the command line."""
        given = [("--operation", self.operations), ("--path", self.paths), ("--tag", self.tags)]
        return " ".join(f"{flag} {value}" for flag, values in given for value in values)

    def tags_of(self, op: Operation) -> tuple[str, ...]:
        """The operation's own tags, then the profile families its path falls in."""
        families = (name for name, prefixes in self.families.items() if op.path.startswith(tuple(prefixes)))
        return tuple(dict.fromkeys([*op.tags, *families]))

    def matches(self, op: Operation) -> bool:
        names = (op.id, op.key)
        return (
            (not self.operations or any(fnmatch.fnmatchcase(n, g) for n in names for g in self.operations))
            and (not self.paths or op.path.startswith(self.paths))
            and (not self.tags or bool(_folded(self.tags) & _folded(self.tags_of(op))))
        )

    def names(self, operations: Iterable[Operation]) -> frozenset[str]:
        """The ids and `METHOD /path` keys of the operations selected: what reports and changes name."""
        return frozenset(n for op in operations if self.matches(op) for n in (op.id, op.key))


def _folded(names: Iterable[str]) -> set[str]:
    return {name.casefold() for name in names}
