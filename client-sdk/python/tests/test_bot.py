"""examples/bot.py run as a program against the server, answering a visitor."""

from __future__ import annotations

from conftest import ExampleBot, Server, Workspace

import porthole
from porthole.v1 import chat_pb2


def test_the_example_bot_answers_a_visitor(workspace: Workspace, server: Server) -> None:
    bot = ExampleBot(server.url, workspace.email)
    try:
        first = bot.next_line()
        assert first.startswith("bot: watching"), first

        with porthole.Client(server.url) as browser:
            visitor = browser.start_session(workspace.widget.public_token)
            conversation = visitor.start_conversation().id
            with visitor.watch() as feed:
                visitor.send(conversation, "What is the price?")
                replies = []
                for event in feed:
                    if event.message_created.sender_type == chat_pb2.SENDER_TYPE_BOT:
                        replies.append(event.message_created)
                        break
        assert replies[0].body.startswith("Our plans start at")
        assert replies[0].conversation_id == conversation
    finally:
        code, output = bot.stop()
    assert code == 0, output
    assert "could not answer" not in output
