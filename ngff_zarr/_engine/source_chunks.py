"""Reading a computed source so that each of its chunks is computed once.

A lazy dask source (a ``map_blocks`` generator, a dask pipeline, a rechunked file) computes a
whole chunk to give any part of it. The write regions are cut to the target's write units,
not to the source's chunks, so a region that cuts across source chunks, and the halo of a
smoothing method, would compute a chunk once per region that touches it. Here every region's
read window is known before the pass starts: :class:`SourceChunks` counts how many reads
need each source chunk, computes a chunk the first time a read needs it (a concurrent read of
the same chunk waits for that computation), keeps it while later reads still need it, and
drops it after its last read; a read whose chunks no other read needs goes straight
through (one dask slice, no copy into the cache). The pass visits regions chunk by chunk (see
:attr:`~ngff_zarr._engine.passes.Pass.source_bounds`), so only the chunks of about one band of
regions are held at a time.

Sources that slice cheaply (``dask.array.from_array`` over NumPy, a zarr array or a store
reader: a slice reads only what it asks for) are read directly: :func:`computed_source` tells
them apart.
"""

from __future__ import annotations

import bisect
import itertools
import math
import threading
from collections.abc import Iterable
from typing import Any

import dask.array as da
import numpy as np
from dask.base import compute

from ._trim import trim_freed_memory
from .geometry import Box

__all__ = ["SourceChunks", "chunk_bounds", "computed_source"]

Index = tuple[int, ...]
# dropped chunk bytes after which the freed memory is handed back to the system
_TRIM_BYTES = 64 * 2**20


def computed_source(array: Any) -> bool:
    """Whether ``array`` is a dask array whose chunks are computed, not sliced from storage.

    ``dask.array.from_array`` makes one materialised layer of getters (``inline_array``) or
    a getter layer over the ``original-`` layer that holds the object: a slice of either
    reads only what it asks for. Anything else (blockwise, map_blocks, rechunk, a pipeline
    over several layers) computes whole chunks.
    """
    if not isinstance(array, da.Array):
        return False
    graph = array.dask
    layers = graph.layers
    if len(layers) == 1:
        return type(next(iter(layers.values()))).__name__ != "MaterializedLayer"
    original = f"original-{array.name}"
    if len(layers) == 2 and original in layers:
        return set(graph.dependencies.get(array.name, ())) != {original}
    return True


def chunk_bounds(array: da.Array) -> tuple[tuple[int, ...], ...]:
    """The start of every chunk along each dim of a dask array."""
    return tuple(tuple(int(s) for s in np.cumsum((0, *sizes[:-1]))) for sizes in array.chunks)


