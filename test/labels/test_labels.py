"""write_labels / read_labels / list_labels on real stores, 0.4 and 0.5."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import dask.array as da
import numpy as np
import pytest
import zarr

import ngff_zarr as nz
from ngff_zarr.errors import (
    InvalidMetadataError,
    NgffValueError,
    NgffWarning,
    StoreExistsError,
    UnsupportedVersionError,
)
from ngff_zarr.methods import _numpy

VERSIONS = ["0.4", "0.5"]


def _image(path: Path, version: str, *, shape=(2, 8, 48, 64), factors=(2, 4)) -> nz.Multiscales:
    data = np.random.default_rng(1).integers(0, 500, shape, dtype=np.uint16)
    image = nz.to_ngff_image(
        data,
        dims=("c", "z", "y", "x"),
        scale={"z": 2.0, "y": 0.5, "x": 0.5},
        translation={"z": 1.0, "y": 3.0, "x": -2.0},
        axes_units={"z": "micrometer", "y": "micrometer", "x": "micrometer"},
    )
    nz.to_ngff_zarr(path, nz.to_multiscales(image, scale_factors=list(factors)), version=version)
    return nz.from_ngff_zarr(path)


def _cells(shape=(8, 48, 64)) -> np.ndarray:
    labels = np.zeros(shape, dtype=np.uint32)
    labels[1:4, 5:20, 7:30] = 3
    labels[2:7, 30:47, 40:63] = 70000
    labels[0, 0, 0] = 9
    return labels


def _attrs(group_path: Path, version: str) -> dict:
    if version == "0.5":
        return json.loads((group_path / "zarr.json").read_text(encoding="utf-8"))["attributes"]
    return json.loads((group_path / ".zattrs").read_text(encoding="utf-8"))


@pytest.mark.parametrize("version", VERSIONS)
def test_round_trip_on_the_image_grid(tmp_path: Path, version: str) -> None:
    path = tmp_path / "img.ome.zarr"
    image = _image(path, version)
    cells = _cells()
    nz.write_labels(
        path,
        "cells",
        cells,
        colors={3: (255, 0, 0), 70000: [0, 0, 255, 128]},
        properties={3: {"class": "nucleus", "area": 1.5}},
    )
    assert nz.list_labels(path) == ["cells"]
    label = nz.read_labels(path)["cells"]
    assert isinstance(label, nz.LabelMultiscales)
    assert label.colors == {3: (255, 0, 0, 255), 70000: (0, 0, 255, 128)}
    assert label.properties == {3: {"class": "nucleus", "area": 1.5}}
    assert label.source == "../../"
    assert label.dims == ("z", "y", "x")
    # every level overlays the image's level: shape, scale and translation
    assert len(label.images) == len(image.images)
    expected = cells
    for level, (ours, theirs) in enumerate(zip(label.images, image.images, strict=True)):
        assert ours.shape == theirs.shape[1:], level
        for d in ("z", "y", "x"):
            assert ours.scale[d] == pytest.approx(theirs.scale[d])
            assert ours.translation[d] == pytest.approx(theirs.translation[d])
        if level:  # the image's levels halve z, y and x
            expected = _numpy.nearest(expected, (2, 2, 2), spatial=(True,) * 3)
        np.testing.assert_array_equal(ours.data.compute(), expected, err_msg=f"level {level}")
    assert label.images[0].dtype == np.uint32
    report = nz.validate(path, strict=True)
    assert report.valid, report.summary()


@pytest.mark.parametrize("version", VERSIONS)
def test_metadata_is_placed_as_the_version_says(tmp_path: Path, version: str) -> None:
    path = tmp_path / "img.ome.zarr"
    _image(path, version)
    nz.write_labels(path, "a", _cells(), colors={3: (1, 2, 3)})
    nz.write_labels(path, "b", _cells())
    labels_attrs = _attrs(path / "labels", version)
    label_attrs = _attrs(path / "labels" / "a", version)
    if version == "0.5":
        assert labels_attrs == {"ome": {"version": "0.5", "labels": ["a", "b"]}}
        ome = label_attrs["ome"]
        assert ome["version"] == "0.5" and "multiscales" in ome
        assert ome["image-label"]["colors"] == [{"label-value": 3, "rgba": [1, 2, 3, 255]}]
        assert ome["image-label"]["source"] == {"image": "../../"}
    else:
        assert labels_attrs == {"labels": ["a", "b"]}
        assert label_attrs["image-label"]["version"] == "0.4"
        assert label_attrs["multiscales"][0]["version"] == "0.4"
    # default colours: one per value present, background transparent
    default = nz.read_labels(path)["b"].colors
    assert sorted(default) == [0, 3, 9, 70000]
    assert default[0] == (0, 0, 0, 0)
    assert len({default[v] for v in (3, 9, 70000)}) == 3


def test_mode_and_multiscales_input(tmp_path: Path) -> None:
    path = tmp_path / "img.ome.zarr"
    _image(path, "0.5")
    cells = _cells()
    nz.write_labels(path, "m", cells, method="mode")
    level1 = nz.read_labels(path)["m"].images[1].data.compute()
    np.testing.assert_array_equal(level1, _numpy.mode(cells, (2, 2, 2), spatial=(True,) * 3))
    # a LabelMultiscales passes through as given, with its colours
    label = nz.read_labels(path)["m"]
    other = tmp_path / "other.ome.zarr"
    _image(other, "0.4")
    nz.write_labels(other, "copy", label)
    copied = nz.read_labels(other)["copy"]
    assert copied.colors == label.colors
    for ours, theirs in zip(copied.images, label.images, strict=True):
        np.testing.assert_array_equal(ours.data.compute(), theirs.data.compute())


def test_bad_labels_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    path = tmp_path / "img.ome.zarr"
    _image(path, "0.5")
    with pytest.raises(NgffValueError, match="integer data type"):
        nz.write_labels(path, "x", np.zeros((8, 48, 64), np.float32))
    with pytest.raises(NgffValueError, match="differs from the image"):
        nz.write_labels(path, "x", np.zeros((8, 48, 60), np.uint8))
    with pytest.raises(NgffValueError, match="expected 3 dims"):
        nz.write_labels(path, "x", np.zeros((48, 64), np.uint8))
    with pytest.raises(NgffValueError, match="label-safe"):
        nz.write_labels(path, "x", np.zeros((8, 48, 64), np.uint8), method="gaussian")
    with pytest.raises(NgffValueError, match="name"):
        nz.write_labels(path, "a/b", np.zeros((8, 48, 64), np.uint8))
    with pytest.raises(NgffValueError, match="colors"):
        nz.write_labels(path, "x", np.zeros((8, 48, 64), np.uint8), colors={1: (300, 0, 0)})
    wrong = nz.to_ngff_image(np.zeros((8, 48, 64), np.uint8), dims=("z", "y", "x"))
    with pytest.raises(NgffValueError, match=r"scale\['z'\]"):
        nz.write_labels(path, "x", wrong)
    assert not (path / "labels").exists()
    assert nz.read_labels(path) == {}


def test_existing_label_is_kept_unless_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "img.ome.zarr"
    _image(path, "0.4")
    first = _cells()
    nz.write_labels(path, "cells", first)
    with pytest.raises(StoreExistsError):
        nz.write_labels(path, "cells", np.zeros_like(first))
    np.testing.assert_array_equal(nz.read_labels(path)["cells"].images[0].data.compute(), first)
    nz.write_labels(path, "cells", np.ones_like(first), overwrite=True)
    assert nz.list_labels(path) == ["cells"]
    assert int(nz.read_labels(path)["cells"].images[0].data.max().compute()) == 1


def test_failed_write_lists_nothing_and_keeps_other_labels(tmp_path: Path) -> None:
    path = tmp_path / "img.ome.zarr"
    _image(path, "0.5")
    nz.write_labels(path, "good", _cells())

    def explode(block: np.ndarray) -> np.ndarray:
        raise RuntimeError("source failed")

    bad = da.zeros((8, 48, 64), dtype=np.uint16, chunks=(4, 48, 64)).map_blocks(
        explode, dtype=np.uint16
    )
    with pytest.raises(RuntimeError, match="source failed"):
        nz.write_labels(path, "bad", bad, colors={1: (1, 1, 1)})
    assert nz.list_labels(path) == ["good"]
    assert not (path / "labels" / "bad").exists()
    assert nz.validate(path, strict=True).valid


def test_concurrent_writers_all_get_listed(tmp_path: Path) -> None:
    path = tmp_path / "img.ome.zarr"
    _image(path, "0.5", shape=(1, 2, 32, 32), factors=(2,))
    errors: list[BaseException] = []

    def write(name: str) -> None:
        try:
            nz.write_labels(path, name, np.zeros((2, 32, 32), np.uint8), colors={0: (0, 0, 0)})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(f"l{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(nz.list_labels(path)) == [f"l{i}" for i in range(6)]


def test_memory_store_and_zarr_group_targets() -> None:
    store = zarr.storage.MemoryStore()
    nz.to_ngff_zarr(store, nz.to_multiscales(np.zeros((32, 32), np.uint8), [2]), version="0.5")
    nz.write_labels(store, "m", np.eye(32, dtype=np.uint8))
    assert nz.list_labels(store) == ["m"]
    group = zarr.open_group(store, mode="r")
    assert nz.read_labels(group)["m"].images[1].shape == (16, 16)
    assert nz.validate(store, strict=True).valid


def test_reading_damaged_listings(tmp_path: Path) -> None:
    path = tmp_path / "img.ome.zarr"
    _image(path, "0.4")
    nz.write_labels(path, "cells", _cells())
    (path / "labels" / ".zattrs").write_text(json.dumps({"labels": ["cells", "gone"]}))
    with pytest.warns(NgffWarning, match="'gone' is listed but its group does not exist"):
        labels = nz.read_labels(path)
    assert list(labels) == ["cells"]
    (path / "labels" / ".zattrs").write_text(json.dumps({"labels": "cells"}))
    with pytest.raises(InvalidMetadataError, match="labels"):
        nz.read_labels(path)
    attrs = json.loads((path / "labels" / "cells" / ".zattrs").read_text(encoding="utf-8"))
    attrs["image-label"]["colors"] = [{"label-value": "x"}]
    (path / "labels" / ".zattrs").write_text(json.dumps({"labels": ["cells"]}))
    (path / "labels" / "cells" / ".zattrs").write_text(json.dumps(attrs))
    with pytest.raises(InvalidMetadataError, match=r"image-label.colors\[0\].label-value"):
        nz.read_labels(path)


def test_old_versions_are_not_written_into(tmp_path: Path) -> None:
    path = tmp_path / "old.ome.zarr"
    _image(path, "0.4")
    attrs = json.loads((path / ".zattrs").read_text(encoding="utf-8"))
    attrs["multiscales"][0]["version"] = "0.3"
    for axis in attrs["multiscales"][0]["axes"]:
        axis.pop("unit", None)
    (path / ".zattrs").write_text(json.dumps(attrs))
    with pytest.raises(UnsupportedVersionError, match="convert it first"):
        nz.write_labels(path, "x", _cells())


@pytest.mark.parametrize(("source", "target"), [("0.4", "0.5"), ("0.5", "0.4")])
def test_conversion_keeps_labels_and_tables(tmp_path: Path, source: str, target: str) -> None:
    pd = pytest.importorskip("pandas")
    from ngff_zarr.convert import ConversionOptions, convert_store

    path = tmp_path / "in.ome.zarr"
    _image(path, source)
    nz.write_labels(path, "cells", _cells(), properties={3: {"k": "v"}})
    table = nz.build_masking_roi_table(path, "cells", name="cells_ROI_table")
    nz.write_table(path, "notes", pd.DataFrame({"a": [1, 2]}), backend="csv")
    out = tmp_path / "out.ome.zarr"
    convert_store(path, out, options=ConversionOptions(version=target))
    before, after = nz.read_labels(path)["cells"], nz.read_labels(out)["cells"]
    assert after.properties == before.properties and after.colors == before.colors
    for a, b in zip(after.images, before.images, strict=True):
        np.testing.assert_array_equal(a.data.compute(), b.data.compute())
    pd.testing.assert_frame_equal(nz.read_table(out, "cells_ROI_table"), table)
    assert nz.read_table_metadata(out, "notes").backend == "csv"
    report = nz.validate(out, strict=True)
    assert report.valid and report.version == target, report.summary()


def test_cli_info_lists_labels_and_tables_and_convert_keeps_them(tmp_path: Path) -> None:
    pytest.importorskip("pandas")
    from ngff_zarr.cli import main

    path = tmp_path / "in.ome.zarr"
    _image(path, "0.4")
    nz.write_labels(path, "cells", _cells())
    nz.build_masking_roi_table(path, "cells", name="cells_ROI_table")
    out = tmp_path / "out.ome.zarr"
    assert main(["convert", str(path), str(out), "--version", "0.5", "--no-progress"]) == 0
    from ngff_zarr.cli.info import summary

    text = summary(str(out))
    assert "labels: cells" in text and "3 levels" in text
    assert "cells_ROI_table: masking_roi_table (anndata), region ../labels/cells" in text


@pytest.mark.parametrize("version", VERSIONS)
def test_readers_of_consolidated_metadata_see_labels_written_later(
    tmp_path: Path, version: str
) -> None:
    path = tmp_path / "img.ome.zarr"
    _image(path, version)  # consolidated metadata is written with the image
    nz.write_labels(path, "cells", _cells())
    nz.derive_label(path, "empty", dtype="uint16")
    # zarr-python reads the hierarchy from the consolidated metadata alone
    group = zarr.open_consolidated(str(path), zarr_format=3 if version == "0.5" else 2)
    listed = group["labels"].attrs.asdict()
    names = (listed["ome"] if version == "0.5" else listed)["labels"]
    assert sorted(names) == ["cells", "empty"]
    for name, dtype in (("cells", np.uint32), ("empty", np.uint16)):
        label = group[f"labels/{name}"]
        attrs = label.attrs.asdict()
        assert "image-label" in (attrs["ome"] if version == "0.5" else attrs)
        shapes = [label[str(i)].shape for i in range(3)]
        assert shapes == [(8, 48, 64), (4, 24, 32), (2, 12, 16)]  # factors 2 and 4
        assert label["0"].dtype == dtype
    np.testing.assert_array_equal(group["labels/cells/0"][...], _cells())
