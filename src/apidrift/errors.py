"""One exception hierarchy for everything apidrift reports as bad input (CLI: one `error:` line, exit 2).

    ApidriftError                   file + JSON pointer + message: `FILE#POINTER: message`
    ├── ContractError               a contract file unreadable, not JSON, a dangling $ref
    ├── RecordingError              a recording unreadable, not JSON, a field missing
    ├── UnknownVersionError         a version label no contract folder provides
    ├── UnknownOperationError       an operation id or status a version does not document
    ├── OpenAPIError                an OpenAPI document that cannot be imported
    │   └── ScopeError              a --scope that matches no operation
    ├── ProfileError                an API profile that cannot be loaded
    ├── ConfigError                 `[tool.apidrift]` (pyproject.toml) or apidrift.toml that cannot be used
    ├── ReportFileError             a saved report that cannot be read back
    ├── UnsafeFileError             a file to write that is a symlink, not the user's, or not private
    ├── HistoryError                a history database that cannot be opened, read or migrated
    ├── BaselineError               a baseline (accept-list) file that cannot be read, or a bad entry
    ├── LiveError                   a live run that cannot start or go on (no key, a bad URL)
    │   ├── ReadOnlyViolation       a write attempted by a read-only client
    │   ├── SweepConfigError        writes without a sandbox, a pending ledger
    │   └── LedgerError             a ledger that cannot be read or written
    ├── ProxyError                  a proxy that cannot start (an upstream URL, a port in use)
    ├── SimulatorError              bad input to the simulator (a version, a mix, a fault plan)
    │   ├── MixError
    │   └── FaultPlanError
    ├── FuzzError                   a fuzz run that cannot start, a replay file that is no case
    └── SdkError                    the SDK checks
        ├── SdkDocumentError        a reference document with no recognisable operation
        ├── SdkModuleError          an SDK package that is not installed
        └── SdkMappingError         an operation -> model mapping that is broken

The simulator's `ApiError` (a documented error the simulated API answers with) is a value it
sends, not bad input; it lives beside the simulator.
"""

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


class WalkBudgetError(ContractError):
    """A schema walk ran past its step or time budget: the schema is too wide or deep to check."""


class RecordingError(ApidriftError):
    """A recording file is unreadable, not JSON, or lacks a required field."""


class InternalFault(ApidriftError):
    """A fault in apidrift itself met while checking one file: that file's finding, and exit 3."""

    @classmethod
    def of(cls, exc: BaseException, *, file: Path | str | None = None) -> InternalFault:
        return cls(fault_message(exc), file=file)


def fault_message(exc: BaseException) -> str:
    """The one line a fault in apidrift itself (not in its input) prints, with what to report."""
    from apidrift._version import __version__

    where = ""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is not None:
        where = f" at {Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno}"
    return (
        f"internal error in apidrift {__version__}: {type(exc).__name__}: {exc}{where}. "
        "This is a bug in apidrift, not in your input: please report it with the command line "
        "(set APIDRIFT_TRACEBACK=1 for the full traceback)"
    )


class UnknownVersionError(ApidriftError):
    """A contract version label that no contract folder provides."""


class UnknownOperationError(ApidriftError):
    """An operation id or status that the contract version does not document."""


class OpenAPIError(ApidriftError):
    """An OpenAPI document that cannot be imported."""


class ProfileError(ApidriftError):
    """An API profile that cannot be loaded: unreadable, not TOML, or a field out of range."""


class ConfigError(ApidriftError):
    """A configuration file that is not TOML, or names an option no command has."""


class ReportFileError(ApidriftError):
    """A saved report that cannot be read back."""


class UnsafeFileError(ApidriftError):
    """A file apidrift keeps run state in that is a symlink, in a symlinked folder, or not private."""


class HistoryError(ApidriftError):
    """A history database that cannot be opened, read or migrated (or is newer than this apidrift)."""


class BaselineError(ApidriftError):
    """A baseline file that is not TOML, or an entry without a reason, an owner or anything to match."""


class SimulatorError(ApidriftError):
    """Bad input to the simulator itself (a version, a mix, a fault plan)."""


class MixError(SimulatorError):
    """A `--mix` value that names an unknown endpoint family or version, or is malformed."""


class FaultPlanError(SimulatorError):
    """A fault plan that names an unknown fault kind or an invalid rate."""


class SdkError(ApidriftError):
    """Bad input to the SDK checks."""


class SdkDocumentError(SdkError):
    """An SDK reference document that cannot be read or in which no operation is recognised."""


class SdkModuleError(SdkError):
    """An SDK package that is not installed or cannot be imported."""


class SdkMappingError(SdkError):
    """An operation → model mapping that is missing, malformed, or names a model that does not exist."""


class LiveError(ApidriftError):
    """A live client used wrongly (its configuration or a call), as opposed to a server's behaviour."""


class ReadOnlyViolation(LiveError):
    """A read-only client was asked to send a request that could change the API's state."""


class SweepConfigError(LiveError):
    """A sweep that must not start: writes without a sandbox or plan, a read-only client, a pending ledger."""


class LedgerError(LiveError):
    """A ledger file that cannot be read or written."""


class ProxyError(ApidriftError):
    """A proxy that cannot start: an upstream that is not an http(s) URL, a port it cannot listen on."""


class FuzzError(ApidriftError):
    """A fuzz run that cannot start (no operation matches), or a replay file that is no case."""
