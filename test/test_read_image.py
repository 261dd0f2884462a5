"""read_image / read_images / read_multiscales against every real file of ../shared/testdata and
against TIFF variants the tests write with tifffile."""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from pathlib import Path
from typing import Any, ClassVar

import dask.array as da
import numpy as np
import pytest

from ngff_zarr import NgffImage, NgffWarning, config
from ngff_zarr.errors import DependencyError, InvalidDimsError, InvalidMetadataError, NgffValueError
from ngff_zarr.formats import READERS, ReaderEntry, select_reader
from ngff_zarr.read_image import read_image, read_images, read_multiscales

tifffile = pytest.importorskip("tifffile")

_SHARED = Path(os.environ.get("NGFF_ZARR_SHARED", Path(__file__).resolve().parents[2] / "shared"))
_EXPECTED_PATH = _SHARED / "testdata" / "expected.json"
_ENTRIES = (
    sorted(
        k for k in json.loads(_EXPECTED_PATH.read_text(encoding="utf-8")) if not k.startswith("_")
    )
    if _EXPECTED_PATH.is_file()
    else []
)


def _native(image: NgffImage) -> np.ndarray:
    """The level-0 array in the reader's native axis order (undoing the lazy transpose)."""
    native_dims = image.provenance["native_dims"] if image.provenance else []
    data = image.data
    extra = [i for i, d in enumerate(image.dims) if d not in native_dims]
    assert all(image.data.shape[i] == 1 for i in extra), "only singleton dims may be added"
    data = data.squeeze(axis=tuple(extra)) if extra else data
    kept = [d for d in image.dims if d in native_dims]
    return np.asarray(data.transpose([kept.index(d) for d in native_dims]).compute())


def _checksum(array: np.ndarray) -> tuple[str, int]:
    little = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
    return hashlib.sha256(little.tobytes()).hexdigest(), int(array.sum(dtype=np.int64))


def _read_all(path: Path, uncalibrated: bool) -> list[NgffImage]:
    if not uncalibrated:
        return read_images(path)
    with pytest.warns(NgffWarning, match="no physical pixel size"):
        return read_images(path)


def _check_physical(image: NgffImage, expected: dict[str, Any]) -> None:
    sizes = expected["physical_pixel_size"]
    units = image.axes_units or {}
    if sizes is None:
        for dim in ("z", "y", "x"):
            if dim in image.dims:
                assert image.scale[dim] == 1.0
                assert dim not in units
        return
    for dim in ("x", "y", "z"):
        if sizes.get(dim) is None:
            if dim == "z":
                assert "z" not in image.dims, "a missing z size must not create a z axis"
            continue
        assert image.scale[dim] == pytest.approx(sizes[dim]["value"], rel=1e-6)
        assert units[dim] == sizes[dim]["unit"] == "micrometer"
        assert image.scale[dim] > 0
    increment = expected["time_increment"]
    if increment is None:
        assert "t" not in units
    else:
        assert image.scale["t"] == pytest.approx(increment["value"], rel=1e-3)
        assert units["t"] == "second"


