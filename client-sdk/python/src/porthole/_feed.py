"""Feeds that stay open: WatchWorkspace and WatchVisitorFeed as (async) iterators that
reopen a dropped stream from the last cursor, with backoff, and start over when the server
no longer has that cursor.

What the server promises (proto comments of WatchWorkspace / WatchVisitorFeed): every stream
first sends a heartbeat carrying its starting cursor; after that it replays everything after
the cursor it was given, then streams live, never sending an event at or below that cursor;
heartbeats (every 15 s when idle) and typing events repeat the cursor of the last stored
event; a cursor the server does not know answers OUT_OF_RANGE.

What a feed does with it, in :meth:`Feed.__next__` and :meth:`AsyncFeed.__anext__`:

1. *Commit*: the cursor moves to the event handed out last time only now, when the caller
   comes back for the next one, i.e. after its loop body finished with that event. So a
   cursor stored from :attr:`Feed.cursor` never points past an event still being handled.
2. *Open* a stream after the committed cursor (empty: from now) when none is open.
3. *Read* with an idle watchdog: a stream silent for three heartbeats is dropped, as a
   stuck stream would never end by itself (a dead connection is found sooner by the
   channel's keepalive pings, ``porthole._channel.DEFAULT_OPTIONS``).
4. On the first item of a stream opened without a cursor, call ``on_reset``: events before
   it may have been missed, so the caller reloads what it holds; everything after it
   arrives through the feed.
5. Heartbeats move the cursor at once (they carry nothing to handle) and are swallowed
   unless asked for; any other event is handed out.
6. When a stream ends: resume after a transient failure (UNAVAILABLE, INTERNAL, …) or a
   silent stream, waiting :func:`reconnect_delay` (at least the server's ``retry-after``);
   forget the cursor on OUT_OF_RANGE; refresh the member's session once on
   UNAUTHENTICATED; raise anything else.

**Invariant (no gaps, no duplicates):** the cursor only ever holds the position of an item
that was fully handled (or a heartbeat), and every stream is opened after it; the server
sends nothing at or below it and everything above it. So a resumed stream neither skips
nor repeats an event, however often the connection drops.
"""

from __future__ import annotations

import asyncio
import collections
import inspect
import random
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, Generic, Literal, Protocol, TypeVar

import grpc

from porthole._errors import PortholeError
from porthole._session import session_ended

#: What a feed is doing, for a "reconnecting…" hint in a UI.
FeedStatus = Literal["connecting", "live", "reconnecting", "stopped"]

#: Seconds a stream may stay silent before it counts as dead: three of the server's
#: heartbeats, which an idle feed sends every 15 s, the first as soon as a stream opens.
IDLE_TIMEOUT = 45.0

#: The longest wait between two reconnect attempts, in seconds.
MAX_RECONNECT_DELAY = 10.0

#: Codes after which a stream is simply reopened from its cursor. INTERNAL is among them
#: because the server ends a feed with it when a replay fails, expecting a retry.
TRANSIENT_CODES = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.UNKNOWN,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.ABORTED,
        grpc.StatusCode.CANCELLED,
    }
)


def reconnect_delay(attempt: int, rand: Callable[[], float] = random.random) -> float:
    """Seconds to wait before reconnect attempt ``attempt`` (0 for the first after a drop):
    a ceiling doubling from 0.5 s up to :data:`MAX_RECONNECT_DELAY`, and a random wait
    between half the ceiling and all of it, so that many clients do not come back at the
    same instant after a server restart (the same rule as ``@porthole/client/rules``)."""
    ceiling = min(MAX_RECONNECT_DELAY, 0.5 * 2 ** min(attempt, 10))
    return ceiling / 2 + rand() * ceiling / 2


class _Event(Protocol):
    """What a feed needs of a response message: its cursor and its oneof."""

    cursor: str

    def WhichOneof(self, oneof_group: str) -> str | None: ...


T = TypeVar("T", bound=_Event)


def _is_heartbeat(item: _Event) -> bool:
    return item.WhichOneof("event") == "heartbeat"


