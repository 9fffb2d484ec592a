"""Response links (OpenAPI `links`): a link is a promise to readers that a value of this response
leads to another operation. Added, removed, or pointing elsewhere (another operation or other
parameters)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apidrift.contracts.model import ResponseSpec
from apidrift.diff.changes import Change, ChangeKind, Rule, Severity, Side
from apidrift.diff.fields import ChangeContext

K, S = ChangeKind, Side
W, INFO = Severity.WARNING, Severity.INFO
FAMILY = "links"
# What a link says about where it leads; its description and server say nothing a reader follows.
TARGET = ("operationId", "operationRef", "parameters", "requestBody")

RULES = (
    Rule(K.LINK_ADDED, S.RESPONSE, INFO, "readers that do not follow it are unaffected"),
    Rule(K.LINK_REMOVED, S.RESPONSE, W, "readers that follow the link lose the way to the next call"),
    Rule(
        K.LINK_CHANGED,
        S.RESPONSE,
        W,
        "the link leads to another operation or passes other values: followers call something else",
    ),
)


def check(ctx: ChangeContext, old: ResponseSpec, new: ResponseSpec) -> list[Change]:
    """One change per link added, removed, or whose target or parameters moved (by link name)."""
    a, b = old.links, new.links
    if a == b:
        return []
    changes = []
    for name in sorted(a.keys() - b.keys()):
        changes.append(ctx.change(K.LINK_REMOVED, name, _target(a[name]), None, f"link {name} removed"))
    for name in sorted(b.keys() - a.keys()):
        changes.append(ctx.change(K.LINK_ADDED, name, None, _target(b[name]), f"link {name} added"))
    for name in sorted(a.keys() & b.keys()):
        before, after = _target(a[name]), _target(b[name])
        if before != after:
            moved = ", ".join(k for k in TARGET if before.get(k) != after.get(k))
            message = f"link {name} changed its {moved}"
            changes.append(ctx.change(K.LINK_CHANGED, name, before, after, message))
    return changes


def _target(link: Any) -> dict[str, Any]:
    """The parts of a link that say where it leads (an unreadable link is compared as nothing)."""
    if not isinstance(link, Mapping):
        return {}
    return {k: link[k] for k in TARGET if k in link}
