"""Pydantic models as field trees: declared fields, unions, dropped fields, error locations."""

from __future__ import annotations

from typing import Annotated, Literal, Optional, Union

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from apidrift.sdk.pydantic_shapes import describe, dropped_fields, error_path, field_shapes


class Owner(BaseModel):
    id: str
    email: Optional[str] = None  # noqa: UP045 - SDKs spell it this way


class Costs(BaseModel):
    object: Literal["costs"]
    amount: float
    line_item: str | None = None


class Images(BaseModel):
    object: Literal["images"]
    images: int


class Bucket(BaseModel):
    model_config = ConfigDict(extra="allow")

    results: list[Annotated[Union[Costs, Images], "discriminated by object"]]  # noqa: UP007
    owner: Owner | None = None
    metadata: dict[str, object] | None = None
    kind: str = Field(alias="type")


def test_fields_with_types_required_and_enums() -> None:
    shapes = field_shapes(describe(Bucket))
    assert shapes["results"].types == ("array",) and shapes["results"].required
    assert shapes["owner"].types == ("null", "object") and not shapes["owner"].required
    assert shapes["owner.id"].required, "a nullable parent keeps its fields' required-ness"
    assert shapes["owner.email"].types == ("null", "string") and not shapes["owner.email"].required
    assert "type" in shapes and "kind" not in shapes, "aliases are the JSON names"
    assert not shapes["metadata"].has_children, "a free-form map declares no fields"


def test_union_members_merge_and_member_only_fields_are_not_required() -> None:
    shapes = field_shapes(describe(Bucket))
    assert shapes["results[].object"].required and shapes["results[].object"].enum == ("costs", "images")
    assert not shapes["results[].amount"].required, "only the Costs member has it"
    assert shapes["results[].amount"].types == ("integer", "number")


def test_dropped_fields_are_the_outermost_keys_the_model_does_not_declare() -> None:
    body = {
        "results": [{"object": "costs", "amount": 1, "currency": "usd"}],
        "owner": {"id": "u", "role": "owner", "extra": {"deep": 1}},
        "metadata": {"anything": True},
        "type": "x",
        "result": [],
    }
    assert dropped_fields(describe(Bucket), body) == {
        "results[].currency": "string",
        "owner.role": "string",
        "owner.extra": "object",
        "result": "array",
    }


def test_error_locations_become_field_paths_without_union_member_tags() -> None:
    body = {"results": [{"object": "images"}], "type": "x"}
    with pytest.raises(ValidationError) as caught:
        Bucket.model_validate(body, strict=True)
    assert {error_path(e["loc"], body) for e in caught.value.errors()} == {
        "results[].object",  # the Costs member's literal
        "results[].amount",
        "results[].images",
    }
    assert error_path(("results",), {"type": "x"}) == "results"
    assert error_path((), body) == ""
