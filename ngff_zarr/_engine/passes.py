"""Planning the regions of a streaming write.

A write is one or more *passes*. A pass reads level ``first`` (the source for the first pass,
a level already written for later ones) region by region, computes the levels it writes
(``outputs``, through their parents) of each region in memory, and writes them. Region edges
fall on the write units (shards, or chunks without sharding) of level ``first`` and on
multiples of every output level's factor, so each region owns an exact box of every level and
the regions tile every level exactly once.
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

from .._arrays import in_memory
from ..config import config
from .geometry import Box, Range
from .pyramid import PyramidPlan
from .source_chunks import chunk_bounds, computed_source


@dataclass(frozen=True, slots=True, kw_only=True)
class Pass:
    """Levels ``outputs`` computed from level ``first`` over regions of ``region_shape``."""

    first: int
    outputs: tuple[int, ...]  # the levels written, in order (``first`` itself in the first pass)
    region_shape: tuple[int, ...]
    shape: tuple[int, ...]  # shape of level ``first``
    # write units of the outputs, coarsest first, in level ``first`` pixels: the visiting order
    order_blocks: tuple[tuple[int, ...], ...] = ()
    # the chunk starts per dim of a computed source (see .source_chunks): visited first
    # chunk by chunk, so that a source chunk is held only while nearby regions read it
    source_bounds: tuple[tuple[int, ...], ...] = ()
    # regions computed at once: fewer than the workers + 1 when one region (a whole write
    # unit or more: a large shard) takes a large part of the memory target; 0: no limit
    in_flight: int = 0

    @property
    def last(self) -> int:
        return self.outputs[-1]

    @property
    def write_first(self) -> bool:
        return self.first in self.outputs

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


def _region_bytes(
    plan: PyramidPlan,
    first: int,
    outputs: Sequence[int],
    region: tuple[int, ...],
    *,
    viewed: bool = False,
) -> int:
    """A generous estimate of the memory one region's computation holds at its peak.

    ``viewed``: the region's input is a view of a NumPy source, not a copy of its own.
    """
    itemsize = int(plan.source.dtype.itemsize)
    halo = [0] * len(region)
    for output in outputs:
        reach = [0] * len(region)  # the halo of the chain first -> output, in level-first pixels
        for level in plan.chain(first, output) if output > first else []:
            scale = plan.factor(first, plan.parents[level])
            for i, h in enumerate(plan.halos[level]):
                reach[i] += h * scale[i]
        halo = [max(a, b) for a, b in zip(halo, reach, strict=True)]
    voxels = math.prod(r + 2 * h for r, h in zip(region, halo, strict=True))
    working = 4 if any(any(h) for h in plan.halos) else 2
    # the input (none when viewed), its padded or contiguous copy, a float working copy of
    # the first step, and the outputs
    held = 1 if viewed else 2
    return int(voxels * (held * itemsize + working * 2) + (voxels * itemsize) // 4)


def plan_passes(
    plan: PyramidPlan,
    units: Sequence[tuple[int, ...]],
    *,
    memory_target: int,
    workers: int,
    whole_units: bool = False,
    start: int = 0,
) -> list[Pass]:
    """Split the write of every level into passes whose regions fit in ``memory_target``.

    ``units[k]`` is the write unit (shard or chunk shape) of level ``k``. With
    ``whole_units``, a region owns whole write units of every level it writes (no unit is
    assembled from several regions): needed when regions run in separate processes. The first
    pass reads the source and writes level 0; a later pass reads the written parent of its
    first level.
    """
    in_flight = workers + 1
    budget = max(1, memory_target // in_flight)
    passes: list[Pass] = []
    first, outputs = 0, [start]
    bounds = chunk_bounds(plan.source) if computed_source(plan.source) else ()
    held = in_memory(plan.source) is not None
    levels = plan.levels
    while True:
        if outputs != [0]:  # a later pass: read the parent of the next level to write
            first = plan.parents[outputs[0]]
        base = _unit(plan, units, first, outputs, whole_units)
        # take as many further levels as are computed from ``first`` and still fit the budget
        # (a NumPy source's input costs nothing: the regions are views of it). The regions
        # then grow by the generous estimate: on W1 0.4 (benchmarks/README.md, s5-w1),
        # regions of 32 MiB of input cost more CPU than regions of 16 MiB (a loaded machine;
        # large temporaries are fresh memory from the system, their pages faulted in again)
        while outputs[-1] + 1 < levels and plan.computable_from(first, outputs[-1] + 1):
            candidate_outputs = [*outputs, outputs[-1] + 1]
            candidate = _unit(plan, units, first, candidate_outputs, whole_units)
            viewed = held and first == 0
            if _region_bytes(plan, first, candidate_outputs, candidate, viewed=viewed) > budget:
                break
            outputs, base = candidate_outputs, candidate
        region = _grow(plan, first, outputs, base, budget, workers)
        # as many regions at once as the target holds (at least one): a region cannot be
        # smaller than its level's write unit
        size = _region_bytes(plan, first, outputs, region)
        at_once = max(1, min(in_flight, memory_target // max(1, size)))
        order = tuple(
            tuple(f * u for f, u in zip(plan.factor(first, level), units[level], strict=True))
            for level in reversed(outputs)
            if level != first
        )
        passes.append(
            Pass(
                first=first,
                outputs=tuple(outputs),
                region_shape=region,
                shape=plan.shapes[first],
                order_blocks=order,
                source_bounds=bounds if first == 0 else (),
                in_flight=at_once,
            )
        )
        if outputs[-1] + 1 >= levels:
            return passes
        outputs = [outputs[-1] + 1]


def _unit(
    plan: PyramidPlan,
    units: Sequence[tuple[int, ...]],
    first: int,
    outputs: Sequence[int],
    whole_units: bool = False,
) -> tuple[int, ...]:
    out = []
    for d in range(len(plan.shapes[0])):
        # whole write units of the level read: written whole (first pass) or read whole (later)
        parts = [units[first][d]]
        parts += [
            plan.factor(first, level)[d] * (units[level][d] if whole_units else 1)
            for level in outputs
            if level != first
        ]
        out.append(_lcm(parts))
    return tuple(out)


def _grow(
    plan: PyramidPlan,
    first: int,
    outputs: Sequence[int],
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
            size = _region_bytes(plan, first, outputs, tuple(trial))
            # keep every worker busy, except for small regions, where one is cheaper than threads
            if size > budget or (count < 2 * workers and size > small):
                break
            region = trial
    return tuple(region)
