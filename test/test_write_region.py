"""write_region: a region of a stored image rewritten in place, its pyramid rebuilt exactly."""

from __future__ import annotations

from pathlib import Path

import dask.array as da
import numpy as np
import pytest
import zarr
from _editing_helpers import levels, same_levels, shard_files, write

import ngff_zarr as nz
from ngff_zarr._editing.journal import NAMESPACE, pending
from ngff_zarr._io.documents import group_attributes

RNG = np.random.default_rng(7)
DIMS = ("z", "y", "x")

# every method; itkwasm_label_image breaks exact label ties by floating-point rounding that
# depends on the block extent (docs/pipeline.md), so it is compared up to such ties below
EXACT = [m for m in nz.Methods if m is not nz.Methods.ITKWASM_LABEL_IMAGE]


def _volume(shape: tuple[int, ...], labels: bool = False) -> np.ndarray:
    if labels:
        return RNG.integers(0, 6, shape).astype(np.uint16)
    return RNG.integers(0, 4000, shape, dtype=np.uint16)


@pytest.mark.parametrize("method", EXACT, ids=lambda m: m.value)
def test_equals_full_rewrite(tmp_path: Path, method: nz.Methods) -> None:
    """An unaligned region of a sharded image: every level equals rewriting the whole image."""
    itk = method.value.startswith("itkwasm")
    shape = (20, 44, 36) if itk else (33, 70, 52)
    data = _volume(shape, labels=method in (nz.Methods.MODE, nz.Methods.NEAREST))
    patch = _volume((9, 21, 13), labels=method in (nz.Methods.MODE, nz.Methods.NEAREST))
    start = {"z": 3, "y": 17, "x": 19}
    edited, whole = tmp_path / "edited.ome.zarr", tmp_path / "whole.ome.zarr"
    write(edited, data, DIMS, method=method)
    nz.write_region(edited, patch, start)
    data[3:12, 17:38, 19:32] = patch
    write(whole, data, DIMS, method=method)
    assert same_levels(edited, whole) == [True, True, True]
    assert nz.from_ngff_zarr(edited).metadata == nz.from_ngff_zarr(whole).metadata


def test_label_image_equal_up_to_ties(tmp_path: Path) -> None:
    """itkwasm_label_image: the rebuilt levels agree with a full rewrite but at exact ties."""
    data = _volume((20, 40, 36), labels=True)
    patch = _volume((7, 15, 11), labels=True)
    edited, whole = tmp_path / "edited.ome.zarr", tmp_path / "whole.ome.zarr"
    write(edited, data, DIMS, method=nz.Methods.ITKWASM_LABEL_IMAGE)
    nz.write_region(edited, patch, {"z": 5, "y": 9, "x": 14})
    data[5:12, 9:24, 14:25] = patch
    write(whole, data, DIMS, method=nz.Methods.ITKWASM_LABEL_IMAGE)
    got, expected = levels(edited), levels(whole)
    assert np.array_equal(got[0], expected[0])
    for a, b in zip(got[1:], expected[1:], strict=True):
        assert np.mean(a != b) < 0.01  # ties only (most pixels have a clear majority)
        assert set(np.unique(a)) <= set(np.unique(data))


@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_memory_store_and_versions(version: str) -> None:
    """Zarr v2 (0.4) and v3 (0.5) in an in-memory store, the region at the image's corner."""
    data = _volume((16, 40, 40))
    edited, whole = zarr.storage.MemoryStore(), zarr.storage.MemoryStore()
    write(edited, data, DIMS, method="gaussian", version=version)
    patch = _volume((16, 9, 40))
    nz.write_region(edited, patch, {"y": 31})  # z and x start at 0
    data[:, 31:] = patch
    write(whole, data, DIMS, method="gaussian", version=version)
    assert same_levels(edited, whole) == [True, True, True]


def test_dask_data_at_a_lower_level(tmp_path: Path) -> None:
    """Written at level 1 from dask: level 0 untouched, level 2 recomputed from level 1."""
    data = _volume((16, 64, 64))
    path = tmp_path / "image.ome.zarr"
    write(path, data, DIMS, method="local_mean")
    before = levels(path)
    patch = da.from_array(_volume((8, 12, 20)), chunks=(4, 5, 7))
    nz.write_region(path, patch, {"z": 0, "y": 5, "x": 9}, level=1)
    after = levels(path)
    assert np.array_equal(after[0], before[0])
    expected1 = before[1].copy()
    expected1[0:8, 5:17, 9:29] = patch.compute()
    assert np.array_equal(after[1], expected1)
    reference = nz.to_multiscales(expected1, scale_factors=[2], method="local_mean")
    assert np.array_equal(after[2], reference.images[1].data.compute())


def test_only_affected_units_are_rewritten(tmp_path: Path) -> None:
    """Shards and chunks that the region's dependencies do not reach keep their bytes."""
    data = _volume((32, 128, 128))
    path = tmp_path / "image.ome.zarr"
    write(path, data, DIMS, method="gaussian", chunks=16, chunks_per_shard=2)
    before = shard_files(path)
    nz.write_region(path, _volume((8, 8, 8)), {"z": 0, "y": 0, "x": 0})
    after = shard_files(path)
    assert before.keys() == after.keys()
    changed = sorted(k for k in before if before[k] != after[k])
    # level 0: the one shard holding the corner; the halo reaches no other shard of any level
    paths = [ds.path for ds in nz.from_ngff_zarr(path).metadata.datasets]
    assert changed == sorted(f"{p}/c/0/0/0" for p in paths)


