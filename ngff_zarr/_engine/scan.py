"""Scanning an array block by block in bounded memory: the reduction passes over label images.

A scan reads an array in boxes of at most ``block_bytes`` (whole source chunks where they fit,
split along the outer dims where they do not), runs ``function`` on each box in a small thread
pool and yields the results in box order. At most ``workers + 1`` boxes are in memory at once,
so a scan of a label image of any size holds a few blocks, whatever the image's size.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

import numpy as np

from ..config import config
from .geometry import Box
from .pyramid import read_box

__all__ = ["scan_blocks"]

_T = TypeVar("_T")


def scan_blocks(
    array: Any,
    function: Callable[[Box, np.ndarray], _T],
    *,
    block_bytes: int | None = None,
    workers: int | None = None,
) -> Iterator[_T]:
    """``function(box, block)`` over boxes tiling ``array``, in order, results as they finish.

    ``array`` is a dask array (or any sliceable array with ``shape``, ``dtype``, ``chunks``).
    """
    shape = tuple(int(s) for s in array.shape)
    target = block_bytes if block_bytes is not None else config.read_chunk_bytes
    block = _block_shape(
        shape, _chunk_shape(array, shape), int(np.dtype(array.dtype).itemsize), target
    )
    boxes = _boxes(shape, block)
    count = max(1, workers if workers is not None else config.max_workers)
    if count == 1 or len(boxes) == 1:
        for box in boxes:
            yield function(box, read_box(array, box))
        return
    with ThreadPoolExecutor(count) as pool:
        it = iter(boxes)
        pending: list[Future[_T]] = [
            pool.submit(_one, array, function, box) for box in itertools.islice(it, count + 1)
        ]
        while pending:
            done = pending.pop(0)
            result = done.result()
            nxt = next(it, None)
            if nxt is not None:
                pending.append(pool.submit(_one, array, function, nxt))
            yield result


def _one(array: Any, function: Callable[[Box, np.ndarray], _T], box: Box) -> _T:
    return function(box, read_box(array, box))


def _chunk_shape(array: Any, shape: tuple[int, ...]) -> tuple[int, ...]:
    chunks = getattr(array, "chunksize", None) or getattr(array, "chunks", None)
    if chunks is None or len(chunks) != len(shape):
        return shape
    return tuple(max(1, min(int(c), n)) if n else 1 for c, n in zip(chunks, shape, strict=True))


def _block_shape(
    shape: tuple[int, ...], chunk: tuple[int, ...], itemsize: int, target: int
) -> tuple[int, ...]:
    """Whole chunks, split along the outermost dims while a block exceeds ``target`` bytes."""
    out = list(chunk)
    for d in range(len(out)):
        while out[d] > 1 and math.prod(out) * itemsize > target:
            out[d] = -(-out[d] // 2)
    return tuple(out)


def _boxes(shape: tuple[int, ...], block: tuple[int, ...]) -> list[Box]:
    ranges = [
        [(lo, min(lo + b, n)) for lo in range(0, n, b)] or [(0, 0)]
        for b, n in zip(block, shape, strict=True)
    ]
    return [tuple(box) for box in itertools.product(*ranges)]
