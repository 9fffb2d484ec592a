"""Read untrusted JSON and YAML-built data within limits: size, depth, expansion, and strict JSON.

Everything apidrift reads from a user (contracts, recordings, OpenAPI documents) passes through
here, so a hostile file is one clear `FILE#POINTER: message` error, never a traceback, a hang on a
FIFO, or memory that grows with an alias bomb. The standard `json` module would do, but it keeps
the last of duplicate keys silently, reads `NaN`, overflows `1e999` to infinity, raises a bare
ValueError on an integer of more than 4,300 digits and keeps a lone surrogate (`"\\ud800"`), which no
UTF-8 file can hold; the hooks below turn each into an error with its pointer.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from apidrift.errors import ApidriftError

ErrorType = type[ApidriftError]


@dataclass(frozen=True)
class Limits:
    """How much of an input apidrift accepts; every bound is on decoded data, not bytes on the wire."""

    max_bytes: int = 256 * 1024 * 1024
    max_depth: int = 256
    # Values after YAML aliases are expanded: a 1 KB alias bomb names billions of them.
    max_values: int = 10_000_000


DEFAULT_LIMITS: Final = Limits()


def read_bytes(
    path: str | os.PathLike[str],
    *,
    error: ErrorType,
    limits: Limits = DEFAULT_LIMITS,
    file: str | None = None,
) -> bytes:
    """The bytes of a regular file no larger than `limits.max_bytes`; FIFOs and devices are refused
    before they are opened, so a named pipe among the inputs cannot hang a run."""
    where = file if file is not None else str(path)
    try:
        info = os.stat(path)
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror}", file=where) from None
    if not stat.S_ISREG(info.st_mode):
        raise error(f"not a regular file ({_kind(info.st_mode)}): skipped", file=where)
    if info.st_size > limits.max_bytes:
        raise error(f"{info.st_size:,} bytes, over the limit of {limits.max_bytes:,}", file=where)
    budget = limits.max_bytes + 1
    try:
        # O_NONBLOCK: if the file was swapped for a FIFO after the stat, open still returns at once.
        # Plain os.read on the descriptor: a buffered file object per file cost more than the read.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            # Ask for what the stat promised plus one byte, to notice growth; a file that grew is read
            # on in bounded chunks (asking for the whole limit at once allocates a buffer that size).
            parts = [os.read(fd, min(info.st_size + 1, budget))]
            total = len(parts[0])
            while parts[-1] and total < budget:
                parts.append(os.read(fd, min(_CHUNK, budget - total)))
                total += len(parts[-1])
        finally:
            os.close(fd)
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror}", file=where) from None
    data = parts[0] if len(parts) == 1 or not parts[1] else b"".join(parts)
    if len(data) > limits.max_bytes:
        raise error(f"over the limit of {limits.max_bytes:,} bytes", file=where)
    return data


_CHUNK = 1 << 20


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISDIR, "a directory"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "a device"


def decode_utf8(data: bytes, *, file: str, error: ErrorType) -> str:
    """`data` as text, or an error naming the line and column of the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        bad = data[exc.start : exc.start + 1].hex()
        raise error(f"not UTF-8: byte 0x{bad} at line {line} column {column}", file=file) from None


class _Flagged(dict[str, Any]):
    """An object that had a duplicate key; found again after parsing to report its pointer."""

    duplicate: str = ""


class _NonFinite:
    """`NaN`, `Infinity`, `-Infinity`, a number too large for a double or an integer with too many
    digits, kept as a marker so the error can name its pointer."""

    def __init__(self, text: str, why: str = "is not a JSON number") -> None:
        self.text = text
        self.why = why

    def message(self) -> str:
        shown = self.text if len(self.text) <= 24 else f"a number of {len(self.text):,} characters"
        return f"{shown} {self.why}"


def finite_float(text: str) -> float:
    """A `parse_float` hook: the number, or a ValueError when it overflows a double (`1e999`)."""
    value = float(text)
    if value - value != 0:  # inf - inf is nan: `1e999` overflowed
        raise _Suspicious
    return value


# A JSON escape of a surrogate (D800-DFFF): only a text with one can decode to a lone surrogate.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _may_hold_surrogates(text: str) -> bool:
    return "\\u" in text and _SURROGATE_ESCAPE.search(text) is not None


def refuse_lone_surrogates(text: str, value: Any, *, file: str, error: ErrorType) -> None:
    """An error with its pointer when `value`, parsed from the JSON `text`, holds a lone surrogate."""
    if _may_hold_surrogates(text):
        _report_marker(value, file=file, error=error)


