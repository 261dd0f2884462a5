"""The engine's passes: what a later pass reads, and that the result is the whole-array one."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

import dask.array as da
import numpy as np
import zarr

from ngff_zarr import Methods, from_ngff_zarr, to_multiscales, to_ngff_image, to_ngff_zarr
from ngff_zarr._engine.passes import plan_passes
from ngff_zarr._engine.pyramid import make_plan
from ngff_zarr.methods import get_method


class _ReadCounting(MutableMapping[str, Any]):
    """A memory store's contents that record the chunk keys read from them."""

    def __init__(self) -> None:
        self._items: dict[str, Any] = {}
        self.chunk_reads: list[str] = []

    def __getitem__(self, key: str) -> Any:
        if "/c/" in key:
            self.chunk_reads.append(key)
        return self._items[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._items[key] = value

    def __delitem__(self, key: str) -> None:
        del self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


def _pyramid(data: Any) -> Any:
    image = to_ngff_image(data, dims=("z", "y", "x"))
    return to_multiscales(image, scale_factors=[2, 4], method=Methods.GAUSSIAN, chunks=8)


def test_later_passes_read_a_numpy_source_again_not_its_stored_level() -> None:
    data = np.random.default_rng(3).integers(0, 4000, (48, 64, 64)).astype(np.uint16)
    whole = zarr.storage.MemoryStore()
    to_ngff_zarr(whole, _pyramid(data), version="0.5", backend="zarr")
    contents = _ReadCounting()
    store = zarr.storage.MemoryStore(contents)
    # a target this small plans one pass per level: levels 1 and 2 are computed in later passes
    to_ngff_zarr(store, _pyramid(data), version="0.5", backend="zarr", memory_target=1)
    paths = [d.path for d in from_ngff_zarr(store).metadata.datasets]
    read_levels = {key.split("/c/")[0] for key in contents.chunk_reads}
    assert paths[1] in read_levels  # level 2's pass read level 1: several passes ran
    assert paths[0] not in read_levels  # level 1's pass sliced the NumPy source instead
    for ours, reference in zip(
        from_ngff_zarr(store).images, from_ngff_zarr(whole).images, strict=True
    ):
        np.testing.assert_array_equal(ours.data.compute(), reference.data.compute())


def test_later_passes_read_a_computed_source_from_the_store() -> None:
    data = np.random.default_rng(4).integers(0, 4000, (48, 64, 64)).astype(np.uint16)
    contents = _ReadCounting()
    store = zarr.storage.MemoryStore(contents)
    lazy = da.from_array(data, chunks=(16, 64, 64)) + 1  # computed: never computed twice
    to_ngff_zarr(store, _pyramid(lazy), version="0.5", backend="zarr", memory_target=1)
    paths = [d.path for d in from_ngff_zarr(store).metadata.datasets]
    assert {key.split("/c/")[0] for key in contents.chunk_reads} >= {paths[0], paths[1]}
    np.testing.assert_array_equal(from_ngff_zarr(store).images[0].data.compute(), data + 1)


def test_a_numpy_source_writes_a_sharded_pyramid_in_one_pass() -> None:
    """Its regions are views of the caller's array: the input costs no memory of its own."""
    units = [(256, 256, 256), (128, 256, 256), (64, 256, 256)]
    factors = [(2, 2, 2), (4, 4, 4)]
    method = get_method(Methods.LOCAL_MEAN)
    held = to_ngff_image(np.zeros((256, 512, 512), dtype=np.uint16)).data  # pages never touched
    computed = da.zeros((256, 512, 512), dtype=np.uint16, chunks=(64, 512, 512))
    for source, count in ((held, 1), (computed, 3)):
        plan = make_plan(source, factors, method, (True,) * 3)
        passes = plan_passes(plan, units, memory_target=512 * 2**20, workers=3)
        assert len(passes) == count
