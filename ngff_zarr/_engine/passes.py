"""Planning the regions of a streaming write.

A write is one or more *passes*. A pass reads level ``first`` (the source for the first pass,
the level just written for later ones) region by region and computes levels
``first + 1 .. last`` of each region in memory. Region edges fall on the write units (shards,
or chunks without sharding) of level ``first`` and on multiples of every lower level's factor,
so each region owns an exact box of every level and the regions tile every level exactly once.
A lower level's box may cover part of a write unit: the engine assembles such units in memory
and writes each once, when complete. Regions are visited in hierarchical order (the coarsest
level's units first), so that few units are ever partly assembled.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..config import config
from .geometry import Box, Range
from .pyramid import PyramidPlan
from .source_chunks import chunk_bounds, computed_source


@dataclass(frozen=True, slots=True, kw_only=True)
class Pass:
    """Levels ``first..last`` computed from level ``first`` over regions of ``region_shape``."""

    first: int
    last: int
    write_first: bool
    region_shape: tuple[int, ...]
    shape: tuple[int, ...]  # shape of level ``first``
    # write units of levels last..first+1, in level ``first`` pixels: the visiting order
    order_blocks: tuple[tuple[int, ...], ...] = ()
    # the chunk starts per dim of a computed source (see .source_chunks): visited first
    # chunk by chunk, so that a source chunk is held only while nearby regions read it
    source_bounds: tuple[tuple[int, ...], ...] = ()

    def regions(self, within: Box | None = None) -> Iterator[Box]:
        """The regions of level ``first``: source chunk by chunk (when ``source_bounds`` is
        set), then the coarsest level's write units first.

        With ``within`` (a box of level ``first``), only the regions that meet it, found
        without visiting the others (an edit of one frame of a long series costs one frame).
        """
        bounds = within if within is not None else tuple((0, n) for n in self.shape)
        ranges = [
            [(lo, min(lo + r, n)) for lo in range((a // r) * r, min(b, n), r)]
            for r, n, (a, b) in zip(self.region_shape, self.shape, bounds, strict=True)
        ]
        combos = list(itertools.product(*ranges))

        def key(box: tuple[Range, ...]) -> tuple[tuple[int, ...], ...]:
            starts = tuple(lo for lo, _ in box)
            blocks = tuple(
                tuple(s // b for s, b in zip(starts, block, strict=True))
                for block in self.order_blocks
            )
            # no source_bounds: an empty key
            pairs = zip(starts, self.source_bounds, strict=False)
            chunk = tuple(bisect.bisect_right(b, s) - 1 for s, b in pairs)
            return (chunk, *blocks, starts)

        combos.sort(key=key)
        yield from combos

    @property
    def region_count(self) -> int:
        return math.prod(-(-n // r) for r, n in zip(self.region_shape, self.shape, strict=True))


def level_box(plan: PyramidPlan, first: int, level: int, region: Box) -> Box:
    """The part of ``level`` that ``region`` (a box of level ``first``) is responsible for."""
    factor = plan.factor(first, level)
    shape_first, shape_level = plan.shapes[first], plan.shapes[level]
    out = []
    for (lo, hi), f, n_first, n_level in zip(region, factor, shape_first, shape_level, strict=True):
        end = n_level if hi >= n_first else hi // f
        out.append((min(lo // f, n_level), min(end, n_level)))
    return tuple(out)


def level_reach(plan: PyramidPlan, first: int, level: int, box: Box) -> Box:
    """The part of level ``first`` whose regions own some of ``box`` (a box of ``level``).

    The inverse of :func:`level_box` on the region grid (region edges are multiples of the
    factor from ``first`` to ``level``).
    """
    factor = plan.factor(first, level)
    return tuple(
        (lo * f, min(hi * f, n))
        for (lo, hi), f, n in zip(box, factor, plan.shapes[first], strict=True)
    )


def _lcm(values: Sequence[int]) -> int:
    out = 1
    for v in values:
        out = out * v // math.gcd(out, v)
    return out


def _region_bytes(plan: PyramidPlan, first: int, last: int, region: tuple[int, ...]) -> int:
    """A generous estimate of the memory one region's computation holds at its peak."""
    itemsize = int(plan.source.dtype.itemsize)
    halo = [0] * len(region)
    for level in range(first + 1, last + 1):
        scale = plan.factor(first, level - 1)
        for i, h in enumerate(plan.halos[level]):
            halo[i] += h * scale[i]
    voxels = math.prod(r + 2 * h for r, h in zip(region, halo, strict=True))
    working = 4 if any(any(h) for h in plan.halos) else 2
    # the input, its padded copy, a float working copy of the first step, and the outputs
    return int(voxels * (2 * itemsize + working * 2) + (voxels * itemsize) // 4)


def plan_passes(
    plan: PyramidPlan,
    units: Sequence[tuple[int, ...]],
    *,
    memory_target: int,
    workers: int,
    whole_units: bool = False,
) -> list[Pass]:
    """Split the write of every level into passes whose regions fit in ``memory_target``.

    ``units[k]`` is the write unit (shard or chunk shape) of level ``k``. With
    ``whole_units``, a region owns whole write units of every level it writes (no unit is
    assembled from several regions): needed when regions run in separate processes.
    """
    in_flight = workers + 1
    budget = max(1, memory_target // in_flight)
    passes: list[Pass] = []
    first, write_first = 0, True
    bounds = chunk_bounds(plan.source) if computed_source(plan.source) else ()
    levels = plan.levels
    while True:
        last = first if write_first else first + 1
        base = _unit(plan, units, first, last, whole_units)
        # take as many further levels as still fit in the budget
        while last + 1 < levels:
            candidate = _unit(plan, units, first, last + 1, whole_units)
            if _region_bytes(plan, first, last + 1, candidate) > budget:
                break
            last += 1
            base = candidate
        region = _grow(plan, first, last, base, budget, workers)
        order = tuple(
            tuple(f * u for f, u in zip(plan.factor(first, level), units[level], strict=True))
            for level in range(last, first, -1)
        )
        passes.append(
            Pass(
                first=first,
                last=last,
                write_first=write_first,
                region_shape=region,
                shape=plan.shapes[first],
                order_blocks=order,
                source_bounds=bounds if first == 0 else (),
            )
        )
        if last + 1 >= levels:
            return passes
        first, write_first = last, False


def _unit(
    plan: PyramidPlan,
    units: Sequence[tuple[int, ...]],
    first: int,
    last: int,
    whole_units: bool = False,
) -> tuple[int, ...]:
    out = []
    for d in range(len(plan.shapes[0])):
        # whole write units of the level read: written whole (first pass) or read whole (later)
        parts = [units[first][d]]
        parts += [
            plan.factor(first, level)[d] * (units[level][d] if whole_units else 1)
            for level in range(first + 1, last + 1)
        ]
        out.append(_lcm(parts))
    return tuple(out)


def _grow(
    plan: PyramidPlan,
    first: int,
    last: int,
    base: tuple[int, ...],
    budget: int,
    workers: int,
) -> tuple[int, ...]:
    """Enlarge the base unit (innermost dims first) while it fits and work stays parallel."""
    shape = plan.shapes[first]
    cap = [-(-n // b) * b for n, b in zip(shape, base, strict=True)]
    region = list(base)
    small = config.small_region_bytes  # below this, splitting for threads does not pay
    for d in reversed(range(len(region))):
        while region[d] < cap[d]:
            trial = list(region)
            trial[d] = min(cap[d], region[d] * 2)
            count = math.prod(-(-n // r) for n, r in zip(shape, trial, strict=True))
            size = _region_bytes(plan, first, last, tuple(trial))
            # keep every worker busy, except for small regions, where one is cheaper than threads
            if size > budget or (count < 2 * workers and size > small):
                break
            region = trial
    return tuple(region)
