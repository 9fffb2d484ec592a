"""Generate the two seed-004 contract versions (2026-04-30, 2026-05-02) and their index.

2026-05-02 is the official OpenAPI document of 2026-05-13 (the nearest real spec), limited to the
operations the seeds document, with schema names aligned to the seed's SDK type names and the
owner/certificate types inlined as the seed shows them. 2026-04-30 is 2026-05-02 with every change of
`../shared/seeds/derived/seed004-catalog.md` undone, change set by change set (CS-* below), so the
two versions differ exactly as the catalog says. Run from the repository root:

    python tools/build_seed_contracts.py [--spec PATH] [--out contracts]
"""

from __future__ import annotations

import argparse
import copy
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from apidrift.apis.openai_admin import ORGANIZATION_USER_ADDED_FIELDS
from apidrift.contracts.model import DEFS_PREFIX, ContractVersion, JSONSchema, Parameter
from apidrift.openapi.convert import import_document, load_document
from seed_sources import OPERATION_SOURCES, SEED_DOCUMENTS

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SPEC = ROOT.parent / "shared" / "openapi" / "openai-openapi-2026-05-13.yaml"
API = "openai-admin"

# OpenAPI component name -> the SDK type name seed 004 uses on its 2026-05-02 side.
NEW_NAMES = {
    "AdminApiKey": "AdminAPIKey",
    "AdminApiKeyCreateResponse": "AdminAPIKeyCreateResponse",
    "ApiKeyList": "AdminAPIKeyList",
    "GroupResponse": "Group",
    "Group": "RoleAssignmentGroup",
    "GroupUser": "OrganizationGroupUser",
    "User": "OrganizationUser",
    "ListAuditLogsResponse": "AuditLogListResponse",
    "UsageCompletionsResult": "OrganizationUsageCompletionsResult",
    "UsageEmbeddingsResult": "OrganizationUsageEmbeddingsResult",
    "UsageModerationsResult": "OrganizationUsageModerationsResult",
    "UsageImagesResult": "OrganizationUsageImagesResult",
    "UsageAudioSpeechesResult": "OrganizationUsageAudioSpeechesResult",
    "UsageAudioTranscriptionsResult": "OrganizationUsageAudioTranscriptionsResult",
    "UsageVectorStoresResult": "OrganizationUsageVectorStoresResult",
    "UsageCodeInterpreterSessionsResult": "OrganizationUsageCodeInterpreterSessionsResult",
    "CostsResult": "OrganizationCostsResult",
}
# CS-US: the usage union members were renamed between the versions.
OLD_USAGE_NAMES = {
    new: new.removeprefix("Organization")
    for new in NEW_NAMES.values()
    if new.startswith("OrganizationUsage") or new == "OrganizationCostsResult"
}
CERTIFICATE_TYPES = {
    "listProjectCertificates": "CertificateListResponse",
    "activateProjectCertificates": "CertificateActivateResponse",
    "deactivateProjectCertificates": "CertificateDeactivateResponse",
}
PAGE_LISTS = (  # CS-PAGE and CS-AUD: first_id/last_id were required strings on 2026-04-30
    "ProjectListResponse",
    "ProjectUserListResponse",
    "ProjectServiceAccountListResponse",
    "ProjectApiKeyListResponse",
    "ProjectRateLimitListResponse",
    "UserListResponse",
    "AuditLogListResponse",
)


def ref(name: str, local: bool = True) -> JSONSchema:
    return {"$ref": ("#/$defs/" if local else DEFS_PREFIX) + name}


