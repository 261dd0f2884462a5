"""The ngff-zarr command line: convert and info, run as a real subprocess and in-process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ngff_zarr import NgffWarning
from ngff_zarr.cli import main
from ngff_zarr.from_ngff_zarr import from_ngff_zarr

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "data" / "cells_3d_2ch.ome.tif"


def test_readme_quick_start_subprocess(tmp_path: Path) -> None:
    out = tmp_path / "out.ome.zarr"
    result = subprocess.run(
        [sys.executable, "-m", "ngff_zarr.cli", "convert", str(SAMPLE), str(out)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert result.returncode == 0, result.stderr
    stored = from_ngff_zarr(out)
    assert stored.images[0].dims == ("c", "z", "y", "x")
    assert stored.images[0].scale["x"] == pytest.approx(0.26)
    assert stored.metadata.omero is not None
    assert [c.label for c in stored.metadata.omero.channels] == ["nuclei", "membrane"]
    assert (out / "zarr.json").is_file()  # default version 0.5


def test_convert_options_and_info(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "o.ome.zarr"
    code = main(
        [
            "convert", str(SAMPLE), str(out), "--version", "0.5", "--chunks", "32",
            "--chunks-per-shard", "2", "--scale-factors", "2,4", "--method", "local_mean",
            "--scale", "z=2.0,y=0.3,x=0.3", "--channel-names", "a,b", "--no-progress",
        ]
    )  # fmt: skip
    assert code == 0
    stored = from_ngff_zarr(out)
    assert [im.shape[-1] for im in stored.images] == [128, 64, 32]
    assert stored.images[0].scale == {"c": 1.0, "z": 2.0, "y": 0.3, "x": 0.3}
    capsys.readouterr()
    assert main(["info", str(out)]) == 0
    text = capsys.readouterr().out
    assert "levels: 3" in text
    assert "channels: a, b" in text
    assert main(["info", str(SAMPLE)]) == 0
    assert "native axes CZYX" in capsys.readouterr().out


def test_merge_inputs_and_dims_override(testdata: Path, tmp_path: Path) -> None:
    membrane = testdata / "tiff/membrane_2d_timelapse.tif"
    out = tmp_path / "m.ome.zarr"
    with pytest.warns(NgffWarning, match="no physical time increment"):
        code = main(
            ["convert", str(membrane), str(membrane), str(out), "--dims", "t,y,x",
             "--merge-axis", "t", "--scale", "y=0.5,x=0.5", "--no-progress"]
        )  # fmt: skip
    assert code == 0
    image = from_ngff_zarr(out).images[0]
    assert image.shape == (10, 256, 256)
    np.testing.assert_array_equal(image.data[5].compute(), image.data[0].compute())


def test_errors_are_one_line_with_nonzero_exit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["convert", str(tmp_path / "absent.tif"), str(tmp_path / "o.zarr")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "no such file" in err
    assert main(["convert", str(SAMPLE), str(tmp_path / "o.zarr"), "--scale", "x:1"]) == 1
    assert "--scale: expected dim=value pairs" in capsys.readouterr().err
    target = tmp_path / "exists.ome.zarr"
    assert main(["convert", str(SAMPLE), str(target), "--no-progress"]) == 0
    assert main(["convert", str(SAMPLE), str(target), "--no-progress"]) == 1
    assert "error" in capsys.readouterr().err
    assert main(["info", str(tmp_path / "nothing.xyz")]) == 1
