"""A contract version around one schema, as the JSON Schema Test Suite sweep builds it
(`tools/jsts_sweep.py`'s `version_for`, and its `exists_at`), for the tests that run suite cases."""

from __future__ import annotations

from pathlib import Path

from cli_support import load_tool

_sweep = load_tool(Path(__file__).resolve().parents[2] / "tools" / "jsts_sweep.py")

version_for = _sweep.version_for
exists_at = _sweep.exists_at