class Editor:
    """Small, checked edits on the schemas of a contract version; every miss is an error."""

    def __init__(self, version: ContractVersion) -> None:
        self.version = version

    def node(self, location: str) -> JSONSchema:
        """`Name.a.b[].c` names a schema inside `Name`; `op:ID:STATUS` an operation's response root."""
        head, *parts = location.split(".")
        if head.startswith("op:"):
            _, op_id, status = head.split(":")
            schema = self.version.operations[op_id].responses[status].schema
            assert schema is not None, location
            node: JSONSchema = schema
        else:
            node = self.version.schemas[head]
        for part in parts:
            name, items = part.removesuffix("[]"), part.endswith("[]")
            node = _object_branch(node)["properties"][name]
            if items:
                node = _object_branch(node)["items"]
        return _object_branch(node)

    def props(self, location: str) -> dict[str, JSONSchema]:
        return self.node(location)["properties"]  # type: ignore[no-any-return]

    def set_required(self, location: str, name: str, required: bool) -> None:
        node = self.node(location)
        assert name in node["properties"], (location, name)
        names = [n for n in node.get("required", []) if n != name]
        if required:
            names.append(name)
        node["required"] = [n for n in node["properties"] if n in names]
        if not node["required"]:
            node.pop("required")

    def rename(self, location: str, old: str, new: str) -> None:
        node = self.node(location)
        node["properties"] = {(new if k == old else k): v for k, v in node["properties"].items()}
        if "required" in node:
            node["required"] = [new if n == old else n for n in node["required"]]

    def remove(self, location: str, name: str) -> JSONSchema:
        node = self.node(location)
        removed = node["properties"].pop(name)
        if name in node.get("required", []):
            node["required"].remove(name)
        return removed  # type: ignore[no-any-return]

    def add(self, location: str, name: str, schema: JSONSchema, required: bool) -> None:
        self.props(location)[name] = schema
        self.set_required(location, name, required)

    def retype(self, location: str, name: str, schema: JSONSchema) -> None:
        props = self.props(location)
        assert name in props, (location, name)
        props[name] = schema


def _object_branch(node: JSONSchema) -> JSONSchema:
    """The non-null member of a nullable `anyOf`, else the node itself."""
    members = node.get("anyOf")
    if isinstance(members, list):
        real = [m for m in members if m != {"type": "null"}]
        if len(real) == 1:
            return real[0]  # type: ignore[no-any-return]
    return node


def _set_response_ref(version: ContractVersion, op_id: str, name: str) -> None:
    op = version.operations[op_id]
    spec = op.responses["200"]
    version.operations[op_id] = replace(
        op, responses={**op.responses, "200": replace(spec, schema=ref(name, local=False))}
    )


def build_new(spec_path: Path) -> ContractVersion:
    document = load_document(spec_path)
    imported = import_document(
        document,
        api=API,
        version="2026-05-02",
        select=lambda op_id, method, path: op_id in OPERATION_SOURCES,
        rename=lambda name: NEW_NAMES.get(name, name),
        source="openapi 2026-05-13",
        file=str(spec_path),
    )
    version = imported.version
    missing = set(OPERATION_SOURCES) - set(version.operations)
    assert not missing, f"operations missing from the spec: {sorted(missing)}"
    edit = Editor(version)
    defs = version.schemas
    # CS-PKO: the 2026-05-02 docs show the project API key owner's user/service account inline.
    owner = edit.props("ProjectApiKey.owner")
    owner["user"] = copy.deepcopy(defs.pop("ProjectApiKeyOwnerUser"))
    owner["service_account"] = copy.deepcopy(defs.pop("ProjectApiKeyOwnerServiceAccount"))
    # CS-PC: each certificate operation has its own item type on 2026-05-02.
    item = defs.pop("OrganizationProjectCertificate")
    for op_id, name in CERTIFICATE_TYPES.items():
        defs[name] = copy.deepcopy(item)
        op_schema = version.operations[op_id].responses["200"].schema
        assert op_schema is not None
        envelope = defs[op_schema["$ref"].removeprefix(DEFS_PREFIX)]
        envelope["properties"]["data"]["items"] = ref(name)
    # Seed 004 cannot express nullability and the catalog finds no nullability change, so a type that
    # replaced another keeps the nullability of the fields it took over (the spec differs only here).
    nullable_string = {"anyOf": [{"type": "string"}, {"type": "null"}]}
    for location, names in (
        ("OrganizationGroupUser", ("name",)),
        ("ProjectApiKey.owner.user", ("email", "name")),
    ):
        for name in names:
            description = edit.props(location)[name].get("description")
            edit.retype(
                location, name, {**nullable_string, **({"description": description} if description else {})}
            )
    version = replace(
        version,
        date="2026-05-02",
        description="OpenAI Admin API as documented on 2026-05-02 (seed 004, new side)",
        sources=_sources("new"),
    )
    _attach_sources(version)
    return version


