"""Reading arrays with tensorstore when it is installed: its C++ decoding runs concurrently
across chunks and shards, without the GIL, which makes whole-level reads several times faster
than one dask task per zarr chunk (see benchmarks/bench_stream.py, case "read")."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .._arrays import BoxReader
from ..config import config

_LOG = logging.getLogger(__name__)
_CONTEXT: Any = None
_LOCK = threading.Lock()


def _context(ts: Any) -> Any:
    global _CONTEXT
    with _LOCK:
        if _CONTEXT is None:
            _CONTEXT = ts.Context({"data_copy_concurrency": {"limit": "shared"}})
        return _CONTEXT


class TensorStoreArray(BoxReader):
    """A read-only array over a tensorstore handle (for ``dask.array.from_array``); a key
    reads exactly the box it asks for (see :class:`~ngff_zarr._arrays.BoxReader`).
    ``zarr_array`` is the zarr-python array it was opened for (its metadata, and what reads
    any key this reader does not)."""

    def __init__(self, handle: Any, zarr_array: Any, where: str) -> None:
        super().__init__(handle, where, zarr_array.dtype)
        self.zarr_array = zarr_array
        self.chunks = zarr_array.chunks
        self.shards = getattr(zarr_array, "shards", None)
        self.store = zarr_array.store
        self.path = zarr_array.path

    def read_box(self, box: tuple[slice, ...]) -> np.ndarray:
        return np.asarray(self._source[box].read().result())


def open_local(
    zarr_arrays: Sequence[Any], root: Path, zarr_format: int
) -> list[TensorStoreArray | None]:
    """Tensorstore views of local zarr arrays (one per array, None where tensorstore cannot
    serve it, or ``config.read_backend`` is ``"zarr"``); the opens run concurrently."""
    if config.read_backend == "zarr":
        return [None] * len(zarr_arrays)
    try:
        import tensorstore as ts
    except ImportError:
        return [None] * len(zarr_arrays)
    pending = [_start(ts, a, root, zarr_format) for a in zarr_arrays]
    return [
        _finish(a, *p) if p is not None else None for a, p in zip(zarr_arrays, pending, strict=True)
    ]


def _start(ts: Any, zarr_array: Any, root: Path, zarr_format: int) -> tuple[str, Any, Any] | None:
    """(where, spec, the open's future), or None for a dtype read with zarr-python."""
    dtype = np.dtype(zarr_array.dtype)
    if dtype.kind not in "biuf" or not dtype.isnative:
        _LOG.debug("%s: dtype %s is read with zarr-python, not tensorstore", zarr_array.path, dtype)
        return None
    where = str(root / zarr_array.path)
    spec = {
        "driver": "zarr" if zarr_format == 2 else "zarr3",
        "kvstore": {"driver": "file", "path": where + "/"},
        "open": True,
    }
    try:
        return where, spec, ts.open(spec, read=True, write=False, context=_context(ts))
    except Exception as exc:  # a spec tensorstore refuses at once: zarr-python reads it
        _LOG.info("%s: read with zarr-python; tensorstore cannot open it (%s)", where, exc)
        return None


def _finish(zarr_array: Any, where: str, spec: Any, future: Any) -> TensorStoreArray | None:
    try:
        handle = future.result()
    except Exception as exc:  # any format detail tensorstore does not support: zarr-python reads it
        _LOG.info(
            "%s: read with zarr-python; tensorstore cannot open it (%s)", spec["kvstore"], exc
        )
        return None
    if tuple(handle.shape) != tuple(zarr_array.shape):
        _LOG.warning(
            "%s: tensorstore sees shape %s, zarr-python %s; reading with zarr-python",
            spec["kvstore"],
            tuple(handle.shape),
            tuple(zarr_array.shape),
        )
        return None
    return TensorStoreArray(handle, zarr_array, where)
