"""convert_folder: folders and subject/session/tag projects, skipping, failures, the report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from ngff_zarr.convert import ConversionOptions, convert_file, convert_folder
from ngff_zarr.from_ngff_zarr import from_ngff_zarr

tifffile = pytest.importorskip("tifffile")

_OPTIONS = ConversionOptions(version="0.5", scale_factors=[2], method="local_mean")


def _tif(path: Path, value: int, planes: int = 2) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tifffile.imwrite(
        path,
        np.full((planes, 32, 32), value, "uint16"),
        imagej=True,
        resolution=(2.0, 2.0),
        metadata={"axes": "ZYX", "unit": "um", "spacing": 1.0},
    )
    return path


def test_folder_converts_skips_and_reports_failures(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    _tif(src / "a.tif", 1)
    _tif(src / "b.tif", 2)
    (src / "broken.tif").write_bytes(b"II*\x00 this is not a tiff")
    report = convert_folder(src, out, options=_OPTIONS)
    assert [Path(c["inputs"][0]).name for c in report.converted] == ["a.tif", "b.tif"]
    assert [Path(f["inputs"][0]).name for f in report.failed] == ["broken.tif"]
    assert "not a readable TIFF" in report.failed[0]["error"]
    stored = from_ngff_zarr(out / "b.ome.zarr")
    assert int(stored.images[0].data.max().compute()) == 2
    assert stored.images[0].scale["x"] == 0.5
    on_disk = json.loads((out / "ngff_zarr_report.json").read_text(encoding="utf-8"))
    assert len(on_disk["converted"]) == 2
    assert len(on_disk["failed"]) == 1
    again = convert_folder(src, out, options=_OPTIONS)
    assert len(again.skipped) == 2
    assert not again.converted
    assert len(again.failed) == 1


def test_folder_merge_along_t(tmp_path: Path) -> None:
    src, out = tmp_path / "frames", tmp_path / "out"
    for index in range(3):
        _tif(src / f"frame_{index}.tif", index + 1)
    report = convert_folder(src, out, merge_axis="t", options=_OPTIONS)
    assert report.converted[0]["outputs"] == [str(out / "frames.ome.zarr")]
    merged = from_ngff_zarr(out / "frames.ome.zarr").images[0]
    assert merged.dims == ("t", "z", "y", "x")
    assert [int(merged.data[t].max().compute()) for t in range(3)] == [1, 2, 3]


def test_project_layout_with_patterns(tmp_path: Path) -> None:
    root, out = tmp_path / "project", tmp_path / "zarr"
    _tif(root / "sub-01" / "ses-01" / "anat" / "scan.tif", 1)
    _tif(root / "sub-01" / "ses-02" / "anat" / "scan.tif", 2)
    _tif(root / "sub-02" / "ses-01" / "anat" / "scan.tif", 3)
    _tif(root / "sub-02" / "ses-01" / "func" / "scan.tif", 4)
    _tif(root / "other" / "ses-01" / "anat" / "scan.tif", 5)
    report = convert_folder(
        root,
        out,
        subject_pattern="sub-*",
        session_pattern="ses-*",
        tag_pattern="anat",
        pattern="*.tif",
        options=_OPTIONS,
    )
    written = sorted(str(Path(o).relative_to(out)) for c in report.converted for o in c["outputs"])
    assert written == [
        "sub-01/ses-01/anat/scan.ome.zarr",
        "sub-01/ses-02/anat/scan.ome.zarr",
        "sub-02/ses-01/anat/scan.ome.zarr",
    ]
    assert not report.failed


def test_multi_scene_file_gives_one_store_per_scene(testdata: Path, tmp_path: Path) -> None:
    source = tmp_path / "in" / "mosaic.czi"
    source.parent.mkdir()
    shutil.copy(testdata / "czi/S3_1Pos_2Mosaic_T2Z3_CH2_sm.czi", source)
    written = convert_file(source, tmp_path / "mosaic.ome.zarr", options=_OPTIONS)
    assert [p.name for p in written] == [f"mosaic_s{i}.ome.zarr" for i in range(3)]
    scene = from_ngff_zarr(written[1])
    assert scene.images[0].shape == (2, 2, 3, 64, 64)
    assert scene.images[0].translation["y"] == pytest.approx(340.8)


def test_stored_pyramid_is_copied(testdata: Path, tmp_path: Path) -> None:
    written = convert_file(
        testdata / "czi/WellD6_S1.czi", tmp_path / "well.ome.zarr", options=ConversionOptions()
    )
    stored = from_ngff_zarr(written[0])
    assert [im.shape for im in stored.images] == [(440, 544), (220, 272)]
    assert stored.images[1].scale["x"] == pytest.approx(0.2)


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such directory"):
        convert_folder(tmp_path / "nope", tmp_path / "out")
