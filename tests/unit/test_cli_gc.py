"""The entry point's collector thresholds: a run over large documents is not re-walked by the GC."""

from __future__ import annotations

import subprocess
import sys


def test_the_entry_point_makes_young_collections_rarer() -> None:
    # Not a timing: what the entry point sets, so a run over large documents is not walked by the
    # collector at every 700 allocations (a tenth of a whole-document diff's CPU).
    script = (
        "import gc, sys\n"
        "from apidrift.cli.app import GC_THRESHOLDS, main\n"
        "sys.argv = ['apidrift', '--version']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(gc.get_threshold() == GC_THRESHOLDS and GC_THRESHOLDS[0] > 700, gc.isenabled())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "True True"
