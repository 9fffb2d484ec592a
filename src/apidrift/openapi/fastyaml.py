"""Load an OpenAPI document's YAML as YAML 1.2 (`yaml_core.py`), fast, into JSON data.

Two paths give one result. The Rust loader (`fast_yaml`, a dependency) builds the values in native
code, ten times faster than any PyYAML loader. What it reads otherwise than PyYAML would, or refuses,
goes to the event builder (`yaml_events.py`, imported only then): documents with tags (it drops
unknown ones), a `%YAML 1.1` directive (read as 1.1, as it asks), and every error, so messages stay
PyYAML's with their line and column.

Where the two read malformed YAML differently, the Rust loader is the more lenient: it reads a few
lines libyaml refuses (`: value`, an empty key, in a block mapping) as YAML 1.2 allows, and an
anchor name may hold `:` there. A mutation fuzz of the test fixtures (6,000 documents) found no
other difference.

Timestamps stay the strings they were written as in both (the JSON data model an OpenAPI document
is), so an unquoted `version: 2024-10-01` in an example serializes as JSON.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import fast_yaml as _rust

from apidrift.contracts.safeload import DEFAULT_LIMITS

# The Rust loader's own default and the depth it calls safe on small (thread) stacks; deeper
# documents go to the event builder. Its depth counts one less than `check_tree`'s.
_RUST_MAX_DEPTH = 256
# A document that asks for YAML 1.1 in its directive is read as 1.1 (PyYAML's schema).
_YAML_1_1 = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\r?\n)*%YAML[ \t]+1\.[01]\b")
# A `!` that may start a tag (`!=` is code in a description, never a tag a document uses).
_BANG = re.compile(r"!(?!=)")
_NODE_START = frozenset(":-?[{,\r\n")
# Line breaks in YAML 1.1 (and to PyYAML), text in 1.2: PyYAML reads a text holding one, so both
# paths split its lines alike.
_YAML_1_1_BREAKS = ("\x85", "\u2028", "\u2029")
_MIN_ALIAS_BUDGET = 64 * 1024


def load(text: str | bytes) -> Any:
    """The single YAML document in `text`, read as YAML 1.2 (`yaml.load(text, Loader=core_loader())`)."""
    return load_tree(text).value


@dataclass(frozen=True)
class Tree:
    """A loaded document and bounds on what walking it would find, so a caller may skip the walk.

    Without aliases no node is shared and there is at most one value per character of the text;
    each alias to a container adds at most that container's values and nests them where it stands.
    """

    value: Any
    # How deep containers nest at most (the root is 0); None when unknown (an alias to a container
    # that itself holds aliases or contains the alias, or PyYAML's loader built it): walk it.
    depth: int | None
    # Values aliases add at most beyond one per character of the text.
    extra: int = 0


def load_tree(text: str | bytes, *, max_depth: int = DEFAULT_LIMITS.max_depth) -> Tree:
    """`load(text)` with the bounds of `Tree`; the Rust loader refuses nesting past `max_depth`."""
    if isinstance(text, str):
        if _YAML_1_1.match(text):
            return build_tree(text, yaml_1_1=True)
        tree = _rust_tree(text, max_depth)
        if tree is not None:
            return tree
    return build_tree(text)


def _rust_tree(text: str, max_depth: int) -> Tree | None:
    """The Rust loader's value with its bounds, or None where the event builder must read the text."""
    if _has_tags(text) or any(c in text for c in _YAML_1_1_BREAKS):
        return None
    depth = min(max(max_depth, 1), _RUST_MAX_DEPTH)
    # Aliases share what they name, and the loader counts what they would expand to in bytes, at
    # least one per value, within a budget: a bomb is refused here, and the builder says how far it
    # would expand (the error `check_tree` gives).
    budget = max(len(text), _MIN_ALIAS_BUDGET)
    try:
        value = _rust.safe_load(text, max_depth=depth, max_alias_bytes=budget, max_documents=1)
    except Exception:  # any refusal: the builder reads it again, for PyYAML's own error
        return None
    return Tree(value, depth, budget if "&" in text else 0)


def _has_tags(text: str) -> bool:
    """Whether a `!` may stand where a node starts (after `: `, `- `, `? `, `[`, `{`, `,` or at a
    line's start): the Rust loader ignores tags it does not know. `if !ok` in a description is not."""
    for match in _BANG.finditer(text):
        at = match.start() - 1
        while at >= 0 and text[at] in " \t":
            at -= 1
        if at < 0 or text[at] in _NODE_START:
            return True
    return False


def build_tree(text: str | bytes, *, yaml_1_1: bool = False) -> Tree:
    """`load_tree` by the event builder alone (YAML 1.1, PyYAML's schema, where `yaml_1_1`)."""
    from apidrift.openapi import yaml_events  # PyYAML: imported by the documents that need it

    return Tree(*yaml_events.build(text, yaml_1_1=yaml_1_1))