class _Resume:
    """The state both feed kinds share between streams, and the decision after one ends."""

    def __init__(
        self,
        cursor: str,
        heartbeats: bool,
        can_refresh: bool,
        backoff: Callable[[int], float],
    ) -> None:
        self.cursor = cursor
        self.pending: _Event | None = None
        self.heartbeats = heartbeats
        self.can_refresh = can_refresh
        self.backoff = backoff
        self.attempt = 0
        self.refreshed = False
        self.fresh = False
        self.opened = False
        self.ever_live = False

    def commit(self) -> None:
        """Step 1: the caller is back, so the item handed out last was handled."""
        if self.pending is not None and self.pending.cursor:
            self.cursor = self.pending.cursor
        self.pending = None

    def opening(self) -> FeedStatus:
        """Step 2: a stream is about to open; returns the status to show meanwhile."""
        self.fresh = self.cursor == ""
        self.opened = False
        return "reconnecting" if self.ever_live else "connecting"

    def first_item(self) -> bool:
        """Step 4: the stream's first item arrived; True when ``on_reset`` is due."""
        self.opened = True
        self.ever_live = True
        self.attempt = 0
        self.refreshed = False
        return self.fresh

    def take(self, item: _Event) -> bool:
        """Step 5: True when ``item`` is to be handed out (see :meth:`hand_out`)."""
        if _is_heartbeat(item):
            if item.cursor and self.pending is None:
                self.cursor = item.cursor
            return self.heartbeats
        return True

    def hand_out(self, item: _Event) -> None:
        """``item`` goes to the caller; its cursor is committed when the caller is back."""
        self.pending = item

    def after(self, error: PortholeError | None) -> tuple[str, float]:
        """Step 6: what to do after a stream ended with ``error`` (None: it ended cleanly
        or went silent). Returns ``("resume", seconds)`` or ``("refresh", 0)``; raises
        ``error`` when it is final."""
        retry_after = 0.0
        if error is not None:
            if error.code == grpc.StatusCode.OUT_OF_RANGE:
                self.cursor = ""
            elif error.code == grpc.StatusCode.UNAUTHENTICATED and self.can_refresh and not self.refreshed:
                self.refreshed = True
                return ("refresh", 0.0)
            elif error.code in TRANSIENT_CODES:
                retry_after = error.retry_after or 0.0
            else:
                raise error
        delay = max(retry_after, self.backoff(self.attempt))
        self.attempt += 1
        return ("resume", delay)

    def refresh_failed(self, error: PortholeError) -> float:
        """A refresh after UNAUTHENTICATED failed: raise when the session is gone, else
        wait and try the stream (and so the refresh) again."""
        if session_ended(error):
            raise error
        self.refreshed = False
        delay = max(error.retry_after or 0.0, self.backoff(self.attempt))
        self.attempt += 1
        return delay


class _Watchdog:
    """Cancels a stream that stays silent for ``idle`` seconds while the feed waits on it
    (never while the caller handles an item). One thread per open stream."""

    def __init__(self, idle: float | None, cancel: Callable[[], Any]) -> None:
        self.fired = False
        self._idle = idle
        self._cancel = cancel
        self._deadline: float | None = None
        self._stopped = False
        self._cond = threading.Condition()
        if idle is not None:
            threading.Thread(target=self._run, name="porthole-feed-watchdog", daemon=True).start()

    def arm(self) -> None:
        if self._idle is None:
            return
        with self._cond:
            self._deadline = time.monotonic() + self._idle
            self._cond.notify()

    def disarm(self) -> None:
        with self._cond:
            self._deadline = None

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify()

    def _run(self) -> None:
        with self._cond:
            while not self._stopped:
                if self._deadline is None:
                    self._cond.wait()
                    continue
                remaining = self._deadline - time.monotonic()
                if remaining > 0:
                    self._cond.wait(remaining)
                    continue
                self.fired = True
                self._deadline = None
                self._stopped = True
        if self.fired:
            self._cancel()