def build_old(new: ContractVersion) -> ContractVersion:
    old = replace(
        copy.deepcopy(new),
        version="2026-04-30",
        date="2026-04-30",
        description="OpenAI Admin API as documented on 2026-04-30 (seed 004, old side)",
        sources=_sources("old"),
    )
    edit = Editor(old)
    defs = old.schemas

    # CS-AK: AdminAPIKey
    edit.set_required("AdminAPIKey", "last_used_at", True)
    edit.set_required("AdminAPIKey", "name", True)
    edit.retype("AdminAPIKey", "object", _plain(edit.props("AdminAPIKey")["object"]))
    edit.add(
        "AdminAPIKey",
        "value",
        {"type": "string", "description": "The value of the API key. Only shown on create."},
        False,
    )
    # CS-AKL: admin-key list envelope
    for name in ("data", "has_more", "object"):
        edit.set_required("AdminAPIKeyList", name, False)
    edit.retype("AdminAPIKeyList", "object", _plain(edit.props("AdminAPIKeyList")["object"]))
    # CS-AKC: the create response was the AdminAPIKey itself (with its optional value)
    _set_response_ref(old, "admin-api-keys-create", "AdminAPIKey")
    del defs["AdminAPIKeyCreateResponse"]
    # CS-AKD: delete response
    for name in ("id", "deleted", "object"):
        edit.set_required("op:admin-api-keys-delete:200", name, False)
    props = edit.props("op:admin-api-keys-delete:200")
    props["object"] = _plain(props["object"])

    # CS-AUD and CS-PAGE: actor required; first_id/last_id required strings
    edit.set_required("AuditLog", "actor", True)
    for envelope in PAGE_LISTS:
        for name in ("first_id", "last_id"):
            edit.set_required(envelope, name, True)

    # CS-GRP, CS-PG: no group_type
    edit.remove("Group", "group_type")
    edit.remove("ProjectGroup", "group_type")

    # CS-GU: group users were OrganizationUser items (the 2026-04-30 shape, built below)
    users_list = version_op_envelope(old, "list-group-users")
    edit.props(users_list)["data"]["items"] = ref("OrganizationUser")
    del defs["OrganizationGroupUser"]

    # CS-INV, CS-INVL: Invite
    edit.rename("Invite", "created_at", "invited_at")
    edit.set_required("Invite", "expires_at", True)
    edit.set_required("Invite", "projects", False)
    edit.set_required("Invite.projects[]", "id", False)
    edit.set_required("Invite.projects[]", "role", False)
    edit.set_required("InviteListResponse", "has_more", False)

    # CS-PROJ: Project, and the project request bodies
    edit.set_required("Project", "name", True)
    edit.set_required("Project", "status", True)
    edit.retype("Project", "status", _with_enum(edit.props("Project")["status"], ["active", "archived"]))
    edit.remove("Project", "external_key_id")
    edit.remove("ProjectCreateRequest", "external_key_id")
    geography = edit.props("ProjectCreateRequest")["geography"]
    edit.retype(
        "ProjectCreateRequest",
        "geography",
        _with_enum(geography, ["US", "EU", "JP", "IN", "KR", "CA", "AU", "SG"]),
    )
    edit.set_required("ProjectUpdateRequest", "name", True)
    edit.remove("ProjectUpdateRequest", "external_key_id")
    edit.remove("ProjectUpdateRequest", "geography")

    # CS-PU: ProjectUser and its request bodies
    edit.set_required("ProjectUser", "email", True)
    edit.set_required("ProjectUser", "name", True)
    edit.retype("ProjectUser", "role", _with_enum(edit.props("ProjectUser")["role"], ["owner", "member"]))
    edit.retype(
        "ProjectUserCreateRequest",
        "role",
        _with_enum(edit.props("ProjectUserCreateRequest")["role"], ["owner", "member"]),
    )
    edit.remove("ProjectUserCreateRequest", "email")
    edit.set_required("ProjectUserCreateRequest", "user_id", True)
    edit.set_required("ProjectUserUpdateRequest", "role", True)
    edit.retype(
        "ProjectUserUpdateRequest",
        "role",
        _with_enum(edit.props("ProjectUserUpdateRequest")["role"], ["owner", "member"]),
    )

    # CS-OU: OrganizationUser and the org-user update body
    edit.set_required("OrganizationUser", "email", True)
    edit.set_required("OrganizationUser", "name", True)
    edit.set_required("OrganizationUser", "role", True)
    edit.retype(
        "OrganizationUser", "role", _with_enum(edit.props("OrganizationUser")["role"], ["owner", "reader"])
    )
    for name in ORGANIZATION_USER_ADDED_FIELDS:
        edit.remove("OrganizationUser", name)
    edit.set_required("UserRoleUpdateRequest", "role", True)
    edit.retype(
        "UserRoleUpdateRequest",
        "role",
        _with_enum(edit.props("UserRoleUpdateRequest")["role"], ["owner", "reader"]),
    )
    for name in ("developer_persona", "role_id", "technical_level"):
        edit.remove("UserRoleUpdateRequest", name)

    # CS-PKO: the key owner's user/service account were the ProjectUser / ProjectServiceAccount types
    owner = edit.props("ProjectApiKey.owner")
    owner["user"] = ref("ProjectUser")
    owner["service_account"] = ref("ProjectServiceAccount")

    # CS-PC: one Certificate type with three object values, optional active, and PEM content
    certificate = defs.pop("CertificateListResponse")
    del defs["CertificateActivateResponse"], defs["CertificateDeactivateResponse"]
    defs["Certificate"] = certificate
    edit.set_required("Certificate", "active", False)
    edit.retype(
        "Certificate",
        "object",
        {
            "type": "string",
            "enum": ["certificate", "organization.certificate", "organization.project.certificate"],
        },
    )
    edit.props("Certificate.certificate_details")["content"] = {
        "type": "string",
        "description": "The content of the certificate in PEM format.",
    }
    list_envelope = version_op_envelope(old, "listProjectCertificates")
    edit.props(list_envelope)["data"]["items"] = ref("Certificate")
    edit.set_required(list_envelope, "first_id", False)
    edit.set_required(list_envelope, "last_id", False)
    for op_id in ("activateProjectCertificates", "deactivateProjectCertificates"):
        envelope = version_op_envelope(old, op_id)
        edit.props(envelope)["data"]["items"] = ref("Certificate")
        edit.retype(envelope, "object", {"type": "string", "const": "list"})
        edit.add(envelope, "has_more", {"type": "boolean"}, True)
        edit.add(envelope, "first_id", {"anyOf": [{"type": "string"}, {"type": "null"}]}, False)
        edit.add(envelope, "last_id", {"anyOf": [{"type": "string"}, {"type": "null"}]}, False)

    # CS-US: usage buckets carried `result`, with the un-prefixed member names
    edit.rename("UsageTimeBucket", "results", "result")
    for new_name, old_name in OLD_USAGE_NAMES.items():
        defs[old_name] = defs.pop(new_name)
    _rename_refs(defs, OLD_USAGE_NAMES)
    edit.set_required("UsageCodeInterpreterSessionsResult", "num_sessions", False)

    # PREN: the project API key path parameter was {key_id}
    for op_id in ("retrieve-project-api-key", "delete-project-api-key"):
        op = old.operations[op_id]
        params = tuple(
            Parameter("key_id", p.location, p.required, p.schema, p.description)
            if p.name == "api_key_id"
            else p
            for p in op.parameters
        )
        old.operations[op_id] = replace(
            op, path=op.path.replace("{api_key_id}", "{key_id}"), parameters=params
        )

    _attach_sources(old)
    return old


