"""The OpenAI Admin API's simulator overlay: hand-written handlers over a seeded org, rendered per
documented version (state and handlers speak 2026-05-02; `render` adapts bodies to 2026-04-30).
Any other version is served by the generic engine, with the effects a contract cannot express."""

from __future__ import annotations

from typing import Any

from apidrift.apis.openai_admin.simulator import (  # noqa: F401  (each registers its handlers)
    ops_org,
    ops_projects,
    ops_roles,
)
from apidrift.apis.openai_admin.simulator.registry import HANDLERS
from apidrift.apis.openai_admin.simulator.render import NATIVE, check_renderable, render
from apidrift.apis.openai_admin.simulator.seed import seeded_org
from apidrift.apis.openai_admin.simulator.shared import clock, tables
from apidrift.simulator.overlay import Overlay


def _archive(project: dict[str, Any], now: int) -> None:
    """Archiving a project stamps it (the contract cannot say so); kept where the version documents it."""
    project["archived_at"] = now
    project["status"] = "archived"


OVERLAY = Overlay(
    handlers=HANDLERS,
    new_state=seeded_org,
    render=render,
    check_version=check_renderable,
    effects={"archive-project": _archive},
    tables=tables,
    clock=clock,
    native=NATIVE,
)
