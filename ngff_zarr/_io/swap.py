"""Putting a finished staging tree in place: an atomic exchange where Linux has one
(``renameat2``), else a rename through a backup; hard links for what a rewrite keeps."""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import shutil
from pathlib import Path
from typing import Any, Final

from ..errors import WriteError

__all__ = ["link_tree", "swap_into_place"]

_RENAME_EXCHANGE: Final = 2


def link_tree(source: Path, destination: Path) -> None:
    """Hard-link ``source`` (a file or a tree) at ``destination``; copy where links fail."""
    if source.is_dir() and not source.is_symlink():
        shutil.copytree(source, destination, symlinks=True, copy_function=_link_or_copy)
    else:
        _link_or_copy(str(source), str(destination))


def _link_or_copy(source: str, destination: str) -> None:
    try:
        os.link(source, destination, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, destination, follow_symlinks=False)


def swap_into_place(staging: Path, final: Path, backup: Path) -> Path | None:
    """Put ``staging`` at ``final``; the path the replaced tree is left at, if any."""
    if not os.path.lexists(final):
        os.rename(staging, final)
        return None
    if _exchange(staging, final):
        return staging
    os.rename(final, backup)
    try:
        os.rename(staging, final)
    except BaseException:
        os.rename(backup, final)
        raise
    return backup


def _exchange(first: Path, second: Path) -> bool:
    """Swap two directories atomically (Linux ``renameat2``); False where unsupported."""
    function = _renameat2()
    if function is None:
        return False
    if function(-100, os.fsencode(first), -100, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EXDEV):
        return False
    raise WriteError(code, os.strerror(code), str(second))  # errno kept: see is_write_failure


@functools.cache
def _renameat2() -> Any:
    """libc's renameat2, or None (not Linux, or an old C library)."""
    if os.uname().sysname != "Linux":  # pragma: no cover
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # pragma: no cover - old C library
        return None
    function.argtypes = (
        ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint
    )  # fmt: skip
    function.restype = ctypes.c_int
    return function
