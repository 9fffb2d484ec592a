"""Errors of the SDK checks: bad documents, missing SDK modules, broken model mappings."""

from __future__ import annotations

from apidrift.errors import ApidriftError


class SdkDocumentError(ApidriftError):
    """An SDK reference document that cannot be read or in which no operation is recognised."""


class SdkModuleError(ApidriftError):
    """An SDK package that is not installed or cannot be imported."""


class SdkMappingError(ApidriftError):
    """An operation → model mapping that is missing, malformed, or names a model that does not exist."""
