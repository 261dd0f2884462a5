"""The pyramid plan and the cascade that computes any region of every level from the one above.

A level ``k`` is computed from level ``k - 1`` by the method's block function, on windows that
carry the method's halo and are padded with the edge value at the array's borders. Because each
output pixel depends only on its window, computing a region gives exactly the values that a
whole-array computation gives: the streaming writer relies on this.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import dask.array as da
import numpy as np
from dask.base import tokenize

from ..errors import NgffValueError
from ..methods import BlockMethod
from .geometry import Box, clip, hull, slices


@dataclass(frozen=True, slots=True, kw_only=True)
class PyramidPlan:
    """How the levels derive from ``source``: shapes, per-step factors and halos."""

    source: da.Array
    shapes: tuple[tuple[int, ...], ...]
    steps: tuple[tuple[int, ...], ...]  # factor from level k-1 to k; steps[0] is all ones
    halos: tuple[tuple[int, ...], ...]  # halo (in level k-1 pixels) for step k
    method: BlockMethod
    spatial: tuple[bool, ...]

    @property
    def levels(self) -> int:
        return len(self.shapes)

    def factor(self, first: int, level: int) -> tuple[int, ...]:
        """The combined factor from ``first`` to ``level`` per dim."""
        out = [1] * len(self.spatial)
        for k in range(first + 1, level + 1):
            out = [a * b for a, b in zip(out, self.steps[k], strict=True)]
        return tuple(out)


def make_plan(
    source: da.Array,
    factors: Sequence[tuple[int, ...]],
    method: BlockMethod,
    spatial: tuple[bool, ...],
) -> PyramidPlan:
    """The plan of levels with total ``factors`` (one tuple per level below the first).

    Each level is computed from the one above, so a level's factors must be multiples of the
    previous level's.

    Raises
    ------
    NgffValueError
        A level whose factors are not multiples of the previous level's, or that would be
        empty.
    """
    shape0 = tuple(int(s) for s in source.shape)
    shapes = [shape0]
    halos = [(0,) * source.ndim]
    steps = [(1,) * source.ndim]
    previous = (1,) * source.ndim
    for level, current in enumerate(factors, start=1):
        step = []
        for axis, (prev, cur) in enumerate(zip(previous, current, strict=True)):
            if cur % prev:
                raise NgffValueError(
                    f"scale_factors: level {level} factor {cur} on axis {axis} is not a "
                    f"multiple of the previous level's factor {prev}; each level is computed "
                    "from the one above"
                )
            step.append(cur // prev)
        shape = tuple(s // f for s, f in zip(shapes[-1], step, strict=True))
        if any(s < 1 for s in shape):
            raise NgffValueError(
                f"scale_factors: level {level} would have no pixels (image shape {shape0}, "
                f"factors {tuple(current)})"
            )
        steps.append(tuple(step))
        shapes.append(shape)
        halos.append(method.halo(tuple(step), spatial))
        previous = tuple(current)
    return PyramidPlan(
        source=source,
        shapes=tuple(shapes),
        steps=tuple(steps),
        halos=tuple(halos),
        method=method,
        spatial=spatial,
    )


def _window(plan: PyramidPlan, level: int, need: Box) -> Box:
    """The window of level ``level - 1`` (unclipped) that level ``level``'s ``need`` reads."""
    step, halo = plan.steps[level], plan.halos[level]
    return tuple((lo * f - h, hi * f + h) for (lo, hi), f, h in zip(need, step, halo, strict=True))


def needed_boxes(plan: PyramidPlan, first: int, interiors: dict[int, Box]) -> dict[int, Box]:
    """The box of every level from ``first`` that computing ``interiors`` holds in memory.

    ``needed_boxes(...)[first]`` is what :func:`compute_region` reads.
    """
    need: dict[int, Box] = {}
    for level in range(max(interiors), first, -1):
        box = interiors.get(level)
        if level in need:
            box = hull(box, need[level]) if box is not None else need[level]
        if box is None:
            continue
        need[level] = box
        below = clip(_window(plan, level, box), plan.shapes[level - 1])
        need[level - 1] = hull(need.get(level - 1), below)
    if first in interiors:
        need[first] = hull(need.get(first), interiors[first])
    return need


