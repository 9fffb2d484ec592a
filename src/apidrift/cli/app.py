"""The `apidrift` Typer application, shared options and the entry point."""

from __future__ import annotations

import errno
import gc
import math
import os
import signal
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from apidrift.cli.coercion import install as install_coercion
from apidrift.errors import ApidriftError, fault_message

if TYPE_CHECKING:
    from rich.console import Console


class _Commands(TyperGroup):
    """Bad input is one `error:` line and exit 2, a fault in apidrift itself one line and exit 3, inside
    the app itself, so an in-process run (a test's CliRunner) sees exactly what a user of the script sees.
    Every command, a new one too, gets `--quiet` and `--verbose` here."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for command in self.commands.values():
            _add_verbosity(command)
        install_coercion(self)

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        # Defaults from `[tool.apidrift]` / apidrift.toml: a bad file is one `error:` line and exit 2.
        if extra.get("default_map") is None:
            try:
                extra["default_map"] = _configured_defaults(dict(self.commands))
            except ApidriftError as exc:
                error(str(exc))
                raise typer.Exit(2) from None
        return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: Any) -> Any:  # typer vendors its own click Context type
        _VERBOSITY[0], _VERBOSITY_TYPED[0] = NORMAL, False
        try:
            return super().invoke(ctx)
        except ApidriftError as exc:
            error(str(exc))
            raise typer.Exit(2) from None
        except OSError as exc:
            ours = exc.filename is None and exc.errno not in _ENVIRONMENT_ERRNOS
            if ours or os.environ.get("APIDRIFT_TRACEBACK") or verbosity() > NORMAL:
                raise
            # A file apidrift was told to write (a report folder that is a file, a full disk):
            # the user's environment, not a fault in apidrift.
            error(file_problem(exc))
            raise typer.Exit(2) from None
        except Exception as exc:
            # Typer's own exits and usage errors (from typer or the click it vendors) pass through.
            ours = type(exc).__module__.split(".")[0] in ("typer", "click")
            if ours or os.environ.get("APIDRIFT_TRACEBACK") or verbosity() > NORMAL:
                raise
            error(fault_message(exc))
            raise typer.Exit(3) from None


QUIET, NORMAL, VERBOSE = 0, 1, 2
# The collector's thresholds for a run (Python's default: 700, 10, 10): the young generation is
# collected every 100,000 container allocations instead of 700.
GC_THRESHOLDS = (100_000, 50, 100)
# This run's verbosity: set by the `--quiet`/`--verbose` every command has, read by what prints.
_VERBOSITY = [NORMAL]
_VERBOSITY_TYPED = [False]  # whether the level came from the command line


def verbosity() -> int:
    """QUIET (errors and what the command was asked to output only), NORMAL or VERBOSE (every example
    and, on a fault in apidrift itself, the traceback)."""
    return _VERBOSITY[0]


QuietOption = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help="Print only errors and what was asked for (reports are still written)."
    ),
]
VerboseOption = Annotated[
    bool, typer.Option("--verbose", "-v", help="Print more: every example of a reason, tracebacks of faults.")
]


def _record(level: int) -> Any:
    def callback(ctx: Any, param: Any, value: bool) -> bool:
        source = ctx.get_parameter_source(param.name)
        typed = source is not None and source.name == "COMMANDLINE"
        # `quiet = true` in the file yields to a typed --verbose (click may process it second).
        if value and (typed or not _VERBOSITY_TYPED[0]):
            _VERBOSITY[0] = level
            _VERBOSITY_TYPED[0] = typed
        return value

    return callback


@cache
def _verbosity_options() -> tuple[Any, Any]:
    """`--quiet` and `--verbose` as typer builds options (so configuration and help treat them like any
    other), recording the level instead of passing it to the command's function."""
    probe = typer.Typer()

    @probe.command()
    def _probe(quiet: QuietOption = False, verbose: VerboseOption = False) -> None:
        """Only here to have typer build the two options."""

    built = {param.name: param for param in typer.main.get_command(probe).params}
    quiet, verbose = built["quiet"], built["verbose"]
    for param, level in ((quiet, QUIET), (verbose, VERBOSE)):
        param.expose_value = False
        param.callback = _record(level)
    return quiet, verbose


