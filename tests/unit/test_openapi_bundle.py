"""Multi-file documents and references the importer does not follow as written: other files (read
offline, inside the document's folder), JSON pointers anywhere in the document, path items."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from apidrift.check.validation import ResponseValidator
from apidrift.diff.changes import ChangeKind, Severity
from apidrift.diff.engine import diff_versions
from apidrift.errors import OpenAPIError
from apidrift.openapi.bundle import has_external_refs, needs_bundling
from apidrift.openapi.document import load_document
from apidrift.openapi.sources import import_openapi_file
from cli_support import run_cli

ROOT = """\
openapi: 3.0.3
info: {title: Multi, version: 1.0.0}
paths:
  /users:
    $ref: './paths/users.yaml'
  /items/{id}:
    parameters:
      - $ref: './common.yaml#/Id'
    get:
      operationId: getItem
      parameters:
        - $ref: '#/paths/~1users/get/parameters/0'
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: './schemas/Item.yaml'}
        '404':
          $ref: './common.yaml#/NotFound'
        default:
          $ref: './common.yaml#/NotFound'
components:
  schemas:
    User: {$ref: './schemas/User.yaml'}
"""
FILES = {
    "paths/users.yaml": """\
get:
  operationId: listUsers
  parameters:
    - {name: limit, in: query, schema: {type: integer, maximum: 100}}
  responses:
    '200':
      description: ok
      content:
        application/json:
          schema: {type: array, items: {$ref: '../schemas/User.yaml'}}
""",
    "common.yaml": """\
Id: {name: id, in: path, required: true, schema: {type: string}}
NotFound:
  description: not found
  content:
    application/json:
      schema: {type: object, properties: {error: {type: string}}}
""",
    "schemas/Item.yaml": """\
type: object
required: [id]
properties:
  id: {type: string}
  owner: {$ref: './User.yaml'}
  children: {type: array, items: {$ref: '#'}}
""",
    "schemas/User.yaml": """\
type: object
required: [id]
properties:
  id: {type: string}
  name: {type: string}
""",
}


def tree(folder: Path, files: dict[str, str] | None = None, root: str = ROOT) -> Path:
    for name, text in {**FILES, **(files or {})}.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "openapi.yaml").write_text(root, encoding="utf-8")
    return folder / "openapi.yaml"


def test_files_named_by_refs_are_read_relative_to_the_file_naming_them(tmp_path: Path) -> None:
    version = import_openapi_file(tree(tmp_path), use_cache=False).version
    users, item = version.operations["listUsers"], version.operations["getItem"]
    assert users.path == "/users"
    assert [(p.name, p.location) for p in users.parameters] == [("limit", "query")]
    # A path-level parameter from another file and a JSON pointer into another operation.
    assert sorted((p.name, p.location) for p in item.parameters) == [("id", "path"), ("limit", "query")]
    assert item.responses["404"].description == item.responses["default"].description == "not found"
    # Schemas from files become named definitions; the root's `User: {$ref: ...}` keeps its name.
    assert {"User", "Item"} <= set(version.schemas)
    assert version.schemas["Item"]["properties"]["owner"] == {"$ref": "#/$defs/User"}
    # `$ref: '#'` in a schema file is that file's own schema: recursion, not a copy.
    assert version.schemas["Item"]["properties"]["children"]["items"] == {"$ref": "#/$defs/Item"}


def test_a_change_in_a_referenced_file_is_diffed_never_served_stale_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APIDRIFT_CACHE_DIR", str(tmp_path / "cache"))
    old_root = tree(tmp_path / "old")
    old = import_openapi_file(old_root).version
    user = FILES["schemas/User.yaml"].replace("name: {type: string}", "name: {type: integer}")
    new_root = tree(tmp_path / "new", {"schemas/User.yaml": user})
    # Same root bytes on both sides: only the referenced file differs.
    assert old_root.read_bytes() == new_root.read_bytes()
    new = import_openapi_file(new_root).version
    changes = diff_versions(old, new).changes
    assert {(c.kind, c.severity, c.path) for c in changes} >= {
        (ChangeKind.TYPE_CHANGED, Severity.BREAKING, "[].name"),
        (ChangeKind.TYPE_CHANGED, Severity.BREAKING, "owner.name"),
    }


def test_path_items_in_components_are_followed(tmp_path: Path) -> None:
    spec = tmp_path / "pi.yaml"
    spec.write_text(
        """\
