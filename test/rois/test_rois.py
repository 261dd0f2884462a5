"""ROIs: slicing at every level, region reads and writes, masking ROI tables, masked access."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import ngff_zarr as nz
from ngff_zarr.errors import NgffValueError
from ngff_zarr.methods import _numpy

pd = pytest.importorskip("pandas")


def _store(path: Path, version: str = "0.5") -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    data = rng.integers(0, 1000, (2, 6, 40, 56), dtype=np.uint16)
    image = nz.to_ngff_image(
        data,
        dims=("c", "z", "y", "x"),
        scale={"z": 2.0, "y": 0.5, "x": 0.25},
        translation={"z": 5.0, "y": 7.0, "x": 9.0},  # not part of ROI coordinates (as ngio)
        axes_units={"z": "micrometer", "y": "micrometer", "x": "nanometer"},
    )
    nz.to_ngff_zarr(path, nz.to_multiscales(image, [2, 4], method="mode"), version=version)
    labels = np.zeros((6, 40, 56), np.uint32)
    rng2 = np.random.default_rng(4)
    for value in range(1, 40):
        z, y, x = rng2.integers(0, 5), rng2.integers(0, 36), rng2.integers(0, 50)
        labels[
            z : z + rng2.integers(1, 3), y : y + rng2.integers(1, 5), x : x + rng2.integers(1, 7)
        ] = value
    labels[labels == 17] = 0  # a value with no pixels has no ROI
    nz.write_labels(path, "cells", labels)
    return data, labels


def _bounding_boxes(labels: np.ndarray) -> dict[int, tuple[tuple[int, int], ...]]:
    out = {}
    for value in np.unique(labels):
        if value:
            where = np.nonzero(labels == value)
            out[int(value)] = tuple((int(w.min()), int(w.max()) + 1) for w in where)
    return out


def test_roi_pixels_at_every_level() -> None:
    image = nz.to_ngff_image(
        np.zeros((8, 64, 64), np.uint8), dims=("z", "y", "x"),
        scale={"z": 1.0, "y": 0.5, "x": 0.5}, axes_units={"y": "micrometer", "x": "micrometer"},
    )  # fmt: skip
    pyramid = nz.to_multiscales(image, [2, 4])
    roi = nz.ROI(start={"y": 1.25, "x": 4.0}, size={"y": 2.0, "x": 0.3}, name="r")
    assert roi.slices(pyramid) == (slice(None), slice(2, 7), slice(8, 9))
    assert roi.slices(pyramid, level=1) == (slice(None), slice(1, 4), slice(4, 5))
    assert roi.slices(pyramid, level=2) == (slice(None), slice(0, 2), slice(2, 3))
    pixels = nz.PixelROI(start={"y": 2, "x": 8}, stop={"y": 6, "x": 12})
    assert nz.ROI.from_pixels(pixels, pyramid) == nz.ROI(
        start={"y": 1.0, "x": 4.0}, size={"y": 2.0, "x": 2.0}
    )
    far = nz.ROI(start={"y": 1000.0, "x": 0.0}, size={"y": 5.0, "x": 1.0})
    assert far.to_pixels(pyramid).shape == {"y": 0, "x": 2}  # clipped to the image
    with pytest.raises(NgffValueError, match="space dims"):
        nz.ROI(start={"t": 0.0}, size={"t": 1.0})
    with pytest.raises(NgffValueError, match="level"):
        roi.slices(pyramid, level=3)
    table = nz.table_from_rois([roi, nz.ROI(start={"y": 0.0}, size={"y": 1.0}, name="b")])
    assert table.index.tolist() == ["r", "b"]
    assert table.loc["b", "len_x_micrometer"] == 1.0  # a dim the ROI leaves free
    assert nz.rois_from_table(table)[0].start == {"z": 0.0, "y": 1.25, "x": 4.0}


@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_masking_table_and_masked_reads(tmp_path: Path, version: str) -> None:
    path = tmp_path / "img.ome.zarr"
    data, labels = _store(path, version)
    boxes = _bounding_boxes(labels)
    with nz.config.set(read_chunk_bytes=4096):  # many small blocks: the streamed merge
        table = nz.build_masking_roi_table(path, "cells", name="cells_ROI_table")
    assert table.index.tolist() == sorted(boxes)
    sizes = {"z": 2.0, "y": 0.5, "x": 0.25 / 1000}
    for value, box in boxes.items():
        for d, (lo, hi) in zip("zyx", box, strict=True):
            assert table.loc[value, f"{d}_micrometer"] == pytest.approx(lo * sizes[d])
            assert table.loc[value, f"len_{d}_micrometer"] == pytest.approx((hi - lo) * sizes[d])
    assert nz.read_table_metadata(path, "cells_ROI_table").type == "masking_roi_table"
    seen = set()
    for region in nz.iter_masked(path, "cells"):
        box = boxes[region.label]
        key = tuple(slice(lo, hi) for lo, hi in box)
        np.testing.assert_array_equal(region.mask, labels[key] == region.label)
        expected = np.where(labels[key] == region.label, data[(slice(None), *key)], 0)
        np.testing.assert_array_equal(region.data, expected)
        seen.add(region.label)
    assert seen == set(boxes)
    one = nz.read_masked(path, "cells", 5, image=False, level=1)
    np.testing.assert_array_equal(one.data[one.mask], 5)
    with pytest.raises(NgffValueError, match="not in the masking ROI table"):
        nz.read_masked(path, "cells", 17)


def test_read_and_write_roi_keep_the_pyramid_consistent(tmp_path: Path) -> None:
    path = tmp_path / "img.ome.zarr"
    data, _ = _store(path)
    roi = nz.ROI(start={"y": 2.0, "x": 0.001}, size={"y": 3.0, "x": 0.002})
    pixels = roi.to_pixels(nz.from_ngff_zarr(path))
    assert pixels.start == {"z": 0, "y": 4, "x": 4} or "z" not in roi.start
    region = nz.read_roi(path, roi)
    np.testing.assert_array_equal(region, data[:, :, 4:10, 4:12])
    patch = np.full(region.shape, 999, np.uint16)
    nz.write_roi(path, roi, patch)
    updated = data.copy()
    updated[:, :, 4:10, 4:12] = 999
    stored = nz.from_ngff_zarr(path)
    np.testing.assert_array_equal(stored.images[0].data.compute(), updated)
    expected = updated
    for level in (1, 2):  # every lower level equals a fresh computation from level 0
        expected = _numpy.mode(expected, (1, 2, 2, 2), spatial=(False, True, True, True))
        np.testing.assert_array_equal(stored.images[level].data.compute(), expected)
    # a label region, written at full resolution
    box = nz.PixelROI(start={"z": 0, "y": 0, "x": 0}, stop={"z": 2, "y": 4, "x": 4})
    nz.write_roi(path, box, np.full((2, 4, 4), 77, np.uint32), label="cells")
    cells = nz.read_labels(path)["cells"]
    np.testing.assert_array_equal(nz.read_roi(cells, box), 77)
    assert (cells.images[1].data[:1, :2, :2].compute() == 77).all()
    with pytest.raises(NgffValueError, match="shape"):
        nz.write_roi(path, box, np.zeros((1, 1, 1), np.uint32), label="cells")