def compute_region(
    plan: PyramidPlan,
    first: int,
    interiors: dict[int, Box],
    read: Callable[[Box], np.ndarray],
    cancelled: Callable[[], bool] | None = None,
) -> dict[int, np.ndarray]:
    """Compute ``interiors`` (level -> box) of levels ``>= first`` from level ``first``.

    ``read(box)`` returns level ``first`` over ``box`` (inside the array). Returns the
    requested interior of each level in ``interiors``.
    """
    last = max(interiors)
    need = needed_boxes(plan, first, interiors)
    data: dict[int, np.ndarray] = {first: read(need[first])}
    for level in range(first + 1, last + 1):
        if cancelled is not None and cancelled():
            raise _Cancelled
        if level not in need:
            continue
        parent, parent_box = data[level - 1], need[level - 1]
        window = _window(plan, level, need[level])
        shape = plan.shapes[level - 1]
        key = tuple(
            slice(max(0, lo) - plo, min(n, hi) - plo)
            for (lo, hi), (plo, _), n in zip(window, parent_box, shape, strict=True)
        )
        pad = [(max(0, -lo), max(0, hi - n)) for (lo, hi), n in zip(window, shape, strict=True)]
        block = parent[key]
        if any(p for pair in pad for p in pair):
            block = np.pad(block, pad, mode="edge")
        data[level] = plan.method.function(block, plan.steps[level], spatial=plan.spatial)
        if level - 1 not in interiors and level - 1 != first:
            del data[level - 1]
    out: dict[int, np.ndarray] = {}
    for level, box in interiors.items():
        base = need[level]
        key = tuple(slice(lo - b0, hi - b0) for (lo, hi), (b0, _) in zip(box, base, strict=True))
        out[level] = data[level][key]
    return out


class _Cancelled(Exception):
    """Raised inside a region computation when the run was cancelled."""


def read_box(array: Any, box: Box) -> np.ndarray:
    """Read ``box`` of a dask (or sliceable) array into NumPy, without nested thread pools."""
    part = array[slices(box)]
    if isinstance(part, da.Array):
        return np.asarray(part.compute(scheduler="synchronous"))
    return np.asarray(part)


class _VirtualLevel:
    """A pyramid level as a sliceable array: a slice computes only what it needs."""

    def __init__(self, plan: PyramidPlan, level: int) -> None:
        self._plan = plan
        self._level = level
        self.shape = plan.shapes[level]
        self.ndim = len(self.shape)
        self.dtype = plan.source.dtype

    def __getitem__(self, key: tuple[slice, ...]) -> np.ndarray:
        if not isinstance(key, tuple):
            key = (key,)
        box = tuple(
            (k.start or 0, n if k.stop is None else k.stop)
            for k, n in zip(key, self.shape, strict=True)
        )
        result = compute_region(
            self._plan,
            0,
            {self._level: box},
            lambda b: read_box(self._plan.source, b),
        )
        return result[self._level]


def level_name(plan: PyramidPlan, level: int) -> str:
    """The dask name of level ``level``: it depends only on the source and the steps to it."""
    if level == 0:
        name: str = plan.source.name
        return name
    token = tokenize(plan.source.name, plan.steps[: level + 1], plan.method.method.value)
    return f"ngff-level{level}-{plan.method.method.value}-{token}"


def level_array(plan: PyramidPlan, level: int, chunks: tuple[int, ...]) -> da.Array:
    """Level ``level`` as a lazy dask array (one task per chunk)."""
    if level == 0:
        return plan.source
    array: da.Array = da.from_array(
        _VirtualLevel(plan, level),
        chunks=chunks,
        name=level_name(plan, level),
        asarray=False,
        lock=False,
        fancy=False,
        meta=np.empty((0,) * len(chunks), dtype=plan.source.dtype),  # no probing read
    )
    return array


def truncated(plan: PyramidPlan, levels: int) -> PyramidPlan:
    """The plan of its first ``levels`` levels only."""
    return replace(
        plan, shapes=plan.shapes[:levels], steps=plan.steps[:levels], halos=plan.halos[:levels]
    )
