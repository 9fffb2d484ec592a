"""One way every benchmark writes its figures: replace its own `## ...` section of docs/benchmarks.md
(up to the next `## ` heading, a blank line kept before it), or append it; the rest stays as it is.
Also `MEASURE`, the one way a benchmark times a command in a child process."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


# Below this line a section's hand-written notes (what changed, session by session) are kept when
# its figures are regenerated.
KEPT = "<!-- notes below are kept when the figures above are regenerated -->"


def write_section(text: str, title: str, path: Path = DOCS) -> None:
    """Put `text` (which starts with the `title` heading line) in place of that section of `path`,
    keeping what the section holds below `KEPT`."""
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\nRun on demand.\n"
    pattern = re.compile(rf"^{re.escape(title)}[ \t]*\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(current):

        def replace(found: re.Match[str]) -> str:
            old = found.group(0)
            kept = old[old.index(KEPT) :].rstrip("\n") + "\n\n" if KEPT in old else ""
            return text.rstrip("\n") + "\n\n" + kept

        current = pattern.sub(replace, current, count=1)
    else:
        current = current.rstrip("\n") + "\n\n" + text
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(current.rstrip("\n") + "\n", encoding="utf-8")


# Run in a child interpreter: times one command (its wall, CPU and peak RSS) and prints them as JSON.
MEASURE = (
    "import resource, subprocess, sys, time, json\n"
    "start = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "wall = time.perf_counter() - start\n"
    "use = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(json.dumps({'rc': done.returncode, 'wall': wall, 'cpu': use.ru_utime + use.ru_stime,\n"
    "                  'rss_mb': use.ru_maxrss / 1024, 'stderr': done.stderr.decode()[-400:]}))\n"
)
