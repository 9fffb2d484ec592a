"""One regular-expression engine for every JSON Schema `pattern`: the Rust `regex` crate, as
jsonschema-rs runs it with `RegexOptions` (linear-time matching, Unicode classes such as `\\p{Lu}`).

The checker, the counterexample judge and the simulator all match through it, so a value is valid in
one exactly when it is valid in the others, and no pattern can make a match take exponential time.
An ECMA-262 pattern this engine cannot run (a backreference, a lookaround) is reported as a
documentation finding at its schema location, and that keyword is skipped: never a false violation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

import jsonschema_rs

from apidrift.contracts.safeload import escape
from apidrift.contracts.soundness import SCHEMA_LISTS, SCHEMA_MAPS, SCHEMA_ONE, schema_nodes
from apidrift.errors import ContractError

PATTERN_OPTIONS: Final = jsonschema_rs.RegexOptions()
_LOOKAROUND: Final = re.compile(r"\(\?<?[=!]")
_BACKREFERENCE: Final = re.compile(r"\\[1-9]|\\k<")


_CLASS_ESCAPES: Final = frozenset("dDsSwW")


def engine_dialect(pattern: str) -> str:
    """`pattern` as the engine reads ECMA-262: a `-` beside a class escape inside brackets (`[\\w-.]`)
    is a literal hyphen there (Annex B), a range error to the Rust engine, so it is escaped (`\\-`);
    nothing else changes, and a pattern without such a hyphen comes back as it was."""
    if "-" not in pattern or "\\" not in pattern:
        return pattern
    out: list[str] = []
    in_class, after_escape, i, n = False, False, 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            out.append(pattern[i : i + 2])
            after_escape = in_class and pattern[i + 1] in _CLASS_ESCAPES
            i += 2
            continue
        if not in_class:
            in_class = c == "["
            if in_class and pattern[i + 1 : i + 2] == "^":
                out.append(c)
                c, i = "^", i + 1
        elif c == "]":
            in_class = False
        elif c == "-" and out[-1] not in ("[", "^") and pattern[i + 1 : i + 2] != "]":
            before_escape = pattern[i + 1 : i + 2] == "\\" and pattern[i + 2 : i + 3] in _CLASS_ESCAPES
            if after_escape or before_escape:
                c = "\\-"
        after_escape = False
        out.append(c)
        i += 1
    return "".join(out)


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> Any:
    """A tiny compiled validator `{"pattern": pattern}` on the linear engine, or None if it cannot run."""
    try:
        return jsonschema_rs.validator_for({"pattern": pattern}, pattern_options=PATTERN_OPTIONS)
    except (jsonschema_rs.ValidationError, ValueError):
        return None


def search(pattern: str, text: str) -> bool | None:
    """Whether `pattern` matches somewhere in `text` (as ECMA-262 `test` does); None when the linear
    engine cannot run the pattern, so the caller skips the keyword instead of guessing."""
    compiled = _compiled(pattern)
    return None if compiled is None else bool(compiled.is_valid(text))


def why_unsupported(pattern: str) -> str | None:
    """Why the linear engine cannot run `pattern`; None when it can."""
    if _compiled(pattern) is not None:
        return None
    if _LOOKAROUND.search(pattern):
        return "it uses a lookaround, which linear-time matching cannot run"
    if _BACKREFERENCE.search(pattern):
        return "it uses a backreference, which linear-time matching cannot run"
    return "it is not a regular expression the linear-time engine compiles (invalid, or too large)"


_QUANTIFIER: Final = re.compile(r"\{[0-9]+(?:,[0-9]*)?\}")
# Escapes whose braces belong to them (`\p{Lu}`, `\u{1F600}`, `\x{41}`), as the engines read them.
_BRACED_ESCAPES: Final = frozenset("pPux")


def literal_braces(pattern: str) -> str:
    """`pattern` with each brace ECMA-262 reads as a literal character escaped (Annex B: a `{` that
    starts no `{n}`, `{n,}` or `{n,m}` quantifier, a `}` that ends none), which the Rust engines
    refuse: `^{[0-9a-f]{4}}$` becomes `^\\{[0-9a-f]{4}\\}$`, the same language."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            end = i + 2
            if pattern[i + 1 : i + 2] in _BRACED_ESCAPES and pattern[i + 2 : i + 3] == "{":
                close = pattern.find("}", i + 3)
                end = close + 1 if close != -1 else end
            out.append(pattern[i:end])
            i = end
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "{":
            quantifier = _QUANTIFIER.match(pattern, i)
            if quantifier is not None and i > 0:
                out.append(quantifier.group())
                i = quantifier.end()
                continue
            char = "\\{"
        elif char == "}":
            char = "\\}"
        out.append(char)
        i += 1
    return "".join(out)


