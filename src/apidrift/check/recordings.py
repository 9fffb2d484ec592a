"""Recorded responses: one JSON file per response, in a small documented format.

A recording is `{"format": "apidrift.recording/1", "operation", "method", "path", "status",
"headers", "body", "provenance"}`; `path` is the concrete request path, `operation` the contract's
operation id, `provenance` says where the body came from (a documented example, a live run).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from apidrift.contracts.safeload import DEFAULT_LIMITS, Limits, decode_utf8, parse_json, read_bytes
from apidrift.errors import RecordingError

FORMAT: Final = "apidrift.recording/1"
# Anything but letters, digits, `.`, `_` and `-`; a run of dots; a leading dot.
_UNSAFE: Final = re.compile(r"[^A-Za-z0-9._-]+|\.{2,}|^\.")
_MAX_NAME_PART: Final = 100


def safe_file_name(text: str) -> str:
    """`text` (an operation id, a label, a status) as one safe file-name part: letters, digits, `.`,
    `_`, `-`; never `/`, `..` nor a leading dot, however a document spells it. Every file apidrift
    names after something a document or a server chose goes through this one function."""
    return _UNSAFE.sub("_", text)[:_MAX_NAME_PART] or "_"


class Provenance(BaseModel):
    """Where a recorded body came from, and every edit made to it, each with its evidence."""

    model_config = ConfigDict(extra="forbid")

    source: str
    version: str | None = None
    adapted: list[str] = Field(default_factory=list)
    recorded_at: str | None = None


class Recording(BaseModel):
    """One HTTP response as recorded or documented."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["apidrift.recording/1"] = FORMAT
    operation: str
    method: str
    path: str
    status: int
    headers: dict[str, str] = Field(default_factory=dict)
    query: dict[str, str] = Field(default_factory=dict)
    body: Any
    provenance: Provenance | None = None

    def to_json(self) -> str:
        # `body` may legitimately be null; only the optional envelope fields are left out when empty.
        document = self.model_dump(mode="json")
        document = {k: v for k, v in document.items() if v is not None or k == "body"}
        if document.get("provenance"):
            document["provenance"] = {k: v for k, v in document["provenance"].items() if v is not None}
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class LoadedRecording:
    """A recording and the file it was read from (relative to the folder that was loaded)."""

    file: str
    recording: Recording


@dataclass
class RecordingSet:
    """Every recording below a folder; files that could not be read are kept as errors, not raised."""

    folder: Path
    recordings: list[LoadedRecording] = field(default_factory=list)
    errors: list[RecordingError] = field(default_factory=list)


def parse_recording(text: str, file: Path | str) -> Recording:
    """Parse one recording file's text, naming the file and the JSON pointer of what is wrong."""
    raw = parse_json(text, file=str(file), error=RecordingError)
    if not isinstance(raw, dict):
        raise RecordingError("a recording must be a JSON object", file=file)
    if "body" not in raw:
        if {"log", "interactions", "http_interactions"} & raw.keys():
            # Captured traffic in a recordings folder: say how it is read instead.
            message = "a HAR file or cassette, not a recording: check it with --har FILE or --cassettes DIR"
            raise RecordingError(message, file=file)
        raise RecordingError("missing required field 'body'", file=file, pointer="/body")
    try:
        return Recording.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        pointer = "/" + "/".join(str(p) for p in first["loc"])
        message = first["msg"]
        if first["type"] == "missing":
            message = f"missing required field {first['loc'][-1]!r}"
        elif first["type"] == "extra_forbidden":
            message = f"unknown field {first['loc'][-1]!r}"
        raise RecordingError(message, file=file, pointer=pointer) from None


def load_recordings(folder: Path, *, limits: Limits = DEFAULT_LIMITS) -> RecordingSet:
    """Read every `*.json` below `folder` (sorted), collecting per-file errors.

    A folder with no recordings is an error too: a check that checked nothing must not pass.
    """
    result = RecordingSet(folder)
    if not folder.is_dir():
        result.errors.append(RecordingError("no such recordings folder", file=folder))
        return result
    for path in recording_files(folder):
        try:
            result.recordings.append(read_recording(folder, path, limits=limits))
        except RecordingError as exc:
            result.errors.append(exc)
    if not result.recordings and not result.errors:
        result.errors.append(RecordingError("no recordings (*.json files) in this folder", file=folder))
    return result


def read_recording(
    folder: Path, path: Path | str, *, limits: Limits = DEFAULT_LIMITS, base: str | None = None
) -> LoadedRecording:
    """One recording file below `folder`; a RecordingError names it relative to `folder`. `base`:
    `folder` spelled with a trailing separator, for a caller reading many files of one folder."""
    # By string when `path` is spelled below `folder` (as `recording_names` spells it): relative_to
    # parses both paths, which costs more than reading a small recording.
    text = str(path)
    if base is None:
        base = os.path.join(str(folder), "")
    if text.startswith(base):
        rel = text[len(base) :]
        if os.sep != "/":
            rel = rel.replace(os.sep, "/")
    else:
        rel = Path(path).relative_to(folder).as_posix()
    data = read_bytes(text, error=RecordingError, limits=limits, file=rel)
    return LoadedRecording(rel, parse_recording(decode_utf8(data, file=rel, error=RecordingError), rel))


def recording_files(folder: Path) -> list[Path]:
    """Every `*.json` below `folder`, sorted as paths sort (part by part); symlinked folders are not
    entered, so a link loop cannot make the walk endless."""
    return [Path(name) for name in recording_names(folder)]


def recording_names(folder: Path) -> list[str]:
    """`recording_files` as strings: a Path object per file costs more memory than the check of a
    large corpus keeps for everything else."""
    found: list[str] = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        found.extend(os.path.join(root, name) for name in files if name.endswith(".json"))
    # With the separator as the least character, strings sort as their parts do.
    found.sort(key=lambda name: name.replace(os.sep, "\0"))
    return found


def write_recordings(folder: Path, recordings: Iterable[tuple[str, Recording]]) -> None:
    """Write each recording as `folder/name`; a name that is not one safe file name is refused."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, recording in recordings:
        if safe_file_name(name) != name:
            raise RecordingError(f"{name!r} is not a safe file name", file=folder)
        (folder / name).write_text(recording.to_json(), encoding="utf-8")


def bundled_recordings() -> Path:
    """The recordings shipped with apidrift (the repository's, in a source checkout)."""
    packaged = Path(str(resources.files("apidrift"))) / "_bundled" / "recordings"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "recordings"
