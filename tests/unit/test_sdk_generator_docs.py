"""The openapi-generator markdown parser on small inline documents (Go, TypeScript, Rust styles)."""

from __future__ import annotations

from pathlib import Path

import pytest

from apidrift.sdk.doc_parsers import load_document, parse_document
from apidrift.sdk.documents import DocStyle, ParamLocation
from apidrift.sdk.errors import SdkDocumentError

GO = """# projects_api

Method | HTTP request | Description
------------- | ------------- | -------------
[**ListProjects**](a.md) | **GET** /organization/projects | List.
[**CreateProjectUser**](a.md) | **POST** /organization/projects/{project_id}/users | Adds a user.
[**RetrieveProjectApiKey**](a.md) | **GET** /organization/projects/{project_id}/api_keys/{key_id} | Get.

<a name="ListProjects"></a>
# **ListProjects**
> ProjectListResponse ListProjects(limit, after, includeArchived)

<a name="CreateProjectUser"></a>
# **CreateProjectUser**
> ProjectUser CreateProjectUser(projectId, projectUserCreateRequest)

<a name="RetrieveProjectApiKey"></a>
# **RetrieveProjectApiKey**
> ProjectApiKey RetrieveProjectApiKey(projectId, keyId)
"""

TYPESCRIPT = """# .ProjectsApi

Method | HTTP request | Description
------------- | ------------- | -------------
[**listProjectApiKeys**](a.md) | **GET** /organization/projects/{project_id}/api_keys | Lists keys.
[**modifyProject**](a.md) | **POST** /organization/projects/{project_id} | Modify &#39;it&#39;.

# **listProjectApiKeys**
> ProjectApiKeyListResponse listProjectApiKeys()

### Parameters

Name | Type | Description  | Notes
------------- | ------------- | ------------- | -------------
 **projectId** | [**string**] | The ID of the project. | defaults to undefined
 **limit** | [**number**] | A limit. | (optional) defaults to 20

### Return type

**ProjectApiKeyListResponse**

# **modifyProject**
> Project modifyProject(projectUpdateRequest)

### Parameters

Name | Type | Description  | Notes
------------- | ------------- | ------------- | -------------
 **projectUpdateRequest** | **ProjectUpdateRequest**| The payload. |
 **projectId** | [**string**] | The ID of the project. | defaults to undefined

### Return type

**Project**
"""

RUST = """# \\ProjectGroupsApi

Method | HTTP request | Description
------------- | ------------- | -------------
[**add_project_group**](a.md) | **POST** /organization/projects/{project_id}/groups | Add
[**list_project_groups**](a.md) | **GET** /organization/projects/{project_id}/groups | List

## add_project_group

> models::ProjectGroup add_project_group(project_id, invite_project_group_body)

### Parameters

Name | Type | Description  | Required | Notes
------------- | ------------- | ------------- | ------------- | -------------
**project_id** | **String** | The ID of the project. | [required] |
**invite_project_group_body** | [**InviteProjectGroupBody**](InviteProjectGroupBody.md) | Body. | [required] |

### Return type

[**models::ProjectGroup**](ProjectGroup.md)

## list_project_groups

> models::ProjectGroupListResource list_project_groups(project_id, limit, after, order)

### Parameters

Name | Type | Description  | Required | Notes
------------- | ------------- | ------------- | ------------- | -------------
**project_id** | **String** | The ID of the project. | [required] |
**limit** | Option<**i32**> | A limit. |  |[default to 20]
**order** | Option<**String**> | Sort order. |  |[default to asc]

# ProjectGroup

## Properties

Name | Type | Description | Notes
------------ | ------------- | ------------- | -------------
**object** | **String** | Always `project.group`. |
**group_id** | **String** | The group. |
**group_type** | Option<**String**> | The type. | [optional]
**owner** | [**models::ProjectGroupOwner**](ProjectGroupOwner.md) | The owner. |
**members** | [**Vec<models::ProjectGroupMember>**](ProjectGroupMember.md) | The members. | [optional]
"""


