"""Failed calls as one exception type, with the server's field violations and retry hint."""

from __future__ import annotations

import dataclasses
from typing import Any

import grpc
from google.rpc import status_pb2

from porthole.v1 import errors_pb2

_DETAILS_KEY = "grpc-status-details-bin"
_RETRY_AFTER_KEY = "retry-after"


@dataclasses.dataclass(frozen=True)
class FieldViolation:
    """One request field the server rejected.

    Attributes:
        field: The field's dotted path from the request message
            (``settings.appearance.primary_color``, ``email``).
        description: What is wrong with it, in words a person can act on.
    """

    field: str
    description: str


class PortholeError(Exception):
    """A call to the server that failed.

    Every call made through :class:`porthole.Client` or :class:`porthole.AsyncClient`
    (their helpers and their raw stubs alike) raises this instead of ``grpc.RpcError``;
    the original gRPC error is kept as ``__cause__``.

    Attributes:
        code: The gRPC status code (``grpc.StatusCode.INVALID_ARGUMENT``, …). Each RPC's
            proto comment lists the codes it answers.
        message: The server's message; it always states in words what the details say.
        field_violations: With INVALID_ARGUMENT, every rejected field in the order the
            server checked them (from the ``porthole.v1.BadRequest`` detail of the
            ``grpc-status-details-bin`` trailer); empty otherwise.
        retry_after: Seconds to wait before trying again, when the server said so
            (RESOURCE_EXHAUSTED and UNAVAILABLE with ``retry-after`` metadata); else None.
    """

    def __init__(
        self,
        code: grpc.StatusCode,
        message: str,
        field_violations: tuple[FieldViolation, ...] | list[FieldViolation] = (),
        retry_after: float | None = None,
    ) -> None:
        """Makes an error; clients build them with :meth:`from_rpc_error`."""
        super().__init__(f"{code.name}: {message}")
        self.code = code
        self.message = message
        self.field_violations = tuple(field_violations)
        self.retry_after = retry_after

    @classmethod
    def from_rpc_error(cls, error: grpc.RpcError) -> PortholeError:
        """Reads code, message, field violations and retry hint from a gRPC error.

        Accepts the errors of both ``grpc`` (sync) and ``grpc.aio``; anything that carries
        no status becomes UNKNOWN with its text as the message.
        """
        code = _call_or_none(error, "code") or grpc.StatusCode.UNKNOWN
        message = _call_or_none(error, "details") or str(error)
        trailers = _call_or_none(error, "trailing_metadata") or ()
        violations: list[FieldViolation] = []
        retry_after: float | None = None
        for key, value in trailers:
            if key == _DETAILS_KEY and isinstance(value, bytes):
                violations.extend(_field_violations(value))
            elif key == _RETRY_AFTER_KEY:
                try:
                    retry_after = float(value)
                except (TypeError, ValueError):
                    pass
        return cls(code, message, violations, retry_after)

    def violations_by_field(self) -> dict[str, str]:
        """The field violations keyed by field path (the first description of each wins),
        handy for showing a message under each form input."""
        by_field: dict[str, str] = {}
        for violation in self.field_violations:
            by_field.setdefault(violation.field, violation.description)
        return by_field

    def __repr__(self) -> str:
        """Shows the code, the message and the rejected fields."""
        fields = ", ".join(v.field for v in self.field_violations)
        return f"PortholeError({self.code.name}, {self.message!r}{', fields: ' + fields if fields else ''})"

    def __reduce__(self) -> tuple[Any, ...]:
        """Lets the error cross process boundaries (multiprocessing, pickling)."""
        return (type(self), (self.code, self.message, self.field_violations, self.retry_after))


def _call_or_none(error: Any, name: str) -> Any:
    method = getattr(error, name, None)
    if not callable(method):
        return None
    try:
        return method()
    except Exception:  # a Call that never started has no status to read
        return None


def _field_violations(details: bytes) -> list[FieldViolation]:
    """The BadRequest violations inside an encoded ``google.rpc.Status``; [] if none parse."""
    try:
        status = status_pb2.Status.FromString(details)
    except Exception:  # a malformed trailer must not hide the error it came with
        return []
    found: list[FieldViolation] = []
    for detail in status.details:
        if detail.Is(errors_pb2.BadRequest.DESCRIPTOR):
            bad_request = errors_pb2.BadRequest()
            detail.Unpack(bad_request)
            found.extend(FieldViolation(v.field, v.description) for v in bad_request.field_violations)
    return found
