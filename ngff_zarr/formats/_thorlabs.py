"""Thorlabs ThorImageLS RAW reader: ``Image_0001_0001.raw`` with its ``Experiment.xml``.

ThorImageLS saves the pixels of an acquisition headerless, as little-endian ``uint16``, in one
``Image_*.raw`` file, and describes them in the ``Experiment.xml`` beside it (root element
``ThorImageExperiment``). The reader takes the ``.raw`` file, the ``Experiment.xml`` or the
folder holding both, and gives one image with native axes ``TZCYX`` (``T``, ``Z`` and ``C``
when longer than 1):

* ``LSM`` gives the frame size (``pixelX``, ``pixelY``), the pixel size (``pixelSizeUM``, else
  ``widthUM / pixelX``) and the frame rate (``frameRate``, frames per second); a camera
  acquisition (no scanner frame) uses ``Camera`` (``width``, ``height``, ``pixelSizeUM``).
* ``Wavelengths/Wavelength`` lists the saved channels; their ``name`` (``ChanA``...) are the
  channel names. Each frame stores its channels one after the other (``C, Y, X``).
* A streaming acquisition (``CaptureMode mode="1"``, or ``Streaming enable="1"`` without a
  capture mode) is a series of frames, ``1 / frameRate`` apart; with fast Z
  (``Streaming zFastEnable="1"``) each volume holds ``ZStage steps`` planes followed by
  ``Streaming flybackFrames`` flyback frames, which are not data and are dropped, and a time
  step is one volume. Otherwise the file holds ``Timelapse timepoints`` Z stacks of
  ``ZStage steps`` planes, ``Timelapse intervalSec`` apart; the z step is ``ZStage stepSizeUM``.

The file size is checked against this description, so a sidecar that does not describe the
file is refused instead of misread. An acquisition stopped early holds fewer time points than
the sidecar declares: the whole time points present are read, with an
:class:`~ngff_zarr.NgffWarning`. The pixels are memory-mapped; a dask chunk groups planes up to
``config.read_chunk_bytes``.
"""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dask.array as da
import numpy as np

from .._arrays import grouped_chunks
from ..config import config
from ..errors import InvalidMetadataError, NgffWarning, PathNotFoundError
from . import SourceImage
from ._calibration import MICROMETER, SECOND, length_um, time_s

__all__ = ["READER", "dataset_files"]

SIDECAR = "experiment.xml"
_DTYPE = np.dtype("<u2")


@dataclass(frozen=True, slots=True, kw_only=True)
class _Layout:
    """What ``Experiment.xml`` says the raw file holds."""

    width: int
    height: int
    channels: tuple[str, ...]
    steps: int  # z planes per time point
    flyback: int  # frames after each volume that are not data
    timepoints: int  # declared
    streaming: bool
    pixel_um: float | None
    step_um: float | None
    interval_s: float | None


class _ThorlabsReader:
    def read(self, path: Path) -> list[SourceImage]:
        raw, sidecar = dataset_files(path)
        root = _parse(sidecar)
        layout = _layout(root, sidecar)
        array, axes = _squeezed(_lazy(raw, layout), "TZCYX")
        scale, units = {}, {}
        for dim, value in (("x", layout.pixel_um), ("y", layout.pixel_um), ("z", layout.step_um)):
            if value is not None and dim.upper() in axes:
                scale[dim], units[dim] = value, MICROMETER
        if layout.interval_s is not None and "T" in axes:
            scale["t"], units["t"] = layout.interval_s, SECOND
        name_element = root.find("Name")
        name = name_element.get("name") if name_element is not None else None
        meta: dict[str, Any] = {
            "format": "ThorImageLS RAW",
            "raw": raw.name,
            "software": _attr(root, "Software", "version"),
            "date": _attr(root, "Date", "date"),
            "capture": "streaming" if layout.streaming else "z-stack/time-lapse",
            "declared_timepoints": layout.timepoints,
            "flyback_frames": layout.flyback,
        }
        return [
            SourceImage(
                levels=(array,),
                axes=axes,
                scale=scale,
                units=units,
                name=name or raw.parent.name or raw.stem,
                channel_names=layout.channels if "C" in axes else None,
                metadata={k: v for k, v in meta.items() if v is not None},
            )
        ]


