"""One exception hierarchy for everything apidrift reports as bad input."""

from __future__ import annotations

from pathlib import Path


class ApidriftError(Exception):
    """Base of every error apidrift raises on purpose; carries where it happened."""

    def __init__(self, message: str, *, file: Path | str | None = None, pointer: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.pointer = pointer

    def __str__(self) -> str:
        where = self.file or ""
        if self.pointer:
            where = f"{where}#{self.pointer}" if where else f"#{self.pointer}"
        return f"{where}: {self.message}" if where else self.message


class ContractError(ApidriftError):
    """A contract file is unreadable, not JSON, or refers to something that does not exist."""


class RecordingError(ApidriftError):
    """A recording file is unreadable, not JSON, or lacks a required field."""


class UnknownVersionError(ApidriftError):
    """A contract version label that no contract folder provides."""


class UnknownOperationError(ApidriftError):
    """An operation id or status that the contract version does not document."""


class OpenAPIError(ApidriftError):
    """An OpenAPI document that cannot be imported."""


class ProfileError(ApidriftError):
    """An API profile that cannot be loaded: unreadable, not TOML, or a field out of range."""
