"""The `apidrift` Typer application, shared options and the entry point."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from apidrift.errors import ApidriftError

if TYPE_CHECKING:
    from rich.console import Console


class _Commands(TyperGroup):
    """Bad input is one `error:` line and exit 2 inside the app itself, so an in-process run (a
    test's CliRunner) sees exactly what a user of the `apidrift` script sees."""

    def invoke(self, ctx: Any) -> Any:  # typer vendors its own click Context type
        try:
            return super().invoke(ctx)
        except ApidriftError as exc:
            error(str(exc))
            raise typer.Exit(2) from None


app = typer.Typer(
    cls=_Commands,
    add_completion=False,
    no_args_is_help=True,
    help="Contract and schema-drift testing for APIs described by OpenAPI.",
)


@cache
def out() -> Console:
    """The console commands print tables and summaries on, created on first use: a command that
    prints none (a diff to a file, say) never imports rich."""
    from rich.console import Console as RichConsole  # here, not at import: ~30 ms of every start

    return RichConsole(highlight=False)


def _print_version(value: bool) -> None:
    if value:
        from apidrift._version import __version__

        typer.echo(f"apidrift {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Contract and schema-drift testing for APIs described by OpenAPI."""


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
    except ApidriftError as exc:  # raised outside a command (while parsing, say)
        error(str(exc))
        sys.exit(2)
