"""Nikon ND2 reader (nd2): one image per XY position, lazy per-frame chunks.

Only axes present in ``sizes`` become dims: ``voxel_size().z`` is 1.0 by default for files
without a Z loop and is then ignored. The time increment is the nominal TimeLoop period, or,
when that is 0 ("no delay"), the mean interval between time points measured from the frame
events (the first frame of each time point: the frames of a Z stack or of the channels within
one time point are not time steps), or the loop's measured ``periodDiff.avg``. Translation is
the stage position of the position's first frame.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import InvalidMetadataError
from . import SourceImage
from ._calibration import MICROMETER, SECOND, length_um, rgb_hex, time_s


class _Nd2Reader:
    def read(self, path: Path) -> list[SourceImage]:
        import nd2

        try:
            handle = nd2.ND2File(path)
        except (OSError, ValueError) as exc:
            raise InvalidMetadataError(f"not a readable ND2 file: {exc}", path=str(path)) from exc
        with handle as f:
            sizes = dict(f.sizes)
            data = f.to_dask()
            scale, units = _calibration(f, sizes)
            channels = f.metadata.channels or [] if f.metadata else []
            names = tuple(str(c.channel.name) for c in channels) or None
            colors = (
                tuple(
                    rgb_hex(c.channel.color.r, c.channel.color.g, c.channel.color.b)
                    for c in channels
                )
                or None
            )
            positions = sizes.get("P", 1)
            starts = _position_frames(f, positions)
            translations = [_stage(f, frame, sizes) for frame in starts]
            meta: dict[str, Any] = {"sizes": sizes, "nd2_version": list(f.version)}
        axes = "".join(sizes)
        out = []
        for p in range(positions):
            array = data
            native = axes
            if "P" in sizes:
                array = data[(slice(None),) * axes.index("P") + (p,)]
                native = axes.replace("P", "")
            out.append(
                SourceImage(
                    levels=(array,),
                    axes=native,
                    scale=scale,
                    units=units,
                    translation=translations[p],
                    name=path.stem if positions == 1 else f"{path.stem} P{p}",
                    channel_names=names,
                    channel_colors=colors,
                    metadata={**meta, "position": p},
                )
            )
        return out


def _calibration(f: Any, sizes: dict[str, int]) -> tuple[dict[str, float], dict[str, str]]:
    voxel = f.voxel_size()
    scale: dict[str, float] = {}
    for dim, value in (("x", voxel.x), ("y", voxel.y), ("z", voxel.z)):
        if dim.upper() not in sizes and dim == "z":
            continue  # voxel_size().z is a default 1.0 when there is no Z loop
        um = length_um(float(value), "um") if value else None
        if um is not None:
            scale[dim] = um
    units = dict.fromkeys(scale, MICROMETER)
    if "T" in sizes:
        step = time_step(f.experiment or [], f.events())
        if step is not None:
            scale["t"], units["t"] = step, SECOND
    return scale, units


def time_step(loops: Sequence[Any], events: Sequence[Mapping[str, Any]]) -> float | None:
    """Seconds between time points, from nd2's ``experiment`` loops and ``events()`` records.

    The nominal period of the TimeLoop first; else the mean interval between the first frames
    of consecutive time points (``"T Index"``); else the loop's measured mean period.
    """
    timeloops = [loop for loop in loops if type(loop).__name__ == "TimeLoop"]
    for loop in timeloops:
        period = getattr(loop.parameters, "periodMs", None)
        if period and period > 0:
            return time_s(float(period), "ms")
    starts: dict[int, float] = {}
    for event in events:
        index, when = event.get("T Index"), event.get("Time [s]")
        if index is not None and when is not None:
            starts[int(index)] = min(float(when), starts.get(int(index), float("inf")))
    if len(starts) > 1:
        first, last = min(starts), max(starts)
        if starts[last] > starts[first]:
            return time_s((starts[last] - starts[first]) / (last - first), "s")
    for loop in timeloops:
        diff = getattr(loop.parameters, "periodDiff", None)
        if diff is not None and diff.avg and diff.avg > 0:
            return time_s(float(diff.avg), "ms")
    return None


def _position_frames(f: Any, positions: int) -> list[int]:
    if positions == 1:
        return [0]
    starts: dict[int, int] = {}
    for frame, index in enumerate(f.loop_indices):
        starts.setdefault(int(index.get("P", 0)), frame)
    return [starts.get(p, 0) for p in range(positions)]


def _stage(f: Any, frame: int, sizes: dict[str, int]) -> dict[str, float]:
    try:
        position = f.frame_metadata(frame).channels[0].position.stagePositionUm
    except (AttributeError, IndexError, ValueError):
        return {}
    out = {"x": float(position.x), "y": float(position.y)}
    if "Z" in sizes:
        out["z"] = float(position.z)
    return out


READER = _Nd2Reader()
