"""Planning the partial rebuild of a pyramid after an edit of one of its levels.

An output pixel ``j`` of a step with factor ``f`` and halo ``h`` reads the input pixels
``[j f - h, (j + 1) f + h)``, cut to the array and padded there with the edge value (see
:mod:`.pyramid`). So when a box ``[a, b)`` of a level changes, the pixels of the next level that
can change are exactly those whose window meets it: ``[floor((a - h) / f), ceil((b + h) / f))``,
cut to that level. Applied step after step, this gives the *affected box* of every lower level;
recomputing exactly those boxes from the level above gives what a full recompute gives, since
every other pixel reads only unchanged input. The same holds when an array grows: the changed
box then reaches the new end, and the pixels whose window was padded at the old end are in it.

The engine then runs its ordinary passes restricted to these boxes
(:func:`~ngff_zarr._engine.run.run_passes` with ``within``): only the regions that own part of
them are visited, and a write unit (shard or chunk) that an affected box covers in part is
assembled from the recomputed values and the stored ones, and written whole, once.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence

import numpy as np

from ..config import config
from .geometry import Box, clip, contains, hull, intersect, outside, volume
from .passes import Pass, level_box, level_reach, plan_passes
from .pyramid import PyramidPlan, needed_boxes

__all__ = ["affected_boxes", "overlay", "plan_rebuild", "reach", "unit_indices"]


def affected_boxes(plan: PyramidPlan, changed: Box) -> dict[int, Box]:
    """The box of every level that a change of ``changed`` (a box of level 0) affects.

    Level 0 maps to ``changed`` itself; a level that the change cannot reach (an empty box
    cannot happen: a non-empty change always reaches the next level) is left out.

    >>> import dask.array as da
    >>> from ngff_zarr.methods import get_method
    >>> from ngff_zarr._engine.pyramid import make_plan
    >>> plan = make_plan(da.zeros((64,)), [(2,), (4,)], get_method("gaussian"), (True,))
    >>> plan.halos[1], plan.halos[2]
    ((3,), (3,))
    >>> affected_boxes(plan, ((10, 12),))
    {0: ((10, 12),), 1: ((3, 8),), 2: ((0, 6),)}
    """
    out = {0: changed}
    for level in range(1, plan.levels):
        parent = out.get(plan.parents[level])  # each level is computed from its parent
        if parent is None:
            continue
        step, halo = plan.steps[level], plan.halos[level]
        grown = tuple(
            (math.floor((lo - h) / f), math.ceil((hi + h) / f))
            for (lo, hi), f, h in zip(parent, step, halo, strict=True)
        )
        current = clip(grown, plan.shapes[level])
        if volume(current):
            out[level] = current
    return out


def reach(plan: PyramidPlan, affected: Mapping[int, Box]) -> Box:
    """The box of level 0 whose regions own some affected box."""
    out: Box | None = None
    for level, box in affected.items():
        out = hull(out, level_reach(plan, 0, level, box))
    assert out is not None
    return out


def plan_rebuild(
    plan: PyramidPlan,
    affected: Mapping[int, Box],
    units: Sequence[tuple[int, ...]],
    *,
    memory_target: int,
    workers: int,
) -> list[Pass]:
    """The passes of an edit: one over every affected level when it fits, else the engine's.

    A write's passes are sized for regions anywhere in the image; an edit's regions compute
    only the affected boxes, so one pass from level 0 usually holds them all: each level is
    then computed from the one above in memory, never read back. The pass's regions are cut
    (on every level's factor, so each owns an exact box of every level) until there are
    enough to keep ``workers`` busy (unless one is small enough that threads would not pay),
    and their estimated peaks, as many as run at once, fit in ``memory_target``; when no cut
    fits, the engine's own passes are used.
    """
    last = max(affected)
    shape = plan.shapes[0]
    align = [
        math.lcm(*(plan.factor(0, level)[d] for level in range(last + 1)))
        for d in range(len(shape))
    ]
    bounds = reach(plan, affected)
    region = [-(-hi // a) * a for (_, hi), a in zip(bounds, align, strict=True)]
    while True:
        candidate = Pass(
            first=0,
            outputs=tuple(level for level in range(last + 1) if level in affected),
            region_shape=tuple(region),
            shape=shape,
        )
        peaks = sorted((_peak(plan, r, affected) for r in candidate.regions(bounds)), reverse=True)
        fits = sum(peaks[: workers + 1]) <= memory_target
        small = not peaks or peaks[0] <= config.small_region_bytes  # threads would not pay
        if fits and (small or len(peaks) >= 2 * workers):
            return [candidate]
        # cut the longest region dim in two, on the alignment
        d = max(range(len(region)), key=lambda i: region[i] // align[i])
        half = -(-(region[d] // 2) // align[d]) * align[d]
        if half >= region[d]:
            if fits:
                return [candidate]
            return plan_passes(plan, units, memory_target=memory_target, workers=workers)
        region[d] = half


def _peak(plan: PyramidPlan, region: Box, affected: Mapping[int, Box]) -> int:
    """An estimate of the bytes one region of an edit holds: its boxes of every level and the
    float working copies of a step."""
    interiors = {}
    for level, box in affected.items():
        part = intersect(level_box(plan, 0, level, region), box)
        if part is not None:
            interiors[level] = part
    if not interiors:
        return 0
    need = needed_boxes(plan, 0, interiors)
    itemsize = int(plan.source.dtype.itemsize)
    return 2 * itemsize * sum(volume(b) for b in need.values()) + 8 * volume(need[0])


def unit_indices(box: Box, unit: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
    """The grid indices of the write units of shape ``unit`` that ``box`` meets."""
    ranges = [range(lo // u, -(-hi // u)) for (lo, hi), u in zip(box, unit, strict=True)]
    return itertools.product(*ranges)


def overlay(
    changed: Box,
    values: Callable[[Box], np.ndarray] | None,
    stored: Callable[[Box], np.ndarray],
    dtype: np.dtype,
    band: Box | None = None,
) -> Callable[[Box], np.ndarray]:
    """A reader of level 0 as it is after the edit: ``values`` inside ``changed``, else stored.

    ``values(box)`` gives the new values of a box inside ``changed`` (in level coordinates);
    the stored part is read only outside ``changed``, never the pixels about to be replaced.
    With ``band`` (the box around ``changed`` that the rebuild reads), the stored pixels of
    ``band`` outside ``changed`` are read once, when first needed, and kept: regions that
    share a halo decode its chunks once. With ``values`` None, ``changed`` is read as stored.
    """
    cache = _Band(band, changed, stored) if band is not None else None

    def read_stored(box: Box) -> np.ndarray:
        if cache is not None and contains(band, box):  # type: ignore[arg-type]
            return cache.read(box, dtype)
        return stored(box)

    def read(box: Box) -> np.ndarray:
        inner = intersect(box, changed)
        if inner is None:
            return read_stored(box)
        out = np.empty(tuple(hi - lo for lo, hi in box), dtype=dtype)
        out[_within(inner, box)] = values(inner) if values is not None else stored(inner)
        for piece in outside(box, inner):
            out[_within(piece, box)] = read_stored(piece)
        return out

    return read


class _Band:
    """The stored pixels of a box minus the edited one, read piece by piece when first used."""

    def __init__(self, band: Box, changed: Box, stored: Callable[[Box], np.ndarray]) -> None:
        self._pieces = outside(band, changed)
        self._stored = stored
        self._data: dict[int, np.ndarray] = {}
        self._locks = [threading.Lock() for _ in self._pieces]

    def read(self, box: Box, dtype: np.dtype) -> np.ndarray:
        out = np.empty(tuple(hi - lo for lo, hi in box), dtype=dtype)
        for i, piece in enumerate(self._pieces):
            part = intersect(box, piece)
            if part is None:
                continue
            with self._locks[i]:
                if i not in self._data:
                    self._data[i] = self._stored(piece)
            out[_within(part, box)] = self._data[i][_within(part, piece)]
        return out


def _within(part: Box, box: Box) -> tuple[slice, ...]:
    return tuple(slice(a - lo, b - lo) for (a, b), (lo, _) in zip(part, box, strict=True))
