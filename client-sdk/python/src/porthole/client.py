"""The blocking client: :class:`Client` for members (agents, bots, integrations) and
:class:`VisitorSession` for a website visitor, over one ``grpc`` channel."""

from __future__ import annotations

import threading
import time
import uuid
import weakref
from collections.abc import Callable, Iterator, Sequence
from typing import Any, cast

import grpc

from porthole import _channel, _session
from porthole._errors import PortholeError
from porthole._feed import IDLE_TIMEOUT, Feed, FeedStatus
from porthole._session import SessionState
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

#: Codes after which :meth:`Client.send` and :meth:`VisitorSession.send` try again with the
#: same ``client_key`` (so the server stores the message once, however often it arrives).
SEND_RETRY_CODES = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED})


class Client:
    """A connection to a Porthole server.

    As a member: :meth:`log_in` (or :meth:`sign_up`, :meth:`accept_invite`,
    :meth:`resume`), then :meth:`send` replies and :meth:`watch_workspace`; every call,
    the raw stubs' included, carries the access token, which is refreshed shortly before
    it expires and once more when the server answers UNAUTHENTICATED. As a visitor's
    entry: :meth:`start_session` with a widget's public token.

    Every failed call raises :class:`porthole.PortholeError`. The client is safe to share
    between threads; close it (or use ``with``) to release the connection.

    Example::

        with porthole.Client("http://127.0.0.1:8080") as client:
            client.log_in("ada@example.com", "correct horse battery")
            for event in client.watch_workspace():
                print(event)
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
        """Opens a channel (lazily: nothing connects before the first call).

        Args:
            url: ``http://host:port`` (plaintext), ``https://host[:port]`` (TLS with the
                system's roots) or a bare ``host:port`` (plaintext).
            credentials: Channel credentials to use instead (e.g. a private CA).
            options: gRPC channel options, passed on.
            timeout: Default deadline in seconds of unary calls that set none (feeds have
                none); None for no deadline.
            refresh_margin: Refresh the access token this many seconds before it expires.
            on_session: Called with every new session (log in, each refresh) and with
                None when it ends, e.g. to store the rotating refresh token.
            clock: Unix time in seconds, to judge expiry (tests move it).
        """
        target, secure = _channel.resolve_target(url)
        if credentials is None and secure:
            credentials = grpc.ssl_channel_credentials()
        options = _channel.with_default_options(options)
        self._base = (
            grpc.secure_channel(target, credentials, options)
            if credentials is not None
            else grpc.insecure_channel(target, options)
        )
        self._channel = grpc.intercept_channel(self._base, _Interceptor(self))
        self._timeout = timeout
        self._feeds: weakref.WeakSet[Any] = weakref.WeakSet()
        self._state = SessionState(clock, refresh_margin, on_session)
        self._refresh_lock = threading.Lock()
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
    def channel(self) -> grpc.Channel:
        """The channel every stub uses (token, refresh and error mapping included), for
        stubs of other services such as ``grpc.health.v1``."""
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
        """VisitorService without a visitor token (GetWidgetConfig, StartSession); a
        :class:`VisitorSession`'s :attr:`~VisitorSession.stub` sends its token."""
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
        """The current member session (user, workspace, role, tokens); None when signed
        out or after the server ended the session."""
        return self._state.session

    def sign_up(self, email: str, password: str, display_name: str, workspace_name: str) -> auth_pb2.Session:
        """Creates a workspace and its owner account, and signs in as that owner."""
        request = auth_pb2.SignUpRequest(
            email=email, password=password, display_name=display_name, workspace_name=workspace_name
        )
        return self._adopt(self._auth.SignUp(request).session)

    def log_in(self, email: str, password: str, workspace_id: str = "") -> auth_pb2.Session:
        """Signs in with e-mail and password (into the oldest membership unless
        ``workspace_id`` names another) and keeps the session for later calls."""
        request = auth_pb2.LogInRequest(email=email, password=password, workspace_id=workspace_id)
        return self._adopt(self._auth.LogIn(request).session)

    def accept_invite(self, invite_token: str, password: str, display_name: str = "") -> auth_pb2.Session:
        """Accepts an invitation (creating the account if needed) and signs in to the
        inviting workspace."""
        request = auth_pb2.AcceptInviteRequest(invite_token=invite_token, password=password, display_name=display_name)
        return self._adopt(self._auth.AcceptInvite(request).session)

    def resume(self, refresh_token: str) -> auth_pb2.Session:
        """Signs in with a refresh token stored earlier (see ``on_session``), e.g. when a
        bot restarts; the token is spent and a new one issued."""
        request = auth_pb2.RefreshSessionRequest(refresh_token=refresh_token)
        with self._refresh_lock:
            return self._adopt(self._auth.RefreshSession(request).session)

    def use_session(self, session: auth_pb2.Session | None) -> None:
        """Adopts a session obtained elsewhere (or drops the current one with None)."""
        with self._refresh_lock:
            self._state.set(session)

    def refresh(self) -> auth_pb2.Session:
        """Exchanges the refresh token for new tokens now. Raises UNAUTHENTICATED (and
        forgets the session) when the server has ended it."""
        with self._refresh_lock:
            return self._refresh_locked()

    def log_out(self) -> None:
        """Ends the session on the server (its refresh token and every access token of it)
        and forgets it; harmless when signed out."""
        with self._refresh_lock:
            token = self._state.refresh_token
            if token is not None:
                self._auth.LogOut(auth_pb2.LogOutRequest(refresh_token=token))
            self._state.set(None)

    # -- agents ------------------------------------------------------------------------

    def send(
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
        """Writes a reply (or with ``internal=True`` a note only agents see) into a
        conversation and returns the stored message.

        Args:
            conversation_id: The conversation (``cnv_…``).
            body: Plain text, up to 10,000 characters.
            internal: An internal note instead of a reply.
            sender_type: AGENT (the default), BOT or SYSTEM, for integrations.
            client_key: Idempotency key; a fresh UUID by default. The server stores one
                message per key, so retries (ours and yours) never write it twice.
            attachment_ids: Attachments uploaded earlier to this conversation.
            retries: Further attempts, with the same key, after UNAVAILABLE or
                DEADLINE_EXCEEDED.
        """
        request = conversation_pb2.SendConversationMessageRequest(
            conversation_id=conversation_id,
            body=body,
            internal=internal,
            client_key=client_key or uuid.uuid4().hex,
            attachment_ids=list(attachment_ids),
            sender_type=sender_type,
        )
        return _with_retries(lambda: self._conversations.SendConversationMessage(request).message, retries)

    def watch_workspace(
        self,
        *,
        cursor: str = "",
        on_reset: Callable[[], object] | None = None,
        on_status: Callable[[FeedStatus], object] | None = None,
        heartbeats: bool = False,
        idle_timeout: float | None = IDLE_TIMEOUT,
    ) -> Feed[conversation_pb2.WatchWorkspaceResponse]:
        """Everything that happens in the workspace, as a feed that stays open.

        Iterate it: ``for event in client.watch_workspace(): …``; each event is a
        ``WatchWorkspaceResponse`` (``event.WhichOneof("event")`` says which kind). A
        dropped stream is resumed from the last handled event's cursor with backoff,
        so no event is skipped or repeated; on OUT_OF_RANGE the feed starts over from now
        and calls ``on_reset``, as it does when it opens without a cursor. See
        :class:`porthole.Feed` for the arguments.
        """

        def open_stream(position: str) -> Any:
            return self._conversations.WatchWorkspace(conversation_pb2.WatchWorkspaceRequest(cursor=position))

        feed = Feed(
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

    def start_session(
        self,
        widget_token: str,
        *,
        visitor_token: str = "",
        language: str = "",
        time_zone: str = "",
    ) -> VisitorSession:
        """Starts a website visitor's session on the widget with this public token, or
        resumes the visitor an earlier ``visitor_token`` belongs to. The session shares
        this client's connection but not its member session."""
        request = visitor_pb2.StartSessionRequest(
            widget_token=widget_token, visitor_token=visitor_token, language=language, time_zone=time_zone
        )
        return VisitorSession(self, self._visitor.StartSession(request))

    # -- lifecycle ---------------------------------------------------------------------

    def close(self) -> None:
        """Closes the connection; open feeds end (their loops stop)."""
        for feed in list(self._feeds):
            feed.close()
        self._base.close()

    def __enter__(self) -> Client:
        """``with Client(url) as client:`` closes the client on the way out."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Closes the client."""
        self.close()

    # -- token plumbing (used by the interceptor) ---------------------------------------

    def _adopt(self, session: auth_pb2.Session) -> auth_pb2.Session:
        self._state.set(session)
        return session

    def _refresh_locked(self) -> auth_pb2.Session:
        request = _session.refresh_request(self._state)
        try:
            return self._adopt(self._auth.RefreshSession(request).session)
        except PortholeError as e:
            if _session.session_ended(e):
                self._state.set(None)
            raise

    def _access_token(self) -> str | None:
        """The token for the next call, refreshed first when it is about to expire."""
        if self._state.needs_refresh():
            with self._refresh_lock:
                if self._state.needs_refresh():
                    try:
                        self._refresh_locked()
                    except PortholeError as e:
                        if _session.session_ended(e):
                            raise
                        # Unreachable right now: the token may still be good for a while.
        return self._state.access_token

    def _refresh_after_rejection(self, rejected: str) -> bool:
        """The server refused ``rejected``: refresh, unless another call already did.
        True when a call may be retried with the current token."""
        with self._refresh_lock:
            current = self._state.access_token
            if current is not None and current != rejected:
                return True
            if self._state.refresh_token is None:
                return False
            try:
                self._refresh_locked()
            except PortholeError:
                return False
            return True


class VisitorSession:
    """A website visitor talking to a workspace through one widget, as the chat widget
    does: :meth:`start_conversation`, :meth:`send`, :meth:`watch`.

    Made by :meth:`Client.start_session`. Keep :attr:`token` to resume the same visitor
    later (``start_session(widget_token, visitor_token=...)``); visitor tokens are not
    refreshed: once the server refuses one (widget turned off, token expired), start a
    new session.
    """

    def __init__(self, client: Client, started: visitor_pb2.StartSessionResponse) -> None:
        """Wraps a StartSession answer; use :meth:`Client.start_session`."""
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
        """VisitorService with this visitor's token on every call (UpdateVisitor,
        ListMessages, MarkRead, RateConversation, …)."""
        return self._stub

    def start_conversation(
        self, *, source_url: str = "", source_title: str = "", start_new: bool = False
    ) -> visitor_pb2.VisitorConversation:
        """Starts a conversation, or continues the visitor's open one (see
        ``StartConversationRequest.start_new``)."""
        request = visitor_pb2.StartConversationRequest(
            source_url=source_url, source_title=source_title, start_new=start_new
        )
        return self._stub.StartConversation(request).conversation

    def send(
        self,
        conversation_id: str,
        body: str,
        *,
        client_key: str | None = None,
        attachment_ids: Sequence[str] = (),
        retries: int = 2,
    ) -> chat_pb2.Message:
        """Writes the visitor's message and returns it as stored; ``client_key`` and
        ``retries`` as in :meth:`Client.send`."""
        request = visitor_pb2.SendMessageRequest(
            conversation_id=conversation_id,
            body=body,
            client_key=client_key or uuid.uuid4().hex,
            attachment_ids=list(attachment_ids),
        )
        return _with_retries(lambda: self._stub.SendMessage(request).message, retries)

    def watch(
        self,
        *,
        cursor: str = "",
        on_reset: Callable[[], object] | None = None,
        on_status: Callable[[FeedStatus], object] | None = None,
        heartbeats: bool = False,
        idle_timeout: float | None = IDLE_TIMEOUT,
    ) -> Feed[visitor_pb2.WatchVisitorFeedResponse]:
        """The visitor's conversations live (messages without internal notes, agent
        typing, read marks, status changes), as a feed that stays open; the same rules as
        :meth:`Client.watch_workspace`, except that UNAUTHENTICATED ends it."""

        def open_stream(position: str) -> Any:
            return self._stub.WatchVisitorFeed(visitor_pb2.WatchVisitorFeedRequest(cursor=position))

        feed = Feed(
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


def _with_retries(call: Callable[[], chat_pb2.Message], retries: int) -> chat_pb2.Message:
    attempt = 0
    while True:
        try:
            return call()
        except PortholeError as e:
            if e.code not in SEND_RETRY_CODES or attempt >= retries:
                raise
            time.sleep(max(e.retry_after or 0.0, 0.2 * 2**attempt))
            attempt += 1


class _Interceptor(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor):
    """Adds the member's access token (refreshing it when due), the default deadline of
    unary calls, one retry after a refresh on UNAUTHENTICATED, and PortholeError. To see
    the refusal, a unary call is waited for here, so ``.future()`` returns a done future."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def _prepare(self, details: grpc.ClientCallDetails, unary: bool) -> tuple[grpc.ClientCallDetails, str | None]:
        metadata = list(details.metadata or ())
        token: str | None = None
        if _session.method_name(details.method) not in _session.SESSIONLESS_METHODS and not _session.has_authorization(
            metadata
        ):
            token = self._client._access_token()
            if token is not None:
                metadata.append(_session.bearer(token))
        timeout = details.timeout
        if unary and timeout is None:
            timeout = self._client._timeout
        prepared = _channel.CallDetails(
            details.method,
            timeout,
            metadata,
            details.credentials,
            details.wait_for_ready,
            getattr(details, "compression", None),
        )
        return prepared, token

    def intercept_unary_unary(self, continuation: Any, client_call_details: Any, request: Any) -> Any:
        """Runs a unary call with the token; refreshes and retries once when refused."""
        details, token = self._prepare(client_call_details, unary=True)
        outcome = continuation(details, request)
        try:
            outcome.result()
            return outcome
        except grpc.RpcError as e:
            if not (
                token is not None
                and e.code() == grpc.StatusCode.UNAUTHENTICATED
                and self._client._refresh_after_rejection(token)
            ):
                raise PortholeError.from_rpc_error(e) from e
        details, _ = self._prepare(client_call_details, unary=True)
        outcome = continuation(details, request)
        try:
            outcome.result()
            return outcome
        except grpc.RpcError as e:
            raise PortholeError.from_rpc_error(e) from e

    def intercept_unary_stream(self, continuation: Any, client_call_details: Any, request: Any) -> Any:
        """Opens a server stream with the token; its errors become PortholeError."""
        details, _ = self._prepare(client_call_details, unary=False)
        return _MappedStream(continuation(details, request))


class _MappedStream:
    """A server stream whose errors are PortholeError; otherwise the grpc call itself."""

    def __init__(self, call: Any) -> None:
        self._call = call

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        try:
            return next(self._call)
        except grpc.RpcError as e:
            raise PortholeError.from_rpc_error(e) from e

    def __getattr__(self, name: str) -> Any:
        return getattr(self._call, name)