def test_attributes_unchanged_and_no_lock_left(tmp_path: Path) -> None:
    path = tmp_path / "image.ome.zarr"
    write(path, _volume((8, 32, 32)), DIMS, method="gaussian")
    before = group_attributes(zarr.storage.LocalStore(path), "")[1]
    nz.write_region(path, _volume((2, 3, 4)), {"z": 1, "y": 2, "x": 3})
    assert group_attributes(zarr.storage.LocalStore(path), "")[1] == before
    assert not [p for p in path.rglob("*") if ".ngff_zarr.lock" in p.name]


def test_failed_write_leaves_a_marked_image_that_a_rerun_finishes(tmp_path: Path) -> None:
    """An error half-way: the image reads and is marked; the same write again finishes it."""
    data = _volume((16, 48, 48))
    path, whole = tmp_path / "image.ome.zarr", tmp_path / "whole.ome.zarr"
    write(path, data, DIMS, method="gaussian", chunks=8, chunks_per_shard=1)
    patch = _volume((16, 24, 24))

    def fail_late(block: np.ndarray, block_info: dict | None = None) -> np.ndarray:  # type: ignore[type-arg]
        if block_info is not None and block_info[None]["chunk-location"][2] == 2:
            raise OSError("the source went away")
        return block

    broken = da.from_array(patch, chunks=(16, 24, 8)).map_blocks(fail_late, dtype=patch.dtype)
    with pytest.raises(OSError, match="went away"):
        nz.write_region(path, broken, {"y": 8, "x": 8})
    marks = pending(group_attributes(zarr.storage.LocalStore(path), "")[1])
    assert [m["op"] for m in marks] == ["write_region"]
    assert marks[0]["box"] == [[0, 16], [8, 32], [8, 32]]
    assert len(levels(path)) == 3  # still reads
    nz.write_region(path, patch, {"y": 8, "x": 8})
    attrs = group_attributes(zarr.storage.LocalStore(path), "")[1]
    assert NAMESPACE not in attrs
    data[:, 8:32, 8:32] = patch
    write(whole, data, DIMS, method="gaussian", chunks=8, chunks_per_shard=1)
    assert same_levels(path, whole) == [True, True, True]


def test_finish_edits_rebuilds_what_was_written(tmp_path: Path) -> None:
    data = _volume((8, 32, 32))
    path, whole = tmp_path / "image.ome.zarr", tmp_path / "whole.ome.zarr"
    write(path, data, DIMS, method="local_mean", chunks_per_shard=None, version="0.4")
    patch = np.full((8, 8, 8), 9, np.uint16)

    def fail_last(block: np.ndarray, block_info: dict | None = None) -> np.ndarray:  # type: ignore[type-arg]
        if block_info is not None and block_info[None]["chunk-location"] == (1, 1, 1):
            raise RuntimeError("stop")
        return block

    broken = da.from_array(patch, chunks=4).map_blocks(fail_last, dtype=patch.dtype)
    with pytest.raises(RuntimeError):
        nz.write_region(path, broken, {"y": 4, "x": 4})
    written = levels(path)[0][:, 4:12, 4:12]
    assert nz.finish_edits(path) == 1
    assert nz.finish_edits(path) == 0
    data[:, 4:12, 4:12] = written  # what the failed write got to write is kept
    write(whole, data, DIMS, method="local_mean", chunks_per_shard=None, version="0.4")
    assert same_levels(path, whole) == [True, True, True]


@pytest.mark.parametrize(
    ("data", "start", "match"),
    [
        (np.zeros((2, 2, 2), "uint16"), {"t": 0}, r"start: dims \['t'\] are not image dims"),
        (np.zeros((2, 2, 2), "uint16"), {"x": 31}, r"along 'x' the region \[31, 33\) is outside"),
        (np.zeros((2, 2, 2), "uint16"), {"x": -1}, "outside level 0"),
        (np.zeros((2, 2), "uint16"), {}, r"data: expected 3 dims \['z', 'y', 'x'\], got 2"),
        (np.zeros((2, 2, 2), "float32"), {}, "dtype float32 does not convert to the image's"),
        (np.zeros((2, 2, 2), "uint16"), {"x": 1.5}, r"start\['x'\]: expected an int"),
        (np.zeros((2, 2, 2), "uint16"), [0, 0, 0], "start: expected a mapping"),
    ],
)
def test_bad_arguments(tmp_path: Path, data: np.ndarray, start: object, match: str) -> None:
    path = tmp_path / "image.ome.zarr"
    write(path, _volume((8, 32, 32)), DIMS, method="gaussian")
    before = shard_files(path)
    with pytest.raises(nz.NgffValueError, match=match):
        nz.write_region(path, data, start)  # type: ignore[arg-type]
    assert shard_files(path) == before


def test_bad_level_missing_store_and_unknown_method(tmp_path: Path) -> None:
    path = tmp_path / "image.ome.zarr"
    write(path, _volume((8, 32, 32)), DIMS, method="gaussian")
    with pytest.raises(nz.NgffValueError, match=r"level: expected 0 to 2, got 3"):
        nz.write_region(path, np.zeros((1, 1, 1), "uint16"), {}, level=3)
    with pytest.raises(nz.MetadataNotFoundError, match="no such image"):
        nz.write_region(tmp_path / "absent.zarr", np.zeros((1, 1, 1), "uint16"), {})
    assert not (tmp_path / "absent.zarr").exists()
    group = zarr.open_group(path, mode="r+")
    attrs = dict(group.attrs)
    del attrs["ome"]["multiscales"][0]["type"]
    group.attrs.put(attrs)
    with pytest.raises(nz.NgffValueError, match=r"multiscales\[0\]\.type: expected one of"):
        nz.write_region(path, np.zeros((1, 1, 1), "uint16"), {})
    nz.write_region(path, np.ones((1, 1, 1), "uint16"), {}, method="gaussian")
    assert levels(path)[0][0, 0, 0] == 1
