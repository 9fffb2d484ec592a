"""The `apidrift` command line: one module per command family, registered on one Typer app."""

from __future__ import annotations

from apidrift.cli.app import app, main

__all__ = ["app", "main", "register"]


def register() -> None:
    """Import the command modules (each adds its commands to `app`)."""
    from apidrift.cli import check, diff, live, report, sdk  # noqa: F401


if __name__ == "__main__":
    main()
