"""The two real OpenAI documents (3.0.0 of 2025-04-29, 3.1.0 of 2026-05-13) imported and diffed by the CLI.

Every claim is checked against the raw YAML read by PyYAML itself, not against apidrift's reading of it.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import apidrift.openapi.fastyaml as fastyaml
from apidrift.contracts.model import ContractStore
from apidrift.openapi.checks import check_examples
from apidrift.openapi.sources import import_openapi_file
from cli_support import CliResult, run_cli

OLD, NEW = "2025-04-29", "2026-05-13"
ADMIN = ("/organization", "/projects")
SCOPE = ["--scope", "/organization", "--scope", "/projects"]
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
USAGE = [
    "audio_speeches",
    "audio_transcriptions",
    "code_interpreter_sessions",
    "completions",
    "embeddings",
    "images",
    "moderations",
    "vector_stores",
]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One cache for the module's in-process runs."""
    with pytest.MonkeyPatch.context() as patch:
        cache = str(tmp_path_factory.mktemp("cache"))
        patch.setenv("APIDRIFT_CACHE_DIR", cache)
        yield {"APIDRIFT_CACHE_DIR": cache}


@pytest.fixture(scope="module")
def specs(shared: Path) -> dict[str, Path]:
    return {label: shared / "openapi" / f"openai-openapi-{label}.yaml" for label in (OLD, NEW)}


@pytest.fixture(scope="module")
def raw(specs: dict[str, Path]) -> dict[str, dict[str, Any]]:
    """The documents as PyYAML's own loader reads them (timestamps kept as text, the JSON data model):
    the independent reference for every check."""
    return {
        label: yaml.load(path.read_text(encoding="utf-8"), Loader=reference_loader())
        for label, path in specs.items()
    }


def reference_loader() -> type[yaml.SafeLoader]:
    loader: type[yaml.SafeLoader] = type("Reference", (getattr(yaml, "CSafeLoader", yaml.SafeLoader),), {})
    loader.add_constructor("tag:yaml.org,2002:timestamp", lambda self, node: self.construct_scalar(node))
    return loader


def cli(*args: str, env: dict[str, str], cwd: Path) -> CliResult:
    assert env["APIDRIFT_CACHE_DIR"]  # the module's cache is in place for this in-process run
    return run_cli(*args, cwd=cwd)


@pytest.fixture(scope="module")
def work(specs: dict[str, Path], env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both documents imported with `apidrift import-openapi` into one contracts root, narrowed by the
    openai-admin profile's scope."""
    folder = tmp_path_factory.mktemp("work")
    for label, path in specs.items():
        done = cli(
            "import-openapi", str(path), "--version", label, "--api", "openai-admin", env=env, cwd=folder
        )
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
        (folder / f"import-{label}.txt").write_text(done.stdout)
    return folder


def run_diff(old: Path, new: Path, env: dict[str, str], cwd: Path, *extra: str) -> dict[str, Any]:
    out = cwd / f"diff-{old.stem}-{new.stem}.json"
    done = cli("diff", str(old), str(new), "--format", "json", "-o", str(out), *extra, env=env, cwd=cwd)
    assert done.returncode in (0, 1), done.stderr
    assert done.stderr == ""
    document: dict[str, Any] = json.loads(out.read_text())
    return document


@pytest.fixture(scope="module")
def diff(specs: dict[str, Path], env: dict[str, str], work: Path) -> dict[str, Any]:
    return run_diff(specs[OLD], specs[NEW], env, work, *SCOPE)


@pytest.fixture(scope="module")
def whole(specs: dict[str, Path], env: dict[str, str], work: Path) -> dict[str, Any]:
    return run_diff(specs[OLD], specs[NEW], env, work)


def changes(diff: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [c for c in diff["changes"] if c["kind"] == kind]


# --- the raw documents, read independently --------------------------------------------------------


def shape(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def admin_operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), shape(path)): op
        for path, item in document["paths"].items()
        if path.startswith(ADMIN)
        for method, op in item.items()
        if method in METHODS
    }


def all_operations(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (method.upper(), shape(path))
        for path, item in document["paths"].items()
        for method in item
        if method in METHODS
    }