def _add_verbosity(command: Any) -> None:
    for sub in getattr(command, "commands", {}).values():
        _add_verbosity(sub)
    if hasattr(command, "commands"):
        return
    for param in command.params:
        _refuse_non_finite(param)
    taken = {opt for param in command.params for opt in getattr(param, "opts", ())}
    for option in _verbosity_options():
        if not taken & set(option.opts):
            command.params.append(option)


def _refuse_non_finite(param: Any) -> None:
    """A number option given `nan` or `inf` (which every range check lets through) is a usage error:
    a deadline, a size or a rate must be a number."""
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if annotation is not float and float not in getattr(annotation, "__args__", ()):
        return
    inner = param.callback

    def callback(ctx: Any, this: Any, value: Any) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            raise typer.BadParameter(f"{value} is not a finite number")
        return inner(ctx, this, value) if inner is not None else value

    param.callback = callback


def _configured_defaults(loaded: dict[str, Any]) -> dict[str, Any] | None:
    """The `default_map` of the configuration that applies here, or None when there is none."""
    from apidrift.cli.config import default_map, every_option, find_config

    config = find_config(Path.cwd())
    if config is None:
        return None
    known = {key for command in loaded.values() for key in every_option(command)}
    every = loaded
    if not set(config.shared) <= known or not set(config.per_command) <= set(loaded):
        # A key the loaded command lacks: load them all to tell another command's option from a typo.
        from apidrift.cli import register

        register()
        every = dict(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    return default_map(config, loaded, every)


# Errors of the machine, not of apidrift, even where the operating system names no file (a write).
_ENVIRONMENT_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}
)


def file_problem(exc: OSError) -> str:
    """`FILE: cannot read or write: reason`, the one line an operating system error about a file prints."""
    target = exc.filename2 if exc.filename2 is not None else exc.filename
    reason = exc.strerror or type(exc).__name__
    if target is None:
        target = _path_written(exc)
    if target is None:
        return f"cannot write a file: {reason} (a full disk, a quota or a size limit?)"
    return f"{os.fsdecode(target)}: cannot read or write: {reason}"


def _path_written(exc: BaseException) -> Path | None:
    """The file a `Path.write_text` (or `open`) was writing when the error came: a write names none."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        candidate = tb.tb_frame.f_locals.get("self")
        if isinstance(candidate, Path):
            found = candidate
        tb = tb.tb_next
    return found


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

    return RichConsole(highlight=False, quiet=verbosity() == QUIET)


def _print_version(value: bool) -> None:
    if value:
        from apidrift._version import __version__

        typer.echo(f"apidrift {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Contract and schema-drift testing for APIs described by OpenAPI."""


ContractsOption = Annotated[
    Path | None, typer.Option("--contracts", help="Contracts root (default: the bundled contracts).")
]
ApiOption = Annotated[str, typer.Option("--api", help="API folder below the contracts root.")]


# What typer exits with when Ctrl-C (or SIGTERM, made one below) stopped a command.
INTERRUPTED_EXIT = 130


def error(message: str) -> None:
    """One line on stderr, never wrapped, so CI logs and greps see the file and pointer whole."""
    typer.echo(f"error: {message}", err=True)


def main() -> None:
    """Entry point: bad input is one clear line and exit 2, never a traceback."""
    # A run builds large trees that hold no cycles (parsed documents, contracts, flattened shapes):
    # at the default thresholds the collector walked them again and again, a tenth of the CPU of a
    # whole-document diff. Collections of the young made rarer; cycles are still collected.
    gc.set_threshold(*GC_THRESHOLDS)
    from apidrift.cli import register

    register(sys.argv[1:])
    # A CI cancel sends SIGTERM: treat it as Ctrl-C, so a run stops the way an interrupted one
    # does and still writes the report of everything gathered so far.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        app(standalone_mode=True)
    except ApidriftError as exc:  # raised outside a command (while parsing, say)
        error(str(exc))
        sys.exit(2)
    except SystemExit as exc:
        # Typer turns an interrupt that reached it into a silent 130; a command that had gathered
        # something wrote its report and said so itself, so this run had nothing to write.
        if exc.code == INTERRUPTED_EXIT:
            error("interrupted (Ctrl-C or SIGTERM) before anything was written")
        raise
