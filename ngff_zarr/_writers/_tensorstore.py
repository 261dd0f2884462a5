"""The tensorstore backend: tensorstore's C++ codecs and I/O, for local stores."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ..codecs import CodecSpec
from ..errors import NgffValueError, WriteError
from . import ArraySpec


def _ts() -> Any:
    import tensorstore  # its presence is checked by the backend registry

    return tensorstore


# tensorstore reports I/O failures as ValueError("<STATUS>: ..."): these statuses are the
# target's (disk full, permissions, I/O), reported as WriteError carrying the errno (zarr-python
# raises OSError); to_ngff_zarr then says what was kept.
_IO_STATUSES: dict[str, int] = {
    "RESOURCE_EXHAUSTED": errno.ENOSPC,
    "PERMISSION_DENIED": errno.EACCES,
    "UNAVAILABLE": errno.EIO,
    "DATA_LOSS": errno.EIO,
}


def _io(run: Callable[[], Any]) -> Any:
    """``run()``, with tensorstore's I/O failures raised as :class:`WriteError` (errno set)."""
    try:
        return run()
    except ValueError as exc:
        status = str(exc).split(":", 1)[0]
        if status not in _IO_STATUSES:
            raise
        code = errno.ENOSPC if "No space left on device" in str(exc) else _IO_STATUSES[status]
        raise WriteError(code, f"{os.strerror(code)} (tensorstore: {exc})") from exc


class _TensorStoreLevel:
    def __init__(self, store: Any) -> None:
        self._store = store

    def write(self, key: tuple[slice, ...], data: np.ndarray) -> None:
        _io(lambda: self._store[key].write(data).result())

    def read(self, key: tuple[slice, ...]) -> np.ndarray:
        return np.asarray(_io(lambda: self._store[key].read().result()))


class TensorStoreBackend:
    name = "tensorstore"

    def __init__(self, *, root: Path | None, group_path: str = "", **_: Any) -> None:
        if root is None:
            raise WriteError(
                "use_tensorstore=True writes to local paths only; pass a directory path, "
                "or use the zarr-python backend for this store"
            )
        self._root = Path(root)
        self._group_path = group_path
        self._context = _ts().Context({"data_copy_concurrency": {"limit": "shared"}})

    def create(self, spec: ArraySpec) -> _TensorStoreLevel:
        ts = _ts()
        path = (
            self._root / self._group_path / spec.path
            if self._group_path
            else self._root / spec.path
        )
        kvstore = {"driver": "file", "path": str(path) + "/"}
        if spec.zarr_format == 2:
            metadata: dict[str, Any] = {
                "shape": list(spec.shape),
                "chunks": list(spec.chunks),
                "dtype": spec.dtype.str,
                "compressor": _v2_compressor(spec.compressors),
                "fill_value": False if spec.dtype.kind == "b" else 0,
                "order": "C",
                "dimension_separator": "/",
                "filters": None,
            }  # fmt: skip
            driver = "zarr"
        else:
            inner = [
                {"name": "bytes", "configuration": {"endian": "little"}},
                *(_v3_codec(c) for c in spec.compressors),
            ]
            if spec.dtype.itemsize == 1:
                inner[0] = {"name": "bytes"}
            if spec.shards is not None:
                codecs: list[dict[str, Any]] = [
                    {
                        "name": "sharding_indexed",
                        "configuration": {
                            "chunk_shape": list(spec.chunks),
                            "codecs": inner,
                            "index_codecs": [
                                {"name": "bytes", "configuration": {"endian": "little"}},
                                {"name": "crc32c"},
                            ],
                            "index_location": "end",
                        },
                    }
                ]
                grid = list(spec.shards)
            else:
                codecs = inner
                grid = list(spec.chunks)
            metadata = {
                "shape": list(spec.shape),
                "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": grid}},
                "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
                "data_type": np.dtype(spec.dtype).name,
                "fill_value": False if spec.dtype.kind == "b" else 0,
                "codecs": codecs,
                "dimension_names": list(spec.dims),
            }
            driver = "zarr3"
        store = _io(
            lambda: ts.open(
                {"driver": driver, "kvstore": kvstore, "metadata": metadata},
                create=True,
                delete_existing=True,
                context=self._context,
            ).result()
        )
        return _TensorStoreLevel(store)


# the compressors tensorstore's zarr drivers implement
_TS_V2: frozenset[str] = frozenset({"zstd", "blosc", "zlib", "gzip", "bz2"})
_TS_V3: frozenset[str] = frozenset({"zstd", "blosc", "gzip"})


def _v2_compressor(compressors: tuple[CodecSpec, ...]) -> dict[str, Any] | None:
    if not compressors:
        return None
    if len(compressors) > 1 or compressors[0].id not in _TS_V2:
        raise NgffValueError(
            f"compressors: the tensorstore writer writes Zarr v2 arrays with one of "
            f"{sorted(_TS_V2)}, got {[c.id for c in compressors]}; write without "
            "use_tensorstore for other codecs"
        )
    return {"id": compressors[0].id, **compressors[0].config}


def _v3_codec(codec: CodecSpec) -> dict[str, Any]:
    if codec.id not in _TS_V3:
        raise NgffValueError(
            f"compressors: the tensorstore writer writes Zarr v3 arrays with "
            f"{sorted(_TS_V3)}, got {codec.id!r}; write without use_tensorstore for other codecs"
        )
    return codec.v3_json()
