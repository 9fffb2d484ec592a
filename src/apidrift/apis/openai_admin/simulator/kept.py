"""Why each hand-written handler of the OpenAI overlay stays: the behaviour it adds that a contract
cannot express. Every other operation of the versions the overlay speaks is answered by the generic
engine from the overlay's shared org tables (`shared.py`), including what it learns from documented
parameters (list filters, `include_archived`, the documented order, usage buckets per `group_by` and
filters), from the diff (the invites' 2026-04-30 rename) and from the profile's `[simulation.locks]`
(archived projects, SCIM-managed groups); a test holds the handler set to this table."""

from __future__ import annotations

from typing import Final

_SECRET = "generates a key whose value is shown once, in this answer only"
_CASCADE = "removes what depends on it elsewhere in the org (memberships, role assignments, keys)"
_MEMBERS = "checks the user/group/role it links exist in the org and are not linked twice"
_VIEW = "answers a view joined from several org tables (memberships, roles), not a stored item"
_OWNER = "a key's owner is joined from users and service accounts (CS-PKO per version)"
_CUSTOM = "only custom roles change; a role's name is unique in its table"

KEPT: Final[dict[str, str]] = {
    # admin API keys, service accounts, invites
    "admin-api-keys-create": _SECRET,
    "create-project-service-account": _SECRET + " (and issues the account's project key)",
    "delete-project-service-account": _CASCADE,
    "inviteUser": "refuses an email already a member and projects the org lacks; stamps expiry",
    # projects
    "create-project": "seeds the new project's roles, rate limits and owner membership",
    "archive-project": "archiving stamps archived_at/status (then the profile's lock refuses writes)",
    "create-project-user": _MEMBERS,
    "delete-project-user": _CASCADE,
    "list-project-api-keys": _OWNER,
    "retrieve-project-api-key": _OWNER,
    "delete-project-api-key": "a service account's key is refused: it goes with its account",
    "list-project-groups": _VIEW,
    "add-project-group": _MEMBERS,
    "remove-project-group": _CASCADE,
    "activateProjectCertificates": "flips `active` on the named certificates (each must exist)",
    "deactivateProjectCertificates": "flips `active` on the named certificates (each must exist)",
    # users and groups
    "list-users": _VIEW + " (each user's projects)",
    "retrieve-user": _VIEW + " (the user's projects)",
    "modify-user": "a role_id assigns that org role (which must exist) besides the fields",
    "delete-user": _CASCADE,
    "list-user-role-assignments": _VIEW,
    "assign-user-role": _MEMBERS,
    "unassign-user-role": _MEMBERS,
    "create-group": "opens the group's member and role tables",
    "delete-group": _CASCADE,
    "list-group-users": _VIEW,
    "add-group-user": _MEMBERS,
    "remove-group-user": _MEMBERS,
    "list-group-role-assignments": _VIEW,
    "assign-group-role": _MEMBERS,
    "unassign-group-role": _MEMBERS,
    # roles
    "create-role": _CUSTOM,
    "update-role": _CUSTOM,
    "delete-role": _CUSTOM + "; " + _CASCADE,
    "create-project-role": _CUSTOM,
    "update-project-role": _CUSTOM,
    "delete-project-role": _CUSTOM + "; " + _CASCADE,
    "list-project-user-role-assignments": _VIEW,
    "assign-project-user-role": _MEMBERS,
    "unassign-project-user-role": _MEMBERS,
    "list-project-group-role-assignments": _VIEW,
    "assign-project-group-role": _MEMBERS,
    "unassign-project-group-role": _MEMBERS,
}
