"""The zarrs backend: zarr-python with the Rust ``zarrs`` codec pipeline, for local stores.

zarr-python creates the arrays and writes their metadata exactly as the ``zarr`` backend
does; only the chunk encoding and I/O run in zarrs (``zarrs.ZarrsCodecPipeline``). An array
takes its codec pipeline from ``zarr.config`` when it is opened and keeps it, so the
pipeline is selected only while each level's array is created (one lock around it, so two
writes never interleave their settings) and the user's configuration is back as it was
before any region is written. The regions, written on the thread pool, use the arrays'
own pipeline; nothing else in the process sees zarrs.
"""

from __future__ import annotations

import errno
import os
import re
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import zarr

from ..errors import WriteError
from . import ArraySpec, WriteTarget
from ._zarr import ZarrBackend, _ZarrLevel

_PIPELINE = "zarrs.ZarrsCodecPipeline"
_SELECTING = threading.Lock()

# the compressors zarrs encodes itself (numcodecs ids)
_CODECS: frozenset[str] = frozenset({"zstd", "blosc", "gzip", "zlib"})


def refuses(target: WriteTarget) -> str | None:
    """Why the zarrs backend cannot write ``target`` (None: it can)."""
    from zarr.storage import LocalStore

    store = getattr(target.group, "store", None)
    if not isinstance(store, LocalStore):
        return f"zarrs writes local directories (a zarr LocalStore), not {type(store).__name__}"
    other = [c.id for c in target.compressors if c.id not in _CODECS]
    if other:
        return f"compressors {other} are not among zarrs' {sorted(_CODECS)}"
    return None


_T = TypeVar("_T")
# zarrs reports a failed system call as RuntimeError("... (os error 28)")
_OS_ERROR = re.compile(r"\(os error (\d+)\)")


def _io(run: Callable[[], _T]) -> _T:
    """``run()``, with zarrs' I/O failures raised as :class:`WriteError` (errno set)."""
    try:
        return run()
    except RuntimeError as exc:
        found = _OS_ERROR.search(str(exc))
        if found is None:
            raise
        code = int(found.group(1)) or errno.EIO
        raise WriteError(code, f"{os.strerror(code)} (zarrs: {exc})") from exc


class _ZarrsLevel(_ZarrLevel):
    def write(self, key: tuple[slice, ...], data: np.ndarray) -> None:
        _io(lambda: _ZarrLevel.write(self, key, data))

    def read(self, key: tuple[slice, ...]) -> np.ndarray:
        return _io(lambda: _ZarrLevel.read(self, key))


class ZarrsBackend(ZarrBackend):
    name = "zarrs"

    def __init__(self, *, group: zarr.Group, **kwargs: Any) -> None:
        import zarrs  # noqa: F401  # its presence is checked by the backend registry

        super().__init__(group=group, **kwargs)

    def create(self, spec: ArraySpec) -> _ZarrsLevel:
        with _SELECTING, zarr.config.set({"codec_pipeline.path": _PIPELINE}):
            level = super().create(spec)
        return _ZarrsLevel(level._array)
