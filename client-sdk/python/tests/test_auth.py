"""Signing up, logging in and out, and keeping the access token fresh, against the server."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time

import grpc
import pytest
from conftest import JWT_SECRET, PASSWORD, Server, Workspace

import porthole
from porthole.v1 import auth_pb2, workspace_pb2


def expired(access_token: str) -> str:
    """The same access token with its expiry an hour ago, signed as the server signs."""
    header, payload, _ = access_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["exp"] = int(time.time()) - 3600
    claims["iat"] = claims["exp"] - 900
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    signed = f"{header}.{body}".encode()
    signature = hmac.new(JWT_SECRET.encode(), signed, hashlib.sha256).digest()
    return f"{header}.{body}." + base64.urlsafe_b64encode(signature).rstrip(b"=").decode()


def with_access_token(session: auth_pb2.Session, token: str) -> auth_pb2.Session:
    copy = auth_pb2.Session()
    copy.CopyFrom(session)
    copy.access_token = token
    return copy


def test_sign_up_log_in_and_log_out(server: Server) -> None:
    owner = porthole.Client(server.url)
    email = f"ada-{time.time_ns()}@example.com"
    signed_up = owner.sign_up(email, PASSWORD, "Ada", "Analytical Engines")
    assert signed_up.role == workspace_pb2.ROLE_OWNER
    assert signed_up.workspace.name == "Analytical Engines"

    with porthole.Client(server.url) as client:
        session = client.log_in(email.upper(), PASSWORD)
        assert client.session == session
        assert session.user.email == email
        assert session.workspace.id == signed_up.workspace.id
        me = client.auth.GetMe(auth_pb2.GetMeRequest())
        assert me.user.id == signed_up.user.id

        client.log_out()
        assert client.session is None
        with pytest.raises(porthole.PortholeError) as refused:
            client.auth.GetMe(auth_pb2.GetMeRequest())
        assert refused.value.code == grpc.StatusCode.UNAUTHENTICATED

        # The session ended on the server: its tokens no longer work, and the client
        # does not keep a session it could not refresh.
        client.use_session(session)
        with pytest.raises(porthole.PortholeError) as ended:
            client.auth.GetMe(auth_pb2.GetMeRequest())
        assert ended.value.code == grpc.StatusCode.UNAUTHENTICATED
        assert client.session is None
        client.log_out()  # harmless when signed out
    owner.close()


def test_wrong_password_is_unauthenticated(workspace: Workspace, server: Server) -> None:
    with porthole.Client(server.url) as client:
        with pytest.raises(porthole.PortholeError) as refused:
            client.log_in(workspace.email, "not the password")
        assert refused.value.code == grpc.StatusCode.UNAUTHENTICATED
        assert refused.value.field_violations == ()
        assert client.session is None


def test_an_expired_access_token_is_refreshed_and_the_call_retried(workspace: Workspace, server: Server) -> None:
    sessions: list[auth_pb2.Session | None] = []
    with porthole.Client(server.url, on_session=sessions.append) as client:
        session = client.log_in(workspace.email, PASSWORD)
        stale = with_access_token(session, expired(session.access_token))
        client.use_session(stale)
        # The client still believes the token good (its expire time says so); the server
        # refuses it, the client refreshes and retries, the caller sees only the answer.
        me = client.auth.GetMe(auth_pb2.GetMeRequest())
        assert me.user.email == workspace.email
        assert client.session is not None
        assert client.session.access_token != stale.access_token
        assert client.session.refresh_token != session.refresh_token
        assert sessions[-1] == client.session

    # The refresh token was spent by the refresh: it cannot be used again.
    with porthole.Client(server.url) as other:
        with pytest.raises(porthole.PortholeError) as spent:
            other.resume(session.refresh_token)
        assert spent.value.code == grpc.StatusCode.UNAUTHENTICATED


def test_a_token_about_to_expire_is_refreshed_before_the_call(workspace: Workspace, server: Server) -> None:
    skew = [0.0]
    with porthole.Client(server.url, clock=lambda: time.time() + skew[0]) as client:
        first = client.log_in(workspace.email, PASSWORD)
        client.workspace.GetWorkspace(workspace_pb2.GetWorkspaceRequest())
        assert client.session == first  # far from expiry: no refresh

        skew[0] = first.access_token_expire_time.seconds - time.time() - 5  # 5 s left
        client.workspace.GetWorkspace(workspace_pb2.GetWorkspaceRequest())
        assert client.session is not None
        assert client.session.refresh_token != first.refresh_token


def test_concurrent_calls_refresh_once(workspace: Workspace, server: Server) -> None:
    """Refresh tokens rotate and a reused one revokes the session, so calls that find the
    token refused at the same time must refresh it only once between them."""
    sessions: list[auth_pb2.Session | None] = []
    with porthole.Client(server.url, on_session=sessions.append) as client:
        session = client.log_in(workspace.email, PASSWORD)
        client.use_session(with_access_token(session, expired(session.access_token)))
        sessions.clear()
        errors: list[BaseException] = []
        start = threading.Barrier(8)

        def call() -> None:
            start.wait()
            try:
                client.auth.GetMe(auth_pb2.GetMeRequest())
            except BaseException as e:  # reported below
                errors.append(e)

        threads = [threading.Thread(target=call) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert len(sessions) == 1
        # The session survived (a reused refresh token would have revoked it).
        client.refresh()
        assert client.auth.GetMe(auth_pb2.GetMeRequest()).user.email == workspace.email


def test_resume_with_a_stored_refresh_token(workspace: Workspace, server: Server) -> None:
    stored: list[str] = []

    def keep(session: auth_pb2.Session | None) -> None:
        if session is not None:
            stored.append(session.refresh_token)

    with porthole.Client(server.url, on_session=keep) as first:
        first.log_in(workspace.email, PASSWORD)
    with porthole.Client(server.url) as restarted:
        restarted.resume(stored[-1])
        assert restarted.auth.GetMe(auth_pb2.GetMeRequest()).user.email == workspace.email