openapi: 3.1.0
info: {title: PI, version: 1.0.0}
paths:
  /a: {$ref: '#/components/pathItems/A'}
components:
  pathItems:
    A:
      get:
        operationId: getA
        responses: {'200': {description: ok}}
""",
        encoding="utf-8",
    )
    assert list(import_openapi_file(spec, use_cache=False).version.operations) == ["getA"]


def test_a_31_document_of_webhooks_alone_has_no_paths(tmp_path: Path) -> None:
    spec = tmp_path / "hooks.yaml"
    spec.write_text(
        """\
openapi: 3.1.0
info: {title: Hooks, version: 1.0.0}
webhooks:
  petCreated:
    post:
      requestBody:
        content: {application/json: {schema: {type: object, properties: {id: {type: string}}}}}
      responses: {'200': {description: ok}}
""",
        encoding="utf-8",
    )
    version = import_openapi_file(spec, use_cache=False).version
    assert [op.path for op in version.webhooks.values()] == ["petCreated"]
    done = run_cli("import-openapi", str(spec), "--contracts", str(tmp_path / "contracts"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("https://example.com/x.yaml", "names a URL; apidrift reads no network"),
        ("../outside.yaml", "leaves the document's folder"),
        ("./nope.yaml", "no such file"),
        ("./common.yaml#/Nope", "dangling $ref './common.yaml#/Nope'"),
        ("./loop.yaml", "$ref cycle at"),
    ],
    ids=["url", "outside", "missing", "dangling", "cycle"],
)
def test_bad_file_refs_are_one_error_naming_where(tmp_path: Path, ref: str, message: str) -> None:
    folder = tmp_path / "api"
    (tmp_path / "outside.yaml").write_text("get: {responses: {'200': {description: ok}}}\n", encoding="utf-8")
    extra = {"loop.yaml": "$ref: './loop2.yaml'\n", "loop2.yaml": "$ref: './loop.yaml'\n"}
    spec = tree(folder, extra, root=ROOT.replace("$ref: './paths/users.yaml'", f"$ref: '{ref}'"))
    with pytest.raises(OpenAPIError) as info:
        load_document(spec)
    assert message in info.value.message
    done = run_cli("diff", str(spec), str(spec), cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.count("error:") == 1, done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_named_by_a_ref_is_refused_without_hanging(tmp_path: Path) -> None:
    spec = tree(tmp_path, root=ROOT.replace("./paths/users.yaml", "./pipe"))
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(OpenAPIError, match="not a regular file"):
        load_document(spec)


def test_the_text_tests_see_which_documents_need_the_pass() -> None:
    plain = "paths: {}\ncomponents: {schemas: {A: {$ref: '#/components/schemas/B'}}}\n"
    json_plain = '{"a": {"$ref": "#/components/responses/NotFound"}}'
    assert not needs_bundling(plain) and not needs_bundling(json_plain) and not needs_bundling("x: 1")
    assert needs_bundling("a: {$ref: '#/components/pathItems/A'}")
    assert needs_bundling('{"$ref": "#/components/schemas/A/properties/b"}')
    assert needs_bundling("a: {$ref: './x.yaml'}")
    assert has_external_refs(b"a:\n  $ref: x.yaml#/A\n") and not has_external_refs(plain.encode())
    assert has_external_refs(b'{"$ref": "../x.json"}') and not has_external_refs(json_plain.encode())
    # A folded scalar puts the value on the next line: still a reference into the document.
    folded = b"- $ref: >-\n    #/components/schemas/A\n- $ref: >-\n    './b.yaml'\n"
    assert has_external_refs(folded) and not has_external_refs(folded.split(b"\n- ")[0])
    assert not needs_bundling("- $ref: >-\n    #/components/schemas/A\n")


def test_a_long_chain_of_schema_files_is_read_and_a_long_chain_of_path_items_is_one_error(
    tmp_path: Path,
) -> None:
    """Schemas are filled one after the other (any length); copies in place nest, so they are bounded."""
    n = 300
    for i in range(n):
        last = i + 1 == n
        schema = (
            "type: string\n" if last else f"type: object\nproperties:\n  next: {{$ref: './s{i + 1}.yaml'}}\n"
        )
        (tmp_path / f"s{i}.yaml").write_text(schema, encoding="utf-8")
        item = "get: {responses: {'200': {description: ok}}}\n" if last else f"$ref: './p{i + 1}.yaml'\n"
        (tmp_path / f"p{i}.yaml").write_text(item, encoding="utf-8")
    head = "openapi: 3.0.3\ninfo: {title: C, version: '1'}\npaths:\n"
    schemas = tmp_path / "schemas.yaml"
    schemas.write_text(
        head + "  /a:\n    get:\n      responses:\n        '200': {description: ok, content: "
        "{application/json: {schema: {$ref: './s0.yaml'}}}}\n",
        encoding="utf-8",
    )
    version = import_openapi_file(schemas, use_cache=False).version
    assert len(version.schemas) == n
    paths = tmp_path / "paths.yaml"
    paths.write_text(head + "  /a: {$ref: './p0.yaml'}\n", encoding="utf-8")
    done = run_cli("diff", str(paths), str(paths), cwd=tmp_path)
    assert done.returncode == 2 and "references nested more than 64 deep" in done.stderr, done.stderr


def test_findings_in_a_schema_read_from_another_file_point_into_that_file(tmp_path: Path) -> None:
    """A schema copied into components/schemas is reported where it is written, not where the copy
    sits: the reader fixes the file they wrote."""
    root = """\
