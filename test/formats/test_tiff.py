"""TIFF reader on layouts the tests write with tifffile: multi-file OME-TIFF sets described by a
companion file, LSM files with thumbnails, row-per-strip and interleaved-RGB storage."""

from __future__ import annotations

import uuid
import warnings
from pathlib import Path

import numpy as np
import pytest

from ngff_zarr import NgffWarning, config
from ngff_zarr.convert import convert_folder
from ngff_zarr.errors import InvalidMetadataError
from ngff_zarr.formats import select_reader
from ngff_zarr.read_image import read_image, read_images

tifffile = pytest.importorskip("tifffile")

_NS = "http://www.openmicroscopy.org/Schemas/OME/2016-06"


def _companion_set(folder: Path, nz: int = 4) -> np.ndarray:
    """One Z stack, one plane per ``.ome.tif`` member, described only by ``cells.companion.ome``."""
    folder.mkdir(parents=True, exist_ok=True)
    planes = [
        np.full((16, 20), 10 * z + 1, "uint16") + np.arange(20, dtype="uint16") for z in range(nz)
    ]
    names = [f"cells_z{z}.ome.tif" for z in range(nz)]
    ids = [f"urn:uuid:{uuid.uuid4()}" for _ in range(nz)]
    companion_id = f"urn:uuid:{uuid.uuid4()}"
    for z in range(nz):
        pointer = (
            f'<?xml version="1.0" encoding="UTF-8"?><OME xmlns="{_NS}" UUID="{ids[z]}">'
            f'<BinaryOnly MetadataFile="cells.companion.ome" UUID="{companion_id}"/></OME>'
        )
        tifffile.imwrite(folder / names[z], planes[z], description=pointer, metadata=None)
    tiffdata = "".join(
        f'<TiffData FirstZ="{z}" IFD="0" PlaneCount="1"><UUID FileName="{names[z]}">{ids[z]}'
        "</UUID></TiffData>"
        for z in range(nz)
    )
    (folder / "cells.companion.ome").write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><OME xmlns="{_NS}" UUID="{companion_id}">'
        '<Image ID="Image:0" Name="cells"><Pixels ID="Pixels:0" DimensionOrder="XYZCT" '
        f'Type="uint16" SizeX="20" SizeY="16" SizeZ="{nz}" SizeC="1" SizeT="1" '
        'PhysicalSizeX="0.5" PhysicalSizeY="0.5" PhysicalSizeZ="2.0">'
        '<Channel ID="Channel:0:0" SamplesPerPixel="1" Name="dapi"/>'
        f"{tiffdata}</Pixels></Image></OME>"
    )
    return np.stack(planes)


@pytest.mark.parametrize("entry", ["cells_z2.ome.tif", "cells.companion.ome", "."])
def test_companion_set_reads_whole_from_any_entry(tmp_path: Path, entry: str) -> None:
    """A member, the companion or the folder: the whole Z stack with the companion's metadata."""
    expected = _companion_set(tmp_path / "set")
    path = tmp_path / "set" / entry
    assert select_reader(path).name == "tiff"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        image = read_image(path)
    assert image.dims == ("z", "y", "x")
    assert image.name == "cells"
    assert image.scale == {"z": 2.0, "y": 0.5, "x": 0.5}
    assert image.channel_names is None or image.channel_names == ["dapi"]
    np.testing.assert_array_equal(image.data.compute(), expected)


def test_member_without_its_companion_warns(tmp_path: Path) -> None:
    _companion_set(tmp_path)
    (tmp_path / "cells.companion.ome").unlink()
    with pytest.warns(NgffWarning) as record:
        image = read_image(tmp_path / "cells_z1.ome.tif")
    assert "'cells.companion.ome', which does not exist" in str(record[0].message)
    assert image.shape == (16, 20)  # only what the file itself holds, and the user is told


def test_companion_naming_a_missing_file_is_refused(tmp_path: Path) -> None:
    _companion_set(tmp_path)
    (tmp_path / "cells_z0.ome.tif").unlink()
    with pytest.raises(FileNotFoundError, match=r"names the TIFF file 'cells_z0\.ome\.tif'"):
        read_image(tmp_path / "cells.companion.ome")


