"""examples/bot.py run as a program against the server, answering a visitor."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

from conftest import PASSWORD, Server, Workspace

import porthole
from porthole.v1 import chat_pb2

BOT = Path(__file__).resolve().parents[1] / "examples" / "bot.py"


def test_the_example_bot_answers_a_visitor(workspace: Workspace, server: Server) -> None:
    env = {**os.environ, "PORTHOLE_URL": server.url, "PORTHOLE_EMAIL": workspace.email, "PORTHOLE_PASSWORD": PASSWORD}
    bot = subprocess.Popen(
        [sys.executable, str(BOT)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: queue.Queue[str] = queue.Queue()
    assert bot.stdout is not None
    stdout = bot.stdout
    reader = threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True)
    reader.start()
    try:
        first = lines.get(timeout=20)
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
        bot.send_signal(signal.SIGINT)
        try:
            code = bot.wait(15)
        except subprocess.TimeoutExpired:
            bot.kill()
            raise
        finally:
            reader.join(5)
            stdout.close()
    output = "".join(lines.queue)
    assert code == 0, output
    assert "could not answer" not in output
