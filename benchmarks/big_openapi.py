"""A large, deterministic OpenAPI 3.1 document of an imaginary API, and a drifted next version of it.

    python benchmarks/big_openapi.py OUT.json [--operations 1500] [--seed 7] [--drift]

Each resource has five operations (list, create, retrieve, update, delete) and its own schemas: the
resource (`allOf` of a shared base and its own fields, with enums, nested objects and arrays), a
create body, a list page, all by `$ref`; shared parameters and error responses are components too.
Descriptions and media-type examples give it the weight of a real document (1,500 operations make
about 10 MB of JSON). `--drift` renames, removes and adds fields and operations, so a diff of the
two versions has work to do.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

WORDS = [
    "account",
    "audit",
    "batch",
    "billing",
    "cache",
    "channel",
    "charge",
    "cluster",
    "comment",
    "config",
    "contact",
    "coupon",
    "credit",
    "customer",
    "dataset",
    "device",
    "dispute",
    "domain",
    "event",
    "export",
    "feature",
    "file",
    "folder",
    "grant",
    "group",
    "identity",
    "invoice",
    "job",
    "key",
    "label",
    "ledger",
    "license",
    "log",
    "member",
    "message",
    "meter",
    "model",
    "monitor",
    "note",
    "order",
    "payment",
    "plan",
    "policy",
    "price",
    "product",
    "project",
    "quota",
    "receipt",
    "region",
    "report",
    "role",
    "rule",
    "run",
    "schedule",
    "secret",
    "session",
    "snapshot",
    "source",
    "stream",
    "subscription",
    "tag",
    "task",
    "team",
    "template",
    "tenant",
    "token",
    "transfer",
    "usage",
    "vault",
    "volume",
    "webhook",
    "workflow",
    "zone",
]
TYPES = ("string", "integer", "boolean", "number")
STATES = ("active", "pending", "archived", "deleted", "suspended", "failed", "succeeded")
LOREM = (
    "This field is documented at length because real documents are: it says what the value means, "
    "when it is present, how it relates to other resources, and which values the service returns. "
    "Clients should not depend on the order of fields, and should ignore fields they do not know."
)


def ref(name: str, section: str = "schemas") -> dict[str, str]:
    return {"$ref": f"#/components/{section}/{name}"}


def resource_names(count: int) -> list[str]:
    names = []
    for i in range(count):
        a, b = WORDS[i % len(WORDS)], WORDS[(i // len(WORDS) * 7 + 3) % len(WORDS)]
        names.append(f"{a}_{b}" if i >= len(WORDS) else a)
    return [
        f"{n}{i // (len(WORDS) * len(WORDS))}" if i >= len(WORDS) ** 2 else n for i, n in enumerate(names)
    ]


def field_schema(rng: random.Random, name: str) -> dict[str, Any]:
    kind = rng.choice(TYPES)
    schema: dict[str, Any] = {"type": kind, "description": f"The {name.replace('_', ' ')}. {LOREM}"}
    roll = rng.random()
    if kind == "string" and roll < 0.3:
        schema["enum"] = rng.sample(STATES, rng.randint(2, 5))
    elif kind == "string" and roll < 0.5:
        schema["format"] = rng.choice(["date-time", "uri", "email", "uuid"])
    elif kind == "integer":
        schema["minimum"] = 0
    if rng.random() < 0.2:
        schema = {"anyOf": [schema, {"type": "null"}], "description": schema["description"]}
    return schema


def resource_schemas(rng: random.Random, title: str, fields: int, drift: bool) -> dict[str, Any]:
    names = [
        f"{rng.choice(WORDS)}_{rng.choice(['id', 'count', 'name', 'status', 'at', 'url'])}_{i}"
        for i in range(fields)
    ]
    properties = {name: field_schema(rng, name) for name in names}
    properties["settings"] = {
        "type": "object",
        "description": f"Settings of the {title}.",
        "properties": {f"option_{i}": {"type": "boolean", "description": LOREM} for i in range(6)},
    }
    properties["labels"] = {"type": "array", "items": ref("Label"), "description": "Labels attached."}
    required = names[: fields // 2]
    if drift:
        # A rename, a removal, an addition and a narrowed enum: what a diff must name.
        renamed = names[1]
        properties[f"{renamed}_v2"] = properties.pop(renamed)
        required = [f"{renamed}_v2" if n == renamed else n for n in required]
        properties.pop(names[-1])
        properties["added_field"] = {"type": "string", "description": "New in this version."}
    own = {"type": "object", "required": required, "properties": properties}
    create = {
        "type": "object",
        "required": names[:2] if not drift else [*names[:1], "added_field"],
        "properties": {n: properties[n] for n in list(properties)[:8]},
    }
    return {
        title: {"allOf": [ref("Base"), own], "description": f"A {title}. {LOREM}"},
        f"{title}Create": create,
        f"{title}List": {
            "type": "object",
            "required": ["object", "data", "has_more"],
            "properties": {
                "object": {"type": "string", "enum": ["list"]},
                "data": {"type": "array", "items": ref(title)},
                "has_more": {"type": "boolean"},
                "next_cursor": {"type": ["string", "null"]},
            },
        },
    }


SAMPLES = {
    "date-time": "2026-01-31T12:00:00Z",
    "uri": "https://example.invalid/a",
    "email": "a@example.invalid",
    "uuid": "00000000-0000-4000-8000-000000000000",
}


def value_for(schema: dict[str, Any]) -> Any:
    """A value the field's schema admits (the first enum value, a sample of the format)."""
    schema = schema["anyOf"][0] if "anyOf" in schema else schema
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "string":
        return SAMPLES.get(schema.get("format", ""), "text")
    return {"integer": 1, "number": 1.5, "boolean": True}.get(str(kind), {})


