"""ngff-zarr's "Command Line Interface" page (cli.md) and the CLI lines of rfc4.md and hcs.md.

Each documented command runs through the ``ngff-zarr`` entry point in this process (``main``),
on inputs made by ``conftest.py``; two run as real subprocesses of the installed script.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from _dropin_inputs import write_ome_tiff

import ngff_zarr as nz
from ngff_zarr.cli import main

pytestmark = pytest.mark.filterwarnings(
    "ignore:builtin type .* has no __module__",
    "ignore::ngff_zarr.errors.NgffWarning",  # uncalibrated test inputs
)

LIF = Path(__file__).resolve().parents[2].parent / "shared" / "testdata" / "lif"


def ngff_zarr(command: str) -> int:
    """Run one documented ``ngff-zarr ...`` line."""
    argv = shlex.split(command)
    assert argv[0] == "ngff-zarr"
    return main(argv[1:])


def _levels(store: str) -> list[tuple[int, ...]]:
    return [im.shape for im in nz.from_ngff_zarr(store).images]


def test_convert_a_medical_image(itk_volume: Callable[[str], np.ndarray]) -> None:
    data = itk_volume("MR-head.nrrd")
    assert ngff_zarr("ngff-zarr -i ./MR-head.nrrd -o ./MR-head.ome.zarr") == 0
    back = nz.from_ngff_zarr("MR-head.ome.zarr")
    np.testing.assert_array_equal(back.images[0].data.compute(), data)
    assert back.images[0].scale == {"z": 1.5, "y": 0.9375, "x": 0.9375}
    assert back.metadata.omero is not None  # the CLI computes the display windows
    assert nz.validate("MR-head.ome.zarr", strict=True).valid
    # zipped: written, then read back as input (printed, no -o)
    assert ngff_zarr("ngff-zarr -i MR-head.nrrd -o MR-head.ozx") == 0
    assert nz.read_ozx_version("MR-head.ozx") == "0.5"
    assert ngff_zarr("ngff-zarr -i ./MR-head.ozx") == 0
    assert ngff_zarr("ngff-zarr -i ./MR-head.nrrd") == 0
    assert ngff_zarr("ngff-zarr -c 64 -i ./MR-head.nrrd") == 0


def test_memory_target_and_vtk(itk_volume: Callable[[str], np.ndarray]) -> None:
    data = itk_volume("LIDCFull.vtk")
    command = "ngff-zarr --memory-target 50M -i ./LIDCFull.vtk -o ./LIDCFull.ome.zarr"
    assert ngff_zarr(command) == 0
    np.testing.assert_array_equal(nz.from_ngff_zarr("LIDCFull.ome.zarr").images[0].data, data)


def test_ome_tiff_series(workdir: Path) -> None:
    write_ome_tiff(workdir / "microscopy.ome.tiff", ["cells"])
    assert ngff_zarr("ngff-zarr -i microscopy.ome.tiff -o output.ome.zarr") == 0
    assert nz.from_ngff_zarr("output.ome.zarr").images[0].scale["x"] == 0.5
    names = ["channel_0 stack", "channel_1 stack", "channel_2 stack"]
    write_ome_tiff(workdir / "multi_series.ome.tiff", names)
    assert ngff_zarr("ngff-zarr -i multi_series.ome.tiff -o output/") == 0
    assert sorted(p.name for p in Path("output").iterdir()) == [
        "channel_0_stack.ome.zarr", "channel_1_stack.ome.zarr", "channel_2_stack.ome.zarr",
    ]  # fmt: skip
    shutil.rmtree("output.ome.zarr")
    assert ngff_zarr("ngff-zarr -i multi_series.ome.tiff -o output.ome.zarr --series 0") == 0
    assert float(nz.from_ngff_zarr("output.ome.zarr").images[0].data[0, 0, -1]) == 0.0
    shutil.rmtree("output")
    assert ngff_zarr('ngff-zarr -i multi_series.ome.tiff -o output/ --series "*channel_1*"') == 0
    assert [p.name for p in Path("output").iterdir()] == ["channel_1_stack.ome.zarr"]


@pytest.mark.skipif(not LIF.is_dir(), reason=f"shared test data not found at {LIF}")
def test_lif_series(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(next(LIF.glob("*.lif")), "microscopy.lif")
    assert ngff_zarr("ngff-zarr -i microscopy.lif -o output/") == 0
    assert len(list(Path("output").iterdir())) == 4  # the file's four mosaic tiles
    assert ngff_zarr("ngff-zarr -i microscopy.lif -o output.ome.zarr --series 0") == 0
    assert _levels("output.ome.zarr")[0] == (2, 2, 3, 64, 64)
    # this file has no series named like "*GFP*": a clear error that lists its series
    assert ngff_zarr('ngff-zarr -i microscopy.lif -o gfp/ --series "*GFP*"') == 1
    assert "matches none of the series ['TileScan_001_M0'" in capsys.readouterr().err
    assert ngff_zarr('ngff-zarr -i microscopy.lif -o m1/ --series "*M1*"') == 0
    assert [p.name for p in Path("m1").iterdir()] == ["TileScan_001_M1.ome.zarr"]


def test_a_series_of_files_and_overrides(workdir: Path) -> None:
    tifffile = pytest.importorskip("tifffile")
    Path("series").mkdir()
    planes = np.arange(5 * 24 * 32, dtype=np.uint16).reshape(5, 24, 32)
    for index, plane in enumerate(planes):
        tifffile.imwrite(f"series/{index:03d}.tif", plane)
    assert ngff_zarr('ngff-zarr -i "series/*.tif" -o ome-ngff.ome.zarr') == 0
    np.testing.assert_array_equal(nz.from_ngff_zarr("ome-ngff.ome.zarr").images[0].data, planes)
    command = (
        'ngff-zarr --dims "z" "y" "x" --scale x 1.4 y 1.4 z 2.5 --translation x 6.24 y 360.0 '
        'z 332.5 --name LIDC2 -i "series/*.tif"'
    )
    assert ngff_zarr(command) == 0  # prints the multiscales it would write
    assert ngff_zarr(command + " -o lidc.ome.zarr") == 0
    image = nz.from_ngff_zarr("lidc.ome.zarr").images[0]
    assert (image.scale, image.translation, image.name) == (
        {"z": 2.5, "y": 1.4, "x": 1.4}, {"z": 332.5, "y": 360.0, "x": 6.24}, "LIDC2",
    )  # fmt: skip


def test_hcs_fields_and_the_plate_root(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plate = nz.Plate.from_names(["A", "B"], ["1", "2"])
    nz.to_hcs_zarr(plate, "plate.ome.zarr")
    for row, column, fields in (("A", "1", 1), ("B", "2", 2)):
        for field in range(fields):
            data = np.full((16, 16), 10 * field + 1, np.uint8)
            field_image = nz.to_multiscales(nz.to_ngff_image(data), scale_factors=[])
            nz.write_hcs_well_image("plate.ome.zarr", field_image, plate, row, column, field)
    assert ngff_zarr("ngff-zarr -i plate.ome.zarr/A/1/0 -o well_A1_field0.ome.zarr") == 0
    assert ngff_zarr("ngff-zarr -i plate.ome.zarr/B/2/1 -o well_B2_field1.ome.zarr") == 0
    assert int(nz.from_ngff_zarr("well_B2_field1.ome.zarr").images[0].data[0, 0]) == 11
    capsys.readouterr()
    assert ngff_zarr("ngff-zarr -i plate.ome.zarr -o output.ome.zarr") == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "Error: The input appears to be an HCS (High Content Screening) plate structure with "
        "4 wells. To convert a specific well/image, provide the full path including well and "
        "field:\n  Examples: 'plate.ome.zarr/A/1/0', 'plate.ome.zarr/A/2/0', "
        "'plate.ome.zarr/B/1/0'\nFor programmatic access to the full plate, use "
        "from_hcs_zarr() instead of from_ngff_zarr()."
    )
    assert not Path("output.ome.zarr").exists()


def _store(path: str, version: str) -> np.ndarray:
    data = np.arange(4 * 32 * 32, dtype=np.uint8).reshape(4, 32, 32)
    nz.to_ngff_zarr(path, nz.to_multiscales(nz.to_ngff_image(data), [2]), version=version)
    return data


def test_upgrade_to_05(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _store("src.zarr", "0.4")
    assert ngff_zarr("ngff-zarr upgrade src.zarr -o dst.zarr --to 0.5") == 0
    assert capsys.readouterr().out.startswith("src.zarr: OME-Zarr 0.4 -> 0.5, copy to dst.zarr")
    assert nz.validate("dst.zarr", strict=True).valid
    np.testing.assert_array_equal(nz.from_ngff_zarr("dst.zarr").images[0].data, data)


def test_upgrade_to_06_in_place(workdir: Path) -> None:
    Path("path/to").mkdir(parents=True)
    _store("path/to/image.zarr", "0.5")
    assert ngff_zarr("ngff-zarr upgrade path/to/image.zarr --to 0.6") == 0


def test_upgrade_to_06_validated_copy(workdir: Path) -> None:
    _store("src.zarr", "0.4")
    command = "ngff-zarr upgrade src.zarr -o dst.zarr --to 0.6 --validate --no-overwrite"
    assert ngff_zarr(command) == 0


CONFORMANT = {
    "format": "ome-zarr",
    "rfc4_valid": True,
    "axes": {"z": "inferior-to-superior", "y": "anterior-to-posterior", "x": "right-to-left"},
    "violations": [],
    "warnings": [],
}


def test_conformance(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("path/to").mkdir(parents=True)
    image = nz.to_ngff_image(np.zeros((4, 16, 16), np.uint8))
    nz.to_ngff_zarr("path/to/image.ome.zarr", nz.to_multiscales(image, orientation="LPS"))
    assert ngff_zarr("ngff-zarr conformance path/to/image.ome.zarr") == 0
    out = capsys.readouterr().out
    assert json.loads(out) == {"input": "path/to/image.ome.zarr", **CONFORMANT}
    assert out.startswith('{\n  "input": "path/to/image.ome.zarr",\n  "format": "ome-zarr",')
    shutil.copytree("path/to/image.ome.zarr", "brain_icbm_ras.ome.zarr")
    assert ngff_zarr("ngff-zarr conformance brain_icbm_ras.ome.zarr") == 0
    assert json.loads(capsys.readouterr().out) == {"input": "brain_icbm_ras.ome.zarr", **CONFORMANT}
    assert ngff_zarr("ngff-zarr conformance missing.ome.zarr") == 0
    verdict = json.loads(capsys.readouterr().out)
    assert (verdict["rfc4_valid"], verdict["violations"]) == (False, ["input-not-ome-zarr"])


def test_rfc4_orientation_options(itk_volume: Callable[[str], np.ndarray]) -> None:
    itk_volume("image.nii.gz")
    lps = {"z": "inferior-to-superior", "y": "anterior-to-posterior", "x": "right-to-left"}

    def written() -> dict[str, str]:
        axes = nz.from_ngff_zarr("output.ome.zarr").images[0].axes_orientations or {}
        return {d: str(o.value) for d, o in axes.items()}

    assert ngff_zarr("ngff-zarr -i image.nii.gz -o output.ome.zarr --orientation LPS") == 0
    assert written() == lps
    command = (
        "ngff-zarr -i image.nii.gz -o output.ome.zarr "
        "--orientation x right-to-left y anterior-to-posterior z inferior-to-superior"
    )
    assert ngff_zarr(command) == 0
    assert written() == lps
    assert ngff_zarr("ngff-zarr -i image.nii.gz -o output.ome.zarr") == 0
    assert written() == lps  # ITK inputs carry their orientation
    assert ngff_zarr("ngff-zarr -i image.nii.gz -o output.ome.zarr --no-orientation") == 0
    assert written() == {}


@pytest.mark.network
def test_s3_input_with_storage_options(workdir: Path, s3: dict[str, object]) -> None:
    """The page's private-bucket example against an S3 server on loopback (no network)."""
    s3fs = pytest.importorskip("s3fs")
    data = _store("local.ome.zarr", "0.5")
    options = {k: v for k, v in s3.items() if k != "bucket"}
    s3fs.S3FileSystem(**options).put(
        "local.ome.zarr", f"{s3['bucket']}/my-dataset.ome.zarr", recursive=True
    )
    storage = {"anon": False, "requester_pays": True, **options}
    command = (
        f"ngff-zarr -i s3://{s3['bucket']}/my-dataset.ome.zarr "
        f"--storage-options '{json.dumps(storage)}' -o copy.ome.zarr"
    )
    assert ngff_zarr(command) == 0
    np.testing.assert_array_equal(nz.from_ngff_zarr("copy.ome.zarr").images[0].data, data)


def test_help_and_a_conversion_as_subprocesses(workdir: Path) -> None:
    script = Path(sys.executable).with_name("ngff-zarr")
    done = subprocess.run(
        [script, "--help"], capture_output=True, text=True, encoding="utf-8", check=False
    )
    assert done.returncode == 0 and "-i INPUT" in done.stdout
    _store("in.ome.zarr", "0.4")
    done = subprocess.run(
        [script, "-i", "in.ome.zarr", "-o", "out.ome.zarr", "-q"],
        capture_output=True, text=True, encoding="utf-8", check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (
        json.loads(Path("out.ome.zarr/zarr.json").read_text(encoding="utf-8"))["attributes"]["ome"][
            "version"
        ]
        == "0.5"
    )
