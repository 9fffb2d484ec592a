"""Reading OpenAPI path templates: a segment may hold several expressions or literal text beside one
(`/compare/{base}...{head}`, `/files/{name}.json`), so a template is read as text, never segment by
segment alone. Every part of apidrift that splits, matches or fills a template goes through here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

# An expression: braces around a name holding no brace and no `/` (RFC 6570 level 1, as OpenAPI uses).
PARAM: Final = re.compile(r"\{([^{}/]+)\}")
# A value fills at most one segment; a decoded path may hold `?` or `#` in a value.
SEGMENT_VALUE: Final = "[^/]+"


@dataclass(frozen=True)
class Segment:
    """One `/`-separated segment of a template: its text, its expressions' names and its literal text."""

    text: str
    names: tuple[str, ...]
    literal: str

    @property
    def is_literal(self) -> bool:
        return not self.names

    @property
    def sole_param(self) -> str | None:
        """The name of the segment's only expression, literal text beside it or not (`{id}.json`)."""
        return self.names[0] if len(self.names) == 1 else None


@lru_cache(maxsize=4096)
def names(template: str) -> tuple[str, ...]:
    """The expressions' names in order (`/c/{base}...{head}` -> base, head)."""
    return tuple(PARAM.findall(template))


def shape(template: str) -> str:
    """`/a/{key_id}.json` -> `/a/{}.json`: the template with its names left out."""
    return PARAM.sub("{}", template)


def literal_length(template: str) -> int:
    """Characters of literal text: the more, the more specific the template."""
    return len(PARAM.sub("", template))


@lru_cache(maxsize=4096)
def segments(template: str) -> tuple[Segment, ...]:
    """The template's segments (names hold no `/`, so splitting on it never cuts an expression)."""
    return tuple(Segment(s, tuple(PARAM.findall(s)), PARAM.sub("", s)) for s in template.split("/"))


def regex(template: str, value: str = SEGMENT_VALUE) -> str:
    """A regular expression (source) for the template's instances, one unnamed group per expression in
    order; `value` is what one value may be."""
    parts = PARAM.split(template)
    # split() alternates literal text and names.
    return "".join(re.escape(p) if i % 2 == 0 else f"({value})" for i, p in enumerate(parts))


@lru_cache(maxsize=4096)
def _compiled(template: str) -> re.Pattern[str]:
    return re.compile(regex(template))


def read(template: str, path: str) -> dict[str, str] | None:
    """Each expression's value in `path` (as written, not decoded), or None when `path` is not an
    instance. Where two expressions share a segment, the first takes the longest value that lets
    the rest match (`{a}.{b}` over `x.y.z` gives a=`x.y`)."""
    found = _compiled(template).fullmatch(path)
    if found is None:
        return None
    return dict(zip(names(template), found.groups(), strict=True))


def fill(template: str, values: Mapping[str, str], encode: Callable[[str], str] = str) -> str:
    """The template with each expression replaced by `encode(value)`, in one pass (a value is never
    searched for expressions again); names without a value stay as they are."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        return encode(str(values[name])) if name in values else match.group(0)

    return PARAM.sub(value, template)
