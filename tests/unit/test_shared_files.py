"""Shared files: replaced whole, updated under a lock (no update lost between processes), never
written through a symlink, private files created exclusively with mode 0600."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from apidrift.contracts.index import record_version
from apidrift.contracts.model import ContractVersion
from apidrift.errors import UnsafeFileError
from apidrift.files import (
    append_private,
    atomic_write,
    private_key,
    read_private,
    state_dir,
    try_lock_file,
    update_file,
)

REPO = Path(__file__).resolve().parents[2]
SPEC = """\
openapi: 3.0.3
info: {title: Pets, version: "1.0.0"}
paths:
  /pets:
    get:
      operationId: list-pets
      responses: {"200": {description: ok}}
"""


def _version(label: str) -> ContractVersion:
    return ContractVersion(
        api="pets", version=label, date=None, description="", sources=(), operations={}, schemas={}
    )


def test_concurrent_threads_adding_to_one_counter_lose_nothing(tmp_path: Path) -> None:
    target = tmp_path / "counter.json"

    def bump() -> None:
        for _ in range(25):
            update_file(target, lambda old: json.dumps(json.loads(old or b"0") + 1).encode())

    threads = [threading.Thread(target=bump) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert json.loads(target.read_text()) == 200
    assert [p.name for p in tmp_path.iterdir()] == ["counter.json"], "no temp or lock file is left"


def test_concurrent_index_updates_from_threads_keep_every_version(tmp_path: Path) -> None:
    labels = [f"1.{n}.0" for n in range(40)]
    threads = [threading.Thread(target=record_version, args=(tmp_path, _version(label))) for label in labels]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    index = json.loads((tmp_path / "pets" / "index.json").read_text())
    assert sorted(e["version"] for e in index["versions"]) == sorted(labels)


def test_concurrent_imports_in_separate_processes_keep_every_version(tmp_path: Path) -> None:
    """`import-openapi` run by four processes at once into one contracts folder, two versions each."""
    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    code = (
        "import sys;from pathlib import Path;from apidrift.openapi.capture import capture_openapi\n"
        "for label in sys.argv[1:]:\n"
        "    capture_openapi(Path('spec.yaml'), version=label, out_dir=Path('contracts'),"
        " recordings_out=Path('recordings') / label)\n"
    )
    env = {**os.environ, "APIDRIFT_CACHE_DIR": str(tmp_path / "cache")}
    groups = [[f"{p}.{n}.0" for n in range(2)] for p in range(4)]
    procs = [
        subprocess.Popen([sys.executable, "-c", code, *group], cwd=tmp_path, env=env, stderr=subprocess.PIPE)
        for group in groups
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    index = json.loads((tmp_path / "contracts" / "pets" / "index.json").read_text())
    assert sorted(e["version"] for e in index["versions"]) == sorted(v for g in groups for v in g)


def test_an_atomic_write_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "index.json"
    target.write_text("old")
    target.chmod(0o640)
    atomic_write(target, "new")
    assert target.read_text() == "new" and stat.S_IMODE(target.stat().st_mode) == 0o640


def test_no_write_goes_through_a_symlink_or_a_symlinked_folder(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = tmp_path / "link.json"
    link.symlink_to(victim)
    folder = tmp_path / "real"
    folder.mkdir()
    linked_folder = tmp_path / "linked"
    linked_folder.symlink_to(folder)
    for attempt in (
        lambda: atomic_write(link, "x"),
        lambda: append_private(link, b"x"),
        lambda: read_private(link),
        lambda: update_file(link, lambda old: b"x"),
        lambda: append_private(linked_folder / "ledger.jsonl", b"x"),
    ):
        with pytest.raises(UnsafeFileError, match="symlink"):
            attempt()
    assert victim.read_text() == "precious" and list(folder.iterdir()) == []


def test_a_private_file_is_created_0600_and_an_existing_one_must_be_private(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.jsonl"
    append_private(ledger, b"one\n")
    append_private(ledger, b"two\n")
    assert stat.S_IMODE(ledger.stat().st_mode) == 0o600 and ledger.read_bytes() == b"one\ntwo\n"
    planted = tmp_path / "planted.jsonl"
    planted.write_text("someone else's\n")
    planted.chmod(0o644)
    with pytest.raises(UnsafeFileError, match="private"):
        append_private(planted, b"x\n")
    assert planted.read_text() == "someone else's\n"


def test_the_state_folder_and_key_are_private_and_the_key_is_stable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APIDRIFT_STATE_DIR", str(tmp_path / "state"))
    folder = state_dir()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    key = private_key(folder / "ledger.key")
    assert len(key) == 64 and private_key(folder / "ledger.key") == key
    assert stat.S_IMODE((folder / "ledger.key").stat().st_mode) == 0o600
    (folder / "ledger.key").chmod(0o644)
    with pytest.raises(UnsafeFileError, match="private"):
        private_key(folder / "ledger.key")
    open_folder = tmp_path / "open"
    open_folder.mkdir(mode=0o755)
    open_folder.chmod(0o755)
    monkeypatch.setenv("APIDRIFT_STATE_DIR", str(open_folder))
    with pytest.raises(UnsafeFileError, match="0700"):
        state_dir()


def test_a_lock_file_is_held_until_its_descriptor_closes(tmp_path: Path) -> None:
    lock = tmp_path / "sandbox.lock"
    held = try_lock_file(lock)
    assert held is not None
    assert try_lock_file(lock) is None, "a second holder is refused, even in the same process"
    os.close(held)
    again = try_lock_file(lock)
    assert again is not None
    os.close(again)


def test_a_durable_write_syncs_and_a_cache_write_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The OpenAPI cache skips the fsyncs (a lost entry is rebuilt); everything else keeps them."""
    import apidrift.files as files_module

    synced: list[int] = []
    monkeypatch.setattr(files_module.os, "fsync", synced.append)
    atomic_write(tmp_path / "kept.json", "{}")
    durable = len(synced)
    atomic_write(tmp_path / "cache.json", "{}", durable=False)
    assert durable >= 1 and len(synced) == durable
    assert (tmp_path / "cache.json").read_text() == "{}"
