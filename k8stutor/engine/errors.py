"""API errors shaped like apimachinery's ``metav1.Status`` (what the API server returns on failure)."""

from __future__ import annotations

from typing import Any


class StatusError(Exception):
    """An API call failed; ``status`` is the Kubernetes Status object a real API server would send."""

    def __init__(self, code: int, reason: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details or {}

    @property
    def status(self) -> dict[str, Any]:
        st: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if self.details:
            st["details"] = self.details
        return st

    def __repr__(self) -> str:
        return f"StatusError({self.code}, {self.reason!r}, {self.message!r})"


def _details(name: str, group: str, kind: str) -> dict[str, Any]:
    d: dict[str, Any] = {"name": name, "kind": kind}
    if group:
        d["group"] = group
    return d


def not_found(group: str, plural: str, name: str) -> StatusError:
    """``pods "x" not found`` / ``deployments.apps "x" not found``."""
    gr = f"{plural}.{group}" if group else plural
    return StatusError(404, "NotFound", f'{gr} "{name}" not found', _details(name, group, plural))


def already_exists(group: str, plural: str, name: str) -> StatusError:
    gr = f"{plural}.{group}" if group else plural
    return StatusError(409, "AlreadyExists", f'{gr} "{name}" already exists', _details(name, group, plural))


def conflict(group: str, plural: str, name: str) -> StatusError:
    """Optimistic-concurrency failure, with the real wording."""
    gr = f"{plural}.{group}" if group else plural
    msg = (
        f'Operation cannot be fulfilled on {gr} "{name}": the object has been modified; '
        "please apply your changes to the latest version and try again"
    )
    return StatusError(409, "Conflict", msg, _details(name, group, plural))


def forbidden(message: str, group: str = "", plural: str = "", name: str = "") -> StatusError:
    return StatusError(403, "Forbidden", message, _details(name, group, plural) if plural else None)


def bad_request(message: str) -> StatusError:
    return StatusError(400, "BadRequest", message)


def gone(message: str) -> StatusError:
    """Watch from a compacted resourceVersion: ``too old resource version: 5 (120)``."""
    return StatusError(410, "Expired", message)


def method_not_allowed(message: str) -> StatusError:
    return StatusError(405, "MethodNotAllowed", message)


def internal(message: str) -> StatusError:
    return StatusError(500, "InternalError", message)
