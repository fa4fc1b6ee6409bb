"""Feeds and the example bot across a server restart: the server is stopped and started
again on the same data directory (a new process, a new port, behind the same address),
and nothing sent meanwhile is lost or handled twice."""

from __future__ import annotations

import os
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import PASSWORD, CuttableProxy, ExampleBot, Server, Workspace, wait_until

import porthole
from porthole.v1 import chat_pb2, conversation_pb2

class Restartable:
    """A server of its own (restarting the shared one would disturb other tests) behind a
    proxy whose address stays the same across restarts."""

    def __init__(self, data_dir: Path) -> None:
        self._data_dir = data_dir
        self.server = Server(os.environ["PORTHOLE_BIN"], data_dir)
        self.proxy = CuttableProxy(self.server.address)
        self.url = self.proxy.url
        self.restarts = 0

    def restart(self) -> None:
        """Stops the server (its clients' connections end with it), starts a new process on
        the same data directory and points the proxy at it."""
        self.server.stop()
        self.proxy.cut()
        self.restarts += 1
        self.server = Server(os.environ["PORTHOLE_BIN"], self._data_dir)
        self.proxy.retarget(self.server.address)

    def close(self) -> None:
        self.proxy.close()
        self.server.stop()


@pytest.fixture
def restartable() -> Iterator[Restartable]:
    with tempfile.TemporaryDirectory(prefix="porthole-py-restart-") as data_dir:
        running = Restartable(Path(data_dir))
        try:
            yield running
        finally:
            running.close()


def send_when_up(visitor: porthole.VisitorSession, conversation: str, body: str) -> chat_pb2.Message:
    """The visitor's send, retried while the restarted server is still coming up (the
    same key each time, so a retry never writes it twice)."""
    sent: list[chat_pb2.Message] = []
    key = uuid.uuid4().hex

    def attempt() -> bool:
        try:
            sent.append(visitor.send(conversation, body, client_key=key))
            return True
        except porthole.PortholeError:
            return False

    wait_until(attempt, timeout=30, interval=0.2)
    return sent[0]


def bodies(feed: porthole.Feed, count: int) -> list[chat_pb2.Message]:
    """The next ``count`` visitor messages of a feed (not the transcript's lines)."""
    got: list[chat_pb2.Message] = []
    # A feed that lost its place would wait forever for messages it skipped: closing it
    # after a while ends the loop, and the comparison below fails instead of hanging.
    give_up = threading.Timer(30, feed.close)
    give_up.start()
    for event in feed:
        if event.HasField("message_created") and event.message_created.sender_type == chat_pb2.SENDER_TYPE_VISITOR:
            got.append(event.message_created)
            if len(got) == count:
                break
    give_up.cancel()
    return got


def test_a_workspace_feed_survives_a_server_restart_without_gaps_or_duplicates(restartable: Restartable) -> None:
    workspace = Workspace(restartable.server)  # signed up directly, before any restart
    browser = porthole.Client(restartable.url)
    try:
        visitor = browser.start_session(workspace.widget.public_token)
        conversation = visitor.start_conversation().id
        with porthole.Client(restartable.url) as agent:
            agent.log_in(workspace.email, PASSWORD)
            with agent.watch_workspace() as feed:
                for i in range(5):
                    send_when_up(visitor, conversation, f"before {i}")
                got = bodies(feed, 5)

                restartable.restart()
                # Written while the feed is still backing off from the dead server: only
                # its cursor can bring these back.
                for i in range(5):
                    send_when_up(visitor, conversation, f"after {i}")
                got += bodies(feed, 5)
    finally:
        browser.close()
        workspace.close()

    assert [m.body for m in got] == [f"before {i}" for i in range(5)] + [f"after {i}" for i in range(5)]
    assert len({m.id for m in got}) == len(got)
    assert [m.seq for m in got] == sorted(m.seq for m in got)
    assert restartable.restarts == 1


def test_the_example_bot_keeps_answering_across_a_server_restart(restartable: Restartable) -> None:
    workspace = Workspace(restartable.server)
    bot = ExampleBot(restartable.url, workspace.email)
    browser = porthole.Client(restartable.url)
    try:
        first = bot.next_line()
        assert first.startswith("bot: watching"), first
        visitor = browser.start_session(workspace.widget.public_token)
        conversation = visitor.start_conversation().id

        def bot_replies() -> list[chat_pb2.Message]:
            try:
                listed = workspace_client.conversations.ListConversationMessages(
                    conversation_pb2.ListConversationMessagesRequest(conversation_id=conversation, page_size=200)
                )
            except porthole.PortholeError:  # the server is still coming up
                return []
            return [m for m in listed.messages if m.sender_type == chat_pb2.SENDER_TYPE_BOT]

        with porthole.Client(restartable.url) as workspace_client:
            workspace_client.log_in(workspace.email, PASSWORD)
            send_when_up(visitor, conversation, "What is the price?")
            wait_until(lambda: len(bot_replies()) == 1, timeout=20)

            restartable.restart()
            # Sent before the bot's feed is back: the bot finds it by resuming.
            send_when_up(visitor, conversation, "And the price for teams?")
            send_when_up(visitor, conversation, "hello?")
            wait_until(lambda: len(bot_replies()) == 3, timeout=40, interval=0.2)
            # Nothing answered twice, even though the bot's feed resumed across the restart:
            # a second answer would follow the third within this second.
            time.sleep(1.0)
            replies = bot_replies()
    finally:
        browser.close()
        workspace.close()
        code, output = bot.stop()

    assert code == 0, output
    assert [r.body.split(":")[0] for r in replies] == [
        "Our plans start at 10 EUR a month",
        "Our plans start at 10 EUR a month",
        "Thanks! A human will get back to you here shortly.",
    ], output
    assert len({r.id for r in replies}) == 3
