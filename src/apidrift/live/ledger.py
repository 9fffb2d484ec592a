"""The ledger of what a writing sweep created or changed, and how each kind of entry is undone
(`live/cleanup.py` does the undoing).

Every entry is fsynced before the resource is used, so a run killed at any point leaves enough on
disk for `cleanup` to compensate exactly what it did, and nothing it did not do. Each entry carries
a token (an HMAC keyed by a private file in the user's state folder, never in the ledger), so an
entry written or changed by hand, or by someone else's apidrift, is refused rather than trusted.
The file is private (0600, created exclusively), never followed through a symlink, and changed only
under its folder's lock.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, GetCoreSchemaHandler, ValidationError
from pydantic_core import core_schema

from apidrift.errors import LedgerError
from apidrift.files import append_private, folder_lock, private_key, read_private, state_dir, update_file

KEY_FILE = "ledger.key"


def _utcnow() -> datetime:
    return datetime.now(UTC)


# --- the ledger -------------------------------------------------------------------------------


class EntryKind(str):
    """A kind of ledger entry, named by the sandbox plan that writes it (`.value` as for an enum)."""

    @property
    def value(self) -> str:
        return str(self)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            cls, core_schema.str_schema(), serialization=core_schema.to_string_ser_schema()
        )


class LedgerEntry(BaseModel):
    """Something a sweep created or changed; `resource_id` is None until the create has answered.

    `params` are the path parameters its undo needs besides the resource's own id (the sandbox's);
    `api` and `sandbox` name the profile and sandbox of the run; `token` proves the rest.
    """

    entry_id: str
    run_id: str
    kind: EntryKind
    base_url: str
    api: str = ""
    sandbox: str | None = None
    params: dict[str, str] = {}
    resource_id: str | None = None
    name: str | None = None
    original: dict[str, Any] = {}
    # Fields the server gave the resource when it was made (its creation time, say): cleanup acts
    # only on a resource that still carries them, so a namesake made by someone else is left alone.
    identity: dict[str, Any] = {}
    # How the entry is undone, when the run that wrote it says so itself (a fuzz run: the DELETE of
    # the chain that created it, as `operation`, `method`, `path` and `id_param`); else its kind's plan.
    undo: dict[str, str] | None = None
    recorded_at: str
    token: str = ""


def ledger_key() -> bytes:
    """The user's ledger key (made the first time): kept in the state folder, never in a ledger."""
    return private_key(state_dir() / KEY_FILE)


def _signed(entry: LedgerEntry, key: bytes) -> str:
    # An entry without its own undo is signed as before the field existed, so older ledgers verify.
    exclude = {"token"} if entry.undo is not None else {"token", "undo"}
    fields = entry.model_dump(mode="json", exclude=exclude)
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


class Ledger:
    """A JSON-lines file of outstanding entries; every change is fsynced before it is relied on.

    `key` signs and verifies entries (default: the user's ledger key).
    """

    def __init__(self, path: Path, key: bytes | None = None) -> None:
        self.path = path
        self._key = key

    @property
    def key(self) -> bytes:
        if self._key is None:
            self._key = ledger_key()
        return self._key

    def entries(self) -> list[LedgerEntry]:
        """Every entry, verified or not (see `verify`); a line that is no entry is a LedgerError."""
        try:
            raw = read_private(self.path)
        except OSError as exc:
            raise LedgerError(f"cannot read ledger: {exc.strerror}", file=self.path) from None
        return self._parse(raw)

    def _parse(self, raw: bytes | None) -> list[LedgerEntry]:
        out = []
        lines = raw.decode("utf-8", errors="replace").splitlines() if raw else []
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    out.append(LedgerEntry.model_validate_json(line))
                except ValidationError as exc:
                    message = f"line {number} is not a ledger entry: {exc.errors()[0]['msg']}"
                    raise LedgerError(message, file=self.path, pointer=f"/{number - 1}") from None
        return out

    def verify(self, entry: LedgerEntry) -> str | None:
        """Why the entry cannot be trusted (None when its token proves this user's apidrift wrote it)."""
        if not entry.token:
            return "it carries no token: not written by apidrift (forged by hand?)"
        if not hmac.compare_digest(entry.token, _signed(entry, self.key)):
            return "its token does not match: changed by hand, or written with another user's key"
        return None

    def add(self, **fields: Any) -> LedgerEntry:
        entry = LedgerEntry(entry_id=uuid.uuid4().hex, recorded_at=_utcnow().isoformat(), **fields)
        entry = entry.model_copy(update={"token": _signed(entry, self.key)})
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with folder_lock(self.path.parent):
            append_private(self.path, (entry.model_dump_json() + "\n").encode("utf-8"))
        return entry

    def update(self, entry: LedgerEntry, **changes: Any) -> LedgerEntry:
        new = entry.model_copy(update=changes)
        new = new.model_copy(update={"token": _signed(new, self.key)})
        self._rewrite(lambda entries: (new if e.entry_id == entry.entry_id else e for e in entries))
        return new

    def remove(self, entry: LedgerEntry) -> None:
        self._rewrite(lambda entries: (e for e in entries if e.entry_id != entry.entry_id))

    def _rewrite(self, change: Callable[[list[LedgerEntry]], Iterable[LedgerEntry]]) -> None:
        # Inside the folder's lock, written aside and renamed: a crash leaves the old ledger or the
        # new one, never half, and a concurrent change is not lost.
        def rewrite(old: bytes | None) -> bytes | None:
            text = "".join(e.model_dump_json() + "\n" for e in change(self._parse(old)))
            return text.encode("utf-8") if text else None

        update_file(self.path, rewrite, private=True)


# --- how entries are undone ----------------------------------------------------------------------


@dataclass(frozen=True)
class UndoStep:
    """How one kind of ledger entry is undone: a delete of the resource, or a write of saved values.

    `id_param` is the path parameter the entry's `resource_id` fills; `listing` (operation, path) is
    where a resource whose create never answered is looked for by its run-unique name, and where a
    created resource is looked for by id, to check it still carries that name before it is deleted
    (`retrieve`, operation and path, fetches it by id directly where the API can).
    """

    operation: str
    method: str
    path: str
    id_param: str = ""
    listing: tuple[str, str] | None = None
    name_field: str = "name"
    retrieve: tuple[str, str] | None = None
    # For an undo that is not a delete of a run-named resource (archiving a sandbox the run made):
    # the resource must still have the entry's name and `identity` fields, fetched by `retrieve`.
    identity_fields: tuple[str, ...] = ()


class UndoPlan(Protocol):
    """What a sandbox write plan tells cleanup: how each kind of entry it ledgers is undone."""

    def undo_step(self, kind: str) -> UndoStep | None: ...
