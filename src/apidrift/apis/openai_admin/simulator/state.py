"""The simulated organization's state: version-neutral entities and deterministic sources.

Entities are plain dicts in the 2026-05-02 shape; keys starting with `_` are bookkeeping that is never
served (the renderer strips them). Every timestamp derives from `T0`, every id and secret from a
`random.Random(seed)`; `seed.seeded_org` fills a fresh state with the seed data.
"""

from __future__ import annotations

import random
import string
from typing import Any, Final

Entity = dict[str, Any]

DAY: Final = 86_400
T0: Final = 1_735_689_600  # 2025-01-01T00:00:00Z, the org's founding
NOW: Final = T0 + 60 * DAY  # the simulated "now"; writes are stamped just after it

_ALNUM: Final = string.ascii_letters + string.digits


class OrgState:
    """Everything the simulated org holds; handlers read and mutate it, renderers never do."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self._clock = NOW
        self.projects: dict[str, Entity] = {}
        self.users: dict[str, Entity] = {}
        self.invites: dict[str, Entity] = {}
        self.project_users: dict[str, dict[str, Entity]] = {}
        self.service_accounts: dict[str, dict[str, Entity]] = {}
        self.api_keys: dict[str, dict[str, Entity]] = {}
        self.rate_limits: dict[str, dict[str, Entity]] = {}
        self.groups: dict[str, Entity] = {}
        self.group_users: dict[str, dict[str, int]] = {}
        self.roles: dict[str, Entity] = {}
        self.project_roles: dict[str, dict[str, Entity]] = {}
        self.user_roles: dict[str, list[str]] = {}
        self.group_roles: dict[str, list[str]] = {}
        self.project_user_roles: dict[tuple[str, str], list[str]] = {}
        self.project_group_roles: dict[tuple[str, str], list[str]] = {}
        self.project_groups: dict[str, dict[str, Entity]] = {}
        self.certificates: dict[str, dict[str, Entity]] = {}
        self.audit_logs: dict[str, Entity] = {}  # newest first
        self.admin_keys: dict[str, Entity] = {}

    # --- deterministic sources -----------------------------------------------------------

    def time(self) -> int:
        """The org's now, as it stands (no write is stamped by asking)."""
        return self._clock

    def now(self) -> int:
        """The timestamp of the next write: one second after the previous one."""
        self._clock += 1
        return self._clock

    def new_id(self, prefix: str, length: int = 20) -> str:
        return prefix + "".join(self.rng.choices(_ALNUM, k=length))

    def secret(self, prefix: str) -> str:
        """An obviously fake secret (`sk-svcacct-apidrift-fake-…`): generated, never a real key."""
        return f"{prefix}apidrift-fake-" + "".join(self.rng.choices(_ALNUM, k=32))

    def add_project(self, project: Entity) -> None:
        """A project, with an empty table for each thing that lives inside projects."""
        pid = str(project["id"])
        self.projects[pid] = project
        for table in (
            self.project_users,
            self.service_accounts,
            self.api_keys,
            self.rate_limits,
            self.project_groups,
            self.certificates,
            self.project_roles,
        ):
            table[pid] = {}

    # --- lookups used by several handlers ------------------------------------------------

    def user_projects(self, user_id: str) -> list[tuple[Entity, Entity]]:
        """(project, membership) pairs of one user, in project order."""
        return [
            (self.projects[pid], members[user_id])
            for pid, members in self.project_users.items()
            if user_id in members and pid in self.projects
        ]


def redact(secret: str) -> str:
    """`sk-proj-abc…xyz` as the API shows keys after creation: a prefix, an ellipsis, the last 4."""
    return f"{secret[:8]}...{secret[-4:]}"


def new_key(
    state: OrgState, pid: str, name: str, created: int, owner_type: str, owner_id: str
) -> tuple[Entity, str]:
    """Store a project API key owned by a project user or service account; return it and its secret."""
    kid = state.new_id("key_", 16)
    secret = state.secret("sk-svcacct-" if owner_type == "service_account" else "sk-proj-")
    key = {
        "object": "organization.project.api_key",
        "redacted_value": redact(secret),
        "name": name,
        "created_at": created,
        "last_used_at": None if state.rng.random() < 0.3 else created + DAY,
        "id": kid,
        "_owner_type": owner_type,
        "_owner_id": owner_id,
    }
    state.api_keys[pid][kid] = key
    return key, secret
