"""Thorlabs ThorImageLS RAW: headerless uint16 frames described by the Experiment.xml beside them.

The datasets are written here: the pixels with NumPy in acquisition order (time point, plane,
channel, row), the sidecar with the elements and attributes ThorImageLS writes.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from ngff_zarr import NgffWarning, read_image, read_images
from ngff_zarr.errors import InvalidMetadataError, PathNotFoundError
from ngff_zarr.formats import primary_files, select_reader


def _dataset(
    folder: Path,
    frames: np.ndarray,
    *,
    channels: tuple[str, ...] = ("ChanA", "ChanB"),
    steps: int = 1,
    step_um: float = 2.0,
    timepoints: int = 1,
    interval_s: float = 30.0,
    capture: int = 0,
    fast_z: bool = False,
    flyback: int = 0,
    stream_frames: int = 0,
    frame_rate: float = 7.5,
    pixel_um: float | None = 0.4,
) -> Path:
    """A ThorImageLS folder: ``Image_0001_0001.raw`` holding ``frames`` (N, C, Y, X)."""
    folder.mkdir(parents=True, exist_ok=True)
    height, width = frames.shape[-2:]
    size = f' pixelSizeUM="{pixel_um}"' if pixel_um is not None else ""
    wavelengths = "".join(f'<Wavelength name="{c}" exposureTimeMS="0" />' for c in channels)
    (folder / "Experiment.xml").write_text(
        f"""<?xml version="1.0"?>
<ThorImageExperiment>
  <Name name="{folder.name}" path="D:\\data\\{folder.name}" />
  <Date date="10/18/2023 13:39:19" uTime="1697650759" />
  <Software version="5.0.2023.10041" />
  <Camera name="" width="0" height="0" pixelSizeUM="0.25" />
  <LSM name="GalvoResonance" pixelX="{width}" pixelY="{height}"{size}
    widthUM="{width * 0.5}" heightUM="{height * 0.5}" frameRate="{frame_rate}" channel="3" />
  <Wavelengths nyquistExEm="0" nyquistEmEm="0">{wavelengths}</Wavelengths>
  <ZStage name="ThorZPiezo" steps="{steps}" stepSizeUM="{step_um}" startPos="0" />
  <Timelapse timepoints="{timepoints}" intervalSec="{interval_s}" />
  <Streaming enable="{int(capture == 1)}" frames="{stream_frames}" rawData="1"
    flybackFrames="{flyback}" zFastEnable="{int(fast_z)}" />
  <CaptureMode mode="{capture}" />
