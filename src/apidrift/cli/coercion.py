"""Typer's own coercion of option values, without building a pydantic `TypeAdapter` per option.

Typer (0.29 and later) turns each value a command receives (a default `None` too) into its type
with a pydantic `TypeAdapter` it builds on first use, so every run of a command imports pydantic
and builds one adapter per option: about a tenth of a second of a `diff`. For the types the CLI
uses (text, choices, paths, flags, lists of them; numbers given as defaults) the adapter only calls
typer's own functions, which are called here directly. Anything else, and every value they
refuse, goes to typer's adapter, so results and error messages are typer's own (a test compares
both on every option). Written against typer's private modules: without them nothing is replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import typer

# Private modules change without notice: only the typer line this was checked against is touched.
CHECKED_TYPER = "0.29."

try:
    if not typer.__version__.startswith(CHECKED_TYPER):
        raise ImportError(typer.__version__)
    from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
    from typer._param_types import coerce_cli_choice, coerce_cli_path, routes_to_path
    from typer._typing import get_args, get_origin, is_literal_type, literal_values
    from typer.core import _TyperParameter
except ImportError:  # another typer: keep its coercion
    RuntimeParam = None  # type: ignore[assignment,misc]

Leaf = Callable[[Any, Any, Any], Any]


class _Refused(Exception):
    """A value the direct path does not coerce: typer's adapter takes it (and words any error)."""


def install(command: Any) -> None:
    """Give each parameter of `command` (and of its subcommands) the direct coercion where it applies."""
    if RuntimeParam is None:
        return
    for sub in getattr(command, "commands", {}).values():
        install(sub)
    for param in getattr(command, "params", ()):
        _install_param(param)
    built = getattr(command, "get_help_option", None)
    if built is not None and not getattr(built, "direct", False):
        # `--help` is built per command on first use, with the context: given the direct path then.
        def help_option(ctx: Any) -> Any:
            option = built(ctx)
            _install_param(option)
            return option

        help_option.direct = True  # type: ignore[attr-defined]
        command.get_help_option = help_option


def _install_param(param: Any) -> None:
    if isinstance(param, _TyperParameter) and getattr(param, "_runtime_param", False) is None:
        fast = direct(param.type_descriptor)
        if fast is not None:
            param._runtime_param = fast


def direct(descriptor: Any) -> Any:
    """A `RuntimeParam` doing what typer's adapter for `descriptor` does, or None when it is not one
    of the plain kinds (text, enum or literal choice, path, number, flag, a list of one of them)."""
    if RuntimeParam is None or descriptor.file_annotation is not None:
        return None
    annotation, info = descriptor.annotation, descriptor.parameter_info
    many = get_origin(annotation) is list
    leaf = _leaf(get_args(annotation)[0] if many else annotation, info)
    if leaf is None:
        return None
    return _Direct(annotation=annotation, parameter_info=info, descriptor=descriptor, leaf=leaf, many=many)


def _leaf(annotation: Any, info: Any) -> Leaf | None:
    """The body of typer's `build_leaf_adapter` for the kinds handled here, in its order of tests."""
    if info.parser is not None:
        return None
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return _choice(tuple(annotation), info.case_sensitive)
    if is_literal_type(annotation):
        return _choice(tuple(literal_values(annotation)), info.case_sensitive)
    if annotation in (int, float):
        return _number(annotation, info.min, info.max)
    if annotation is bool:
        return _flag
    if annotation is str:
        return _text
    if isinstance(annotation, type) and issubclass(annotation, Path) and routes_to_path(annotation, info):
        return _path(info.path_type or annotation, info)
    return None


def _flag(value: Any, param: Any, ctx: Any) -> Any:
    if type(value) is not bool:
        raise _Refused  # text from a configuration file or the environment: typer's parsing
    return value


def _text(value: Any, param: Any, ctx: Any) -> Any:
    if type(value) is not str:
        raise _Refused
    return value


def _number(kind: type, low: Any, high: Any) -> Leaf:
    def coerce(value: Any, param: Any, ctx: Any) -> Any:
        # A default of the exact type within its bounds comes back unchanged (clamped or not);
        # text from the command line is for pydantic's parsing of numbers.
        if type(value) is not kind:
            raise _Refused
        if (low is not None and value < low) or (high is not None and value > high):
            raise _Refused
        return value

    return coerce


def _choice(choices: tuple[Any, ...], case_sensitive: bool) -> Leaf:
    def coerce(value: Any, param: Any, ctx: Any) -> Any:
        return coerce_cli_choice(value, choices=choices, case_sensitive=case_sensitive, ctx=ctx)

    return coerce


def _path(path_type: Any, info: Any) -> Leaf | None:
    if not (isinstance(path_type, type) and issubclass(path_type, Path)):
        return None

    def coerce(value: Any, param: Any, ctx: Any) -> Any:
        # What pydantic's `Path` validator does with text; typer then checks the path itself.
        if type(value) is str:
            value = path_type(value)
        elif not isinstance(value, path_type):
            raise _Refused
        return coerce_cli_path(value, info, path_type=path_type, param=param, ctx=ctx)

    return coerce


if RuntimeParam is not None:

    @dataclass(frozen=True)
    class _Direct(RuntimeParam):
        descriptor: TypeDescriptor
        leaf: Leaf
        many: bool

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                if self.many:
                    items = value if isinstance(value, (list, tuple)) else [value]
                    return [self.leaf(item, param, ctx) for item in items]
                return self.leaf(value, param, ctx)
            except Exception:  # typer's adapter redoes it and raises its own error
                return build_runtime_param(self.descriptor)._coerce_value(value, param=param, ctx=ctx)
