"""Errors of the SDK checks (defined with the rest of the hierarchy in `apidrift.errors`)."""

from __future__ import annotations

from apidrift.errors import SdkDocumentError, SdkError, SdkMappingError, SdkModuleError

__all__ = ["SdkDocumentError", "SdkError", "SdkMappingError", "SdkModuleError"]