@pytest.mark.parametrize("entry", _ENTRIES)
def test_expected_file(testdata: Path, entry: str) -> None:
    """Every file in expected.json: count, axes, shape, dtype, sizes, channels, checksums."""
    if entry.startswith("ome-zarr/"):
        pytest.skip("OME-Zarr stores are read by from_ngff_zarr (the lead's tests), not readers")
    info = json.loads((testdata / "expected.json").read_text(encoding="utf-8"))[entry]
    expected = info["expected"]
    path = testdata / entry
    uncalibrated = expected["physical_pixel_size"] is None
    if entry.endswith("membrane_2d_timelapse.tif"):
        with pytest.warns(NgffWarning) as record:
            images = read_images(path)
        messages = " ".join(str(w.message) for w in record)
        assert "'Q'" in messages
        assert "taken as 't'" in messages
        assert "no physical pixel size" in messages
    else:
        images = _read_all(path, uncalibrated)
    count = expected.get("n_series", expected.get("n_scenes", expected.get("n_images")))
    count *= expected.get("n_tiles", 1)
    assert len(images) == count
    axes = expected["axes"].replace("M", "") if "n_tiles" in expected else expected["axes"]
    scenes = expected.get("scenes", {"0": expected})
    for index, image in enumerate(images):
        assert image.provenance is not None
        assert image.provenance["axes_native"] == axes
        assert str(image.dtype) == expected["dtype"]
        assert isinstance(image.data, da.Array)
        assert list(image.dims) == sorted(image.dims, key="tczyx".index)
        _check_physical(image, expected)
        names = image.channel_names
        if "channel_names_czifile" in expected:
            assert names in (expected["channel_names"], expected["channel_names_czifile"])
        else:
            assert names == expected["channel_names"]
        scene = scenes.get(str(index))
        if scene is not None and "scenes" in expected:
            assert image.name == scene["name"]
            assert _native(image).shape == tuple(scene["shape"])
            for dim, value in scene["translation_um"].items():
                assert image.translation[dim.lower()] == pytest.approx(value, abs=1e-9)
            sha, total = _checksum(_native(image))
            assert (sha, total) == (
                scene["level0_checksum"]["sha256"],
                scene["level0_checksum"]["sum"],
            )
    if "scenes" not in expected:
        natives = [_native(image) for image in images]
        native = (
            np.stack(natives, axis=expected["axes"].index("M"))
            if "n_tiles" in expected
            else natives[0]
        )
        assert native.shape == tuple(expected["shape"])
        assert _checksum(native) == (
            expected["level0_checksum"]["sha256"],
            expected["level0_checksum"]["sum"],
        )
    if "n_tiles" in expected:
        for image, tile in zip(images, expected["tiles"], strict=True):
            assert image.translation["x"] == pytest.approx(tile["pos_x_m"] * 1e6)
            assert image.translation["y"] == pytest.approx(tile["pos_y_m"] * 1e6)


def test_czi_stored_pyramid_is_used(testdata: Path) -> None:
    """WellD6_S1.czi stores 2 levels: read them, with the real level-1 pixel size 0.2 um."""
    info = json.loads((testdata / "expected.json").read_text(encoding="utf-8"))[
        "czi/WellD6_S1.czi"
    ]["expected"]
    multiscales = read_multiscales(testdata / "czi/WellD6_S1.czi")
    assert [im.shape for im in multiscales.images] == [tuple(s) for s in info["pyramid_shapes"]]
    assert [im.scale["x"] for im in multiscales.images] == pytest.approx(
        info["level_pixel_size_um"]
    )
    level1 = np.asarray(multiscales.images[1].data.compute())
    assert _checksum(level1) == (info["level1_checksum"]["sha256"], info["level1_checksum"]["sum"])
    assert multiscales.images[0].channel_names is not None  # omero is computed when written
    assert multiscales.images[0].channel_names[0] == "AF488"
    assert [d.path for d in multiscales.metadata.datasets] == ["scale0/D6", "scale1/D6"]


def test_line_scan_keeps_singleton_y(testdata: Path) -> None:
    image = read_image(testdata / "czi/xt-scan-lsm980.czi")
    assert image.dims == ("t", "y", "x")
    assert image.sizes == {"t": 150, "y": 1, "x": 512}
    assert image.scale["y"] == pytest.approx(0.207160645, rel=1e-6)


def test_scene_choice_and_out_of_range(testdata: Path) -> None:
    path = testdata / "czi/S3_1Pos_2Mosaic_T2Z3_CH2_sm.czi"
    assert read_image(path, series=2).name == "TR2"
    with pytest.raises(NgffValueError, match=r"series: expected an index in 0\.\.2 for .*, got 3"):
        read_image(path, series=3)


