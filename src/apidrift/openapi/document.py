"""Read an OpenAPI file (JSON or YAML) into the JSON data model and check that it is OpenAPI 3.x."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from apidrift.contracts.safeload import (
    DEFAULT_LIMITS,
    Limits,
    check_tree,
    finite_float,
    parse_json,
    read_bytes,
    refuse_lone_surrogates,
)
from apidrift.errors import OpenAPIError


def load_document(path: Path, *, limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """Parse an OpenAPI file (YAML or JSON) and check that it is OpenAPI 3.x (or Swagger 2.0, converted)."""
    data = read_bytes(path, error=OpenAPIError, limits=limits)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise OpenAPIError(f"neither YAML nor JSON: not UTF-8 text (byte {exc.start})", file=path) from None
    document = check_document(parse_text(text, path, limits=limits), path)
    # Imported here: a document that refers only to its own components never needs it.
    from apidrift.openapi.bundle import bundle, needs_bundling
    from apidrift.openapi.swagger2 import SWAGGER2_KEY, convert_fragment, finish_bundled

    if not needs_bundling(text):
        return document

    def parse(text: str, path: Path, limits: Limits) -> Any:
        if SWAGGER2_KEY in document:  # a file a Swagger 2.0 document names is read as 2.0 too
            return convert_fragment(parse_text(text, path, limits=limits), str(path))
        return parse_text(text, path, limits=limits)

    bundled = bundle(document, path, limits=limits, parse=parse)
    return finish_bundled(bundled, str(path)) if SWAGGER2_KEY in bundled else bundled


def parse_text(text: str, path: Path, *, limits: Limits = DEFAULT_LIMITS) -> Any:
    """JSON first when the file says it is JSON (its suffix or its first character), else YAML.

    The json module is ten times faster than any YAML loader on a large document, and it reads what
    PyYAML refuses (escaped surrogate pairs such as `"\\ud83d\\ude00"`).
    """
    json_error: json.JSONDecodeError | None = None
    if path.suffix.lower() == ".json" or text.lstrip()[:1] in ("{", "["):
        try:
            value = json.loads(text, parse_float=finite_float)
        except json.JSONDecodeError as exc:
            json_error = exc  # maybe YAML in flow style after all; YAML gets its turn
        except RecursionError:
            raise OpenAPIError("nested too deeply to read", file=path) from None
        except ValueError:
            # An integer of thousands of digits, `1e999`: the strict parser names where it is.
            return parse_json(text, file=str(path), error=OpenAPIError, limits=limits)
        else:
            refuse_lone_surrogates(text, value, file=str(path), error=OpenAPIError)
            return value
    # Imported here: a diff served from the cache never parses YAML. PyYAML is imported (by the
    # event builder) only for a document the Rust loader does not read: only it raises YAMLError.
    import apidrift.openapi.fastyaml as fastyaml

    try:
        tree = fastyaml.load_tree(text, max_depth=limits.max_depth)
    except RecursionError:
        raise OpenAPIError("nested too deeply to read", file=path) from None
    except Exception as exc:
        pyyaml = sys.modules.get("yaml")
        if pyyaml is None or not isinstance(exc, pyyaml.YAMLError):
            raise
        if json_error is not None and path.suffix.lower() == ".json":
            where = f" at line {json_error.lineno} column {json_error.colno}"
            raise OpenAPIError(f"not JSON: {json_error.msg}{where}", file=path) from None
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None)
        why = f": {problem}" if problem else ""
        raise OpenAPIError(f"neither YAML nor JSON{where}{why}", file=path) from None
    # Aliases share what they name; expanded (to JSON, by a walk) a 1 KB bomb is billions of values.
    # The builder's bounds (see `fastyaml.Tree`) spare the walk (a tenth of a large document's parse)
    # when they prove it would refuse nothing; it still runs, for the exact error, whenever they do not.
    depth = tree.depth
    if depth is None or depth > limits.max_depth or len(text) + tree.extra >= limits.max_values:
        check_tree(tree.value, file=str(path), error=OpenAPIError, limits=limits)
    return tree.value


def check_document(document: Any, path: Path) -> dict[str, Any]:
    """The parsed document when it is OpenAPI 3.x with a `paths` mapping (Swagger 2.0 converted to
    3.0.3); OpenAPIError otherwise."""
    if not isinstance(document, dict):
        raise OpenAPIError("not an OpenAPI document: the top level is not a mapping", file=path)
    if "swagger" in document:
        from apidrift.openapi.swagger2 import convert_swagger2, is_swagger2

        if not is_swagger2(document):
            message = f"Swagger {document['swagger']} is not supported; only 2.0 (converted) and OpenAPI 3.x"
            raise OpenAPIError(message, file=path, pointer="/swagger")
        return check_document(convert_swagger2(document, file=str(path)), path)
    version = str(document.get("openapi", ""))
    if not version.startswith("3."):
        raise OpenAPIError("not an OpenAPI 3.x document: no 'openapi: 3.x' field", file=path)
    if "paths" not in document and version.startswith("3.1") and document.keys() & {"webhooks", "components"}:
        document["paths"] = {}  # 3.1 makes paths optional: a document of webhooks or components alone
    if not isinstance(document.get("paths"), dict):
        raise OpenAPIError("no 'paths' mapping", file=path, pointer="/paths")
    return document
