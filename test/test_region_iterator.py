"""RegionIterator: regions processed into a derived image equal the whole-image computation."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest
import scipy.ndimage as ndi
import zarr
from _editing_helpers import levels, same_levels, write

import ngff_zarr as nz
from ngff_zarr._editing.journal import pending
from ngff_zarr._io.documents import group_attributes

DIMS = ("z", "y", "x")
RNG = np.random.default_rng(21)


def _smooth(block: np.ndarray) -> np.ndarray:
    """A filter that reaches 8 pixels: sigma 2 truncated at 4 sigma."""
    return ndi.gaussian_filter(block.astype(np.float32), 2.0, truncate=4.0)


@pytest.fixture
def raw(tmp_path: Path) -> tuple[Path, np.ndarray]:
    data = RNG.integers(0, 4000, (20, 70, 90), dtype=np.uint16)
    path = tmp_path / "raw.ome.zarr"
    write(path, data, DIMS, method="gaussian", chunks=16, chunks_per_shard=2)
    return path, data


def test_tiles_with_halo_equal_the_whole_image(
    tmp_path: Path, raw: tuple[Path, np.ndarray]
) -> None:
    """Tiles that split shards, a filter within the halo: level 0 and its pyramid are exact."""
    path, data = raw
    out, whole = tmp_path / "out.ome.zarr", tmp_path / "whole.ome.zarr"
    nz.derive_image(path, out, dtype="float32")
    regions = nz.RegionIterator(path, out).by_tiles(
        {"z": 7, "y": 24, "x": 31}, halo={"z": 8, "y": 8, "x": 8}
    )
    assert len(regions) == 3 * 3 * 3
    regions.map(_smooth, workers=3)
    write(whole, _smooth(data), DIMS, method="gaussian", chunks=16, chunks_per_shard=2)
    assert same_levels(out, whole) == [True, True, True]
    assert pending(group_attributes(zarr.storage.LocalStore(out), "")[1]) == []


def test_without_halo_the_seams_differ(tmp_path: Path, raw: tuple[Path, np.ndarray]) -> None:
    """The halo is what makes tiles exact: without it, the tile edges differ."""
    path, data = raw
    out = tmp_path / "out.ome.zarr"
    nz.derive_image(path, out, dtype="float32")
    nz.RegionIterator(path, out).by_tiles({"y": 35}).map(_smooth)
    got = levels(out)[0]
    assert not np.allclose(got, _smooth(data))
    assert np.array_equal(got[:, :27], _smooth(data)[:, :27])  # beyond the reach of the seam


def test_planes_into_another_dtype_by_hand(tmp_path: Path, raw: tuple[Path, np.ndarray]) -> None:
    path, data = raw
    out = tmp_path / "mask.ome.zarr"
    nz.derive_image(path, out, dtype="uint8", method="nearest")
    planes = nz.RegionIterator(path, out).by_planes(("y", "x"))
    assert len(planes) == 20
    for block, write_back in planes:
        assert block.shape == (1, 70, 90)
        write_back((block > 2000).astype(np.uint8))
    assert np.array_equal(levels(out)[0], (data > 2000).astype(np.uint8))
    assert nz.from_ngff_zarr(out).metadata.type == "nearest"


def test_chunks_by_default_and_results_with_their_halo(
    tmp_path: Path, raw: tuple[Path, np.ndarray]
) -> None:
    """The default regions are the output's shards; a result with the halo is cropped."""
    path, data = raw
    out = tmp_path / "out.ome.zarr"
    nz.derive_image(path, out)
    regions = nz.RegionIterator(path, out)
    assert len(regions) == 1 * 3 * 3  # shards of 32 (two chunks of 16): z is one shard
    regions.by_chunks(halo={"y": 2}).map(lambda block: block // 3)
    assert np.array_equal(levels(out)[0], data // 3)


def test_fewer_channels_take_c_whole(tmp_path: Path) -> None:
    data = RNG.integers(0, 1000, (3, 16, 40, 40), dtype=np.uint16)
    path, out = tmp_path / "raw.ome.zarr", tmp_path / "sum.ome.zarr"
    write(path, data, ("c", "z", "y", "x"), method="local_mean", chunks=16)
    nz.derive_image(path, out, channel_names=["sum"], dtype="uint32")
    regions = nz.RegionIterator(path, out).by_tiles({"y": 16})
    regions.map(lambda block: block.sum(axis=0, keepdims=True, dtype=np.uint32))
    assert np.array_equal(levels(out)[0], data.sum(axis=0, keepdims=True, dtype=np.uint32))
    with pytest.raises(nz.NgffValueError, match=r"the output resizes \['c'\]"):
        nz.RegionIterator(path, out).by_planes(("y", "x")).map(lambda b: b)


def test_an_interrupted_run_is_marked_and_finished_by_the_next(
    tmp_path: Path, raw: tuple[Path, np.ndarray]
) -> None:
    path, data = raw
    out, whole = tmp_path / "out.ome.zarr", tmp_path / "whole.ome.zarr"
    nz.derive_image(path, out)
    tiles = nz.RegionIterator(path, out).by_tiles({"y": 35})
    for block, write_back in tiles:
        write_back(block + 1)
        break  # left early: level 0 partly written, its pyramid not rebuilt
    marks = pending(group_attributes(zarr.storage.LocalStore(out), "")[1])
    assert [m["op"] for m in marks] == ["process"]

    def fail(block: np.ndarray) -> np.ndarray:
        raise RuntimeError("out of memory")

    with pytest.raises(RuntimeError, match="out of memory"):
        tiles.map(fail)
    tiles.map(lambda block: block + 1)
    assert pending(group_attributes(zarr.storage.LocalStore(out), "")[1]) == []
    write(whole, data + 1, DIMS, method="gaussian", chunks=16, chunks_per_shard=2)
    assert same_levels(out, whole) == [True, True, True]


def test_on_a_dask_cluster(tmp_path: Path, raw: tuple[Path, np.ndarray]) -> None:
    """Regions as tasks of worker processes (the function is sent to them by reference)."""
    distributed = pytest.importorskip("distributed")
    path, data = raw
    out = tmp_path / "out.ome.zarr"
    nz.derive_image(path, out)
    smooth = functools.partial(ndi.gaussian_filter, sigma=2.0, truncate=4.0)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster),
    ):
        tiles = nz.RegionIterator(path, out).by_tiles({"y": 24}, halo={"y": 8, "z": 8, "x": 8})
        tiles.map(smooth)
    assert np.array_equal(levels(out)[0], smooth(data))


