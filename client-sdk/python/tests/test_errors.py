"""Failed calls as PortholeError: code, message, field violations from the server's
BadRequest detail."""

from __future__ import annotations

import pickle

import grpc
import pytest
from conftest import Server, Workspace

import porthole
from porthole.v1 import visitor_pb2, widget_pb2, widget_settings_pb2


def test_invalid_argument_names_every_bad_field(workspace: Workspace) -> None:
    request = widget_pb2.CreateWidgetRequest(
        name="",
        settings=widget_pb2.WidgetSettings(
            appearance=widget_settings_pb2.WidgetAppearance(primary_color="blue"),
            allowed_domains=["https://"],
        ),
    )
    with pytest.raises(porthole.PortholeError) as caught:
        workspace.owner.widgets.CreateWidget(request)
    error = caught.value
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    by_field = error.violations_by_field()
    assert {"name", "settings.appearance.primary_color"} <= set(by_field)
    assert "hex colour" in by_field["settings.appearance.primary_color"]
    assert all(v.field in error.message for v in error.field_violations)  # the message says the same
    assert isinstance(error.__cause__, grpc.RpcError)
    again = pickle.loads(pickle.dumps(error))
    assert (again.code, again.field_violations) == (error.code, error.field_violations)


def test_sign_up_reports_each_field(server: Server) -> None:
    with porthole.Client(server.url) as client:
        with pytest.raises(porthole.PortholeError) as caught:
            client.sign_up("not-an-address", "short", "", "")
    assert [v.field for v in caught.value.field_violations] == ["email", "password", "display_name", "workspace_name"]


def test_not_found_has_no_violations(workspace: Workspace, server: Server) -> None:
    with pytest.raises(porthole.PortholeError) as caught:
        workspace.owner.send("cnv_00000000000000000000000", "hello?")
    assert caught.value.code == grpc.StatusCode.NOT_FOUND
    assert caught.value.field_violations == ()

    # A visitor reaches only their own conversations.
    with porthole.Client(server.url) as browser:
        first = browser.start_session(workspace.widget.public_token)
        second = browser.start_session(workspace.widget.public_token)
        theirs = first.start_conversation().id
        with pytest.raises(porthole.PortholeError) as caught:
            second.send(theirs, "not mine")
        assert caught.value.code == grpc.StatusCode.NOT_FOUND
        with pytest.raises(porthole.PortholeError) as caught:
            second.stub.ListMessages(visitor_pb2.ListMessagesRequest(conversation_id=theirs))
        assert caught.value.code == grpc.StatusCode.NOT_FOUND


def test_an_unreachable_server_is_unavailable() -> None:
    with porthole.Client("http://127.0.0.1:9", timeout=5) as client:
        with pytest.raises(porthole.PortholeError) as caught:
            client.log_in("ada@example.com", "correct horse battery")
    assert caught.value.code == grpc.StatusCode.UNAVAILABLE