@dataclass(frozen=True)
class UnsupportedPattern:
    """A `pattern` (or `patternProperties` key) the engine cannot run: validation of it is skipped."""

    pointer: str
    pattern: str
    reason: str

    def describe(self) -> str:
        return f"pattern {self.pattern!r} at {self.pointer or '/'} is not checked: {self.reason}"


def unsupported_patterns(schema: Any, pointer: str = "") -> list[UnsupportedPattern]:
    """Every `pattern` and `patternProperties` key in `schema` the linear engine cannot run."""
    found: list[UnsupportedPattern] = []
    for where, node in schema_nodes(schema, pointer):
        pattern = node.get("pattern")
        if isinstance(pattern, str) and (reason := why_unsupported(pattern)) is not None:
            found.append(UnsupportedPattern(f"{where}/pattern", pattern, reason))
        keys = node.get("patternProperties")
        for key in keys if isinstance(keys, dict) else ():
            if (reason := why_unsupported(key)) is not None:
                found.append(UnsupportedPattern(f"{where}/patternProperties/{escape(key)}", key, reason))
    return found


# Keywords 2020-12 does not have that jsonschema-rs still applies (draft 7's `dependencies`): loading
# reports them as ignored, and the Python validator ignores them, so the compiled one must too.
_NOT_2020_12: Final = frozenset({"dependencies"})


def runnable(schema: Any) -> Any:
    """`schema` without what the engine cannot run: such a `pattern` is dropped; such a
    `patternProperties` entry is dropped with the object's `additionalProperties` and
    `unevaluatedProperties` (which depend on what it matched); keywords of older drafts are dropped.
    `schema` itself when all can run."""
    return _strip(schema) if any(_strips(node) for _, node in schema_nodes(schema)) else schema


def _strips(node: dict[str, Any]) -> bool:
    """Does `runnable` drop anything of this node (not below it)?"""
    if not _NOT_2020_12.isdisjoint(node):
        return True
    pattern, keys = node.get("pattern"), node.get("patternProperties")
    if isinstance(pattern, str) and why_unsupported(pattern) is not None:
        return True
    return isinstance(keys, dict) and any(why_unsupported(key) is not None for key in keys)


def _strip(node: Any) -> Any:
    if isinstance(node, list):
        return [_strip(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    keys = node.get("patternProperties")
    dropped = isinstance(keys, dict) and any(why_unsupported(k) for k in keys)
    for key, value in node.items():
        if key == "pattern" and isinstance(value, str) and why_unsupported(value):
            continue
        if key in _NOT_2020_12:
            continue
        if dropped and key in ("additionalProperties", "unevaluatedProperties"):
            continue
        if key == "patternProperties" and isinstance(value, dict):
            out[key] = {k: _strip(v) for k, v in value.items() if not why_unsupported(k)}
        elif key in SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {k: _strip(v) for k, v in value.items()}
        elif key in SCHEMA_LISTS | SCHEMA_ONE:
            out[key] = _strip(value)
        else:
            out[key] = value
    return out


class _Offline:
    """A retriever that fetches nothing: jsonschema-rs would otherwise fetch a URI that no loaded
    document holds (a `$ref` or `$schema` to another host) over the network."""

    def __init__(self) -> None:
        self.refused: str | None = None

    def __call__(self, uri: str) -> Any:
        self.refused = self.refused or uri
        raise ValueError(f"{uri} is not fetched: references resolve offline")

    def error(self, exc: ValueError) -> ContractError:
        """`exc` (a failed compile) as the reference it could not resolve offline; `exc` itself if not."""
        # With a registry, jsonschema-rs refuses a foreign `$schema` itself, without the retriever.
        missing = _MISSING.match(str(exc))
        uri = self.refused or (missing.group(1) if missing else None)
        if uri is None:
            raise exc
        return ContractError(
            f"{uri!r} is not in the contract: apidrift resolves references and metaschemas "
            "offline, within the loaded documents, and never fetches one"
        )


_MISSING: Final = re.compile(r"Resource '([^']*)' is not present in a registry")


def compile_validator(schema: Any, registry: Any = None) -> Any:
    """A jsonschema-rs validator on the linear engine, for what of `schema` it can run; a reference
    to a document it was not given is a `ContractError`, never a download."""
    offline = _Offline()
    try:
        return jsonschema_rs.validator_for(
            runnable(schema), registry=registry, retriever=offline, pattern_options=PATTERN_OPTIONS
        )
    except ValueError as exc:  # jsonschema_rs.ValidationError, raised while compiling
        raise offline.error(exc) from None


def rs_registry(uri: str, document: Any) -> Any:
    """A jsonschema-rs registry of one document, without the patterns the engine cannot run (offline
    as `compile_validator` is)."""
    offline = _Offline()
    try:
        return jsonschema_rs.Registry([(uri, runnable(document))], retriever=offline)
    except ValueError as exc:
        raise offline.error(exc) from None