@pytest.mark.parametrize(
    ("result", "match"),
    [
        (lambda b: b[:, :3], r"result: expected the shape of the region \(20, 35, 90\)"),
        (lambda b: b.astype(np.float64), r"result: dtype float64 does not convert"),
    ],
)
def test_bad_results(
    tmp_path: Path, raw: tuple[Path, np.ndarray], result: object, match: str
) -> None:
    path, _ = raw
    out = tmp_path / "out.ome.zarr"
    nz.derive_image(path, out)
    with pytest.raises(nz.NgffValueError, match=match):
        nz.RegionIterator(path, out).by_tiles({"y": 35}).map(result)  # type: ignore[arg-type]


def test_bad_regions_and_outputs(tmp_path: Path, raw: tuple[Path, np.ndarray]) -> None:
    path, _ = raw
    regions = nz.RegionIterator(path, path)
    with pytest.raises(nz.NgffValueError, match=r"shape: dims \['t'\] are not image dims"):
        regions.by_tiles({"t": 2})
    with pytest.raises(nz.NgffValueError, match=r"shape: expected ints >= 1, got \{'y': 0\}"):
        regions.by_tiles({"y": 0})
    with pytest.raises(nz.NgffValueError, match=r"halo: expected ints >= 0"):
        regions.by_tiles({"y": 8}, halo={"y": -1})
    with pytest.raises(nz.NgffValueError, match=r"dims: expected some of the image dims"):
        regions.by_planes(("q",))
    other = tmp_path / "other.ome.zarr"
    write(other, np.zeros((20, 70, 91), np.uint16), DIMS, method="gaussian")
    with pytest.raises(nz.NgffValueError, match=r"along \['x'\] the output has \[91\]"):
        nz.RegionIterator(path, other).map(lambda b: b)


def test_segmentation_into_a_derived_label_image(tmp_path: Path) -> None:
    """An image with channels into a label image (no c): c is taken whole by every region."""
    data = RNG.integers(0, 1000, (2, 8, 48, 40), dtype=np.uint16)
    path = tmp_path / "cells.ome.zarr"
    write(path, data, ("c", "z", "y", "x"), method="gaussian", chunks=8, chunks_per_shard=2)
    cells = nz.derive_label(path, "cells", dtype="uint8")
    assert cells.path.endswith("labels/cells")
    nz.RegionIterator(path, cells).by_tiles({"y": 20}).map(
        lambda block: (block.max(axis=0) > 700).astype(np.uint8)
    )
    expected = (data.max(axis=0) > 700).astype(np.uint8)
    labels = nz.read_labels(path)["cells"]
    assert np.array_equal(labels.images[0].data.compute(), expected)
    # the label pyramid equals writing the whole label image (nearest, on the image's grid)
    nz.write_labels(path, "whole", expected)
    whole = nz.read_labels(path)["whole"]
    for a, b in zip(labels.images, whole.images, strict=True):
        assert np.array_equal(a.data.compute(), b.data.compute())
    assert labels.metadata.type == whole.metadata.type == "nearest"


def test_rois_of_a_table(tmp_path: Path, raw: tuple[Path, np.ndarray]) -> None:
    """Only the ROIs are processed; a table named in the source, its rows by pixel box."""
    pytest.importorskip("pandas")
    path, data = raw
    rois = [
        nz.ROI(
            start={"z": 0.0, "y": 4.0, "x": 10.0}, size={"z": 20.0, "y": 20.0, "x": 8.0}, name="a"
        ),
        nz.ROI(
            start={"z": 5.0, "y": 50.0, "x": 60.0}, size={"z": 1.0, "y": 10.0, "x": 25.0}, name="b"
        ),
    ]
    nz.write_table(path, "fov", nz.table_from_rois(rois), type="roi_table", backend="csv")
    out = tmp_path / "out.ome.zarr"
    nz.derive_image(path, out)
    by_table = nz.RegionIterator(path, out).by_rois("fov", halo={"y": 2})
    assert [r.name for r in by_table.regions] == ["a", "b"]
    assert [r.box["y"] for r in by_table.regions] == [(4, 24), (50, 60)]
    assert by_table.regions[0].read_box["y"] == (2, 26)
    by_table.map(lambda block: block + 1)
    expected = np.zeros_like(data)
    expected[:, 4:24, 10:18] = data[:, 4:24, 10:18] + 1
    expected[5, 50:60, 60:85] = data[5, 50:60, 60:85] + 1
    assert np.array_equal(levels(out)[0], expected)
    pixels = nz.PixelROI(start={"z": 0, "y": 0, "x": 0}, stop={"z": 1, "y": 1, "x": 1})
    assert len(nz.RegionIterator(path, out).by_rois([pixels])) == 1
