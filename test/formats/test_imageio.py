"""Plain PNG and JPEG images through imageio, on files the tests write with imageio."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ngff_zarr import NgffWarning
from ngff_zarr.formats import select_reader
from ngff_zarr.read_image import read_image

iio = pytest.importorskip("imageio.v3")


def _pattern(shape: tuple[int, ...], dtype: str) -> np.ndarray:
    grids = np.indices(shape)
    return (sum((i + 3) * g for i, g in enumerate(grids)) % 250).astype(dtype)


@pytest.mark.parametrize(
    ("shape", "dtype", "dims"),
    [
        ((40, 50), "uint8", ("y", "x")),
        ((40, 50), "uint16", ("y", "x")),
        ((40, 50, 3), "uint8", ("c", "y", "x")),
        ((40, 50, 4), "uint8", ("c", "y", "x")),
    ],
)
def test_png(tmp_path: Path, shape: tuple[int, ...], dtype: str, dims: tuple[str, ...]) -> None:
    data = _pattern(shape, dtype)
    path = tmp_path / "image.png"
    iio.imwrite(path, data)
    with pytest.warns(NgffWarning, match="no physical pixel size"):
        image = read_image(path)
    assert image.dims == dims
    assert image.dtype == np.dtype(dtype)
    expected = data if data.ndim == 2 else np.moveaxis(data, -1, 0)
    np.testing.assert_array_equal(image.data.compute(), expected)


def test_jpeg_found_by_content(tmp_path: Path) -> None:
    path = tmp_path / "photo.bin"  # no extension: the JPEG signature decides
    iio.imwrite(path, _pattern((32, 48, 3), "uint8"), extension=".jpg")
    assert select_reader(path).name == "imageio"
    with pytest.warns(NgffWarning):
        image = read_image(path)
    assert image.dims == ("c", "y", "x")
    decoded = np.moveaxis(iio.imread(path, extension=".jpg"), -1, 0)
    np.testing.assert_array_equal(image.data.compute(), decoded)
