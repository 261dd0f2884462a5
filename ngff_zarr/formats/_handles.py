"""Open files shared by the lazy arrays of the readers: a few kept, every one closed.

A lazy array that reopened its file on each read and never closed it would leak a handle per
read (a ``ResourceWarning``); one that opened its file once would hold it until garbage
collection. Here a bounded least-recently-used set keeps the most recent files open: a handle
is closed when it is evicted, and all of them when the interpreter exits.
"""

from __future__ import annotations

import atexit
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

__all__ = ["OpenFiles"]

_T = TypeVar("_T")


class OpenFiles(Generic[_T]):
    """At most ``size`` open handles not in use, by key; ``close`` closes an evicted one.

    A handle is evicted (closed) only when no read is using it, so the set may hold more
    than ``size`` handles while more files than that are being read at once.

    >>> closed = []
    >>> files = OpenFiles(1, close=closed.append)
    >>> with files.use("a", lambda: "handle a") as a, files.use("b", lambda: "handle b") as b:
    ...     a, b, closed  # both in use: neither is closed
    ('handle a', 'handle b', [])
    >>> closed  # b was released while a was still in use: b is the one over the size
    ['handle b']
    """

    def __init__(self, size: int, *, close: Callable[[_T], Any]) -> None:
        self._size = size
        self._close = close
        self._open: OrderedDict[Hashable, _T] = OrderedDict()
        self._users: dict[Hashable, int] = {}
        self._lock = threading.Lock()
        atexit.register(self.clear)

    @contextmanager
    def use(self, key: Hashable, opener: Callable[[], _T]) -> Iterator[_T]:
        """The open handle for ``key`` (opened with ``opener`` if needed), held while in use."""
        with self._lock:
            if key in self._open:
                self._open.move_to_end(key)
            else:
                self._open[key] = opener()
            handle = self._open[key]
            self._users[key] = self._users.get(key, 0) + 1
        try:
            yield handle
        finally:
            with self._lock:
                self._users[key] -= 1
                if not self._users[key]:
                    del self._users[key]
                self._evict()

    def _evict(self) -> None:
        idle = [k for k in self._open if k not in self._users]
        for key in idle[: max(0, len(self._open) - self._size)]:
            self._close(self._open.pop(key))

    def clear(self) -> None:
        """Close every open handle."""
        with self._lock:
            while self._open:
                self._close(self._open.popitem(last=False)[1])
