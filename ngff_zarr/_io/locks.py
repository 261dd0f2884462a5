"""Locks around the read-modify-write of a well's metadata, chosen by store kind.

A local store gets an exclusive ``flock`` on a lock file inside the well group, which excludes
other threads and other processes on the same machine (and on file systems that honour flock).
The lock file is removed on release; a waiter that locked a file already removed retries, so
the removal is safe. Any other store gets a process-wide lock: it protects threads of one
process, which is all an in-memory store can be shared by. Object stores and HTTP offer no
locking; concurrent writers to one remote well must coordinate themselves.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Final

from zarr.abc.store import Store
from zarr.storage import LocalStore

__all__ = ["LOCK_FILE_NAME", "well_lock"]

LOCK_FILE_NAME: Final = ".ngff_zarr.lock"
_LOG = logging.getLogger(__name__)

StoreLock = Callable[[Store, str], AbstractContextManager[None]]

# A fixed pool of process-wide locks, picked by hashing (store, key): bounded memory, and two
# keys sharing a lock only serialise, never deadlock (a writer holds one lock at a time).
_STRIPES: Final = tuple(threading.Lock() for _ in range(64))


@contextlib.contextmanager
def _process_lock(store: Store, key: str) -> Iterator[None]:
    stripe = _STRIPES[zlib.crc32(f"{store}\0{key}".encode()) % len(_STRIPES)]
    with stripe:
        yield


@contextlib.contextmanager
def _file_lock(store: Store, key: str) -> Iterator[None]:
    import fcntl

    assert isinstance(store, LocalStore)
    directory = Path(store.root) / key
    directory.mkdir(parents=True, exist_ok=True)
    lock_path = directory / LOCK_FILE_NAME
    while True:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                same = os.stat(lock_path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
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
        with contextlib.suppress(FileNotFoundError):
            os.unlink(lock_path)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


# Store kind -> lock; looked up along the store class's MRO, the process lock otherwise.
_LOCKS: Final[dict[type[Store], StoreLock]] = {}
if hasattr(os, "O_RDWR") and os.name == "posix":
    _LOCKS[LocalStore] = _file_lock


def well_lock(store: Store, key: str) -> AbstractContextManager[None]:
    """An exclusive lock on the group ``key`` of ``store``, held for a read-modify-write."""
    for kind in type(store).__mro__:
        lock = _LOCKS.get(kind)
        if lock is not None:
            return lock(store, key)
    _LOG.debug(
        "%s has no cross-process lock: %s is locked for this process's threads only",
        type(store).__name__,
        key,
    )
    return _process_lock(store, key)
