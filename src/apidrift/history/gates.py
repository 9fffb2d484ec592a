"""What fails a run; kept apart from the judge so a command's options load without the report model."""

from __future__ import annotations

from enum import StrEnum


class FailOn(StrEnum):
    """What fails a run: only new findings (at warning or worse), or any finding of a severity or worse."""

    NEW = "new"
    BREAKING = "breaking"
    WARNING = "warning"
    INFO = "info"
