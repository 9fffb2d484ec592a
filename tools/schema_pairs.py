"""Turn a JSON-schema diff peer's schema pairs into OpenAPI base/revision pairs for tools/peer_sweep.py.

    .venv/bin/python tools/schema_pairs.py PAIRS OUT [--verdicts FILE]

PAIRS is a folder of `*.json` files holding `{"lhs": SCHEMA, "rhs": SCHEMA}` (getsentry/json-schema-diff's
`tests/fixtures/<group>/<name>.json` shape; subfolders are walked, the name is `group__name`). Each
pair is wrapped in a minimal OpenAPI 3.1 document twice, once as a required request body (`NAME.req`)
and once as a 200 response body (`NAME.resp`), so a pair is graded on both sides. Draft-07 spellings
are carried over to 2020-12: `definitions`/`$defs` become components (their `$ref`s follow) and an
array-valued `items` (a tuple) becomes `prefixItems`.

The verdicts file (TOML) says what each pair does to the set of accepted values, by the peer's own
reading (getsentry: `is_breaking` is "a value valid under lhs is refused by rhs"):

    ["group/name"]
    narrows = true    # rhs refuses a value lhs accepted
    widens = false    # rhs accepts a value lhs refused
    changed = true    # false: the two schemas accept the same values (reordered, refactored)

and OUT/manifest.toml gets, per side and direction, the level peer_sweep.py expects: a request that
narrows is ERR (it refuses old senders); a response that widens is WARN+ (it can break readers:
a warning or graver); any other change INFO; no change NONE.
"""

from __future__ import annotations

import argparse
import json
import tomllib
from pathlib import Path
from typing import Any

REF_ROOTS = ("#/definitions/", "#/$defs/")


def _carry(node: Any) -> Any:
    """The schema in OpenAPI 3.1's spelling: refs into components, tuples as prefixItems."""
    if isinstance(node, list):
        return [_carry(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("definitions", "$defs"):
            continue
        if key == "$ref" and isinstance(value, str) and value.startswith(REF_ROOTS):
            out[key] = "#/components/schemas/" + value.split("/", 2)[2]
        elif key == "items" and isinstance(value, list):
            out["prefixItems"] = _carry(value)
        else:
            out[key] = _carry(value)
    return out


def _definitions(schema: Any) -> dict[str, Any]:
    if not isinstance(schema, dict):
        return {}
    found: dict[str, Any] = {}
    for key in ("definitions", "$defs"):
        found.update({name: _carry(body) for name, body in (schema.get(key) or {}).items()})
    return found


def wrap(schema: Any, side: str) -> dict[str, Any]:
    """A minimal OpenAPI 3.1 document: `schema` as the request body (`req`) or 200 response (`resp`)."""
    content = {"application/json": {"schema": _carry(schema)}}
    operation: dict[str, Any] = {"operationId": "exchange", "responses": {"200": {"description": "ok"}}}
    if side == "req":
        operation["requestBody"] = {"required": True, "content": content}
    else:
        operation["responses"]["200"]["content"] = content
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "schema pair", "version": "1"},
        "paths": {"/exchange": {"post": operation}},
    }
    if definitions := _definitions(schema):
        document["components"] = {"schemas": definitions}
    return document


def levels(narrows: bool, widens: bool, changed: bool, side: str) -> tuple[str, str]:
    """The levels peer_sweep.py expects (forward, backward) of a pair on one side."""
    quiet = "INFO" if changed else "NONE"
    if side == "req":
        return ("ERR" if narrows else quiet), ("ERR" if widens else quiet)
    return ("WARN+" if widens else quiet), ("WARN+" if narrows else quiet)


def convert(pairs: Path, out: Path, verdicts: dict[str, dict[str, Any]]) -> int:
    """Write OUT/<name>.<side>_base.json and _revision.json for every pair, and OUT/manifest.toml."""
    out.mkdir(parents=True, exist_ok=True)
    manifest: list[str] = []
    count = 0
    for path in sorted(pairs.rglob("*.json")):
        relative = path.relative_to(pairs).with_suffix("")
        key = relative.as_posix()
        pair = json.loads(path.read_text(encoding="utf-8"))
        name = "__".join(relative.parts)
        count += 1
        for side in ("req", "resp"):
            stem = f"{name}.{side}"
            for role, schema in (("base", pair["lhs"]), ("revision", pair["rhs"])):
                target = out / f"{stem}_{role}.json"
                target.write_text(json.dumps(wrap(schema, side), indent=2) + "\n", encoding="utf-8")
            if key in verdicts:
                said = verdicts[key]
                forward, backward = levels(
                    bool(said.get("narrows")), bool(said.get("widens")), bool(said.get("changed", True)), side
                )
                manifest += [
                    "[[pair]]",
                    f'base = "{stem}_base.json"',
                    f'revision = "{stem}_revision.json"',
                    f'forward = "{forward}"',
                    f'backward = "{backward}"',
                    f'source = "{key} ({side})"',
                    "",
                ]
    (out / "manifest.toml").write_text("\n".join(manifest), encoding="utf-8")
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pairs", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--verdicts", type=Path)
    args = parser.parse_args()
    verdicts = tomllib.loads(args.verdicts.read_text(encoding="utf-8")) if args.verdicts else {}
    print(f"{convert(args.pairs, args.out, verdicts)} pairs written to {args.out}")


if __name__ == "__main__":
    main()
