"""TIFF reader (tifffile): plain TIFF, OME-TIFF (multi-file sets, SubIFD pyramids), ImageJ, LSM.

Pixels are read through tifffile's zarr interface (or, for uncompressed contiguous data, with
``pread`` of the rows asked for). A dask chunk groups whole strips, tiles or rows up to
``config.read_chunk_bytes``, so a file stored one row per strip is not read strip by strip. Axes
are tifffile's series axes; reduced-resolution series (LSM thumbnails) are not images and are
skipped. Calibration comes from, in order of preference, the OME-XML, the LSM info block, the
ImageJ description (including its escaped ``\\u00B5m`` unit) and the TIFF resolution tags (only
when their unit is inch or centimeter: unit NONE is no calibration).

A multi-file OME-TIFF set is read whole from any member, its ``.companion.ome`` file or the
folder holding it (see :mod:`ngff_zarr.formats._ome`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InvalidMetadataError
from . import SourceImage
from ._calibration import MICROMETER, SECOND, is_length_unit, length_um, rgb_hex, time_s
from ._ome import binary_only, ome_images, resolve
from ._tiff_pixels import TiffSource, level_array, open_tiff

_RESOLUTION_UNIT_UM = {2: 25400.0, 3: 10000.0}  # TIFF ResolutionUnit inch, centimeter


class _TiffReader:
    def read(self, path: Path) -> list[SourceImage]:
        target, omexml = resolve(path)
        tif = open_tiff(target, omexml)
        try:
            if omexml is None and tif.is_ome:
                described = binary_only(tif.ome_metadata, target)
                if described is not None:  # a member of a set described in another file
                    tif.close()
                    target, omexml = described
                    tif = open_tiff(target, omexml)
            return self._series(tif, TiffSource(target, omexml))
        finally:
            tif.close()  # the lazy arrays read through the shared open files (_FILES)

    def _series(self, tif: Any, source: TiffSource) -> list[SourceImage]:
        path = source.path
        if not tif.series:
            raise InvalidMetadataError("not a readable TIFF file: no image data", path=str(path))
        ome = ome_images(tif.ome_metadata) if tif.is_ome else []
        full = [s for s in tif.series if not _is_reduced(s)]
        images = []
        for index, series in enumerate(tif.series):
            if full and _is_reduced(series):
                continue  # a thumbnail series (LSM) is not data
            levels = [
                level_array(tif, series, (index, level), source)
                for level in range(len(series.levels))
            ]
            meta: dict[str, Any] = {"kind": series.kind, "axes": series.axes}
            if index < len(ome):
                calibration = ome[index]
            elif tif.is_lsm:
                calibration = _lsm(tif.lsm_metadata or {})
            elif tif.is_imagej:
                calibration = _imagej(tif.imagej_metadata or {}, series.pages[0])
                meta["imagej"] = _jsonable(tif.imagej_metadata)
            else:
                calibration = _resolution(series.pages[0])
            meta.update(calibration.pop("metadata", {}))
            images.append(
                SourceImage(
                    levels=tuple(levels),
                    axes=series.axes.upper(),
                    name=calibration.pop("name", None) or series.name or path.stem,
                    metadata=meta,
                    **calibration,
                )
            )
        return images


def _is_reduced(series: Any) -> bool:
    """Whether a series is a reduced-resolution copy (NewSubfileType bit 0), e.g. a thumbnail."""
    page = getattr(series, "keyframe", None) or series.pages[0]
    return bool(int(getattr(page, "subfiletype", 0) or 0) & 1)


def _resolution(page: Any) -> dict[str, Any]:
    """Pixel size from X/YResolution, only when ResolutionUnit is inch or centimeter."""
    if page.tags.get("XResolution") is None or page.tags.get("YResolution") is None:
        return {}  # the tags' defaults (72 dpi) are no calibration
    factor = _RESOLUTION_UNIT_UM.get(int(page.resolutionunit or 1))
    xres, yres = page.resolution
    if factor is None or not xres or not yres:
        return {}
    scale = {"x": factor / xres, "y": factor / yres}
    return {"scale": scale, "units": dict.fromkeys(scale, MICROMETER)}


def _imagej(meta: dict[str, Any], page: Any) -> dict[str, Any]:
    unit = str(meta.get("unit", ""))
    scale: dict[str, float] = {}
    units: dict[str, str] = {}
    xres, yres = page.resolution if page.tags.get("XResolution") is not None else (0, 0)
    if is_length_unit(unit) and xres and yres:
        for dim, res in (("x", xres), ("y", yres)):
            value = length_um(1.0 / res, unit)
            if value is not None:
                scale[dim], units[dim] = value, MICROMETER
        spacing = meta.get("spacing")
        value = length_um(float(spacing), unit) if spacing is not None else None
        if value is not None:
            scale["z"], units["z"] = value, MICROMETER
    elif not unit:
        scale.update(_resolution(page).get("scale", {}))
        units.update(dict.fromkeys(scale, MICROMETER))
    interval = meta.get("finterval")
    if interval:
        step = time_s(float(interval), str(meta.get("tunit", "s")))
        if step is not None:
            scale["t"], units["t"] = step, SECOND
    out: dict[str, Any] = {"scale": scale, "units": units}
    luts = meta.get("LUTs")
    if luts:
        out["channel_colors"] = tuple(rgb_hex(*(int(v) for v in lut[:, -1])) for lut in luts)
    return out


def _lsm(meta: dict[str, Any]) -> dict[str, Any]:
    scale: dict[str, float] = {}
    for dim in "xyz":
        value = length_um(float(meta.get(f"VoxelSize{dim.upper()}", 0.0)), "m")
        if value is not None:
            scale[dim] = value
    units = dict.fromkeys(scale, MICROMETER)
    step = time_s(float(meta.get("TimeIntervall", 0.0) or 0.0), "s")
    if step is not None:
        scale["t"], units["t"] = step, SECOND
    out: dict[str, Any] = {"scale": scale, "units": units}
    colors = meta.get("ChannelColors") or {}
    if colors.get("ColorNames"):
        out["channel_names"] = tuple(str(n) for n in colors["ColorNames"])
    if colors.get("Colors"):
        out["channel_colors"] = tuple(rgb_hex(*c[:3]) for c in colors["Colors"])
    return out


def _jsonable(meta: dict[str, Any] | None) -> dict[str, Any]:
    """The scalar entries of a metadata dict (LUT arrays and the like are left out)."""
    if not meta:
        return {}
    keep = (str, int, float, bool)
    out: dict[str, Any] = {}
    for key, value in meta.items():
        if isinstance(value, keep):
            out[key] = value
        elif isinstance(value, list | tuple) and all(isinstance(v, keep) for v in value):
            out[key] = list(value)
    return out


READER = _TiffReader()
