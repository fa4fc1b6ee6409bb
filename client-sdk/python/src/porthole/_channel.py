"""Connection details both clients share: the server address, per-call metadata, and stubs
that always send a given token."""

from __future__ import annotations

import collections
import urllib.parse
from collections.abc import Callable, Sequence
from typing import Any

import grpc

Metadata = Sequence[tuple[str, str | bytes]]


def resolve_target(url: str) -> tuple[str, bool]:
    """``http://host:port`` → (``host:port``, plaintext); ``https://host[:port]`` → TLS
    (port 443 by default); a bare ``host:port`` is plaintext."""
    if "://" not in url:
        return url, False
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ValueError(f"expected http://host:port, https://host[:port] or host:port, got {url!r}")
    secure = parsed.scheme == "https"
    port = parsed.port or (443 if secure else 80)
    host = f"[{parsed.hostname}]" if ":" in parsed.hostname else parsed.hostname
    return f"{host}:{port}", secure


#: Channel options set unless the caller gives their own value. Keepalive pings while calls
#: are open, so that a connection that died without a word (a NAT or proxy dropped it) fails
#: its streams within ~40 s and feeds resume on a new connection: reopening a stream on the
#: dead one would only stall again. The server's own pings cannot tell the client. In
#: grpcio 1.85 the wait for a ping's answer is ``ping_timeout_ms`` (default a minute);
#: ``keepalive_timeout_ms`` alone did not end a black-holed connection in our tests.
DEFAULT_OPTIONS: dict[str, Any] = {
    "grpc.keepalive_time_ms": 30_000,
    "grpc.keepalive_timeout_ms": 10_000,
    "grpc.http2.ping_timeout_ms": 10_000,
    "grpc.http2.max_pings_without_data": 0,
}


def with_default_options(options: Sequence[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """``options`` plus each of :data:`DEFAULT_OPTIONS` the caller did not set."""
    given = {key for key, _ in options}
    return [*options, *((k, v) for k, v in DEFAULT_OPTIONS.items() if k not in given)]


class CallDetails(
    collections.namedtuple(
        "CallDetails", ("method", "timeout", "metadata", "credentials", "wait_for_ready", "compression")
    ),
    grpc.ClientCallDetails,
):
    """A sync call's details with changed metadata or timeout."""


def with_metadata(metadata: Metadata | None, extra: Sequence[tuple[str, str]]) -> list[tuple[str, Any]]:
    """The call's metadata plus ``extra``."""
    return [*(metadata or ()), *extra]


class TokenStub:
    """A generated stub whose every call carries ``authorization: Bearer <token()>``, unless
    the caller passes its own metadata with an authorization entry. Used for visitor
    sessions, whose token is not the client's member session."""

    def __init__(self, stub: Any, metadata: Callable[[], list[tuple[str, str]]]) -> None:
        """Wraps ``stub``; ``metadata()`` is read on every call."""
        self._stub = stub
        self._metadata = metadata

    def __getattr__(self, name: str) -> Any:
        """The RPC ``name`` of the wrapped stub, with the token added."""
        return _TokenMethod(getattr(self._stub, name), self._metadata)


class _TokenMethod:
    def __init__(self, method: Any, metadata: Callable[[], list[tuple[str, str]]]) -> None:
        self._method = method
        self._metadata = metadata

    def _merge(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        given = kwargs.get("metadata") or ()
        if not any(k.lower() == "authorization" for k, _ in given):
            kwargs["metadata"] = [*given, *self._metadata()]
        return kwargs

    def __call__(self, request: Any, **kwargs: Any) -> Any:
        return self._method(request, **self._merge(kwargs))

    def with_call(self, request: Any, **kwargs: Any) -> Any:
        return self._method.with_call(request, **self._merge(kwargs))

    def future(self, request: Any, **kwargs: Any) -> Any:
        return self._method.future(request, **self._merge(kwargs))
