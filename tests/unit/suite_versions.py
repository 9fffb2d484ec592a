"""A contract version around one schema, as the JSON Schema Test Suite sweep builds it
(`tools/jsts_sweep.py`'s `version_for`, and its `exists_at`), for the tests that run suite cases."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_TOOL = Path(__file__).resolve().parents[2] / "tools" / "jsts_sweep.py"
_spec = importlib.util.spec_from_file_location("jsts_sweep", _TOOL)
assert _spec is not None and _spec.loader is not None
_sweep = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("jsts_sweep", _sweep)
_spec.loader.exec_module(_sweep)

version_for = _sweep.version_for
exists_at = _sweep.exists_at