def dataset_files(path: Path) -> tuple[Path, Path]:
    """The ``.raw`` file and the ``Experiment.xml`` of the dataset ``path`` names.

    ``path`` is the raw file, the sidecar or the folder holding them.

    Raises
    ------
    PathNotFoundError
        ``path`` does not exist.
    InvalidMetadataError
        The sidecar or the raw file is missing, or the folder holds several raw files.
    """
    if not path.exists():
        raise PathNotFoundError(f"input: no such file or directory: {str(path)!r}")
    folder = path if path.is_dir() else path.parent
    sidecars = [p for p in folder.iterdir() if p.name.lower() == SIDECAR and p.is_file()]
    if not sidecars:
        raise InvalidMetadataError(
            "expected the ThorImageLS sidecar Experiment.xml beside the raw data, found none",
            path=str(path),
        )
    if path.is_file() and path.name.lower().endswith(".raw"):
        return path, sidecars[0]
    raws = sorted(p for p in folder.iterdir() if p.is_file() and _is_image_raw(p.name))
    if len(raws) != 1:
        found = [p.name for p in raws] or "none (ThorImageLS TIFF output is read as TIFF files)"
        raise InvalidMetadataError(
            f"expected one ThorImageLS raw file Image_*.raw beside Experiment.xml, found {found}; "
            "pass the .raw file to read",
            path=str(path),
        )
    return raws[0], sidecars[0]


