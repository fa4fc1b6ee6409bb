"""The resumable feeds against the server: cut and stalled connections, stored cursors, a
cursor the server does not know. Every test checks the same promise: each event once, in
order, with nothing missing."""

from __future__ import annotations

import threading
import time

import grpc
import pytest
from conftest import CuttableProxy, Server, Workspace

import porthole
from porthole.v1 import chat_pb2, conversation_pb2



def _is_line(message: chat_pb2.Message) -> bool:
    """A line the server writes into the transcript (an internal system message)."""
    return message.sender_type == chat_pb2.SENDER_TYPE_SYSTEM and message.internal

def messages(feed, count: int) -> list[chat_pb2.Message]:
    """The next ``count`` message_created events of a feed."""
    found: list[chat_pb2.Message] = []
    for event in feed:
        # Messages only, not the transcript's lines (routing writes "Assigned to …").
        if event.WhichOneof("event") == "message_created" and not _is_line(event.message_created):
            found.append(event.message_created)
            if len(found) == count:
                break
    return found


def start_chat(workspace: Workspace, server: Server) -> tuple[porthole.Client, porthole.VisitorSession, str]:
    browser = porthole.Client(server.url)
    visitor = browser.start_session(workspace.widget.public_token)
    return browser, visitor, visitor.start_conversation().id


def test_workspace_feed_resumes_after_cuts_without_gaps_or_duplicates(
    workspace: Workspace, server: Server, proxy: CuttableProxy
) -> None:
    browser, visitor, conversation = start_chat(workspace, server)
    statuses: list[str] = []
    with porthole.Client(proxy.url) as agent:
        agent.log_in(workspace.email, "correct horse battery")
        with agent.watch_workspace(on_status=statuses.append) as feed:
            for i in range(5):
                visitor.send(conversation, f"before {i}")
            got = messages(feed, 5)

            proxy.cut()  # the stream dies; these are written while it is down
            for i in range(5):
                visitor.send(conversation, f"during {i}")
            got += messages(feed, 5)

            # Cuts in the middle of a burst: the sender keeps writing while the reader
            # loses its connection twice.
            burst = [f"burst {i}" for i in range(40)]
            sender = threading.Thread(target=lambda: [visitor.send(conversation, b) for b in burst])
            sender.start()
            for _ in range(40):
                got += messages(feed, 1)
                if len(got) in (18, 33):
                    proxy.cut()
            sender.join()

    expected = [f"before {i}" for i in range(5)] + [f"during {i}" for i in range(5)] + burst
    assert [m.body for m in got] == expected
    assert len({m.id for m in got}) == len(got)
    assert [m.seq for m in got] == sorted(m.seq for m in got)
    # The first cut always forces a reconnect; those in the burst may find the rest of it
    # already received, in which case the stream ends only when the feed is closed.
    assert proxy.accepted >= 2
    assert statuses.count("reconnecting") >= 1
    browser.close()


def test_a_stored_cursor_resumes_exactly_after_the_last_handled_event(workspace: Workspace, server: Server) -> None:
    browser, visitor, conversation = start_chat(workspace, server)
    with workspace.owner.watch_workspace() as feed:
        for body in ("m0", "m1", "m2"):
            visitor.send(conversation, body)
        for event in feed:
            if event.WhichOneof("event") != "message_created" or _is_line(event.message_created):
                continue
            body = event.message_created.body
            if body == "m1":
                # Stored while m1 is still being handled: the cursor does not include it.
                while_handling_m1 = feed.cursor
            if body == "m2":
                after_m2 = event.cursor  # stored once m2 was handled
                break
    visitor.send(conversation, "m3")

    resets: list[int] = []
    with workspace.owner.watch_workspace(cursor=while_handling_m1, on_reset=lambda: resets.append(1)) as resumed:
        assert [m.body for m in messages(resumed, 3)] == ["m1", "m2", "m3"]
    with workspace.owner.watch_workspace(cursor=after_m2) as resumed:
        assert [m.body for m in messages(resumed, 1)] == ["m3"]
    assert resets == []  # a cursor the server knows is no reset
    browser.close()


def test_an_unknown_cursor_starts_over_and_calls_on_reset(workspace: Workspace, server: Server) -> None:
    browser, visitor, conversation = start_chat(workspace, server)
    resets: list[str] = []
    feed = workspace.owner.watch_workspace(cursor="99999999", on_reset=lambda: resets.append(feed.cursor))
    with feed:
        assert resets == [""]  # called before the stream's first item set a cursor
        assert feed.cursor not in ("", "99999999")
        visitor.send(conversation, "after the reset")
        assert [m.body for m in messages(feed, 1)] == ["after the reset"]
    browser.close()


