"""The feed's decisions without a server: backoff, what each ending leads to, and when the
cursor moves. The behaviour they add up to is tested against the server in test_feed.py."""

from __future__ import annotations

import grpc
import pytest

from porthole import PortholeError, reconnect_delay
from porthole._feed import MAX_RECONNECT_DELAY, _Resume
from porthole.v1 import conversation_pb2


def event(cursor: str, kind: str = "message_created") -> conversation_pb2.WatchWorkspaceResponse:
    item = conversation_pb2.WatchWorkspaceResponse(cursor=cursor)
    getattr(item, kind).SetInParent()
    return item


def resume(cursor: str = "", heartbeats: bool = False, can_refresh: bool = True) -> _Resume:
    return _Resume(cursor, heartbeats, can_refresh, backoff=lambda attempt: 0.5 * (attempt + 1))


def test_reconnect_delay_doubles_up_to_the_cap_with_jitter() -> None:
    assert reconnect_delay(0, rand=lambda: 0.0) == 0.25
    assert reconnect_delay(0, rand=lambda: 1.0) == 0.5
    assert reconnect_delay(3, rand=lambda: 1.0) == 4.0
    assert reconnect_delay(50, rand=lambda: 1.0) == MAX_RECONNECT_DELAY
    assert reconnect_delay(50, rand=lambda: 0.0) == MAX_RECONNECT_DELAY / 2


def test_the_cursor_moves_only_when_the_caller_comes_back() -> None:
    state = resume("10")
    state.opening()
    state.first_item()
    assert state.take(event("10", "heartbeat")) is False
    first = event("11")
    assert state.take(first) is True
    state.hand_out(first)
    assert state.cursor == "10"  # still being handled
    assert state.take(event("11", "heartbeat")) is False  # a heartbeat meanwhile moves nothing
    assert state.cursor == "10"
    state.commit()
    assert state.cursor == "11"


def test_heartbeats_set_the_starting_cursor_and_may_be_handed_out() -> None:
    state = resume("", heartbeats=True)
    assert state.opening() == "connecting"
    assert state.first_item() is True  # opened without a cursor: on_reset is due
    assert state.take(event("42", "heartbeat")) is True
    assert state.cursor == "42"


def test_endings_lead_to_resume_reset_refresh_or_raise() -> None:
    state = resume("7")
    assert state.after(None) == ("resume", 0.5)  # clean end or silence
    assert state.after(PortholeError(grpc.StatusCode.UNAVAILABLE, "down")) == ("resume", 1.0)
    throttled = PortholeError(grpc.StatusCode.RESOURCE_EXHAUSTED, "too many feeds", retry_after=10)
    assert state.after(throttled) == ("resume", 10)

    assert state.after(PortholeError(grpc.StatusCode.OUT_OF_RANGE, "unknown cursor"))[0] == "resume"
    assert state.cursor == ""
    assert state.opening() == "connecting"

    refused = PortholeError(grpc.StatusCode.UNAUTHENTICATED, "expired")
    assert state.after(refused) == ("refresh", 0.0)
    with pytest.raises(PortholeError):  # refused again before any item: give up
        state.after(refused)

    state.first_item()  # a stream that opened earns another refresh, and resets the backoff
    assert state.after(refused) == ("refresh", 0.0)
    assert state.after(None) == ("resume", 0.5)

    with pytest.raises(PortholeError):
        state.after(PortholeError(grpc.StatusCode.INVALID_ARGUMENT, "bad cursor"))


def test_a_failed_refresh_raises_only_when_the_session_is_gone() -> None:
    state = resume("7")
    state.after(PortholeError(grpc.StatusCode.UNAUTHENTICATED, "expired"))
    assert state.refresh_failed(PortholeError(grpc.StatusCode.UNAVAILABLE, "down")) > 0
    assert state.after(PortholeError(grpc.StatusCode.UNAUTHENTICATED, "expired")) == ("refresh", 0.0)
    with pytest.raises(PortholeError):
        state.refresh_failed(PortholeError(grpc.StatusCode.UNAUTHENTICATED, "revoked"))


def test_visitor_feeds_do_not_refresh() -> None:
    with pytest.raises(PortholeError):
        resume("7", can_refresh=False).after(PortholeError(grpc.StatusCode.UNAUTHENTICATED, "widget off"))