class Feed(Generic[T]):
    """A live feed as an iterator that stays open: ``for event in feed: …``.

    Made by :meth:`porthole.Client.watch_workspace` and
    :meth:`porthole.VisitorSession.watch`. Yields the stream's response messages
    (``WatchWorkspaceResponse`` / ``WatchVisitorFeedResponse``), heartbeats left out unless
    asked for. A dropped stream is reopened from :attr:`cursor` with backoff, so the loop
    sees every event once, in order; see the module docs of ``porthole._feed`` for the
    exact rules. Iteration ends only through :meth:`close` (or ``break``); errors that
    retrying cannot fix raise :class:`porthole.PortholeError`.

    A feed begun from now (no ``cursor``) starts where the server puts its first stream:
    at the first ``next()``, or earlier with :meth:`open` or ``with``, which wait until
    the stream is live, so that whatever happens after them is delivered.

    Each event is handed out once. :attr:`cursor` moves past an event only when the loop
    comes back for the next one, so it never points past an event still being handled:
    to resume in another process, store it (or ``event.cursor`` once that event is
    handled) and pass it as ``cursor=`` to a new feed.
    """

    def __init__(
        self,
        open_stream: Callable[[str], Any],
        *,
        cursor: str = "",
        on_reset: Callable[[], object] | None = None,
        on_status: Callable[[FeedStatus], object] | None = None,
        heartbeats: bool = False,
        idle_timeout: float | None = IDLE_TIMEOUT,
        refresh: Callable[[], object] | None = None,
        backoff: Callable[[int], float] = reconnect_delay,
    ) -> None:
        """Prepares a feed; nothing is opened before :meth:`open` or the first ``next()``.

        Args:
            open_stream: Opens one stream after a cursor (empty: from now); returns an
                iterator of response messages with ``cancel()``, raising PortholeError.
            cursor: Where to resume (an event's ``cursor`` from an earlier feed).
            on_reset: Called when a stream opened without a cursor (at the start of a
                feed begun from now, and after OUT_OF_RANGE): reload what you hold.
            on_status: Told each change of :data:`FeedStatus`.
            heartbeats: Also yield the server's heartbeats.
            idle_timeout: Seconds of silence after which a stream is dropped and resumed;
                None turns the watchdog off.
            refresh: Refreshes the credentials after UNAUTHENTICATED (members only).
            backoff: Seconds to wait before reconnect attempt n.
        """
        self._open_stream = open_stream
        self._on_reset = on_reset
        self._on_status = on_status
        self._idle = idle_timeout
        self._refresh = refresh
        self._state = _Resume(cursor, heartbeats, refresh is not None, backoff)
        self._status: FeedStatus = "stopped"
        self._call: Any = None
        self._watchdog: _Watchdog | None = None
        self._stash: collections.deque[T] = collections.deque()
        self._closed = False
        self._wake = threading.Event()

    @property
    def cursor(self) -> str:
        """The position after the last handled event: what a reconnect resumes from."""
        return self._state.cursor

    @property
    def status(self) -> FeedStatus:
        """What the feed is doing now."""
        return self._status

    def open(self) -> Feed[T]:
        """Opens the stream now and waits until it is live (its first item arrived), so
        that everything from here on is delivered; returns the feed."""
        while not self._closed and not (self._call is not None and self._state.opened):
            item = self._pull()
            if item is not None:
                self._stash.append(item)
        return self

    def __iter__(self) -> Iterator[T]:
        """The feed is its own iterator: a second loop continues where the first stopped."""
        return self

    def __next__(self) -> T:
        """The next event, reconnecting as often as needed to get it."""
        self._state.commit()
        while not self._closed:
            item = self._stash.popleft() if self._stash else self._pull()
            if item is not None:
                self._state.hand_out(item)
                return item
        self._set_status("stopped")
        raise StopIteration

    def close(self) -> None:
        """Ends the feed: cancels the open stream and stops iteration. Safe from any thread
        and more than once."""
        self._closed = True
        self._wake.set()
        self._drop()
        self._set_status("stopped")

    def __enter__(self) -> Feed[T]:
        """``with client.watch_workspace() as feed:`` opens the feed (see :meth:`open`)
        and closes it on the way out."""
        return self.open()

    def __exit__(self, *exc: object) -> None:
        """Closes the feed."""
        self.close()

    def __del__(self) -> None:
        """An abandoned feed still cancels its stream."""
        try:
            self._drop()
        except Exception:
            pass

    def _pull(self) -> T | None:
        """Steps 2 to 6 once: reads one item (opening a stream first if none is open) and
        returns it when it is to be handed out; None after anything else."""
        error: PortholeError | None = None
        try:
            call, watchdog = self._call, self._watchdog
            if call is None or watchdog is None:
                self._set_status(self._state.opening())
                call = self._open_stream(self._state.cursor)
                watchdog = _Watchdog(self._idle, call.cancel)
                self._call, self._watchdog = call, watchdog
                if self._closed:  # closed from another thread meanwhile
                    self._drop()
            watchdog.arm()
            try:
                item = next(call)
            finally:
                watchdog.disarm()
        except StopIteration:
            pass
        except PortholeError as e:
            error = e
        else:
            if not self._state.opened and self._first_item():
                return None
            return item if self._state.take(item) else None
        self._after_stream(error)
        return None

    def _first_item(self) -> bool:
        """Handles a stream's first item; True when the stream was dropped meanwhile."""
        if self._state.first_item() and self._on_reset is not None:
            try:
                self._on_reset()
            except BaseException:
                self._drop()
                raise
        if self._closed:
            return True
        self._set_status("live")
        return False

    def _after_stream(self, error: PortholeError | None) -> None:
        idle = self._watchdog is not None and self._watchdog.fired
        self._drop()
        if self._closed:
            return
        try:
            action, delay = self._state.after(None if idle else error)
            if action == "refresh":
                assert self._refresh is not None
                try:
                    self._refresh()
                    return
                except PortholeError as e:
                    delay = self._state.refresh_failed(e)
        except PortholeError:
            self._closed = True
            self._set_status("stopped")
            raise
        self._set_status("reconnecting")
        self._wake.wait(delay)

    def _drop(self) -> None:
        call, self._call = self._call, None
        watchdog, self._watchdog = self._watchdog, None
        if watchdog is not None:
            watchdog.stop()
        if call is not None:
            call.cancel()

    def _set_status(self, status: FeedStatus) -> None:
        if status != self._status:
            self._status = status
            if self._on_status is not None:
                self._on_status(status)


