"""Labels, ROI and feature tables against independent implementations: ngio, ome-zarr-py,
ome-zarr-models (test-only dependencies)."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import zarr

import ngff_zarr as nz

pd = pytest.importorskip("pandas")
VERSIONS = ["0.4", "0.5"]


def _cells(shape: tuple[int, ...]) -> np.ndarray:
    labels = np.zeros(shape, np.uint32)
    labels[1:4, 5:20, 7:30] = 3
    labels[2:7, 30:50, 40:60] = 7
    labels[0, 60:64, 0:5] = 12
    return labels


@pytest.fixture
def ngio():  # type: ignore[no-untyped-def]
    module = pytest.importorskip("ngio")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield module


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("backend", ["anndata", "parquet"])
def test_we_read_what_ngio_writes(tmp_path: Path, version: str, backend: str, ngio) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "ngio.zarr"
    image = np.random.default_rng(0).integers(0, 1000, (2, 8, 64, 64), dtype=np.uint16)
    container = ngio.create_ome_zarr_from_array(
        str(path), image, pixelsize=0.5, z_spacing=2.0, levels=3, axes_names="czyx",
        ngff_version=version, overwrite=True,
    )  # fmt: skip
    label = container.derive_label("nuclei")
    cells = _cells((8, 64, 64))
    label.set_array(cells)
    label.consolidate()
    masking = container.build_masking_roi_table("nuclei")
    container.add_table("nuclei_ROI_table", masking, backend=backend)
    rois = container.build_image_roi_table("whole")
    rois.add(
        ngio.Roi.from_values({"x": (1.0, 10.0), "y": (2.0, 5.0), "z": (0.0, 4.0)}, name="FOV_2")
    )
    container.add_table("FOV_ROI_table", rois, backend=backend)
    features = pd.DataFrame(
        {"label": [3, 7, 12], "area": [1.5, 2.5, 0.25], "kind": ["a", "b", "c"], "n": [1, 2, 3]}
    )
    container.add_table(
        "regionprops", ngio.FeatureTable(features, reference_label="nuclei"), backend=backend
    )
    reopened = ngio.open_ome_zarr_container(str(path))
    assert nz.list_labels(path) == ["nuclei"]
    ours = nz.read_labels(path)["nuclei"]
    theirs = reopened.get_label("nuclei")
    np.testing.assert_array_equal(ours.images[0].data.compute(), cells)
    for level, level_path in enumerate(reopened.get_label("nuclei").meta.paths):
        np.testing.assert_array_equal(
            ours.images[level].data.compute(),
            reopened.get_label("nuclei", path=level_path).get_as_numpy(),
        )
    assert ours.images[0].scale == {"z": 2.0, "y": 0.5, "x": 0.5}
    assert theirs.shape == ours.images[0].shape
    assert sorted(nz.list_tables(path)) == sorted(reopened.list_tables())
    for name in reopened.list_tables():
        expected = reopened.get_table(name).dataframe
        got = nz.read_table(path, name)
        assert got.index.name == expected.index.name
        assert got.index.tolist() == expected.index.tolist()
        pd.testing.assert_frame_equal(got[expected.columns], expected, check_dtype=False)
    # our streamed masking ROI table equals ngio's, and so do the masked pixels
    pd.testing.assert_frame_equal(
        nz.build_masking_roi_table(path, "nuclei"), nz.read_table(path, "nuclei_ROI_table")
    )
    masked = reopened.get_masked_image("nuclei")
    for region in nz.iter_masked(path, "nuclei", table="nuclei_ROI_table"):
        np.testing.assert_array_equal(region.data, masked.get_roi_masked(region.label))


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("backend", ["anndata", "csv", "json"])
def test_ngio_reads_what_we_write(tmp_path: Path, version: str, backend: str, ngio) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "ours.ome.zarr"
    data = np.random.default_rng(1).integers(0, 1000, (2, 8, 64, 64), dtype=np.uint16)
    image = nz.to_ngff_image(
        data, dims=("c", "z", "y", "x"), scale={"z": 2.0, "y": 0.5, "x": 0.5},
        axes_units=dict.fromkeys("zyx", "micrometer"),
    )  # fmt: skip
    nz.to_ngff_zarr(path, nz.to_multiscales(image, [{"y": 2, "x": 2}]), version=version)
    cells = _cells((8, 64, 64))
    nz.write_labels(path, "nuclei", cells, properties={3: {"class": "x"}})
    table = nz.build_masking_roi_table(path, "nuclei", name="nuclei_ROI_table", backend=backend)
    features = pd.DataFrame(
        {"area": [1.5, 2.5, 0.25], "kind": ["a", "b", "c"], "n": [1, 2, 3]},
        index=pd.Index([3, 7, 12], name="label"),
    )
    nz.write_table(path, "regionprops", features, type="feature_table", region="nuclei",
                   backend=backend)  # fmt: skip
    fov_roi = nz.ROI(
        start={"z": 0.0, "y": 1.0, "x": 2.0}, size={"z": 16.0, "y": 4.0, "x": 3.0}, name="fov"
    )
    rois = nz.table_from_rois([fov_roi])
    nz.write_table(path, "FOV_ROI_table", rois, type="roi_table", backend=backend)

    container = ngio.open_ome_zarr_container(str(path))
    assert container.list_labels() == ["nuclei"]
    np.testing.assert_array_equal(container.get_label("nuclei").get_as_numpy(), cells)
    np.testing.assert_array_equal(container.get_image().get_as_numpy(), data)
    assert sorted(container.list_tables()) == sorted(nz.list_tables(path))
    masking = container.get_masking_roi_table("nuclei_ROI_table")
    pd.testing.assert_frame_equal(masking.dataframe, table, check_dtype=False)
    assert masking.reference_label == "nuclei"
    feature = container.get_feature_table("regionprops").dataframe
    pd.testing.assert_frame_equal(feature[features.columns], features, check_dtype=False)
    fov = container.get_roi_table("FOV_ROI_table").get("fov")
    np.testing.assert_array_equal(container.get_image().get_roi(fov), nz.read_roi(path, fov_roi))
    assert nz.read_roi(path, fov_roi).shape == (2, 8, 8, 6)
    masked = container.get_masked_image("nuclei", masking_table_name="nuclei_ROI_table")
    for region in nz.iter_masked(path, "nuclei"):
        np.testing.assert_array_equal(masked.get_roi_masked(region.label), region.data)


@pytest.mark.parametrize("version", VERSIONS)
def test_ome_zarr_py_and_ome_zarr_models_read_our_labels(tmp_path: Path, version: str) -> None:
    pytest.importorskip("ome_zarr")
    from ome_zarr.io import parse_url
    from ome_zarr.reader import Reader

    path = tmp_path / "ours.ome.zarr"
    image = nz.to_ngff_image(np.zeros((2, 32, 48), np.uint16), dims=("c", "y", "x"))
    nz.to_ngff_zarr(path, nz.to_multiscales(image, [2, 4]), version=version)
    labels = np.zeros((32, 48), np.uint16)
    labels[2:9, 3:30] = 4
    labels[20:30, 1:5] = 9
    nz.write_labels(path, "cells", labels, colors={4: (10, 20, 30), 9: (0, 0, 255, 128)},
                    properties={4: {"class": "a", "size": 3}})  # fmt: skip
    nodes = list(Reader(parse_url(str(path / "labels" / "cells")))())
    node = next(n for n in nodes if "color" in n.metadata)
    assert node.metadata["color"] == {
        4: [10 / 255, 20 / 255, 30 / 255, 1.0],
        9: [0.0, 0.0, 1.0, 128 / 255],
    }
    assert node.metadata["properties"] == {4: {"class": "a", "size": 3}, 9: {}}
    np.testing.assert_array_equal(np.asarray(node.data[0]), labels)
    assert len(node.data) == 3

    # in a fresh process: ome-zarr-models' pydantic models must not meet ngio's imports
    v = version.replace(".", "")
    script = (
        "import sys, zarr\n"
        f"from ome_zarr_models.v{v}.image_label import ImageLabel\n"
        f"from ome_zarr_models.v{v}.labels import Labels\n"
        "ImageLabel.from_zarr(zarr.open_group(sys.argv[1] + '/labels/cells', mode='r'))\n"
        "Labels.from_zarr(zarr.open_group(sys.argv[1] + '/labels', mode='r'))\n"
        "print('accepted')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 0 and "accepted" in done.stdout, done.stderr
    report = nz.validate(path, strict=True)
    assert report.valid, report.summary()


def test_we_read_labels_ome_zarr_py_writes(tmp_path: Path) -> None:
    pytest.importorskip("ome_zarr")
    from ome_zarr.writer import write_image, write_labels

    path = tmp_path / "theirs.ome.zarr"
    group = zarr.open_group(path, mode="w", zarr_format=2)
    write_image(np.zeros((2, 64, 64), np.uint16), group, axes="cyx", scale_factors=[2])
    labels = np.zeros((64, 64), np.uint8)
    labels[5:9, 10:40] = 4
    write_labels(
        labels, group, name="seg", axes="yx", scale_factors=[2],
        label_metadata={
            "colors": [{"label-value": 4, "rgba": [1, 2, 3, 4]}],
            "properties": [{"label-value": 4, "kind": "x"}],
        },
    )  # fmt: skip
    ours = nz.read_labels(path)["seg"]
    assert ours.colors == {4: (1, 2, 3, 4)}
    assert ours.properties == {4: {"kind": "x"}}
    np.testing.assert_array_equal(ours.images[0].data.compute(), labels)
    assert (
        nz.read_roi(ours, nz.PixelROI(start={"y": 5, "x": 10}, stop={"y": 9, "x": 40})).min() == 4
    )
