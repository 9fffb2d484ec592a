"""The report package's names load on first use, and every one it lists loads."""

from __future__ import annotations

import subprocess
import sys

import pytest

import apidrift.report


@pytest.mark.parametrize("name", apidrift.report.__all__)
def test_every_listed_name_loads(name: str) -> None:
    assert getattr(apidrift.report, name) is not None


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such"):
        _ = apidrift.report.no_such  # type: ignore[attr-defined]


def test_naming_a_report_format_loads_no_renderer_and_no_check() -> None:
    # `diff` and every command's options import `formats`; the renderers and the checker are for later.
    code = (
        "import sys; import apidrift.report.formats; import apidrift.cli.diff; "
        "print(sorted(m for m in sys.modules if m.startswith(('apidrift.report.', 'apidrift.check.run'))))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "apidrift.report.html" not in loaded and "apidrift.check.run" not in loaded, loaded
