"""HCS plates: write field by field, open lazily; local, in-memory and group stores."""

from __future__ import annotations

import doctest
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import zarr

import ngff_zarr.hcs
import ngff_zarr.hcs.read
import ngff_zarr.hcs.write
from ngff_zarr import (
    InvalidMetadataError,
    MetadataNotFoundError,
    Multiscales,
    NgffValidationError,
    NgffValueError,
    Plate,
    PlateAcquisition,
    StoreExistsError,
    UnsupportedVersionError,
    from_hcs_zarr,
    to_hcs_zarr,
    write_hcs_well_image,
)
from ngff_zarr.to_multiscales import to_multiscales
from ngff_zarr.to_ngff_image import to_ngff_image

VERSIONS = ["0.4", "0.5"]


def field(value: int, shape: tuple[int, int, int] = (2, 16, 24)) -> Multiscales:
    """A 2-level c/y/x field whose pixels encode ``value`` and their position."""
    data = (np.arange(np.prod(shape), dtype="uint16").reshape(shape) % 97) + value * 100
    return to_multiscales(to_ngff_image(data, dims=("c", "y", "x")), scale_factors=[2])


def pixels(multiscales: Multiscales, level: int = 0) -> np.ndarray:
    return np.asarray(multiscales.images[level].data.compute())


def plate_2x3() -> Plate:
    return Plate.from_names(
        ["A", "B"],
        ["1", "2", "3"],
        wells=["A/1", "A/3", "B/2"],
        acquisitions=[PlateAcquisition(id=0, name="first"), PlateAcquisition(id=7)],
        field_count=2,
        name="test plate",
    )


StoreFactory = Callable[[], Any]


