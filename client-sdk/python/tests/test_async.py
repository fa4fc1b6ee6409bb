"""The asyncio client against the server: send and watch on both sides, a feed resumed
after cuts, refresh after a refused token, errors."""

from __future__ import annotations

import grpc
import pytest
from conftest import PASSWORD, CuttableProxy, Server, Workspace
from test_auth import expired, with_access_token

import porthole
from porthole.v1 import auth_pb2, chat_pb2, widget_pb2



def _is_line(message: chat_pb2.Message) -> bool:
    """A line the server writes into the transcript (an internal system message)."""
    return message.sender_type == chat_pb2.SENDER_TYPE_SYSTEM and message.internal

async def messages(feed: porthole.AsyncFeed, count: int) -> list[chat_pb2.Message]:
    """The next ``count`` message_created events of an async feed."""
    found: list[chat_pb2.Message] = []
    async for event in feed:
        # Messages only, not the transcript's lines (routing writes "Assigned to …").
        if event.WhichOneof("event") == "message_created" and not _is_line(event.message_created):
            found.append(event.message_created)
            if len(found) == count:
                break
    return found


async def test_agent_and_visitor_send_and_watch(workspace: Workspace, server: Server) -> None:
    async with porthole.AsyncClient(server.url) as agent, porthole.AsyncClient(server.url) as browser:
        await agent.log_in(workspace.email, PASSWORD)
        visitor = await browser.start_session(workspace.widget.public_token)
        conversation = await visitor.start_conversation()
        async with agent.watch_workspace() as inbox, visitor.watch() as own_feed:
            sent = await visitor.send(conversation.id, "Hello from asyncio")
            [seen] = await messages(inbox, 1)
            assert (seen.id, seen.body) == (sent.id, "Hello from asyncio")

            reply = await agent.send(seen.conversation_id, "Hello back")
            assert [m.body for m in await messages(own_feed, 2)] == [sent.body, reply.body]
            assert inbox.status == "live"


async def test_async_feed_resumes_after_cuts_without_gaps_or_duplicates(
    workspace: Workspace, server: Server, proxy: CuttableProxy
) -> None:
    statuses: list[str] = []

    async def record(status: str) -> None:
        statuses.append(status)

    async with porthole.AsyncClient(proxy.url) as agent, porthole.AsyncClient(server.url) as browser:
        await agent.log_in(workspace.email, PASSWORD)
        visitor = await browser.start_session(workspace.widget.public_token)
        conversation = (await visitor.start_conversation()).id
        async with agent.watch_workspace(on_status=record) as feed:
            for i in range(5):
                await visitor.send(conversation, f"before {i}")
            got = await messages(feed, 5)
            proxy.cut()
            for i in range(5):
                await visitor.send(conversation, f"during {i}")
            got += await messages(feed, 3)
            proxy.cut()  # again, with two of them possibly still on their way
            for i in range(3):
                await visitor.send(conversation, f"after {i}")
            got += await messages(feed, 5)
    expected = [f"{when} {i}" for when, n in (("before", 5), ("during", 5), ("after", 3)) for i in range(n)]
    assert [m.body for m in got] == expected
    assert len({m.id for m in got}) == len(expected)
    assert statuses.count("reconnecting") >= 2
    assert proxy.accepted >= 3


async def test_async_refresh_after_a_refused_token_and_errors(workspace: Workspace, server: Server) -> None:
    async with porthole.AsyncClient(server.url) as client:
        session = await client.log_in(workspace.email, PASSWORD)
        await client.use_session(with_access_token(session, expired(session.access_token)))
        me = await client.auth.GetMe(auth_pb2.GetMeRequest())
        assert me.user.email == workspace.email
        assert client.session is not None and client.session.refresh_token != session.refresh_token

        with pytest.raises(porthole.PortholeError) as caught:
            await client.widgets.CreateWidget(widget_pb2.CreateWidgetRequest(name=""))
        assert caught.value.code == grpc.StatusCode.INVALID_ARGUMENT
        assert [v.field for v in caught.value.field_violations] == ["name"]

        with pytest.raises(porthole.PortholeError) as caught:
            await client.log_in(workspace.email, "wrong password")
        assert caught.value.code == grpc.StatusCode.UNAUTHENTICATED


async def test_async_unknown_cursor_starts_over(workspace: Workspace, server: Server) -> None:
    resets: list[str] = []

    async def reload() -> None:
        resets.append("reloaded")

    async with porthole.AsyncClient(server.url) as agent, porthole.AsyncClient(server.url) as browser:
        await agent.log_in(workspace.email, PASSWORD)
        visitor = await browser.start_session(workspace.widget.public_token)
        conversation = (await visitor.start_conversation()).id
        async with agent.watch_workspace(cursor="99999999", on_reset=reload) as feed:
            assert resets == ["reloaded"]
            await visitor.send(conversation, "after the reset")
            assert [m.body for m in await messages(feed, 1)] == ["after the reset"]