def lone_surrogate(text: str) -> bool:
    """Does `text` hold half of a surrogate pair (what `"\\ud800"` decodes to), which UTF-8 cannot write?"""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def parse_json(text: str, *, file: str, error: ErrorType, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Strict JSON: a duplicate key, `NaN`/`Infinity` or nesting past `limits.max_depth` is an error
    with the JSON pointer of where it is; so is a syntax error, with its line and column."""
    try:
        # One decoder per thread, whose hooks refuse a duplicate key or a non-finite number outright:
        # the common, clean text pays no closure, no decoder built per call, and no walk afterwards.
        value = _strict_decoder().decode(text)
    except _Suspicious:
        return _parse_flagged(text, file=file, error=error, limits=limits)
    except json.JSONDecodeError as exc:
        raise error(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", file=file) from None
    except RecursionError:  # the C parser gives up near the interpreter's recursion limit
        raise error(f"nested deeper than {limits.max_depth} levels", file=file) from None
    except ValueError:  # an integer past `sys.get_int_max_str_digits()`: find it
        return _parse_flagged(text, file=file, error=error, limits=limits)
    if _may_hold_surrogates(text):
        _report_marker(value, file=file, error=error)
    # Fewer brackets than the limit cannot nest past it: most bodies skip the walk.
    if text.count("[") + text.count("{") > limits.max_depth and _deeper_than(value, limits.max_depth):
        _check_depth(value, file=file, error=error, limits=limits)
    return value


class _Suspicious(ValueError):
    """A duplicate key or a non-finite number: parse again, flagging it, to say where it is."""


def _strict_pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
    built = dict(items)
    if len(built) != len(items):
        raise _Suspicious
    return built


def _refuse_constant(name: str) -> Any:
    raise _Suspicious


_DECODERS = threading.local()


def _strict_decoder() -> json.JSONDecoder:
    decoder: json.JSONDecoder | None = getattr(_DECODERS, "decoder", None)
    if decoder is None:
        decoder = _DECODERS.decoder = json.JSONDecoder(
            object_pairs_hook=_strict_pairs, parse_constant=_refuse_constant, parse_float=finite_float
        )
    return decoder


def _deeper_than(value: Any, limit: int) -> bool:
    """Is `value` nested past `limit` levels? Level by level, building no pointer (`_check_depth`
    builds one for every container, and only needs to once something is too deep)."""
    level = [value] if isinstance(value, (dict, list)) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        deeper: list[Any] = []
        for node in level:
            # A comprehension with isinstance inline: a function call per value was most of the cost.
            deeper += [
                v for v in (node.values() if isinstance(node, dict) else node) if isinstance(v, (dict, list))
            ]
        level = deeper
    return False


def _parse_flagged(text: str, *, file: str, error: ErrorType, limits: Limits) -> Any:
    """`parse_json` for a text with a duplicate key or a non-finite number: each is parsed into a
    marker, found again after parsing to report its pointer."""
    suspicious: list[bool] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        built = dict(items)
        if len(built) != len(items):
            flagged = _Flagged(built)
            flagged.duplicate = _first_duplicate(items)
            suspicious.append(True)
            return flagged
        return built

    def constant(name: str) -> Any:
        suspicious.append(True)
        return _NonFinite(name)

    def real(text: str) -> Any:
        value = float(text)
        if value - value == 0:
            return value
        suspicious.append(True)
        return _NonFinite(text, "is too large for a JSON number (a double)")

    digits = sys.get_int_max_str_digits() or 1 << 62

    def integer(text: str) -> Any:
        if len(text) - text.startswith("-") <= digits:
            return int(text)
        suspicious.append(True)
        return _NonFinite(text, f"has more than {digits:,} digits")

    try:
        value = json.loads(
            text, object_pairs_hook=pairs, parse_constant=constant, parse_float=real, parse_int=integer
        )
    except json.JSONDecodeError as exc:
        raise error(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", file=file) from None
    except RecursionError:  # the C parser gives up near the interpreter's recursion limit
        raise error(f"nested deeper than {limits.max_depth} levels", file=file) from None
    if text.count("[") + text.count("{") > limits.max_depth:
        _check_depth(value, file=file, error=error, limits=limits)
    if suspicious or _may_hold_surrogates(text):
        _report_marker(value, file=file, error=error)
    return value


def _first_duplicate(items: list[tuple[str, Any]]) -> str:
    seen: set[str] = set()
    for key, _ in items:
        if key in seen:
            return key
        seen.add(key)
    return ""


def _check_depth(value: Any, *, file: str, error: ErrorType, limits: Limits) -> None:
    """Refuse parsed data nested deeper than the limit (what the recursive walks downstream allow)."""
    stack: list[tuple[Any, str, int]] = [(value, "", 1)]  # the root container is level 1
    while stack:
        node, pointer, depth = stack.pop()
        if depth > limits.max_depth:
            raise error(f"nested deeper than {limits.max_depth} levels", file=file, pointer=pointer)
        if isinstance(node, dict):
            stack.extend((v, f"{pointer}/{escape(str(k))}", depth + 1) for k, v in node.items() if _nests(v))
        elif isinstance(node, list):
            stack.extend((v, f"{pointer}/{i}", depth + 1) for i, v in enumerate(node) if _nests(v))


def _nests(value: Any) -> bool:
    return isinstance(value, (dict, list))


def _report_marker(value: Any, *, file: str, error: ErrorType) -> None:
    for pointer, node in _walk(value):
        if isinstance(node, _Flagged):
            raise error(
                f"duplicate key {node.duplicate!r}", file=file, pointer=f"{pointer}/{escape(node.duplicate)}"
            )
        if isinstance(node, _NonFinite):
            raise error(node.message(), file=file, pointer=pointer)
        if isinstance(node, str) and lone_surrogate(node):
            raise error(_SURROGATE_MESSAGE, file=file, pointer=pointer)
        if isinstance(node, dict):
            for key in node:
                if lone_surrogate(key):
                    raise error(f"a key: {_SURROGATE_MESSAGE}", file=file, pointer=pointer)


_SURROGATE_MESSAGE = "a lone surrogate (an escape such as \\ud800 without its pair) is not Unicode text"


def _walk(value: Any) -> Any:
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        pointer, node = stack.pop()
        yield pointer, node
        if isinstance(node, dict):
            stack.extend((f"{pointer}/{escape(str(k))}", v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((f"{pointer}/{i}", v) for i, v in enumerate(node))


def dump_json(value: Any, *, file: str, error: ErrorType, indent: int | None = None) -> str:
    """`value` as JSON text for a file, or an error with the pointer of what JSON cannot hold: a
    non-finite number (YAML reads `.inf`) or a lone surrogate (the text could not be written as UTF-8)."""
    try:
        text = json.dumps(value, indent=indent, ensure_ascii=False, allow_nan=False)
    except ValueError:
        text = ""
    if not text or lone_surrogate(text):
        for pointer, node in _walk(value):
            if isinstance(node, float) and node - node != 0:
                raise error(f"{node} is not a JSON number", file=file, pointer=pointer)
            if isinstance(node, str) and lone_surrogate(node):
                raise error(_SURROGATE_MESSAGE, file=file, pointer=pointer)
            if isinstance(node, dict) and any(isinstance(k, str) and lone_surrogate(k) for k in node):
                raise error(f"a key: {_SURROGATE_MESSAGE}", file=file, pointer=pointer)
        raise error("cannot be written as JSON", file=file)
    return text


def escape(key: str) -> str:
    """One JSON pointer segment (RFC 6901)."""
    return key.replace("~", "~0").replace("/", "~1")


def check_tree(value: Any, *, file: str, error: ErrorType, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse data built from YAML whose aliases make it recursive, nest it past the depth limit, or
    expand it past `limits.max_values` values once written out (a "billion laughs" bomb).

    Shared containers are measured once (memoised by identity), so the check itself stays linear in
    the size of the text even when the expansion is exponential.
    """
    if not isinstance(value, (dict, list)):
        return
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    # Iterative post-order walk: (node, where, depth, children expanded yet?). `where` is a chain
    # (parent's where, key), turned into a JSON pointer only for an error: most documents are fine.
    stack: list[tuple[Any, Where, int, bool]] = [(value, None, 0, False)]
    while stack:
        node, where, depth, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            children = node.values() if isinstance(node, dict) else node
            total = 1 + sum(sizes.get(id(c), 1) for c in children)
            if total > limits.max_values:
                message = f"aliases expand this document past {limits.max_values:,} values (an alias bomb?)"
                raise error(message, file=file, pointer=_pointer(where))
            sizes[key] = total
            continue
        if key in on_path:
            message = "an alias refers to a node that contains it (recursive data)"
            raise error(message, file=file, pointer=_pointer(where))
        if key in sizes:
            continue
        if depth > limits.max_depth:
            raise error(f"nested deeper than {limits.max_depth} levels", file=file, pointer=_pointer(where))
        on_path.add(key)
        stack.append((node, where, depth, True))
        items = node.items() if isinstance(node, dict) else enumerate(node)
        stack.extend(
            (child, (where, k), depth + 1, False) for k, child in items if isinstance(child, (dict, list))
        )


Where = tuple[Any, Any] | None


def _pointer(where: Where) -> str:
    parts: list[str] = []
    while where is not None:
        where, key = where
        parts.append(escape(str(key)))
    return "".join(f"/{p}" for p in reversed(parts))


def read_json(
    path: Path, *, error: ErrorType, limits: Limits = DEFAULT_LIMITS, file: str | None = None
) -> Any:
    """Read, decode and strictly parse one JSON file (see `parse_json`)."""
    where = file if file is not None else str(path)
    text = decode_utf8(read_bytes(path, error=error, limits=limits, file=where), file=where, error=error)
    return parse_json(text, file=where, error=error, limits=limits)
