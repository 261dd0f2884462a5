"""Plates written in bulk (HCSPlateWriter.write_well_images) and fields read lazily."""

from __future__ import annotations

import doctest
import json
import pickle
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from zarr.storage import LocalStore

import ngff_zarr.hcs.bulk
import ngff_zarr.hcs.cache
import ngff_zarr.hcs.fields
import ngff_zarr.hcs.plate_writer
from ngff_zarr import (
    HCSPlateWriter,
    InvalidMetadataError,
    MetadataNotFoundError,
    Multiscales,
    NgffValueError,
    Plate,
    PlateAcquisition,
    StoreExistsError,
    from_hcs_zarr,
    from_ngff_zarr,
    to_hcs_zarr,
    write_hcs_well_image,
)
from ngff_zarr._io.documents import read_raw
from ngff_zarr.hcs.fields import LazyField
from ngff_zarr.to_multiscales import to_multiscales
from ngff_zarr.to_ngff_image import to_ngff_image

VERSIONS = ["0.4", "0.5"]
ROWS, COLUMNS = ["A", "B", "C"], ["1", "2", "3", "4"]


def _data(value: int) -> np.ndarray:
    return (np.arange(2 * 32 * 24, dtype="uint16").reshape(2, 32, 24) % 251) + 7 * value


def field(value: int) -> Multiscales:
    return to_multiscales(to_ngff_image(_data(value), dims=("c", "y", "x")), scale_factors=[2])


def plate() -> Plate:
    return Plate.from_names(
        ROWS,
        COLUMNS,
        acquisitions=[PlateAcquisition(id=0, name="first")],
        field_count=2,
        name="bulk",
    )


def images() -> dict[tuple[str, str, int], Multiscales]:
    keys = [(r, c, f) for r in ROWS for c in COLUMNS for f in range(2)]
    return {key: field(i) for i, key in enumerate(keys)}


def _documents(root: Path) -> dict[str, Any]:
    """Every metadata document under ``root`` (by relative path), parsed."""
    names = {".zattrs", ".zgroup", ".zarray", "zarr.json", ".zmetadata"}
    return {
        str(p.relative_to(root)): json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(root.rglob("*"))
        if p.name in names
    }


@pytest.mark.parametrize("version", VERSIONS)
def test_bulk_write_reads_back_as_a_field_by_field_write(tmp_path: Path, version: str) -> None:
    bulk, single = tmp_path / "bulk.ome.zarr", tmp_path / "single.ome.zarr"
    fields = images()
    with HCSPlateWriter(bulk, plate(), version=version) as writer:  # type: ignore[arg-type]
        writer.write_well_images(fields, max_workers=3)
    to_hcs_zarr(plate(), single, version=version)  # type: ignore[arg-type]
    for (row, column, index), multiscales in fields.items():
        write_hcs_well_image(
            single,
            multiscales,
            plate(),
            row,
            column,
            index,
            version=version,  # type: ignore[arg-type]
        )
    # the same documents (plate, wells, fields, arrays) and the same pixels, file for file
    assert _documents(bulk) == _documents(single)
    opened = from_hcs_zarr(bulk)
    for (row, column, index), multiscales in fields.items():
        well = opened.get_well(row, column)
        assert well is not None
        assert [i.path for i in well.images] == ["0", "1"]
        got = well.get_image(index)
        assert got is not None
        for level in (0, 1):
            np.testing.assert_array_equal(
                np.asarray(got.images[level].data), np.asarray(multiscales.images[level].data)
            )
    assert opened.metadata == from_hcs_zarr(single).metadata


