"""The CLI where ngff-zarr's and ome-zarr-py's have more or handle inputs better (issue 14, 4).

Options of an OME-Zarr input applied or refused, output URLs, units, ``info`` on stores and
plates, ``validate`` output, errors naming flags, warnings once, Ctrl-C. Real stores, a real S3
server and a real HTTP socket on loopback; the script runs as a subprocess where the process
matters (warnings, signals).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import zarr

import ngff_zarr as nz
from ngff_zarr.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = str(ROOT / "examples" / "data" / "cells_3d_2ch.ome.tif")
SCRIPT = str(Path(sys.executable).parent / "ngff-zarr")


@pytest.fixture
def store(tmp_path: Path) -> str:
    """The sample converted once (0.5, two levels)."""
    out = str(tmp_path / "a.ome.zarr")
    assert (
        main(["convert", SAMPLE, out, "--method", "local_mean", "--scale-factors", "2", "-q"]) == 0
    )
    return out


def _array(store: str, level: int = 0) -> zarr.Array:
    path = nz.from_ngff_zarr(store).metadata.datasets[level].path
    return zarr.open_group(store, mode="r", use_consolidated=False)[path]


def test_options_apply_to_an_ome_zarr_input(store: str, tmp_path: Path) -> None:
    out = str(tmp_path / "c.ome.zarr")
    code = main(
        ["convert", store, out, "--scale", "z=5", "--units", "z=um", "--channel-names", "q,r",
         "--translation", "x=3", "--name", "renamed", "--codec", "zstd", "--compression-level",
         "7", "--chunks", "32", "--scale-factors", "2,4", "--method", "mode", "-q",
         "--omero-window", "0,4000,10,2000", "--omero-window", "0,4000,20,3000"]
    )  # fmt: skip
    assert code == 0
    back = nz.from_ngff_zarr(out)
    first = back.images[0]
    assert first.scale["z"] == 5.0 and first.axes_units["z"] == "micrometer"
    assert first.translation["x"] == 3.0
    assert back.metadata.name == "renamed"
    assert [c.label for c in back.metadata.omero.channels] == ["q", "r"]
    windows = [c.window for c in back.metadata.omero.channels]
    assert [(w.min, w.max, w.start, w.end) for w in windows] == [
        (0.0, 4000.0, 10.0, 2000.0), (0.0, 4000.0, 20.0, 3000.0),
    ]  # fmt: skip
    assert back.method is nz.Methods.MODE and len(back.images) == 3
    array = _array(out)
    assert array.chunks[-1] == 32
    assert [type(c).__name__ for c in array.compressors] == ["ZstdCodec"]
    assert array.compressors[0].level == 7
    np.testing.assert_array_equal(
        first.data.compute(), nz.from_ngff_zarr(store).images[0].data.compute()
    )


def test_file_options_are_refused_for_an_ome_zarr_input(
    store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "d.ome.zarr"
    assert main(["convert", store, str(out), "--dims", "c,z,y,x", "--series", "0"]) == 1
    err = capsys.readouterr().err
    assert "--dims, --series: not used for an OME-Zarr input" in err
    assert err.count("\n") == 1
    assert not out.exists()


def test_units_are_checked_and_normalised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "u.ome.zarr")
    assert main(["convert", SAMPLE, out, "--units", "z=um,y=um,x=nm", "-q"]) == 0
    assert nz.from_ngff_zarr(out).images[0].axes_units == {
        "z": "micrometer", "y": "micrometer", "x": "nanometer",
    }  # fmt: skip
    bad = tmp_path / "bad.ome.zarr"
    assert main(["convert", SAMPLE, str(bad), "--units", "x=parsecs"]) == 1
    err = capsys.readouterr().err
    assert "--units x: expected one of [" in err and "got 'parsecs'" in err
    assert "axes_units" not in err
    assert not bad.exists()
    # ngff-zarr's form: the same check, naming the same flag
    assert main(["-i", SAMPLE, "-o", str(bad), "-u", "parsecs", "um", "um", "-q"]) == 1
    err = capsys.readouterr().err
    assert "--units z:" in err and "axes_units" not in err


def test_errors_name_flags_not_keywords(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", SAMPLE, store, "-q"]) == 1
    err = capsys.readouterr().err
    assert "pass --overwrite" in err and "overwrite=True" not in err
    assert main(["convert", SAMPLE, store, "-q", "--overwrite"]) == 0


def test_url_outputs(
    s3: dict[str, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    options = {k: v for k, v in s3.items() if k != "bucket"}
    url = f"s3://{s3['bucket']}/x.ome.zarr"
    code = main(["convert", SAMPLE, url, "--storage-options", json.dumps(options), "-q"])
    assert code == 0
    assert not (tmp_path / "s3:").exists()  # not a local folder named after the URL
    back = nz.from_ngff_zarr(url, storage_options=options)
    np.testing.assert_array_equal(
        back.images[0].data.compute(), nz.read_image(SAMPLE).data.compute()
    )
    # ngff-zarr's form, the same
    url2 = f"s3://{s3['bucket']}/y.ome.zarr"
    assert main(["-i", SAMPLE, "-o", url2, "--storage-options", json.dumps(options), "-q"]) == 0
    assert nz.from_ngff_zarr(url2, storage_options=options).images[0].shape == back.images[0].shape
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    # file:// is a local path
    assert main(["convert", SAMPLE, f"file://{tmp_path}/f.ome.zarr", "-q"]) == 0
    assert nz.validate(str(tmp_path / "f.ome.zarr"), strict=True).valid


def test_info_shows_version_chunks_shards_codec(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "s.ome.zarr")
    args = ["convert", SAMPLE, out, "--chunks", "32", "--chunks-per-shard", "2", "-q"]
    assert main([*args, "--codec", "zstd", "--compression-level", "4"]) == 0
    capsys.readouterr()
    assert main(["info", out]) == 0
    text = capsys.readouterr().out
    assert "OME-Zarr version: 0.5" in text
    assert "chunks (2, 8, 32, 32), shards (2, 8, 64, 64), codec zstd 4" in text
    assert "labels: -" in text and "tables: -" in text


def test_info_summarises_a_plate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plate = nz.Plate.from_names(
        ["A", "B"], ["1", "2", "3"], wells=["A/1", "B/3"], name="screen",
        acquisitions=[nz.PlateAcquisition(id=0, name="day 1"), nz.PlateAcquisition(id=1)],
    )  # fmt: skip
    where = str(tmp_path / "plate.ome.zarr")
    nz.to_hcs_zarr(plate, where, version="0.5")
    field = nz.to_multiscales(nz.to_ngff_image(np.ones((32, 32), np.uint8)), scale_factors=[])
    for well, fields in (("A/1", 2), ("B/3", 1)):
        for index in range(fields):
            row, column = well.split("/")
            nz.write_hcs_well_image(
                where, field, row=row, column=column, field_index=index, acquisition=index,
                plate=plate,
            )  # fmt: skip
    assert main(["info", where]) == 0
    text = capsys.readouterr().out
    for line in (
        f"OME-Zarr plate {where}", "OME-Zarr version: 0.5", "name: screen",
        "rows: 2 (A, B)", "columns: 3 (1, 2, 3)", "wells: 2", "fields per well: 1 to 2",
        "acquisitions: 2 (day 1, 1)", "first field (A/1/0):", "shape (32, 32)",
    ):  # fmt: skip
        assert line in text


def test_validate_prints_brackets_and_json_always_parses(
    store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = tmp_path / "x[validate][b2].zarr"
    Path(store).rename(odd)
    capsys.readouterr()
    assert main(["validate", str(odd)]) == 0
    assert "x[validate][b2].zarr" in capsys.readouterr().out
    missing = str(tmp_path / "missing.zarr")
    assert main(["validate", "--json", missing, str(odd)]) == 1
    reports = json.loads(capsys.readouterr().out)  # nothing else on stdout
    assert [r["valid"] for r in reports] == [False, True]
    assert "no such file" in reports[0]["error"] and reports[0]["target"] == missing


def _script(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [SCRIPT, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        encoding="utf-8",
        env={**os.environ, "PYTHONWARNINGS": ""},
        # as in a terminal: a job started in the background inherits SIGINT ignored, and
        # Python then installs no KeyboardInterrupt handler
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip


def test_a_warning_prints_once_on_one_line(tmp_path: Path) -> None:
    tifffile = pytest.importorskip("tifffile")
    plain = np.zeros((32, 32), np.uint16)  # uncalibrated
    tifffile.imwrite(tmp_path / "plain.tif", plain, photometric="minisblack")
    done = _script("convert", "plain.tif", "out.ome.zarr", "-q", cwd=tmp_path)
    _, err = done.communicate(timeout=300)
    assert done.returncode == 0, err
    assert err.splitlines() == [
        "ngff-zarr: warning: plain.tif (series 0): no physical pixel size for ['y', 'x'] in the "
        "file; using scale 1 without unit (pass --scale to set it)"
    ]


def test_ctrl_c_prints_one_line_and_exits_130(tmp_path: Path) -> None:
    """A validate that waits on a server that never answers, interrupted."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        connected = threading.Event()
        held: list[socket.socket] = []

        def accept() -> None:
            while True:
                try:
                    held.append(server.accept()[0])
                except OSError:
                    return
                connected.set()

        threading.Thread(target=accept, daemon=True).start()
        port = server.getsockname()[1]
        run = _script("validate", f"http://127.0.0.1:{port}/x.zarr", cwd=tmp_path)
        try:
            assert connected.wait(120), "the command never reached the server"
            run.send_signal(signal.SIGINT)
            _, err = run.communicate(timeout=120)
        finally:
            if run.poll() is None:
                run.kill()
                run.communicate()
            for connection in held:
                connection.close()
    assert run.returncode == 130
    assert err == "ngff-zarr: interrupted\n"


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_download_copies_a_store_byte_for_byte(
    http_server: Callable[[Path], str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    served = tmp_path / "served"
    image = nz.to_ngff_image(np.random.default_rng(0).integers(0, 9, (64, 96), dtype=np.uint8))
    ms = nz.to_multiscales(image, scale_factors=[2], chunks=16)
    nz.to_ngff_zarr(served / "sharded.ome.zarr", ms, chunks_per_shard=2)
    nz.write_labels(served / "sharded.ome.zarr", "cells", np.ones((64, 96), np.uint8))
    nz.to_ngff_zarr(served / "v04.ome.zarr", ms, version="0.4")
    (served / "v04.ome.zarr" / ".zmetadata").unlink()  # found by walking the OME metadata
    plate = nz.Plate.from_names(["A"], ["1", "2"], name="p")
    nz.to_hcs_zarr(plate, served / "plate.ome.zarr")
    for column in ("1", "2"):
        nz.write_hcs_well_image(
            served / "plate.ome.zarr", ms, row="A", column=column, field_index=0, plate=plate
        )
    base = http_server(served)
    out = tmp_path / "out"
    out.mkdir()
    for name in ("sharded.ome.zarr", "v04.ome.zarr", "plate.ome.zarr"):
        assert main(["download", f"{base}/{name}", str(out), "-q"]) == 0
        assert _files(out / name) == _files(served / name)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging left
    capsys.readouterr()
    assert main(["download", f"{base}/v04.ome.zarr", str(out), "-q"]) == 1
    assert "exists" in capsys.readouterr().err
    assert main(["download", f"{base}/nothing.zarr", str(out), "-q"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no Zarr group there" in err
    assert not (out / "nothing.zarr").exists()
    # an HTTP input is a URL too: convert reads the store there
    assert main(["convert", f"{base}/sharded.ome.zarr", str(tmp_path / "c.ome.zarr"), "-q"]) == 0
    np.testing.assert_array_equal(
        nz.from_ngff_zarr(tmp_path / "c.ome.zarr").images[0].data.compute(), image.data.compute()
    )
    assert list(nz.read_labels(tmp_path / "c.ome.zarr")) == ["cells"]


def test_convert_reads_medical_images_with_itk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    itk = pytest.importorskip("itk", reason="the itk extra is not installed")
    data = (np.arange(12 * 40 * 48) % 253).astype(np.int16).reshape(12, 40, 48)
    volume = itk.image_from_array(data)
    volume.SetSpacing([0.9375, 0.9375, 1.5])
    volume.SetOrigin([-120.0, -100.0, 30.0])
    itk.imwrite(volume, str(tmp_path / "head.nrrd"))
    out = str(tmp_path / "head.ome.zarr")
    assert main(["convert", str(tmp_path / "head.nrrd"), out, "--name", "head", "-q"]) == 0
    back = nz.from_ngff_zarr(out)
    np.testing.assert_array_equal(back.images[0].data.compute(), data)
    assert back.images[0].scale == {"z": 1.5, "y": 0.9375, "x": 0.9375}
    assert back.images[0].translation == {"z": 30.0, "y": -100.0, "x": -120.0}
    assert back.metadata.name == "head"
    assert main(["convert", str(tmp_path / "head.nrrd"), out + "2", "--dims", "z,y,x"]) == 1
    assert "--dims: not used for a medical image" in capsys.readouterr().err
