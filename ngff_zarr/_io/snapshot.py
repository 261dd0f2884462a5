"""Reading a stored image as one version: the identity of its directory, and where data comes from.

A local store is replaced by renaming a complete new tree over the old one, so a directory's
identity (device, inode and, where the file system records it, birth time) names one version
of it. A reader notes the identity of the image's directory when it opens it, and every read
checks it afterwards: data read while the directory was still the one opened is of that
version; a read that may have reached a newer tree raises :class:`ReadError` instead of
mixing two versions. Remote stores have no such identity (see ``docs/pipeline.md``).

Arrays opened by :func:`~ngff_zarr.from_ngff_zarr` also remember where they live, so a write
can tell when its source is the target it is about to replace in place.
"""

from __future__ import annotations

import ctypes
import functools
import os
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
from zarr.abc.store import Store

from ..errors import NgffZarrError, ReadError

__all__ = [
    "Location",
    "StoredArray",
    "location_of",
    "register_source",
    "sources_of",
    "stored_array",
    "tree_identity",
]

Identity = tuple[int, int, int]
_AT_FDCWD: Final = -100
_STATX_INO_BTIME: Final = 0x100 | 0x800


class _Timestamp(ctypes.Structure):
    _fields_ = (("sec", ctypes.c_int64), ("nsec", ctypes.c_uint32), ("_reserved", ctypes.c_int32))


class _Statx(ctypes.Structure):
    # struct statx of <linux/stat.h> (256 bytes)
    _fields_ = (
        ("mask", ctypes.c_uint32),
        ("blksize", ctypes.c_uint32),
        ("attributes", ctypes.c_uint64),
        ("nlink", ctypes.c_uint32),
        ("uid", ctypes.c_uint32),
        ("gid", ctypes.c_uint32),
        ("mode", ctypes.c_uint16),
        ("_pad", ctypes.c_uint16),
        ("ino", ctypes.c_uint64),
        ("size", ctypes.c_uint64),
        ("blocks", ctypes.c_uint64),
        ("attributes_mask", ctypes.c_uint64),
        ("atime", _Timestamp),
        ("btime", _Timestamp),
        ("ctime", _Timestamp),
        ("mtime", _Timestamp),
        ("rdev_major", ctypes.c_uint32),
        ("rdev_minor", ctypes.c_uint32),
        ("dev_major", ctypes.c_uint32),
        ("dev_minor", ctypes.c_uint32),
        ("_spare", ctypes.c_uint64 * 14),
    )


@functools.cache
def _statx() -> Any:
    """libc's statx, or None (not Linux, or an old C library)."""
    if os.uname().sysname != "Linux":  # pragma: no cover
        return None
    try:
        # the process's own symbols hold libc's (find_library would run ldconfig: ~2 ms)
        libc = ctypes.CDLL(None, use_errno=True)
        function = libc.statx
    except (OSError, AttributeError):  # pragma: no cover
        return None
    function.argtypes = (
        ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_uint, ctypes.POINTER(_Statx)
    )  # fmt: skip
    function.restype = ctypes.c_int
    return function


def tree_identity(path: Path) -> Identity | None:
    """The identity of the directory ``path`` (None when it does not exist).

    The inode number alone could come back for a later tree once the first is deleted; the
    birth time, where the file system records it, tells them apart.
    """
    statx = _statx()
    if statx is not None:
        buf = _Statx()
        if statx(_AT_FDCWD, os.fsencode(path), 0, _STATX_INO_BTIME, ctypes.byref(buf)) == 0:
            born = buf.btime.sec * 1_000_000_000 + buf.btime.nsec if buf.mask & 0x800 else 0
            return (os.makedev(buf.dev_major, buf.dev_minor), buf.ino, born)
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, 0)


@dataclass(frozen=True, slots=True)
class Location:
    """Where an array or group lives: the store (by identity) and the key inside it."""

    store: tuple[str, str]
    key: str

    def under(self, other: Location) -> bool:
        """Whether this location is ``other`` or inside it."""
        if self.store != other.store:
            return False
        return not other.key or self.key == other.key or self.key.startswith(other.key + "/")

    def relative_to(self, other: Location) -> str:
        """The key below ``other`` (this location must be under it)."""
        return self.key[len(other.key) :].strip("/") if other.key else self.key


