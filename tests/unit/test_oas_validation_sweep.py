"""`tools/oas_validation_sweep.py`: response-validation cases of peers and of the OpenAPI text in, a
table out; the bundled corpus (tests/fixtures/oas_validation) must stay in agreement."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from cli_support import load_tool

TOOL = Path(__file__).parents[2] / "tools" / "oas_validation_sweep.py"
CORPUS = Path(__file__).parents[1] / "fixtures" / "oas_validation" / "cases.yaml"


@pytest.fixture(scope="module")
def sweep() -> ModuleType:
    return load_tool(TOOL)


def test_the_corpus_agrees_with_the_specification_but_for_named_departures(sweep: ModuleType) -> None:
    result = sweep.run(CORPUS, use_cli=False)
    counts = result.counts
    assert len(result.rows) > 100
    wrong = [(case.doc, case.op, case.status, outcome, detail) for case, outcome, detail in result.rows]
    assert [row for row in wrong if row[3] not in ("agree", "deliberate")] == []
    # Each departure says why; none may appear unsaid.
    assert counts["deliberate"] == sum(1 for case, _, _ in result.rows if case.deliberate)


def test_a_verdict_apidrift_does_not_share_is_graded_by_direction(sweep: ModuleType, tmp_path: Path) -> None:
    document = tmp_path / "d.yaml"
    document.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      operationId: x\n"
        "      responses:\n        '200':\n          description: ok\n          content:\n"
        "            application/json:\n              schema: {type: integer}\n",
        encoding="utf-8",
    )
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        "documents: {d: d.yaml}\ncases:\n"
        "  - {doc: d, op: x, status: 200, body: 1, valid: false}\n"  # apidrift accepts: missed
        "  - {doc: d, op: 'GET /x', status: 200, body: s, valid: true}\n"  # apidrift refuses: false
        "  - {doc: d, op: x, status: 404, body: 1, valid: true}\n"  # nothing documents 404: refused
        "  - {doc: d, op: x, status: 200, body: 2, valid: true}\n"
        "schemas:\n  - {oas: '3.1.0', schema: {type: string}, body: 1, valid: true, deliberate: because}\n",
        encoding="utf-8",
    )
    result = sweep.run(cases, use_cli=False)
    assert [outcome for _, outcome, _ in result.rows] == ["missed", "false", "refused", "agree", "deliberate"]
    table = sweep.table(result)
    assert table.startswith("cases: 5  agree: 1  missed: 1  false: 1  refused: 1  fault: 0  deliberate: 1")
    assert "documents no status 404" in table
    assert sweep.main([str(cases)]) == 1
