"""apidrift: contract and schema-drift testing for APIs described by OpenAPI.

The public API is listed in `__all__`; names are imported on first use, so that `import apidrift`
(and the pytest plugin, which every pytest run in an environment with apidrift loads) stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from apidrift._version import __version__

# public name -> the module that defines it
_EXPORTS = {
    "ApidriftError": "errors",
    "ContractError": "errors",
    "OpenAPIError": "errors",
    "RecordingError": "errors",
    "UnknownOperationError": "errors",
    "UnknownVersionError": "errors",
    "ContractStore": "contracts.model",
    "ContractVersion": "contracts.model",
    "Operation": "contracts.model",
    "Parameter": "contracts.model",
    "RequestBody": "contracts.model",
    "ResponseSpec": "contracts.model",
    "Recording": "check.recordings",
    "Provenance": "check.recordings",
    "load_recordings": "check.recordings",
    "FieldShape": "check.shapes",
    "SchemaFlattener": "check.shapes",
    "ResponseValidator": "check.validation",
    "ValidationResult": "check.validation",
    "Violation": "check.validation",
    "UndocumentedField": "check.validation",
    "Fingerprint": "check.fingerprint",
    "VersionScore": "check.fingerprint",
    "fingerprint": "check.fingerprint",
    "RenamePair": "check.renames",
    "name_similarity": "check.renames",
    "pair_renames": "check.renames",
    "CheckRun": "check.run",
    "CheckedResponse": "check.checker",
    "check_recordings": "check.run",
    "Change": "diff.changes",
    "ChangeKind": "diff.changes",
    "Severity": "diff.changes",
    "Side": "diff.changes",
    "VersionDiff": "diff.engine",
    "diff_versions": "diff.engine",
    "resolve_version": "openapi.sources",
    "import_openapi_file": "openapi.sources",
    "DriftReport": "report",
    "build_check_report": "report",
    "build_diff_report": "report",
    "write_reports": "report",
    "LiveClient": "live.client",
    "LiveCheckOptions": "live.check",
    "run_live_check": "live.check",
    "create_app": "simulator",
    "from_schema": "generate.strategies",
}

__all__ = [
    "ApidriftError",
    "Change",
    "ChangeKind",
    "CheckRun",
    "CheckedResponse",
    "ContractError",
    "ContractStore",
    "ContractVersion",
    "DriftReport",
    "FieldShape",
    "Fingerprint",
    "LiveCheckOptions",
    "LiveClient",
    "OpenAPIError",
    "Operation",
    "Parameter",
    "Provenance",
    "Recording",
    "RecordingError",
    "RenamePair",
    "RequestBody",
    "ResponseSpec",
    "ResponseValidator",
    "SchemaFlattener",
    "Severity",
    "Side",
    "UndocumentedField",
    "UnknownOperationError",
    "UnknownVersionError",
    "ValidationResult",
    "VersionDiff",
    "VersionScore",
    "Violation",
    "__version__",
    "build_check_report",
    "build_diff_report",
    "check_recordings",
    "create_app",
    "diff_versions",
    "fingerprint",
    "from_schema",
    "import_openapi_file",
    "load_recordings",
    "name_similarity",
    "pair_renames",
    "resolve_version",
    "run_live_check",
    "write_reports",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'apidrift' has no attribute {name!r}")
    value = getattr(import_module(f"apidrift.{module}"), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:  # the names as type checkers see them
    from apidrift.check.checker import CheckedResponse
    from apidrift.check.fingerprint import Fingerprint, VersionScore, fingerprint
    from apidrift.check.recordings import Provenance, Recording, load_recordings
    from apidrift.check.renames import RenamePair, name_similarity, pair_renames
    from apidrift.check.run import CheckRun, check_recordings
    from apidrift.check.shapes import FieldShape, SchemaFlattener
    from apidrift.check.validation import ResponseValidator, UndocumentedField, ValidationResult, Violation
    from apidrift.contracts.model import (
        ContractStore,
        ContractVersion,
        Operation,
        Parameter,
        RequestBody,
        ResponseSpec,
    )
    from apidrift.diff.changes import Change, ChangeKind, Severity, Side
    from apidrift.diff.engine import VersionDiff, diff_versions
    from apidrift.errors import (
        ApidriftError,
        ContractError,
        OpenAPIError,
        RecordingError,
        UnknownOperationError,
        UnknownVersionError,
    )
    from apidrift.generate.strategies import from_schema
    from apidrift.live.check import LiveCheckOptions, run_live_check
    from apidrift.live.client import LiveClient
    from apidrift.openapi.sources import import_openapi_file, resolve_version
    from apidrift.report import DriftReport, build_check_report, build_diff_report, write_reports
    from apidrift.simulator import create_app
