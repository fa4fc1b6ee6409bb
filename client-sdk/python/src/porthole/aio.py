"""The asyncio client: :class:`AsyncClient` and :class:`AsyncVisitorSession`, the same API
as :mod:`porthole.client` over one ``grpc.aio`` channel, with coroutines and async feeds."""

from __future__ import annotations

import asyncio
import time
import uuid
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, cast

import grpc
import grpc.aio

from porthole import _channel, _session
from porthole._errors import PortholeError
from porthole._feed import IDLE_TIMEOUT, AsyncFeed, FeedStatus
from porthole._session import SessionState
from porthole.client import SEND_RETRY_CODES
from porthole.v1 import (
    auth_pb2,
    auth_pb2_grpc,
    canned_pb2_grpc,
    chat_pb2,
    conversation_pb2,
    conversation_pb2_grpc,
    notification_pb2_grpc,
    report_pb2_grpc,
    visitor_pb2,
    visitor_pb2_grpc,
    webhook_pb2_grpc,
    widget_pb2_grpc,
    workspace_pb2_grpc,
)


class AsyncClient:
    """A connection to a Porthole server for asyncio code; see :class:`porthole.Client`,
    whose methods these are, as coroutines. The raw stubs are ``grpc.aio`` stubs: await
    unary calls, ``async for`` over streams.

    Example::

        async with porthole.AsyncClient("http://127.0.0.1:8080") as client:
            await client.log_in("ada@example.com", "correct horse battery")
            async for event in client.watch_workspace():
                print(event)

    Create it inside a running event loop and use it from that loop only.
    """

    def __init__(
        self,
        url: str,
        *,
        credentials: grpc.ChannelCredentials | None = None,
        options: Sequence[tuple[str, Any]] = (),
        timeout: float | None = 30.0,
        refresh_margin: float = 30.0,
        on_session: Callable[[auth_pb2.Session | None], object] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Opens a channel (lazily); the arguments are those of :class:`porthole.Client`."""
        target, secure = _channel.resolve_target(url)
        if credentials is None and secure:
            credentials = grpc.ssl_channel_credentials()
        interceptors = [_AsyncUnaryInterceptor(self), _AsyncStreamInterceptor(self)]
        options = _channel.with_default_options(options)
        self._channel = (
            grpc.aio.secure_channel(target, credentials, options, interceptors=interceptors)
            if credentials is not None
            else grpc.aio.insecure_channel(target, options, interceptors=interceptors)
        )
        self._timeout = timeout
        self._feeds: weakref.WeakSet[Any] = weakref.WeakSet()
        self._state = SessionState(clock, refresh_margin, on_session)
        self._refresh_lock = asyncio.Lock()
        self._auth = auth_pb2_grpc.AuthServiceStub(self._channel)
        self._workspace = workspace_pb2_grpc.WorkspaceServiceStub(self._channel)
        self._widgets = widget_pb2_grpc.WidgetServiceStub(self._channel)
        self._conversations = conversation_pb2_grpc.ConversationServiceStub(self._channel)
        self._visitor = visitor_pb2_grpc.VisitorServiceStub(self._channel)
        self._canned = canned_pb2_grpc.CannedResponseServiceStub(self._channel)
        self._webhooks = webhook_pb2_grpc.WebhookServiceStub(self._channel)
        self._notifications = notification_pb2_grpc.NotificationServiceStub(self._channel)
        self._reports = report_pb2_grpc.ReportServiceStub(self._channel)

    # -- raw stubs ---------------------------------------------------------------------

    @property
    def channel(self) -> grpc.aio.Channel:
        """The channel every stub uses (token, refresh and error mapping included)."""
        return self._channel

    @property
    def auth(self) -> auth_pb2_grpc.AuthServiceStub:
        """AuthService: accounts and sessions (GetMe, UpdateMe, …)."""
        return self._auth

    @property
    def workspace(self) -> workspace_pb2_grpc.WorkspaceServiceStub:
        """WorkspaceService: the workspace, members, invites, status."""
        return self._workspace

    @property
    def widgets(self) -> widget_pb2_grpc.WidgetServiceStub:
        """WidgetService: the workspace's chat widgets."""
        return self._widgets

    @property
    def conversations(self) -> conversation_pb2_grpc.ConversationServiceStub:
        """ConversationService: conversations, messages and the workspace feed."""
        return self._conversations

    @property
    def visitor(self) -> visitor_pb2_grpc.VisitorServiceStub:
        """VisitorService without a visitor token (GetWidgetConfig, StartSession)."""
        return self._visitor

    @property
    def canned(self) -> canned_pb2_grpc.CannedResponseServiceStub:
        """CannedResponseService: saved replies."""
        return self._canned

    @property
    def webhooks(self) -> webhook_pb2_grpc.WebhookServiceStub:
        """WebhookService: outgoing webhooks and their deliveries."""
        return self._webhooks

    @property
    def notifications(self) -> notification_pb2_grpc.NotificationServiceStub:
        """NotificationService: e-mail and push settings."""
        return self._notifications

    @property
    def reports(self) -> report_pb2_grpc.ReportServiceStub:
        """ReportService: reports of a range of days, their conversations, live figures."""
        return self._reports

    # -- session -----------------------------------------------------------------------

    @property
    def session(self) -> auth_pb2.Session | None:
        """The current member session; None when signed out or ended by the server."""
        return self._state.session

    async def sign_up(self, email: str, password: str, display_name: str, workspace_name: str) -> auth_pb2.Session:
        """Creates a workspace and its owner account, and signs in as that owner."""
        request = auth_pb2.SignUpRequest(
            email=email, password=password, display_name=display_name, workspace_name=workspace_name
        )
        return self._adopt((await self._auth.SignUp(request)).session)

    async def log_in(self, email: str, password: str, workspace_id: str = "") -> auth_pb2.Session:
        """Signs in with e-mail and password and keeps the session for later calls."""
        request = auth_pb2.LogInRequest(email=email, password=password, workspace_id=workspace_id)
        return self._adopt((await self._auth.LogIn(request)).session)

    async def accept_invite(self, invite_token: str, password: str, display_name: str = "") -> auth_pb2.Session:
        """Accepts an invitation and signs in to the inviting workspace."""
        request = auth_pb2.AcceptInviteRequest(invite_token=invite_token, password=password, display_name=display_name)
        return self._adopt((await self._auth.AcceptInvite(request)).session)

    async def resume(self, refresh_token: str) -> auth_pb2.Session:
        """Signs in with a refresh token stored earlier; it is spent and a new one issued."""
        request = auth_pb2.RefreshSessionRequest(refresh_token=refresh_token)
        async with self._refresh_lock:
            return self._adopt((await self._auth.RefreshSession(request)).session)

    async def use_session(self, session: auth_pb2.Session | None) -> None:
        """Adopts a session obtained elsewhere (or drops the current one with None)."""
        async with self._refresh_lock:
            self._state.set(session)

    async def refresh(self) -> auth_pb2.Session:
        """Exchanges the refresh token for new tokens now; UNAUTHENTICATED (and the
        session forgotten) when the server has ended it."""
        async with self._refresh_lock:
            return await self._refresh_locked()

    async def log_out(self) -> None:
        """Ends the session on the server and forgets it; harmless when signed out."""
        async with self._refresh_lock:
            token = self._state.refresh_token
            if token is not None:
                await self._auth.LogOut(auth_pb2.LogOutRequest(refresh_token=token))
            self._state.set(None)

    # -- agents ------------------------------------------------------------------------

    async def send(
        self,
        conversation_id: str,
        body: str,
        *,
        internal: bool = False,
        sender_type: chat_pb2.SenderType = chat_pb2.SENDER_TYPE_UNSPECIFIED,
        client_key: str | None = None,
        attachment_ids: Sequence[str] = (),
        retries: int = 2,
    ) -> chat_pb2.Message:
        """Writes a reply or internal note and returns the stored message; the arguments
        are those of :meth:`porthole.Client.send`."""
        request = conversation_pb2.SendConversationMessageRequest(
            conversation_id=conversation_id,
            body=body,
            internal=internal,
            client_key=client_key or uuid.uuid4().hex,
            attachment_ids=list(attachment_ids),
            sender_type=sender_type,
        )

        async def attempt() -> chat_pb2.Message:
            return (await self._conversations.SendConversationMessage(request)).message

        return await _with_retries(attempt, retries)

    def watch_workspace(
        self,
        *,
        cursor: str = "",
        on_reset: Callable[[], object | Awaitable[object]] | None = None,
        on_status: Callable[[FeedStatus], object | Awaitable[object]] | None = None,
        heartbeats: bool = False,
        idle_timeout: float | None = IDLE_TIMEOUT,
    ) -> AsyncFeed[conversation_pb2.WatchWorkspaceResponse]:
        """Everything that happens in the workspace, as an async feed that stays open:
        ``async for event in client.watch_workspace(): …``; the rules of
        :meth:`porthole.Client.watch_workspace`."""

        def open_stream(position: str) -> Any:
            return self._conversations.WatchWorkspace(conversation_pb2.WatchWorkspaceRequest(cursor=position))

        feed = AsyncFeed(
            open_stream,
            cursor=cursor,
            on_reset=on_reset,
            on_status=on_status,
            heartbeats=heartbeats,
            idle_timeout=idle_timeout,
            refresh=self.refresh,
        )
        self._feeds.add(feed)
        return feed

    # -- visitors ----------------------------------------------------------------------

    async def start_session(
        self,
        widget_token: str,
        *,
        visitor_token: str = "",
        language: str = "",
        time_zone: str = "",
    ) -> AsyncVisitorSession:
        """Starts (or with ``visitor_token`` resumes) a website visitor's session on the
        widget with this public token."""
        request = visitor_pb2.StartSessionRequest(
            widget_token=widget_token, visitor_token=visitor_token, language=language, time_zone=time_zone
        )
        return AsyncVisitorSession(self, await self._visitor.StartSession(request))

    # -- lifecycle ---------------------------------------------------------------------

    async def close(self) -> None:
        """Closes the connection; open feeds end (their loops stop)."""
        for feed in list(self._feeds):
            feed.close()
        await self._channel.close()

    async def __aenter__(self) -> AsyncClient:
        """``async with AsyncClient(url) as client:`` closes the client on the way out."""
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Closes the client."""
        await self.close()

    # -- token plumbing (used by the interceptor) ---------------------------------------

    def _adopt(self, session: auth_pb2.Session) -> auth_pb2.Session:
        self._state.set(session)
        return session

    async def _refresh_locked(self) -> auth_pb2.Session:
        request = _session.refresh_request(self._state)
        try:
            return self._adopt((await self._auth.RefreshSession(request)).session)
        except PortholeError as e:
            if _session.session_ended(e):
                self._state.set(None)
            raise

    async def _access_token(self) -> str | None:
        if self._state.needs_refresh():
            async with self._refresh_lock:
                if self._state.needs_refresh():
                    try:
                        await self._refresh_locked()
                    except PortholeError as e:
                        if _session.session_ended(e):
                            raise
        return self._state.access_token

    async def _refresh_after_rejection(self, rejected: str) -> bool:
        async with self._refresh_lock:
            current = self._state.access_token
            if current is not None and current != rejected:
                return True
            if self._state.refresh_token is None:
                return False
            try:
                await self._refresh_locked()
            except PortholeError:
                return False
            return True


class AsyncVisitorSession:
    """A website visitor's session for asyncio code; see :class:`porthole.VisitorSession`.
    Made by :meth:`AsyncClient.start_session`."""

    def __init__(self, client: AsyncClient, started: visitor_pb2.StartSessionResponse) -> None:
        """Wraps a StartSession answer; use :meth:`AsyncClient.start_session`."""
        self._client = client
        #: The visitor token every call of this session sends.
        self.token: str = started.visitor_token
        #: The visitor as the server knows them.
        self.visitor: visitor_pb2.Visitor = started.visitor
        self._stub = cast(
            visitor_pb2_grpc.VisitorServiceStub, _channel.TokenStub(client.visitor, self._metadata)
        )

    @property
    def stub(self) -> visitor_pb2_grpc.VisitorServiceStub:
        """VisitorService (``grpc.aio``) with this visitor's token on every call."""
        return self._stub

    async def start_conversation(
        self, *, source_url: str = "", source_title: str = "", start_new: bool = False
    ) -> visitor_pb2.VisitorConversation:
        """Starts a conversation, or continues the visitor's open one."""
        request = visitor_pb2.StartConversationRequest(
            source_url=source_url, source_title=source_title, start_new=start_new
        )
        return (await self._stub.StartConversation(request)).conversation

    async def send(
        self,
        conversation_id: str,
        body: str,
        *,
        client_key: str | None = None,
        attachment_ids: Sequence[str] = (),
        retries: int = 2,
    ) -> chat_pb2.Message:
        """Writes the visitor's message and returns it as stored."""
        request = visitor_pb2.SendMessageRequest(
            conversation_id=conversation_id,
            body=body,
            client_key=client_key or uuid.uuid4().hex,
            attachment_ids=list(attachment_ids),
        )

        async def attempt() -> chat_pb2.Message:
            return (await self._stub.SendMessage(request)).message

        return await _with_retries(attempt, retries)

    def watch(
        self,
        *,
        cursor: str = "",
        on_reset: Callable[[], object | Awaitable[object]] | None = None,
        on_status: Callable[[FeedStatus], object | Awaitable[object]] | None = None,
        heartbeats: bool = False,
        idle_timeout: float | None = IDLE_TIMEOUT,
    ) -> AsyncFeed[visitor_pb2.WatchVisitorFeedResponse]:
        """The visitor's conversations live, as an async feed that stays open; the rules
        of :meth:`porthole.VisitorSession.watch`."""

        def open_stream(position: str) -> Any:
            return self._stub.WatchVisitorFeed(visitor_pb2.WatchVisitorFeedRequest(cursor=position))

        feed = AsyncFeed(
            open_stream,
            cursor=cursor,
            on_reset=on_reset,
            on_status=on_status,
            heartbeats=heartbeats,
            idle_timeout=idle_timeout,
        )
        self._client._feeds.add(feed)
        return feed

    def _metadata(self) -> list[tuple[str, str]]:
        return [_session.bearer(self.token)]


async def _with_retries(call: Callable[[], Awaitable[chat_pb2.Message]], retries: int) -> chat_pb2.Message:
    attempt = 0
    while True:
        try:
            return await call()
        except PortholeError as e:
            if e.code not in SEND_RETRY_CODES or attempt >= retries:
                raise
            await asyncio.sleep(max(e.retry_after or 0.0, 0.2 * 2**attempt))
            attempt += 1


async def _prepare(client: AsyncClient, details: grpc.aio.ClientCallDetails, unary: bool) -> tuple[Any, str | None]:
    """The call's details with the member's token (refreshed first when due) and, for unary
    calls, the default deadline; and the token added, if any."""
    metadata = list(details.metadata or ())
    token: str | None = None
    if _session.method_name(details.method) not in _session.SESSIONLESS_METHODS and not _session.has_authorization(
        metadata
    ):
        token = await client._access_token()
        if token is not None:
            metadata.append(_session.bearer(token))
    timeout = details.timeout
    if unary and timeout is None:
        timeout = client._timeout
    prepared = grpc.aio.ClientCallDetails(
        details.method, timeout, grpc.aio.Metadata(*metadata), details.credentials, details.wait_for_ready
    )
    return prepared, token


# grpc.aio files an interceptor under the first kind it implements only, so each kind of
# call has its own class.
class _AsyncUnaryInterceptor(grpc.aio.UnaryUnaryClientInterceptor):
    """The asyncio twin of ``porthole.client._Interceptor`` for unary calls."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def intercept_unary_unary(self, continuation: Any, client_call_details: Any, request: Any) -> Any:
        """Runs a unary call with the token; refreshes and retries once when refused."""
        details, token = await _prepare(self._client, client_call_details, unary=True)
        call = await continuation(details, request)
        try:
            await call
            return call
        except grpc.aio.AioRpcError as e:
            if not (
                token is not None
                and e.code() == grpc.StatusCode.UNAUTHENTICATED
                and await self._client._refresh_after_rejection(token)
            ):
                raise PortholeError.from_rpc_error(e) from e
        details, _ = await _prepare(self._client, client_call_details, unary=True)
        call = await continuation(details, request)
        try:
            await call
            return call
        except grpc.aio.AioRpcError as e:
            raise PortholeError.from_rpc_error(e) from e


class _AsyncStreamInterceptor(grpc.aio.UnaryStreamClientInterceptor):
    """The asyncio twin of ``porthole.client._Interceptor`` for server streams."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def intercept_unary_stream(self, continuation: Any, client_call_details: Any, request: Any) -> Any:
        """Opens a server stream with the token; its errors become PortholeError."""
        details, _ = await _prepare(self._client, client_call_details, unary=False)
        call = await continuation(details, request)
        return _mapped_stream(call)


async def _mapped_stream(call: Any) -> AsyncIterator[Any]:
    try:
        async for item in call:
            yield item
    except grpc.aio.AioRpcError as e:
        raise PortholeError.from_rpc_error(e) from e
