"""Command-line defaults from a file: `[tool.apidrift]` in `pyproject.toml`, or `apidrift.toml`.

Keys are the long option names without their dashes (`fail-on = "new"`, `reports = "out/drift"`);
a key at the top applies to every command that has that option, a table per command
(`[tool.apidrift.check]`) to that command only, and a flag on the command line wins over both. The
file is found in the working folder or the nearest parent that has one. Click's `default_map` does
the applying, so a configured value goes through the same conversion and checks as a typed one.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from apidrift.errors import ConfigError

CONFIG_FILE = "apidrift.toml"
PYPROJECT = "pyproject.toml"


@dataclass(frozen=True)
class Config:
    """The settings found, where (the file and the table's pointer), for commands to take defaults from."""

    file: Path
    pointer: str
    shared: dict[str, Any]
    per_command: dict[str, dict[str, Any]]


def find_config(start: Path) -> Config | None:
    """The configuration that applies in `start`: its own `apidrift.toml`, else `[tool.apidrift]` of
    its `pyproject.toml`, else the same in the nearest parent; None when there is none."""
    for folder in (start, *start.parents):
        own = folder / CONFIG_FILE
        if own.exists():  # a folder or a FIFO of that name is an error, not "no settings"
            return _config(own, _read(own), "")
        pyproject = folder / PYPROJECT
        if pyproject.is_file():
            table = _read(pyproject).get("tool", {}).get("apidrift")
            if table is not None:
                if not isinstance(table, dict):
                    raise ConfigError("must be a table", file=pyproject, pointer="/tool/apidrift")
                return _config(pyproject, table, "/tool/apidrift")
            return None  # a project's root without apidrift settings: stop looking higher
    return None


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ConfigError("not a regular file", file=path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", file=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not TOML: {exc}", file=path) from None


def _config(path: Path, table: dict[str, Any], pointer: str) -> Config:
    shared = {k: v for k, v in table.items() if not isinstance(v, dict)}
    per_command = {k: v for k, v in table.items() if isinstance(v, dict)}
    return Config(path, pointer, shared, per_command)


def default_map(config: Config, commands: Mapping[str, Any], every: Mapping[str, Any]) -> dict[str, Any]:
    """Click's `default_map` for the loaded `commands` (name -> click command); `every` is all of
    them, loaded only to tell a key no command has (an error) from one another command has."""
    result = {
        name: _defaults(config, config.per_command.get(name, {}), command, f"{config.pointer}/{name}", name)
        for name, command in commands.items()
    }
    known = {key for command in every.values() for key in every_option(command)}
    unknown = [
        *(
            (key, f"no command has an option --{key}{_near(key, known)}")
            for key in config.shared
            if key not in known
        ),
        *((name, f"no command {name!r}") for name in config.per_command if name not in every),
    ]
    if unknown:
        key, message = unknown[0]
        choices = (
            f"options: {', '.join(sorted(known))}"
            if key in config.shared
            else f"commands: {', '.join(sorted(every))}"
        )
        raise ConfigError(f"{message} ({choices})", file=config.file, pointer=f"{config.pointer}/{key}")
    return result


def _defaults(config: Config, table: dict[str, Any], command: Any, pointer: str, name: str) -> dict[str, Any]:
    """One command's defaults: the shared keys it has, its own table; a group's subcommands nest."""
    options = option_names(command)
    subcommands: dict[str, Any] = dict(getattr(command, "commands", {}))
    values: dict[str, Any] = {options[k]: v for k, v in config.shared.items() if k in options}
    for key, value in table.items():
        if key in subcommands and isinstance(value, dict):
            continue
        if key not in options:
            valid = ", ".join(sorted([*options, *subcommands])) or "none"
            raise ConfigError(
                f"{name!r} has no option --{key}{_near(key, options)} (its options: {valid})",
                file=config.file,
                pointer=f"{pointer}/{key}",
            )
        values[options[key]] = value
    for sub_name, sub in subcommands.items():
        sub_table = table.get(sub_name)
        sub_table = sub_table if isinstance(sub_table, dict) else {}
        values[sub_name] = _defaults(config, sub_table, sub, f"{pointer}/{sub_name}", f"{name} {sub_name}")
    return values


def every_option(command: Any) -> set[str]:
    """The long option names of a command and, for a group, of its subcommands."""
    names = set(option_names(command))
    for sub in getattr(command, "commands", {}).values():
        names |= every_option(sub)
    return names


def _near(key: str, names: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, sorted(names), n=1, cutoff=0.7)
    return f" (did you mean --{close[0]}?)" if close else ""


def option_names(command: Any) -> dict[str, str]:
    """`fail-on` -> `fail_on`: each long option of a click command (help and eager ones aside)."""
    names: dict[str, str] = {}
    for param in getattr(command, "params", []):
        if getattr(param, "is_eager", False) or param.param_type_name != "option":
            continue
        for opt in param.opts:
            if opt.startswith("--"):
                names[opt[2:]] = param.name
    return names
