"""ngff-zarr's "High Content Screening" page (hcs.md), example by example.

The two "Complete Example" workflows run as the page has them except for the size of the
synthetic fields: 1x2x10x64x64 instead of 1x2x10x512x512 (36 fields of 10 MB would take
minutes with the default itkwasm method on a shared 2-core machine); every call, every
printed line and the plate they build are the page's.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import ngff_zarr as nz


def _simple_example(version: str) -> str:
    """The page's "Simple Complete Example" for ``version``, verbatim; returns its printout."""
    source = f'''
import ngff_zarr as nz
import numpy as np
from ngff_zarr.hcs import HCSPlate, to_hcs_zarr
from ngff_zarr.v04.zarr_metadata import *

ome_zarr_version = "{version}"

columns = [PlateColumn(name="1"), PlateColumn(name="2")]
rows = [PlateRow(name="A"), PlateRow(name="B")]
wells = [
    PlateWell(path="A/1", rowIndex=0, columnIndex=0),
    PlateWell(path="A/2", rowIndex=0, columnIndex=1),
    PlateWell(path="B/1", rowIndex=1, columnIndex=0),
    PlateWell(path="B/2", rowIndex=1, columnIndex=1),
]

plate_metadata = Plate(
    columns=columns, rows=rows, wells=wells,
    name="Example Plate v{version}", field_count=1,
    version=ome_zarr_version
)

data = np.random.randint(0, 255, size=(1, 1, 10, 256, 256), dtype=np.uint8)
ngff_image = nz.NgffImage(
    data=data, dims=["t", "c", "z", "y", "x"],
    scale={{"t": 1.0, "c": 1.0, "z": 0.5, "y": 0.325, "x": 0.325}},
    translation={{"t": 0.0, "c": 0.0, "z": 0.0, "y": 0.0, "x": 0.0}}
)
multiscales = nz.to_multiscales(ngff_image)

hcs_plate = HCSPlate(store="my_plate_v{version[2]}.ome.zarr", plate_metadata=plate_metadata)
to_hcs_zarr(hcs_plate, "my_plate_v{version[2]}.ome.zarr")

for well in wells:
    row_name = rows[well.rowIndex].name
    col_name = columns[well.columnIndex].name

    nz.write_hcs_well_image(
        store="my_plate_v{version[2]}.ome.zarr",
        multiscales=multiscales,
        plate_metadata=plate_metadata,
        row_name=row_name,
        column_name=col_name,
        field_index=0,
        version=ome_zarr_version,
    )

plate = nz.from_hcs_zarr("my_plate_v{version[2]}.ome.zarr")
print(f"Created v{version} plate with {{len(plate.wells)}} wells")
'''
    if version == "0.5":
        source += 'print(f"Version: {plate.metadata.version}")\n'
    exec(compile(source, f"hcs.md simple example {version}", "exec"), {})
    return source


