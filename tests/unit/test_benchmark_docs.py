"""The benchmarks' docs writer: regenerated figures replace a section, its hand-written notes stay."""

from __future__ import annotations

from pathlib import Path

from cli_support import load_tool

DOCS_SECTION = Path(__file__).resolve().parents[2] / "benchmarks" / "docs_section.py"


def test_regenerated_figures_replace_the_section_and_keep_its_notes(tmp_path: Path) -> None:
    docs = load_tool(DOCS_SECTION)
    path = tmp_path / "benchmarks.md"
    path.write_text(
        f"# Benchmarks\n\n## Speed\n\nold figures\n\n{docs.KEPT}\n\n**Session 1:** why it changed.\n\n"
        "## Memory\n\nuntouched\n"
    )
    docs.write_section("## Speed\n\nnew figures\n", "## Speed", path)
    text = path.read_text()
    assert "old figures" not in text
    assert text.index("new figures") < text.index(docs.KEPT) < text.index("**Session 1:** why it changed.")
    assert text.index("why it changed.") < text.index("## Memory\n\nuntouched")


def test_a_section_without_notes_is_replaced_whole_and_a_new_one_appended(tmp_path: Path) -> None:
    docs = load_tool(DOCS_SECTION)
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n\n## Speed\n\nold figures\n")
    docs.write_section("## Speed\n\nnew figures\n", "## Speed", path)
    docs.write_section("## Memory\n\n1 MiB\n", "## Memory", path)
    assert path.read_text() == "# Benchmarks\n\n## Speed\n\nnew figures\n\n## Memory\n\n1 MiB\n"
