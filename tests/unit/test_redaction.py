"""Redaction: planted secrets in bodies and headers, key prefixes kept, recordings that still validate.

Key patterns and secret headers are the profile's; the OpenAI Admin profile's rules are used here,
beside the rules every API shares.
"""

from __future__ import annotations

import json
import string
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from apidrift.check.recordings import bundled_recordings, parse_recording
from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractStore
from apidrift.live.check import exchange_to_recording
from apidrift.live.client import Exchange
from apidrift.live.redaction import (
    EmailPseudonymiser,
    RedactionRules,
    base_host,
    redact_headers,
    redact_json,
    redact_text,
    safe_base_url,
)
from apidrift.profiles.model import DEFAULT_API, ApiProfile, load_profile

VERSION = "2026-05-02"
RECORDINGS = bundled_recordings() / "openai-admin" / VERSION
MARKERS = ("sk-REDACTED", "sk-proj-REDACTED", "sk-svcacct-REDACTED", "sk-admin-REDACTED")
RULES = RedactionRules.for_profile(load_profile(DEFAULT_API))


def test_planted_secrets_in_nested_bodies_are_redacted_keeping_their_prefix() -> None:
    body: dict[str, Any] = {
        "data": [{"note": "rotate sk-proj-abcdEFGH1234ijkl soon", "deep": [["sk-svcacct-ZZZZzzzz9999"]]}],
        "api_key": {"object": "organization.project.service_account.api_key", "value": "opaque-secret"},
        "admin": {"object": "organization.admin_api_key", "value": "sk-admin-1234abcd", "id": "key_abc"},
        "client_secret": "hunter2",
        "message": "sent Authorization: Bearer eyJhbGciOi.payload.sig",
        "count": 3,
        "flag": None,
    }
    redacted = redact_json(body, rules=RULES)
    text = json.dumps(redacted)
    for secret in ("abcdEFGH1234ijkl", "ZZZZzzzz9999", "opaque-secret", "1234abcd", "hunter2", "eyJhbGciOi"):
        assert secret not in text
    assert redacted["data"][0]["note"] == "rotate sk-proj-REDACTED soon"
    assert redacted["data"][0]["deep"] == [["sk-svcacct-REDACTED"]]
    assert redacted["api_key"]["value"] == "REDACTED"
    assert redacted["admin"] == {
        "object": "organization.admin_api_key",
        "value": "sk-admin-REDACTED",
        "id": "key_abc",
    }
    assert redacted["message"] == "sent Authorization: Bearer REDACTED"
    assert (redacted["count"], redacted["flag"]) == (3, None)
    assert body["admin"]["value"] == "sk-admin-1234abcd"  # a copy: the input is left alone


def test_things_that_only_look_a_little_like_keys_are_kept() -> None:
    for text in (
        "sk-abc...def",
        "sk-admin...def",
        "task-management-readers",
        "rl-ada",
        "risk-assessment-2026",
    ):
        assert redact_text(text, rules=RULES) == text


def test_known_secrets_are_redacted_whatever_their_shape() -> None:
    assert redact_text("token=abc.DEF.123 and again abc.DEF.123", ["abc.DEF.123"]) == (
        "token=REDACTED and again REDACTED"
    )


def test_headers_credentials_are_replaced_whole_and_org_ids_kept() -> None:
    headers = {
        "Authorization": "Bearer sk-admin-abcdefgh12345678",
        "Cookie": "session=abc",
        "Set-Cookie": "__cf_bm=xyz; path=/",
        "OpenAI-Organization": "org-abc123",
        "X-Debug": "key sk-proj-abcdefgh12345678 used",
        "Content-Type": "application/json",
    }
    assert redact_headers(headers, rules=RULES) == {
        "authorization": "REDACTED",
        "cookie": "REDACTED",
        "set-cookie": "REDACTED",
        "openai-organization": "org-abc123",
        "x-debug": "key sk-proj-REDACTED used",
        "content-type": "application/json",
    }


