"""In-process `apidrift` runs for CLI tests: what a person sees, without a subprocess."""

from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType


@dataclass(frozen=True)
class CliResult:
    """What a person sees of one `apidrift` run: exit code, stdout and stderr."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path | None = None, columns: int = 200, color: bool = False) -> CliResult:
    """Run `apidrift ARGS` in this process (as the `apidrift` script would, errors included), on a
    terminal `columns` wide, in colour or not (as a terminal, or a CI log with NO_COLOR, shows it)."""
    from typer.testing import CliRunner

    from apidrift.cli import register
    from apidrift.cli.app import app, out

    register(list(args))
    env = {"COLUMNS": str(columns)} | ({"FORCE_COLOR": "1", "NO_COLOR": None} if color else {"NO_COLOR": "1"})
    old = Path.cwd()
    out.cache_clear()  # the console reads its width and colour once: each run gets its own
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = CliRunner().invoke(app, list(args), env=env)
    finally:
        os.chdir(old)
        out.cache_clear()
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return CliResult(result.exit_code, result.stdout, result.stderr)


def load_tool(path: Path) -> ModuleType:
    """A script of tools/ or benchmarks/ imported as a module named after its file (registered in
    `sys.modules`: its dataclasses look their module up by name)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