def test_folder_of_a_set_converts_to_one_store(tmp_path: Path) -> None:
    _companion_set(tmp_path / "in")
    run = convert_folder(tmp_path / "in", tmp_path / "out")
    assert run.failed == []
    assert [c["inputs"] for c in run.converted] == [[str(tmp_path / "in" / "cells.companion.ome")]]
    assert sorted(p.name for p in (tmp_path / "out").glob("*.ome.zarr")) == ["cells.ome.zarr"]


def _pointed_set(folder: Path, nz: int = 3, master: int = 2) -> np.ndarray:
    """A set whose member ``master`` holds the full OME-XML; the others point at it."""
    folder.mkdir(parents=True, exist_ok=True)
    planes = [np.full((16, 20), 10 * z + 1, "uint16") for z in range(nz)]
    names = [f"m_z{z}.ome.tif" for z in range(nz)]
    ids = [f"urn:uuid:{uuid.uuid4()}" for _ in range(nz)]
    tiffdata = "".join(
        f'<TiffData FirstZ="{z}" IFD="0" PlaneCount="1"><UUID FileName="{names[z]}">{ids[z]}'
        "</UUID></TiffData>"
        for z in range(nz)
    )
    full = (
        f'<?xml version="1.0" encoding="UTF-8"?><OME xmlns="{_NS}" UUID="{ids[master]}">'
        '<Image ID="Image:0" Name="m"><Pixels ID="Pixels:0" DimensionOrder="XYZCT" '
        f'Type="uint16" SizeX="20" SizeY="16" SizeZ="{nz}" SizeC="1" SizeT="1" '
        'PhysicalSizeX="0.5" PhysicalSizeY="0.5" PhysicalSizeZ="2.0">'
        f'<Channel ID="Channel:0:0" SamplesPerPixel="1"/>{tiffdata}</Pixels></Image></OME>'
    )
    for z in range(nz):
        pointer = (
            f'<?xml version="1.0" encoding="UTF-8"?><OME xmlns="{_NS}" UUID="{ids[z]}">'
            f'<BinaryOnly MetadataFile="{names[master]}" UUID="{ids[master]}"/></OME>'
        )
        description = full if z == master else pointer
        tifffile.imwrite(folder / names[z], planes[z], description=description, metadata=None)
    return np.stack(planes)


@pytest.mark.parametrize("entry", ["m_z0.ome.tif", "m_z2.ome.tif", "."])
def test_members_pointing_at_the_member_with_the_description(tmp_path: Path, entry: str) -> None:
    """Every plane from its own file, whichever member is read (not the entry's plane twice)."""
    expected = _pointed_set(tmp_path / "set")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        image = read_image(tmp_path / "set" / entry)
    assert image.scale == {"z": 2.0, "y": 0.5, "x": 0.5}
    np.testing.assert_array_equal(image.data.compute(), expected)


def test_a_set_described_by_a_member_converts_once(tmp_path: Path) -> None:
    _pointed_set(tmp_path / "in", master=2)
    run = convert_folder(tmp_path / "in", tmp_path / "out")
    assert run.failed == []
    assert len(run.converted) == 1


def test_an_undecodable_metadata_file_is_a_metadata_error(tmp_path: Path) -> None:
    _companion_set(tmp_path)
    (tmp_path / "cells.companion.ome").write_bytes(b"\xff\xfe\xb6 not text")
    with pytest.raises(InvalidMetadataError, match=r"expected OME-XML text"):
        read_image(tmp_path / "cells_z1.ome.tif")