def _is_image_raw(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith("image") and lowered.endswith(".raw")


def _parse(sidecar: Path) -> ET.Element:
    try:
        root = ET.parse(sidecar).getroot()
    except (ET.ParseError, OSError) as exc:
        raise InvalidMetadataError(
            f"not a readable XML document: {exc}", path=str(sidecar)
        ) from exc
    if root.tag != "ThorImageExperiment":
        raise InvalidMetadataError(
            f"expected the root element ThorImageExperiment, found {root.tag!r}", path=str(sidecar)
        )
    return root


def _attr(root: ET.Element, element: str, name: str) -> str | None:
    found = root.find(element)
    return None if found is None else found.get(name)


def _number(root: ET.Element, element: str, name: str, sidecar: Path) -> float | None:
    text = _attr(root, element, name)
    if text is None or not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        raise InvalidMetadataError(
            f"expected a number, found {text!r}", path=str(sidecar), field=f"{element}/@{name}"
        ) from None


def _count(root: ET.Element, element: str, name: str, sidecar: Path, default: int) -> int:
    value = _number(root, element, name, sidecar)
    if value is None:
        return default
    if value < 0 or value != int(value):
        raise InvalidMetadataError(
            f"expected a whole number >= 0, found {value:g}",
            path=str(sidecar),
            field=f"{element}/@{name}",
        )
    return int(value)


def _layout(root: ET.Element, sidecar: Path) -> _Layout:
    width = _count(root, "LSM", "pixelX", sidecar, 0)
    height = _count(root, "LSM", "pixelY", sidecar, 0)
    pixel = _number(root, "LSM", "pixelSizeUM", sidecar)
    if not (width and height):  # a camera acquisition
        width = _count(root, "Camera", "width", sidecar, 0)
        height = _count(root, "Camera", "height", sidecar, 0)
        pixel = _number(root, "Camera", "pixelSizeUM", sidecar)
    if not (width and height):
        raise InvalidMetadataError(
            "expected the frame size in LSM/@pixelX and LSM/@pixelY (or Camera/@width and "
            "Camera/@height), found none",
            path=str(sidecar),
        )
    if not pixel:
        span = _number(root, "LSM", "widthUM", sidecar)
        pixel = span / width if span else None
    names = tuple(w.get("name") or f"channel {i}" for i, w in enumerate(root.iter("Wavelength")))
    mode = _attr(root, "CaptureMode", "mode")
    streaming = mode == "1" if mode is not None else _attr(root, "Streaming", "enable") == "1"
    steps = max(1, _count(root, "ZStage", "steps", sidecar, 1))
    flyback = 0
    rate = _number(root, "LSM", "frameRate", sidecar)
    if streaming:
        fast_z = _attr(root, "Streaming", "zFastEnable") == "1"
        if fast_z and steps > 1:
            flyback = _count(root, "Streaming", "flybackFrames", sidecar, 0)
        else:
            steps = 1
        timepoints = _count(root, "Streaming", "frames", sidecar, 0)
        interval = time_s((steps + flyback) / rate, "s") if rate else None
    else:
        timepoints = _count(root, "Timelapse", "timepoints", sidecar, 1)
        seconds = _number(root, "Timelapse", "intervalSec", sidecar)
        interval = time_s(seconds, "s") if seconds else None
    step = _number(root, "ZStage", "stepSizeUM", sidecar)
    return _Layout(
        width=width,
        height=height,
        channels=names or ("channel 0",),
        steps=steps,
        flyback=flyback,
        timepoints=timepoints,
        streaming=streaming,
        pixel_um=length_um(pixel, MICROMETER) if pixel else None,
        step_um=length_um(step, MICROMETER) if step else None,
        interval_s=interval,
    )


def _squeezed(array: da.Array, axes: str) -> tuple[da.Array, str]:
    """``array`` without its singleton T, Z and C axes (they appear when longer than 1)."""
    drop = [i for i, code in enumerate(axes) if code in "TZC" and array.shape[i] == 1]
    kept = "".join(code for i, code in enumerate(axes) if i not in drop)
    out: da.Array = array[tuple(0 if i in drop else slice(None) for i in range(len(axes)))]
    return out, kept


def _lazy(raw: Path, layout: _Layout) -> da.Array:
    frame = len(layout.channels) * layout.height * layout.width * _DTYPE.itemsize
    size = raw.stat().st_size
    described = (
        f"{len(layout.channels)} channels of {layout.height} x {layout.width} uint16 pixels "
        f"({frame} bytes a frame)"
    )
    if size % frame:
        raise InvalidMetadataError(
            f"expected whole frames of {described} as Experiment.xml describes, found "
            f"{size} bytes ({size / frame:.2f} frames)",
            path=str(raw),
        )
    frames = size // frame
    per_volume = layout.steps + layout.flyback
    timepoints = frames // per_volume
    declared = layout.timepoints or timepoints
    if timepoints == 0:
        raise InvalidMetadataError(
            f"expected at least one time point of {_n(per_volume, 'frame')} of {described}, "
            f"found {_n(frames, 'frame')}",
            path=str(raw),
        )
    if timepoints > declared or (timepoints == declared and frames % per_volume):
        raise InvalidMetadataError(
            f"expected {_n(declared, 'time point')} of {_n(per_volume, 'frame')} of {described} "
            f"as Experiment.xml declares, found {_n(frames, 'frame')}",
            path=str(raw),
        )
    if timepoints < declared or frames % per_volume:
        warnings.warn(
            f"{raw}: Experiment.xml declares {_n(declared, 'time point')} of "
            f"{_n(per_volume, 'frame')}, the file holds {_n(frames, 'frame')}: reading the "
            f"{_n(timepoints, 'whole time point')} (acquisition stopped early?)",
            NgffWarning,
            stacklevel=2,
        )
    shape = (timepoints, per_volume, len(layout.channels), layout.height, layout.width)
    mapped = np.memmap(raw, dtype=_DTYPE, mode="r", shape=shape)
    unit = (1, 1, 1, 1, layout.width)  # rows are contiguous
    chunks = grouped_chunks(shape, unit, _DTYPE.itemsize, config.read_chunk_bytes)
    name = f"thorlabs-{raw}-{raw.stat().st_mtime_ns}"
    array: da.Array = da.from_array(
        mapped, chunks=chunks, name=name, meta=np.empty((0,) * 5, _DTYPE)
    )
    if layout.flyback:
        array = array[:, : layout.steps]
    return array


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


READER = _ThorlabsReader()