def test_go_signatures_give_path_query_and_body_parameters() -> None:
    doc = parse_document(GO, "go.md")
    assert doc.style is DocStyle.OPENAPI_GENERATOR and doc.title == "projects_api"
    listing, create, retrieve = doc.operations
    assert (listing.method, listing.path, listing.response_model) == (
        "GET",
        "/organization/projects",
        "ProjectListResponse",
    )
    assert [(p.json_name, p.location) for p in listing.parameters] == [
        ("limit", ParamLocation.QUERY),
        ("after", ParamLocation.QUERY),
        ("include_archived", ParamLocation.QUERY),
    ]
    assert create.request_model == "ProjectUserCreateRequest" and create.has_body
    assert [p.json_name for p in create.parameters] == ["project_id"]
    assert retrieve.path_params == ("project_id", "key_id")
    assert [(p.json_name, p.location) for p in retrieve.parameters] == [
        ("project_id", ParamLocation.PATH),
        ("key_id", ParamLocation.PATH),
    ]


def test_typescript_parameter_tables_say_what_is_optional_and_which_row_is_the_body() -> None:
    doc = parse_document(TYPESCRIPT, "ts.md")
    keys, modify = doc.operations
    assert doc.title == "ProjectsApi"
    assert [(p.json_name, p.location, p.required) for p in keys.parameters] == [
        ("project_id", ParamLocation.PATH, True),
        ("limit", ParamLocation.QUERY, False),
    ]
    assert keys.response_model == "ProjectApiKeyListResponse" and not keys.has_body
    assert modify.request_model == "ProjectUpdateRequest" and modify.response_model == "Project"
    assert [p.json_name for p in modify.parameters] == ["project_id"]


def test_rust_required_column_models_prefix_and_model_pages() -> None:
    doc = parse_document(RUST, "rust.md")
    add, listing = doc.operations
    assert add.request_model == "InviteProjectGroupBody" and add.response_model == "ProjectGroup"
    assert [(p.json_name, p.required) for p in listing.query_params] == [("limit", False), ("order", False)]
    model = doc.models["ProjectGroup"]
    fields = {f.json_name: f for f in model.fields}
    assert [f.json_name for f in model.fields] == ["object", "group_id", "group_type", "owner", "members"]
    assert fields["group_id"].required and fields["group_id"].json_types == ("string",)
    assert not fields["group_type"].required
    assert fields["owner"].ref == "ProjectGroupOwner" and fields["owner"].json_types is None
    assert fields["members"].array and fields["members"].ref == "ProjectGroupMember"


@pytest.mark.parametrize(
    ("type_cell", "notes", "array", "required", "types"),
    [
        ("[**[]ProjectGroupMember**](ProjectGroupMember.md)", "", True, True, ("array",)),
        (
            "[**Array&lt;ProjectGroupMember&gt;**](ProjectGroupMember.md)",
            "[optional]",
            True,
            False,
            ("array",),
        ),
        ("Pointer to **NullableInt32**", "[optional]", False, False, ("integer", "null")),
        ("Option<Box<models::ProjectGroupMember>>", "[optional]", False, False, None),
    ],
)
def test_model_property_types_of_each_generator(
    type_cell: str, notes: str, array: bool, required: bool, types: tuple[str, ...] | None
) -> None:
    page = RUST.split("**group_id**")[0] + f"**members** | {type_cell} | The members. | {notes}\n"
    (field,) = [f for f in parse_document(page, "m.md").models["ProjectGroup"].fields if f.name == "members"]
    assert (field.array, field.required, field.json_types) == (array, required, types)
    assert field.ref in (None, "ProjectGroupMember") and (types == ("integer", "null")) == (field.ref is None)


def test_a_file_with_neither_style_is_one_clear_error() -> None:
    with pytest.raises(SdkDocumentError, match="no SDK operations found") as caught:
        parse_document("# README\n\nNothing to see.\n", "README.md")
    assert str(caught.value).startswith("README.md: ")


def test_a_missing_file_is_named() -> None:
    with pytest.raises(SdkDocumentError, match="no such file"):
        load_document(Path("/nonexistent/doc.md"), "doc.md")