@pytest.fixture(params=["local", "memory", "group"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> StoreFactory:
    """A fresh store of one kind per call: a directory, a MemoryStore, a group in a store."""
    counter = iter(range(100))

    def local() -> Any:
        return tmp_path / f"plate{next(counter)}.zarr"

    def memory() -> Any:
        return zarr.storage.MemoryStore()

    def group() -> Any:
        # The plate lives in a sub-group; the zarr format follows the plate version later.
        return tmp_path / f"outer{next(counter)}.zarr"

    return {"local": local, "memory": memory, "group": group}[request.param]


def _target(make_store: StoreFactory, request_kind: str, version: str) -> Any:
    store = make_store()
    if request_kind == "group":
        outer = zarr.open_group(store, mode="w", zarr_format=2 if version == "0.4" else 3)
        return outer.create_group("plates/p1")
    return store


@pytest.mark.parametrize("version", VERSIONS)
def test_round_trip(make_store: StoreFactory, request: pytest.FixtureRequest, version: str) -> None:
    kind = request.node.callspec.params["make_store"]
    store = _target(make_store, kind, version)
    plate = plate_2x3()
    to_hcs_zarr(plate, store, version=version)
    # Fields written out of order and with acquisitions; the well lists them in field order.
    write_hcs_well_image(store, field(11), row="A", column="1", field_index=1, acquisition=7)
    write_hcs_well_image(store, field(10), row="A", column="1", field_index=0, acquisition=0)
    write_hcs_well_image(store, field(20, (2, 8, 8)), row="B", column="2", field_index=0)

    opened = from_hcs_zarr(store)
    assert opened.version == version
    assert opened.metadata == replace(plate, version=version)
    assert [r.name for r in opened.rows] == ["A", "B"]
    assert [c.name for c in opened.columns] == ["1", "2", "3"]
    assert (opened.name, opened.acquisitions, opened.field_count) == (
        "test plate",
        plate.acquisitions,
        2,
    )
    assert [w.path for w in opened.wells] == ["A/1", "A/3", "B/2"]
    assert [w.path for w in opened] == ["A/1", "A/3", "B/2"]
    assert len(opened) == 3

    well = opened.get_well("A", "1")
    assert opened.get_well_by_indices(0, 0) is well
    assert (well.row, well.column, well.row_index, well.column_index) == ("A", "1", 0, 0)
    assert [(i.path, i.acquisition) for i in well.images] == [("0", 0), ("1", 7)]
    np.testing.assert_array_equal(pixels(well.get_image(0)), pixels(field(10)))
    np.testing.assert_array_equal(pixels(well.get_image(1), 1), pixels(field(11), 1))
    np.testing.assert_array_equal(pixels(well.get_image_by_acquisition(7, 0)), pixels(field(11)))
    assert [pixels(m)[0, 0, 0] for m in well] == [1000, 1100]
    assert len(opened.get_well("A", "3")) == 0  # created by to_hcs_zarr, no field yet
    b2 = opened.get_well_by_indices(1, 1)
    assert b2.path == "B/2"
    assert b2.images[0].acquisition == 0  # ngff-zarr's default acquisition_id
    assert pixels(b2.get_image(0)).shape == (2, 8, 8)


def test_plate_metadata_documents(tmp_path: Path) -> None:
    """0.4: ``plate`` in .zattrs with its version; 0.5: under ``ome`` in zarr.json."""
    plate = plate_2x3()
    to_hcs_zarr(plate, tmp_path / "a.zarr", version="0.4")
    to_hcs_zarr(plate, tmp_path / "b.zarr", version="0.5")
    v4 = json.loads((tmp_path / "a.zarr" / ".zattrs").read_text(encoding="utf-8"))
    assert v4["plate"]["version"] == "0.4"
    assert v4["plate"]["wells"][2] == {"path": "B/2", "rowIndex": 1, "columnIndex": 1}
    assert json.loads((tmp_path / "a.zarr" / ".zgroup").read_text(encoding="utf-8")) == {
        "zarr_format": 2
    }
    v5 = json.loads((tmp_path / "b.zarr" / "zarr.json").read_text(encoding="utf-8"))
    assert (v5["zarr_format"], v5["node_type"]) == (3, "group")
    assert v5["attributes"]["ome"]["version"] == "0.5"
    assert v5["attributes"]["ome"]["plate"]["acquisitions"] == [
        {"id": 0, "name": "first"},
        {"id": 7},
    ]
    assert (tmp_path / "b.zarr" / "B" / "2" / "zarr.json").is_file()


@pytest.mark.parametrize("version", VERSIONS)
def test_inconsistent_input_is_refused(tmp_path: Path, version: str) -> None:
    store = tmp_path / "plate.zarr"
    to_hcs_zarr(plate_2x3(), store, version=version)
    write_hcs_well_image(store, field(1), row="A", column="1", field_index=0, acquisition=0)
    outside = r"well C/1 is outside the plate: expected a row in \['A', 'B'\]"
    cases: list[tuple[dict[str, Any], str]] = [
        ({"row": "C", "column": "1"}, outside),
        ({"row": "A", "column": "9"}, r"well A/9 is outside the plate"),
        ({"row": "B", "column": "1"}, r"well B/1 is not one of the plate's wells"),
        ({"row": "A", "column": "3", "acquisition": 3}, r"expected one of \[0, 7\].*, got 3"),
        ({"row": "A", "column": "3", "field_index": -1}, r"field_index: expected an integer >= 0"),
    ]
    for kwargs, message in cases:
        args = {"field_index": 0, **kwargs}
        with pytest.raises(NgffValueError, match=message):
            write_hcs_well_image(store, field(9), **args)
    with pytest.raises(StoreExistsError, match=r"already has a field with path '0'"):
        write_hcs_well_image(store, field(9), row="A", column="1", field_index=0)
    # Nothing was lost or half-written by the refusals.
    plate = from_hcs_zarr(store)
    assert [(i.path, i.acquisition) for i in plate.get_well("A", "1").images] == [("0", 0)]
    assert pixels(plate.get_well("A", "1").get_image(0))[0, 0, 0] == 100
    assert len(plate.get_well("A", "3")) == 0
    assert not (store / "A" / "3" / "0").exists()
    assert not (store / "B" / "1").exists()


def test_acquisition_when_plate_has_none(tmp_path: Path) -> None:
    """A plate without acquisitions takes any id (the default 0, as ngff-zarr writes) or none."""
    store = tmp_path / "p.zarr"
    to_hcs_zarr(Plate.from_names(["A"], ["1"]), store)
    write_hcs_well_image(store, field(1), row="A", column="1", field_index=0)
    write_hcs_well_image(store, field(2), row="A", column="1", field_index=1, acquisition=None)
    images = from_hcs_zarr(store, validate=True).get_well("A", "1").images
    assert [(i.path, i.acquisition) for i in images] == [("0", 0), ("1", None)]


def test_overwrite_a_field(tmp_path: Path) -> None:
    store = tmp_path / "p.zarr"
    plate = plate_2x3()
    to_hcs_zarr(plate, store, version="0.5")
    write_hcs_well_image(store, field(1), row="A", column="1", field_index=0, plate=plate)
    write_hcs_well_image(store, field(2), row="A", column="1", field_index=1, plate=plate)
    write_hcs_well_image(
        store, field(3), row="A", column="1", field_index=0, acquisition=7, overwrite=True
    )
    well = from_hcs_zarr(store).get_well("A", "1")
    assert [(i.path, i.acquisition) for i in well.images] == [("0", 7), ("1", 0)]
    assert [pixels(m)[0, 0, 0] for m in well] == [300, 200]


def test_to_hcs_zarr_refusals(tmp_path: Path) -> None:
    store = tmp_path / "p.zarr"
    bad = Plate.from_names(["A", "A"], ["1"], wells=["A/1"])
    with pytest.raises(InvalidMetadataError, match=r"plate\.rows: name 'A' appears more than once"):
        to_hcs_zarr(bad, store)
    assert not store.exists()
    with pytest.raises(UnsupportedVersionError, match=r"expected one of \['0.4', '0.5', '0.6'\]"):
        to_hcs_zarr(plate_2x3(), store, version="0.3")  # type: ignore[arg-type]
    to_hcs_zarr(plate_2x3(), store)
    write_hcs_well_image(store, field(1), row="A", column="1", field_index=0)
    with pytest.raises(StoreExistsError, match="overwrite=True"):
        to_hcs_zarr(Plate.from_names(["C"], ["4"]), store, overwrite=False)
    assert from_hcs_zarr(store).get_well("A", "1").images[0].path == "0"
    to_hcs_zarr(Plate.from_names(["C"], ["4"]), store, version="0.5", overwrite=True)
    replaced = from_hcs_zarr(store)
    assert (replaced.version, [w.path for w in replaced]) == ("0.5", ["C/4"])
    assert not (store / "A").exists()
    # overwrite (the default) replaces a Zarr hierarchy only: other files are never deleted
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "thesis.txt").write_text("years of work")
    with pytest.raises(StoreExistsError, match="not a Zarr hierarchy; it is never deleted"):
        to_hcs_zarr(plate_2x3(), folder)
    assert (folder / "thesis.txt").read_text(encoding="utf-8") == "years of work"


def test_reading_errors(tmp_path: Path) -> None:
    with pytest.raises(
        MetadataNotFoundError, match=r"missing\.zarr: .*(no such file|does not exist)"
    ):
        from_hcs_zarr(tmp_path / "missing.zarr")
    (tmp_path / "empty.zarr").mkdir()
    with pytest.raises(MetadataNotFoundError, match="no Zarr group"):
        from_hcs_zarr(tmp_path / "empty.zarr")
    image = tmp_path / "image.zarr"
    zarr.open_group(image, mode="w", zarr_format=2).attrs["multiscales"] = []
    with pytest.raises(MetadataNotFoundError, match="not a plate"):
        from_hcs_zarr(image)
    store = tmp_path / "p.zarr"
    to_hcs_zarr(plate_2x3(), store)
    write_hcs_well_image(store, field(1), row="A", column="1", field_index=0, acquisition=0)
    plate = from_hcs_zarr(store)
    # lookups of what the plate does not hold give None, as in ngff-zarr
    assert plate.get_well("B", "3") is None
    assert plate.get_well("Z", "1") is None
    assert plate.get_well_by_indices(1, 0) is None
    well = plate.get_well("A", "1")
    assert well is not None
    assert well.get_image(1) is None
    assert well.get_image_by_acquisition(7) is None
    assert well.get_image_by_acquisition(0) is not None
    with pytest.raises(ValueError, match="cache_size"):
        from_hcs_zarr(store, cache_size=-1)


def test_write_needs_a_plate(tmp_path: Path) -> None:
    with pytest.raises(MetadataNotFoundError, match="write it with to_hcs_zarr first"):
        write_hcs_well_image(tmp_path / "none.zarr", field(1), row="A", column="1", field_index=0)
    assert not (tmp_path / "none.zarr").exists()


def test_field_cache_is_bounded_lru(tmp_path: Path) -> None:
    store = tmp_path / "p.zarr"
    to_hcs_zarr(plate_2x3(), store)
    for index in range(3):
        write_hcs_well_image(store, field(index), row="A", column="1", field_index=index)
    plate = from_hcs_zarr(store, image_cache_size=2)
    assert from_hcs_zarr(store, cache_size=2).image_cache_size == 2  # our other name
    well = plate.get_well("A", "1")
    first, second = well.get_image(0), well.get_image(1)
    assert well.get_image(0) is first  # cached; 0 is now the most recently used
    well.get_image(2)  # evicts 1, the least recently used
    assert len(well._images) == well._images.max_size == plate.image_cache_size == 2
    assert well.get_image(0) is first
    again = well.get_image(1)
    assert again is not second
    np.testing.assert_array_equal(pixels(again), pixels(second))
    uncached = from_hcs_zarr(store, image_cache_size=0).get_well("A", "1")
    assert uncached.get_image(0) is not uncached.get_image(0)


def test_metadata_is_read_lazily(tmp_path: Path) -> None:
    """Opening reads the plate only; a well's document is read when the well is asked about."""
    store = tmp_path / "p.zarr"
    to_hcs_zarr(plate_2x3(), store)
    write_hcs_well_image(store, field(1), row="A", column="1", field_index=0)
    plate = from_hcs_zarr(store)
    (store / "B" / "2" / ".zattrs").write_text("not json")  # only read if B/2 is asked about
    (store / "A" / "1" / "0" / ".zattrs").write_text("{}")  # the field is not read either
    well = plate.get_well("A", "1")
    assert well.images[0].path == "0"
    with pytest.raises(InvalidMetadataError, match=r"B/2/\.zattrs: malformed JSON"):
        plate.get_well("B", "2").images  # noqa: B018


@pytest.mark.parametrize("version", VERSIONS)
def test_mosaic(tmp_path: Path, version: str) -> None:
    store = tmp_path / "p.zarr"
    plate = plate_2x3()
    to_hcs_zarr(plate, store, version=version)
    write_hcs_well_image(store, field(1), row="A", column="1", field_index=0, acquisition=0)
    write_hcs_well_image(store, field(2), row="A", column="1", field_index=1, acquisition=7)
    write_hcs_well_image(store, field(3), row="A", column="1", field_index=2, acquisition=0)
    small = field(4, (2, 10, 12))
    write_hcs_well_image(store, small, row="B", column="2", field_index=0, acquisition=0)
    opened = from_hcs_zarr(store)
    mosaic = opened.mosaic(0, fill_value=7)
    # 3 fields at most per well -> a 2x2 grid of 16x24 tiles in each of 2x3 wells.
    assert mosaic.shape == (2, 2 * 2 * 16, 3 * 2 * 24)
    assert mosaic.dtype == np.uint16
    out = mosaic.compute()
    np.testing.assert_array_equal(out[:, 0:16, 0:24], pixels(field(1)))
    np.testing.assert_array_equal(out[:, 0:16, 24:48], pixels(field(2)))
    np.testing.assert_array_equal(out[:, 16:32, 0:24], pixels(field(3)))
    assert (out[:, 16:32, 24:48] == 7).all()  # no 4th field
    assert (out[:, 0:32, 48:96] == 7).all()  # well A/2 is absent
    np.testing.assert_array_equal(out[:, 32:42, 48:60], pixels(small))
    assert (out[:, 32:48, 60:72] == 7).all()  # padding right of the smaller field
    level1 = opened.mosaic(1, acquisition=0)
    assert level1.shape == (2, 2 * 1 * 8, 3 * 2 * 12)  # 2 fields of acquisition 0: 1x2 grid
    np.testing.assert_array_equal(level1[:, 0:8, 12:24].compute(), pixels(field(3), 1))
    with pytest.raises(NgffValueError, match=r"level: expected 0..1 for field A/1/0, got 2"):
        opened.mosaic(2)
    with pytest.raises(MetadataNotFoundError, match="no fields of acquisition 5"):
        opened.mosaic(0, acquisition=5)


def test_validate(tmp_path: Path) -> None:
    store = tmp_path / "p.zarr"
    to_hcs_zarr(plate_2x3(), store)
    write_hcs_well_image(store, field(1), row="A", column="1", field_index=0, acquisition=0)
    assert from_hcs_zarr(store, validate=True).get_well("A", "1").get_image(0).dims == (
        "c",
        "y",
        "x",
    )
    # A well that names an acquisition the plate does not have.
    attrs = json.loads((store / "A" / "1" / ".zattrs").read_text(encoding="utf-8"))
    attrs["well"]["images"][0]["acquisition"] = 99
    (store / "A" / "1" / ".zattrs").write_text(json.dumps(attrs))
    assert from_hcs_zarr(store).get_well("A", "1").images[0].acquisition == 99
    with pytest.raises(
        NgffValidationError, match=r"acquisition 99 is not among the plate's \[0, 7\]"
    ):
        from_hcs_zarr(store, validate=True).get_well("A", "1").images  # noqa: B018
    # A plate whose well path contradicts its indices.
    attrs = json.loads((store / ".zattrs").read_text(encoding="utf-8"))
    attrs["plate"]["wells"][0]["rowIndex"] = 1
    (store / ".zattrs").write_text(json.dumps(attrs))
    with pytest.raises(NgffValidationError, match=r"expected 'B/1' \(row 'B' at rowIndex 1"):
        from_hcs_zarr(store, validate=True)
    # Schema rules are checked by ngff_zarr.validate: an unknown plate version.
    attrs["plate"]["wells"][0]["rowIndex"] = 0
    attrs["plate"]["version"] = "9.9"
    (store / ".zattrs").write_text(json.dumps(attrs))
    assert from_hcs_zarr(store).version == "9.9"
    with pytest.raises(NgffValidationError, match=r"9\.9") as caught:
        from_hcs_zarr(store, validate=True)
    assert caught.value.report is not None


def test_pre_04_plate_without_indices(tmp_path: Path) -> None:
    store = tmp_path / "old.zarr"
    group = zarr.open_group(store, mode="w", zarr_format=2)
    group.attrs["plate"] = {
        "version": "0.3",
        "rows": [{"name": "A"}, {"name": "B"}],
        "columns": [{"name": "1"}, {"name": "2"}],
        "wells": [{"path": "B/2"}],
    }
    plate = from_hcs_zarr(store)
    assert plate.version == "0.3"
    assert plate.get_well_by_indices(1, 1).path == "B/2"


@pytest.mark.parametrize("module", [ngff_zarr.hcs, ngff_zarr.hcs.write, ngff_zarr.hcs.read])
def test_docstring_examples(module: Any) -> None:
    assert doctest.testmod(module).failed == 0


def test_docs_code_blocks_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every python block of docs/hcs.md runs, in order, in one namespace."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "hcs.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in text.split("```python\n")[1:]]
    assert blocks
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    for block in blocks:
        exec(compile(block, "docs/hcs.md", "exec"), namespace)