class SourceChunks:
    """Reads boxes of a computed dask source, computing each chunk once.

    ``windows`` are every box the pass will read, with their multiplicity: a chunk is
    dropped after the last of them has read it. A box that was not announced is read all the
    same (its chunks computed again if they were dropped already).

    >>> source = da.arange(64, chunks=16).map_blocks(lambda b: b * 2)
    >>> chunks = SourceChunks(source, [((0, 20),), ((10, 40),), ((40, 64),)])
    >>> [chunks.read(w)[[0, -1]].tolist() for w in [((0, 20),), ((10, 40),), ((40, 64),)]]
    [[0, 38], [20, 78], [80, 126]]
    >>> chunks.computed, chunks.held_bytes
    (4, 0)
    """

    def __init__(self, array: da.Array, windows: Iterable[Box]) -> None:
        self._array = array
        self._bounds = chunk_bounds(array)
        self._shape = tuple(int(n) for n in array.shape)
        self._uses: dict[Index, int] = {}
        for window in windows:
            for index in self._touched(window):
                self._uses[index] = self._uses.get(index, 0) + 1
        self._held: dict[Index, np.ndarray] = {}
        self._pending: dict[Index, threading.Event] = {}
        self._failed: dict[Index, BaseException] = {}
        self._lock = threading.Lock()
        self.computed = 0  # chunk computations, for the tests and the log
        self._dropped = 0  # bytes dropped since the C heap was last trimmed
        self.peak_held = 0  # the most chunks held at once

    def _touched(self, box: Box) -> list[Index]:
        ranges = []
        for (lo, hi), starts in zip(box, self._bounds, strict=True):
            if hi <= lo:
                return []
            ranges.append(
                range(bisect.bisect_right(starts, lo) - 1, bisect.bisect_left(starts, hi))
            )
        return list(itertools.product(*ranges))

    def _chunk_box(self, index: Index) -> Box:
        out = []
        for i, starts, n in zip(index, self._bounds, self._shape, strict=True):
            out.append((starts[i], starts[i + 1] if i + 1 < len(starts) else n))
        return tuple(out)

    def read(self, box: Box) -> np.ndarray:
        """``box`` of the source as NumPy."""
        touched = self._touched(box)
        with self._lock:  # no other read needs these chunks: read the box straight through
            alone = all(
                self._uses.get(i, 0) <= 1 and i not in self._held and i not in self._pending
                for i in touched
            )
            if alone:
                for index in touched:
                    self._uses[index] = 0
                self.computed += len(touched)
        if alone:
            part = self._array[tuple(slice(lo, hi) for lo, hi in box)]
            return np.asarray(part.compute(scheduler="synchronous"))
        while True:
            self._ensure(touched)
            with self._lock:
                parts = [(i, self._held[i]) for i in touched if i in self._held]
            if len(parts) == len(touched):
                break
            # only an unannounced read can find a chunk dropped: compute it again
        out = self._assemble(box, parts)
        trim = False
        with self._lock:
            for index in touched:
                left = self._uses.get(index, 0) - 1
                self._uses[index] = left
                if left <= 0:  # its last read: drop it
                    dropped = self._held.pop(index, None)
                    if dropped is not None:
                        self._dropped += dropped.nbytes
            if self._dropped >= _TRIM_BYTES:
                self._dropped, trim = 0, True
        del parts  # the dropped chunks' last references, before the trim
        if trim:  # a band's worth of chunks is free: give it back (see ._trim)
            trim_freed_memory()
        return out

    def _assemble(self, box: Box, parts: list[tuple[Index, np.ndarray]]) -> np.ndarray:
        """``box`` copied out of the chunks ``parts`` that cover it."""
        out = np.empty(tuple(hi - lo for lo, hi in box), dtype=self._array.dtype)
        for index, chunk in parts:
            cbox = self._chunk_box(index)
            both = [(max(a, c), min(b, d)) for (a, b), (c, d) in zip(box, cbox, strict=True)]
            dst = tuple(slice(a - lo, b - lo) for (a, b), (lo, _) in zip(both, box, strict=True))
            src = tuple(slice(a - lo, b - lo) for (a, b), (lo, _) in zip(both, cbox, strict=True))
            out[dst] = chunk[src]
        return out

    def _ensure(self, touched: list[Index]) -> None:
        """Compute the chunks no one holds or computes; wait for those another read computes."""
        mine: list[Index] = []
        theirs: list[tuple[Index, threading.Event]] = []
        with self._lock:
            for index in touched:
                if index in self._held:
                    continue
                event = self._pending.get(index)
                if event is None:
                    self._pending[index] = threading.Event()
                    mine.append(index)
                else:
                    theirs.append((index, event))
        if mine:
            self._compute(mine)
        for index, event in theirs:
            event.wait()
            with self._lock:
                error = self._failed.get(index)
            if error is not None:
                raise error

    def _compute(self, indices: list[Index]) -> None:
        try:
            blocks = self._blocks(indices)
        except BaseException as exc:
            with self._lock:
                for index in indices:
                    self._failed[index] = exc
                    self._pending.pop(index).set()
            raise
        with self._lock:
            for index, block in zip(indices, blocks, strict=True):
                self._held[index] = block
                self._failed.pop(index, None)
                self._pending.pop(index).set()
            self.computed += len(indices)
            self.peak_held = max(self.peak_held, len(self._held))

    def _blocks(self, indices: list[Index]) -> list[np.ndarray]:
        """The chunks ``indices``, computed in one dask call (shared upstream tasks once).

        Each chunk comes back as its own array: slicing their box and computing it would
        concatenate them into a second copy of the whole band (twice its memory at the peak).
        """
        blocks = compute(*[self._array.blocks[index] for index in indices], scheduler="synchronous")
        return [np.asarray(b) for b in blocks]

    @property
    def held_bytes(self) -> int:
        """Bytes of the chunks held now."""
        with self._lock:
            return sum(int(math.prod(c.shape)) * c.itemsize for c in self._held.values())
