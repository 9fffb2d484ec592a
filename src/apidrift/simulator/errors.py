"""Errors of the simulated org: bad configuration (mix, fault plan) and documented API errors."""

from __future__ import annotations

from typing import Any

from apidrift.errors import FaultPlanError, MixError, SimulatorError

__all__ = ["ApiError", "FaultPlanError", "MixError", "SimulatorError", "bad_request", "not_found"]


class ApiError(SimulatorError):
    """An error the simulated API answers with: a status and the documented error object."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.type = type
        self.param = param
        self.code = code

    def body(self) -> dict[str, Any]:
        """The documented `ErrorResponse` body: `{"error": {"message", "type", "param", "code"}}`."""
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}


def not_found(kind: str, ident: str, param: str | None = None) -> ApiError:
    """The 404 for an id that names nothing (the message names the kind and the id, as OpenAI's do)."""
    return ApiError(404, f"No {kind} found with id '{ident}'.", param=param, code="not_found")


def bad_request(message: str, *, param: str | None = None, code: str | None = None) -> ApiError:
    return ApiError(400, message, param=param, code=code)
