"""A bounded, thread-safe least-recently-used cache: the wells and fields a plate keeps."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from ..errors import NgffValueError

__all__ = ["LRUCache"]


class LRUCache:
    """A thread-safe least-recently-used cache of at most ``max_size`` entries (0 keeps none).

    >>> cache = LRUCache(2)
    >>> cache.set("a", 1); cache.set("b", 2); _ = cache.get("a"); cache.set("c", 3)
    >>> "b" in cache, cache["a"], len(cache)
    (False, 1, 2)
    """

    def __init__(self, max_size: int = 100) -> None:
        if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 0:
            raise NgffValueError(f"cache size: expected an integer >= 0, got {max_size!r}")
        self.max_size = max_size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        """The value of ``key`` (now the most recently used), or ``default``."""
        with self._lock:
            if key not in self._items:
                return default
            self._items.move_to_end(key)
            return self._items[key]

    def set(self, key: Hashable, value: Any) -> None:
        """Store ``value``; the least recently used entries beyond ``max_size`` go."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.max_size:
                self._items.popitem(last=False)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._items

    def __getitem__(self, key: Hashable) -> Any:
        with self._lock:
            if key not in self._items:
                raise KeyError(key)
            self._items.move_to_end(key)
            return self._items[key]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


def _size(value: int | None, default: int, name: str) -> int:
    size = default if value is None else value
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise NgffValueError(f"{name}: expected an integer >= 0, got {value!r}")
    return size
