"""The `apidrift` command line: one module per command family, registered on one Typer app."""

from __future__ import annotations

from apidrift.cli.app import app, main

__all__ = ["app", "main", "register"]


# Which module defines each command: a run imports only its own (the others cost startup time).
COMMANDS = {
    "check": "check",
    "contracts": "check",
    "diff": "diff",
    "serve": "live",
    "cleanup": "live",
    "report": "report",
    "sdk-check": "sdk",
    "import-openapi": "openapi",
    "history": "history",
    "baseline": "history",
    "fuzz": "fuzz",
    "proxy": "proxy",
}


def register(argv: list[str] | None = None) -> None:
    """Import the command modules (each adds its commands to `app`); only the invoked one when known."""
    import importlib

    words = [a for a in (argv or []) if not a.startswith("-")]
    if words and words[0] in COMMANDS:
        importlib.import_module(f"apidrift.cli.{COMMANDS[words[0]]}")
        return
    if not words and "--version" in (argv or []):
        return  # answered by the root callback before any command is looked up (0.9 s of imports)
    from apidrift.cli import check, diff, fuzz, history, live, openapi, proxy, report, sdk  # noqa: F401


if __name__ == "__main__":
    main()
