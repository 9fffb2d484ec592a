"""A large JSON capture read a list item at a time (ijson), so memory follows the largest exchange, not
the file: parsed whole, a JSON capture took about five to ten times its size.

Two passes over the file. The first checks all of it, as strictly as `contracts.safeload.parse_json`
would (a syntax error, a duplicate key, a number past a double, nesting past the depth limit, text
that is not UTF-8), building everything but the lists exchanges are kept in (`log.entries`,
`interactions`, `http_interactions`, a list at the root): those become `Streamed` lists holding only
their first item. The second pass, when a reader walks such a list (`exchange.taken`), reads its
items one by one. Whatever the first pass doubts (a surrogate escape, which the streaming parser reads
otherwise) sends the file to the whole-file reader, which says exactly what is wrong, as before.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import ijson  # type: ignore[import-untyped]  # C (yajl) events, no stubs

from apidrift.contracts.safeload import DEFAULT_LIMITS
from apidrift.errors import RecordingError

# Below this size a capture is parsed whole: streaming it would save little memory.
STREAM_FROM = 4 * 1024 * 1024
# The lists exchanges are kept in, by their path from the root.
_LISTS = {(): "item", ("log", "entries"): "log.entries.item"}
_LISTS |= {(key,): f"{key}.item" for key in ("interactions", "http_interactions")}
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_BOM = b"\xef\xbb\xbf"
# Integers longer than this many digits are refused by the whole-file reader (Python's default cap).
_MAX_INT_BITS = 4300 * 332 // 100


class Streamed(list[Any]):
    """A list of a capture read in the second pass: holds its first item only (for the readers that
    look at it to tell the format); `items` reads them all, one at a time."""

    def __init__(self, path: Path, prefix: str) -> None:
        super().__init__()
        self.path = path
        self.prefix = prefix

    def items(self) -> Iterator[Any]:
        with open(self.path, "rb") as handle:
            if handle.read(3) != _BOM:
                handle.seek(0)
            try:
                yield from ijson.items(handle, self.prefix, use_float=True)
            except ijson.JSONError as exc:  # read whole once already: the file changed since
                raise RecordingError(f"changed while it was read: {exc}", file=self.path) from None


class _Doubt(Exception):
    """Something the first pass leaves to the whole-file reader."""


def streamed_document(path: Path) -> Any | None:
    """The capture at `path` with its lists of exchanges `Streamed`, or None when it is to be read
    whole (small, YAML, or anything the first pass doubts)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    limit = DEFAULT_LIMITS.max_bytes
    if not stat.S_ISREG(info.st_mode) or not STREAM_FROM <= info.st_size <= limit:
        return None
    if path.suffix.lower() in (".yaml", ".yml"):
        return None
    with open(path, "rb") as handle:
        head = handle.read(3)
        if head != _BOM:
            handle.seek(0)
        first = handle.read(64).lstrip()[:1]
        if first not in (b"{", b"["):
            return None  # YAML, or not a capture: the whole-file reader says which
        handle.seek(len(_BOM) if head == _BOM else 0)
        try:
            return _Builder(path).build(ijson.basic_parse(_Checked(handle), use_float=True))
        except _Doubt:
            return None
        except Exception:  # a syntax error (ijson's own kinds): the whole-file reader names it
            return None


class _Checked:
    """The file as the parser reads it, checked on the way: UTF-8 throughout, no surrogate escape."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._tail = b""

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        try:
            self._decoder.decode(data, final=not data)
        except UnicodeDecodeError:
            raise _Doubt from None
        if _SURROGATE_ESCAPE.search(self._tail + data[:8]) or _SURROGATE_ESCAPE.search(data):
            raise _Doubt
        self._tail = data[-8:]
        return data


class _Builder:
    """The first pass: every event checked, the document built but for the items of `_LISTS` past
    their first."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.max_depth = DEFAULT_LIMITS.max_depth

    def build(self, events: Iterator[tuple[str, Any]]) -> Any:
        # Frames: [container (None: not kept), path (None: below the top two levels), pending key,
        # keys seen (maps), items seen (lists)].
        stack: list[list[Any]] = []
        root: list[Any] = []
        for event, value in events:
            if event == "map_key":
                frame = stack[-1]
                if value in frame[3] or (frame[1] is not None and "." in value):
                    # A duplicate key (the whole-file reader names where); a dotted key near the
                    # root, which the second pass could not tell from a path (`log.entries`).
                    raise _Doubt
                frame[3].add(value)
                frame[2] = value
            elif event in ("start_map", "start_array"):
                if len(stack) >= self.max_depth:
                    raise _Doubt
                keep, path = self._child(stack)
                if event == "start_map":
                    container: Any = {} if keep else None
                elif path in _LISTS:
                    container = Streamed(self.path, _LISTS[path])
                else:
                    container = [] if keep else None
                stack.append([container, path, None, set(), 0])
            elif event in ("end_map", "end_array"):
                frame = stack.pop()
                self._add(stack, root, frame[0])
            else:
                self._check(value)
                self._add(stack, root, value)
        if stack or len(root) != 1:
            raise _Doubt
        return root[0]

    @staticmethod
    def _child(stack: list[list[Any]]) -> tuple[bool, tuple[str, ...] | None]:
        """Whether the next value is kept, and its path (while it is short enough to matter)."""
        if not stack:
            return True, ()
        parent = stack[-1]
        if parent[0] is None:
            return False, None
        if isinstance(parent[0], Streamed):
            return parent[4] == 0, None
        if isinstance(parent[0], dict):
            path = parent[1]
            return True, (*path, parent[2]) if path is not None and len(path) < 2 else None
        return True, None

    @staticmethod
    def _add(stack: list[list[Any]], root: list[Any], value: Any) -> None:
        if not stack:
            root.append(value)
            return
        frame = stack[-1]
        container = frame[0]
        if isinstance(container, dict):
            container[frame[2]] = value
        elif isinstance(container, Streamed):
            if frame[4] == 0:
                container.append(value)
            frame[4] += 1
        elif container is not None:
            container.append(value)

    @staticmethod
    def _check(value: Any) -> None:
        if isinstance(value, float):
            if value - value != 0:
                raise _Doubt
        elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > _MAX_INT_BITS:
            raise _Doubt