def location_of(store: Store, key: str) -> Location:
    """The location of ``key`` in ``store``, comparable across store objects of one place."""
    root = getattr(store, "root", None)
    if isinstance(root, Path):
        return Location(("file", os.path.realpath(root)), key.strip("/"))
    fs = getattr(store, "fs", None)
    if fs is not None:
        protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
        base = str(getattr(store, "path", "")).strip("/")
        return Location(("fsspec", f"{protocol}://{base}"), key.strip("/"))
    backing = getattr(store, "_store_dict", store)  # a MemoryStore's dict, shared by copies
    return Location(("memory", str(id(backing))), key.strip("/"))


class StoredArray:
    """A stored array as dask reads it: the data of one version of its image, and its location.

    ``directory`` and ``identity`` pin a local image's directory (see the module docstring);
    without them reads are not checked.
    """

    def __init__(
        self,
        array: Any,
        location: Location,
        *,
        directory: Path | None = None,
        identity: Identity | None = None,
    ) -> None:
        self._array = array
        self.location = location
        self._directory = directory
        self._identity = identity
        self.shape = tuple(int(s) for s in array.shape)
        self.dtype = np.dtype(array.dtype)
        self.ndim = len(self.shape)
        self.chunks = array.chunks
        self.shards = getattr(array, "shards", None)
        self.store = array.store
        self.path = array.path

    @property
    def source(self) -> Any:
        """What the reads go to: a zarr array, or a tensorstore reader of one."""
        return self._array

    def __getitem__(self, key: Any) -> np.ndarray:
        try:
            data = np.asarray(self._array[key])
        except NgffZarrError:
            raise
        except Exception as exc:  # the decoders' own errors (zarr, numcodecs, tensorstore)
            self.check()  # a tree replaced under the read explains it best
            raise ReadError(
                f"{self._where()}: reading {_describe_key(key)} failed: {type(exc).__name__}: {exc}"
            ) from exc
        self.check()
        return data

    def _where(self) -> str:
        root = self.location.store[1]
        return f"{root.rstrip('/')}/{self.location.key}" if self.location.key else root

    def check(self) -> None:
        """Raise :class:`ReadError` when the image's directory is no longer the one opened."""
        if self._directory is not None and tree_identity(self._directory) != self._identity:
            raise ReadError(
                f"{self._directory} was replaced by another write while it was being read; "
                "open it again to read the new version"
            )


def _describe_key(key: Any) -> str:
    parts = key if isinstance(key, tuple) else (key,)
    shown = [f"{p.start or 0}:{p.stop}" if isinstance(p, slice) else repr(p) for p in parts]
    return f"[{', '.join(shown)}]"


_SOURCES: weakref.WeakValueDictionary[str, StoredArray] = weakref.WeakValueDictionary()


def register_source(name: str, array: StoredArray) -> None:
    """Remember that the dask array ``name`` reads ``array`` (for :func:`sources_of`)."""
    _SOURCES[name] = array


def stored_array(data: Any) -> StoredArray | None:
    """The stored array that the dask array ``data`` is, unchanged (as from_ngff_zarr made
    it); None for any other array, a derived one included."""
    source = _SOURCES.get(getattr(data, "name", None) or "")
    if source is None or tuple(getattr(data, "shape", ())) != source.shape:
        return None
    return source


def sources_of(arrays: Iterable[Any]) -> list[Location]:
    """The stored locations the dask ``arrays`` read from (as opened by from_ngff_zarr)."""
    found: dict[Location, None] = {}
    for array in arrays:
        graph = getattr(array, "dask", None)
        layers = getattr(graph, "layers", None)
        names = layers.keys() if isinstance(layers, dict) else [getattr(array, "name", "")]
        for name in names:
            source = _SOURCES.get(name)
            if source is not None:
                found[source.location] = None
    return list(found)