def test_a_connection_that_dies_silently_is_replaced(
    workspace: Workspace, server: Server, proxy: CuttableProxy
) -> None:
    """The proxy black-holes the connection: no error, no close. Keepalive pings (here every
    0.5 s, answered within 0.5 s, instead of 30 s and 10 s) find it dead, and the feed
    resumes on a new connection."""
    browser, visitor, conversation = start_chat(workspace, server)
    statuses: list[str] = []
    fast_keepalive = [
        ("grpc.keepalive_time_ms", 500),
        ("grpc.keepalive_timeout_ms", 500),
        ("grpc.http2.ping_timeout_ms", 500),
    ]
    with porthole.Client(proxy.url, options=fast_keepalive) as agent:
        agent.log_in(workspace.email, "correct horse battery")
        with agent.watch_workspace(on_status=statuses.append) as feed:
            visitor.send(conversation, "one")
            assert [m.body for m in messages(feed, 1)] == ["one"]
            proxy.stall()
            visitor.send(conversation, "two")
            visitor.send(conversation, "three")
            started = time.monotonic()
            assert [m.body for m in messages(feed, 2)] == ["two", "three"]
            assert time.monotonic() - started < 10
    assert "reconnecting" in statuses
    assert proxy.accepted >= 2
    browser.close()


def test_a_silent_stream_is_reopened_by_the_idle_watchdog(workspace: Workspace, server: Server) -> None:
    """Nothing arrives for longer than ``idle_timeout`` (here 0.3 s, below the server's 15 s
    heartbeat): the feed drops the stream and reopens it from its cursor, losing nothing."""
    browser, visitor, conversation = start_chat(workspace, server)
    statuses: list[str] = []
    with workspace.owner.watch_workspace(idle_timeout=0.3, on_status=statuses.append) as feed:
        visitor.send(conversation, "one")
        assert [m.body for m in messages(feed, 1)] == ["one"]
        threading.Timer(1.2, lambda: visitor.send(conversation, "two")).start()
        assert [m.body for m in messages(feed, 1)] == ["two"]
    assert statuses.count("reconnecting") >= 2
    browser.close()


def test_visitor_feed_resumes_after_a_cut(workspace: Workspace, server: Server, proxy: CuttableProxy) -> None:
    with porthole.Client(proxy.url) as browser:
        visitor = browser.start_session(workspace.widget.public_token)
        conversation = visitor.start_conversation().id
        with visitor.watch() as feed:
            workspace.owner.send(conversation, "a1")
            got = messages(feed, 1)
            proxy.cut()
            workspace.owner.send(conversation, "a2")
            workspace.owner.send(conversation, "note", internal=True)
            workspace.owner.send(conversation, "a3")
            got += messages(feed, 2)
    assert [m.body for m in got] == ["a1", "a2", "a3"]
    assert proxy.accepted >= 2


def test_a_bad_cursor_is_an_error_not_a_retry(workspace: Workspace) -> None:
    with pytest.raises(porthole.PortholeError) as bad:
        next(iter(workspace.owner.watch_workspace(cursor="not-a-cursor")))
    assert bad.value.code == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in bad.value.field_violations] == ["cursor"]

    # The raw stub's streams raise PortholeError too.
    stream = workspace.owner.conversations.WatchWorkspace(conversation_pb2.WatchWorkspaceRequest(cursor="-1"))
    with pytest.raises(porthole.PortholeError) as raw:
        next(stream)
    assert raw.value.code == grpc.StatusCode.INVALID_ARGUMENT


def test_close_ends_a_loop_from_another_thread(workspace: Workspace) -> None:
    feed = workspace.owner.watch_workspace().open()
    threading.Timer(0.3, feed.close).start()
    events = list(feed)  # ends when closed
    assert all(e.WhichOneof("event") != "heartbeat" for e in events)
    assert feed.status == "stopped"


def test_closing_the_client_ends_its_feeds(workspace: Workspace, server: Server) -> None:
    client = porthole.Client(server.url)
    client.log_in(workspace.email, "correct horse battery")
    feed = client.watch_workspace().open()
    threading.Timer(0.3, client.close).start()
    list(feed)  # returns once the client is closed
    assert feed.status == "stopped"


def test_a_refused_token_is_refreshed_and_the_feed_resumed(workspace: Workspace, server: Server) -> None:
    from test_auth import expired, with_access_token

    browser, visitor, conversation = start_chat(workspace, server)
    with porthole.Client(server.url) as agent:
        session = agent.log_in(workspace.email, "correct horse battery")
        agent.use_session(with_access_token(session, expired(session.access_token)))
        with agent.watch_workspace() as feed:  # refused, refreshed, reopened
            assert agent.session is not None and agent.session.refresh_token != session.refresh_token
            visitor.send(conversation, "still here")
            assert [m.body for m in messages(feed, 1)] == ["still here"]
    browser.close()


def test_a_feed_whose_session_ends_raises_unauthenticated(workspace: Workspace, server: Server) -> None:
    with porthole.Client(server.url) as agent, porthole.Client(server.url) as elsewhere:
        agent.log_in(workspace.email, "correct horse battery")
        assert agent.session is not None
        with agent.watch_workspace() as feed:
            elsewhere.use_session(agent.session)
            elsewhere.log_out()  # ends the session the feed runs on; it notices within 5 s
            with pytest.raises(porthole.PortholeError) as ended:
                list(feed)
        assert ended.value.code == grpc.StatusCode.UNAUTHENTICATED
        assert feed.status == "stopped"
        assert agent.session is None
