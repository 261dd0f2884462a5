"""``ngff-zarr convert --series N --dims ...``: the reader options describe series N only."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ngff_zarr import NgffWarning
from ngff_zarr.cli import main
from ngff_zarr.from_ngff_zarr import from_ngff_zarr

tifffile = pytest.importorskip("tifffile")


def test_dims_apply_to_the_chosen_series_only(tmp_path: Path) -> None:
    path = tmp_path / "two.tif"
    frames = (np.arange(5 * 8 * 8).reshape(5, 8, 8) % 200).astype("uint8")
    with tifffile.TiffWriter(path) as tif:
        tif.write(np.zeros((16, 16), "uint8"), metadata={"axes": "YX"})
        tif.write(frames, metadata={})  # no axes: tifffile says QYX
    with tifffile.TiffFile(path) as tif:
        assert [s.axes for s in tif.series] == ["YX", "QYX"]
    out = tmp_path / "s1.ome.zarr"
    code = main(
        [
            "convert", str(path), str(out), "--series", "1", "--dims", "t,y,x",
            "--scale", "t=2,y=0.5,x=0.5", "--units", "t=second,y=micrometer,x=micrometer",
            "--no-progress",
        ]
    )  # fmt: skip
    assert code == 0
    stored = from_ngff_zarr(out)
    assert stored.images[0].dims == ("t", "y", "x")
    np.testing.assert_array_equal(stored.images[0].data.compute(), frames)


def _two_series(path: Path) -> np.ndarray:
    frames = (np.arange(5 * 8 * 8).reshape(5, 8, 8) % 200).astype("uint8")
    with tifffile.TiffWriter(path) as tif:
        tif.write(np.zeros((16, 16), "uint8"), metadata={"axes": "YX"})
        tif.write(frames, metadata={})  # no axes: tifffile says QYX
    return frames


def test_ngff_zarr_form_dims_describe_the_chosen_series(tmp_path: Path) -> None:
    frames = _two_series(tmp_path / "two.tif")
    out = tmp_path / "s1.ome.zarr"
    argv = ["-i", str(tmp_path / "two.tif"), "-o", str(out), "--series", "1", "--dims", "t", "y"]
    argv += ["x", "-s", "t", "2", "y", "0.5", "x", "0.5", "-q"]
    with pytest.warns(NgffWarning):  # the file's Q axis read as t by default
        assert main(argv) == 0
    stored = from_ngff_zarr(out)
    assert stored.images[0].dims == ("t", "y", "x")
    assert stored.images[0].scale == {"t": 2.0, "y": 0.5, "x": 0.5}
    np.testing.assert_array_equal(stored.images[0].data.compute(), frames)


def test_ngff_zarr_form_dims_that_fit_no_series_name_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _two_series(tmp_path / "two.tif")
    argv = ["-i", str(tmp_path / "two.tif"), "-o", f"{tmp_path / 'all'}/", "--dims", "t", "y", "x"]
    with pytest.warns(NgffWarning):
        assert main([*argv, "-q"]) == 1
    error = capsys.readouterr().err
    assert "--dims: expected 2 dims for series" in error and "of 2 (dims ['y', 'x'])" in error
    assert "--series picks" in error