async def _maybe_await(value: object) -> None:
    if inspect.isawaitable(value):
        await value


class AsyncFeed(Generic[T]):
    """A live feed as an async iterator that stays open: ``async for event in feed: …``.

    Made by :meth:`porthole.AsyncClient.watch_workspace` and
    :meth:`porthole.AsyncVisitorSession.watch`; the same rules as :class:`Feed`. Callbacks
    may be plain functions or coroutine functions. ``async with`` opens it (waiting until
    it is live) and closes it; otherwise stop it with :meth:`aclose` or by cancelling the
    task that reads it.
    """

    def __init__(
        self,
        open_stream: Callable[[str], Any],
        *,
        cursor: str = "",
        on_reset: Callable[[], object | Awaitable[object]] | None = None,
        on_status: Callable[[FeedStatus], object | Awaitable[object]] | None = None,
        heartbeats: bool = False,
        idle_timeout: float | None = IDLE_TIMEOUT,
        refresh: Callable[[], Awaitable[object]] | None = None,
        backoff: Callable[[int], float] = reconnect_delay,
    ) -> None:
        """Prepares a feed; nothing is opened before :meth:`open` or the first
        ``anext()``. The arguments are those of :class:`Feed`, with ``open_stream``
        returning a ``grpc.aio`` stream call and ``refresh`` a coroutine function."""
        self._open_stream = open_stream
        self._on_reset = on_reset
        self._on_status = on_status
        self._idle = idle_timeout
        self._refresh = refresh
        self._state = _Resume(cursor, heartbeats, refresh is not None, backoff)
        self._status: FeedStatus = "stopped"
        self._call: Any = None
        self._stash: collections.deque[T] = collections.deque()
        self._closed = False
        self._wake: asyncio.Event | None = None

    @property
    def cursor(self) -> str:
        """The position after the last handled event: what a reconnect resumes from."""
        return self._state.cursor

    @property
    def status(self) -> FeedStatus:
        """What the feed is doing now."""
        return self._status

    async def open(self) -> AsyncFeed[T]:
        """Opens the stream now and waits until it is live; returns the feed."""
        while not self._closed and not (self._call is not None and self._state.opened):
            item = await self._pull()
            if item is not None:
                self._stash.append(item)
        return self

    def __aiter__(self) -> AsyncFeed[T]:
        """The feed is its own async iterator: a second loop continues where the first
        stopped."""
        return self

    async def __anext__(self) -> T:
        """The next event, reconnecting as often as needed to get it."""
        self._state.commit()
        while not self._closed:
            item = self._stash.popleft() if self._stash else await self._pull()
            if item is not None:
                self._state.hand_out(item)
                return item
        await self._set_status("stopped")
        raise StopAsyncIteration

    async def aclose(self) -> None:
        """Ends the feed: cancels the open stream and stops iteration."""
        self.close()

    def close(self) -> None:
        """Ends the feed without awaiting (usable from sync code on the loop's thread)."""
        self._closed = True
        if self._wake is not None:
            self._wake.set()
        self._drop()
        self._status = "stopped"

    async def __aenter__(self) -> AsyncFeed[T]:
        """``async with client.watch_workspace() as feed:`` opens the feed (see
        :meth:`open`) and closes it on the way out."""
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        """Closes the feed."""
        self.close()

    def __del__(self) -> None:
        """An abandoned feed still cancels its stream."""
        try:
            self._drop()
        except Exception:
            pass

    async def _pull(self) -> T | None:
        """Steps 2 to 6 once, as :meth:`Feed._pull`."""
        error: PortholeError | None = None
        idle = False
        try:
            if self._call is None:
                await self._set_status(self._state.opening())
                self._call = self._open_stream(self._state.cursor)
            item = await asyncio.wait_for(self._call.read(), self._idle)
        except asyncio.TimeoutError:  # TimeoutError itself from Python 3.11 on
            idle = True
        except PortholeError as e:
            error = e
        else:
            if item is not grpc.aio.EOF:
                if not self._state.opened and await self._first_item():
                    return None
                return item if self._state.take(item) else None
        await self._after_stream(None if idle else error)
        return None

    async def _first_item(self) -> bool:
        if self._state.first_item() and self._on_reset is not None:
            try:
                await _maybe_await(self._on_reset())
            except BaseException:
                self._drop()
                raise
        if self._closed:
            return True
        await self._set_status("live")
        return False

    async def _after_stream(self, error: PortholeError | None) -> None:
        self._drop()
        if self._closed:
            return
        try:
            action, delay = self._state.after(error)
            if action == "refresh":
                assert self._refresh is not None
                try:
                    await self._refresh()
                    return
                except PortholeError as e:
                    delay = self._state.refresh_failed(e)
        except PortholeError:
            self._closed = True
            await self._set_status("stopped")
            raise
        await self._set_status("reconnecting")
        if self._wake is None:
            self._wake = asyncio.Event()
        try:
            await asyncio.wait_for(self._wake.wait(), delay)
        except asyncio.TimeoutError:  # TimeoutError itself from Python 3.11 on
            pass

    def _drop(self) -> None:
        call, self._call = self._call, None
        if call is not None:
            call.cancel()

    async def _set_status(self, status: FeedStatus) -> None:
        if status != self._status:
            self._status = status
            if self._on_status is not None:
                await _maybe_await(self._on_status(status))
