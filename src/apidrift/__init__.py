"""apidrift: contract and schema-drift testing for the OpenAI Admin API."""

from __future__ import annotations

__version__ = "0.1.0"

from apidrift.check import CheckedResponse, CheckRun, check_recordings
from apidrift.contracts import ContractStore, ContractVersion, Operation, Parameter, RequestBody, ResponseSpec
from apidrift.errors import (
    ApidriftError,
    ContractError,
    OpenAPIError,
    RecordingError,
    UnknownOperationError,
    UnknownVersionError,
)
from apidrift.fingerprint import Fingerprint, VersionScore, fingerprint
from apidrift.recordings import Provenance, Recording, load_recordings
from apidrift.renames import RenamePair, name_similarity, pair_renames
from apidrift.shapes import FieldShape, SchemaFlattener
from apidrift.validation import ResponseValidator, UndocumentedField, ValidationResult, Violation

__all__ = [
    "ApidriftError",
    "CheckRun",
    "CheckedResponse",
    "ContractError",
    "ContractStore",
    "ContractVersion",
    "FieldShape",
    "Fingerprint",
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
    "UndocumentedField",
    "UnknownOperationError",
    "UnknownVersionError",
    "ValidationResult",
    "VersionScore",
    "Violation",
    "__version__",
    "check_recordings",
    "fingerprint",
    "load_recordings",
    "name_similarity",
    "pair_renames",
]
