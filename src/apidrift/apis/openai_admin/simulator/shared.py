"""What the OpenAI overlay shares with the generic engine for the versions its handlers speak: the
seeded org's tables (so an operation without a handler reads and writes the same org) and the rules a
contract cannot state, checked before the engine answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from apidrift.apis.openai_admin.simulator.state import Entity, OrgState
from apidrift.simulator.errors import not_found

Table = dict[str, Entity]
_P: Final = "/organization/projects/{project_id}"

# Collection path -> its table in the org; only collections whose items are stored as served.
_ORG: Final[dict[str, Callable[[OrgState], Table]]] = {
    "/organization/projects": lambda s: s.projects,
    "/organization/users": lambda s: s.users,
    "/organization/invites": lambda s: s.invites,
    "/organization/admin_api_keys": lambda s: s.admin_keys,
    "/organization/groups": lambda s: s.groups,
    "/organization/roles": lambda s: s.roles,
    "/organization/audit_logs": lambda s: s.audit_logs,
}
_PER_PROJECT: Final[dict[str, Callable[[OrgState], dict[str, Table]]]] = {
    f"{_P}/rate_limits": lambda s: s.rate_limits,
    f"{_P}/users": lambda s: s.project_users,
    f"{_P}/service_accounts": lambda s: s.service_accounts,
    "/projects/{project_id}/roles": lambda s: s.project_roles,
    f"{_P}/certificates": lambda s: s.certificates,
}


def tables(state: object, path: str, parents: tuple[str, ...]) -> Table | None:
    """The org's live table of a collection (None: not one the org holds as served); a 404 for a
    project the org does not have."""
    if not isinstance(state, OrgState):
        return None
    if path in _ORG:
        return _ORG[path](state)
    if path in _PER_PROJECT and parents:
        if parents[0] not in state.projects:
            raise not_found("project", parents[0], "project_id")
        return _PER_PROJECT[path](state).setdefault(parents[0], {})
    return None


def clock(state: object) -> int | None:
    """The org's own now (its seeded history ends there), not the wall clock's."""
    return state.time() if isinstance(state, OrgState) else None
