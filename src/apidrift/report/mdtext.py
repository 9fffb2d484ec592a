"""Markdown text that survives any content: table cells, code spans and tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


def cell_text(value: Any) -> str:
    """Table-cell text: pipes escaped, angle brackets as entities, so no value becomes raw HTML."""
    text = " ".join(str(value).split())
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def code(value: Any) -> str:
    """A code span that survives any content: wide enough fences, pipes escaped for tables."""
    text = " ".join(str(value).split()).replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return out + ["| " + " | ".join(row) + " |" for row in rows]


# GitHub refuses a comment (and a step summary) over 65,536 characters; the margin is for a caller's
# own framing around the text.
COMMENT_LIMIT = 65_000


class Budget:
    """What is left of a character limit, counted as lines are taken (a line and its newline)."""

    def __init__(self, limit: int, reserve: int = 400) -> None:
        # `reserve` keeps room for the closing line that says what was left out.
        self.left = limit - reserve

    def fits(self, lines: Sequence[str]) -> bool:
        return sum(len(line) + 1 for line in lines) <= self.left

    def take(self, lines: Sequence[str]) -> list[str]:
        self.left -= sum(len(line) + 1 for line in lines)
        return list(lines)
