"""Path templates read as text: several expressions in one segment, literal text beside one."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from apidrift.contracts import templates
from apidrift.contracts.model import ContractVersion
from apidrift.contracts.operations import Operation
from apidrift.live.transport import fill_path
from apidrift.sdk.doc_fields import path_shape_params
from apidrift.traffic.match import Matcher

COMPARE = "/repos/{owner}/{repo}/compare/{base}...{head}"


def test_a_segment_may_hold_several_expressions_and_literal_text() -> None:
    assert templates.names(COMPARE) == ("owner", "repo", "base", "head")
    assert templates.shape("/files/{name}.json") == "/files/{}.json"
    last = templates.segments(COMPARE)[-1]
    assert (last.text, last.names, last.literal, last.sole_param) == (
        "{base}...{head}",
        ("base", "head"),
        "...",
        None,
    )
    assert templates.segments("/files/{name}.json")[-1].sole_param == "name"
    assert templates.segments("/files/archive")[-1].is_literal


def test_read_gives_each_expression_its_value() -> None:
    assert templates.read(COMPARE, "/repos/o/r/compare/main...dev") == {
        "owner": "o",
        "repo": "r",
        "base": "main",
        "head": "dev",
    }
    assert templates.read("/files/{name}.json", "/files/a.b.json") == {"name": "a.b"}
    # Not instances: the literal text is missing, a value would cross a segment, a value is empty.
    assert templates.read(COMPARE, "/repos/o/r/compare/main") is None
    assert templates.read("/files/{name}.json", "/files/a/b.json") is None
    assert templates.read("/files/{name}.json", "/files/.json") is None


def test_fill_replaces_every_expression_once() -> None:
    filled = templates.fill(COMPARE, {"owner": "o", "repo": "{repo}", "base": "a", "head": "b"})
    assert filled == "/repos/o/{repo}/compare/a...b"  # a value is never read as an expression again
    assert templates.fill("/x/{id}", {}) == "/x/{id}"


_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="/{}."), min_size=1, max_size=12)


@given(values=st.lists(_TEXT, min_size=4, max_size=4))
def test_a_filled_template_reads_back_its_values(values: list[str]) -> None:
    given_values = dict(zip(templates.names(COMPARE), values, strict=True))
    assert templates.read(COMPARE, templates.fill(COMPARE, given_values)) == given_values


@given(template=st.lists(st.sampled_from(["a", "{x}", "{y}.json", "v{z}", "{p}-{q}", "b.c"]), max_size=6))
def test_any_template_reads_back_what_filled_it(template: list[str]) -> None:
    text = "/" + "/".join(template)
    names = templates.names(text)
    if len(set(names)) != len(names):
        return  # a name twice: the second value would have to equal the first
    values = {name: f"v{i}" for i, name in enumerate(names)}
    assert templates.read(text, templates.fill(text, values)) == values


def test_the_sdk_reader_and_the_live_client_read_the_same_names() -> None:
    assert path_shape_params(COMPARE) == ["owner", "repo", "base", "head"]
    path = fill_path(COMPARE, {"owner": "o", "repo": "r", "base": "main", "head": "dev"})
    assert path == "/repos/o/r/compare/main...dev"


def test_the_traffic_matcher_reads_values_beside_literal_text() -> None:
    def op(ident: str, path: str) -> Operation:
        return Operation(
            id=ident, method="get", path=path, summary="", parameters=(), request_body=None, responses={}
        )

    ops = {
        o.id: o
        for o in (op("compare", COMPARE), op("file", "/files/{name}.json"), op("any", "/files/{name}"))
    }
    version = ContractVersion(
        api="t", version="1", date=None, description="", sources=(), operations=ops, schemas={}
    )
    match = Matcher(version).match("GET", "/repos/o/r/compare/main...dev")
    assert not isinstance(match, str) and match.path_params["head"] == "dev"
    found = Matcher(version).match("GET", "/files/report.json")
    assert not isinstance(found, str) and (found.operation.id, found.path_params) == (
        "file",
        {"name": "report"},
    )
