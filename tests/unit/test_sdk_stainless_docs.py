"""The Stainless reference parser: operations from endpoint lines, nested structs from flat field lines."""

from __future__ import annotations

from apidrift.sdk.doc_parsers import parse_document
from apidrift.sdk.documents import DocField, DocStyle, ParamLocation

REFERENCE = """Skip to content
Primary navigation

Projects

Retrieve project API key
client.Admin.Organization.Projects.APIKeys.Get(ctx, projectID, apiKeyID) (*ProjectAPIKey, error)
GET/organization/projects/{project_id}/api_keys/{api_key_id}
List project API keys
client.Admin.Organization.Projects.APIKeys.List(ctx, projectID, query) (*CursorPage[ProjectAPIKey], error)
GET/organization/projects/{project_id}/api_keys
ModelsExpand Collapse
type ProjectAPIKey struct{…}

Represents an individual API key in a project.

ID string

The identifier, which can be referenced in API endpoints

CreatedAt int64

formatunixtime
Name string

Owner ProjectAPIKeyOwner
ServiceAccount ProjectAPIKeyOwnerServiceAccountOptional

The service account that owns a project API key.

ID string

Role string

Type stringOptional

user or service_account

One of the following:
const ProjectAPIKeyOwnerTypeUser ProjectAPIKeyOwnerType = "user"
const ProjectAPIKeyOwnerTypeServiceAccount ProjectAPIKeyOwnerType = "service_account"
User ProjectAPIKeyOwnerUserOptional

ID string

Email string

Role string

RedactedValue string

ExternalKeyID stringOptional

The external key associated with the project.

ProjectsRate Limits

Modify project rate limit
client.Admin.Projects.RateLimits.UpdateRateLimit(ctx, projectID, rateLimitID, body) (*ProjectRateLimit, error)
POST/organization/projects/{project_id}/rate_limits/{rate_limit_id}
ModelsExpand Collapse
type ProjectServiceAccount struct{…}

ID string

Role ProjectServiceAccountRole

owner or member

One of the following:
const ProjectServiceAccountRoleOwner ProjectServiceAccountRole = "owner"
const ProjectServiceAccountRoleMember ProjectServiceAccountRole = "member"
"""


def names(fields: tuple[DocField, ...]) -> list[str]:
    return [f.json_name for f in fields]


def test_operations_come_from_endpoint_lines_and_their_signatures() -> None:
    doc = parse_document(REFERENCE, "go.txt")
    assert doc.style is DocStyle.STAINLESS and doc.title == "Projects"
    get, listing, update = doc.operations
    assert (get.method, get.path, get.name) == (
        "GET",
        "/organization/projects/{project_id}/api_keys/{api_key_id}",
        "Admin.Organization.Projects.APIKeys.Get",
    )
    assert [(p.json_name, p.location) for p in get.parameters] == [
        ("project_id", ParamLocation.PATH),
        ("api_key_id", ParamLocation.PATH),
    ]
    assert (get.response_model, get.response_is_page, get.query_documented) == ("ProjectAPIKey", False, True)
    assert (listing.response_model, listing.response_is_page) == ("ProjectAPIKey", True)
    assert not listing.query_documented, "`query` names a params struct, not the parameters"
    assert update.has_body and update.path_params == ("project_id", "rate_limit_id")


def test_nested_structs_are_rebuilt_from_type_names_order_and_enum_constants() -> None:
    model = parse_document(REFERENCE, "go.txt").models["ProjectAPIKey"]
    assert names(model.fields) == ["id", "created_at", "name", "owner", "redacted_value", "external_key_id"]
    fields = {f.json_name: f for f in model.fields}
    assert fields["external_key_id"].required is False and fields["external_key_id"].json_types == ("string",)
    owner = fields["owner"]
    assert names(owner.children) == ["service_account", "type", "user"], "Type's constants name the Owner"
    service_account, kind, user = owner.children
    assert names(service_account.children) == ["id", "role"] and not service_account.required
    assert kind.enum == ("service_account", "user") and not kind.required
    # `RedactedValue` sorts before `Role`: out of order in User, so it returns to the top level.
    assert names(user.children) == ["id", "email", "role"]


def test_the_resource_heading_before_the_next_operation_is_not_a_field() -> None:
    model = parse_document(REFERENCE, "go.txt").models["ProjectAPIKey"]
    assert "projects_rate" not in names(model.fields)


def test_an_enum_typed_like_a_nested_struct_stays_a_field() -> None:
    model = parse_document(REFERENCE, "go.txt").models["ProjectServiceAccount"]
    (_, role) = model.fields
    assert (role.json_name, role.enum, role.children, role.json_types) == (
        "role",
        ("member", "owner"),
        (),
        ("string",),
    )