def test_simple_complete_example_v04(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _simple_example("0.4")
    assert capsys.readouterr().out == "Created v0.4 plate with 4 wells\n"
    root = json.loads(Path("my_plate_v4.ome.zarr/.zattrs").read_text(encoding="utf-8"))
    assert root["plate"]["version"] == "0.4"
    assert (root["plate"]["name"], root["plate"]["field_count"]) == ("Example Plate v0.4", 1)
    assert root["plate"]["wells"][3] == {"path": "B/2", "rowIndex": 1, "columnIndex": 1}
    assert not Path("my_plate_v4.ome.zarr/.zmetadata").exists()  # none at the plate root
    well = json.loads(Path("my_plate_v4.ome.zarr/A/1/.zattrs").read_text(encoding="utf-8"))
    assert well == {"well": {"images": [{"path": "0", "acquisition": 0}], "version": "0.4"}}
    plate = nz.from_hcs_zarr("my_plate_v4.ome.zarr", validate=True)
    image = plate.get_well("A", "1").get_image(0)
    assert image.images[0].data.shape == (1, 1, 10, 256, 256)
    assert image.images[0].dims == ("t", "c", "z", "y", "x")
    assert nz.validate("my_plate_v4.ome.zarr").valid


def test_simple_complete_example_v05(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _simple_example("0.5")
    assert capsys.readouterr().out == "Created v0.5 plate with 4 wells\nVersion: 0.5\n"
    root = json.loads(Path("my_plate_v5.ome.zarr/zarr.json").read_text(encoding="utf-8"))[
        "attributes"
    ]
    assert root["ome"]["version"] == "0.5"  # the version is given in the ome wrapper
    well = json.loads(Path("my_plate_v5.ome.zarr/A/1/zarr.json").read_text(encoding="utf-8"))[
        "attributes"
    ]
    assert well == {
        "ome": {"version": "0.5", "well": {"images": [{"path": "0", "acquisition": 0}]}}
    }
    assert nz.validate("my_plate_v5.ome.zarr", strict=True).valid


@pytest.fixture
def plate_v04(workdir: Path, capsys: pytest.CaptureFixture[str]) -> nz.HCSPlate:
    _simple_example("0.4")
    Path("my_plate_v4.ome.zarr").rename("plate.ome.zarr")
    capsys.readouterr()
    return nz.from_hcs_zarr("plate.ome.zarr")


def test_loading_accessing_and_iterating(
    plate_v04: nz.HCSPlate, capsys: pytest.CaptureFixture[str]
) -> None:
    plate = nz.from_hcs_zarr("plate.ome.zarr")
    print(f"Plate: {plate.metadata.name}")
    print(f"Rows: {len(plate.metadata.rows)}")
    print(f"Columns: {len(plate.metadata.columns)}")
    print(f"Wells: {len(plate.metadata.wells)}")

    well = plate.get_well("A", "1")
    if well:
        print(f"Well A/1 has {len(well.images)} field(s)")
        image = well.get_image(0)
        if image:
            print(f"Image shape: {image.images[0].data.shape}")
            print(f"Image axes: {image.images[0].dims}")

    if plate.metadata.acquisitions:
        for acq in plate.metadata.acquisitions:
            print(f"Acquisition {acq.id}: {acq.name}")
        well = plate.get_well("A", "1")
        image = well.get_image_by_acquisition(acquisition_id=0, field_index=0)

    for well_meta in plate.metadata.wells:
        row_name = plate.metadata.rows[well_meta.rowIndex].name
        col_name = plate.metadata.columns[well_meta.columnIndex].name
        well = plate.get_well(row_name, col_name)
        if well:
            print(f"Well {row_name}/{col_name}: {len(well.images)} field(s)")
            for field_idx in range(len(well.images)):
                image = well.get_image(field_idx)
                if image:
                    ngff_image = image.images[0]
                    print(f"  Field {field_idx}: {ngff_image.data.shape}")
    out = capsys.readouterr().out.splitlines()
    assert out[:7] == [
        "Plate: Example Plate v0.4", "Rows: 2", "Columns: 2", "Wells: 4",
        "Well A/1 has 1 field(s)", "Image shape: (1, 1, 10, 256, 256)",
        "Image axes: ('t', 'c', 'z', 'y', 'x')",
    ]  # fmt: skip
    assert out[7:9] == ["Well A/1: 1 field(s)", "  Field 0: (1, 1, 10, 256, 256)"]
    assert len(out) == 7 + 4 * 2


def test_programmatic_access(plate_v04: nz.HCSPlate, capsys: pytest.CaptureFixture[str]) -> None:
    from ngff_zarr import from_hcs_zarr, from_ngff_zarr

    multiscales = from_ngff_zarr("plate.ome.zarr/A/1/0")
    image = multiscales.images[0]
    print(f"Shape: {image.data.shape}")
    print(f"Axes: {image.dims}")
    assert (
        capsys.readouterr().out == "Shape: (1, 1, 10, 256, 256)\nAxes: ('t', 'c', 'z', 'y', 'x')\n"
    )

    plate = from_hcs_zarr("plate.ome.zarr")
    well = plate.get_well("A", "1")
    multiscales = well.get_image(0)
    assert multiscales.images[0].data.shape == (1, 1, 10, 256, 256)
    with pytest.raises(ValueError, match="HCS"):  # a plate root is not one image
        from_ngff_zarr("plate.ome.zarr")


def _plate_metadata() -> dict[str, Any]:
    """The page's "Creating Plate Metadata" block, verbatim; its names."""
    from ngff_zarr import Plate, PlateAcquisition, PlateColumn, PlateRow, PlateWell

    columns = [PlateColumn(name="1"), PlateColumn(name="2"), PlateColumn(name="3")]
    rows = [PlateRow(name="A"), PlateRow(name="B")]
    wells = [
        PlateWell(path="A/1", rowIndex=0, columnIndex=0),
        PlateWell(path="A/2", rowIndex=0, columnIndex=1),
        PlateWell(path="A/3", rowIndex=0, columnIndex=2),
        PlateWell(path="B/1", rowIndex=1, columnIndex=0),
        PlateWell(path="B/2", rowIndex=1, columnIndex=1),
        PlateWell(path="B/3", rowIndex=1, columnIndex=2),
    ]
    acquisitions = [
        PlateAcquisition(id=0, name="Baseline", maximumfieldcount=2),
        PlateAcquisition(id=1, name="Post-treatment", maximumfieldcount=2),
    ]
    plate_metadata_v04 = Plate(
        name="Drug Screening Plate", columns=columns, rows=rows, wells=wells,
        acquisitions=acquisitions, field_count=2, version="0.4",
    )  # fmt: skip
    plate_metadata_v05 = Plate(
        name="Drug Screening Plate", columns=columns, rows=rows, wells=wells,
        acquisitions=acquisitions, field_count=2, version="0.5",
    )  # fmt: skip
    return locals()


def _field(value: int) -> nz.Multiscales:
    data = np.full((1, 1, 4, 64, 64), value, dtype=np.uint16)
    image = nz.NgffImage(data=data, dims=["t", "c", "z", "y", "x"], scale={}, translation={})
    return nz.to_multiscales(image, scale_factors=[2])


def test_plate_structure_and_standard_writing(workdir: Path) -> None:
    names = _plate_metadata()
    plate_metadata = names["plate_metadata_v04"]
    from ngff_zarr.hcs import HCSPlate, to_hcs_zarr

    hcs_plate = HCSPlate(store="my_screen.ome.zarr", plate_metadata=plate_metadata)
    to_hcs_zarr(hcs_plate, "my_screen.ome.zarr")

    field_image, field_image_2, field_image_3 = _field(1), _field(2), _field(3)
    plate_metadata_v04 = plate_metadata
    ome_zarr_version = "0.4"
    nz.write_hcs_well_image(
        store="my_screen.ome.zarr", multiscales=field_image, plate_metadata=plate_metadata_v04,
        row_name="A", column_name="1", field_index=0, acquisition_id=0,
        version=ome_zarr_version,
    )  # fmt: skip
    nz.write_hcs_well_image(
        store="my_screen.ome.zarr", multiscales=field_image_2,
        plate_metadata=plate_metadata_v04, row_name="A", column_name="1", field_index=1,
        acquisition_id=0, version=ome_zarr_version,
    )  # fmt: skip
    nz.write_hcs_well_image(
        store="my_screen.ome.zarr", multiscales=field_image_3,
        plate_metadata=plate_metadata_v04, row_name="A", column_name="2", field_index=0,
        acquisition_id=0, version=ome_zarr_version,
    )  # fmt: skip
    plate = nz.from_hcs_zarr("my_screen.ome.zarr", validate=True)
    assert [i.path for i in plate.get_well("A", "1").images] == ["0", "1"]
    assert int(plate.get_well("A", "2").get_image(0).images[0].data[0, 0, 0, 0, 0]) == 3
    assert plate.acquisitions == names["acquisitions"]

    ome_zarr_version = "0.5"
    to_hcs_zarr(HCSPlate("my_screen_v05.ome.zarr", names["plate_metadata_v05"]),
                "my_screen_v05.ome.zarr")  # fmt: skip
    nz.write_hcs_well_image(
        store="my_screen_v05.ome.zarr", multiscales=field_image,
        plate_metadata=names["plate_metadata_v05"], row_name="A", column_name="1",
        field_index=0, acquisition_id=0, version=ome_zarr_version,
    )  # fmt: skip
    assert nz.from_hcs_zarr("my_screen_v05.ome.zarr").version == "0.5"
    with pytest.raises(ValueError, match=r"version '0.4' does not match the plate's version"):
        nz.write_hcs_well_image(
            "my_screen_v05.ome.zarr", field_image, names["plate_metadata_v05"], "A", "2",
            version="0.4",
        )  # fmt: skip


@dataclass
class _Acquired:
    image: nz.Multiscales
    row: str
    col: str
    field: int


def test_rfc9_ozx_plates(workdir: Path) -> None:
    import ngff_zarr as nz
    from ngff_zarr.hcs import HCSPlateWriter

    names = _plate_metadata()
    columns, rows, wells = names["columns"], names["rows"], names["wells"]
    plate_metadata = nz.Plate(
        name="Drug Screening Plate", columns=columns, rows=rows, wells=wells,
        field_count=2, version="0.5",
    )  # fmt: skip
    acquisition_data = [
        _Acquired(_field(10 * i + f), w.path[0], w.path[2], f)
        for i, w in enumerate(wells[:3])
        for f in range(2)
    ]
    with HCSPlateWriter("my_screen.ozx", plate_metadata) as writer:
        for well_data in acquisition_data:
            writer.write_well_image(
                multiscales=well_data.image,
                row_name=well_data.row,
                column_name=well_data.col,
                field_index=well_data.field,
            )

    def write_well(writer: Any, well_data: _Acquired) -> None:
        writer.write_well_image(
            multiscales=well_data.image,
            row_name=well_data.row,
            column_name=well_data.col,
            field_index=well_data.field,
        )

    well_data_list = acquisition_data
    with HCSPlateWriter("plate.ozx", plate_metadata) as writer:  # noqa: SIM117 - the page's
        with ThreadPoolExecutor(max_workers=4) as executor:
            executor.map(lambda wd: write_well(writer, wd), well_data_list)

    threaded = nz.from_hcs_zarr("plate.ozx")
    assert [len(threaded.get_well(r, c).images) for r, c in (("A", "1"), ("A", "2"))] == [2, 2]

    Path("my_screen.ozx").rename("written_by_the_writer.ozx")  # the next example starts anew
    field_image = _field(99)
    nz.write_hcs_well_image(
        store="my_screen.ozx", multiscales=field_image, plate_metadata=plate_metadata,
        row_name="A", column_name="1", field_index=0, version="0.5",
    )  # fmt: skip

    plate = nz.from_hcs_zarr("my_screen.ozx")
    well = plate.get_well("A", "1")
    image = well.get_image(0)
    assert int(image.images[0].data[0, 0, 0, 0, 0]) == 99
    from ngff_zarr import write_store_to_zip

    nz.to_hcs_zarr(
        nz.HCSPlate("existing_plate.ome.zarr", plate_metadata), "existing_plate.ome.zarr"
    )
    write_store_to_zip("existing_plate.ome.zarr", "plate.ozx", version="0.5")
    assert nz.read_ozx_version("plate.ozx") == "0.5"
    assert nz.from_hcs_zarr("plate.ozx").name == "Drug Screening Plate"


def test_complete_drug_screening_workflows(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The two "Complete Example" workflows, v0.4 then v0.5, as the page has them."""
    header = """
import ngff_zarr as nz
import numpy as np
from ngff_zarr import NgffImage, to_multiscales
from ngff_zarr.hcs import HCSPlate, to_hcs_zarr
from ngff_zarr.v04.zarr_metadata import *

def create_field_image(treatment_effect=1.0):
    base_intensity = 100
    data = np.random.poisson(
        base_intensity * treatment_effect,
        size=(1, 2, 10, 64, 64)  # the page: (1, 2, 10, 512, 512)
    ).astype(np.uint16)

    ngff_image = NgffImage(
        data=data,
        dims=["t", "c", "z", "y", "x"],
        scale={"t": 1.0, "c": 1.0, "z": 0.3, "y": 0.325, "x": 0.325},
        translation={"t": 0.0, "c": 0.0, "z": 0.0, "y": 0.0, "x": 0.0},
        name=f"Field_effect_{treatment_effect}",
    )

    return to_multiscales(ngff_image, scale_factors=[2, 4])
"""
    v04 = (
        header
        + """
ome_zarr_version = "0.4"
columns = [PlateColumn(name=str(i)) for i in range(1, 13)]
rows = [PlateRow(name=chr(65 + i)) for i in range(8)]
wells = []
for row_idx, row in enumerate(rows):
    for col_idx, col in enumerate(columns):
        wells.append(PlateWell(path=f"{row.name}/{col.name}", rowIndex=row_idx,
                               columnIndex=col_idx))
plate_metadata = Plate(name="Compound Screen - Plate 1", columns=columns, rows=rows,
                       wells=wells, field_count=4, version=ome_zarr_version)
plate_store = "drug_screen_plate1.ome.zarr"
hcs_plate = HCSPlate(store=plate_store, plate_metadata=plate_metadata)
to_hcs_zarr(hcs_plate, plate_store)
for row in ["A", "B", "C"]:
    for col in ["1", "2", "3", "4"]:
        if row == "A":
            effect = 0.5
        elif row == "B":
            effect = 1.0
        else:
            effect = 2.0
        for field in range(2):
            field_image = create_field_image(effect + field * 0.1)
            nz.write_hcs_well_image(store=plate_store, multiscales=field_image,
                                    plate_metadata=plate_metadata, row_name=row,
                                    column_name=col, field_index=field, acquisition_id=0,
                                    version=ome_zarr_version)
            print(f"Acquired well {row}/{col}, field {field}")
print(f"Screening complete! Plate saved to: {plate_store}")
final_plate = nz.from_hcs_zarr(plate_store)
print(f"Plate: {final_plate.name}")
written = [w for w in final_plate.wells if final_plate.get_well(
    final_plate.rows[w.rowIndex].name, final_plate.columns[w.columnIndex].name) is not None]
print(f"Wells written: {len(written)}")  # the page: one line, {len([w for w in ...])}
"""
    )
    exec(compile(v04, "hcs.md complete example v0.4", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["Acquired well A/1, field 0", "Acquired well A/1, field 1"]
    assert out[23] == "Acquired well C/4, field 1"
    assert out[24:] == [
        "Screening complete! Plate saved to: drug_screen_plate1.ome.zarr",
        "Plate: Compound Screen - Plate 1",
        "Wells written: 96",
    ]
    v05 = (
        header
        + """
ome_zarr_version = "0.5"
columns = [PlateColumn(name=str(i)) for i in range(1, 4)]
rows = [PlateRow(name=chr(65 + i)) for i in range(2)]
wells = []
for row_idx, row in enumerate(rows):
    for col_idx, col in enumerate(columns):
        wells.append(PlateWell(path=f"{row.name}/{col.name}", rowIndex=row_idx,
                               columnIndex=col_idx))
plate_metadata = Plate(name="v0.5 Screening Plate", columns=columns, rows=rows, wells=wells,
                       field_count=2, version=ome_zarr_version)
plate_store = "screening_v05.ome.zarr"
hcs_plate = HCSPlate(store=plate_store, plate_metadata=plate_metadata)
to_hcs_zarr(hcs_plate, plate_store)
for row in ["A", "B"]:
    for col in ["1", "2", "3"]:
        effect = 1.0 if row == "A" else 2.0
        for field in range(2):
            field_image = create_field_image(effect)
            nz.write_hcs_well_image(store=plate_store, multiscales=field_image,
                                    plate_metadata=plate_metadata, row_name=row,
                                    column_name=col, field_index=field, acquisition_id=0,
                                    version=ome_zarr_version)
            print(f"Acquired well {row}/{col}, field {field}")
loaded_plate = nz.from_hcs_zarr(plate_store)
print(f"Plate version: {loaded_plate.metadata.version}")
print(f"Plate name: {loaded_plate.name}")
"""
    )
    exec(compile(v05, "hcs.md complete example v0.5", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"Acquired well {r}/{c}, field {f}" for r in "AB" for c in "123" for f in (0, 1)
    ] + ["Plate version: 0.5", "Plate name: v0.5 Screening Plate"]
    field = nz.from_hcs_zarr("screening_v05.ome.zarr").get_well("B", "3").get_image(1)
    assert field.images[0].data.shape == (1, 2, 10, 64, 64)
    assert len(field.images) == 3  # scale_factors=[2, 4]


def test_error_handling(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plate_metadata = _plate_metadata()["plate_metadata_v04"]
    nz.to_hcs_zarr(plate_metadata, "plate.zarr")
    image = _field(1)
    try:
        nz.write_hcs_well_image(
            store="plate.zarr",
            multiscales=image,
            plate_metadata=plate_metadata,
            row_name="Z",  # Invalid row
            column_name="1",
            field_index=0,
        )
    except ValueError as e:
        print(f"Error: {e}")
    assert capsys.readouterr().out.startswith("Error: Row 'Z' not found in plate metadata")


def test_v04_import_path_and_well_data() -> None:
    from ngff_zarr.v04.zarr_metadata import (
        Plate,
        PlateColumn,
        PlateRow,
        PlateWell,
        Well,
        WellImage,
    )

    columns = [PlateColumn(name="1"), PlateColumn(name="2")]
    rows = [PlateRow(name="A"), PlateRow(name="B")]
    wells = [
        PlateWell(path="A/1", rowIndex=0, columnIndex=0),
        PlateWell(path="A/2", rowIndex=0, columnIndex=1),
        PlateWell(path="B/1", rowIndex=1, columnIndex=0),
        PlateWell(path="B/2", rowIndex=1, columnIndex=1),
    ]
    plate_metadata = Plate(
        name="My Screening Plate", columns=columns, rows=rows, wells=wells, field_count=2
    )
    assert plate_metadata.version == "0.4"  # the default
    well_images = [WellImage(path="0"), WellImage(path="1")]
    well_metadata = Well(images=well_images)
    assert (well_metadata.version, [i.acquisition for i in well_metadata.images]) == (
        "0.4", [None, None],
    )  # fmt: skip
    nz.validate_plate(plate_metadata)
    nz.validate_well(plate_metadata, well_metadata)


def _time_series_plate() -> None:
    """A plate with two acquisitions, field 0 of each in well A/1 (for the analysis examples)."""
    plate = nz.Plate.from_names(
        ["A"], ["1"], acquisitions=[nz.PlateAcquisition(id=0, name="t0"),
                                    nz.PlateAcquisition(id=1, name="t1")],
    )  # fmt: skip
    nz.to_hcs_zarr(plate, "time_series.ome.zarr")
    for acquisition in (0, 1):
        nz.write_hcs_well_image(
            "time_series.ome.zarr", _field(10 + acquisition), plate, "A", "1",
            field_index=acquisition, acquisition_id=acquisition,
        )  # fmt: skip


def test_validation_integration_and_analysis(
    plate_v04: nz.HCSPlate, capsys: pytest.CaptureFixture[str]
) -> None:
    plate = nz.from_hcs_zarr("plate.ome.zarr", validate=True)

    well = plate.get_well("A", "1")
    image = well.get_image(0)
    first_scale = image.images[0]
    print(f"Dimensions: {first_scale.dims}")
    print(f"Scale: {first_scale.scale}")
    print(f"Translation: {first_scale.translation}")
    data_array = first_scale.data
    processed = data_array.mean(axis=0)
    assert processed.shape == (1, 10, 256, 256)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Dimensions: ('t', 'c', 'z', 'y', 'x')"
    assert out[1] == "Scale: {'t': 1.0, 'c': 1.0, 'z': 0.5, 'y': 0.325, 'x': 0.325}"

    Path("plate.ome.zarr").rename("drug_screen.ome.zarr")
    plate = nz.from_hcs_zarr("drug_screen.ome.zarr")
    results = {}
    for well_meta in plate.metadata.wells:
        row = plate.metadata.rows[well_meta.rowIndex].name
        col = plate.metadata.columns[well_meta.columnIndex].name
        well = plate.get_well(row, col)
        if well:
            field_intensities = []
            for field_idx in range(len(well.images)):
                image = well.get_image(field_idx)
                if image:
                    data = image.images[0].data.compute()
                    mean_intensity = np.mean(data)
                    field_intensities.append(mean_intensity)
            results[f"{row}/{col}"] = np.mean(field_intensities)
    print("Well intensities:", results)
    assert sorted(results) == ["A/1", "A/2", "B/1", "B/2"]
    assert capsys.readouterr().out.startswith("Well intensities: {'A/1': ")

    _time_series_plate()
    plate = nz.from_hcs_zarr("time_series.ome.zarr")
    if plate.metadata.acquisitions:
        well = plate.get_well("A", "1")
        time_series = []
        for acq in plate.metadata.acquisitions:
            image = well.get_image_by_acquisition(acq.id, field_index=0)
            if image:
                data = image.images[0].data.compute()
                time_series.append(data.mean())
        print(f"Time series for well A/1: {time_series}")
    assert capsys.readouterr().out.startswith("Time series for well A/1: ")
    assert [float(v) for v in time_series] == [10.0, 11.0]


def test_cache_configuration(plate_v04: nz.HCSPlate) -> None:
    import ngff_zarr as nz

    nz.config.hcs_well_cache_size = 100
    nz.config.hcs_image_cache_size = 50
    try:
        plate = nz.from_hcs_zarr("plate.ome.zarr")
        assert (plate.well_cache_size, plate.image_cache_size) == (100, 50)
        Path("plate.ome.zarr").rename("plate.zarr")
        plate = nz.from_hcs_zarr("plate.zarr", well_cache_size=50, image_cache_size=25)
        assert (plate.well_cache_size, plate.image_cache_size) == (50, 25)
        well = plate.get_well("B", "2")
        assert well.get_image(0) is well.get_image(0)  # kept in the well's cache
    finally:
        del nz.config.hcs_well_cache_size
        del nz.config.hcs_image_cache_size
