"""Tables: one contract test class, run against every backend; metadata rules; validation."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import ngff_zarr as nz
from ngff_zarr.errors import (
    InvalidMetadataError,
    MetadataNotFoundError,
    NgffValueError,
    StoreExistsError,
)
from ngff_zarr.tables import ROI_COLUMNS, TableMetadata, check_table_attributes

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")


def _image(path: Path, version: str) -> None:
    image = nz.to_ngff_image(np.zeros((4, 32, 32), np.uint16), dims=("z", "y", "x"))
    nz.to_ngff_zarr(path, nz.to_multiscales(image, [2]), version=version)
    labels = np.zeros((4, 32, 32), np.uint16)
    labels[1:3, 2:9, 4:20] = 5
    nz.write_labels(path, "nuclei", labels)


def _roi_table(index: list, name: str) -> pd.DataFrame:
    values = np.arange(len(index) * 6, dtype=np.float64).reshape(len(index), 6) / 4
    return pd.DataFrame(values, columns=list(ROI_COLUMNS), index=pd.Index(index, name=name))


class TableBackendContract:
    """What every backend must do; subclassed once per backend."""

    backend: str
    version: str  # the image's version (Zarr v2 or v3)

    @pytest.fixture
    def store(self, tmp_path: Path) -> Path:
        path = tmp_path / "img.ome.zarr"
        _image(path, self.version)
        return path

    def test_readers_of_consolidated_metadata_see_the_table(self, store: Path) -> None:
        import zarr

        nz.write_table(store, "rois", _roi_table([0, 1, 2], "FieldIndex"), type="roi_table",
                       backend=self.backend)  # fmt: skip
        fmt = 3 if self.version == "0.5" else 2
        listed = zarr.open_group(str(store), mode="r", use_consolidated=False, zarr_format=fmt)
        consolidated = zarr.open_consolidated(str(store), zarr_format=fmt)
        members = dict(listed["tables"].members(max_depth=None))
        assert "rois" in members
        seen = dict(consolidated["tables"].members(max_depth=None))
        assert sorted(seen) == sorted(members)
        for key, node in members.items():
            assert seen[key].attrs.asdict() == node.attrs.asdict(), key
            if isinstance(node, zarr.Array):
                np.testing.assert_array_equal(seen[key][...], node[...])

    def test_masking_roi_table(self, store: Path) -> None:
        table = _roi_table([5, 12], "label")
        nz.write_table(store, "m", table, type="masking_roi_table", region="nuclei",
                       backend=self.backend)  # fmt: skip
        back = nz.read_table(store, "m")
        pd.testing.assert_frame_equal(back, table, check_dtype=False)
        assert back.index.dtype == np.int64
        meta = nz.read_table_metadata(store, "m")
        assert (meta.type, meta.backend, meta.region) == (
            "masking_roi_table", self.backend, "../labels/nuclei",
        )  # fmt: skip
        assert (meta.index_key, meta.index_type, meta.instance_key) == ("label", "int", "label")

    def test_roi_table_indexed_by_name(self, store: Path) -> None:
        table = _roi_table(["FOV_1", "FOV_2", "well"], "FieldIndex")
        nz.write_table(store, "fov", table, type="roi_table", backend=self.backend)
        back = nz.read_table(store, "fov")
        assert back.index.tolist() == ["FOV_1", "FOV_2", "well"]
        assert back.index.name == "FieldIndex"
        np.testing.assert_allclose(back[list(ROI_COLUMNS)].to_numpy(), table.to_numpy())

    def test_feature_table_keeps_every_column_kind(self, store: Path) -> None:
        table = pd.DataFrame(
            {"area": [1.5, 2.25, 3.0], "count": [1, 2, 3], "kind": ["a", "b", "c"],
             "flag": [True, False, True]},
            index=pd.Index([5, 7, 9], name="label"),
        )  # fmt: skip
        nz.write_table(store, "f", table, type="feature_table", region="nuclei",
                       backend=self.backend)  # fmt: skip
        back = nz.read_table(store, "f")
        assert back.index.tolist() == [5, 7, 9]
        pd.testing.assert_frame_equal(back[table.columns], table, check_dtype=False)
        assert nz.read_table_metadata(store, "f").extra["measurement_columns"] == []

    def test_condition_and_generic_tables(self, store: Path) -> None:
        conditions = pd.DataFrame({"drug": ["x", "y"], "dose": [0.5, 1.0]})
        nz.write_table(store, "c", conditions, type="condition_table", backend=self.backend)
        nz.write_table(store, "g", pd.DataFrame({"n": [3, 4]}), backend=self.backend)
        back = nz.read_table(store, "c")
        assert back["drug"].tolist() == ["x", "y"] and back["dose"].tolist() == [0.5, 1.0]
        assert nz.read_table(store, "g")["n"].tolist() == [3, 4]
        assert nz.read_table_metadata(store, "g").type is None
        assert nz.list_tables(store, type="condition_table") == ["c"]
        assert nz.list_tables(store, type="generic_table") == ["g"]

    def test_existing_table_and_overwrite(self, store: Path) -> None:
        nz.write_table(store, "g", pd.DataFrame({"n": [1]}), backend=self.backend)
        with pytest.raises(StoreExistsError):
            nz.write_table(store, "g", pd.DataFrame({"n": [2]}), backend=self.backend)
        assert nz.read_table(store, "g")["n"].tolist() == [1]
        nz.write_table(store, "g", pd.DataFrame({"m": [2.5]}), backend="anndata", overwrite=True)
        assert nz.read_table(store, "g").columns.tolist() == ["m"]
        assert nz.list_tables(store) == ["g"]
        assert nz.validate(store, strict=True).valid

    def test_written_tables_validate(self, store: Path) -> None:
        nz.write_table(store, "m", _roi_table([5], "label"), type="masking_roi_table",
                       region="nuclei", backend=self.backend)  # fmt: skip
        report = nz.validate(store, strict=True)
        assert report.valid, report.summary()


class TestAnnDataZarr2(TableBackendContract):
    backend, version = "anndata", "0.4"


class TestAnnDataZarr3(TableBackendContract):
    backend, version = "anndata", "0.5"


class TestParquet(TableBackendContract):
    backend, version = "parquet", "0.5"


class TestCsv(TableBackendContract):
    backend, version = "csv", "0.4"


class TestJson(TableBackendContract):
    backend, version = "json", "0.5"


def test_anndata_categorical_and_nullable_columns(tmp_path: Path) -> None:
    path = tmp_path / "img.ome.zarr"
    _image(path, "0.5")
    table = pd.DataFrame(
        {
            "cls": pd.Categorical(["a", "b", "a"]),
            "n": pd.array([1, None, 3], dtype="Int64"),
            "ok": pd.array([True, None, False], dtype="boolean"),
        }
    )
    nz.write_table(path, "t", table)
    back = nz.read_table(path, "t")
    pd.testing.assert_frame_equal(back.reset_index(drop=True), table)
    with pytest.raises(NgffValueError, match="column 'bad'"):
        nz.write_table(path, "u", pd.DataFrame({"bad": ["x", None]}))


def test_bad_arguments(tmp_path: Path) -> None:
    path = tmp_path / "img.ome.zarr"
    _image(path, "0.4")
    table = _roi_table([1], "label")
    with pytest.raises(NgffValueError, match="backend: expected one of"):
        nz.write_table(path, "t", table, backend="xlsx")
    with pytest.raises(NgffValueError, match="region"):
        nz.write_table(path, "t", table, type="masking_roi_table")
    with pytest.raises(NgffValueError, match="names no group"):
        nz.write_table(path, "t", table, type="masking_roi_table", region="cells")
    with pytest.raises(NgffValueError, match="missing"):
        nz.write_table(path, "t", table.drop(columns="x_micrometer"), type="roi_table")
    with pytest.raises(NgffValueError, match="DataFrame"):
        nz.write_table(path, "t", {"a": [1]})  # type: ignore[arg-type]
    with pytest.raises(MetadataNotFoundError, match="no table 'nope'"):
        nz.read_table(path, "nope")
    assert nz.list_tables(path) == []


def test_metadata_rules_and_validation_findings(tmp_path: Path) -> None:
    assert (
        TableMetadata.from_attributes(
            {"type": "roi_table", "fractal_table_version": "1", "encoding-type": "anndata"}
        ).backend
        == "anndata"
    )  # a Fractal table from before ngio
    issues = check_table_attributes({"backend": "anndata", "type": "blob", "table_version": "2"})
    assert {(i.code, i.field, i.error) for i in issues} == {
        ("NGFF702", "type", False),
        ("NGFF703", "table_version", True),
    }
    path = tmp_path / "img.ome.zarr"
    _image(path, "0.4")
    nz.write_table(path, "m", _roi_table([5], "label"), type="masking_roi_table", region="nuclei")
    attrs_path = path / "tables" / "m" / ".zattrs"
    attrs = json.loads(attrs_path.read_text(encoding="utf-8"))
    attrs["region"] = {"path": "../labels/gone"}
    attrs_path.write_text(json.dumps(attrs))
    (path / "tables" / ".zattrs").write_text(json.dumps({"tables": ["m", "missing"]}))
    report = nz.validate(path)
    assert {"NGFF701", "NGFF704"} <= set(report.codes), report.summary()
    del attrs["region"]
    attrs_path.write_text(json.dumps(attrs))
    assert "NGFF703" in nz.validate(path).codes
    with pytest.raises(InvalidMetadataError, match="region"):
        nz.read_table(path, "m")
