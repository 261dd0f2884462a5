"""Any array as a lazy dask array, without copying: NumPy, Dask, Zarr and array-API objects."""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from typing import Any

import dask.array as da
import numpy as np

from .errors import NgffValueError

__all__ = ["as_dask", "grouped_chunks"]


def as_dask(data: Any) -> da.Array:
    """``data`` as a dask array; NumPy input is wrapped (sliced on demand, never copied whole)."""
    out: da.Array = _wrap(data)  # dask is untyped: type its result once, here
    return out


def grouped_chunks(
    shape: Sequence[int], unit: Sequence[int], itemsize: int, target: int
) -> tuple[int, ...]:
    """Dask chunks of whole storage units, grouped (innermost dim first) up to ``target`` bytes.

    ``unit`` is what the source reads at once (a zarr chunk or shard, a TIFF strip or tile, a
    row); a chunk holds whole units, so a task never reads a unit twice, and it grows along the
    last dim first, then the one before it once the last is whole, so its bytes stay
    contiguous where the source lays them out C-ordered. A chunk is at most ``target`` bytes,
    but never less than one unit.

    >>> grouped_chunks((1000, 4096), (1, 4096), 2, 2**19)  # one row per strip, 2 bytes a pixel
    (64, 4096)
    """
    sizes = [max(0, int(s)) for s in shape]
    out = [max(1, min(int(u), s)) for u, s in zip(unit, sizes, strict=True)]
    for d in reversed(range(len(out))):
        # computed, not counted up: a huge shape over a tiny unit costs nothing (issue 16)
        rest = math.prod(out[:d]) * math.prod(out[d + 1 :])
        units = target // max(1, rest * out[d] * itemsize)
        out[d] = max(out[d], min(sizes[d], units * out[d]))
        if out[d] < sizes[d]:
            break
    return tuple(out)


def _wrap(data: Any) -> Any:
    if isinstance(data, da.Array | np.ndarray) and data.dtype == object:
        raise NgffValueError("data: expected a numeric array, got an array of Python objects")
    if isinstance(data, da.Array):
        return data
    if isinstance(data, np.ndarray):
        return _from_numpy(data)
    import zarr

    if isinstance(data, zarr.Array):
        return da.from_array(data, chunks=data.chunks, asarray=True, lock=False)
    if hasattr(data, "__array_namespace__") or hasattr(data, "__dlpack__"):
        adapter = _ArrayAPIAdapter(data)
        return da.from_array(adapter, chunks=adapter.shape, asarray=False, lock=False)
    if hasattr(data, "shape") and hasattr(data, "dtype") and hasattr(data, "__getitem__"):
        return da.from_array(data, chunks=tuple(data.shape), lock=False)
    array = np.asarray(data)
    if array.dtype == object:
        raise NgffValueError(
            f"data: expected a numeric array, got {type(data).__name__} of objects"
        )
    return _from_numpy(array)


class _ArrayAPIAdapter:
    """Present an array-API object (torch, cupy, ...) as a NumPy-returning sliceable array."""

    def __init__(self, array: Any) -> None:
        self._array = array
        self.shape = tuple(int(s) for s in array.shape)
        self.ndim = len(self.shape)
        probe = _to_numpy(array[(slice(0, 0),) * self.ndim] if self.ndim else array)
        self.dtype = probe.dtype

    def __getitem__(self, key: Any) -> np.ndarray:
        return _to_numpy(self._array[key])


def _to_numpy(obj: Any) -> np.ndarray:
    if isinstance(obj, np.ndarray):
        return obj
    get = getattr(obj, "get", None)  # CuPy: copy device -> host
    if callable(get) and type(obj).__module__.startswith("cupy"):
        return np.asarray(get())
    detach = getattr(obj, "detach", None)  # PyTorch: leave the autograd graph
    if callable(detach):
        obj = detach().cpu()
    try:
        return np.from_dlpack(obj)
    except (TypeError, RuntimeError, BufferError, AttributeError):
        return np.asarray(obj)


class _InMemory:
    """A NumPy array behind the plain slicing protocol.

    ``dask.array.from_array`` copies (and hashes) a NumPy array it is given directly; through
    this wrapper it only slices, so a user's in-memory array is neither duplicated nor read
    beyond what a computation asks for. Reads return copies: the user's array is never shared.
    """

    def __init__(self, array: np.ndarray) -> None:
        self._array = array
        self.shape = array.shape
        self.dtype = array.dtype
        self.ndim = array.ndim

    def __getitem__(self, key: Any) -> np.ndarray:
        return np.array(self._array[key], copy=True)


def _from_numpy(array: np.ndarray) -> Any:
    name = f"ngff-zarr-in-memory-{uuid.uuid4().hex}"
    return da.from_array(
        _InMemory(array), chunks=array.shape or (), asarray=False, lock=False, name=name
    )