def test_overrides(testdata: Path) -> None:
    path = testdata / "tiff/membrane_2d_timelapse.tif"
    with pytest.warns(NgffWarning, match="no physical pixel size") as record:
        image = read_image(path, dims=("t", "y", "x"))
    assert not any("no known meaning" in str(w.message) for w in record)
    assert image.dims == ("t", "y", "x")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        image = read_image(
            path,
            dims=("z", "y", "x"),
            scale={"z": 2.0, "y": 0.5, "x": 0.5},
            axes_units={"z": "micrometer", "y": "micrometer", "x": "micrometer"},
        )
    assert image.scale == {"z": 2.0, "y": 0.5, "x": 0.5}
    assert image.axes_units == {"z": "micrometer", "y": "micrometer", "x": "micrometer"}
    with pytest.raises(InvalidDimsError, match="one name per native axis 'QYX'"):
        read_image(path, dims=("y", "x"))
    with pytest.raises(NgffValueError, match="positive spacing"):
        read_image(path, dims=("t", "y", "x"), scale={"y": 0.0, "x": 1.0, "t": 1.0})
    nd2 = testdata / "nd2/example-multichannel.nd2"
    renamed = read_image(nd2, channel_names=["BF", "a", "b", "c"])
    assert renamed.channel_names == ["BF", "a", "b", "c"]
    with pytest.raises(NgffValueError, match="expected 4 names"):
        read_image(nd2, channel_names=["one"])


def test_reader_selection_and_errors(testdata: Path, tmp_path: Path) -> None:
    czi = testdata / "czi/DAPI_GFP.czi"
    renamed = tmp_path / "misnamed.tif"
    renamed.write_bytes(czi.read_bytes())
    assert select_reader(renamed).name == "czi"  # content wins over the extension
    with pytest.raises(InvalidMetadataError, match="not a readable TIFF"):
        read_image(renamed, reader="tiff")
    with pytest.raises(
        NgffValueError,
        match=(
            r"reader: expected one of "
            r"\['czi', 'imageio', 'lif', 'nd2', 'thorlabs', 'tiff'\], got 'bmp'"
        ),
    ):
        read_image(czi, reader="bmp")
    with pytest.raises(FileNotFoundError, match="no such file"):
        read_image(tmp_path / "absent.tif")
    junk = tmp_path / "notes.txt"
    junk.write_text("hello")
    with pytest.raises(InvalidMetadataError, match="unknown content and extension"):
        read_image(junk)


def test_missing_package_names_the_extra() -> None:
    entry = ReaderEntry(
        name="fake",
        module="ngff_zarr.readers._tiff",
        package="not-installed-pkg",
        import_name="ngff_zarr_not_installed_pkg",
        extra="fake",
        extensions=(".fake",),
        magic=(),
        description="fake files",
    )
    with pytest.raises(DependencyError, match=r"pip install 'ngff-zarr\[fake\]'"):
        entry.load()
    assert {e.extra for e in READERS.values()} == {"tiff", "czi", "nd2", "lif", "imageio", ""}


# ---- files written by the tests ---------------------------------------------------------------


def _pattern(shape: tuple[int, ...], dtype: str = "uint16") -> np.ndarray:
    grids = np.indices(shape)
    return (sum((i + 1) * g for i, g in enumerate(grids)) % 251).astype(dtype)