def example(rng: random.Random, title: str, resource: dict[str, Any]) -> dict[str, Any]:
    """A documented example that agrees with its schema: the base fields and every required one."""
    own = resource["allOf"][1]
    body: dict[str, Any] = {
        "id": f"{title.lower()}_{rng.randrange(10**9)}",
        "object": title.lower(),
        "created_at": 1_700_000_000 + rng.randrange(10**7),
        "metadata": {f"key_{i}": f"value {rng.randrange(1000)}" for i in range(8)},
    }
    body.update({name: value_for(own["properties"][name]) for name in own["required"]})
    return body


def build(operations: int = 1500, seed: int = 7, drift: bool = False, fields: int = 46) -> dict[str, Any]:
    """The document: `operations` rounded down to whole resources of five operations each."""
    rng = random.Random(seed)
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {
        "Base": {
            "type": "object",
            "required": ["id", "object", "created_at"],
            "properties": {
                "id": {"type": "string", "description": "Identifier."},
                "object": {"type": "string"},
                "created_at": {"type": "integer", "description": "Unix seconds."},
                "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        },
        "Label": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {
                        "code": {"type": "string", "enum": ["invalid", "not_found", "conflict", "internal"]},
                        "message": {"type": "string"},
                    },
                }
            },
        },
    }
    names = resource_names(operations // 5)
    for index, name in enumerate(names):
        title = "".join(part.title() for part in name.split("_")) + str(index)
        schemas.update(resource_schemas(random.Random(seed * 100_003 + index), title, fields, drift))
        json_of = lambda schema, sample=None: {  # noqa: E731
            "application/json": {"schema": schema, **({"example": sample} if sample else {})}
        }
        errors = {"400": ref("BadRequest", "responses"), "404": ref("NotFound", "responses")}
        collection, item = f"/v1/{name}s{index}", f"/v1/{name}s{index}/{{{name}_id}}"
        paths[collection] = {
            "get": {
                "operationId": f"list-{name}-{index}",
                "summary": f"List {name}s",
                "parameters": [ref("Limit", "parameters"), ref("Cursor", "parameters")],
                "responses": {
                    "200": {"description": "A page.", "content": json_of(ref(f"{title}List"))},
                    **errors,
                },
            },
            "post": {
                "operationId": f"create-{name}-{index}",
                "summary": f"Create a {name}",
                "requestBody": {"required": True, "content": json_of(ref(f"{title}Create"))},
                "responses": {
                    "201": {
                        "description": "Created.",
                        "content": json_of(ref(title), example(rng, title, schemas[title])),
                    },
                    **errors,
                },
            },
        }
        param = {"name": f"{name}_id", "in": "path", "required": True, "schema": {"type": "string"}}
        paths[item] = {
            "parameters": [param],
            "get": {
                "operationId": f"retrieve-{name}-{index}",
                "responses": {"200": {"description": "The item.", "content": json_of(ref(title))}, **errors},
            },
            "patch": {
                "operationId": f"update-{name}-{index}",
                "requestBody": {"content": json_of(ref(f"{title}Create"))},
                "responses": {"200": {"description": "Updated.", "content": json_of(ref(title))}, **errors},
            },
            "delete": {
                "operationId": f"delete-{name}-{index}",
                "responses": {"204": {"description": "Deleted."}, **errors},
            },
        }
        if drift and index % 50 == 0:
            del paths[item]["delete"]  # an operation removed
    return {
        "openapi": "3.1.0",
        "info": {"title": "Imaginary Platform API", "version": "2.0.0" if drift else "1.0.0"},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "parameters": {
                "Limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}},
                "Cursor": {"name": "cursor", "in": "query", "schema": {"type": "string"}},
            },
            "responses": {
                "BadRequest": {
                    "description": "Bad request.",
                    "content": {"application/json": {"schema": ref("Error")}},
                },
                "NotFound": {
                    "description": "Not found.",
                    "content": {"application/json": {"schema": ref("Error")}},
                },
            },
        },
    }


def write(path: Path, operations: int = 1500, seed: int = 7, drift: bool = False) -> Path:
    path.write_text(json.dumps(build(operations, seed, drift), indent=1), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--operations", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--drift", action="store_true", help="the next version: fields renamed, removed, added"
    )
    args = parser.parse_args()
    write(args.out, args.operations, args.seed, args.drift)
    size = args.out.stat().st_size
    print(f"{args.out}: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
