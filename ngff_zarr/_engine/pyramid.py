"""The pyramid plan and the cascade that computes any region of every level from the one above.

A level ``k`` is computed from level ``k - 1`` by the method's block function, on windows that
carry the method's halo and are padded with the edge value at the array's borders. Because each
output pixel depends only on its window, computing a region gives exactly the values that a
whole-array computation gives: the streaming writer relies on this.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import dask.array as da
import numpy as np
from dask.base import tokenize

from .._arrays import in_memory
from ..errors import InternalError, NgffValueError
from ..methods import BlockMethod
from .geometry import Box, clip, hull, slices


@dataclass(frozen=True, slots=True, kw_only=True)
class PyramidPlan:
    """How the levels derive from ``source``: shapes, parents, per-step factors and halos.

    Level ``k`` is computed from level ``parents[k]`` by ``steps[k]``: from the level just above
    when its factors divide level ``k``'s (``[2, 4, 8]``), else from level 0 (the 3 and the 4
    of ``[2, 3, 4]``), as ngff-zarr 0.50 computes them: the same call gives the same pixels.
    """

    source: da.Array
    shapes: tuple[tuple[int, ...], ...]
    steps: tuple[tuple[int, ...], ...]  # factor from level parents[k] to k; steps[0] all ones
    halos: tuple[tuple[int, ...], ...]  # halo (in parent pixels) for step k
    method: BlockMethod
    spatial: tuple[bool, ...]
    parents: tuple[int, ...] = ()  # parents[0] is 0; empty: each level from the one above
    totals: tuple[tuple[int, ...], ...] = ()  # factor of each level relative to level 0

    def __post_init__(self) -> None:
        if not self.parents:
            object.__setattr__(self, "parents", tuple(max(0, k - 1) for k in range(self.levels)))
        if not self.totals:
            totals = [(1,) * len(self.spatial)]
            for k in range(1, self.levels):
                parent = totals[self.parents[k]]
                totals.append(tuple(a * b for a, b in zip(parent, self.steps[k], strict=True)))
            object.__setattr__(self, "totals", tuple(totals))

    @property
    def levels(self) -> int:
        return len(self.shapes)

    def factor(self, first: int, level: int) -> tuple[int, ...]:
        """The combined factor from ``first`` to ``level`` per dim (``first`` an ancestor)."""
        return tuple(t // f for t, f in zip(self.totals[level], self.totals[first], strict=True))

    def chain(self, first: int, level: int) -> list[int]:
        """The levels from ``first`` (excluded) down to ``level``, each computed from the last.

        Raises
        ------
        InternalError
            ``first`` is not an ancestor of ``level``.
        """
        out = []
        while level > first:
            out.append(level)
            level = self.parents[level]
        if level != first:
            raise InternalError(f"level {out[0]} is not computed from level {first}")
        return out[::-1]

    def computable_from(self, first: int, level: int) -> bool:
        """Whether ``level`` is computed (through its parents) from ``first``."""
        while level > first:
            level = self.parents[level]
        return level == first


def make_plan(
    source: da.Array,
    factors: Sequence[tuple[int, ...]],
    method: BlockMethod,
    spatial: tuple[bool, ...],
) -> PyramidPlan:
    """The plan of levels with total ``factors`` (one tuple per level below the first).

    Any positive factors: each level is computed from the level just above when its factors
    divide the level's own, else from the full resolution (ngff-zarr 0.50's rule), so
    ``[2, 3, 4]`` computes both the 3 and the 4 from the full resolution, every level exactly
    ``shape // factor``.

    Raises
    ------
    NgffValueError
        A factor below 1, or a level that would be empty.
    """
    shape0 = tuple(int(s) for s in source.shape)
    shapes = [shape0]
    totals = [(1,) * source.ndim]
    parents = [0]
    halos = [(0,) * source.ndim]
    steps = [(1,) * source.ndim]
    for level, current in enumerate(factors, start=1):
        current = tuple(int(f) for f in current)
        if any(f < 1 for f in current):
            raise NgffValueError(
                f"scale_factors: level {level}: expected factors >= 1, got {current}"
            )
        above = level - 1
        divides = all(c % f == 0 for c, f in zip(current, totals[above], strict=True))
        parent = above if divides else 0
        step = tuple(c // f for c, f in zip(current, totals[parent], strict=True))
        shape = tuple(s // f for s, f in zip(shape0, current, strict=True))
        if any(s < 1 for s in shape):
            raise NgffValueError(
                f"scale_factors: level {level} would have no pixels (image shape {shape0}, "
                f"factors {current})"
            )
        steps.append(step)
        shapes.append(shape)
        totals.append(current)
        parents.append(parent)
        halos.append(method.halo(step, spatial))
    return PyramidPlan(
        source=source,
        shapes=tuple(shapes),
        steps=tuple(steps),
        halos=tuple(halos),
        method=method,
        spatial=spatial,
        parents=tuple(parents),
        totals=tuple(totals),
    )


def _window(plan: PyramidPlan, level: int, need: Box) -> Box:
    """The window of level ``level``'s parent (unclipped) that ``need`` of ``level`` reads."""
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
        parent = plan.parents[level]
        if parent < first:
            raise InternalError(f"level {level} is not computed from level {first}")
        below = clip(_window(plan, level, box), plan.shapes[parent])
        need[parent] = hull(need.get(parent), below)
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

    ``read(box)`` returns level ``first`` over ``box`` (inside the array); every level asked
    for is computed through its parents from ``first``. Returns the requested interior of
    each level in ``interiors``.
    """
    last = max(interiors)
    need = needed_boxes(plan, first, interiors)
    last_use = {plan.parents[level]: level for level in sorted(need) if level > first}
    data: dict[int, np.ndarray] = {first: read(need[first])}
    for level in range(first + 1, last + 1):
        if cancelled is not None and cancelled():
            raise _Cancelled
        if level not in need:
            continue
        parent = plan.parents[level]
        source, parent_box = data[parent], need[parent]
        window = _window(plan, level, need[level])
        shape = plan.shapes[parent]
        key = tuple(
            slice(max(0, lo) - plo, min(n, hi) - plo)
            for (lo, hi), (plo, _), n in zip(window, parent_box, shape, strict=True)
        )
        pad = [(max(0, -lo), max(0, hi - n)) for (lo, hi), n in zip(window, shape, strict=True)]
        block = source[key]
        if any(p for pair in pad for p in pair):
            block = np.pad(block, pad, mode="edge")
        data[level] = plan.method.function(block, plan.steps[level], spatial=plan.spatial)
        if last_use.get(parent) == level and parent not in interiors and parent != first:
            del data[parent]
    out: dict[int, np.ndarray] = {}
    for level, box in interiors.items():
        base = need[level]
        key = tuple(slice(lo - b0, hi - b0) for (lo, hi), (b0, _) in zip(box, base, strict=True))
        out[level] = data[level][key]
    return out


class _Cancelled(Exception):
    """Raised inside a region computation when the run was cancelled."""


def source_reader(array: Any) -> Callable[[Box], np.ndarray]:
    """How the write engine reads boxes of ``array``: a caller's NumPy array is sliced in
    place (read-only views: the engine never writes into what it reads, and never copies the
    level it writes as is), anything else through :func:`read_box`."""
    held = in_memory(array)
    if held is None:
        return lambda box: read_box(array, box)

    def view(box: Box) -> np.ndarray:
        out = held[slices(box)]
        out.flags.writeable = False
        return out

    return view


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

    @property
    def source(self) -> da.Array:
        return self._plan.source

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
    chain = [plan.totals[k] for k in plan.chain(0, level)]
    token = tokenize(plan.source.name, chain, plan.method.method.value)
    return f"ngff-level{level}-{plan.method.method.value}-{token}"


# level-0 views (the source presented in the requested chunks), by dask name; a view lives as
# long as the dask array that holds it
_VIEWS: weakref.WeakValueDictionary[str, _VirtualLevel] = weakref.WeakValueDictionary()


def level_array(plan: PyramidPlan, level: int, chunks: tuple[int, ...]) -> da.Array:
    """Level ``level`` as a lazy dask array (one task per chunk of ``chunks``).

    Level 0 is the source itself when it is already chunked so; otherwise a view of it in
    ``chunks`` (each chunk slices the source: no dask rechunk graph), that
    :func:`source_of` maps back to the source so a write still reads the source once, in
    its own regions.
    """
    if level == 0:
        wanted = da.core.normalize_chunks(chunks, plan.shapes[0], dtype=plan.source.dtype)
        if tuple(plan.source.chunks) == tuple(wanted):
            return plan.source
        view = _VirtualLevel(plan, 0)
        name = f"ngff-level0-{tokenize(plan.source.name, wanted)}"
        _VIEWS[name] = view
        level0: da.Array = da.from_array(
            view, chunks=chunks, name=name, asarray=False, lock=False, fancy=False,
            meta=np.empty((0,) * len(chunks), dtype=plan.source.dtype),  # no probing read
        )  # fmt: skip
        return level0
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


def source_of(array: da.Array) -> da.Array:
    """The source behind a level-0 view from :func:`level_array`; ``array`` itself otherwise."""
    view = _VIEWS.get(array.name)
    if view is None or view.shape != tuple(int(s) for s in array.shape):
        return array
    return view.source


def truncated(plan: PyramidPlan, levels: int) -> PyramidPlan:
    """The plan of its first ``levels`` levels only."""
    return replace(
        plan,
        shapes=plan.shapes[:levels],
        steps=plan.steps[:levels],
        halos=plan.halos[:levels],
        parents=plan.parents[:levels],
        totals=plan.totals[:levels],
    )
