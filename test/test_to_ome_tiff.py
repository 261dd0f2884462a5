"""to_ome_tiff: file -> OME-Zarr -> OME-TIFF -> read back equal, for OME-TIFF and ImageJ input."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from ngff_zarr.errors import NgffValueError
from ngff_zarr.from_ngff_zarr import from_ngff_zarr
from ngff_zarr.read_image import read_image, read_multiscales
from ngff_zarr.to_multiscales import to_multiscales
from ngff_zarr.to_ngff_image import to_ngff_image
from ngff_zarr.to_ngff_zarr import to_ngff_zarr
from ngff_zarr.to_ome_tiff import to_ome_tiff

tifffile = pytest.importorskip("tifffile")


def _pattern(shape: tuple[int, ...], dtype: str) -> np.ndarray:
    grids = np.indices(shape)
    return (sum((3 * i + 1) * g for i, g in enumerate(grids)) % 241).astype(dtype)


def _ome_source(path: Path) -> np.ndarray:
    data = _pattern((2, 2, 3, 40, 48), "uint16")
    tifffile.imwrite(
        path,
        data,
        ome=True,
        metadata={
            "axes": "TCZYX",
            "PhysicalSizeX": 0.2,
            "PhysicalSizeY": 0.2,
            "PhysicalSizeZ": 1.5,
            "TimeIncrement": 4.0,
            "Channel": {"Name": ["DAPI", "GFP"]},
        },
    )
    return data


def _imagej_source(path: Path) -> np.ndarray:
    data = _pattern((3, 4, 2, 32, 32), "uint8")  # TZCYX
    tifffile.imwrite(
        path,
        data,
        imagej=True,
        resolution=(2.0, 2.0),
        metadata={"axes": "TZCYX", "unit": "\\u00B5m", "spacing": 0.75, "finterval": 2.0},
    )
    return data.transpose(0, 2, 1, 3, 4)


@pytest.mark.parametrize(("maker", "version"), [(_ome_source, "0.4"), (_imagej_source, "0.5")])
def test_round_trip_file_zarr_ome_tiff(tmp_path: Path, maker, version: str) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "source.tif"
    expected = maker(source)
    image = read_image(source)
    multiscales = to_multiscales(
        image, scale_factors=[{"y": 2, "x": 2}, {"y": 4, "x": 4}], method="local_mean"
    )
    store = tmp_path / "image.ome.zarr"
    to_ngff_zarr(store, multiscales, version=version)  # type: ignore[arg-type]
    stored = from_ngff_zarr(store)
    out = tmp_path / "back.ome.tif"
    to_ome_tiff(stored, out)
    back = read_multiscales(out)
    assert len(back.images) == 3
    first = back.images[0]
    assert first.dims == image.dims
    np.testing.assert_array_equal(first.data.compute(), expected)
    assert first.scale == pytest.approx(image.scale)
    assert first.axes_units == image.axes_units
    for level, (got, want) in enumerate(zip(back.images, stored.images, strict=True)):
        np.testing.assert_array_equal(got.data.compute(), want.data.compute(), err_msg=str(level))
        assert got.scale == pytest.approx(want.scale)
    with tifffile.TiffFile(out) as tif:
        assert tif.is_ome
        assert len(tif.series[0].levels) == 3
        assert not tif.is_bigtiff
        root = ET.fromstring(tif.ome_metadata)
    pixels = root.find("{*}Image/{*}Pixels")
    assert pixels is not None
    assert pixels.get("DimensionOrder") == "XYZCT"
    assert pixels.get("PhysicalSizeXUnit") == "µm"
    assert pixels.get("TimeIncrementUnit") == "s"
    if maker is _ome_source:  # channel names survive file -> zarr (omero) -> OME-TIFF
        assert first.channel_names == ["DAPI", "GFP"]


def test_provenance_map_annotation_and_bigtiff(tmp_path: Path) -> None:
    source = tmp_path / "s.ome.tif"
    _ome_source(source)
    image = read_image(source)
    out = tmp_path / "big.ome.tif"
    to_ome_tiff(image, out, bigtiff=True, compression=None)
    with tifffile.TiffFile(out) as tif:
        assert tif.is_bigtiff
        root = ET.fromstring(tif.ome_metadata)
    pairs = {m.get("K"): m.text for m in root.iter() if m.tag.endswith("}M")}
    assert pairs["reader"] == "tiff"
    assert pairs["axes_native"] == "TCZYX"
    back = read_image(out)
    np.testing.assert_array_equal(back.data.compute(), image.data.compute())
    assert back.provenance is not None
    assert back.provenance["metadata"]["annotations"]["path"] == str(source)
    with pytest.raises(FileExistsError, match="overwrite=True"):
        to_ome_tiff(image, out)


def test_refuses_what_ome_tiff_cannot_hold(tmp_path: Path) -> None:
    image = to_ngff_image(np.zeros((4, 16, 16), "uint16"), dims=("z", "y", "x"))
    multiscales = to_multiscales(image, scale_factors=[2], method="local_mean")
    with pytest.raises(NgffValueError, match="downsample y and x only"):
        to_ome_tiff(multiscales, tmp_path / "z.ome.tif")
    assert not (tmp_path / "z.ome.tif").exists()
    boolean = to_ngff_image(np.zeros((4, 4), "bool"))
    with pytest.raises(NgffValueError, match="OME-TIFF pixel types"):
        to_ome_tiff(boolean, tmp_path / "b.ome.tif")


def test_translation_becomes_plane_positions(tmp_path: Path) -> None:
    image = to_ngff_image(
        np.ones((2, 8, 8), "uint8"),
        dims=("z", "y", "x"),
        scale={"z": 2.0, "y": 1.0, "x": 1.0},
        translation={"z": 10.0, "y": 5.0, "x": 7.0},
        axes_units={"z": "micrometer", "y": "micrometer", "x": "micrometer"},
    )
    out = tmp_path / "t.ome.tif"
    to_ome_tiff(image, out)
    back = read_image(out)
    assert back.translation == {"z": 10.0, "y": 5.0, "x": 7.0}
