"""Stage-then-replace: rewrites that read their own target, what they keep, what they refuse."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
import zarr

from ngff_zarr import (
    NgffValueError,
    Plate,
    ReadError,
    StoreExistsError,
    from_hcs_zarr,
    from_ngff_zarr,
    read_labels,
    read_table,
    to_hcs_zarr,
    to_multiscales,
    to_ngff_image,
    to_ngff_zarr,
    validate,
    write_hcs_well_image,
    write_labels,
    write_table,
)


def _image(value: int = 1, size: int = 64) -> np.ndarray:
    return (np.arange(size * size, dtype="uint16").reshape(size, size) % 1000) + value


def _pyramid(data: np.ndarray):  # type: ignore[no-untyped-def]
    return to_multiscales(to_ngff_image(data), scale_factors=[2], chunks=16)


def _write(path: Path, version: str, value: int = 1) -> np.ndarray:
    data = _image(value)
    to_ngff_zarr(path, _pyramid(data), version=version)
    return data


def _entries(path: Path) -> list[str]:
    return sorted(os.listdir(path))


VERSIONS = pytest.mark.parametrize("version", ["0.4", "0.5"])


# --- finding 1: writing an image back into its own group -----------------------------------


@VERSIONS
def test_rewrite_into_own_local_group_keeps_the_data(tmp_path: Path, version: str) -> None:
    path = tmp_path / "img.zarr"
    data = _write(path, version)
    group = zarr.open_group(path, mode="r+")
    to_ngff_zarr(group, from_ngff_zarr(group), version=version, overwrite=True)
    back = from_ngff_zarr(path)
    np.testing.assert_array_equal(back.images[0].data.compute(), data)
    assert back.images[1].data.compute().min() > 0  # not zeroed
    assert validate(path).valid
    assert _entries(tmp_path) == ["img.zarr"]  # no staging left


@VERSIONS
def test_rewrite_into_own_path_converts_in_place(tmp_path: Path, version: str) -> None:
    path = tmp_path / "img.zarr"
    data = _write(path, version)
    other = "0.5" if version == "0.4" else "0.4"
    to_ngff_zarr(path, from_ngff_zarr(path), version=other, overwrite=True)
    back = from_ngff_zarr(path)
    np.testing.assert_array_equal(back.images[0].data.compute(), data)
    assert (path / ("zarr.json" if other == "0.5" else ".zattrs")).is_file()
    assert validate(path).valid


def test_rewrite_into_own_memory_group_is_refused_and_keeps_the_data() -> None:
    store = zarr.storage.MemoryStore()
    data = _image()
    to_ngff_zarr(store, _pyramid(data), version="0.5")
    source = from_ngff_zarr(store)
    with pytest.raises(NgffValueError, match="written in place"):
        to_ngff_zarr(store, source, version="0.5", overwrite=True)
    np.testing.assert_array_equal(from_ngff_zarr(store).images[0].data.compute(), data)


@VERSIONS
def test_field_rewritten_from_itself_keeps_its_data(tmp_path: Path, version: str) -> None:
    path = tmp_path / "plate.zarr"
    plate = Plate.from_names(["A"], ["1"])
    to_hcs_zarr(plate, path, version=version)  # type: ignore[arg-type]
    data = _image(5)
    write_hcs_well_image(path, _pyramid(data), row="A", column="1", field_index=0)
    field = from_hcs_zarr(path).get_well("A", "1").get_image(0)
    write_hcs_well_image(path, field, row="A", column="1", field_index=0, overwrite=True)
    back = from_hcs_zarr(path).get_well("A", "1").get_image(0)
    np.testing.assert_array_equal(back.images[0].data.compute(), data)
    assert validate(path).valid
    assert not [e for e in _entries(path / "A" / "1") if "ngff-zarr" in e]  # no staging left


def test_memory_field_rewritten_from_itself_is_refused() -> None:
    store = zarr.storage.MemoryStore()
    to_hcs_zarr(Plate.from_names(["A"], ["1"]), store)
    data = _image(5)
    write_hcs_well_image(store, _pyramid(data), row="A", column="1", field_index=0)
    field = from_hcs_zarr(store).get_well("A", "1").get_image(0)
    with pytest.raises(NgffValueError, match="written in place"):
        write_hcs_well_image(store, field, row="A", column="1", field_index=0, overwrite=True)
    back = from_hcs_zarr(store).get_well("A", "1").get_image(0)
    np.testing.assert_array_equal(back.images[0].data.compute(), data)


# --- finding 4: a rewrite keeps labels/, tables/ and other groups ---------------------------


def _add_subgroups(path: Path, zarr_format: int) -> None:
    root = zarr.open_group(path, mode="a", zarr_format=zarr_format)  # type: ignore[arg-type]
    labels = root.create_group("labels")
    labels.attrs["note"] = "labels group"
    tables = root.create_group("tables")
    tables.create_array("cells", shape=(3,), dtype="int32")[:] = [1, 2, 3]
    root.attrs["custom"] = {"kept": True}
    (path / "README.txt").write_text("user notes")


@VERSIONS
def test_rewrite_keeps_subgroups_files_and_custom_attributes(tmp_path: Path, version: str) -> None:
    path = tmp_path / "img.zarr"
    _write(path, version)
    zarr_format = 3 if version == "0.5" else 2
    _add_subgroups(path, zarr_format)
    new = _image(7)
    to_ngff_zarr(path, _pyramid(new), version=version, overwrite=True)
    np.testing.assert_array_equal(from_ngff_zarr(path).images[0].data.compute(), new)
    root = zarr.open_group(path, mode="r")
    assert root["labels"].attrs["note"] == "labels group"
    np.testing.assert_array_equal(root["tables/cells"][:], [1, 2, 3])
    assert root.attrs["custom"] == {"kept": True}
    assert (path / "README.txt").read_text(encoding="utf-8") == "user notes"


@VERSIONS
def test_rewrite_from_itself_keeps_real_labels_and_tables(tmp_path: Path, version: str) -> None:
    """Labels and tables written by this package survive a rewrite that reads its own data."""
    pd = pytest.importorskip("pandas")
    path = tmp_path / "img.zarr"
    data = _write(path, version)
    mask = np.zeros(data.shape, dtype="uint8")
    mask[8:40, 4:20] = 3
    write_labels(path, "cells", mask)
    table = pd.DataFrame({"label": [3], "area": [512.0]})
    write_table(path, "features", table, type="feature_table", region="../labels/cells",
                index_key="label", index_type="int")  # fmt: skip
    before = validate(path)
    assert before.valid, before
    to_ngff_zarr(path, from_ngff_zarr(path), version=version, overwrite=True)
    np.testing.assert_array_equal(from_ngff_zarr(path).images[0].data.compute(), data)
    cells = read_labels(path)["cells"]
    np.testing.assert_array_equal(cells.images[0].data.compute(), mask)
    back = read_table(path, "features")
    assert back["area"].tolist() == [512.0]
    assert validate(path).valid, validate(path)


def test_rewrite_into_another_zarr_format_with_subgroups_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "img.zarr"
    data = _write(path, "0.4")
    _add_subgroups(path, 2)
    before = _entries(path)
    with pytest.raises(StoreExistsError, match=r"holds \['README.txt', 'labels', 'tables'\]"):
        to_ngff_zarr(path, _pyramid(_image(9)), version="0.5", overwrite=True)
    assert _entries(path) == before
    np.testing.assert_array_equal(from_ngff_zarr(path).images[0].data.compute(), data)
    assert _entries(tmp_path) == ["img.zarr"]


def test_rewrite_whose_level_would_replace_a_foreign_entry_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "img.zarr"
    _write(path, "0.5")  # levels "scale0/image" and "scale1/image"
    zarr.open_group(path, mode="a").create_array("scale2", shape=(4,), dtype="uint8")[:] = 9
    three = to_multiscales(to_ngff_image(_image()), scale_factors=[2, 4], chunks=16)
    with pytest.raises(StoreExistsError, match=r"holds \['scale2'\]"):
        to_ngff_zarr(path, three, version="0.5", overwrite=True)
    assert zarr.open_array(path / "scale2", mode="r")[:].tolist() == [9] * 4


# --- overwrite never deletes what is not a Zarr hierarchy ----------------------------------


def test_overwrite_never_replaces_a_directory_that_is_not_zarr(tmp_path: Path) -> None:
    folder = tmp_path / "my-data"
    folder.mkdir()
    (folder / "thesis.tex").write_text("years of work")
    with pytest.raises(StoreExistsError, match="not a Zarr hierarchy"):
        to_ngff_zarr(folder, _pyramid(_image()), version="0.5", overwrite=True)
    assert (folder / "thesis.tex").read_text(encoding="utf-8") == "years of work"
    assert _entries(tmp_path) == ["my-data"]


def test_plate_overwrite_never_replaces_a_directory_that_is_not_zarr(tmp_path: Path) -> None:
    folder = tmp_path / "my-data"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    with pytest.raises(StoreExistsError, match="not a Zarr hierarchy"):
        to_hcs_zarr(Plate.from_names(["A"], ["1"]), folder, overwrite=True)
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_overwrite_through_a_symlink_replaces_the_linked_store(tmp_path: Path) -> None:
    real = tmp_path / "real.zarr"
    _write(real, "0.5", value=1)
    link = tmp_path / "link.zarr"
    link.symlink_to(real)
    new = _image(3)
    to_ngff_zarr(link, _pyramid(new), version="0.5", overwrite=True)
    assert link.is_symlink()
    np.testing.assert_array_equal(from_ngff_zarr(real).images[0].data.compute(), new)


# --- finding 10 (in process): a read never mixes two versions ------------------------------


@VERSIONS
def test_reading_a_replaced_store_raises_instead_of_mixing(tmp_path: Path, version: str) -> None:
    path = tmp_path / "img.zarr"
    _write(path, version, value=1)
    opened = from_ngff_zarr(path)
    first = opened.images[0].data[:8, :8].compute()  # read while it is the opened version
    _write_over(path, version, value=500)
    with pytest.raises(ReadError, match="replaced by another write"):
        opened.images[0].data.compute()
    np.testing.assert_array_equal(first, _image(1)[:8, :8])
    np.testing.assert_array_equal(from_ngff_zarr(path).images[0].data.compute(), _image(500))


def _write_over(path: Path, version: str, value: int) -> None:
    to_ngff_zarr(path, _pyramid(_image(value)), version=version, overwrite=True)


def test_field_metadata_documents_are_whole_json(tmp_path: Path) -> None:
    path = tmp_path / "plate.zarr"
    to_hcs_zarr(Plate.from_names(["A"], ["1"]), path, version="0.4")
    well = json.loads((path / "A" / "1" / ".zattrs").read_text(encoding="utf-8"))
    assert well == {}  # an empty well says so: readers tell it from a missing one
