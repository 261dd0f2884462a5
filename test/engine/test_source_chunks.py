"""A computed (lazy) source has each of its chunks computed once, in bounded memory.

The source counts its own chunk computations (a ``map_blocks`` generator, as a user's lazy
pipeline would be). The store it writes is compared with the store written from the same
pixels held in memory, which the engine slices directly.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import dask.array as da
import numpy as np
import pytest
import zarr

from ngff_zarr import Methods, config, to_multiscales, to_ngff_image, to_ngff_zarr
from ngff_zarr._engine.passes import plan_passes
from ngff_zarr._engine.pyramid import make_plan, needed_boxes
from ngff_zarr._engine.run import _interiors
from ngff_zarr._engine.source_chunks import SourceChunks, computed_source
from ngff_zarr.methods import get_method

SHAPE = (48, 96, 80)


class Counting:
    """A lazy source over random pixels that counts how often each chunk is computed."""

    def __init__(self, chunks: tuple[Any, ...], shape: tuple[int, ...] = SHAPE) -> None:
        self.volume = np.random.default_rng(5).integers(0, 60000, shape, dtype=np.uint16)
        self.calls: dict[tuple[int, ...], int] = {}
        self._lock = threading.Lock()
        self.chunks = da.core.normalize_chunks(chunks, shape)

    def block(self, block_info: Any = None) -> np.ndarray:
        info = block_info[None]
        with self._lock:
            key = tuple(info["chunk-location"])
            self.calls[key] = self.calls.get(key, 0) + 1
        return self.volume[tuple(slice(lo, hi) for lo, hi in info["array-location"])].copy()

    def array(self) -> da.Array:
        out: da.Array = da.map_blocks(self.block, chunks=self.chunks, dtype=np.uint16)
        return out

    def count(self) -> int:
        return int(np.prod([len(c) for c in self.chunks]))


def _write(path: Path, data: Any, method: Methods, **options: Any) -> None:
    image = to_ngff_image(data, dims=("z", "y", "x"))
    to_ngff_zarr(path, to_multiscales(image, scale_factors=[2, 4], method=method, chunks=16),
                 **options)  # fmt: skip


@pytest.mark.parametrize(
    "chunks",
    [(4, 96, 80), (1, 96, 80), (20, 20, 20), ((10, 30, 8), 96, (50, 30))],
    ids=["slab4", "plane", "cube20", "irregular"],
)
@pytest.mark.parametrize("method", [Methods.LOCAL_MEAN, Methods.GAUSSIAN])
def test_each_source_chunk_is_computed_once(tmp_path: Path, chunks: Any, method: Methods) -> None:
    source = Counting(chunks)
    lazy = source.array()
    assert computed_source(lazy)
    # a small memory target: many regions, each cutting across source chunks
    with config.set(memory_target=2**20, max_workers=3):
        _write(tmp_path / "lazy.ome.zarr", lazy, method)
    assert sorted(source.calls) == sorted(np.ndindex(*[len(c) for c in source.chunks]))
    assert set(source.calls.values()) == {1}, f"computed more than once: {source.calls}"
    _write(tmp_path / "memory.ome.zarr", source.volume, method)
    for level in ("scale0/image", "scale1/image", "scale2/image"):
        got = zarr.open_array(tmp_path / "lazy.ome.zarr" / level, mode="r")[...]
        want = zarr.open_array(tmp_path / "memory.ome.zarr" / level, mode="r")[...]
        np.testing.assert_array_equal(got, want, err_msg=f"level {level}")


def test_a_failing_chunk_fails_the_write(tmp_path: Path) -> None:
    def block(block_info: Any = None) -> np.ndarray:
        if tuple(block_info[None]["chunk-location"]) == (3, 0, 0):
            raise OSError("the source is gone")
        return np.zeros(block_info[None]["chunk-shape"], dtype=np.uint16)

    lazy = da.map_blocks(block, chunks=da.core.normalize_chunks((4, 96, 80), SHAPE), dtype="u2")
    with config.set(memory_target=2**20), pytest.raises(OSError, match="the source is gone"):
        _write(tmp_path / "lazy.ome.zarr", lazy, Methods.LOCAL_MEAN)
    assert not (tmp_path / "lazy.ome.zarr").exists()  # nothing half-written in its place


@pytest.mark.parametrize("chunks", [(4, 48, 48), (1, 48, 48), (16, 16, 16), (20, 20, 20)])
@pytest.mark.parametrize("method", [Methods.LOCAL_MEAN, Methods.GAUSSIAN])
def test_chunks_are_held_only_while_nearby_regions_read_them(chunks: Any, method: Methods) -> None:
    """Regions are visited source chunk by chunk and a chunk is dropped after its last read:
    the chunks held at once are about those one region's read window touches."""
    source = Counting(chunks, shape=(256, 48, 48))
    plan = make_plan(source.array(), [(2, 2, 2), (4, 4, 4)], get_method(method), (True,) * 3)
    first = plan_passes(plan, [(16, 16, 16)] * 3, memory_target=2**20, workers=1)[0]
    outputs = list(range(0, first.last + 1))
    regions = [r for r in first.regions() if _interiors(plan, first, outputs, r)]
    assert len(regions) >= 8  # the regions cut across the source chunks
    windows = [needed_boxes(plan, 0, _interiors(plan, first, outputs, r))[0] for r in regions]
    reader = SourceChunks(plan.source, windows)
    for window in windows:  # in the pass's order, as one worker reads them
        np.testing.assert_array_equal(
            reader.read(window), source.volume[tuple(slice(a, b) for a, b in window)]
        )
    assert reader.computed == source.count() and reader.held_bytes == 0
    assert set(source.calls.values()) == {1}
    widest = max(len(reader._touched(w)) for w in windows)
    # bounded by a band of regions, not by the volume
    assert reader.peak_held <= 2 * widest and reader.peak_held < source.count() / 3


def test_sources_that_slice_directly_are_not_cached() -> None:
    held = np.zeros((4, 4))
    assert not computed_source(held)
    assert not computed_source(da.from_array(held, chunks=2))
    assert not computed_source(da.from_array(held, chunks=2, inline_array=True))
    assert not computed_source(to_ngff_image(held).data)
    assert computed_source(da.from_array(held, chunks=2) + 1)
    assert computed_source(da.from_array(held, chunks=2).rechunk(4))
    assert computed_source(da.zeros((4, 4), chunks=2))
