"""An agent and a visitor talking through the SDK, both sides watching their feeds."""

from __future__ import annotations

from conftest import Server, Workspace

import porthole
from porthole.v1 import chat_pb2, visitor_pb2



def _is_line(message: chat_pb2.Message) -> bool:
    """A line the server writes into the transcript (an internal system message)."""
    return message.sender_type == chat_pb2.SENDER_TYPE_SYSTEM and message.internal

def next_message(feed: porthole.Feed) -> chat_pb2.Message:
    """The next message_created event of a feed (skipping every other kind)."""
    for event in feed:
        # Messages only, not the transcript's lines (routing writes "Assigned to …").
        if event.WhichOneof("event") == "message_created" and not _is_line(event.message_created):
            return event.message_created
    raise AssertionError("feed ended")


def test_agent_and_visitor_exchange_messages(workspace: Workspace, server: Server) -> None:
    agent = workspace.owner
    with porthole.Client(server.url) as browser, agent.watch_workspace() as inbox:
        visitor = browser.start_session(workspace.widget.public_token, language="en-GB", time_zone="Europe/London")
        assert visitor.token and visitor.visitor.id.startswith("vis_")
        conversation = visitor.start_conversation(source_url="https://shop.example/pricing", source_title="Pricing")
        with visitor.watch() as own_feed:
            sent = visitor.send(conversation.id, "Hello, is anyone there?")
            assert sent.sender_type == chat_pb2.SENDER_TYPE_VISITOR

            seen = next_message(inbox)
            assert (seen.id, seen.body, seen.conversation_id) == (sent.id, sent.body, conversation.id)

            reply = agent.send(seen.conversation_id, "Hi! How can I help?")
            assert reply.sender_type == chat_pb2.SENDER_TYPE_AGENT
            note = agent.send(seen.conversation_id, "VIP customer", internal=True)
            bot = agent.send(seen.conversation_id, "(the bot says hi too)", sender_type=chat_pb2.SENDER_TYPE_BOT)

            # The visitor's feed carries their own message, the reply and the bot's, never the note.
            bodies = [next_message(own_feed).body for _ in range(3)]
            assert bodies == [sent.body, reply.body, bot.body]

        history = visitor.stub.ListMessages(visitor_pb2.ListMessagesRequest(conversation_id=conversation.id))
        assert [m.body for m in history.messages] == [sent.body, reply.body, bot.body]
        assert note.internal and note.id not in {m.id for m in history.messages}

        # A visitor token resumes the same visitor.
        again = browser.start_session(workspace.widget.public_token, visitor_token=visitor.token)
        assert again.visitor.id == visitor.visitor.id


def test_send_with_the_same_client_key_stores_one_message(workspace: Workspace, server: Server) -> None:
    with porthole.Client(server.url) as browser:
        visitor = browser.start_session(workspace.widget.public_token)
        conversation = visitor.start_conversation()
        first = visitor.send(conversation.id, "once", client_key="key-1")
        retry = visitor.send(conversation.id, "once", client_key="key-1")
        assert retry.id == first.id
        reply = workspace.owner.send(conversation.id, "answer", client_key="key-2")
        assert workspace.owner.send(conversation.id, "answer", client_key="key-2").id == reply.id
