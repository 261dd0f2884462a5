"""Any array as a lazy dask array, without copying: NumPy, Dask, Zarr and array-API objects."""

from __future__ import annotations

import math
import operator
import uuid
from collections.abc import Sequence
from typing import Any

import dask.array as da
import numpy as np

from .errors import NgffIndexError, NgffValueError, NgffZarrError, ReadError

__all__ = ["BoxReader", "as_dask", "grouped_chunks", "in_memory"]


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


class BoxReader:
    """A read-only array with NumPy's indexing over a source that reads boxes.

    :meth:`read_box` gets one ascending ``slice`` per dim, within bounds (a positive step
    allowed) and returns that box as a NumPy array (by default ``source[box]``; a subclass
    may read otherwise). Any other key (integers, negative steps, integer or boolean index
    arrays) is read as the smallest box that holds it and indexed in memory, so the result
    is what NumPy gives. Through :meth:`to_dask`, a slice of the dask array reads only the
    storage chunks it touches. A failed read (a corrupt chunk, a lost connection) raises
    :class:`~ngff_zarr.ReadError` naming ``where`` and the box. A reader pickles when its
    source does (zarr arrays do), so it runs on dask's distributed workers too.

    >>> data = np.arange(24).reshape(4, 6)
    >>> reader = BoxReader(data)
    >>> reader[1, ::-2].tolist(), reader[[3, 0], 1:3].tolist()
    ([11, 9, 7], [[19, 20], [1, 2]])
    >>> np.array_equal(reader.to_dask((3, 4))[1:, 2:5].compute(), data[1:, 2:5])
    True
    """

    def __init__(self, source: Any, where: str = "array", dtype: Any = None) -> None:
        self._source = source
        self.shape = tuple(int(s) for s in source.shape)
        self.dtype = np.dtype(source.dtype if dtype is None else dtype)
        self.ndim = len(self.shape)
        self.where = where

    def read_box(self, box: tuple[slice, ...]) -> np.ndarray:
        """The box ``box`` (one ascending slice per dim) of the source."""
        return np.asarray(self._source[box])

    def to_dask(self, chunks: Any, name: str | None = None) -> da.Array:
        """A lazy dask array over the reader; its slices fold into the reads (no whole
        chunk is read for a part of it)."""
        # asarray=False and fancy indexing allowed: dask then composes a slice of the dask
        # array with the slice of each chunk and reads only the composed box.
        meta = np.empty((0,) * self.ndim, dtype=self.dtype)  # dask need not probe a read
        out: da.Array = da.from_array(
            self, chunks=chunks, lock=False, asarray=False, name=name, inline_array=True, meta=meta
        )
        return out

    def __getitem__(self, key: Any) -> np.ndarray:
        box, after = _box_of(key, self.shape)
        if box is None:  # a key beyond this class's cases: the whole array, indexed by NumPy
            return np.asarray(self._checked_read(tuple(slice(0, n) for n in self.shape))[key])
        out = self._checked_read(box)
        return out if after is None else np.asarray(out[after])

    def _checked_read(self, box: tuple[slice, ...]) -> np.ndarray:
        try:
            return np.asarray(self.read_box(box))
        except NgffZarrError:  # the source's own error already says where and what
            raise
        except Exception as exc:
            where = ", ".join(
                f"{s.start}:{s.stop}" + (f":{s.step}" if s.step not in (None, 1) else "")
                for s in box
            )
            raise ReadError(f"{self.where}: cannot read [{where}]: {exc}") from exc


def _box_of(key: Any, shape: tuple[int, ...]) -> tuple[tuple[slice, ...] | None, Any]:
    """(the box to read, the index into it) for ``key``; (None, None) when not handled.

    The index is None when the box is the result itself.
    """
    items = list(key) if isinstance(key, tuple) else [key]
    if any(item is None for item in items) or sum(item is Ellipsis for item in items) > 1:
        return None, None
    ellipses = [i for i, item in enumerate(items) if item is Ellipsis]
    if ellipses:
        at = ellipses[0]
        items[at : at + 1] = [slice(None)] * (len(shape) - len(items) + 1)
    if len(items) > len(shape):
        raise NgffIndexError(f"too many indices: {len(items)} for {len(shape)} dims")
    items += [slice(None)] * (len(shape) - len(items))
    box: list[slice] = []
    after: list[Any] = []
    plain = True
    for dim, (item, n) in enumerate(zip(items, shape, strict=True)):
        if isinstance(item, slice):
            picks = range(*item.indices(n))
            if picks.step > 0:
                box.append(slice(picks.start, max(picks.start, picks.stop), picks.step))
                after.append(slice(None))
            elif not picks:
                box.append(slice(0, 0))
                after.append(slice(None))
            else:  # read ascending, then step backwards through the box in memory
                box.append(slice(picks[-1], picks[0] + 1))
                after.append(slice(picks[0] - picks[-1], None, picks.step))
                plain = False
            continue
        elif isinstance(item, bool | np.bool_):
            return None, None
        elif isinstance(item, int | np.integer):
            index = operator.index(item)
            if not -n <= index < n:
                raise NgffIndexError(f"index {index} is out of bounds for dim {dim} of size {n}")
            index %= n
            box.append(slice(index, index + 1))
            after.append(0)
            plain = False
            continue
        else:
            picked = np.asarray(item)
            if picked.dtype == bool and picked.shape == (n,):
                picked = np.flatnonzero(picked)
            elif picked.dtype.kind not in "iu":
                return None, None
            if picked.size and not (-n <= picked.min() and picked.max() < n):
                raise NgffIndexError(f"an index of dim {dim} is out of bounds for size {n}")
            picked = picked % n if picked.size else picked.astype(np.intp)
        low = int(picked.min()) if picked.size else 0
        high = int(picked.max()) + 1 if picked.size else 0
        box.append(slice(low, high))
        after.append(picked - low)
        plain = False
    return tuple(box), None if plain else tuple(after)


def _wrap(data: Any) -> Any:
    if isinstance(data, da.Array | np.ndarray) and data.dtype == object:
        raise NgffValueError("data: expected a numeric array, got an array of Python objects")
    if isinstance(data, da.Array):
        return data
    if isinstance(data, np.ndarray):
        return _from_numpy(data)
    import zarr

    if isinstance(data, zarr.Array):
        return BoxReader(data, f"array {data.path or '/'}").to_dask(data.chunks)
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


def in_memory(array: Any) -> np.ndarray | None:
    """The caller's NumPy array behind a dask array that :func:`as_dask` made of it, else None.

    The write engine reads such a source by slicing it directly, with no dask graph per region
    (and no import of ``distributed``, which dask's first ``compute`` makes).
    """
    if not isinstance(array, da.Array) or len(array.dask.layers) != 2:
        return None
    # dask.array.from_array keeps the wrapped object in the graph, under "original-<name>"
    original = array.dask.layers.get(f"original-{array.name}")
    wrapper = None if original is None else original.get(f"original-{array.name}")
    if not isinstance(wrapper, _InMemory) or tuple(array.shape) != wrapper.shape:
        return None
    return wrapper._array