def test_fields_of_one_well_from_several_calls_and_threads(tmp_path: Path) -> None:
    path = tmp_path / "plate.ome.zarr"
    with HCSPlateWriter(path, plate()) as writer:
        writer.write_well_image(field(1), "A", "1", field_index=1)
        writer.write_well_images({("A", "1", 0): field(0), ("B", "2", 3): field(3)})
        # no well lists its fields until the block ends: each well's document is written once
        document = json.loads((path / "A" / "1" / ".zattrs").read_text(encoding="utf-8"))
        assert "well" not in document
    opened = from_hcs_zarr(path)
    assert [i.path for i in opened.get_well("A", "1").images] == ["0", "1"]  # type: ignore[union-attr]
    assert [i.path for i in opened.get_well("B", "2").images] == ["3"]  # type: ignore[union-attr]


def test_a_field_written_twice_needs_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "plate.ome.zarr"
    with HCSPlateWriter(path, plate()) as writer:
        writer.write_well_images({("A", "1", 0): field(0)})
        with pytest.raises(StoreExistsError, match=r"already has a field with path '0'"):
            writer.write_well_images({("A", "1", 0): field(5)})
        writer.write_well_images({("A", "1", 0): field(5)}, overwrite=True)
    got = from_hcs_zarr(path).get_well("A", "1").get_image(0)  # type: ignore[union-attr]
    np.testing.assert_array_equal(np.asarray(got.images[0].data), _data(5))  # type: ignore[union-attr]


def test_bad_fields_and_use_outside_the_block(tmp_path: Path) -> None:
    path = tmp_path / "plate.ome.zarr"
    writer = HCSPlateWriter(path, plate())
    with pytest.raises(NgffValueError, match="inside the with block"):
        writer.write_well_images({("A", "1", 0): field(0)})
    with writer:
        with pytest.raises(NgffValueError, match="Row 'Z' not found"):
            writer.write_well_images({("A", "1", 0): field(0), ("Z", "1", 0): field(1)})
        with pytest.raises(NgffValueError, match="acquisition_id"):
            writer.write_well_images({("B", "1", 0): field(0)}, acquisition_id=9)
        with pytest.raises(NgffValueError, match="max_workers"):
            writer.write_well_images({("B", "1", 0): field(0)}, max_workers=0)
    # what was written before the error is listed; nothing of the refused fields
    opened = from_hcs_zarr(path)
    assert [i.path for i in opened.get_well("B", "1").images] == []  # type: ignore[union-attr]
    assert not (path / "Z").exists()


def test_fields_written_before_the_block_raised_are_listed(tmp_path: Path) -> None:
    path = tmp_path / "plate.ome.zarr"
    written = {("A", "1", 0): field(0), ("A", "2", 0): field(1)}

    def interrupted() -> None:
        with HCSPlateWriter(path, plate()) as writer:
            writer.write_well_images(written)
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        interrupted()
    opened = from_hcs_zarr(path)
    assert [i.path for i in opened.get_well("A", "2").images] == ["0"]  # type: ignore[union-attr]


def test_other_writers_of_the_plate_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "plate.ome.zarr"
    with HCSPlateWriter(path, plate()) as writer:
        writer.write_well_images({("A", "1", 0): field(0)})
        # another writer (here: this process, field by field) adds a field to the same well
        write_hcs_well_image(path, field(9), plate(), "A", "1", field_index=4)
    opened = from_hcs_zarr(path)
    assert [i.path for i in opened.get_well("A", "1").images] == ["0", "4"]  # type: ignore[union-attr]