def _write_lsm(path: Path, stack: np.ndarray, thumb: int = 8) -> None:
    """An LSM-like file: CZ_LSMINFO on the first page, each plane followed by its thumbnail."""
    info = np.zeros(1, dtype=tifffile.TIFF.CZ_LSMINFO)
    nz, ny, nx = stack.shape
    info["MagicNumber"], info["StructureSize"] = 0x0400494C, info.itemsize
    info["DimensionX"], info["DimensionY"], info["DimensionZ"] = nx, ny, nz
    info["DimensionChannels"], info["DimensionTime"], info["DataType"] = 1, 1, 2
    info["ThumbnailX"] = info["ThumbnailY"] = thumb
    info["VoxelSizeX"], info["VoxelSizeY"], info["VoxelSizeZ"] = 0.5e-6, 0.5e-6, 2e-6
    with tifffile.TiffWriter(path) as tif:
        for z in range(nz):
            tag = [(34412, 1, info.itemsize, info.tobytes(), True)] if z == 0 else []
            tif.write(stack[z], extratags=tag, metadata=None, contiguous=False)
            thumbnail = stack[z, :: ny // thumb, :: nx // thumb]
            tif.write(thumbnail, subfiletype=1, metadata=None, contiguous=False)


def test_lsm_thumbnails_are_not_an_image(tmp_path: Path) -> None:
    stack = (np.arange(3 * 32 * 32).reshape(3, 32, 32) % 251).astype("uint16")
    path = tmp_path / "scan.lsm"
    _write_lsm(path, stack)
    with tifffile.TiffFile(path) as tif:
        assert tif.is_lsm and len(tif.series) == 2  # tifffile lists the thumbnails as a series
    images = read_images(path)
    assert len(images) == 1
    assert images[0].scale == {"z": 2.0, "y": 0.5, "x": 0.5}
    np.testing.assert_array_equal(images[0].data.compute(), stack)


def test_row_per_strip_reads_in_byte_sized_chunks(tmp_path: Path) -> None:
    """Compressed, one row per strip: chunks hold many strips, up to read_chunk_bytes."""
    data = (np.add.outer(np.arange(512), np.arange(300)) % 4093).astype("uint16")
    path = tmp_path / "rows.tif"
    tifffile.imwrite(path, data, rowsperstrip=1, compression="zlib", metadata=None)
    with config.set(read_chunk_bytes=64 * 300 * 2), pytest.warns(NgffWarning):
        image = read_image(path, dims=("y", "x"))
    assert image.data.chunks == ((64,) * 8, (300,))  # 64 strips a chunk, not one
    np.testing.assert_array_equal(image.data.compute(), data)
    np.testing.assert_array_equal(image.data[70:75, 3:9].compute(), data[70:75, 3:9])


@pytest.mark.parametrize("compression", [None, "zlib"])
def test_interleaved_rgb_is_not_read_row_by_row(tmp_path: Path, compression: str | None) -> None:
    data = (np.arange(256 * 200 * 3).reshape(256, 200, 3) % 255).astype("uint8")
    path = tmp_path / "rgb.tif"
    tifffile.imwrite(path, data, photometric="rgb", compression=compression, rowsperstrip=1)
    with pytest.warns(NgffWarning):
        image = read_image(path)
    assert image.dims == ("c", "y", "x")
    assert image.data.npartitions == 1  # 150 kB: one chunk (it was one chunk per row)
    np.testing.assert_array_equal(image.data.compute(), data.transpose(2, 0, 1))
    np.testing.assert_array_equal(
        image.data[1:, 10:20, 5:50].compute(), data[10:20, 5:50, 1:].transpose(2, 0, 1)
    )


@pytest.mark.parametrize("samples", [1, 3])
def test_tiles_with_partial_edges_read_any_box(tmp_path: Path, samples: int) -> None:
    """Tiled, compressed, sizes not a multiple of the tile: every box reads what tifffile reads."""
    shape = (3, 70, 90, samples) if samples > 1 else (3, 70, 90)
    data = (np.arange(int(np.prod(shape))).reshape(shape) % 253).astype("uint8")
    path = tmp_path / "tiles.tif"
    photometric = "rgb" if samples > 1 else "minisblack"
    tifffile.imwrite(path, data, tile=(32, 32), compression="zlib", photometric=photometric)
    with config.set(read_chunk_bytes=2 * 32 * 32 * samples), pytest.warns(NgffWarning):
        image = read_image(path)
    native = data if samples == 1 else data.transpose(0, 3, 1, 2)  # Q (taken as t), then c
    assert image.data.npartitions > 1
    np.testing.assert_array_equal(image.data.compute(), native)
    box = (slice(1, 3), slice(5, 67), slice(31, 89))
    if samples > 1:
        box = (box[0], slice(0, 2), *box[1:])
    np.testing.assert_array_equal(image.data[box].compute(), native[box])
