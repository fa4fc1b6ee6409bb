"""The member's session as both clients keep it: which token calls carry, and when to refresh.

The locking differs (a thread lock for :class:`porthole.Client`, an asyncio lock for
:class:`porthole.AsyncClient`), the rules do not, so they live here.

**Invariant:** a refresh token is presented at most once. Refresh tokens rotate on every
use and the server revokes the whole session when a spent one comes back, so each client
serialises its refreshes and one that finds the token already replaced by another caller
uses the new one instead of refreshing again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import grpc

from porthole._errors import PortholeError
from porthole.v1 import auth_pb2

#: AuthService methods that start or end sessions: they never carry the access token and
#: never trigger a refresh (RefreshSession itself is among them).
SESSIONLESS_METHODS = frozenset(
    f"/porthole.v1.AuthService/{name}"
    for name in (
        "SignUp",
        "GetSignUpPolicy",
        "LogIn",
        "RefreshSession",
        "LogOut",
        "AcceptInvite",
        "RequestPasswordReset",
        "ResetPassword",
    )
)

#: The metadata key access and visitor tokens travel in.
AUTHORIZATION = "authorization"


def bearer(token: str) -> tuple[str, str]:
    """The metadata entry that sends ``token``."""
    return (AUTHORIZATION, f"Bearer {token}")


def has_authorization(metadata: Sequence[tuple[str, str | bytes]] | None) -> bool:
    """Whether the caller already put credentials on a call (e.g. a visitor token)."""
    return any(key.lower() == AUTHORIZATION for key, _ in (metadata or ()))


def method_name(method: str | bytes) -> str:
    """The full method path as text (grpc.aio hands it over as bytes)."""
    return method.decode() if isinstance(method, bytes) else method


class SessionState:
    """The latest :class:`porthole.v1.auth_pb2.Session` and what follows from it."""

    def __init__(
        self,
        clock: Callable[[], float],
        refresh_margin: float,
        on_session: Callable[[auth_pb2.Session | None], object] | None,
    ) -> None:
        """Starts without a session; ``clock`` gives Unix seconds."""
        self._clock = clock
        self._margin = refresh_margin
        self._on_session = on_session
        self.session: auth_pb2.Session | None = None

    def set(self, session: auth_pb2.Session | None) -> None:
        """Adopts a new session (or none) and tells the owner's ``on_session`` hook."""
        self.session = session
        if self._on_session is not None:
            self._on_session(session)

    @property
    def access_token(self) -> str | None:
        """The access token calls carry now; None without a session."""
        return self.session.access_token if self.session else None

    @property
    def refresh_token(self) -> str | None:
        """The refresh token the next refresh presents; None without a session."""
        return self.session.refresh_token if self.session and self.session.refresh_token else None

    def needs_refresh(self) -> bool:
        """Whether the access token expires within the margin (by this machine's clock; a
        skewed clock only costs an early refresh or one UNAUTHENTICATED answer)."""
        if self.session is None or not self.refresh_token:
            return False
        if not self.session.HasField("access_token_expire_time"):
            return False
        expires = self.session.access_token_expire_time.ToNanoseconds() / 1e9
        return expires - self._clock() < self._margin


def refresh_request(state: SessionState) -> auth_pb2.RefreshSessionRequest:
    """The RefreshSession request for the current session, or UNAUTHENTICATED when there
    is nothing to refresh (never logged in, logged out, or the session ended)."""
    token = state.refresh_token
    if token is None:
        raise PortholeError(grpc.StatusCode.UNAUTHENTICATED, "no session: log in first")
    return auth_pb2.RefreshSessionRequest(refresh_token=token)


def session_ended(error: BaseException) -> bool:
    """Whether a failed refresh means the session is gone for good (log in again), rather
    than a server that could not be reached."""
    return isinstance(error, PortholeError) and error.code in (
        grpc.StatusCode.UNAUTHENTICATED,
        grpc.StatusCode.INVALID_ARGUMENT,
    )
