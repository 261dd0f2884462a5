"""The affected boxes of an edit hold every pixel that a full recompute changes."""

from __future__ import annotations

import dask.array as da
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ngff_zarr._engine.geometry import Box, intersect, outside, slices, volume
from ngff_zarr._engine.pyramid import compute_region, make_plan
from ngff_zarr._engine.rebuild import affected_boxes, overlay
from ngff_zarr.methods import Methods, get_method


def _levels(data: np.ndarray, steps: list[tuple[int, ...]], method: Methods) -> list[np.ndarray]:
    factors, total = [], (1,) * data.ndim
    for step in steps:
        total = tuple(a * b for a, b in zip(total, step, strict=True))
        factors.append(total)
    plan = make_plan(da.from_array(data), factors, get_method(method), (True,) * data.ndim)
    whole = {k: tuple((0, n) for n in plan.shapes[k]) for k in range(1, plan.levels)}
    out = compute_region(plan, 0, whole, lambda box: data[slices(box)]) if whole else {}
    return [data, *(out[k] for k in range(1, plan.levels))]


@st.composite
def edits(draw):  # type: ignore[no-untyped-def]
    ndim = draw(st.integers(1, 2))
    shape = tuple(draw(st.integers(9, 40)) for _ in range(ndim))
    steps = [tuple(draw(st.sampled_from([1, 2, 3])) for _ in range(ndim)) for _ in range(2)]
    box = []
    for n in shape:
        lo = draw(st.integers(0, n - 1))
        box.append((lo, draw(st.integers(lo + 1, n))))
    method = draw(st.sampled_from([Methods.GAUSSIAN, Methods.LOCAL_MEAN, Methods.NEAREST]))
    return shape, steps, tuple(box), method, draw(st.integers(0, 2**16))


@settings(max_examples=60, deadline=None)
@given(edits())
def test_changed_pixels_lie_in_the_affected_boxes(case) -> None:  # type: ignore[no-untyped-def]
    shape, steps, box, method, seed = case
    rng = np.random.default_rng(seed)
    before = rng.integers(0, 1000, shape).astype(np.float64)
    after = before.copy()
    after[slices(box)] = rng.integers(0, 1000, tuple(hi - lo for lo, hi in box))
    old, new = _levels(before, steps, method), _levels(after, steps, method)
    factors = [(1,) * len(shape)]
    for step in steps:
        factors.append(tuple(a * b for a, b in zip(factors[-1], step, strict=True)))
    plan = make_plan(da.from_array(before), factors[1:], get_method(method), (True,) * len(shape))
    boxes = affected_boxes(plan, box)
    for level, (a, b) in enumerate(zip(old, new, strict=True)):
        changed = np.argwhere(a != b)
        if level not in boxes:
            assert not changed.size
            continue
        inside = np.all(
            [
                (changed[:, d] >= lo) & (changed[:, d] < hi)
                for d, (lo, hi) in enumerate(boxes[level])
            ],
            axis=0,
        )
        assert inside.all(), f"level {level}: pixels changed outside {boxes[level]}"


def test_overlay_reads_new_values_inside_and_the_band_once() -> None:
    stored = np.arange(100).reshape(10, 10)
    reads: list[Box] = []

    def read_stored(box: Box) -> np.ndarray:
        reads.append(box)
        return stored[slices(box)]

    changed: Box = ((3, 6), (3, 6))
    band: Box = ((1, 8), (1, 8))
    read = overlay(changed, lambda part: -np.ones([hi - lo for lo, hi in part]), read_stored,
                   stored.dtype, band)  # fmt: skip
    first = read(((2, 7), (2, 7)))
    second = read(((1, 8), (1, 4)))
    assert (first[1:4, 1:4] == -1).all()
    assert first[0, 0] == stored[2, 2]
    assert np.array_equal(second[:, :2], stored[1:8, 1:3])
    # the band was read piece by piece, each piece once, never the edited box
    assert len(reads) == len(set(reads)) <= len(outside(band, changed))
    assert all(intersect(r, changed) is None for r in reads)
    assert sum(volume(r) for r in reads) <= volume(band) - volume(changed)
