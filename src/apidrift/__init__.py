"""apidrift: contract and schema-drift testing for the OpenAI Admin API.

The public API is listed in `__all__`; names are imported on first use, so that `import apidrift`
(and the pytest plugin, which every pytest run in an environment with apidrift loads) stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> the module that defines it
_EXPORTS = {
    "ApidriftError": "errors",
    "ContractError": "errors",
    "OpenAPIError": "errors",
    "RecordingError": "errors",
    "UnknownOperationError": "errors",
    "UnknownVersionError": "errors",
    "ContractStore": "contracts",
    "ContractVersion": "contracts",
    "Operation": "contracts",
    "Parameter": "contracts",
    "RequestBody": "contracts",
    "ResponseSpec": "contracts",
    "Recording": "recordings",
    "Provenance": "recordings",
    "load_recordings": "recordings",
    "FieldShape": "shapes",
    "SchemaFlattener": "shapes",
    "ResponseValidator": "validation",
    "ValidationResult": "validation",
    "Violation": "validation",
    "UndocumentedField": "validation",
    "Fingerprint": "fingerprint",
    "VersionScore": "fingerprint",
    "fingerprint": "fingerprint",
    "RenamePair": "renames",
    "name_similarity": "renames",
    "pair_renames": "renames",
    "CheckRun": "check",
    "CheckedResponse": "check",
    "check_recordings": "check",
    "Change": "changes",
    "ChangeKind": "changes",
    "Severity": "changes",
    "Side": "changes",
    "VersionDiff": "diff",
    "diff_versions": "diff",
    "resolve_version": "sources",
    "import_openapi_file": "sources",
    "DriftReport": "report",
    "build_check_report": "report",
    "build_diff_report": "report",
    "write_reports": "report",
    "LiveClient": "live",
    "LiveCheckOptions": "live_check",
    "run_live_check": "live_check",
    "create_app": "simulator",
    "from_schema": "strategies",
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
    from apidrift.changes import Change, ChangeKind, Severity, Side
    from apidrift.check import CheckedResponse, CheckRun, check_recordings
    from apidrift.contracts import (
        ContractStore,
        ContractVersion,
        Operation,
        Parameter,
        RequestBody,
        ResponseSpec,
    )
    from apidrift.diff import VersionDiff, diff_versions
    from apidrift.errors import (
        ApidriftError,
        ContractError,
        OpenAPIError,
        RecordingError,
        UnknownOperationError,
        UnknownVersionError,
    )
    from apidrift.fingerprint import Fingerprint, VersionScore, fingerprint
    from apidrift.live import LiveClient
    from apidrift.live_check import LiveCheckOptions, run_live_check
    from apidrift.recordings import Provenance, Recording, load_recordings
    from apidrift.renames import RenamePair, name_similarity, pair_renames
    from apidrift.report import DriftReport, build_check_report, build_diff_report, write_reports
    from apidrift.shapes import FieldShape, SchemaFlattener
    from apidrift.simulator import create_app
    from apidrift.sources import import_openapi_file, resolve_version
    from apidrift.strategies import from_schema
    from apidrift.validation import ResponseValidator, UndocumentedField, ValidationResult, Violation
