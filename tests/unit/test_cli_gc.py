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


def test_an_interrupted_run_that_wrote_nothing_says_so() -> None:
    """SIGTERM (a CI cancel) during a command with nothing gathered: exit 130 and one line, not silence."""
    script = (
        "import sys\n"
        "import apidrift.cli.diff as diff\n"
        "from apidrift.cli.app import main\n"
        "def stop(*args, **kwargs):\n    raise KeyboardInterrupt\n"
        "diff.diff_versions = stop\n"
        "sys.argv = ['apidrift', 'diff', '2026-04-30', '2026-05-02']\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 130
    assert done.stderr.strip() == "error: interrupted (Ctrl-C or SIGTERM) before anything was written"


def test_version_imports_no_command() -> None:
    """`apidrift --version` is answered by the root callback: the commands' modules (0.9 s) stay unread.
    (`check` is `apidrift.check` too: only the CLI's modules are asked after.)"""
    script = (
        "import sys\n"
        "from apidrift.cli.app import main\n"
        "sys.argv = ['apidrift', '--version']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "from apidrift.cli import COMMANDS\n"
        "names = {f'apidrift.cli.{m}' for m in COMMANDS.values()}\n"
        "print(sorted(names & sys.modules.keys()))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("apidrift ") and lines[-1] == "[]"
