"""Writing region results into a level whose write units (shards or chunks) regions may split.

A piece that covers whole write units is written at once. A piece that covers part of a unit
is copied into that unit's buffer, and the unit is written when its last piece arrives. Regions
never overlap, so a unit's buffer is complete exactly when the voxels received equal its size.

An edit recomputes only part of a level (``covered``). In a unit that it covers in part, only
the chunks it meets are assembled (the box of those chunks, ``chunk`` being the codec's chunk
inside a shard), starting from their stored values outside the covered box (``read``), and
written once: a sharded store then re-encodes those chunks only and keeps the others' bytes.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Callable

import numpy as np

from .._writers import LevelArray
from .geometry import Box, intersect, outside, slices, volume


class LevelSink:
    """Accepts boxes of one level in any order and writes whole write units only."""

    def __init__(
        self,
        array: LevelArray,
        shape: tuple[int, ...],
        unit: tuple[int, ...],
        dtype: np.dtype,
        *,
        covered: Box | None = None,
        read: Callable[[Box], np.ndarray] | None = None,
        chunk: tuple[int, ...] | None = None,
    ) -> None:
        self._array = array
        self._shape = shape
        self._unit = unit
        self._dtype = dtype
        self._covered = covered
        self._chunk = chunk if chunk is not None else unit
        self._read = read if read is not None else (lambda box: array.read(slices(box)))
        self._lock = threading.Lock()
        self._buffers: dict[tuple[int, ...], tuple[np.ndarray, list[int]]] = {}
        self._seeding: dict[tuple[int, ...], threading.Lock] = {}

    def _unit_box(self, index: tuple[int, ...]) -> Box:
        """The box assembled for unit ``index``: the unit, or the chunks of it an edit meets."""
        ubox = tuple(
            (i * u, min((i + 1) * u, n))
            for i, u, n in zip(index, self._unit, self._shape, strict=True)
        )
        part = intersect(ubox, self._covered) if self._covered is not None else None
        if part is None:
            return ubox
        return tuple(
            (max(ulo, lo // c * c), min(uhi, -(-hi // c) * c))
            for (lo, hi), (ulo, uhi), c in zip(part, ubox, self._chunk, strict=True)
        )

    def _new_buffer(self, ubox: Box) -> tuple[np.ndarray, list[int]]:
        """An empty buffer for a unit, or one holding the stored values the edit keeps."""
        shape = tuple(b - a for a, b in ubox)
        buffer = np.empty(shape, dtype=self._dtype)
        if self._covered is None:
            return buffer, [0]
        kept = outside(ubox, self._covered)
        for piece in kept:
            dst = tuple(slice(a - lo, b - lo) for (a, b), (lo, _) in zip(piece, ubox, strict=True))
            buffer[dst] = self._read(piece)
        return buffer, [sum(volume(piece) for piece in kept)]

    def _entry(self, index: tuple[int, ...], ubox: Box) -> tuple[np.ndarray, list[int]]:
        """The unit's buffer, created (and seeded from the store) by the first piece only."""
        with self._lock:
            entry = self._buffers.get(index)
            if entry is not None:
                return entry
            seeding = self._seeding.setdefault(index, threading.Lock())
        with seeding:  # one thread reads the seed; the others wait for it, not for all units
            with self._lock:
                entry = self._buffers.get(index)
            if entry is None:
                fresh = self._new_buffer(ubox)
                with self._lock:
                    entry = self._buffers.setdefault(index, fresh)
                    self._seeding.pop(index, None)
            return entry

    def put(self, box: Box, data: np.ndarray) -> None:
        if all(lo % u == 0 and (hi % u == 0 or hi == n)
               for (lo, hi), u, n in zip(box, self._unit, self._shape, strict=True)):  # fmt: skip
            self._array.write(slices(box), data)  # whole units: no assembly needed
            return
        ranges = [range(lo // u, -(-hi // u)) for (lo, hi), u in zip(box, self._unit, strict=True)]
        for index in itertools.product(*ranges):
            ubox = self._unit_box(index)
            part = intersect(box, ubox)
            if part is None:
                continue
            src = tuple(slice(a - lo, b - lo) for (a, b), (lo, _) in zip(part, box, strict=True))
            if part == ubox:
                self._array.write(slices(ubox), data[src])
                continue
            dst = tuple(slice(a - lo, b - lo) for (a, b), (lo, _) in zip(part, ubox, strict=True))
            size = math.prod(b - a for a, b in ubox)
            entry = self._entry(index, ubox)
            with self._lock:
                buffer, filled = entry
                buffer[dst] = data[src]
                filled[0] += volume(part)
                complete = filled[0] == size
                if complete:
                    del self._buffers[index]
            if complete:
                self._array.write(slices(ubox), buffer)

    def pending(self) -> int:
        """Write units still partly assembled (0 once every region has been put)."""
        with self._lock:
            return len(self._buffers)
