"""A capture file's data, JSON or YAML, read within the limits every input has (`contracts/safeload`)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from apidrift.contracts.safeload import check_tree, decode_utf8, parse_json, read_bytes
from apidrift.errors import RecordingError
from apidrift.traffic.streamed import streamed_document


def load_document(path: Path) -> Any:
    """A capture file's data: JSON when it reads as JSON (whatever its name), else YAML; a byte order
    mark (Windows tools write one) is skipped. A large JSON capture has its lists of exchanges
    streamed (`traffic.streamed`), so memory follows one exchange, not the file."""
    streamed = streamed_document(path)
    if streamed is not None:
        return streamed
    data = read_bytes(path, error=RecordingError, file=str(path))
    text = decode_utf8(data, file=str(path), error=RecordingError).removeprefix("\ufeff")
    if text.lstrip()[:1] in ("{", "[") and path.suffix.lower() not in (".yaml", ".yml"):
        return parse_json(text, file=str(path), error=RecordingError)
    return _parse_yaml(text, path)


@cache
def _loader() -> Any:
    # Imported here: only YAML cassettes need PyYAML; the safe loader builds `!!binary` as bytes.

    from apidrift.openapi.yaml_events import json_loader

    loader: Any = type("CassetteLoader", (json_loader(),), {})
    # Psych (Ruby VCR) writes a binary string as `!binary`, and a few objects with `!ruby/...` tags:
    # read as bytes, and as the plain data under the tag.
    loader.add_constructor("!binary", loader.construct_yaml_binary)
    loader.add_multi_constructor("!ruby/", _plain_node)
    return loader


def _plain_node(loader: Any, suffix: str, node: Any) -> Any:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)


def _parse_yaml(text: str, path: Path) -> Any:
    import yaml

    try:
        value = yaml.load(text, Loader=_loader())  # a SafeLoader underneath
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise RecordingError(f"not YAML{where}: {getattr(exc, 'problem', exc)}", file=path) from None
    except RecursionError:
        raise RecordingError("nested too deeply to read", file=path) from None
    # Aliases share what they name: measured by their expansion, so a small bomb is refused.
    check_tree(value, file=str(path), error=RecordingError)
    return value