def test_bulk_into_a_zipped_plate(tmp_path: Path) -> None:
    path = tmp_path / "plate.ozx"
    fields = images()
    with HCSPlateWriter(path, plate(), version="0.5") as writer:
        writer.write_well_images(fields)
    opened = from_hcs_zarr(path)
    got = opened.get_well("C", "4").get_image(1)  # type: ignore[union-attr]
    np.testing.assert_array_equal(
        np.asarray(got.images[0].data),
        np.asarray(fields[("C", "4", 1)].images[0].data),  # type: ignore[union-attr]
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_bulk_plate_opens_in_ome_zarr_py(tmp_path: Path, version: str) -> None:
    from ome_zarr.io import parse_url
    from ome_zarr.reader import Reader

    path = tmp_path / "plate.ome.zarr"
    fields = images()
    with HCSPlateWriter(path, plate(), version=version) as writer:  # type: ignore[arg-type]
        writer.write_well_images(fields)
    location = parse_url(str(path / "B" / "3" / "1"))
    assert location is not None
    node = next(iter(Reader(location)()))
    expected = _data(list(fields).index(("B", "3", 1)))
    np.testing.assert_array_equal(np.asarray(node.data[0]), expected)
    well = parse_url(str(path / "B" / "3"))
    assert well is not None
    assert [i["path"] for i in well.root_attrs["well"]["images"]] == ["0", "1"]


def test_bulk_plate_opens_in_ngio(tmp_path: Path) -> None:
    ngio = pytest.importorskip("ngio")
    path = tmp_path / "plate.ome.zarr"
    fields = images()
    with HCSPlateWriter(path, plate(), version="0.4") as writer:
        writer.write_well_images(fields)
    opened = ngio.open_ome_zarr_plate(str(path), mode="r")
    assert len(opened.get_images()) == len(fields)
    image = opened.get_image("C", "2", "1").get_image()
    np.testing.assert_array_equal(
        np.asarray(image.get_as_numpy()), _data(list(fields).index(("C", "2", 1)))
    )


def test_fields_are_read_lazily_and_equal_the_field_read_directly(tmp_path: Path) -> None:
    path = tmp_path / "plate.ome.zarr"
    with HCSPlateWriter(path, plate()) as writer:
        writer.write_well_images({("A", "1", 0): field(0), ("A", "1", 1): field(1)})
    well = from_hcs_zarr(path).get_well("A", "1")
    assert well is not None
    lazy = well.get_image(1)
    assert isinstance(lazy, LazyField) and isinstance(lazy, Multiscales)
    assert not lazy.is_read and repr(lazy) == "LazyField(path='A/1/1', not read)"
    direct = from_ngff_zarr(path / "A" / "1" / "1")
    assert lazy.metadata == direct.metadata
    assert lazy.is_read and lazy.dims == ("c", "y", "x")
    assert [im.shape for im in lazy.images] == [im.shape for im in direct.images]
    plain = lazy.as_multiscales()
    assert type(plain) is Multiscales and lazy == plain and plain == lazy
    copied = pickle.loads(pickle.dumps(lazy))
    assert type(copied) is Multiscales and copied.metadata == direct.metadata
    np.testing.assert_array_equal(np.asarray(lazy.images[0].data), _data(1))
    # validate=True reads every field in full when it is asked for
    checked = from_hcs_zarr(path, validate=True).get_well("A", "1").get_image(0)  # type: ignore[union-attr]
    assert type(checked) is Multiscales


def test_a_lazy_field_raises_its_arrays_errors_when_used(tmp_path: Path) -> None:
    path = tmp_path / "plate.ome.zarr"
    with HCSPlateWriter(path, plate()) as writer:
        writer.write_well_images({("A", "1", 0): field(0)})
    shutil.rmtree(path / "A" / "1" / "0" / "scale1")
    (path / "A" / "1" / "0" / ".zmetadata").unlink()
    lazy = from_hcs_zarr(path).get_well("A", "1").get_image(0)  # type: ignore[union-attr]
    assert lazy is not None
    with pytest.raises(FileNotFoundError, match="scale1"):
        _ = lazy.images
    # a field whose group is gone fails at once, as before
    shutil.rmtree(path / "A" / "1" / "0")
    with pytest.raises(FileNotFoundError, match="no image group here"):
        from_hcs_zarr(path).get_well("A", "1").get_image(0)  # type: ignore[union-attr]


def _copied_plate(path: Path, rows: int, columns: int, fields: int) -> list[str]:
    """A plate whose fields are copies of one written field (as the benchmark prepares one)."""
    names = [chr(ord("A") + r) for r in range(rows)], [str(c + 1) for c in range(columns)]
    big = Plate.from_names(*names, field_count=fields)
    to_hcs_zarr(big, path)
    with HCSPlateWriter(path, big) as writer:
        writer.write_well_image(field(3), "A", "1", field_index=0)
    template = path / "A" / "1" / "0"
    well_doc = {"well": {"images": [{"path": str(i)} for i in range(fields)], "version": "0.4"}}
    for well in big.wells:
        (path / well.path / ".zattrs").write_text(json.dumps(well_doc), encoding="utf-8")
        for index in range(fields):
            if not (path / well.path / str(index)).exists():
                shutil.copytree(template, path / well.path / str(index))
    return [w.path for w in big.wells]


def test_listing_a_whole_plate_reads_field_documents_in_batches(tmp_path: Path) -> None:
    path = tmp_path / "plate.ome.zarr"
    wells = _copied_plate(path, 8, 12, 3)  # 288 field documents: read on threads
    (path / "H" / "12" / "2" / ".zattrs").write_text("{not json", encoding="utf-8")
    opened = from_hcs_zarr(path)
    listed = []
    for well in opened.load_wells():
        for index in range(len(well.images)):
            if well.path == "H/12" and index == 2:
                with pytest.raises(InvalidMetadataError, match=r"H/12/2/\.zattrs: malformed"):
                    well.get_image(index)
                continue
            got = well.get_image(index)
            assert isinstance(got, LazyField) and not got.is_read
            listed.append((well.path, index))
    assert listed == [(w, i) for w in wells for i in range(3)][:-1]
    # the pixels of a copied field are the template's
    got = opened.get_well("G", "7").get_image(1)  # type: ignore[union-attr]
    np.testing.assert_array_equal(np.asarray(got.images[0].data), _data(3))  # type: ignore[union-attr]
    # a field whose document is missing is read in full, and its error raised, at once
    shutil.rmtree(path / "B" / "2" / "1")
    again = from_hcs_zarr(path).load_wells()
    with pytest.raises(MetadataNotFoundError, match="no image group here"):
        again[13].get_image(1)


def test_many_local_documents_read_on_threads_as_one_by_one(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    keys = [f"g{i}/doc.json" for i in range(700)]
    for i, key in enumerate(keys[:650]):
        (tmp_path / key).parent.mkdir()
        (tmp_path / key).write_bytes(f'{{"i": {i}}}'.encode())
    keys += ["../outside.json", keys[3]]  # a key that climbs out is never read; repeats
    together = read_raw(store, keys)
    assert together == {key: read_raw(store, [key])[key] for key in keys}
    assert together[keys[649]] == b'{"i": 649}' and together[keys[650]] is None
    assert together["../outside.json"] is None


@pytest.mark.parametrize(
    "module",
    [ngff_zarr.hcs.bulk, ngff_zarr.hcs.cache, ngff_zarr.hcs.fields, ngff_zarr.hcs.plate_writer],
)
def test_docstring_examples(module: Any) -> None:
    assert doctest.testmod(module).failed == 0


def test_a_lazy_field_asked_for_by_many_threads_at_once_is_read_once(tmp_path: Path) -> None:
    # A listed field holds no lock of its own; the one made when it is first read makes every
    # thread see the same field, read once.
    path = tmp_path / "plate.ome.zarr"
    with HCSPlateWriter(path, plate()) as writer:
        writer.write_well_images({("A", "1", 0): field(0)})
    for _ in range(5):
        lazy = from_hcs_zarr(path).get_well("A", "1").get_image(0)  # type: ignore[union-attr]
        assert isinstance(lazy, LazyField) and not lazy.is_read
        barrier = threading.Barrier(8)

        def images(lazy: LazyField = lazy, barrier: threading.Barrier = barrier) -> object:
            barrier.wait()
            return lazy.images

        with ThreadPoolExecutor(max_workers=8) as pool:
            seen = list(pool.map(lambda _: images(), range(8)))
        assert all(s is seen[0] for s in seen)  # one read: one list of images for all
        np.testing.assert_array_equal(np.asarray(lazy.images[0].data), _data(0))
