"""Locks for read-modify-writes of a store, chosen by store kind.

A local store gets ``flock`` locks on lock files inside the store (next to what they protect),
which exclude other threads and other processes on the same machine (and on file systems that
honour flock). A lock file is removed on release by whoever holds it exclusively; a waiter that
locked a file already removed retries, so the removal is safe. Any other store gets
process-wide locks: they protect threads of one process, which is all an in-memory store can be
shared by. Object stores and HTTP offer no locking; concurrent writers to one remote image or
well must coordinate themselves.

- :func:`well_lock`: one exclusive lock on a group, for a read-modify-write of its metadata.
- :func:`unit_locks`: exclusive locks on many write units (shards or chunks) of arrays, taken
  together in one global order, so that writers holding several never deadlock.
- :func:`image_lock`: a shared or exclusive lock on an image (region writes share it; an
  append, which changes the arrays' shapes, holds it alone).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import threading
import zlib
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path
from typing import Final

from zarr.abc.store import Store
from zarr.storage import LocalStore

__all__ = ["LOCK_FILE_NAME", "image_lock", "unit_locks", "well_lock"]

LOCK_FILE_NAME: Final = ".ngff_zarr.lock"

_LOG = logging.getLogger(__name__)

# A fixed pool of process-wide locks, picked by hashing (store, key): bounded memory. A writer
# that needs several takes each stripe once, in stripe order, so sharing never deadlocks.
_STRIPES: Final = tuple(threading.Lock() for _ in range(64))


def _stripe(store: Store, key: str) -> int:
    return zlib.crc32(f"{store}\0{key}".encode()) % len(_STRIPES)


def _local(store: Store) -> bool:
    return os.name == "posix" and any(kind is LocalStore for kind in type(store).__mro__)


@contextlib.contextmanager
def _file_lock(path: Path, *, shared: bool = False) -> Iterator[None]:
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
            same = _same_file(path, fd)
        except BaseException:
            os.close(fd)
            raise
        if same:
            break
        # The holder before us removed the file we locked: lock the current one instead.
        os.close(fd)
    try:
        yield
    finally:
        try:
            if shared:  # remove the file only when no one else holds it
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                else:
                    _remove(path, fd)
            else:
                _remove(path, fd)
        finally:
            os.close(fd)  # releases the lock


def _same_file(path: Path, fd: int) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False


def _remove(path: Path, fd: int) -> None:
    if _same_file(path, fd):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


def _lock_path(store: Store, key: str, name: str) -> Path:
    assert isinstance(store, LocalStore)
    return Path(store.root) / key / name


@contextlib.contextmanager
def _process_lock(store: Store, key: str) -> Iterator[None]:
    _LOG.debug(
        "%s has no cross-process lock: %s is locked for this process's threads only",
        type(store).__name__,
        key,
    )
    with _STRIPES[_stripe(store, key)]:
        yield


def well_lock(store: Store, key: str) -> AbstractContextManager[None]:
    """An exclusive lock on the group ``key`` of ``store``, held for a read-modify-write."""
    if _local(store):
        return _file_lock(_lock_path(store, key, LOCK_FILE_NAME))
    return _process_lock(store, key)


@contextlib.contextmanager
def unit_locks(store: Store, units: Iterable[tuple[str, tuple[int, ...]]]) -> Iterator[None]:
    """Exclusive locks on write units, each given as (array key, unit grid index).

    All are taken before the body runs, in one order (sorted), and released after it.
    """
    wanted = sorted(set(units))
    with ExitStack() as stack:
        if _local(store):
            for key, index in wanted:
                name = f"{LOCK_FILE_NAME}.{'.'.join(str(i) for i in index)}"
                stack.enter_context(_file_lock(_lock_path(store, key, name)))
        else:
            stripes = sorted({_stripe(store, f"{key}/{index}") for key, index in wanted})
            for stripe in stripes:
                stack.enter_context(_STRIPES[stripe])
        yield


class _SharedLock:
    """A process-wide lock that many readers share or one writer holds."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._readers = 0
        self._writer = False

    @contextlib.contextmanager
    def hold(self, shared: bool) -> Iterator[None]:
        with self._condition:
            if shared:
                self._condition.wait_for(lambda: not self._writer)
                self._readers += 1
            else:
                self._condition.wait_for(lambda: not self._writer and not self._readers)
                self._writer = True
        try:
            yield
        finally:
            with self._condition:
                if shared:
                    self._readers -= 1
                else:
                    self._writer = False
                self._condition.notify_all()


_SHARED: Final[dict[str, _SharedLock]] = {}
_SHARED_GUARD: Final = threading.Lock()


def image_lock(store: Store, key: str, *, shared: bool) -> AbstractContextManager[None]:
    """A lock on the image group ``key``: ``shared`` by region writes, exclusive for appends."""
    if _local(store):
        return _file_lock(_lock_path(store, key, f"{LOCK_FILE_NAME}.image"), shared=shared)
    with _SHARED_GUARD:
        lock = _SHARED.setdefault(f"{store}\0{key}", _SharedLock())
    return lock.hold(shared)
