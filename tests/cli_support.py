"""In-process `apidrift` runs for CLI tests: what a person sees, without a subprocess."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CliResult:
    """What a person sees of one `apidrift` run: exit code, stdout and stderr."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path | None = None) -> CliResult:
    """Run `apidrift ARGS` in this process (as the `apidrift` script would, errors included)."""
    from typer.testing import CliRunner

    from apidrift.cli import register
    from apidrift.cli.app import app

    register(list(args))
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1"})
    finally:
        os.chdir(old)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return CliResult(result.exit_code, result.stdout, result.stderr)