def test_emails_are_pseudonymised_stably_within_a_run_only() -> None:
    run_a, run_b = EmailPseudonymiser(b"a"), EmailPseudonymiser(b"b")
    body = {"email": "ada@example.com", "owner": {"email": "ada@example.com"}, "other": "grace@example.com"}
    redacted = redact_json(body, emails=run_a)
    assert redacted["email"] == redacted["owner"]["email"] != redacted["other"]
    assert redacted["email"].startswith("user-") and redacted["email"].endswith("@example.invalid")
    assert run_b("ada@example.com") != redacted["email"]
    assert run_a(redacted["email"]) == redacted["email"]


def test_base_urls_lose_credentials_query_and_fragment() -> None:
    url = "https://user:hunter2@api.example.com:8443/v1/?key=sk-abcdefgh12345678#frag"
    assert safe_base_url(url) == "https://api.example.com:8443/v1"
    assert base_host(url) == "api.example.com:8443"


def test_a_live_service_account_creation_becomes_a_redacted_recording_that_still_validates(
    store: ContractStore,
) -> None:
    documented = parse_recording((RECORDINGS / "create-project-service-account.json").read_text(), "sa.json")
    secret = "sk-svcacct-" + "Q" * 40
    body: dict[str, Any] = json.loads(json.dumps(documented.body))
    body["api_key"]["value"] = secret
    body["name"] = "owner ada@example.com"
    exchange = Exchange(
        method="POST",
        path_template="/organization/projects/{project_id}/service_accounts",
        path="/organization/projects/proj_abc/service_accounts",
        query={},
        status=200,
        headers={"content-type": "application/json", "set-cookie": "s=1"},
        body=body,
        elapsed_s=0.1,
        attempts=1,
        operation="create-project-service-account",
    )
    when = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)
    recording = exchange_to_recording(
        exchange,
        base_url="https://u:p@api.openai.com/v1?x=1",
        recorded_at=when,
        emails=EmailPseudonymiser(b"run"),
        rules=RULES,
    )
    text = recording.to_json()
    assert secret not in text and "ada@example.com" not in text and "u:p" not in text
    assert recording.body["api_key"]["value"] == "sk-svcacct-REDACTED"
    assert recording.headers["set-cookie"] == "REDACTED"
    assert recording.provenance is not None
    assert recording.provenance.source == "live api.openai.com"
    assert recording.provenance.recorded_at == "2026-05-20T12:00:00+00:00"
    validator = ResponseValidator(store.load(VERSION))
    assert validator.validate(recording.operation, recording.status, recording.body, strict=True).exact
    assert parse_recording(text, "again.json") == recording


def test_every_bundled_recording_still_validates_after_redaction(store: ContractStore) -> None:
    validator = ResponseValidator(store.load(VERSION))
    for path in sorted(Path(RECORDINGS).glob("*.json")):
        recording = parse_recording(path.read_text(), path.name)
        redacted = redact_json(recording.body, emails=EmailPseudonymiser(b"x"), rules=RULES)
        assert validator.is_valid(recording.operation, recording.status, redacted), path.name


# --- another API's profile ----------------------------------------------------------------------


def pet_store() -> ApiProfile:
    """A non-OpenAI profile: its own key shape, a secret header, and its key sent in a named header."""
    return ApiProfile.model_validate(
        {
            "name": "pet-store",
            "auth": {"scheme": "header", "header": "X-Pet-Key"},
            "secrets": [
                {
                    "pattern": r"(?<![A-Za-z0-9])(?P<prefix>pet_(?:live|test)_)[A-Za-z0-9]{12,}",
                    "placeholder": "{prefix}REDACTED",
                }
            ],
            "redaction": {"secret_headers": ["X-Pet-Session"], "secret_fields": ["pin"]},
        }
    )


