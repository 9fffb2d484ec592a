"""Go / TypeScript / Rust identifiers to the snake_case JSON names contracts use."""

from __future__ import annotations

import pytest

from apidrift.sdk.naming import comparable_type_name, json_types_of, pascal_case, snake_case


@pytest.mark.parametrize(
    ("name", "json"),
    [
        ("ExternalKeyID", "external_key_id"),
        ("ID", "id"),
        ("APIKeyID", "api_key_id"),
        ("apiKeyID", "api_key_id"),
        ("projectId", "project_id"),
        ("keyId", "key_id"),
        ("includeArchived", "include_archived"),
        ("RedactedValue", "redacted_value"),
        ("MaxRequestsPer1Minute", "max_requests_per_1_minute"),
        ("Batch1DayMaxInputTokens", "batch_1_day_max_input_tokens"),
        ("MaxAudioMegabytesPer1Minute", "max_audio_megabytes_per_1_minute"),
        ("InputCacheWrite12hTokens", "input_cache_write_12h_tokens"),
        ("project_id", "project_id"),
        ("max_requests_per_1_minute", "max_requests_per_1_minute"),
    ],
)
def test_snake_case_gives_the_json_name(name: str, json: str) -> None:
    assert snake_case(name) == json


def test_request_argument_names_become_model_names() -> None:
    assert pascal_case("projectCreateRequest") == "ProjectCreateRequest"


def test_type_names_compare_across_generators() -> None:
    assert comparable_type_name("models::ProjectApiKey") == comparable_type_name("ProjectAPIKey")
    assert comparable_type_name("ProjectApiKey") != comparable_type_name("ProjectApiKeyDeleteResponse")


@pytest.mark.parametrize(
    ("type_name", "types"),
    [
        ("int64", ("integer",)),
        ("String", ("string",)),
        ("i32", ("integer",)),
        ("float64", ("integer", "number")),
        ("boolean", ("boolean",)),
        ("*string", ("string",)),
        ("ProjectAPIKeyOwner", None),
        ("[]string", None),
    ],
)
def test_primitive_types_map_to_json_types(type_name: str, types: tuple[str, ...] | None) -> None:
    assert json_types_of(type_name) == types
