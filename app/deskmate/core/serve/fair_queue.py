"""One engine, many callers: a fair turn queue.

An engine answers one request at a time. Waiting requests are grouped by client and the
turn goes round the clients (round robin), first come first served within one client, so
an app that sends twenty requests cannot make another app wait for all twenty. A waiting
request whose caller hangs up leaves the queue at once. Past ``max_waiting`` the queue
says no (HTTP 429) with a Retry-After estimated from recent turn lengths.
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable

from deskmate.core.engines.api_errors import ApiError

POLL = 0.05  # how often a waiting request checks that its caller is still there


class CallerGone(Exception):
    """The caller disconnected while its request waited."""


class _Ticket:
    __slots__ = ("client", "granted")

    def __init__(self, client: str) -> None:
        self.client = client
        self.granted = False


class FairQueue:
    def __init__(self, max_waiting: int = 8, what: str = "the model") -> None:
        self.max_waiting = max_waiting
        self.what = what
        self._lock = threading.Condition()
        self._waiting: collections.OrderedDict[str, collections.deque[_Ticket]] = collections.OrderedDict()
        self._busy = False
        self._holder = ""  # the client whose turn it is (or was last)
        self._turn_seconds = 10.0  # a running average, for Retry-After
        self._started = 0.0

    @property
    def waiting(self) -> int:
        with self._lock:
            return sum(len(q) for q in self._waiting.values())

    @property
    def busy(self) -> bool:
        with self._lock:
            return self._busy

    def acquire(self, client: str, gone: Callable[[], bool] = lambda: False) -> None:
        """Block until it is this caller's turn. Raises ApiError(429) when full, CallerGone when it left."""
        with self._lock:
            if not self._busy and not self._waiting:
                self._grant_locked(client)
                return
            count = sum(len(q) for q in self._waiting.values())
            if count >= self.max_waiting:
                wait = self._turn_seconds * (count + 1)
                raise ApiError(429, f"The server is busy: {count} requests are waiting for {self.what}. "
                               f"Try again in about {max(1, round(wait))} s.", code="rate_limit_exceeded",
                               retry_after=wait)
            ticket = _Ticket(client)
            self._waiting.setdefault(client, collections.deque()).append(ticket)
            while not ticket.granted:
                self._lock.wait(POLL)
                if not ticket.granted and gone():
                    self._remove_locked(ticket)
                    raise CallerGone

    def release(self) -> None:
        with self._lock:
            took = time.monotonic() - self._started
            self._turn_seconds = 0.7 * self._turn_seconds + 0.3 * took
            self._busy = False
            self._next_locked()

    def _grant_locked(self, client: str) -> None:
        self._busy = True
        self._holder = client
        self._started = time.monotonic()

    def _next_locked(self) -> None:
        if self._busy or not self._waiting:
            return
        # The client that just had its turn goes after the others.
        order = sorted(self._waiting, key=lambda c: c == self._holder)
        client = order[0]
        queue = self._waiting[client]
        ticket = queue.popleft()
        # This client goes to the back of the round; it leaves it when it has nothing waiting.
        del self._waiting[client]
        if queue:
            self._waiting[client] = queue
        ticket.granted = True
        self._grant_locked(client)
        self._lock.notify_all()

    def _remove_locked(self, ticket: _Ticket) -> None:
        queue = self._waiting.get(ticket.client)
        if queue is None:
            return
        try:
            queue.remove(ticket)
        except ValueError:
            pass
        if not queue:
            del self._waiting[ticket.client]
