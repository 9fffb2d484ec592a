"""Rendering a version diff as JSON, GitHub-flavoured Markdown and plain text."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace

import pytest

from apidrift.contracts.model import (
    ContractVersion,
    JSONSchema,
    Operation,
    Parameter,
    RequestBody,
    ResponseSpec,
)
from apidrift.diff.changes import ChangeKind, Counterexample, Severity
from apidrift.diff.engine import VersionDiff, diff_versions
from apidrift.diff.render import DIFF_FORMAT, render_json, render_markdown, render_text, to_json

CHANGE_KEYS = [
    "kind",
    "severity",
    "operation",
    "side",
    "status",
    "path",
    "old",
    "new",
    "confidence",
    "message",
]


def _op(
    op_id: str, method: str, path: str, schema: JSONSchema, params: tuple[Parameter, ...] = ()
) -> Operation:
    return Operation(op_id, method, path, "", params, None, {"200": ResponseSpec("200", "OK", schema)})


def _version(
    label: str, operations: list[Operation], schemas: dict[str, JSONSchema] | None = None
) -> ContractVersion:
    return ContractVersion("test-api", label, None, "", (), {o.id: o for o in operations}, schemas or {})


def _users(props: dict[str, JSONSchema]) -> JSONSchema:
    return {"type": "object", "properties": props, "required": list(props)}


def build() -> VersionDiff:
    """A diff with a breaking, a warning and an info change on two operations, a rename and a `|`."""
    old = _version(
        "2026-04-30",
        [
            _op(
                "list-users",
                "GET",
                "/organization/users",
                _users({"result": {"type": "string"}, "n": {"type": "string"}}),
            ),
            _op("list-roles", "GET", "/organization/roles", _users({"role": {"enum": ["owner"]}})),
        ],
    )
    new = _version(
        "2026-05-02",
        [
            _op(
                "list-users",
                "GET",
                "/organization/users",
                _users({"results": {"type": "string"}, "n": {"type": ["string", "integer"]}}),
                (Parameter("after", "query", False, {"type": "string"}),),
            ),
            _op("list-roles", "GET", "/organization/roles", _users({"role": {"enum": ["owner", "reader"]}})),
        ],
    )
    return diff_versions(old, new)


@pytest.fixture
def diff() -> VersionDiff:
    return build()


def test_fixture_covers_every_severity(diff: VersionDiff) -> None:
    assert {c.severity for c in diff.changes} == set(Severity)
    assert ChangeKind.FIELD_RENAMED in {c.kind for c in diff.changes}


# --- JSON --------------------------------------------------------------------------------------


def test_render_json_top_level(diff: VersionDiff) -> None:
    out = json.loads(render_json(diff))
    assert list(out) == ["format", "old", "new", "summary", "changes", "findings"]
    assert out["format"] == DIFF_FORMAT == "apidrift.diff/1"
    assert (out["old"], out["new"]) == ("2026-04-30", "2026-05-02")
    findings = {"total": 4, "by_severity": {"breaking": 2, "warning": 1, "info": 1}}
    assert out["summary"] == {
        **diff.summary(),
        "operations": {"old": 2, "new": 2, "matched": 2},
        "findings": findings,
    }
    assert len(out["changes"]) == len(diff.changes)
    assert out == to_json(diff)


def test_render_json_change_shape(diff: VersionDiff) -> None:
    changes = json.loads(render_json(diff))["changes"]
    for change in changes:
        extra = ["evidence"] if change["kind"] == "field-renamed" else []
        assert list(change) == CHANGE_KEYS + extra
        assert change["kind"] in {k.value for k in ChangeKind}
        assert change["severity"] in {s.value for s in Severity}
    rename = next(c for c in changes if c["kind"] == "field-renamed")
    assert (rename["old"], rename["new"], rename["path"]) == ("result", "results", "results")
    assert isinstance(rename["confidence"], float) and rename["evidence"]


def test_render_json_orders_by_operation_then_severity(diff: VersionDiff) -> None:
    changes = json.loads(render_json(diff))["changes"]
    keys = [(c["operation"], -Severity(c["severity"]).rank) for c in changes]
    assert keys == sorted(keys)
    assert changes[0]["operation"] == "GET /organization/roles"


def test_render_json_includes_counterexamples(diff: VersionDiff) -> None:
    example = Counterexample({"role": "reader"}, "2026-05-02", "2026-04-30", "not in enum")
    diff.changes = [replace(c, counterexample=example) for c in diff.changes]
    changes = json.loads(render_json(diff))["changes"]
    assert all(c["counterexample"]["instance"] == {"role": "reader"} for c in changes)


def test_render_json_ends_with_a_newline_and_is_indented(diff: VersionDiff) -> None:
    text = render_json(diff)
    assert text.endswith("}\n")
    assert '\n  "format"' in text


# --- Markdown ----------------------------------------------------------------------------------


def _rows(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("|")]


OUR_TAGS = re.compile(r"</?(details|summary)>")


def _finding_rows(markdown: str) -> list[str]:
    rows = [r for r in _rows(markdown) if len(re.split(r"(?<!\\)\|", r)) == 6]
    return [r for r in rows if not r.startswith(("| where ", "|---"))]


def test_markdown_leads_with_breaking_and_folds_the_rest(diff: VersionDiff) -> None:
    md = render_markdown(diff)
    assert md.startswith("# API drift: `2026-04-30` → `2026-05-02`\n")
    assert "**4 findings** from 4 changes: **2 breaking**, 1 warning, 1 info." in md
    assert "| kind | count |" in md and "| field-renamed | 1 |" in md
    assert "## Breaking (2)" in md
    assert "<details><summary>Warning (1)</summary>" in md and "<details><summary>Info (1)</summary>" in md
    assert md.count("| where | kind | path | change |") == 3
    assert md.index("## Breaking") < md.index("Warning (1)") < md.index("Info (1)") < md.index("by kind")


def test_markdown_has_no_raw_html_but_its_own_folds(diff: VersionDiff) -> None:
    assert not re.search(r"<[A-Za-z/!]", OUR_TAGS.sub("", render_markdown(diff, examples=True)))


def test_markdown_escapes_pipes_so_rows_keep_their_cells(diff: VersionDiff) -> None:
    md = render_markdown(diff)
    assert "integer\\|string" in md
    for row in _rows(md):
        cells = re.split(r"(?<!\\)\|", row)
        assert cells[0] == cells[-1] == ""
        assert len(cells) - 2 in (2, 4), row  # the count table or the finding tables


def test_markdown_row_content(diff: VersionDiff) -> None:
    md = render_markdown(diff)
    assert (
        "| `GET /organization/users` response 200 | field-renamed | `results` "
        "| result renamed to results; confidence 0.95 (" in md
    )
    assert "| `GET /organization/users` parameter | param-added | `after` |" in md


def test_markdown_skips_empty_severities() -> None:
    empty = VersionDiff("a", "b")
    md = render_markdown(empty)
    assert "**0 findings** from 0 changes" in md
    assert "##" not in md and "Left out" not in md


def test_markdown_escapes_html_from_contract_values() -> None:
    schema = _users({"unit": {"enum": ["a"]}})
    old = _version("a", [_op("x", "GET", "/x", schema)])
    new = _version("b", [_op("x", "GET", "/x", _users({"unit": {"enum": ["a", "<br>"]}}))])
    md = render_markdown(diff_versions(old, new))
    assert "admits" in md
    assert not re.search(r"<[A-Za-z/!]", OUR_TAGS.sub("", md))


@pytest.mark.parametrize("limit", [2_000, 10_000, 65_000])
def test_markdown_never_exceeds_its_limit_and_counts_what_it_left_out(limit: int) -> None:
    from report_samples import seed_diff

    diff = seed_diff()
    md = render_markdown(diff, limit=limit)
    whole = render_markdown(diff, limit=10**9)
    assert len(md) <= limit < len(whole) or md == whole
    if md != whole:
        left = re.search(r"Left out to stay under GitHub's 65,536-character limit: (.*)\. Every", md)
        assert left is not None
        counted = sum(int(part.split()[0]) for part in left.group(1).split(", "))
        assert len(_finding_rows(md)) + counted == len(_finding_rows(whole)), "shown + counted = all"
    assert md.index("## Breaking") < (md.index("Left out") if "Left out" in md else len(md))


# --- text --------------------------------------------------------------------------------------


def test_text_header_counts(diff: VersionDiff) -> None:
    first = render_text(diff).splitlines()[0]
    assert first == "2026-04-30 -> 2026-05-02: 4 findings (2 breaking, 1 warning, 1 info) from 4 changes"


def test_text_lists_the_worst_first_by_operation_and_closes_with_the_counts(diff: VersionDiff) -> None:
    lines = render_text(diff).splitlines()
    sections = [line for line in lines if not line.startswith(" ") and line.endswith(" changes)")]
    assert sections == ["BREAKING (2 changes)", "warning (1 changes)", "info (1 changes)"]
    breaking = lines[lines.index("BREAKING (2 changes)") + 1 : lines.index("warning (1 changes)")]
    assert "  GET /organization/users" in breaking
    assert any("enum-values-added" in line and "role admits ['reader']" in line for line in lines)
    assert any(line.strip().startswith("confidence 0.95 (") for line in lines)
    assert lines[-1] == lines[0], "the counts again at the end, where a long list leaves the reader"


@pytest.mark.parametrize("width", [60, 80, 120])
def test_text_is_wrapped_to_the_width_given(width: int) -> None:
    from report_samples import seed_diff

    text = render_text(seed_diff(), width=width)
    assert max(len(line) for line in text.splitlines()) <= width
    unwrapped = render_text(seed_diff())
    assert max(len(line) for line in unwrapped.splitlines()) > 120
    # Wrapping only moves text to new lines (a word longer than the width is cut, not lost).
    assert "".join(text.split()) == "".join(unwrapped.split())


def test_text_shows_counterexamples_only_when_asked(diff: VersionDiff) -> None:
    example = Counterexample({"role": "reader"}, "2026-05-02", "2026-04-30", "not in enum")
    diff.changes = [
        replace(c, counterexample=example) if c.kind is ChangeKind.ENUM_VALUES_ADDED else c
        for c in diff.changes
    ]
    assert "counterexample" not in render_text(diff)
    shown = render_text(diff, examples=True)
    assert (
        'counterexample: {"role": "reader"} (valid in 2026-05-02, rejected by 2026-04-30: not in enum)'
        in shown
    )
    assert "counterexample" in render_markdown(diff, examples=True)


def test_text_of_an_empty_diff() -> None:
    assert (
        render_text(VersionDiff("a", "b"))
        == "a -> b: 0 findings (0 breaking, 0 warning, 0 info) from 0 changes\n"
    )


# --- determinism -------------------------------------------------------------------------------


def by_finding(diff: VersionDiff) -> str:
    return render_text(diff, by_finding=True)


@pytest.mark.parametrize("render", [render_text, render_markdown, render_json, by_finding])
def test_same_input_same_output(render: Callable[[VersionDiff], str]) -> None:
    assert render(build()) == render(build())


@pytest.mark.parametrize("render", [render_text, render_markdown, render_json, by_finding])
def test_output_does_not_depend_on_change_order(render: Callable[[VersionDiff], str]) -> None:
    forward = build()
    backward = build()
    backward.changes.reverse()
    assert forward.changes != backward.changes
    assert render(forward) == render(backward)


def test_the_operation_counts_appear_only_when_known() -> None:
    unknown = VersionDiff("a", "b")
    assert "operations" not in to_json(unknown)["summary"]
    assert "compared" not in render_text(unknown) + render_markdown(unknown)
    known = VersionDiff("a", "b", operations=(3, 4, 2))
    assert to_json(known)["summary"]["operations"] == {"old": 3, "new": 4, "matched": 2}
    assert render_text(known).splitlines()[1] == "compared 3 operations of a and 4 of b (2 in both)"
    assert "Compared 3 operations of a and 4 of b (2 in both)." in render_markdown(known)


# --- one change, one finding --------------------------------------------------------------------


def _shared(props: dict[str, JSONSchema], label: str, n: int = 6) -> ContractVersion:
    """`n` operations whose responses all reach the component `Project` (directly or in a list)."""
    ref = {"$ref": "schemas.json#/$defs/Project"}
    operations = [
        _op(
            f"op-{i}",
            "GET",
            f"/p{i}",
            ref if i % 2 else {"type": "object", "properties": {"data": {"type": "array", "items": ref}}},
        )
        for i in range(n)
    ]
    return _version(label, operations, {"Project": _users(props)})


def test_three_properties_removed_from_a_shared_schema_are_three_findings() -> None:
    keep = {"id": {"type": "string"}}
    gone = {"a": {"type": "string"}, "b": {"type": "integer"}, "c": {"type": "boolean"}}
    diff = diff_versions(_shared({**keep, **gone}, "v1"), _shared(keep, "v2"))
    assert len(diff.changes) == 18  # every operation still has its own change: the expansion
    found = to_json(diff)["findings"]
    assert [(f["kind"], f["origin"], f["count"]) for f in found] == [
        ("field-removed", "Project.a", 6),
        ("field-removed", "Project.b", 6),
        ("field-removed", "Project.c", 6),
    ]
    assert found[0]["operations"] == [f"GET /p{i}" for i in range(6)]
    assert "GET /p0 response 200 data[].a" in found[0]["locations"]
    assert "GET /p1 response 200 a" in found[0]["locations"]
    assert to_json(diff)["summary"]["findings"] == {
        "total": 3,
        "by_severity": {"breaking": 3, "warning": 0, "info": 0},
    }
    text = render_text(diff, by_finding=True)
    assert text.splitlines()[0] == "v1 -> v2: 3 findings (3 breaking, 0 warning, 0 info) from 18 changes"
    assert "reaches 6 operations: GET /p0, GET /p1, GET /p2, GET /p3, GET /p4 and 1 more" in text


def test_inline_changes_stay_one_finding_per_operation() -> None:
    old = _version(
        "a",
        [
            _op("x", "GET", "/x", _users({"n": {"type": "string"}})),
            _op("y", "GET", "/y", _users({"n": {"type": "string"}})),
        ],
    )
    new = _version("b", [_op("x", "GET", "/x", _users({})), _op("y", "GET", "/y", _users({}))])
    assert [f["count"] for f in to_json(diff_versions(old, new))["findings"]] == [1, 1]


def test_the_same_change_graded_differently_is_two_findings() -> None:
    ref = {"$ref": "schemas.json#/$defs/Project"}

    def version(label: str, props: dict[str, JSONSchema]) -> ContractVersion:
        read = _op("read", "GET", "/p", ref)
        write = Operation(
            "write", "POST", "/p", "", (), RequestBody(True, ref), {"200": ResponseSpec("200", "OK", None)}
        )
        return _version(label, [read, write], {"Project": _users(props)})

    diff = diff_versions(
        version("a", {"n": {"type": "string", "maxLength": 5}}),
        version("b", {"n": {"type": "string", "maxLength": 3}}),
    )
    assert sorted((f["side"], f["severity"]) for f in to_json(diff)["findings"]) == [
        ("request", "breaking"),
        ("response", "info"),
    ]


def test_a_change_to_a_shared_definition_is_one_report_finding_that_lists_where_it_reaches() -> None:
    from report_samples import seed_diff

    from apidrift.diff.findings import group
    from apidrift.report import build_diff_report

    diff = seed_diff()
    report = build_diff_report(diff, api="openai-admin")
    assert len(report.findings) == len(group(diff.changes)) < len(diff.changes)
    # Every change is in exactly one finding: its own, or the group's list of places.
    assert sum(len(f.reaches) or 1 for f in report.findings) == len(diff.changes)
    shared = [f for f in report.findings if f.reaches]
    assert shared and all(f.operation is None and len(f.reaches) > 1 for f in shared)
    # Named by the definition (`Schema.field`), the same whichever operations use it.
    assert all(f.message.startswith(f"{f.path}: ") for f in shared)
    assert all(f"(in {len(f.reaches)} places across " in f.message for f in shared)
    rename = next(f for f in shared if f.kind == "field-renamed" and f.path == "Invite.created_at")
    assert len(rename.reaches) == 3


def test_a_diff_narrowed_to_operations_paths_and_severity() -> None:
    from report_samples import seed_diff

    from apidrift.diff.changes import Severity

    diff = seed_diff()
    usage = diff.only(operations=["usage-*"])
    assert usage.changes and all((c.operation_id or "").startswith("usage-") for c in usage.changes)
    by_path = diff.only(paths=["/organization/invites"])
    assert by_path.changes and all(" /organization/invites" in (c.operation or "") for c in by_path.changes)
    worst = diff.only(operations=["GET /organization/*"], severity=Severity.BREAKING)
    assert worst.changes and all(c.severity is Severity.BREAKING for c in worst.changes)
    assert all((c.operation or "").startswith("GET /organization/") for c in worst.changes)
    assert diff.only() == diff and diff.only(operations=["no-such-*"]).changes == []


def test_a_type_renamed_under_many_operations_is_one_finding_naming_them() -> None:
    """The seed pair renames the nine usage result types; each rename is one finding reaching nine
    operations, not a row per operation (issue 16: 81 of 101 rename rows were such repeats)."""
    from apidrift.contracts.model import ContractStore
    from apidrift.diff.render import findings

    store = ContractStore()
    seed = diff_versions(store.load("2026-04-30"), store.load("2026-05-02"))
    renamed = [f for f in findings(seed) if f.kind is ChangeKind.SCHEMA_RENAMED]
    pairs = [(f.changes[0].old, f.changes[0].new) for f in renamed]
    assert len(pairs) == len(set(pairs)), "each type rename once"
    costs = next(f for f in renamed if f.changes[0].old == "CostsResult")
    assert costs.changes[0].new == "OrganizationCostsResult" and len(costs.operations) == 9
    assert costs.origin == "CostsResult" and "(in 9 places across 9 operations)" in costs.message
    assert "| 9 operations (`CostsResult`) | schema-renamed |" in render_markdown(seed)