def version_op_envelope(version: ContractVersion, op_id: str) -> str:
    schema = version.operations[op_id].responses["200"].schema
    assert schema is not None and "$ref" in schema, op_id
    return str(schema["$ref"]).removeprefix(DEFS_PREFIX)


def _plain(schema: JSONSchema) -> JSONSchema:
    """The same field without its const/enum (a plain string)."""
    return {k: v for k, v in schema.items() if k not in ("const", "enum")} | {"type": "string"}


def _with_enum(schema: JSONSchema, values: list[str]) -> JSONSchema:
    """Keep nullability as it is; only the string branch gains the enum."""
    if "anyOf" in schema:
        return {
            **schema,
            "anyOf": [_with_enum(m, values) if m.get("type") == "string" else m for m in schema["anyOf"]],
        }
    return {**schema, "enum": values}


def _rename_refs(node: Any, names: dict[str, str]) -> None:
    if isinstance(node, dict):
        target = node.get("$ref")
        if isinstance(target, str):
            for prefix in ("#/$defs/", DEFS_PREFIX):
                if target.startswith(prefix) and target[len(prefix) :] in names:
                    node["$ref"] = prefix + names[target[len(prefix) :]]
        for value in node.values():
            _rename_refs(value, names)
    elif isinstance(node, list):
        for value in node:
            _rename_refs(value, names)