def test_ome_tiff_pyramid_series_channels(tmp_path: Path) -> None:
    data = _pattern((2, 3, 4, 32, 32))
    path = tmp_path / "p.ome.tif"
    with tifffile.TiffWriter(path, ome=True) as tif:
        tif.write(
            data,
            subifds=1,
            tile=(16, 16),
            metadata={
                "axes": "TCZYX",
                "PhysicalSizeX": 0.25,
                "PhysicalSizeY": 0.25,
                "PhysicalSizeZ": 300.0,
                "PhysicalSizeZUnit": "nm",
                "TimeIncrement": 1500.0,
                "TimeIncrementUnit": "ms",
                "Channel": {"Name": ["a", "b", "c"]},
            },
        )
        tif.write(data[..., ::2, ::2], subfiletype=1, tile=(16, 16))
        tif.write(_pattern((8, 8), "uint8"), metadata={"axes": "YX"})
    image = read_image(path)
    assert image.dims == ("t", "c", "z", "y", "x")
    assert image.scale == {"t": 1.5, "c": 1.0, "z": 0.3, "y": 0.25, "x": 0.25}
    assert image.axes_units == {
        "t": "second",
        "z": "micrometer",
        "y": "micrometer",
        "x": "micrometer",
    }
    assert image.provenance is not None
    assert image.channel_names == ["a", "b", "c"]
    np.testing.assert_array_equal(image.data.compute(), data)
    assert image.data.numblocks[-2:] == (1, 1)  # tiles grouped up to config.read_chunk_bytes
    with config.set(read_chunk_bytes=16 * 16 * 2):  # one tile's bytes: one chunk per tile
        assert read_image(path).data.numblocks[-2:] == (2, 2)
    multiscales = read_multiscales(path)
    assert [im.shape[-1] for im in multiscales.images] == [32, 16]
    assert multiscales.images[1].scale["x"] == 0.5
    np.testing.assert_array_equal(multiscales.images[1].data.compute(), data[..., ::2, ::2])
    with pytest.warns(NgffWarning, match="no physical pixel size"):
        second = read_images(path)[1]
    assert second.shape == (8, 8)


def test_imagej_escaped_unit_interval_and_rgb_samples(tmp_path: Path) -> None:
    data = _pattern((3, 2, 2, 16, 16), "uint8")  # TZCYX
    path = tmp_path / "hyper.tif"
    tifffile.imwrite(
        path,
        data,
        imagej=True,
        resolution=(4.0, 4.0),
        metadata={"axes": "TZCYX", "unit": "\\u00B5m", "spacing": 2.5, "finterval": 0.5},
    )
    image = read_image(path)
    assert image.dims == ("t", "c", "z", "y", "x")
    assert image.scale == {"t": 0.5, "c": 1.0, "z": 2.5, "y": 0.25, "x": 0.25}
    np.testing.assert_array_equal(image.data.compute(), data.transpose(0, 2, 1, 3, 4))
    rgb = tmp_path / "rgb.tif"
    tifffile.imwrite(
        rgb,
        _pattern((16, 16, 3), "uint8"),
        photometric="rgb",
        resolution=(10000.0, 10000.0),
        resolutionunit="CENTIMETER",
    )
    colour = read_image(rgb)
    assert colour.dims == ("c", "y", "x")
    assert colour.scale["x"] == pytest.approx(1.0)


def test_plain_multipage_reads_page_by_page(tmp_path: Path) -> None:
    path = tmp_path / "pages.tif"
    stack = np.stack([np.full((20, 20), page, dtype="uint16") for page in range(6)])
    tifffile.imwrite(path, stack, metadata={"axes": "ZYX"})
    with pytest.warns(NgffWarning, match="no physical pixel size"):
        image = read_image(path)
    assert image.dims == ("z", "y", "x")
    assert image.data.numblocks == (1, 1, 1)  # 4.8 kB: one chunk
    with config.set(read_chunk_bytes=20 * 20 * 2), pytest.warns(NgffWarning):
        image = read_image(path)
    assert image.data.numblocks == (6, 1, 1)  # one page's bytes: page by page
    assert int(image.data[4].max().compute()) == 4


# ---- one contract test class per reader -------------------------------------------------------


class ReaderContract:
    """What every registered reader guarantees; subclassed once per reader."""

    reader: ClassVar[str]
    file: ClassVar[str]

    @pytest.fixture
    def sources(self, testdata: Path) -> tuple[Path, Any]:
        path = testdata / self.file
        return path, READERS[self.reader].load().read(path)

    def test_selected_by_content(self, testdata: Path) -> None:
        assert select_reader(testdata / self.file).name == self.reader

    def test_sources_are_lazy_and_consistent(self, sources: tuple[Path, Any]) -> None:
        _, images = sources
        assert images
        for source in images:
            for level in source.levels:
                assert isinstance(level, da.Array)
                assert len(source.axes) == level.ndim
            assert all(v > 0 for v in source.scale.values())
            assert set(source.units) <= set(source.scale) | {"y"}


