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
from . import ArraySpec, WriteTarget
from ._zarr import ZarrBackend


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
    """tensorstore writes the chunks; zarr-python writes each array's metadata document.

    So the metadata is byte for byte what the other backends write (tensorstore alone
    writes its own key order, omits defaults and the empty ``.zattrs``).
    """

    name = "tensorstore"

    def __init__(
        self, *, group: Any = None, root: Path | None, group_path: str = "", **_: Any
    ) -> None:
        if root is None or group is None:
            raise WriteError(
                "use_tensorstore=True writes to local paths only; pass a directory path, "
                "or use the zarr-python backend for this store"
            )
        self._metadata = ZarrBackend(group=group)
        self._root = Path(root)
        self._group_path = group_path
        self._context = _ts().Context({"data_copy_concurrency": {"limit": "shared"}})

    def create(self, spec: ArraySpec) -> _TensorStoreLevel:
        ts = _ts()
        if spec.zarr_format == 2:  # the codecs tensorstore writes, checked before creating
            _v2_compressor(spec.compressors)
        else:
            [_v3_codec(c) for c in spec.compressors]
        self._metadata.create(spec)
        path = (
            self._root / self._group_path / spec.path
            if self._group_path
            else self._root / spec.path
        )
        spec_json = {
            "driver": "zarr" if spec.zarr_format == 2 else "zarr3",
            "kvstore": {"driver": "file", "path": str(path) + "/"},
        }
        store = _io(lambda: ts.open(spec_json, open=True, context=self._context).result())
        return _TensorStoreLevel(store)


# the compressors tensorstore's zarr drivers implement
_TS_V2: frozenset[str] = frozenset({"zstd", "blosc", "zlib", "gzip", "bz2"})
_TS_V3: frozenset[str] = frozenset({"zstd", "blosc", "gzip"})


def refuses(target: WriteTarget) -> str | None:
    """Why the tensorstore backend cannot write ``target`` (None: it can)."""
    if target.root is None:
        return "tensorstore writes local directories only"
    try:
        if target.zarr_format == 2:
            _v2_compressor(target.compressors)
        else:
            [_v3_codec(c) for c in target.compressors]
    except NgffValueError as exc:
        return str(exc)
    return None


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
