"""Read microscope files into :class:`~ngff_zarr.NgffImage`: ``read_image``, ``read_images``,
``read_multiscales``.

The reader for a file is chosen by its content (magic bytes), then by its extension, or by name
(``reader="czi"``); see :mod:`ngff_zarr.formats`. Every result is lazy: its dask chunks read the
file's pages, planes or tiles on demand, so converting a file larger than memory streams it.

How a file's native axes become NGFF dims:

* ``T C Z Y X`` map to ``t c z y x``; tifffile's samples axis ``S`` and the wavelength sweeps
  of spectral scans, ``λ`` (emission) and ``Λ`` (excitation), map to ``c``.
* Any other axis (tifffile's ``Q`` unknown, ``I`` image sequence, ...) of length 1 is dropped.
  A longer one needs ``dims`` from the caller; without them the *documented default* applies:
  it becomes the first unused of ``t``, ``z``, ``c``, with an :class:`~ngff_zarr.NgffWarning`.
* A line scan with one spatial axis (``x``) gets a singleton ``y`` (spacing = the x spacing).
* Axes are transposed lazily to the spec order t, c, z, y, x.

Missing calibration is never invented silently: an uncalibrated spatial or time dim gets scale 1
without a unit and an :class:`~ngff_zarr.NgffWarning` that names it.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import dask.array as da

from .errors import InvalidDimsError, InvalidMetadataError, NgffValueError, NgffWarning
from .formats import SourceImage, select_reader
from .multiscales import Multiscales, build_metadata, default_chunks
from .ngff_image import NgffImage
from .vocab import DIM_TYPES, DIMS

__all__ = ["read_image", "read_images", "read_multiscales"]

_NATIVE_TO_DIM = {"T": "t", "C": "c", "S": "c", "λ": "c", "Λ": "c", "Z": "z", "Y": "y", "X": "x"}
_DEFAULT_FOR_UNKNOWN = ("t", "z", "c")


def read_image(
    path: str | Path,
    *,
    series: int = 0,
    reader: str | None = None,
    dims: Sequence[str] | None = None,
    scale: Mapping[str, float] | None = None,
    axes_units: Mapping[str, str] | None = None,
    channel_names: Sequence[str] | None = None,
) -> NgffImage:
    """Read one series (or scene, position, tile) of a microscope file as a lazy image.

    Parameters
    ----------
    path
        The file (TIFF, OME-TIFF, ImageJ TIFF, LSM, CZI, ND2, LIF).
    series
        Which series, scene, position or tile (``read_images`` gives all of them).
    reader
        A reader name from :data:`ngff_zarr.formats.READERS`, to bypass detection.
    dims
        NGFF names of the file's native axes, in the file's order (e.g. ``("t", "y", "x")`` for
        a ``QYX`` TIFF). Overrides what the file says.
    scale
        Pixel spacing per dim, overriding the file.
    axes_units
        Unit per dim, overriding the file.
    channel_names
        One name per channel, overriding the file.

    Returns
    -------
    NgffImage
        Level 0, dims in t, c, z, y, x order, with the file's channel names and colours.
        ``provenance`` holds the reader, the file, the native axes and the original metadata.

    Raises
    ------
    PathNotFoundError
        ``path`` does not exist (also a ``FileNotFoundError``).
    InvalidMetadataError
        No reader recognises the file.
    NgffValueError
        ``series`` is out of range, or an override does not fit the image.
    InvalidDimsError
        ``dims`` do not fit the file's axes.
    DependencyError
        The format's optional package is not installed (the message names the pip extra).

    Examples
    --------
    >>> import numpy as np, tifffile, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "stack.tif"
    >>> tifffile.imwrite(path, np.zeros((3, 8, 8), "uint8"), imagej=True,
    ...                  resolution=(2.0, 2.0), metadata={"axes": "ZYX", "unit": "um",
    ...                  "spacing": 1.5})
    >>> image = read_image(path)
    >>> image.dims, image.scale
    (('z', 'y', 'x'), {'z': 1.5, 'y': 0.5, 'x': 0.5})
    """
    sources, entry_name = _read_sources(Path(path), reader)
    source = _pick(sources, series, path)
    return _to_image(
        source,
        level=0,
        context=_Context(Path(path), entry_name, series, len(sources)),
        dims=dims,
        scale=scale,
        axes_units=axes_units,
        channel_names=channel_names,
    )


def read_images(
    path: str | Path,
    *,
    reader: str | None = None,
    dims: Sequence[str] | None = None,
    scale: Mapping[str, float] | None = None,
    axes_units: Mapping[str, str] | None = None,
    channel_names: Sequence[str] | None = None,
) -> list[NgffImage]:
    """Every series, scene, position or tile of a file, one lazy image each.

    Parameters are those of :func:`read_image`; the overrides apply to every image.

    Examples
    --------
    >>> import numpy as np, tifffile, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "two.ome.tif"
    >>> with tifffile.TiffWriter(path, ome=True) as tif:
    ...     tif.write(np.zeros((4, 4), "uint8"), metadata={"axes": "YX", "PhysicalSizeX": 1.0,
    ...               "PhysicalSizeY": 1.0})
    ...     tif.write(np.ones((2, 2), "uint8"), metadata={"axes": "YX", "PhysicalSizeX": 2.0,
    ...               "PhysicalSizeY": 2.0})
    >>> [image.shape for image in read_images(path)]
    [(4, 4), (2, 2)]
    """
    sources, entry_name = _read_sources(Path(path), reader)
    return [
        _to_image(
            source,
            level=0,
            context=_Context(Path(path), entry_name, index, len(sources)),
            dims=dims,
            scale=scale,
            axes_units=axes_units,
            channel_names=channel_names,
        )
        for index, source in enumerate(sources)
    ]


def read_multiscales(
    path: str | Path,
    *,
    series: int = 0,
    reader: str | None = None,
    dims: Sequence[str] | None = None,
    scale: Mapping[str, float] | None = None,
    axes_units: Mapping[str, str] | None = None,
    channel_names: Sequence[str] | None = None,
) -> Multiscales:
    """One series with the pyramid the file stores (OME-TIFF SubIFDs, CZI pyramids).

    The levels are the stored ones, not recomputed; a file without a pyramid gives one level.
    The ``omero`` metadata carries the channel names and colours. Parameters are those of
    :func:`read_image`.

    Examples
    --------
    >>> import numpy as np, tifffile, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pyramid.ome.tif"
    >>> with tifffile.TiffWriter(path, ome=True) as tif:
    ...     tif.write(np.zeros((8, 8), "uint8"), subifds=1, metadata={"axes": "YX",
    ...               "PhysicalSizeX": 0.5, "PhysicalSizeY": 0.5})
    ...     tif.write(np.zeros((4, 4), "uint8"), subfiletype=1)
    >>> ms = read_multiscales(path)
    >>> [(im.shape, im.scale["x"]) for im in ms.images]
    [((8, 8), 0.5), ((4, 4), 1.0)]
    """
    sources, entry_name = _read_sources(Path(path), reader)
    source = _pick(sources, series, path)
    context = _Context(Path(path), entry_name, series, len(sources))
    images = [
        _to_image(
            source,
            level=level,
            context=context,
            dims=dims,
            scale=scale,
            axes_units=axes_units,
            channel_names=channel_names,
            quiet=level > 0,
        )
        for level in range(len(source.levels))
    ]
    first = images[0]
    return Multiscales(
        images=images,
        metadata=build_metadata(images),
        chunks=default_chunks(None, first.dims, first.shape),
    )


class _Context:
    __slots__ = ("count", "path", "reader", "series")

    def __init__(self, path: Path, reader: str, series: int, count: int) -> None:
        self.path, self.reader, self.series, self.count = path, reader, series, count


def _read_sources(path: Path, reader: str | None) -> tuple[list[SourceImage], str]:
    entry = select_reader(path, reader)
    sources = entry.load().read(path)
    if not sources:
        raise InvalidMetadataError("expected at least one image, found none", path=str(path))
    return sources, entry.name


def _pick(sources: list[SourceImage], series: int, path: str | Path) -> SourceImage:
    if not -len(sources) <= series < len(sources):
        raise NgffValueError(
            f"series: expected an index in 0..{len(sources) - 1} for {path}, got {series}"
        )
    return sources[series]


def _native_dims(source: SourceImage, dims: Sequence[str] | None, path: Path) -> list[str | None]:
    """The NGFF dim of each native axis, ``None`` for a singleton axis to drop."""
    shape = source.levels[0].shape
    if dims is not None:
        dims = [str(d) for d in dims]
        if len(dims) != len(source.axes):
            raise InvalidDimsError(
                f"dims: expected one name per native axis {source.axes!r} of {path.name}, "
                f"got {len(dims)} names {dims}"
            )
        if len(set(dims)) != len(dims) or not set(dims) <= set(DIMS):
            raise InvalidDimsError(f"dims: expected distinct names from {list(DIMS)}, got {dims}")
        return list(dims)
    out: list[str | None] = []
    for code, size in zip(source.axes, shape, strict=True):
        dim = _NATIVE_TO_DIM.get(code)
        if dim is not None and dim in out and size > 1 and shape[out.index(dim)] == 1:
            out[out.index(dim)] = None  # an earlier singleton gives way (C of 1, then S of 3)
        if dim is not None and dim in out and size > 1:
            raise InvalidDimsError(
                f"dims: native axes {source.axes!r} of {path.name} map {code!r} to {dim!r}, "
                f"a dim already used; pass dims=... naming each native axis"
            )
        out.append(None if size == 1 and (dim is None or dim in out) else dim)
    for index, (code, size) in enumerate(zip(source.axes, shape, strict=True)):
        if code in _NATIVE_TO_DIM or size == 1:
            continue
        free = [d for d in _DEFAULT_FOR_UNKNOWN if d not in out]
        if not free:
            raise InvalidDimsError(
                f"dims: the file's axis {code!r} (length {size}) has no known meaning and no dim "
                f"is left for it; pass dims=... naming each native axis {source.axes!r}"
            )
        out[index] = free[0]
        warnings.warn(
            f"{path.name}: axis {code!r} of native axes {source.axes!r} has no known meaning; "
            f"taken as {free[0]!r} (pass dims=... to choose)",
            NgffWarning,
            stacklevel=4,
        )
    return out


def _to_image(
    source: SourceImage,
    *,
    level: int,
    context: _Context,
    dims: Sequence[str] | None,
    scale: Mapping[str, float] | None,
    axes_units: Mapping[str, str] | None,
    channel_names: Sequence[str] | None,
    quiet: bool = False,
) -> NgffImage:
    data = source.levels[level]
    level0_shape = source.levels[0].shape
    with warnings.catch_warnings():
        if quiet:
            warnings.simplefilter("ignore", NgffWarning)
        native = _native_dims(source, dims, context.path)
    drop = tuple(i for i, d in enumerate(native) if d is None)
    if drop:
        data = data.squeeze(axis=drop)
    kept = [d for d in native if d is not None]
    # stored pyramids halve with floor division (237 -> 118): the factor is the rounded ratio
    level_factor = {
        d: float(max(1, round(level0_shape[i] / source.levels[level].shape[i])))
        for i, d in enumerate(native)
        if d is not None
    }
    line_scan = "x" in kept and "y" not in kept  # one spatial axis: add a singleton y
    if line_scan:
        data = da.expand_dims(data, kept.index("x"))
        kept.insert(kept.index("x"), "y")
        level_factor["y"] = 1.0
    if not {"y", "x"} <= set(kept):
        raise InvalidDimsError(
            f"dims: expected y and x among the dims of {context.path.name}, got {kept}"
        )
    order = sorted(range(len(kept)), key=lambda i: DIMS.index(kept[i]))
    if order != list(range(len(kept))):  # a transpose would stop dask fusing region slices
        data = data.transpose(order)
    out_dims = tuple(kept[i] for i in order)
    physical, units = _calibration(
        source, out_dims, scale, axes_units, context, quiet=quiet, line_scan=line_scan
    )
    for dim, factor in level_factor.items():
        if dim in physical and dim in ("z", "y", "x"):
            physical[dim] *= factor
    translation = {d: float(source.translation.get(d, 0.0)) if d != "c" else 0.0 for d in out_dims}
    for dim in ("z", "y", "x"):
        factor = level_factor.get(dim, 1.0)
        if dim in translation and factor != 1.0:
            translation[dim] += (factor - 1.0) / 2.0 * physical[dim] / factor
    names = _channel_names(source, channel_names, data.shape, out_dims)
    provenance: dict[str, Any] = {
        "reader": context.reader,
        "path": str(context.path),
        "series": context.series,
        "series_count": context.count,
        "axes_native": source.axes,
        "native_dims": [d for d in native if d is not None],
        "level": level,
        "metadata": dict(source.metadata),
    }
    count = data.shape[out_dims.index("c")] if "c" in out_dims else 1
    colors = source.channel_colors
    return NgffImage(
        data=data,
        dims=out_dims,
        scale=physical,
        translation=translation,
        name=source.name,
        axes_units=units or None,
        channel_names=list(names) if names is not None else None,
        channel_colors=list(colors) if colors and len(colors) == count else None,
        provenance=provenance,
    )


def _calibration(
    source: SourceImage,
    dims: tuple[str, ...],
    scale: Mapping[str, float] | None,
    axes_units: Mapping[str, str] | None,
    context: _Context,
    *,
    quiet: bool,
    line_scan: bool,
) -> tuple[dict[str, float], dict[str, str]]:
    scale = dict(scale or {})
    for dim, value in scale.items():
        if dim not in dims:
            raise InvalidDimsError(f"scale: expected keys among the dims {list(dims)}, got {dim!r}")
        if not float(value) > 0:
            raise NgffValueError(f"scale[{dim!r}]: expected a positive spacing, got {value!r}")
    physical: dict[str, float] = {}
    units: dict[str, str] = {}
    missing = []
    for dim in dims:
        if dim in scale:
            physical[dim] = float(scale[dim])
        elif dim in source.scale:
            physical[dim] = float(source.scale[dim])
        elif dim == "y" and line_scan and "x" in source.scale:
            physical[dim] = float(source.scale["x"])  # singleton y of a line scan
        else:
            physical[dim] = 1.0
            if dim != "c":
                missing.append(dim)
                continue
        if dim in source.units and (dim not in scale or dim in (axes_units or {})):
            units[dim] = source.units[dim]
        elif dim == "y" and line_scan and "x" in source.units:
            units[dim] = source.units["x"]
    for dim, unit in (axes_units or {}).items():
        if dim not in dims or DIM_TYPES[dim] == "channel":
            raise InvalidDimsError(
                f"axes_units: expected keys among the space/time dims of {list(dims)}, got {dim!r}"
            )
        units[dim] = unit
    if missing and not quiet:
        warnings.warn(
            f"{context.path.name} (series {context.series}): no physical "
            f"{'pixel size' if set(missing) - {'t'} else 'time increment'} for {missing} in the "
            "file; using scale 1 without unit (pass scale=... to set it)",
            NgffWarning,
            stacklevel=4,
        )
    return physical, units


def _channel_names(
    source: SourceImage,
    override: Sequence[str] | None,
    shape: tuple[int, ...],
    dims: tuple[str, ...],
) -> tuple[str, ...] | None:
    count = shape[dims.index("c")] if "c" in dims else 1
    if override is not None:
        if len(override) != count:
            raise NgffValueError(
                f"channel_names: expected {count} names (one per channel), got {len(override)}"
            )
        return tuple(str(n) for n in override)
    names = source.channel_names
    return names if names is not None and len(names) == count else None
