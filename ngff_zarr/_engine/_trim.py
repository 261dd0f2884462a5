"""Giving memory freed by the C allocator back to the operating system.

glibc's ``malloc`` serves arrays of a few MiB (below its adaptive ``mmap`` threshold, which
rises to 32 MiB) from per-thread arenas, and keeps what is freed there for reuse by the same
arena. A write from a source of many small chunks (one image plane each, say) computes a band
of them on one worker thread and frees it on others: each worker's arena grows to a band, and
the process holds several bands' worth of memory it no longer uses. ``malloc_trim(0)`` hands
the free pages of every arena back (it does not change any allocator setting). Elsewhere (not
glibc: macOS, musl, Windows) this does nothing.
"""

from __future__ import annotations

import ctypes
import functools
import sys
from collections.abc import Callable

__all__ = ["trim_freed_memory"]


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        # the process's own symbols hold libc's, as for statx and renameat2 in ``_io``
        # (find_library would run ldconfig, in a worker thread, mid-write)
        function = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None
    function.argtypes = (ctypes.c_size_t,)
    function.restype = ctypes.c_int
    return function


def trim_freed_memory() -> bool:
    """Return the C heap's free pages to the system; whether the allocator could."""
    function = _malloc_trim()
    if function is None:
        return False
    function(0)
    return True