class TestTiffReader(ReaderContract):
    reader, file = "tiff", "tiff/DeconvolutionSampleVerticalGrid1AU-crop.tif"


class TestCziReader(ReaderContract):
    reader, file = "czi", "czi/S3_1Pos_2Mosaic_T2Z3_CH2_sm.czi"


class TestNd2Reader(ReaderContract):
    reader, file = "nd2", "nd2/example-timelapse.nd2"


class TestLifReader(ReaderContract):
    reader, file = "lif", "lif/PR2729_frameOrderCombinedScanTypes.lif"


@pytest.mark.parametrize("byteorder", ["<", ">"])
def test_uncompressed_contiguous_reads_only_what_is_asked(tmp_path: Path, byteorder: str) -> None:
    import tifffile

    data = np.arange(5 * 40 * 30, dtype="uint16").reshape(5, 40, 30)
    path = tmp_path / f"plain{'be' if byteorder == '>' else 'le'}.tif"
    tifffile.imwrite(path, data, byteorder=byteorder, metadata={"axes": "ZYX"})
    image = read_image(path, dims=("z", "y", "x"), scale={"z": 1.0, "y": 1.0, "x": 1.0})
    assert image.dtype == np.dtype("uint16")  # native byte order in memory
    np.testing.assert_array_equal(image.data.compute(), data)
    np.testing.assert_array_equal(image.data[1:4, 7:19, 3:29].compute(), data[1:4, 7:19, 3:29])
    np.testing.assert_array_equal(image.data[2, ::3, 5].compute(), data[2, ::3, 5])


def test_multi_file_ome_tiff_series(tmp_path: Path) -> None:
    """One OME image whose planes live in two files (TiffData with UUID FileName)."""
    import uuid

    import tifffile

    planes = [
        np.full((16, 20), 10 * z + 1, dtype="uint16") + np.arange(20, dtype="uint16")
        for z in range(4)
    ]
    ids = [f"urn:uuid:{uuid.uuid4()}" for _ in range(2)]
    names = ["mf_0.ome.tif", "mf_1.ome.tif"]
    tiffdata = "".join(
        f'<TiffData FirstZ="{z}" IFD="{z % 2}" PlaneCount="1">'
        f'<UUID FileName="{names[z // 2]}">{ids[z // 2]}</UUID></TiffData>'
        for z in range(4)
    )

    def ome_xml(i: int) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06" UUID="{ids[i]}">'
            '<Image ID="Image:0" Name="multi"><Pixels ID="Pixels:0" DimensionOrder="XYZCT" '
            'Type="uint16" SizeX="20" SizeY="16" SizeZ="4" SizeC="1" SizeT="1" '
            'PhysicalSizeX="0.5" PhysicalSizeY="0.5" PhysicalSizeZ="2.0">'
            '<Channel ID="Channel:0:0" SamplesPerPixel="1"/>' + tiffdata + "</Pixels></Image></OME>"
        )

    for i in range(2):
        with tifffile.TiffWriter(tmp_path / names[i]) as writer:
            for z in (2 * i, 2 * i + 1):
                writer.write(
                    planes[z], description=ome_xml(i) if z == 2 * i else None, metadata=None
                )
    image = read_image(tmp_path / names[0])
    assert image.dims == ("z", "y", "x")
    assert image.scale == {"z": 2.0, "y": 0.5, "x": 0.5}
    assert image.axes_units == {"z": "micrometer", "y": "micrometer", "x": "micrometer"}
    np.testing.assert_array_equal(image.data.compute(), np.stack(planes))
    np.testing.assert_array_equal(
        image.data[1:3, 4:9, 2:7].compute(), np.stack(planes)[1:3, 4:9, 2:7]
    )
