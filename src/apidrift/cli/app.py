"""The `apidrift` Typer application, shared options and the entry point."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from apidrift.errors import ApidriftError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Contract and schema-drift testing for the OpenAI Admin API.",
)
out = Console(highlight=False)


@app.callback()
def _root() -> None:
    """Contract and schema-drift testing for the OpenAI Admin API."""


ContractsOption = Annotated[
    Path | None, typer.Option("--contracts", help="Contracts root (default: the bundled contracts).")
]
ApiOption = Annotated[str, typer.Option("--api", help="API folder below the contracts root.")]


def error(message: str) -> None:
    """One line on stderr, never wrapped, so CI logs and greps see the file and pointer whole."""
    typer.echo(f"error: {message}", err=True)


def main() -> None:
    """Entry point: bad input is one clear line and exit 2, never a traceback."""
    from apidrift.cli import register

    register(sys.argv[1:])
    try:
        app()
    except ApidriftError as exc:
        error(str(exc))
        sys.exit(2)
