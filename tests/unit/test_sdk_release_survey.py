"""`tools/sdk_release_survey.py` (docs/sdk-releases.md), offline: which releases it checks once (model
sources byte-identical), how it reads an `sdk-check models` report, and the table it prints."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from cli_support import load_tool

TOOL = Path(__file__).parents[2] / "tools" / "sdk_release_survey.py"


@pytest.fixture(scope="module")
def survey() -> ModuleType:
    return load_tool(TOOL)


def release(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_releases_whose_model_sources_match_share_a_hash(survey: ModuleType, tmp_path: Path) -> None:
    sources = ["types/admin", "_models.py"]
    models = {"sdk/types/admin/user.py": "class User: ...", "sdk/_models.py": "base"}
    a = release(tmp_path / "a", {**models, "sdk/_version.py": "1.0", "sdk/types/chat.py": "x"})
    b = release(tmp_path / "b", {**models, "sdk/_version.py": "2.0", "sdk/types/chat.py": "y"})
    c = release(tmp_path / "c", {**models, "sdk/types/admin/user.py": "class User:\n    role: str"})
    assert survey.source_hash(a, "sdk", sources) == survey.source_hash(b, "sdk", sources)
    assert survey.source_hash(a, "sdk", sources) != survey.source_hash(c, "sdk", sources)


def model(operation: str, best: str | None, rows: dict[str, tuple[bool, int]]) -> dict[str, Any]:
    checks = [{"version": v, "matches": m, "breaking": b} for v, (m, b) in rows.items()]
    return {
        "operation": operation,
        "best_match": best,
        "matches": [v for v, (m, _) in rows.items() if m],
        "checks": checks,
    }


def test_a_report_is_summed_per_version_and_printed_as_a_row(
    survey: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    report = {
        "module_version": "9.9.9",
        "metadata": {"versions": ["old", "new"]},
        "summary": {"subjects": 3, "input_errors": 1},
        "models": [
            model("a", "new", {"old": (False, 2), "new": (True, 0)}),
            model("b", None, {"old": (True, 0), "new": (True, 0)}),
            model("c", "new", {"old": (False, 1), "new": (False, 1)}),
        ],
    }
    summary = survey.summarize(report)
    assert summary["best"] == {"new": 2, "tie": 1}
    assert summary["matched"] == {"old": 1, "new": 2}
    assert summary["breaking"] == {"old": 3, "new": 1}
    survey.print_table([("9.9.9", summary, ""), ("0.1", None, "no types/admin")])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("| release | models | tie | best old | match old | breaking vs old | best new")
    assert lines[2] == "| 9.9.9 | 2/3 | 1 | 0 | 1 | 3 | 2 | 2 | 1 |  |"
    assert lines[3].startswith("| 0.1 |") and lines[3].endswith("no types/admin |")