def _sources(side: str) -> tuple[str, ...]:
    label = "2026-04-30 (old)" if side == "old" else "2026-05-02 (new)"
    return (
        f"seed004: {SEED_DOCUMENTS['seed004']} — the {label} side; changes per seed004-catalog.md",
        f"openapi 2026-05-13: {SEED_DOCUMENTS['openapi']} — fills what seed 004 elides",
        *(f"{key}: {SEED_DOCUMENTS[key]}" for key in ("seed000", "seed001", "seed002", "seed003")),
    )


def _attach_sources(version: ContractVersion) -> None:
    for op_id, op in list(version.operations.items()):
        version.operations[op_id] = replace(op, sources=tuple(OPERATION_SOURCES[op_id]))


def _prune(version: ContractVersion) -> None:
    """Drop named schemas nothing refers to any more (the edits above re-point some references)."""
    from apidrift.contracts.model import iter_refs

    def names_in(node: Any) -> set[str]:
        return {r.split("/")[-1] for _, r in iter_refs(node)}

    live: set[str] = set()
    pending = set()
    for op in version.operations.values():
        pending |= names_in([p.schema for p in op.parameters])
        pending |= names_in(op.request_body.schema if op.request_body else None)
        pending |= names_in([r.schema for r in op.responses.values()])
    while pending:
        name = pending.pop()
        if name not in live:
            live.add(name)
            pending |= names_in(version.schemas[name])
    for name in set(version.schemas) - live:
        del version.schemas[name]


def write_index(out: Path, versions: list[ContractVersion]) -> None:
    index = {
        "api": API,
        "versions": [
            {
                "version": v.version,
                "date": v.date,
                "description": v.description,
                "folder": v.version,
                "sources": list(v.sources),
                "operations": len(v.operations),
                "schemas": len(v.schemas),
            }
            for v in versions
        ],
    }
    (out / API / "index.json").write_text(
        json.dumps(index, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    parser.add_argument("--out", type=Path, default=ROOT / "contracts")
    args = parser.parse_args()
    new = build_new(args.spec)
    old = build_old(new)
    for version in (old, new):
        _prune(version)
        version.write(args.out / API / version.version)
    write_index(args.out, [old, new])
    for version in (old, new):
        print(f"{version.version}: {len(version.operations)} operations, {len(version.schemas)} schemas")


if __name__ == "__main__":
    main()
