"""Endpoint families: groups of operations (by path prefix) that can answer in another version.

A family is the unit of a half-rolled-out change: a mix of `{"usage": "<newer label>"}` makes those
endpoints answer as the newer version while everything else answers as the server's base version.
The families are profile data (`[families]` in a profile); paths are the contract's templates, and
the longest matching prefix wins.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from apidrift.simulator.errors import MixError

Families = Mapping[str, tuple[str, ...]]


def family_of(path: str, families: Families) -> str | None:
    """The family of a contract path template, None if none fits."""
    prefixes = sorted(
        ((prefix, family) for family, group in families.items() for prefix in group),
        key=lambda pair: len(pair[0]),
        reverse=True,
    )
    for prefix, family in prefixes:
        # A prefix ending in "/" covers what lies below it; any other covers itself and its sub-paths.
        if prefix.endswith("/"):
            if path.startswith(prefix):
                return family
        elif path == prefix or path.startswith(prefix + "/"):
            return family
    return None


_ITEM = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*=\s*(\S+?)\s*$")


def parse_mix(
    text: str, *, families: Families | None = None, known_versions: list[str] | None = None
) -> dict[str, str]:
    """Parse `family=version,family=version` into a map, checking both names (families: the
    default profile's when not given)."""
    families = _default_families() if families is None else families
    mix: dict[str, str] = {}
    if not text.strip():
        return mix
    for raw in text.split(","):
        if not raw.strip():
            raise MixError(f"empty item in mix {text!r} (expected family=version, comma-separated)")
        match = _ITEM.match(raw)
        if match is None:
            raise MixError(f"mix item {raw.strip()!r} is not family=version")
        family, version = match.group(1), match.group(2)
        check_mix_item(family, version, families, known_versions)
        if family in mix and mix[family] != version:
            raise MixError(f"family {family!r} given twice in mix ({mix[family]} and {version})")
        mix[family] = version
    return mix


def check_mix_item(
    family: str, version: str, families: Families, known_versions: list[str] | None = None
) -> None:
    """Raise MixError unless the family is known and (when versions are given) the version is too."""
    if family not in families:
        known = ", ".join(families) or "none: the profile defines no [families]"
        raise MixError(f"unknown endpoint family {family!r} in mix (known: {known})")
    if known_versions is not None and version not in known_versions:
        known = ", ".join(known_versions) or "none"
        raise MixError(f"unknown version {version!r} for family {family!r} (known: {known})")


def _default_families() -> Families:
    from apidrift.profiles.model import load_profile

    return load_profile().families