</ThorImageExperiment>
""",
        encoding="utf-8",
    )
    frames.astype("<u2").tofile(folder / "Image_0001_0001.raw")
    return folder


def _frames(count: int, channels: int = 2, height: int = 24, width: int = 40) -> np.ndarray:
    total = count * channels * height * width
    return (
        (np.arange(total, dtype=np.uint32) * 7 % 65521)
        .astype(np.uint16)
        .reshape(count, channels, height, width)
    )


def test_a_z_stack_time_lapse_reads_from_the_raw_file_the_sidecar_or_the_folder(
    tmp_path: Path,
) -> None:
    frames = _frames(2 * 3)  # 2 time points x 3 planes, 2 channels each
    folder = _dataset(tmp_path / "stack", frames, steps=3, timepoints=2, interval_s=30.0)
    expected = frames.reshape(2, 3, 2, 24, 40).transpose(0, 2, 1, 3, 4)  # t, c, z, y, x
    for path in (folder / "Image_0001_0001.raw", folder / "Experiment.xml", folder):
        assert select_reader(path).name == "thorlabs"
        image = read_image(path)
        assert image.dims == ("t", "c", "z", "y", "x")
        np.testing.assert_array_equal(image.data.compute(), expected)
        assert image.scale == {"t": 30.0, "c": 1.0, "z": 2.0, "y": 0.4, "x": 0.4}
        assert image.axes_units == {
            "t": "second",
            "z": "micrometer",
            "y": "micrometer",
            "x": "micrometer",
        }
        assert list(image.channel_names or ()) == ["ChanA", "ChanB"]
        assert image.name == "stack"


def test_a_streamed_series_is_frames_one_frame_period_apart(tmp_path: Path) -> None:
    frames = _frames(5, channels=1)
    folder = _dataset(
        tmp_path / "stream",
        frames,
        channels=("ChanA",),
        capture=1,
        stream_frames=5,
        steps=4,  # a Z stage setting that streaming without fast Z does not use
        frame_rate=8.0,
        pixel_um=None,  # then widthUM / pixelX
    )
    image = read_image(folder)
    assert image.dims == ("t", "y", "x")
    np.testing.assert_array_equal(image.data.compute(), frames[:, 0])
    assert image.scale == {"t": 0.125, "y": 0.5, "x": 0.5}


def test_fast_z_volumes_drop_their_flyback_frames(tmp_path: Path) -> None:
    frames = _frames(3 * (4 + 2), channels=1)  # 3 volumes of 4 planes and 2 flyback frames
    folder = _dataset(
        tmp_path / "fastz",
        frames,
        channels=("ChanB",),
        capture=1,
        fast_z=True,
        steps=4,
        flyback=2,
        stream_frames=3,
        frame_rate=30.0,
    )
    image = read_image(folder)
    assert image.dims == ("t", "z", "y", "x")
    np.testing.assert_array_equal(image.data.compute(), frames.reshape(3, 6, 24, 40)[:, :4])
    assert image.scale["t"] == pytest.approx(0.2)  # 6 frames a volume at 30 frames/s


def test_an_acquisition_stopped_early_reads_its_whole_time_points_with_a_warning(
    tmp_path: Path,
) -> None:
    frames = _frames(2 * 3 + 1)  # 2 whole stacks of 3 planes and one plane of the third
    folder = _dataset(tmp_path / "stopped", frames, steps=3, timepoints=5)
    with pytest.warns(
        NgffWarning, match=r"declares 5 time points .* reading the 2 whole time points"
    ):
        image = read_image(folder)
    assert image.data.shape == (2, 2, 3, 24, 40)
    np.testing.assert_array_equal(
        image.data.compute(), frames[:6].reshape(2, 3, 2, 24, 40).transpose(0, 2, 1, 3, 4)
    )


def test_a_sidecar_that_does_not_describe_the_file_is_refused(tmp_path: Path) -> None:
    folder = _dataset(tmp_path / "short", _frames(2), steps=3)
    with open(folder / "Image_0001_0001.raw", "ab") as handle:
        handle.write(b"\x00" * 10)  # not whole frames
    with pytest.raises(InvalidMetadataError, match=r"expected whole frames of 2 channels of 24 x"):
        read_image(folder)
    folder = _dataset(tmp_path / "more", _frames(4), steps=1, timepoints=2)
    with pytest.raises(InvalidMetadataError, match=r"expected 2 time points .* found 4 frames"):
        read_image(folder)
    folder = _dataset(tmp_path / "partial", _frames(2), steps=3)
    with pytest.raises(InvalidMetadataError, match=r"at least one time point of 3 frames"):
        read_image(folder)


def test_missing_or_ambiguous_files_name_what_was_expected(tmp_path: Path) -> None:
    folder = _dataset(tmp_path / "set", _frames(1))
    (folder / "Experiment.xml").rename(folder / "other.xml")
    with pytest.raises(InvalidMetadataError, match=r"sidecar Experiment.xml"):
        read_image(folder / "Image_0001_0001.raw")
    (folder / "other.xml").rename(folder / "Experiment.xml")
    (folder / "Image_0001_0001.raw").rename(folder / "Image_0001_0002.raw")
    _frames(1).tofile(folder / "Image_0001_0001.raw")
    with pytest.raises(InvalidMetadataError, match=r"expected one ThorImageLS raw file"):
        read_image(folder)
    read_image(folder / "Image_0001_0002.raw")  # naming the file picks it
    tiff_only = tmp_path / "tiff_only"
    tiff_only.mkdir()
    (folder / "Experiment.xml").replace(tiff_only / "Experiment.xml")
    with pytest.raises(InvalidMetadataError, match=r"TIFF output is read as TIFF"):
        read_image(tiff_only)
    (tiff_only / "Experiment.xml").write_text("<Other/>", encoding="utf-8")
    _frames(1).tofile(tiff_only / "Image_0001_0001.raw")
    with pytest.raises(InvalidMetadataError, match=r"root element ThorImageExperiment"):
        read_image(tiff_only / "Experiment.xml")
    with pytest.raises(PathNotFoundError):
        read_images(tmp_path / "nowhere" / "Image_0001_0001.raw", reader="thorlabs")


def test_a_bad_number_in_the_sidecar_names_its_field(tmp_path: Path) -> None:
    folder = _dataset(tmp_path / "bad", _frames(1))
    xml = (folder / "Experiment.xml").read_text(encoding="utf-8")
    (folder / "Experiment.xml").write_text(xml.replace('steps="1"', 'steps="two"'), "utf-8")
    with pytest.raises(InvalidMetadataError, match=r"ZStage/@steps: expected a number"):
        read_image(folder)


def test_a_folder_conversion_reads_the_dataset_once(tmp_path: Path) -> None:
    folder = _dataset(tmp_path / "once", _frames(1))
    paths = [folder / "Experiment.xml", folder / "Image_0001_0001.raw"]
    assert primary_files(paths) == [folder / "Image_0001_0001.raw"]


def test_the_read_is_lazy_and_chunked_by_bytes(tmp_path: Path) -> None:
    from ngff_zarr import config

    frames = _frames(8, channels=1, height=64, width=64)
    folder = _dataset(tmp_path / "lazy", frames, channels=("ChanA",), steps=8)
    with config.set(read_chunk_bytes=2 * 64 * 64 * 2), warnings.catch_warnings():
        warnings.simplefilter("error")
        image = read_image(folder)
    assert image.data.chunks[-3:] == ((2, 2, 2, 2), (64,), (64,))
    assert image.dims == ("z", "y", "x")
    np.testing.assert_array_equal(image.data[3].compute(), frames[3, 0])


def test_the_cli_converts_a_dataset_to_a_strictly_valid_store(tmp_path: Path) -> None:
    from ngff_zarr.cli import main
    from ngff_zarr.from_ngff_zarr import from_ngff_zarr
    from ngff_zarr.validate import validate

    frames = _frames(2 * 3)
    folder = _dataset(tmp_path / "convert", frames, steps=3, timepoints=2)
    out = tmp_path / "convert.ome.zarr"
    raw = folder / "Image_0001_0001.raw"
    assert main(["convert", str(raw), str(out), "--no-progress"]) == 0
    report = validate(out, strict=True)
    assert report.valid, str(report)
    back = from_ngff_zarr(out)
    assert back.images[0].scale == {"t": 30.0, "c": 1.0, "z": 2.0, "y": 0.4, "x": 0.4}
    assert back.metadata.omero is not None
    assert [c.label for c in back.metadata.omero.channels] == ["ChanA", "ChanB"]
    expected = frames.reshape(2, 3, 2, 24, 40).transpose(0, 2, 1, 3, 4)
    np.testing.assert_array_equal(back.images[0].data.compute(), expected)
