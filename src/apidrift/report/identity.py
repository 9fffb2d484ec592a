"""Stable finding identity: the same drift gets the same id on every run, whatever its wording or order.

An id hashes what a finding is and where it is (API, kind, operation, version, location, path, and
for a diff change its old and new values), never
its message, evidence, file name or position, so recordings, a live run and a reordered run agree.
"""

from __future__ import annotations

import hashlib
import json
from typing import Final

ID_PREFIX: Final = "ad-"
# 12 hex digits (48 bits): a collision among a million findings of one API is about 1 in 500.
ID_DIGITS: Final = 12
# One encoder for every id: json.dumps builds a new one per call when given options.
_ENCODE: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def finding_id(
    *,
    api: str | None,
    kind: str,
    operation: str | None,
    version: str | None,
    location: str | None,
    path: str,
    detail: str | None = None,
) -> str:
    """The id of a finding from the parts that say what and where it is (`detail`: what tells two
    findings of one kind at one place apart, such as the two names of a renamed type)."""
    parts = [api or "", kind, operation or "", version or "", location or "", path]
    key = _ENCODE(parts + ([detail] if detail is not None else []))
    return ID_PREFIX + hashlib.sha256(key.encode("utf-8")).hexdigest()[:ID_DIGITS]


def rename_path(old: str, new: str) -> str:
    """Where a rename is: both names, so a rename to another name is another finding."""
    return f"{old} -> {new}"


def transport_subject(operation: str | None, method: str, path: str) -> str:
    """Transport trouble is where the request went: its operation, else its method and path."""
    return operation or f"{method} {path}"
