"""The lifecycle policy: how removing what was deprecated is graded, before and after its sunset."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from apidrift.diff.changes import Severity


@dataclass(frozen=True)
class LifecyclePolicy:
    """Removing a live operation or field breaks clients; removing one that was deprecated gave them
    notice (`deprecated_removal`), and one past its announced sunset date was expected (`after_sunset`)."""

    deprecated_removal: Severity = Severity.WARNING
    after_sunset: Severity = Severity.INFO
    # The day sunsets are judged against (ISO date); None: the new version's date, else today (UTC).
    today: str | None = None

    def removal(self, *, deprecated: bool, sunset: str | None, new_date: str | None) -> Severity | None:
        """The severity of removing something deprecated; None when it was live (the usual rule)."""
        if not deprecated and not sunset:
            return None
        if sunset and sunset[:10] <= self.judged_on(new_date):
            return self.after_sunset
        return self.deprecated_removal if deprecated else None

    def judged_on(self, new_date: str | None) -> str:
        return self.today or new_date or datetime.now(UTC).date().isoformat()


DEFAULT_POLICY = LifecyclePolicy()
