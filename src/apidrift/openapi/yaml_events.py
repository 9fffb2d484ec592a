"""The event builder behind `fastyaml.py`: a YAML document read from libyaml's parser events as YAML
1.2's core schema (`yaml_core.py`), or as 1.1 where it asks, for what the Rust loader does not read
alike (tags, a `%YAML 1.1` directive, 1.1 line breaks) and for every error, so messages stay
PyYAML's with their line and column. Values are made straight from the events, each distinct plain
scalar resolved once; anything outside that subset (tags, merge keys, collection keys, several
documents, syntax errors) is handed to `yaml.load` with the same schema. Imported only when needed:
PyYAML's import is a tenth of a `diff`'s start.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from apidrift.openapi.yaml_core import MERGE, core_loader, plain_scalar, safe_loader

__all__ = ["build", "json_loader"]

_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_INT = "tag:yaml.org,2002:int"
_MAP_TAGS = (None, "!", "tag:yaml.org,2002:map")
_SEQ_TAGS = (None, "!", "tag:yaml.org,2002:seq")
# Resolved tags whose value the safe constructor builds from the scalar alone.
_SCALAR_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "binary"))
_NO_KEY: Any = object()


class _Unusual(Exception):
    """The document uses something the fast path does not build; `yaml.load` takes over."""


@cache
def json_loader() -> type[yaml.SafeLoader]:
    """`safe_loader()` with timestamps kept as their text: every value it builds is JSON data."""
    loader: type[yaml.SafeLoader] = type("JsonDataLoader", (safe_loader(),), {})
    loader.add_constructor(_TIMESTAMP, _timestamp_text)
    loader.add_constructor(_INT, _readable_int)
    return loader


def _readable_int(loader: yaml.SafeLoader, node: ScalarNode) -> int:
    try:
        value: int = loader.construct_yaml_int(node)
    except ValueError:  # past `sys.get_int_max_str_digits()`
        why = f"an integer of {len(node.value):,} characters is too long to read"
        raise ConstructorError(None, None, why, node.start_mark) from None
    return value


def _timestamp_text(loader: yaml.SafeLoader, node: ScalarNode) -> str:
    return str(loader.construct_scalar(node))


def build(text: str | bytes, *, yaml_1_1: bool = False) -> tuple[Any, int | None, int]:
    """The document by the event builder alone (YAML 1.1, PyYAML's schema, where `yaml_1_1`): its
    value, how deep it nests (None: unknown, walk it) and the values aliases add (see `fastyaml.Tree`)."""
    loader = json_loader() if yaml_1_1 else core_loader()
    try:
        builder = _Builder(text, _resolve_1_1 if yaml_1_1 else _resolve_core)
        value = builder.build()
        return value, builder.depth if builder.bounded else None, builder.extra
    except (_Unusual, yaml.YAMLError):
        # Rare inputs and every error: PyYAML's own loader gives the value or the exact error.
        return yaml.load(text, Loader=loader), None, 0


def _resolve_core(value: str) -> Any:
    if value == MERGE:
        raise _Unusual("a merge key")  # `yaml.load` merges it (or reads a value `<<` as text)
    try:
        return plain_scalar(value)
    except ValueError:
        raise _Unusual("a number too long to read") from None  # the loader says where


_RESOLVER = Resolver()
_CONSTRUCTOR = SafeConstructor()


def _resolve_1_1(value: str) -> Any:
    tag = _RESOLVER.resolve(ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    if tag in (_STR, _TIMESTAMP):
        return value
    if tag in _SCALAR_TAGS:
        try:
            return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, ScalarNode(tag, value))
        except ValueError:
            raise _Unusual(tag) from None  # PyYAML's loader says where (`_readable_int`)
    raise _Unusual(tag)  # merge keys (`<<`) and value keys (`=`)


class _Builder:
    def __init__(self, text: str | bytes, resolve: Callable[[str], Any]) -> None:
        self.parser = safe_loader()(text)
        self.resolve = resolve
        self.plain: dict[str, Any] = {}
        self.anchors: dict[str, Any] = {}
        self.depth = 0
        self.extra = 0
        self.bounded = True
        self.events = 0
        self.aliases = 0
        # Anchored containers still open: id -> (events, aliases) at their start; closed: id -> size.
        self.open: dict[int, tuple[int, int]] = {}
        self.sizes: dict[int, int | None] = {}

    def build(self) -> Any:
        try:
            get: Callable[[], Any] = self.parser.get_event
            get()  # stream start
            event = get()
            if isinstance(event, StreamEndEvent):
                return None
            root = self._document(get)
            if isinstance(get(), DocumentEndEvent) and isinstance(get(), StreamEndEvent):
                return root
            raise _Unusual("not exactly one document")
        finally:
            self.parser.dispose()

    def _document(self, get: Callable[[], Any]) -> Any:
        """Build the root value; containers are filled in place, so aliases share them as PyYAML does."""
        stack: list[tuple[Any, Any, bool]] = []
        current: Any = None
        key: Any = _NO_KEY
        is_map = False
        while True:
            event = get()
            kind = type(event)
            self.events += 1
            if kind is ScalarEvent:
                value = self._scalar(event)
                if event.anchor is not None:
                    self.anchors[event.anchor] = value
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                is_mapping = kind is MappingStartEvent
                if event.tag not in (_MAP_TAGS if is_mapping else _SEQ_TAGS):
                    raise _Unusual(event.tag)
                container: Any = {} if is_mapping else []
                if event.anchor is not None:
                    self.anchors[event.anchor] = container
                    self.open[id(container)] = (self.events, self.aliases)
                if is_map and key is _NO_KEY:
                    raise _Unusual("a collection as a mapping key")
                if len(stack) > self.depth:
                    self.depth = len(stack)  # enclosing containers: the nesting `check_tree` counts
                stack.append((current, key, is_map))
                current, key, is_map = container, _NO_KEY, is_mapping
                continue
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                value = current
                if self.open and id(value) in self.open:
                    events, aliases = self.open.pop(id(value))
                    # Its values, once expanded, unless aliases inside it make that unknown here.
                    self.sizes[id(value)] = self.events - events if aliases == self.aliases else None
                current, key, is_map = stack.pop()
                if not stack:
                    return value
            elif kind is AliasEvent:
                if event.anchor not in self.anchors:
                    raise _Unusual("undefined alias")
                value = self.anchors[event.anchor]
                if isinstance(value, (dict, list)):
                    self._alias(self.sizes.get(id(value)), len(stack))
            else:
                raise _Unusual(kind.__name__)
            if not stack:
                return value  # the document is one scalar or alias
            if not is_map:
                current.append(value)
            elif key is _NO_KEY:
                if isinstance(value, (dict, list)):
                    raise _Unusual("a collection as a mapping key")
                key = value
            else:
                current[key] = value
                key = _NO_KEY

    def _alias(self, size: int | None, depth: int) -> None:
        """Account for a container repeated by an alias at `depth`: `size` more values, nested at
        most `size` deeper; None (still open: recursive; or holding aliases itself): no bound."""
        self.aliases += 1
        if size is None:
            self.bounded = False
            return
        self.extra += size
        self.depth = max(self.depth, depth + size)

    def _scalar(self, event: ScalarEvent) -> Any:
        tag, value = event.tag, event.value
        if tag is None or tag == "!":
            if not event.implicit[0]:
                return value  # quoted, or a block scalar: always a string
            try:
                return self.plain[value]
            except KeyError:
                pass
            built = self.resolve(value)
            self.plain[value] = built  # scalars are immutable, so equal texts may share one value
            return built
        if tag == _STR:
            return value
        raise _Unusual(tag)
