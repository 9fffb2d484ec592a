"""Which operation of a version an exchange is: method and path template, past a base path (`/v1`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from apidrift.contracts import templates
from apidrift.contracts.model import ContractVersion, Operation
from apidrift.live.transport import template_pattern


@dataclass(frozen=True)
class Match:
    """An exchange's operation, the path as the template sees it, and its path parameters (decoded)."""

    operation: Operation
    path: str
    path_params: dict[str, str]


@dataclass(frozen=True)
class _Route:
    operation: Operation
    pattern: re.Pattern[str]
    names: tuple[str, ...]
    literal: int  # literal characters: the more, the more specific


class Matcher:
    """Matches raw paths to the operations of one version; the most specific template wins (a
    literal `/items/archive` over `/items/{id}`), then the shortest base path before it."""

    def __init__(self, version: ContractVersion) -> None:
        self.version = version
        self._routes = [
            _Route(op, template_pattern(op.path), templates.names(op.path), templates.literal_length(op.path))
            for op in version.operations.values()
        ]
        self._by_method: dict[str, list[_Route]] = {}
        for route in self._routes:
            self._by_method.setdefault(route.operation.method.upper(), []).append(route)

    @staticmethod
    def _found(
        routes: Iterable[_Route], raw_path: str, starts: list[int]
    ) -> list[tuple[int, int, _Route, re.Match[str]]]:
        found = []
        for route in routes:
            for start in starts:
                m = route.pattern.fullmatch(raw_path, start)
                if m is not None:
                    found.append((route.literal, -start, route, m))
                    break
        return found

    def match(self, method: str, raw_path: str) -> Match | str:
        """The match, or why there is none (naming the methods the path has, when it has some)."""
        starts = [0, *(i for i, ch in enumerate(raw_path) if ch == "/" and i > 0)]
        # The routes of the method first: the others are tried only to say why nothing matched.
        same = self._found(self._by_method.get(method.upper(), ()), raw_path, starts)
        if not same:
            found = self._found(self._routes, raw_path, starts)
            if found:
                methods = ", ".join(sorted({f[2].operation.method.upper() for f in found}))
                return f"this path is documented for {methods}, not {method}"
            return "no operation of the version has this method and path"
        _, neg_start, route, m = max(same, key=lambda f: (f[0], f[1]))
        params = {name: unquote(value) for name, value in zip(route.names, m.groups(), strict=True)}
        return Match(route.operation, raw_path[-neg_start:], params)
