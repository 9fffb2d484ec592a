"""Generate recordings/openai-admin/<version>/: the documented example response of every operation.

Bodies are the official examples (`x-oaiMeta` of the 2026-05-13 OpenAPI document). Where the seed-004
documentation of a version shows the example differently, the body is adapted the way that version's
example shows it, and every adaptation is written into the recording's provenance with its evidence:
- 2026-05-02: six spec examples omit fields the 2026-05-02 docs require and show (`group_type`,
  invite `projects`); one operation (modify-project) has no example and takes retrieve-project's.
- 2026-04-30: the catalog's change sets undone at the value level (e.g. `results` -> `result`).

    python tools/build_seed_recordings.py [--spec PATH] [--out recordings]
"""

from __future__ import annotations

import argparse
import copy
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from apidrift.apis.openai_admin import ORGANIZATION_USER_ADDED_FIELDS, USAGE_OPERATIONS
from apidrift.check.recordings import Provenance, Recording, write_recordings
from apidrift.contracts.model import ContractStore, ContractVersion
from apidrift.openapi.convert import import_document, load_document
from seed_sources import OPERATION_SOURCES

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SPEC = ROOT.parent / "shared" / "openapi" / "openai-openapi-2026-05-13.yaml"
PATH_VALUES = {
    "project_id": "proj_abc",
    "user_id": "user_abc",
    "key_id": "key_abc",
    "api_key_id": "key_abc",
    "invite_id": "invite-abc",
    "group_id": "group_01J1F8ABCDXYZ",
    "role_id": "role_01J1F8ROLE01",
    "service_account_id": "svc_acct_abc",
    "rate_limit_id": "rl-ada",
}
QUERY_VALUES = {"start_time": "1730419200"}
Body = Any
Adapter = Callable[[Body], str]


def items(body: Body, path: str) -> Iterator[dict[str, Any]]:
    """The objects at a dotted path where `[]` steps into every array element (`data[].owner`)."""
    nodes: list[Any] = [body]
    for part in filter(None, path.split(".")):
        name, many = part.removesuffix("[]"), part.endswith("[]")
        nxt = []
        for node in nodes:
            if isinstance(node, dict) and name in node:
                value = node[name]
                nxt.extend(value if many and isinstance(value, list) else [value])
        nodes = nxt
    yield from (n for n in nodes if isinstance(n, dict))


def rename_key(where: str, old: str, new: str, evidence: str) -> Adapter:
    def apply(body: Body) -> str:
        for node in items(body, where):
            if old in node:
                node_items = [((new if k == old else k), v) for k, v in node.items()]
                node.clear()
                node.update(node_items)
        return f"{join(where, old)} -> {new} ({evidence})"

    return apply


def set_key(where: str, key: str, value: Any, evidence: str) -> Adapter:
    def apply(body: Body) -> str:
        for node in items(body, where):
            node[key] = copy.deepcopy(value)
        return f"set {join(where, key)} = {value!r} ({evidence})"

    return apply


def drop_keys(where: str, keys: tuple[str, ...], evidence: str) -> Adapter:
    def apply(body: Body) -> str:
        for node in items(body, where):
            for key in keys:
                node.pop(key, None)
        return f"removed {', '.join(join(where, k) for k in keys)} ({evidence})"

    return apply


def join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


NEW_USER_FIELDS = ORGANIZATION_USER_ADDED_FIELDS
INVITE_PROJECTS = [{"id": "id", "role": "member"}]
# The 2026-05-02 OrganizationUser example of seed 004 (new §39 l.127-157) shows every new field.
NEW_USER_VALUES = {
    "api_key_last_used_at": 0,
    "created": 0,
    "developer_persona": "developer_persona",
    "is_default": True,
    "is_scale_tier_authorized_purchaser": True,
    "is_scim_managed": True,
    "is_service_account": True,
    "projects": {"data": [{"id": "id", "name": "name", "role": "role"}], "object": "list"},
    "technical_level": "technical_level",
    "user": {
        "id": "id",
        "object": "user",
        "banned": True,
        "banned_at": 0,
        "email": "email",
        "enabled": True,
        "name": "name",
        "picture": "picture",
    },
}


def add_new_user_fields(where: str) -> Adapter:
    def apply(body: Body) -> str:
        for node in items(body, where):
            for key, value in NEW_USER_VALUES.items():
                node.setdefault(key, copy.deepcopy(value))
        return f"added the 10 new OrganizationUser fields at {where or '(root)'} (seed004 new §39 l.127-157)"

    return apply


# Seed 004 new-side examples show these fields; the 2026-05-13 spec examples lack them.
NEW_FIXES: dict[str, list[Adapter]] = {
    "create-group": [set_key("", "group_type", "group_type", "seed004 new §8 l.82")],
    "list-groups": [set_key("data[]", "group_type", "group_type", "seed004 new §9 l.56")],
    "list-project-groups": [set_key("data[]", "group_type", "group_type", "seed004 new §26")],
    "add-project-group": [set_key("", "group_type", "group_type", "seed004 new §25")],
    "list-invites": [set_key("data[]", "projects", INVITE_PROJECTS, "seed004 new §14 example")],
    "retrieve-invite": [set_key("", "projects", INVITE_PROJECTS, "seed004 new §15 example")],
    "list-users": [add_new_user_fields("data[]")],
    "retrieve-user": [add_new_user_fields("")],
    "modify-user": [add_new_user_fields("")],
    "assign-user-role": [add_new_user_fields("user")],
    "assign-project-user-role": [add_new_user_fields("user")],
}

