"""The ledger file: private (0600), created exclusively, never through a symlink, every entry signed
with the user's key so that a forged, altered or foreign one is told apart; no change lost between
threads writing to one ledger."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest

from apidrift.errors import UnsafeFileError
from apidrift.live.ledger import Ledger, LedgerEntry

BASE = "https://api.test/v1"


def add(ledger: Ledger, **fields: Any) -> LedgerEntry:
    return ledger.add(run_id="r1", kind="rate_limit", base_url=BASE, **fields)


def test_a_new_ledger_is_created_private(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    add(ledger)
    assert stat.S_IMODE(ledger.path.stat().st_mode) == 0o600
    assert ledger.path.stat().st_uid == os.geteuid()


def test_a_file_someone_else_put_at_the_ledger_path_is_not_written_or_trusted(tmp_path: Path) -> None:
    planted = tmp_path / "ledger.jsonl"
    planted.write_text("")
    planted.chmod(0o644)
    with pytest.raises(UnsafeFileError, match="private"):
        add(Ledger(planted))
    with pytest.raises(UnsafeFileError, match="private"):
        Ledger(planted).entries()
    assert planted.read_text() == ""


def test_a_symlinked_ledger_or_ledger_folder_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "target.jsonl"
    add(Ledger(target))
    before = target.read_bytes()
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    for attempt in (lambda: Ledger(link).entries(), lambda: add(Ledger(link))):
        with pytest.raises(UnsafeFileError, match="symlink"):
            attempt()
    folder = tmp_path / "linked"
    folder.symlink_to(tmp_path)
    with pytest.raises(UnsafeFileError, match="symlink"):
        add(Ledger(folder / "target.jsonl"))
    assert target.read_bytes() == before


def test_entries_verify_until_changed_by_hand_or_signed_with_another_key(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    entry = add(ledger, params={"project_id": "proj_sandbox"}, original={"limit": 10000})
    entry = ledger.update(entry, resource_id="rl-1")
    assert [ledger.verify(e) for e in ledger.entries()] == [None], "an update is signed again"
    altered = entry.model_copy(update={"original": {"limit": 1}})
    assert "does not match" in str(ledger.verify(altered))
    assert "carries no token" in str(ledger.verify(entry.model_copy(update={"token": ""})))
    foreign = add(Ledger(tmp_path / "theirs.jsonl", key=b"another user's key"))
    assert "does not match" in str(ledger.verify(foreign))


def test_threads_adding_and_removing_entries_lose_none(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    kept: list[LedgerEntry] = []

    def work() -> None:
        for n in range(6):
            entry = add(ledger, name=str(n))
            if n % 2:
                ledger.remove(entry)
            else:
                kept.append(entry)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(e.entry_id for e in ledger.entries()) == sorted(e.entry_id for e in kept)
    assert len(kept) == 18


def test_an_entry_naming_its_own_undo_is_undone_by_that_delete_only(tmp_path: Path) -> None:
    """A fuzz entry's signed `undo` is sent as it says when it is a DELETE of the created id; a signed
    entry whose undo is anything else is refused, and an entry without `undo` verifies as before."""
    import asyncio

    import httpx

    from apidrift.live.cleanup import CompensationStatus, cleanup
    from apidrift.live.client import LiveClient
    from apidrift.profiles.model import load_profile

    sent: list[tuple[str, str]] = []

    def server(request: httpx.Request) -> httpx.Response:
        sent.append((request.method, request.url.path))
        return httpx.Response(204)

    base = "http://sandbox.test/v1"
    ledger = Ledger(tmp_path / "ledger.jsonl", key=b"k" * 32)
    common = {"run_id": "r", "kind": "fuzz:create-thing", "base_url": base, "api": "openai-admin"}
    delete = {"operation": "delete-thing", "method": "DELETE", "path": "/boxes/{box}/things/{thing}"}
    ledger.add(**common, params={"box": "b1"}, resource_id="t1", undo={**delete, "id_param": "thing"})
    ledger.add(
        **common,
        params={"box": "b1"},
        resource_id="t2",
        undo={**delete, "method": "POST", "id_param": "thing"},
    )
    plain = ledger.add(run_id="r", kind="project", base_url=base)
    assert ledger.verify(plain) is None and "undo" not in plain.model_dump(exclude_none=True)
    profile = load_profile("openai-admin", contracts_root=Path(__file__).resolve().parents[2] / "contracts")
    key = "-".join(("sk", "admin", "REDACTED"))
    client = LiveClient(
        key, base_url=base, profile=profile, read_only=False, transport=httpx.MockTransport(server)
    )

    async def run() -> Any:
        try:
            return await cleanup(ledger.path, client, None, key=b"k" * 32)
        finally:
            await client.aclose()

    report = asyncio.run(run())
    status = {o.entry.resource_id or o.entry.kind.value: o.status for o in report.outcomes}
    assert status == {
        "t1": CompensationStatus.DONE,
        "t2": CompensationStatus.REFUSED,
        "project": CompensationStatus.SKIPPED,
    }
    assert sent == [("DELETE", "/v1/boxes/b1/things/t1")]
