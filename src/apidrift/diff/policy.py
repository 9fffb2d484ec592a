"""The lifecycle policy: how removing what was deprecated is graded, before and after its sunset, and
which extensions say that something is deprecated or when it goes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

from apidrift.contracts.model import Lifecycle
from apidrift.diff.changes import Severity

# The extension names read by default, first found wins; a team's own names are configured.
SUNSET_KEYS = ("x-sunset", "x-sunset-date", "x-deprecation-date", "x-removal-date")
DEPRECATED_KEYS = ("x-deprecated", "x-deprecated-at", "x-deprecated-since")
_FALSE = frozenset({"", "false", "no", "0", "none", "null"})


@dataclass(frozen=True)
class Status:
    """What the policy reads from one operation, parameter or field: deprecated, and its sunset date."""

    deprecated: bool = False
    sunset: str | None = None


@dataclass(frozen=True)
class LifecyclePolicy:
    """Removing a live operation, parameter or field breaks clients; removing one that was deprecated
    gave them notice (`deprecated_removal`); one past its announced sunset date was expected
    (`after_sunset`); one taken away before the date it was promised until broke that promise
    (`before_sunset`). None of them is graded worse than removing the same thing live."""

    deprecated_removal: Severity = Severity.WARNING
    after_sunset: Severity = Severity.INFO
    before_sunset: Severity = Severity.BREAKING
    # The day sunsets are judged against (ISO date); None: the new version's date, else today (UTC).
    today: str | None = None
    sunset_keys: tuple[str, ...] = SUNSET_KEYS
    deprecated_keys: tuple[str, ...] = DEPRECATED_KEYS

    def removal(self, *, deprecated: bool, sunset: str | None, new_date: str | None) -> Severity | None:
        """The severity of removing something deprecated or with a sunset; None when it was live
        (the usual rule applies)."""
        if not deprecated and not sunset:
            return None
        day = sunset_date(sunset) if sunset else None
        if day is not None:
            return self.after_sunset if day <= self.judged_on(new_date) else self.before_sunset
        # A sunset that is no date it can read says no more than `deprecated`.
        return self.deprecated_removal

    def passed(self, sunset: str, new_date: str | None) -> bool | None:
        """Whether the sunset `sunset` has passed on the day judged on; None when it is no date."""
        day = sunset_date(sunset)
        return None if day is None else day <= self.judged_on(new_date)

    def graded(self, status: Status, live: Severity, new_date: str | None) -> Severity | None:
        """`removal` for `status`, never worse than `live` (removing it were it not deprecated)."""
        severity = self.removal(deprecated=status.deprecated, sunset=status.sunset, new_date=new_date)
        if severity is None:
            return None
        return severity if severity.rank <= live.rank else live

    def judged_on(self, new_date: str | None) -> str:
        return self.today or new_date or datetime.now(UTC).date().isoformat()

    def status(self, lifecycle: Lifecycle) -> Status:
        """An operation's or parameter's status; a contract written before extensions were kept
        falls back to the sunset its importer read."""
        status = self.read(lifecycle.deprecated, lifecycle.extensions)
        if status.sunset is None and not lifecycle.extensions and lifecycle.sunset:
            return Status(status.deprecated, lifecycle.sunset)
        return status

    def read(self, deprecated: bool, extensions: Iterable[tuple[str, object]]) -> Status:
        """The status `deprecated: true` and the extensions (name, value) give under this policy."""
        values = {name: value for name, value in extensions}
        sunset = next((str(values[k]) for k in self.sunset_keys if _set(values.get(k))), None)
        marked = any(_set(values.get(k)) for k in self.deprecated_keys)
        return Status(deprecated=deprecated or marked, sunset=sunset)


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def sunset_date(value: str) -> str | None:
    """The ISO day (YYYY-MM-DD) a sunset value names: an ISO 8601 date or date-time, or the HTTP-date
    of the `Sunset` header (RFC 8594, `Sat, 01 Jan 2022 00:00:00 GMT`); None when it is neither."""
    text = str(value).strip()
    if _ISO_DAY.match(text):
        try:
            return date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _set(value: object) -> bool:
    return value is not None and value is not False and str(value).strip().lower() not in _FALSE


DEFAULT_POLICY = LifecyclePolicy()
