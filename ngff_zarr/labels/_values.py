"""The label values present in a label image, found in one bounded-memory pass."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._engine.geometry import Box
from .._engine.scan import scan_blocks

__all__ = ["block_values", "label_values"]

# a block whose values span at most this many integers is counted with bincount (linear time)
_DENSE_SPAN = 1 << 22


def label_values(array: Any) -> np.ndarray:
    """The sorted distinct values of the integer array ``array`` (dask, zarr or NumPy).

    >>> label_values(np.array([[0, 5], [5, 2]], dtype="uint32"))
    array([0, 2, 5], dtype=uint32)
    """
    found: list[np.ndarray] = []
    held = 0
    merged = np.zeros(0, dtype=array.dtype)
    for values in scan_blocks(array, _block):
        found.append(values)
        held += values.size
        if held > 1 << 20:  # merge now and then: memory stays at the distinct values
            merged = np.unique(np.concatenate([merged, *found]))
            found, held = [], 0
    result: np.ndarray = np.unique(np.concatenate([merged, *found]))
    return result.astype(array.dtype, copy=False)


def _block(box: Box, block: np.ndarray) -> np.ndarray:
    return block_values(block)


def block_values(block: np.ndarray) -> np.ndarray:
    """The sorted distinct values of one block."""
    if block.size == 0:
        return np.zeros(0, dtype=block.dtype)
    flat = block.ravel()
    if block.dtype.kind in "ui":
        lo, hi = int(flat.min()), int(flat.max())
        if hi - lo <= max(_DENSE_SPAN, flat.size):
            shifted = flat - flat.dtype.type(lo) if lo else flat
            counts = np.bincount(shifted.astype(np.intp, copy=False), minlength=hi - lo + 1)
            present: np.ndarray = np.flatnonzero(counts) + lo
            return present.astype(block.dtype)
    result: np.ndarray = np.unique(flat)
    return result
