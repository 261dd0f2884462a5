"""The edit itself: write a box of one level, and recompute exactly what depends on it below.

The engine's ordinary passes run restricted to the affected boxes (see
:mod:`ngff_zarr._engine.rebuild`), reading the level above from the store, except that the new
values of the edited box come from the caller. Every write unit the edit writes, on every level,
is locked first, all at once in one global order: two edits whose written units meet run one
after the other, so that the one that runs second recomputes the shared pixels from both
changes; edits that write no common unit cannot affect each other's pixels (a pixel that
depends on both changes is in both affected boxes). Store writes are atomic per key (zarr's
local store renames each file into place), so no reader sees a half-written unit.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .._engine.geometry import Box, slices
from .._engine.pyramid import needed_boxes
from .._engine.rebuild import affected_boxes, overlay, plan_rebuild, unit_indices
from .._engine.run import run_passes
from .._io.locks import unit_locks
from ..config import config
from ..methods import Methods
from .stored import StoredImage

__all__ = ["rewrite"]


def rewrite(
    image: StoredImage,
    level: int,
    box: Box,
    values: Callable[[Box], np.ndarray] | None,
    *,
    method: Methods,
    memory_target: int | None = None,
) -> None:
    """Write ``values`` into ``box`` of ``level`` and recompute the levels below over it.

    ``values(part)`` gives the new values of a part of ``box`` (in level pixels); with None,
    ``box`` keeps its stored values and only the levels below are recomputed from it.
    """
    plan = image.plan(level, method)
    affected = affected_boxes(plan, box)
    if values is None:
        affected.pop(0)
        if not affected:
            return
    arrays = image.level_arrays(level)
    units = image.units()[level:]
    keys = image.keys[level:]
    wanted = [(keys[k], index) for k, b in affected.items() for index in unit_indices(b, units[k])]
    workers = config.max_workers
    budget = memory_target if memory_target is not None else config.memory_target
    passes = plan_rebuild(plan, affected, units, memory_target=budget, workers=workers)
    stored = arrays[0]

    def read_stored(part: Box) -> np.ndarray:
        return stored.read(slices(part))

    # the stored pixels around the box that the passes reading level 0 need, decoded once
    reach = max(p.last for p in passes if p.first == 0)
    first_levels = {k: b for k, b in affected.items() if k <= reach}
    band = needed_boxes(plan, 0, first_levels).get(0) if first_levels else None
    read = overlay(box, values, read_stored, plan.source.dtype, band)
    with unit_locks(image.store, wanted):
        run_passes(
            plan,
            passes,
            arrays,
            units=units,
            workers=workers,
            read_source=read,
            within=affected,
            chunks=image.chunks()[level:],
        )