def test_a_profiles_own_key_pattern_is_redacted_and_another_apis_keys_are_its_profiles_business() -> None:
    pets = RedactionRules.for_profile(pet_store())
    pet_key = "pet_live_" + "A1b2" * 4  # built at run time: no key-shaped literal in the repo
    openai_shaped = "sk-" + "proj-" + "Q" * 24
    body = {"note": f"use {pet_key} now", "other": openai_shaped, "pin": "1234", "password": "hunter2"}

    by_pets = redact_json(body, rules=pets)
    assert by_pets == {
        "note": "use pet_live_REDACTED now",
        "other": openai_shaped,  # not the pet store's pattern: the OpenAI profile handles it
        "pin": "REDACTED",
        "password": "REDACTED",  # a secret-named field, whatever the API
    }
    by_openai = redact_json(body, rules=RULES)
    assert by_openai["other"] == "sk-proj-REDACTED" and by_openai["note"] == f"use {pet_key} now"

    headers = {"X-Pet-Session": "s1", "X-Pet-Key": "k1", "Authorization": "Bearer t", "X-Trace": pet_key}
    assert redact_headers(headers, rules=pets) == {
        "x-pet-session": "REDACTED",
        "x-pet-key": "REDACTED",  # the header the profile sends its key in
        "authorization": "REDACTED",
        "x-trace": "pet_live_REDACTED",
    }
    assert redact_headers(headers, rules=RULES)["x-pet-session"] == "s1"
    # The run's own key goes whatever its shape; a key matching the profile keeps its kind.
    assert redact_text("k=opaque-value-1", ["opaque-value-1"], rules=pets) == "k=REDACTED"
    assert redact_text(f"k={pet_key}!", [pet_key], rules=pets) == "k=pet_live_REDACTED!"


# --- the property: no planted key survives -------------------------------------------------------


class Planted(str):
    """A string carrying a planted key (alone or amid other text), so the test knows what to look for."""

    key: str


def planted(before: str, key: str, after: str) -> Planted:
    # A key sits in a string on its own or after a separator; whatever follows it is arbitrary.
    text = Planted(f"{before} {key}{after}" if before or after else key)
    text.key = key
    return text


key_tail = st.text(alphabet=string.ascii_letters + string.digits + "_-", min_size=8, max_size=40)
keys = st.builds(
    lambda kind, tail: f"sk-{kind}{tail}", st.sampled_from(["", "proj-", "svcacct-", "admin-"]), key_tail
).filter(lambda key: not any(key in marker for marker in MARKERS))
carriers = st.builds(planted, st.text(max_size=6), keys, st.text(max_size=6))
leaves = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10) | carriers
)
json_values = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8) | carriers, inner, max_size=4)
    ),
    max_leaves=16,
)


def planted_keys(value: Any) -> list[str]:
    if isinstance(value, Planted):
        return [value.key]
    if isinstance(value, list):
        return [k for item in value for k in planted_keys(item)]
    if isinstance(value, dict):
        return [k for name, item in value.items() for k in planted_keys(name) + planted_keys(item)]
    return []


@settings(max_examples=100, deadline=None)
@given(st.tuples(carriers, json_values))
def test_no_planted_key_survives_redaction(document: tuple[Planted, Any]) -> None:
    found = planted_keys(list(document))
    assert found  # the first element always carries one
    text = json.dumps(redact_json(list(document), rules=RULES))
    for key in found:
        assert key not in text


def test_a_header_name_that_carries_the_key_is_redacted_like_a_value() -> None:
    key = "sk-admin-AbCdEfGh12345678"
    headers = {f"X-Echo-{key}": "1", "X-Lowered-" + key.lower().replace("sk-admin-", "zz-"): "2"}
    redacted = redact_headers(headers, secrets=[key.replace("sk-admin-", "zz-")], rules=RULES)
    assert redacted == {"X-Echo-sk-admin-REDACTED": "1", "x-lowered-REDACTED": "2"}
    assert not any("abcdefgh" in name.lower() for name in redacted)
