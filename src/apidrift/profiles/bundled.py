"""The profiles shipped with apidrift (`apidrift/apis/<package>/profile.toml`) and the default one.

Kept free of pydantic: every command start asks for the default API, and only reads TOML for it.
"""

from __future__ import annotations

import tomllib
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


def _read(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}  # parse_profile reports a broken file with its pointer when it is asked for


DEFAULT_API: Final = default_api()