_USAGE = [rename_key("data[]", "results", "result", "CS-US; seed004 old §36 example l.11762")]
_OU = "CS-OU; seed004 old §37 OrganizationUser has 6 fields"
_PKO = [
    rename_key("data[].owner.user", "created_at", "added_at", "CS-PKO; seed004 old §23"),
    set_key("data[].owner.user", "object", "organization.project.user", "CS-PKO; ProjectUser.object"),
    set_key("data[].owner.service_account", "object", "organization.project.service_account", "CS-PKO"),
]
OLD_ADAPTATIONS: dict[str, list[Adapter]] = {
    "list-groups": [drop_keys("data[]", ("group_type",), "CS-GRP: no group_type on 2026-04-30")],
    "create-group": [drop_keys("", ("group_type",), "CS-GRP")],
    "list-project-groups": [drop_keys("data[]", ("group_type",), "CS-PG")],
    "add-project-group": [drop_keys("", ("group_type",), "CS-PG")],
    "list-group-users": [
        set_key("data[]", "object", "organization.user", "CS-GU; seed004 old §11 l.121"),
        set_key("data[]", "role", "owner", "CS-GU; seed004 old §11 l.125"),
        set_key("data[]", "added_at", 1711471533, "CS-GU; seed004 old §11 l.126"),
    ],
    "list-invites": [rename_key("data[]", "created_at", "invited_at", "CS-INV; seed004 old §14 l.3957")],
    "inviteUser": [rename_key("", "created_at", "invited_at", "CS-INV; seed004 old §13 l.3745")],
    "retrieve-invite": [rename_key("", "created_at", "invited_at", "CS-INV; seed004 old §15 l.4151")],
    "list-projects": [drop_keys("data[]", ("external_key_id",), "CS-PROJ")],
    **{
        op: [drop_keys("", ("external_key_id",), "CS-PROJ")]
        for op in ("create-project", "retrieve-project", "modify-project", "archive-project")
    },
    "admin-api-keys-list": [
        set_key("data[]", "value", "sk-admin-1234abcd", "CS-AK: old list example, seed004 l.137")
    ],
    "admin-api-keys-get": [
        set_key("", "value", "sk-admin-1234abcd", "CS-AK: old retrieve example, seed004 l.408-427")
    ],
    "create-project-user": [
        set_key("", "name", "name", "CS-PU: name required on 2026-04-30; seed004 old §31 l.80")
    ],
    "list-users": [drop_keys("data[]", NEW_USER_FIELDS, _OU)],
    "retrieve-user": [drop_keys("", NEW_USER_FIELDS, _OU)],
    "modify-user": [drop_keys("", NEW_USER_FIELDS, _OU)],
    "assign-user-role": [drop_keys("user", NEW_USER_FIELDS, _OU)],
    "assign-project-user-role": [drop_keys("user", NEW_USER_FIELDS, _OU)],
    "list-project-api-keys": _PKO,
    "retrieve-project-api-key": [
        rename_key("owner.user", "created_at", "added_at", "CS-PKO; seed004 old §24 l.9271"),
        set_key("owner.user", "object", "organization.project.user", "CS-PKO"),
        set_key("owner.service_account", "object", "organization.project.service_account", "CS-PKO"),
    ],
    **{
        op: [
            set_key("", "object", "list", "CS-PC: a list on 2026-04-30"),
            set_key("", "has_more", False, "CS-PC"),
        ]
        for op in ("activateProjectCertificates", "deactivateProjectCertificates")
    },
    **dict.fromkeys(USAGE_OPERATIONS, _USAGE),
}


def concrete_path(template: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES[m.group(1)], template)


def build(version: ContractVersion, examples: dict[str, Any], spec_label: str) -> list[tuple[str, Recording]]:
    out = []
    for op_id, op in sorted(version.operations.items()):
        source_op = "retrieve-project" if op_id not in examples and op_id == "modify-project" else op_id
        body = copy.deepcopy(examples[source_op])
        adapted = []
        if source_op != op_id:
            adapted.append(f"the spec documents no example for {op_id}; {source_op}'s (same response type)")
        fixes = NEW_FIXES.get(op_id, [])
        if version.version == "2026-04-30":
            fixes = [*fixes, *OLD_ADAPTATIONS.get(op_id, [])]
        adapted += [fix(body) for fix in fixes]
        query = {p.name: QUERY_VALUES[p.name] for p in op.query_params if p.required}
        recording = Recording(
            operation=op_id,
            method=op.method,
            path=concrete_path(op.path),
            status=200,
            headers={"content-type": "application/json"},
            query=query,
            body=body,
            provenance=Provenance(
                source=f"{spec_label} x-oaiMeta example of {source_op}",
                version=version.version,
                adapted=adapted,
            ),
        )
        out.append((f"{op_id}.json", recording))
    return out


def spec_examples(spec: Path) -> dict[str, Any]:
    """The documented example body of each seed operation, from the spec's `x-oaiMeta`."""
    imported = import_document(
        load_document(spec),
        api="openai-admin",
        version="spec",
        select=lambda op_id, method, path: op_id in OPERATION_SOURCES,
    )
    return {e.operation_id: e.body for e in imported.examples}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    parser.add_argument("--out", type=Path, default=ROOT / "recordings")
    args = parser.parse_args()
    imported = import_document(
        load_document(args.spec),
        api="openai-admin",
        version="spec",
        select=lambda op_id, method, path: op_id in OPERATION_SOURCES,
    )
    examples = {e.operation_id: e.body for e in imported.examples}
    store = ContractStore(ROOT / "contracts")
    for label in store.labels():
        folder = args.out / "openai-admin" / label
        shutil.rmtree(folder, ignore_errors=True)
        recordings = build(store.load(label), examples, "openapi 2026-05-13")
        write_recordings(folder, recordings)
        print(f"{label}: {len(recordings)} recordings")


if __name__ == "__main__":
    main()
