"""Facts about the OpenAI Admin API's documented versions that code beside the contracts needs.

The generators in tools/, the simulator's renderer and the tests all speak of these; one place
keeps them from drifting apart.
"""

from __future__ import annotations

from typing import Final

# The eight usage endpoints and costs, as operation ids: one bucket shape for all nine (seed 004 §36).
USAGE_OPERATIONS: Final = tuple(
    f"usage-{name}"
    for name in (
        "audio-speeches",
        "audio-transcriptions",
        "code-interpreter-sessions",
        "completions",
        "embeddings",
        "images",
        "moderations",
        "vector-stores",
        "costs",
    )
)

# The fields OrganizationUser gained on 2026-05-02 (seed-004 catalog, change set CS-OU).
ORGANIZATION_USER_ADDED_FIELDS: Final = (
    "api_key_last_used_at",
    "created",
    "developer_persona",
    "is_default",
    "is_scale_tier_authorized_purchaser",
    "is_scim_managed",
    "is_service_account",
    "projects",
    "technical_level",
    "user",
)
