"""The profiles shipped with apidrift (`apidrift/apis/<package>/profile.toml`) and the default one.

Kept free of pydantic and tomllib: every command start asks for the default API, and importing
tomllib alone costs ~8 ms there; `parse_profile` reads and checks the whole file when it is used.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Final

PROFILE_FILE: Final = "profile.toml"


@cache
def bundled_profiles() -> dict[str, Path]:
    """The bundled profiles by name (the `name` each file declares)."""
    apis = Path(str(resources.files("apidrift.apis")))
    found: dict[str, Path] = {}
    for path in sorted(apis.glob(f"*/{PROFILE_FILE}")):
        name = _read(path).get("name")
        if isinstance(name, str):
            found[name] = path
    return found


@cache
def default_api() -> str:
    """The bundled profile that declares `default = true`: what a command works on unless told."""
    chosen = [name for name, path in bundled_profiles().items() if _read(path).get("default") is True]
    if len(chosen) != 1:
        raise RuntimeError(f"exactly one bundled profile must declare default = true, found {chosen}")
    return chosen[0]


# The two top-level keys needed here, each on a line of its own before the first [table].
_TOP_KEY = re.compile(r'^(name|default)\s*=\s*(?:"([^"]*)"|(true|false))\s*(?:#.*)?$')


def _read(path: Path) -> dict[str, object]:
    """`name` and `default` of a profile file (a test holds them equal to what tomllib reads)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}  # parse_profile reports a broken file with its pointer when it is asked for
    found: dict[str, object] = {}
    for line in text.splitlines():
        if line.lstrip().startswith("["):
            break
        match = _TOP_KEY.match(line.strip())
        if match:
            key, string, flag = match.groups()
            found[key] = string if string is not None else flag == "true"
    return found


DEFAULT_API: Final = default_api()