def deref(document: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = document["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def alternatives(document: dict[str, Any], node: Any) -> Iterator[dict[str, Any]]:
    """A schema and every schema its combinators (through references) bring in."""
    node = deref(document, node)
    yield node
    for key in ("allOf", "anyOf", "oneOf"):
        for member in node.get(key) or []:
            yield from alternatives(document, member)


def nodes_at(document: dict[str, Any], root: Any, field: str) -> list[Any]:
    """The raw schemas that describe `field` (`data[].owner.name`) below `root`."""
    current = [root]
    for part in re.findall(r"\[\]|[^.\[\]]+", field):
        found = []
        for node in current:
            for alt in alternatives(document, node):
                if part == "[]" and isinstance(alt.get("items"), dict):
                    found.append(alt["items"])
                elif part != "[]" and part in (alt.get("properties") or {}):
                    found.append(alt["properties"][part])
        current = found
    return current


def admits_null(document: dict[str, Any], node: Any) -> bool:
    for alt in alternatives(document, node):
        kind = alt.get("type")
        if alt.get("nullable") is True or kind == "null" or (isinstance(kind, list) and "null" in kind):
            return True
        if None in (alt.get("enum") or []):
            return True
    return False


def response_root(document: dict[str, Any], change: dict[str, Any]) -> Any:
    method, path = change["operation"].split(" ", 1)
    op = admin_operations(document)[(method, shape(path))]
    if change["side"] == "response":
        return op["responses"][change["status"]]["content"]["application/json"]["schema"]
    return op["requestBody"]["content"]["application/json"]["schema"]


# --- import -------------------------------------------------------------------------------------


def test_the_fast_loader_reads_the_real_files_as_pyyaml_does(
    specs: dict[str, Path], raw: dict[str, dict[str, Any]]
) -> None:
    for label, path in specs.items():
        assert fastyaml.load(path.read_text(encoding="utf-8")) == raw[label], label


@pytest.mark.parametrize(("label", "count", "openapi"), [(OLD, 51, "3.0.0"), (NEW, 81, "3.1.0")])
def test_both_files_import_as_contract_versions(
    work: Path, raw: dict[str, dict[str, Any]], label: str, count: int, openapi: str
) -> None:
    version = ContractStore(work / "contracts").load(label)
    assert raw[label]["openapi"] == openapi and version.extra["openapi"]["openapi"] == openapi
    assert len(version.operations) == count == len(admin_operations(raw[label]))
    assert {(op.method, shape(op.path)) for op in version.operations.values()} == set(
        admin_operations(raw[label])
    )
    index = json.loads((work / "contracts" / "openai-admin" / "index.json").read_text())
    assert [(e["version"], e["operations"]) for e in index["versions"]] == [(OLD, 51), (NEW, 81)]
    recordings = sorted((work / "recordings" / "openai-admin" / label).glob("*.json"))
    assert len(recordings) == {OLD: 50, NEW: 80}[label]


def test_whole_documents_import_with_no_flag_beyond_the_file(
    specs: dict[str, Path], raw: dict[str, dict[str, Any]], env: dict[str, str], tmp_path: Path
) -> None:
    """Named by info.title, labelled by info.version; an example's unquoted date is data."""
    done = cli("import-openapi", str(specs[NEW]), env=env, cwd=tmp_path)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    version = ContractStore(tmp_path / "contracts", "openai-api").load("2.3.0")
    assert {(op.method, shape(op.path)) for op in version.operations.values()} == all_operations(raw[NEW])
    # Both documents say info.version 2.3.0: the second is refused until it is given its own label.
    again = cli("import-openapi", str(specs[OLD]), env=env, cwd=tmp_path)
    assert again.returncode == 2
    assert "holds 2.3.0 imported from another document (openai-openapi-2026-05-13.yaml)" in again.stderr
    named = cli("import-openapi", str(specs[OLD]), "--version", OLD, env=env, cwd=tmp_path)
    assert named.returncode == 0, named.stderr
    old = ContractStore(tmp_path / "contracts", "openai-api").load(OLD)
    assert len(old.operations) == len(all_operations(raw[OLD]))


# --- the diff of the real pair -------------------------------------------------------------------


def test_the_whole_documents_are_compared_by_default(
    whole: dict[str, Any], diff: dict[str, Any], raw: dict[str, dict[str, Any]]
) -> None:
    old, new = all_operations(raw[OLD]), all_operations(raw[NEW])
    assert len(old) > 2 * len(admin_operations(raw[OLD]))  # far more than the Admin API
    assert whole["summary"]["operations"] == {"old": len(old), "new": len(new), "matched": len(old & new)}
    added = {tuple(c["operation"].split(" ", 1)) for c in changes(whole, "operation-added")}
    removed = {tuple(c["operation"].split(" ", 1)) for c in changes(whole, "operation-removed")}
    assert {(m, shape(p)) for m, p in added} == new - old
    assert {(m, shape(p)) for m, p in removed} == old - new
    # The Admin part of the whole diff is exactly the scoped diff.
    # Changes of the version itself (security schemes) have no operation and are in both.
    admin = [
        c for c in whole["changes"] if not c["operation"] or c["operation"].split(" ", 1)[1].startswith(ADMIN)
    ]
    assert admin == diff["changes"]
    assert diff["summary"]["operations"] == {"old": 51, "new": 81, "matched": 51}


def test_key_id_renamed_to_api_key_id(diff: dict[str, Any]) -> None:
    found = {(c["operation"], c["old"], c["new"]) for c in changes(diff, "path-param-renamed")}
    path = "/organization/projects/{project_id}/api_keys/{api_key_id}"
    assert found == {(f"GET {path}", "key_id", "api_key_id"), (f"DELETE {path}", "key_id", "api_key_id")}


def test_result_renamed_to_results_on_usage_and_costs(diff: dict[str, Any]) -> None:
    renamed = {
        c["operation"]
        for c in changes(diff, "field-renamed")
        if (c["old"], c["new"]) == ("data[].result", "data[].results")
    }
    expected = {f"GET /organization/usage/{name}" for name in USAGE} | {"GET /organization/costs"}
    assert renamed == expected
    # Named as a rename, not as a removal plus an addition (fields new inside the items are additions).
    either = changes(diff, "field-removed") + changes(diff, "field-added")
    assert not [c for c in either if c["path"] in ("data[].result", "data[].results")]
    assert not [c for c in either if c["path"].startswith("data[].result.")]


def test_every_field_rename_is_one_name_gone_and_another_come(
    diff: dict[str, Any], raw: dict[str, dict[str, Any]]
) -> None:
    """Each claimed rename: the old name exists only in the old file, the new one only in the new."""
    for change in changes(diff, "field-renamed"):
        old_root, new_root = response_root(raw[OLD], change), response_root(raw[NEW], change)
        where = change["operation"], change["old"], change["new"]
        assert nodes_at(raw[OLD], old_root, change["old"]) and not nodes_at(
            raw[OLD], old_root, change["new"]
        ), where
        assert nodes_at(raw[NEW], new_root, change["new"]) and not nodes_at(
            raw[NEW], new_root, change["old"]
        ), where


def test_added_operations_are_exactly_those_the_old_file_lacks(
    diff: dict[str, Any], raw: dict[str, dict[str, Any]]
) -> None:
    old, new = admin_operations(raw[OLD]), admin_operations(raw[NEW])
    added = {
        (method, shape(path))
        for method, path in (c["operation"].split(" ", 1) for c in changes(diff, "operation-added"))
    }
    assert added == set(new) - set(old)
    assert len(added) == 30
    assert changes(diff, "operation-removed") == [] and not set(old) - set(new)


def test_every_became_nullable_is_real(diff: dict[str, Any], raw: dict[str, dict[str, Any]]) -> None:
    """No null admitted on the old side of the raw YAML (nullable, a null type, a null enum value), and
    admitted on the new side."""
    claims = changes(diff, "became-nullable")
    assert claims
    for change in claims:
        where = change["operation"], change["side"], change["path"]
        old = nodes_at(raw[OLD], response_root(raw[OLD], change), change["path"])
        new = nodes_at(raw[NEW], response_root(raw[NEW], change), change["path"])
        assert old and not any(admits_null(raw[OLD], n) for n in old), where
        assert new and any(admits_null(raw[NEW], n) for n in new), where


# --- notation only: 3.0 and its own 3.1 rewrite -------------------------------------------------------

_MAPS, _LISTS = ("properties", "patternProperties"), ("allOf", "anyOf", "oneOf")
_SINGLE = ("items", "additionalProperties", "not")
_ANNOTATIONS = ("description", "title", "default", "deprecated", "readOnly", "writeOnly", "examples")


def to_31(node: Any, counts: dict[str, int]) -> Any:
    """One schema in 3.1 notation: `nullable` spelled with null, boolean exclusive bounds made numeric."""
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in _MAPS and isinstance(value, dict):
            out[key] = {name: to_31(sub, counts) for name, sub in value.items()}
        elif key in _LISTS and isinstance(value, list):
            out[key] = [to_31(sub, counts) for sub in value]
        elif key in _SINGLE and isinstance(value, dict):
            out[key] = to_31(value, counts)
        else:
            out[key] = value
    for key, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(out.get(key), bool):
            counts["boolean exclusive bound"] += 1
            if out.pop(key) and bound in out:
                out[key] = out.pop(bound)
    if "example" in out:
        out["examples"] = [out.pop("example")]
    if out.pop("nullable", None) is True:
        kind = out.get("type")
        if isinstance(kind, str) and "$ref" not in out:
            counts["type list"] += 1
            out["type"] = [kind, "null"]
            if isinstance(out.get("enum"), list):
                out["enum"] = [*out["enum"], None]
        else:
            counts["anyOf null"] += 1
            kept = {k: out.pop(k) for k in list(out) if k in _ANNOTATIONS or k.startswith("x-")}
            out = {**kept, "anyOf": [out, {"type": "null"}]}
    return out


def rewrite_31(document: dict[str, Any]) -> tuple[dict[str, Any], dict[str, int]]:
    counts = {"type list": 0, "anyOf null": 0, "boolean exclusive bound": 0}
    doc = copy.deepcopy(document)
    doc["openapi"] = "3.1.0"
    components = doc.setdefault("components", {})
    for name, schema in list(components.get("schemas", {}).items()):
        components["schemas"][name] = to_31(schema, counts)

    def in_parameters(parameters: Any) -> None:
        for p in parameters or []:
            if isinstance(p, dict) and "schema" in p:
                p["schema"] = to_31(p["schema"], counts)

    def in_content(holder: Any) -> None:
        for media in ((holder or {}).get("content") or {}).values():
            if isinstance(media, dict) and "schema" in media:
                media["schema"] = to_31(media["schema"], counts)

    in_parameters(components.get("parameters", {}).values())
    for holder in [*components.get("responses", {}).values(), *components.get("requestBodies", {}).values()]:
        in_content(holder)
    for item in doc["paths"].values():
        in_parameters(item.get("parameters"))
        for method in METHODS:
            if isinstance(item.get(method), dict):
                op = item[method]
                in_parameters(op.get("parameters"))
                in_content(op.get("requestBody"))
                for response in (op.get("responses") or {}).values():
                    in_content(response)
    return doc, counts


def test_a_31_rewrite_of_the_30_file_differs_in_nothing(
    specs: dict[str, Path], raw: dict[str, dict[str, Any]], env: dict[str, str], work: Path
) -> None:
    rewritten, counts = rewrite_31(raw[OLD])
    text = yaml.dump(rewritten, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False)
    assert "nullable" not in json.dumps(rewritten["components"]) + json.dumps(rewritten["paths"])
    assert counts["type list"] > 200 and counts["anyOf null"] > 5 and counts["boolean exclusive bound"] > 0
    target = work / "openai-openapi-2025-04-29-as-3.1.yaml"
    target.write_text(text, encoding="utf-8")
    result = run_diff(specs[OLD], target, env, work, "--include-cosmetic", "--scope", "/organization")
    assert result["summary"]["operations"]["matched"] == len(admin_operations(raw[OLD]))
    assert result["changes"] == []
    assert result["summary"]["by_severity"] == {"breaking": 0, "warning": 0, "info": 0}


# --- the documents' own examples against their own schemas -------------------------------------------

DISAGREEING = {
    OLD: {
        "list-audit-logs": (
            set(),
            {
                "data[].actor.session.ip_address_details",
                "data[].actor.session.ja3",
                "data[].actor.session.ja4",
                "data[].actor.session.user_agent",
                "data[].api_key.updated.data",
            },
        ),
        "activateOrganizationCertificates": ({"has_more", "object"}, set()),
        "deactivateOrganizationCertificates": ({"has_more", "object"}, set()),
        "activateProjectCertificates": ({"has_more", "object"}, set()),
        "deactivateProjectCertificates": ({"has_more", "object"}, set()),
        "inviteUser": ({"accepted_at"}, set()),
        "create-project-user": ({"name"}, set()),
        "usage-costs": ({"next_page", "data[].result"}, {"data[].results"}),
        "usage-completions": ({"data[].result"}, {"data[].results"}),
        **{
            f"usage-{name.replace('_', '-')}": ({"next_page", "data[].result"}, {"data[].results"})
            for name in USAGE
            if name != "completions"
        },
    },
    NEW: {
        "list-audit-logs": (
            set(),
            {
                "data[].actor.session.ip_address_details",
                "data[].actor.session.ja3",
                "data[].actor.session.ja4",
                "data[].actor.session.user_agent",
                "data[].api_key.updated.data",
            },
        ),
        "list-groups": ({"data[].group_type"}, {"data[].object"}),
        "create-group": ({"group_type"}, {"object"}),
        "list-invites": ({"data[].projects"}, set()),
        "retrieve-invite": ({"projects"}, set()),
        "list-project-groups": ({"data[].group_type"}, set()),
        "add-project-group": ({"group_type"}, set()),
    },
}
PROBLEMS = {
    OLD: {
        "trailing commas": {
            "list-audit-logs",
            "listOrganizationCertificates",
            "activateOrganizationCertificates",
            "deactivateOrganizationCertificates",
            "listProjectCertificates",
            "activateProjectCertificates",
            "deactivateProjectCertificates",
        },
        "is not declared": {
            "getCertificate",
            "modifyCertificate",
            "deleteCertificate",
            "listProjectCertificates",
            "activateProjectCertificates",
            "deactivateProjectCertificates",
        },
        "error_response": {"list-project-rate-limits", "update-project-rate-limits"},
        # It declares {cert_id} where the template says {certificate_id}.
        "is not in the template": {"getCertificate"},
    },
    NEW: {
        "trailing commas": {
            "list-audit-logs",
            "listOrganizationCertificates",
            "activateOrganizationCertificates",
            "deactivateOrganizationCertificates",
            "listProjectCertificates",
            "activateProjectCertificates",
            "deactivateProjectCertificates",
        },
        "is empty": {"modify-project"},
        "error_response": {"list-project-rate-limits", "update-project-rate-limits"},
    },
}


@pytest.mark.parametrize("label", [OLD, NEW])
def test_documented_examples_against_their_own_schemas(
    specs: dict[str, Path], env: dict[str, str], work: Path, label: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APIDRIFT_CACHE_DIR", env["APIDRIFT_CACHE_DIR"])
    result = import_openapi_file(specs[label], version=label, scope=ADMIN)
    checks = check_examples(result.version, result.examples)
    assert all(c.result is not None for c in checks)
    found = {
        c.example.operation_id: (
            {v.field for v in c.result.violations},
            {u.field for u in c.result.undocumented},
        )
        for c in checks
        if c.result is not None and not c.result.exact
    }
    assert found == DISAGREEING[label]
    problems: dict[str, set[str]] = {}
    for problem in result.problems:
        kind = next(k for k in PROBLEMS[label] if k in problem.message)
        problems.setdefault(kind, set()).add(problem.operation)
    assert problems == PROBLEMS[label]
    # The command line reports the same, and counts every problem.
    out = (work / f"import-{label}.txt").read_text()
    assert f"examples that disagree with their own schema ({len(found)}):" in out
    assert f"documentation problems ({len(result.problems)}):" in out
    for op_id in found:
        assert re.search(rf"^  {re.escape(op_id)} 200 \(x-oaiMeta, ", out, re.MULTILINE), op_id


# --- the breaking changes issue #13's rules find in the shared pair, each checked by hand ------------

# Every breaking change of a kind #13 added (direction-graded bounds and types, union branches, enum
# respellings) or on a surface #13 added (a media type other than JSON: POST /responses streams
# `text/event-stream`). "was": breaking before #13 too, at the same place under another kind (the
# baseline diff, measured); the rest are new verdicts, each traced to the YAML quoted beside it.
CHECKED_BREAKING = {
    # Evals content unions gained an array branch (`- type: array` of InputTextContent|...): was type-changed.
    ("type-widened", "GET /evals", "data[].testing_criteria[].input[].content"),  # was
    ("type-widened", "GET /evals/{eval_id}", "testing_criteria[].input[].content"),  # was
    (
        "type-widened",
        "GET /evals/{eval_id}/runs",
        "data[].data_source.input_messages.template[].content[]",
    ),  # was
    (
        "type-widened",
        "GET /evals/{eval_id}/runs/{run_id}",
        "data_source.input_messages.template[].content[]",
    ),  # was
    ("type-widened", "POST /evals", "testing_criteria[].input[].content"),  # was
    ("type-widened", "POST /evals/{eval_id}", "testing_criteria[].input[].content"),  # was
    ("type-widened", "POST /evals/{eval_id}/runs", "data_source.input_messages.template[].content[]"),  # was
    (
        "type-widened",
        "POST /evals/{eval_id}/runs/{run_id}",
        "data_source.input_messages.template[].content[]",
    ),  # was
    # No longer reported: `union-member-removed` of InputTextContent (POST /evals, POST /evals/{eval_id}/runs
    # request content). The 2026 content union lists EvalItemContentItem, whose `oneOf` still has
    # `- $ref: '#/components/schemas/InputTextContent'`: the branch moved one level down, senders of
    # it are still accepted (see test_the_yaml_behind_the_new_verdicts).
    # AuditLogEventType: 2025 `- checkpoint_permission.created` (l. 17223), 2026
    # `- checkpoint.permission.created` (l. 39859); likewise `.deleted`. Readers match the old spelling.
    ("enum-value-renamed", "GET /organization/audit_logs", "data[].type"),
    ("enum-value-renamed", "GET /organization/audit_logs", "event_types[][]"),  # was enum-values-removed
    # Response.instructions, tools[].environment / filters value: already type-changed before.
    ("type-widened", "GET /responses/{response_id}", "instructions"),  # was
    ("type-widened", "GET /responses/{response_id}", "tools[].environment"),  # was
    ("type-widened", "GET /responses/{response_id}", "tools[].filters.filters[].value"),  # was
    ("type-widened", "GET /responses/{response_id}", "tools[].filters.value"),  # was
    ("type-widened", "GET /responses/{response_id}/input_items", "data[].output"),  # was
    ("type-widened", "POST /responses", "instructions"),  # was
    ("type-widened", "POST /responses", "tools[].environment"),  # was
    ("type-widened", "POST /responses", "tools[].filters.filters[].value"),  # was
    ("type-widened", "POST /responses", "tools[].filters.value"),  # was
    # Request fields bounded by an enum now: breaking before #13 too (as another kind). `voice`
    # (VoiceIdsShared, any string) became VoiceIdsOrCustomVoice: that or an object with
    # `additionalProperties: false`; no old value was an object, so nothing is narrowed (session 8).
    ("constraint-narrowed", "POST /audio/transcriptions", "include[]"),  # was
    ("constraint-narrowed", "POST /audio/transcriptions", "timestamp_granularities[]"),  # was
    ("type-widened", "POST /audio/transcriptions", "segments[].id"),  # was
    # TranscriptionSegment/TranscriptionWord start, end: 2025 `format: float` (l. 36640), 2026
    # `format: double`: a response admitting doubles can break float readers.
    ("constraint-widened", "POST /audio/transcriptions", "segments[].end"),
    ("constraint-widened", "POST /audio/transcriptions", "segments[].start"),
    ("constraint-widened", "POST /audio/transcriptions", "words[].end"),
    ("constraint-widened", "POST /audio/transcriptions", "words[].start"),
    ("constraint-widened", "POST /audio/translations", "segments[].end"),
    ("constraint-widened", "POST /audio/translations", "segments[].start"),
    # InputImageContent.image_url, UrlCitationBody.url, ComputerScreenshotImage.image_url gained
    # `format: uri` (2026 l. 41853 ff.): senders of other strings are refused.
    (
        "constraint-narrowed",
        "POST /evals/{eval_id}/runs",
        "data_source.input_messages.template[].content[].image_url",
    ),
    ("constraint-narrowed", "POST /responses", "input[].content[].annotations[].url"),
    ("constraint-narrowed", "POST /responses", "input[].content[].image_url"),
    ("constraint-narrowed", "POST /responses", "input[].output.image_url"),
    # RealtimeTranscriptionSessionCreateRequest.include: 2025 `items: {type: string}`, 2026
    # `enum: [item.input_audio_transcription.logprobs]`.
    ("constraint-narrowed", "POST /realtime/transcription_sessions", "include[]"),
    # CreateResponse.max_output_tokens: 2026 `minimum: 16` (l. 45918); 2025 had no minimum.
    ("constraint-narrowed", "POST /responses", "max_output_tokens"),
    # text/event-stream of POST /responses (ResponseStreamEvent, 36 events in 2025, 53 in 2026):
    # ResponseTextAnnotationDeltaEvent (`annotation: $ref Annotation`) is gone; its successor
    # ResponseOutputTextAnnotationAddedEvent has `annotation: {type: object}`, no fields documented.
    ("field-removed", "POST /responses", "text/event-stream.annotation.end_index"),
    ("field-removed", "POST /responses", "text/event-stream.annotation.file_id"),
    ("field-removed", "POST /responses", "text/event-stream.annotation.index"),
    ("field-removed", "POST /responses", "text/event-stream.annotation.start_index"),
    ("field-removed", "POST /responses", "text/event-stream.annotation.title"),
    ("field-removed", "POST /responses", "text/event-stream.annotation.type"),
    ("field-removed", "POST /responses", "text/event-stream.annotation.url"),
    # ResponseCodeInterpreterCall*Event: 2025 `required: [type, response_id, output_index,
    # code_interpreter_call]`, 2026 `required: [type, output_index, item_id, sequence_number]`.
    ("field-removed", "POST /responses", "text/event-stream.code_interpreter_call"),
    # 2025 `- response.code_interpreter_call.code.delta` (l. 33077), 2026 `..._call_code.delta`.
    ("enum-value-renamed", "POST /responses", "text/event-stream.type"),
    # OutputItem branches (item, response.output[]): ComputerToolCall 2026 `required: [type, id, call_id,
    # pending_safety_checks, status]` (no action); its pending_safety_checks items are now
    # ComputerCallSafetyCheckParam (`required: [id]`, code/message `anyOf [string, null]`) instead of
    # ComputerToolCallSafetyCheck (`required: [id, code, message]`); ReasoningItem gained an optional
    # `content`; ToolSearchCall/ToolSearchOutput `call_id: anyOf [string, null]`; LocalShellToolCallOutput
    # `status: anyOf [..., null]`; KeyPress (`keys` required) became another action schema.
    ("became-optional", "POST /responses", "text/event-stream.item.action"),
    ("became-nullable", "POST /responses", "text/event-stream.item.action.keys"),
    ("became-optional", "POST /responses", "text/event-stream.item.action.keys"),
    ("became-nullable", "POST /responses", "text/event-stream.item.call_id"),
    ("became-optional", "POST /responses", "text/event-stream.item.content"),
    ("became-nullable", "POST /responses", "text/event-stream.item.pending_safety_checks[].code"),
    ("became-optional", "POST /responses", "text/event-stream.item.pending_safety_checks[].code"),
    ("became-nullable", "POST /responses", "text/event-stream.item.pending_safety_checks[].message"),
    ("became-optional", "POST /responses", "text/event-stream.item.pending_safety_checks[].message"),
    ("became-nullable", "POST /responses", "text/event-stream.item.status"),
    ("became-optional", "POST /responses", "text/event-stream.response.output[].action"),
    ("became-nullable", "POST /responses", "text/event-stream.response.output[].action.keys"),
    ("became-optional", "POST /responses", "text/event-stream.response.output[].action.keys"),
    ("became-nullable", "POST /responses", "text/event-stream.response.output[].call_id"),
    ("became-optional", "POST /responses", "text/event-stream.response.output[].content"),
    (
        "became-nullable",
        "POST /responses",
        "text/event-stream.response.output[].pending_safety_checks[].code",
    ),
    (
        "became-optional",
        "POST /responses",
        "text/event-stream.response.output[].pending_safety_checks[].code",
    ),
    (
        "became-nullable",
        "POST /responses",
        "text/event-stream.response.output[].pending_safety_checks[].message",
    ),
    (
        "became-optional",
        "POST /responses",
        "text/event-stream.response.output[].pending_safety_checks[].message",
    ),
    ("became-nullable", "POST /responses", "text/event-stream.response.output[].status"),
    # The streamed Response carries what the JSON one does (the "was" rows above), plus tools and
    # tool_choice branches added in 2026 (ComparisonFilter.value gained `- type: array`; new tool
    # types with an object `environment`, no `parameters`, a user_location without `type`; new
    # tool_choice branches with an optional, nullable `name`).
    ("type-widened", "POST /responses", "text/event-stream.response.instructions"),
    ("became-nullable", "POST /responses", "text/event-stream.response.tool_choice.name"),
    ("became-optional", "POST /responses", "text/event-stream.response.tool_choice.name"),
    ("became-nullable", "POST /responses", "text/event-stream.response.tools[].environment"),
    ("became-optional", "POST /responses", "text/event-stream.response.tools[].environment"),
    ("type-widened", "POST /responses", "text/event-stream.response.tools[].environment"),
    ("type-widened", "POST /responses", "text/event-stream.response.tools[].filters.filters[].value"),
    ("type-widened", "POST /responses", "text/event-stream.response.tools[].filters.value"),
    ("became-optional", "POST /responses", "text/event-stream.response.tools[].parameters"),
    ("became-optional", "POST /responses", "text/event-stream.response.tools[].user_location.type"),
}
ORIGINAL_KINDS = {
    "operation-added", "operation-removed", "path-param-renamed", "param-added", "param-removed",
    "param-became-required", "param-became-optional", "status-added", "status-removed", "field-added",
    "field-removed", "field-renamed", "became-required", "became-optional", "type-changed",
    "enum-values-added", "enum-values-removed", "became-nullable", "became-non-nullable",
    "constraint-changed", "schema-renamed", "description-changed",
}  # fmt: skip


def test_every_breaking_change_of_the_new_rules_in_the_shared_pair_was_checked(whole: dict[str, Any]) -> None:
    found = {
        (c["kind"], c["operation"], c["path"])
        for c in whole["changes"]
        if c["severity"] == "breaking"
        and (c["kind"] not in ORIGINAL_KINDS or c["path"].split(".")[0].count("/") == 1)
    }
    assert found == CHECKED_BREAKING


def component(document: dict[str, Any], pointer: str) -> Any:
    node: Any = document["components"]["schemas"]
    for key in pointer.split("/"):
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def test_the_yaml_behind_the_new_verdicts(raw: dict[str, dict[str, Any]]) -> None:
    """The facts quoted in CHECKED_BREAKING, read from the documents with PyYAML."""
    old, new = raw[OLD], raw[NEW]
    moved_down = {"$ref": "#/components/schemas/InputTextContent"}
    assert moved_down in component(new, "EvalItemContentItem/oneOf")
    assert "checkpoint_permission.created" in component(old, "AuditLogEventType/enum")
    assert "checkpoint.permission.created" in component(new, "AuditLogEventType/enum")
    assert "checkpoint_permission.created" not in component(new, "AuditLogEventType/enum")
    for name in ("TranscriptionSegment/properties/end", "TranscriptionWord/properties/start"):
        assert (component(old, name)["format"], component(new, name)["format"]) == ("float", "double")
    for name in ("ComputerScreenshotImage/properties/image_url", "UrlCitationBody/properties/url"):
        assert "format" not in component(old, name) and component(new, name)["format"] == "uri"
    include = "RealtimeTranscriptionSessionCreateRequest/properties/include/items"
    assert "enum" not in component(old, include)
    assert component(new, include)["enum"] == ["item.input_audio_transcription.logprobs"]
    assert "minimum" not in component(old, "ResponseProperties/properties/max_output_tokens")
    assert component(new, "CreateResponse/allOf/2/properties/max_output_tokens/anyOf/0/minimum") == 16
    assert component(old, "ResponseTextAnnotationDeltaEvent/properties/annotation") == {
        "$ref": "#/components/schemas/Annotation"
    }
    assert component(new, "ResponseOutputTextAnnotationAddedEvent/properties/annotation")["type"] == "object"
    assert "code_interpreter_call" in component(old, "ResponseCodeInterpreterCallCompletedEvent/required")
    assert "code_interpreter_call" not in component(new, "ResponseCodeInterpreterCallCompletedEvent/required")
    delta = "ResponseCodeInterpreterCallCodeDeltaEvent/properties/type/enum"
    assert (component(old, delta), component(new, delta)) == (
        ["response.code_interpreter_call.code.delta"],
        ["response.code_interpreter_call_code.delta"],
    )
    assert "action" in component(old, "ComputerToolCall/required")
    assert "action" not in component(new, "ComputerToolCall/required")
    assert component(old, "ComputerToolCallSafetyCheck/required") == ["id", "code", "message"]
    assert component(new, "ComputerToolCall/properties/pending_safety_checks/items") == {
        "$ref": "#/components/schemas/ComputerCallSafetyCheckParam"
    }
    assert component(new, "ComputerCallSafetyCheckParam/required") == ["id"]
    assert {"type": "array"}.items() <= component(new, "ComparisonFilter/properties/value/oneOf/3").items()


def test_the_pr_comment_of_the_whole_documents_fits_github_and_opens_with_breaking(
    specs: dict[str, Path], env: dict[str, str], work: Path
) -> None:
    out = work / "whole.md"
    done = cli(
        "diff", str(specs[OLD]), str(specs[NEW]), "--format", "markdown", "-o", str(out), env=env, cwd=work
    )
    assert done.returncode == 1, done.stderr
    markdown = out.read_text()
    assert len(markdown) < 65_536
    body = markdown.split("\n## ", 1)[1]
    assert body.startswith("Breaking ("), "the first section is the breaking findings"
    assert "Left out to stay under GitHub's 65,536-character limit: " in markdown
