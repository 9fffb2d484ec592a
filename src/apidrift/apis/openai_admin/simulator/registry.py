"""The handler table of the OpenAI Admin overlay; the ops_* modules fill it as they are imported."""

from __future__ import annotations

from apidrift.simulator.core import Body, Call, Handlers

HANDLERS = Handlers()
handles = HANDLERS.handles

__all__ = ["HANDLERS", "Body", "Call", "handles"]