openapi: 3.0.3
info: {title: Located, version: 1.0.0}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: './schemas/pet.yaml'}
  /local:
    get:
      operationId: getLocal
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Local'}
components:
  schemas:
    Owner: {$ref: './schemas/people.yaml#/Owner'}
    Local:
      type: object
      required: [a, a]
      properties: {a: {type: string}}
"""
    files = {
        "schemas/pet.yaml": "type: object\nrequired: [id, id]\nproperties:\n  id: {type: string}\n"
        "  owner: {$ref: './people.yaml#/Owner'}\n",
        "schemas/people.yaml": "Owner:\n  type: object\n  required: [name, name]\n"
        "  properties:\n    name: {type: string}\n",
    }
    path = tree(tmp_path, files, root=root)
    problems = import_openapi_file(path, use_cache=False).problems
    located = sorted((Path(f.file or "").relative_to(tmp_path).as_posix(), f.pointer) for f in problems)
    assert located == [
        ("openapi.yaml", "/components/schemas/Local/required"),  # the root's own: as it was
        ("schemas/people.yaml", "/Owner/required"),
        ("schemas/pet.yaml", "/required"),
    ]


@pytest.mark.parametrize(
    ("item", "pointer", "message"),
    [
        (FILES["schemas/Item.yaml"].replace("id: {type: string}", 'id: {type: string, pattern: "(["}'),
         "/properties/id/pattern", "is not a regular expression"),
        (FILES["schemas/Item.yaml"] + "  loop: {$ref: '#/properties/loop'}\n", "/properties/loop", "cycle"),
    ],
    ids=["pattern", "ref cycle"],
)  # fmt: skip
def test_an_error_in_a_schema_read_from_another_file_points_into_that_file(
    tmp_path: Path, item: str, pointer: str, message: str
) -> None:
    """Like findings: the error names the file the reader wrote, not the components entry it became."""
    path = tree(tmp_path, {"schemas/Item.yaml": item})
    with pytest.raises(OpenAPIError, match=message) as caught:
        import_openapi_file(path, use_cache=False)
    assert (Path(caught.value.file or "").relative_to(tmp_path).as_posix(), caught.value.pointer) == (
        "schemas/Item.yaml",
        pointer,
    )


# --- a schema's $ref must land on a schema ------------------------------------------------------

REFS_DOC = """openapi: {oas}
info: {{title: t, version: "1"}}
paths:
  /x:
    get:
      operationId: get-x
      parameters:
        - {{name: q, in: query, schema: {{type: integer, maximum: 9}}}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {schema}
components:
  schemas:
    X: {{type: object, properties: {{b: {{type: integer}}}}, required: [b], $defs: {{I: {{type: string}}}}}}
    S: {{type: string}}
  responses:
    R: {{description: r}}
"""
AT_SCHEMA = "/paths/~1x/get/responses/200/content/application~1json/schema/$ref"


@pytest.mark.parametrize(
    ("ref", "what"),
    [
        ("#", "names the whole OpenAPI document"),
        ("#/info", "names '/info', which is not a schema"),
        ("#/paths/~1x/get", "names '/paths/~1x/get', which is not a schema"),
        ("#/paths/~1x/get/responses/200", "which is not a schema"),
        ("#/components", "names '/components', which is not a schema"),
        ("#/components/schemas", "names '/components/schemas', which is not a schema"),
        ("#/components/schemas/X/required", "which is not a schema"),
        ("#/paths/~1x/get/parameters/0/schema/maximum", "which is not a schema"),
    ],
)
def test_a_schema_ref_to_what_is_no_schema_is_refused_with_its_pointer(
    tmp_path: Path, ref: str, what: str
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(REFS_DOC.format(oas="3.1.0", schema=f"{{$ref: '{ref}'}}"))
    with pytest.raises(OpenAPIError) as info:
        import_openapi_file(spec, use_cache=False)
    assert info.value.pointer == AT_SCHEMA
    assert what in info.value.message
    assert "a schema's $ref names a schema" in info.value.message


def test_a_root_defs_ref_that_is_not_there_is_dangling(tmp_path: Path) -> None:
    # In 3.1, `#/$defs/I` resolves against the document's root, which has no `$defs`.
    spec = tmp_path / "spec.yaml"
    spec.write_text(REFS_DOC.format(oas="3.1.0", schema="{$ref: '#/$defs/I'}"))
    with pytest.raises(OpenAPIError) as info:
        import_openapi_file(spec, use_cache=False)
    assert (info.value.pointer, info.value.message) == (AT_SCHEMA, "dangling $ref '#/$defs/I'")


def test_a_whole_document_ref_inside_a_component_is_refused_where_it_is_written(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    text = REFS_DOC.format(oas="3.1.0", schema="{$ref: '#/components/schemas/X'}")
    spec.write_text(text.replace("required: [b],", "required: [b], additionalProperties: {$ref: '#'},"))
    with pytest.raises(OpenAPIError) as info:
        import_openapi_file(spec, use_cache=False)
    assert info.value.pointer == "/components/schemas/X/additionalProperties/$ref"


def test_a_responses_component_where_a_schema_belongs_is_named_so(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(REFS_DOC.format(oas="3.1.0", schema="{$ref: '#/components/responses/R'}"))
    with pytest.raises(OpenAPIError) as info:
        import_openapi_file(spec, use_cache=False)
    assert info.value.pointer == AT_SCHEMA
    assert "it names a responses component, not a schema" in info.value.message


@pytest.mark.parametrize(
    ("ref", "valid", "invalid"),
    [
        # Inside a component (legal in OpenAPI): the schema there, as the specification says.
        ("#/components/schemas/X/properties/b", 42, "x"),
        ("#/components/schemas/X/$defs/I", "x", 42),
        ("#/paths/~1x/get/parameters/0/schema", 9, 10),
        ("#/components/schemas/%53", "x", 42),  # percent-encoded `S`
    ],
)
def test_a_ref_into_a_schema_is_followed_and_checks_what_it_names(
    tmp_path: Path, ref: str, valid: object, invalid: object
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(REFS_DOC.format(oas="3.1.0", schema=f"{{$ref: '{ref}'}}"))
    version = import_openapi_file(spec, use_cache=False).version
    validator = ResponseValidator(version)
    assert validator.is_valid("get-x", 200, valid)
    assert not validator.is_valid("get-x", 200, invalid)


def test_a_file_that_is_no_openapi_document_may_hold_a_schema_anywhere(tmp_path: Path) -> None:
    (tmp_path / "common.yaml").write_text("Limits: {Small: {type: integer, maximum: 3}}\n")
    spec = tmp_path / "spec.yaml"
    spec.write_text(REFS_DOC.format(oas="3.1.0", schema="{$ref: 'common.yaml#/Limits/Small'}"))
    validator = ResponseValidator(import_openapi_file(spec, use_cache=False).version)
    assert validator.is_valid("get-x", 200, 3) and not validator.is_valid("get-x", 200, 4)
