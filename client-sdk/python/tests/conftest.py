"""Test harness: the real `porthole` binary (env PORTHOLE_BIN) on a free port with a fresh
SQLite data directory, a TCP proxy in front of it whose connections a test can cut, and
helpers that sign up a workspace and make a widget through the SDK itself."""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

import porthole
from porthole.v1 import widget_pb2

#: The JWT secret the test server signs with, so a test can make an expired token.
JWT_SECRET = "python-sdk-test-secret-0123456789abcdef"
PASSWORD = "correct horse battery"


def pytest_configure(config: pytest.Config) -> None:
    if not os.environ.get("PORTHOLE_BIN"):
        raise pytest.UsageError(
            "PORTHOLE_BIN is not set: point it at a built porthole server binary, e.g. "
            "PORTHOLE_BIN=target/debug/porthole (client-sdk/python/scripts/test.sh passes it on)"
        )


class Server:
    """A running `porthole serve` with its own data directory; its log is kept on disk."""

    def __init__(self, binary: str, data_dir: Path) -> None:
        self.log_path = data_dir / "server.log"
        env = {
            **os.environ,
            "PORTHOLE_LISTEN": "127.0.0.1:0",
            "PORTHOLE_DATA_DIR": str(data_dir),
            "PORTHOLE_DEMO": "false",
            # Every test signs up its own workspace, from one address, at full speed.
            "PORTHOLE_SIGNUP": "open",
            "PORTHOLE_RATE_LIMITS": "off",
            "PORTHOLE_JWT_SECRET": JWT_SECRET,
            "PORTHOLE_LOG_FORMAT": "json",
            "PORTHOLE_LOG": "info",
        }
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        self._log = open(self.log_path, "w")
        self._process = subprocess.Popen(
            [binary, "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.address = self._wait_for_listen_address()
        self.url = f"http://{self.address}"

    def _wait_for_listen_address(self) -> str:
        """Reads the log until the start line names the bound address (port 0 → real)."""
        found: list[str] = []
        ready = threading.Event()
        assert self._process.stdout is not None
        stdout = self._process.stdout

        def pump() -> None:
            for line in stdout:
                self._log.write(line)
                self._log.flush()
                if not found:
                    try:
                        fields = json.loads(line).get("fields", {})
                    except ValueError:
                        continue
                    if "listen" in fields and "serving" in fields.get("message", ""):
                        found.append(fields["listen"])
                        ready.set()
            ready.set()

        self._pump = threading.Thread(target=pump, name="porthole-server-log", daemon=True)
        self._pump.start()
        if not ready.wait(30) or not found:
            self.stop()
            raise RuntimeError(f"porthole did not start; its log:\n{self.log_path.read_text()}")
        return found[0]

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(15)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._pump.join(5)
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._log.close()

    def log_tail(self, lines: int = 40) -> str:
        return "".join(self.log_path.read_text().splitlines(keepends=True)[-lines:])


_running: list[Server] = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """A failing test's report ends with the server's latest log lines."""
    report = yield
    if report.failed and _running:
        report.sections.append(("porthole server log (last lines)", _running[0].log_tail()))
    return report


class CuttableProxy:
    """Forwards TCP connections to the server. :meth:`cut` closes every open one (like a
    reset network path); :meth:`stall` silently drops whatever they carry from then on
    (like a path that died without telling anyone). New connections go through again."""

    def __init__(self, upstream: str) -> None:
        host, port = upstream.rsplit(":", 1)
        self._upstream = (host, int(port))
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self._listener.getsockname()[1]}"
        self.url = f"http://{self.address}"
        self.accepted = 0
        self._links: list[_Link] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, name="proxy-accept", daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                upstream = self._upstream
            try:
                connection = socket.create_connection(upstream)
            except OSError:  # the server is down: the client sees a refused connection
                client.close()
                continue
            link = _Link(client, connection)
            with self._lock:
                self.accepted += 1
                self._links.append(link)

    def retarget(self, upstream: str) -> None:
        """Sends new connections to ``upstream`` (a restarted server's address) and closes
        the open ones, as a load balancer does when its backend is replaced."""
        host, port = upstream.rsplit(":", 1)
        with self._lock:
            self._upstream = (host, int(port))
        self.cut()

    def cut(self) -> None:
        """Closes every connection open now."""
        with self._lock:
            links, self._links = self._links, []
        for link in links:
            link.close()

    def stall(self) -> None:
        """Black-holes every connection open now, leaving them open."""
        with self._lock:
            for link in self._links:
                link.stalled = True

    def close(self) -> None:
        self._listener.close()
        self.cut()


class _Link:
    """One proxied connection: a thread per direction."""

    def __init__(self, client: socket.socket, upstream: socket.socket) -> None:
        self.stalled = False
        self._sockets = (client, upstream)
        for source, sink in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                if not self.stalled:
                    sink.sendall(data)
        except OSError:
            pass
        finally:
            self.close()

    def close(self) -> None:
        for s in self._sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    """One server for the whole run; tests keep apart by signing up their own workspace."""
    with tempfile.TemporaryDirectory(prefix="porthole-py-sdk-") as data_dir:
        running = Server(os.environ["PORTHOLE_BIN"], Path(data_dir))
        _running.append(running)
        try:
            yield running
        finally:
            _running.clear()
            running.stop()


@pytest.fixture
def proxy(server: Server) -> Iterator[CuttableProxy]:
    """A proxy in front of the server whose connections the test can cut."""
    p = CuttableProxy(server.address)
    try:
        yield p
    finally:
        p.close()


def unique_email(prefix: str = "owner") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"


class Workspace:
    """A freshly signed-up workspace: its owner's credentials, client and one widget."""

    def __init__(self, server: Server) -> None:
        self.email = unique_email()
        self.owner = porthole.Client(server.url)
        self.session = self.owner.sign_up(self.email, PASSWORD, "Olive Owner", f"Workspace {self.email}")
        self.widget = self.owner.widgets.CreateWidget(widget_pb2.CreateWidgetRequest(name="Site")).widget

    def close(self) -> None:
        self.owner.close()


@pytest.fixture
def workspace(server: Server) -> Iterator[Workspace]:
    """A new workspace with an owner signed in and a widget."""
    ws = Workspace(server)
    try:
        yield ws
    finally:
        ws.close()


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.05) -> None:
    """Polls ``predicate`` until it holds or fails the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(interval)


class ExampleBot:
    """``examples/bot.py`` run as a program against ``url``, signed in as ``email``; its
    output is read line by line as it comes."""

    PATH = Path(__file__).resolve().parents[1] / "examples" / "bot.py"

    def __init__(self, url: str, email: str) -> None:
        env = {**os.environ, "PORTHOLE_URL": url, "PORTHOLE_EMAIL": email, "PORTHOLE_PASSWORD": PASSWORD}
        # A job started in the background by a non-interactive shell inherits SIGINT as
        # ignored, and Python then installs no KeyboardInterrupt handler: `stop` (Ctrl-C)
        # would not reach the bot. Restore the default so the test does not depend on how
        # the suite was launched.
        self._process = subprocess.Popen(
            [sys.executable, str(self.PATH)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        self._lines: queue.Queue[str] = queue.Queue()
        assert self._process.stdout is not None
        self._stdout = self._process.stdout
        self._reader = threading.Thread(target=lambda: [self._lines.put(line) for line in self._stdout], daemon=True)
        self._reader.start()

    def next_line(self, timeout: float = 20) -> str:
        return self._lines.get(timeout=timeout)

    def stop(self) -> tuple[int, str]:
        """Interrupts the bot as Ctrl-C would; its exit code and the output not yet read."""
        self._process.send_signal(signal.SIGINT)
        try:
            code = self._process.wait(15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            raise
        finally:
            self._reader.join(5)
            self._stdout.close()
        return code, "".join(self._lines.queue)
