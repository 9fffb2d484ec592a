"""Fingerprints name the version a response matches and describe renames against the others."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from apidrift.check.fingerprint import fingerprint
from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractStore

RECORDINGS = Path(__file__).resolve().parents[2] / "recordings" / "openai-admin"


def body(version: str, op: str) -> Any:
    return json.loads((RECORDINGS / version / f"{op}.json").read_text())["body"]


@pytest.fixture(scope="module")
def validators(store: ContractStore) -> list[ResponseValidator]:
    return [ResponseValidator(store.load(label)) for label in store.labels()]


def test_usage_response_matches_new_version_and_names_the_rename(validators: list[ResponseValidator]) -> None:
    fp = fingerprint(validators, "usage-completions", 200, body("2026-05-02", "usage-completions"))
    assert fp.best == "2026-05-02"
    assert fp.matches == ("2026-05-02",)
    assert fp.summary() == (
        "matches 2026-05-02; against 2026-04-30: `data[].result` missing, "
        "`data[].results` undocumented — looks like a rename (0.95)"
    )


def test_old_invite_matches_old_version_with_rename_hint(validators: list[ResponseValidator]) -> None:
    fp = fingerprint(validators, "retrieve-invite", 200, body("2026-04-30", "retrieve-invite"))
    assert fp.best == "2026-04-30"
    (against_new,) = [s for s in fp.scores if s.version == "2026-05-02"]
    (pair,) = against_new.renames
    assert (pair.old, pair.new) == ("created_at", "invited_at")


def test_unchanged_shape_fits_both_versions_equally(validators: list[ResponseValidator]) -> None:
    fp = fingerprint(validators, "list-project-roles", 200, body("2026-05-02", "list-project-roles"))
    assert fp.best is None
    assert fp.valid_in == ("2026-04-30", "2026-05-02")
    assert fp.summary().startswith("fits 2026-04-30, 2026-05-02 equally")


def test_unrelated_missing_and_undocumented_fields_are_not_called_a_rename(
    validators: list[ResponseValidator],
) -> None:
    fp = fingerprint(validators, "list-groups", 200, body("2026-04-30", "list-groups"))
    (against_new,) = [s for s in fp.scores if s.version == "2026-05-02"]
    assert against_new.renames == ()
    assert "`data[].group_type` missing" in against_new.differences()


def test_unknown_operation_scores_zero(validators: list[ResponseValidator]) -> None:
    fp = fingerprint(validators, "no-such-operation", 200, {})
    assert fp.best is None
    assert all(s.score == 0.0 for s in fp.scores)
    assert fp.summary().startswith("fits no version")


def test_a_rename_repeated_in_every_list_item_is_still_one_rename(
    validators: list[ResponseValidator],
) -> None:
    page = body("2026-05-02", "list-invites")
    page["data"] = [dict(page["data"][0], id=f"invite-{i}") for i in range(5)]
    fp = fingerprint(validators, "list-invites", 200, page)
    (against_old,) = [s for s in fp.scores if s.version == "2026-04-30"]
    assert [(p.old, p.new) for p in against_old.renames] == [("data[].invited_at", "data[].created_at")]
    assert len(against_old.differences()) == len(set(against_old.differences()))


def _variants(value: Any) -> list[Any]:
    """The body, and for each key of its first object (a list page's first item): without it, renamed,
    and with its value swapped for a string; so every version sees valid, invalid and drifted bodies."""
    out = [value]
    target = value
    if isinstance(target, dict) and isinstance(target.get("data"), list) and target["data"]:
        target = target["data"][0]
    if not isinstance(target, dict):
        return out
    for key in list(target)[:6]:
        for change in ("drop", "rename", "retype"):
            copy = json.loads(json.dumps(value))
            item = copy["data"][0] if target is not value else copy
            moved = item.pop(key)
            if change == "rename":
                item[key + "_x"] = moved
            elif change == "retype":
                item[key] = "not-" + str(moved)
            out.append(copy)
    return out


def test_versions_that_document_a_response_alike_judge_it_alike(
    validators: list[ResponseValidator], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A version's score may come from another version's with the same schema: it must be the score
    that version would give itself, for valid, invalid and drifted bodies of every recorded operation."""
    import apidrift.check.fingerprint as fingerprints

    cases = [
        (rec["operation"], rec["status"], variant)
        for path in sorted(RECORDINGS.rglob("*.json"))
        for rec in [json.loads(path.read_text())]
        for variant in _variants(rec["body"])
    ]
    shared = [fingerprint(validators, op, status, b) for op, status, b in cases]
    keys = {
        (v.version.version, op, str(st)): fingerprints.schema_key(v, op, str(st))
        for v in validators
        for op, st, _ in cases
    }
    alike = {(op, st) for (_, op, st), key in keys.items() if key is not None}
    assert any(len({keys[(v.version.version, op, st)] for v in validators}) == 1 for op, st in alike), (
        "some response is documented alike by both versions"
    )
    monkeypatch.setattr(fingerprints, "schema_key", lambda *args: None)
    alone = [fingerprint(validators, op, status, b) for op, status, b in cases]
    assert shared == alone
