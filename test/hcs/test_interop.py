"""Interop: plates written here open in ome-zarr-py and validate with ome-zarr-models, and
plates written by ome-zarr-py open here."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
import zarr

from ngff_zarr import (
    Multiscales,
    Plate,
    PlateAcquisition,
    from_hcs_zarr,
    to_hcs_zarr,
    write_hcs_well_image,
)
from ngff_zarr.to_multiscales import to_multiscales
from ngff_zarr.to_ngff_image import to_ngff_image

VERSIONS = ["0.4", "0.5"]
ROWS, COLUMNS = ["A", "B"], ["1", "2", "3"]


def _data(value: int) -> np.ndarray:
    return (np.arange(2 * 16 * 16, dtype="uint16").reshape(2, 16, 16) % 50) + 100 * value


def field(value: int) -> Multiscales:
    return to_multiscales(to_ngff_image(_data(value), dims=("c", "y", "x")), scale_factors=[2])


def write_plate(path: Path, version: str, fields_per_well: int = 2) -> Plate:
    plate = Plate.from_names(
        ROWS,
        COLUMNS,
        acquisitions=[PlateAcquisition(id=0, name="a", maximumfieldcount=1),
                      PlateAcquisition(id=1, name="b", maximumfieldcount=1)],
        field_count=fields_per_well,
        name="interop",
    )  # fmt: skip
    to_hcs_zarr(plate, path, version=version)
    for w, well in enumerate(plate.wells):
        row, column = well.path.split("/")
        for index in range(fields_per_well):
            write_hcs_well_image(
                path,
                field(10 * w + index),
                row=row,
                column=column,
                field_index=index,
                acquisition=index % 2,
                plate=plate,
                version=version,  # type: ignore[arg-type]
            )
    return plate


@pytest.mark.parametrize("version", VERSIONS)
def test_validates_with_ome_zarr_models(tmp_path: Path, version: str) -> None:
    if version == "0.4":
        from ome_zarr_models.v04.hcs import HCS
    else:
        from ome_zarr_models.v05.hcs import HCS
    path = tmp_path / "plate.zarr"
    write_plate(path, version)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # ome-zarr-models warns about missing recommended fields
        hcs = HCS.from_zarr(zarr.open_group(path, mode="r"))
    assert hcs.n_wells == 6
    wells = list(hcs.well_groups)
    assert len(wells) == 6
    assert [
        [(i.path, i.acquisition) for i in w.attributes.well.images]
        if version == "0.4"
        else [(i.path, i.acquisition) for i in w.ome_attributes.well.images]
        for w in wells
    ] == [[("0", 0), ("1", 1)]] * 6


@pytest.mark.parametrize("version", VERSIONS)
def test_opens_in_ome_zarr_py(tmp_path: Path, version: str) -> None:
    from ome_zarr.io import parse_url
    from ome_zarr.reader import Plate as PlateSpec
    from ome_zarr.reader import Reader

    path = tmp_path / "plate.zarr"
    write_plate(path, version, fields_per_well=1)
    location = parse_url(str(path))
    assert location is not None
    node = next(iter(Reader(location)()))
    spec = next(s for s in node.specs if isinstance(s, PlateSpec))
    assert (spec.row_names, spec.col_names) == (ROWS, COLUMNS)
    assert spec.well_paths == [f"{r}/{c}" for r in ROWS for c in COLUMNS]
    # ome-zarr-py stitches the first field of each well; with one field per well that is
    # exactly our mosaic, at every level.
    ours = from_hcs_zarr(path)
    for level in (0, 1):
        theirs = np.asarray(node.data[level])
        np.testing.assert_array_equal(theirs, ours.mosaic(level).compute())


@pytest.mark.parametrize("version", VERSIONS)
def test_reads_plates_written_by_ome_zarr_py(tmp_path: Path, version: str) -> None:
    from ome_zarr.format import FormatV04, FormatV05
    from ome_zarr.writer import write_image, write_plate_metadata, write_well_metadata

    fmt = FormatV04() if version == "0.4" else FormatV05()
    path = tmp_path / "theirs.zarr"
    root = zarr.open_group(path, mode="w", zarr_format=fmt.zarr_format)
    wells = ["A/1", "B/3"]
    write_plate_metadata(
        root,
        ROWS,
        COLUMNS,
        wells,
        fmt=fmt,
        acquisitions=[{"id": 0, "name": "a"}, {"id": 4, "name": "b"}],
        field_count=2,
        name="made by ome-zarr-py",
    )
    for w, well_path in enumerate(wells):
        well_group = root.require_group(well_path)
        write_well_metadata(
            well_group, [{"path": "0", "acquisition": 0}, {"path": "1", "acquisition": 4}], fmt=fmt
        )
        for index in range(2):
            write_image(
                _data(10 * w + index),
                well_group.require_group(str(index)),
                axes="cyx",
                fmt=fmt,
                scale_factors=[2],
            )
    plate = from_hcs_zarr(path, validate=True)
    assert plate.version == version
    assert plate.name == "made by ome-zarr-py"
    assert [(w.path, w.row_index, w.column_index) for w in plate] == [("A/1", 0, 0), ("B/3", 1, 2)]
    assert [a.id for a in plate.metadata.acquisitions or []] == [0, 4]
    b3 = plate.get_well("B", "3")
    np.testing.assert_array_equal(b3.get_image(0).images[0].data.compute(), _data(10))
    np.testing.assert_array_equal(
        b3.get_image_by_acquisition(4).images[0].data.compute(), _data(11)
    )
    assert b3.get_image(1).dims == ("c", "y", "x")
    assert plate.mosaic(0).shape == (2, 2 * 16, 3 * 2 * 16)
