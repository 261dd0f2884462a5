"""``update_metadata``: change a stored image's metadata in place, never touching a pixel."""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ._editing.stored import StoredImage, open_image
from ._io.edit import edit_attributes
from ._io.locks import well_lock
from ._io.store import StoreLike
from ._versions import find_image
from .errors import NgffValueError
from .multiscales import default_channel
from .v04.axes import Axis
from .v04.multiscales import Dataset, Metadata
from .v04.omero import Omero, OmeroWindow
from .v04.transformations import Scale, Transform, Translation
from .vocab import DIM_TYPES, normalize_unit

__all__ = ["update_metadata"]

_COLOR = re.compile(r"[0-9A-Fa-f]{6}")

Window = Mapping[str, float] | Sequence[float]


def update_metadata(
    store: StoreLike,
    *,
    name: str | None = None,
    scale: Mapping[str, float] | None = None,
    translation: Mapping[str, float] | None = None,
    axes_units: Mapping[str, str | None] | None = None,
    channel_names: Sequence[str] | None = None,
    channel_colors: Sequence[str] | None = None,
    channel_windows: Sequence[Window] | None = None,
    storage_options: Mapping[str, Any] | None = None,
) -> None:
    """Change the metadata of a stored image in place; the arrays are not touched.

    Only the image group's attribute document is rewritten (atomically on a local store,
    under the group's lock, so concurrent edits of the image never lose one another). What is
    not given stays as it is; application attributes and other OME keys are kept.

    Parameters
    ----------
    store
        The image: a directory path, a zarr store or a zarr group (0.4 or 0.5).
    name
        The image's name (``multiscales[0].name``).
    scale
        The full resolution's pixel size per dim, e.g. ``{"z": 2.0, "y": 0.5, "x": 0.5}``; every
        lower level keeps its factor to it (its scale changes in the same ratio).
    translation
        The full resolution's translation per dim (its first pixel's centre); the lower levels
        move with it, keeping their offsets to it (scaled when ``scale`` changes).
    axes_units
        A unit per dim (``"micrometer"``, ``"µm"``, ``"second"``...), normalised to the spec's
        names; None removes a dim's unit.
    channel_names, channel_colors, channel_windows
        One per channel (``omero``): labels, colours as ``RRGGBB`` hex, display windows as
        ``(start, end)`` or a mapping with ``start``, ``end`` and optionally ``min``, ``max``.
        An image without ``omero`` gets it, with defaults for what is not given.
    storage_options
        Passed to fsspec for URLs.

    Raises
    ------
    NgffValueError
        A dim the image lacks, a scale that is not a positive number, a unit that is not one
        of its axis, or channel values not one per channel or malformed.
    UnsupportedVersionError
        The image is OME-NGFF 0.1 to 0.3 (convert it first).

    Examples
    --------
    >>> import numpy as np, os, tempfile
    >>> import ngff_zarr as nz
    >>> path = os.path.join(tempfile.mkdtemp(), "cells.ome.zarr")
    >>> image = nz.to_ngff_image(np.zeros((2, 32, 32), "uint8"), dims=("c", "y", "x"))
    >>> nz.to_ngff_zarr(path, nz.to_multiscales(image, scale_factors=[2]), version="0.5")
    >>> nz.update_metadata(path, scale={"y": 0.5, "x": 0.5}, axes_units={"y": "µm", "x": "µm"},
    ...                    channel_names=["DAPI", "GFP"], channel_windows=[(0, 120), (5, 200)])
    >>> back = nz.from_ngff_zarr(path)
    >>> back.images[1].scale, back.images[0].axes_units["x"], back.images[0].channel_names
    ({'c': 1.0, 'y': 1.0, 'x': 1.0}, 'micrometer', ['DAPI', 'GFP'])
    """
    image = open_image(store, storage_options=storage_options)
    changes = {
        "name": name, "scale": scale, "translation": translation, "axes_units": axes_units,
        "channel_names": channel_names, "channel_colors": channel_colors,
        "channel_windows": channel_windows,
    }  # fmt: skip
    _edit(image, image.metadata, changes)  # check every argument before writing anything

    def change(attrs: dict[str, Any]) -> dict[str, Any]:
        version, content = find_image(attrs, image.zarr_format, image.where())
        current = Metadata.from_dict(
            content["multiscales"][0],
            version=version,
            ndim=len(image.dims),
            omero=content.get("omero"),
            path=image.where(),
        )
        return image.with_metadata(_edit(image, current, changes))(attrs)

    with well_lock(image.store, image.path):
        edit_attributes(image.store, image.path, change)


def _edit(image: StoredImage, metadata: Metadata, changes: Mapping[str, Any]) -> Metadata:
    dims = metadata.dims
    out = metadata
    if changes["name"] is not None:
        if not isinstance(changes["name"], str):
            raise NgffValueError(f"name: expected a string, got {changes['name']!r}")
        out = dataclasses.replace(out, name=changes["name"])
    if changes["scale"] is not None or changes["translation"] is not None:
        out = _transforms(out, changes["scale"] or {}, changes["translation"] or {})
    if changes["axes_units"] is not None:
        out = dataclasses.replace(out, axes=_units(out.axes, changes["axes_units"]))
    channel_fields = ("channel_names", "channel_colors", "channel_windows")
    if any(changes[f] is not None for f in channel_fields):
        count = image.shapes[0][dims.index("c")] if "c" in dims else 1
        out = dataclasses.replace(out, omero=_channels(image, out.omero, count, changes))
    return out


def _numbers(field: str, given: Mapping[str, float], dims: tuple[str, ...]) -> dict[str, float]:
    if not isinstance(given, Mapping):
        raise NgffValueError(f"{field}: expected a mapping of dim to number, got {given!r}")
    unknown = [d for d in given if d not in dims]
    if unknown:
        raise NgffValueError(f"{field}: dims {unknown} are not image dims {list(dims)}")
    out = {}
    for d, v in given.items():
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise NgffValueError(f"{field}[{d!r}]: expected a finite number, got {v!r}")
        if field == "scale" and v <= 0:
            raise NgffValueError(f"scale[{d!r}]: expected a number > 0, got {v!r}")
        out[d] = float(v)
    return out


def _split(transforms: Sequence[Transform], n: int) -> tuple[list[float], list[float]]:
    scale, shift = [1.0] * n, [0.0] * n
    for t in transforms:  # scale then translate, in order
        if isinstance(t, Scale):
            scale = [a * b for a, b in zip(scale, t.scale, strict=True)]
            shift = [a * b for a, b in zip(shift, t.scale, strict=True)]
        else:
            shift = [a + b for a, b in zip(shift, t.translation, strict=True)]
    return scale, shift


def _transforms(
    metadata: Metadata, scale: Mapping[str, float], translation: Mapping[str, float]
) -> Metadata:
    """New dataset transformations: level 0 as given, every level keeping its relation to it."""
    dims = metadata.dims
    n = len(dims)
    new_scale = _numbers("scale", scale, dims)
    new_shift = _numbers("translation", translation, dims)
    overall_scale, overall_shift = _split(metadata.coordinateTransformations or [], n)
    own = [_split(ds.coordinateTransformations, n) for ds in metadata.datasets]
    s0, t0 = own[0]
    # the effective level 0 (dataset transformations, then the multiscale's)
    eff_s0 = [a * o for a, o in zip(s0, overall_scale, strict=True)]
    eff_t0 = [a * o + b for a, o, b in zip(t0, overall_scale, overall_shift, strict=True)]
    ratio = [new_scale[d] / eff_s0[i] if d in new_scale else 1.0 for i, d in enumerate(dims)]
    origin = [new_shift.get(d, eff_t0[i]) for i, d in enumerate(dims)]
    datasets = []
    for ds, (s, t) in zip(metadata.datasets, own, strict=True):
        # a level keeps its factor to level 0 and its offset from it (scaled with the pixels)
        own_s = [a * r for a, r in zip(s, ratio, strict=True)]
        eff_t = [
            o + (ti - t0i) * os_ * r
            for o, ti, t0i, os_, r in zip(origin, t, t0, overall_scale, ratio, strict=True)
        ]
        own_t = [(e - b) / o for e, b, o in zip(eff_t, overall_shift, overall_scale, strict=True)]
        transforms: list[Transform] = [Scale(own_s)]
        had = any(isinstance(x, Translation) for x in ds.coordinateTransformations)
        if had or any(v != 0 for v in own_t):
            transforms.append(Translation(own_t))
        datasets.append(Dataset(path=ds.path, coordinateTransformations=transforms))
    return dataclasses.replace(metadata, datasets=datasets)


def _units(axes: list[Axis], given: Mapping[str, str | None]) -> list[Axis]:
    if not isinstance(given, Mapping):
        raise NgffValueError(f"axes_units: expected a mapping of dim to unit, got {given!r}")
    names = [a.name for a in axes]
    unknown = [d for d in given if d not in names]
    if unknown:
        raise NgffValueError(f"axes_units: dims {unknown} are not image dims {names}")
    out = []
    for axis in axes:
        if axis.name not in given:
            out.append(axis)
            continue
        unit = given[axis.name]
        kind = axis.type if axis.type is not None else DIM_TYPES.get(axis.name)
        normal = None if unit is None else normalize_unit(unit, axis.name, kind)
        out.append(dataclasses.replace(axis, unit=normal))
    return out


def _channels(
    image: StoredImage, omero: Omero | None, count: int, changes: Mapping[str, Any]
) -> Omero:
    dtype = image.arrays[0].dtype
    channels = list(omero.channels) if omero is not None and len(omero.channels) == count else [
        default_channel(i, dtype) for i in range(count)
    ]  # fmt: skip
    for field in ("channel_names", "channel_colors", "channel_windows"):
        given = changes[field]
        if given is None:
            continue
        if isinstance(given, str | bytes) or len(given) != count:
            raise NgffValueError(f"{field}: expected one per channel ({count}), got {given!r}")
        for i, value in enumerate(given):
            channels[i] = _channel_field(field, i, value, channels[i])
    return Omero(channels=channels, name=omero.name if omero is not None else None)


def _channel_field(field: str, i: int, value: Any, channel: Any) -> Any:
    where = f"{field}[{i}]"
    if field == "channel_names":
        if not isinstance(value, str):
            raise NgffValueError(f"{where}: expected a string, got {value!r}")
        return dataclasses.replace(channel, label=value)
    if field == "channel_colors":
        if not isinstance(value, str) or not _COLOR.fullmatch(value):
            raise NgffValueError(f"{where}: expected a colour as RRGGBB hex, got {value!r}")
        return dataclasses.replace(channel, color=value.upper())
    window = channel.window
    if isinstance(value, Mapping):
        parts = {k: value.get(k, getattr(window, k)) for k in ("min", "max", "start", "end")}
        extra = sorted(set(value) - set(parts))
        if extra:
            raise NgffValueError(
                f"{where}: expected the keys ['start', 'end', 'min', 'max'], got {extra}"
            )
    elif isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2:
        parts = {"min": window.min, "max": window.max, "start": value[0], "end": value[1]}
    else:
        raise NgffValueError(f"{where}: expected (start, end) or a mapping, got {value!r}")
    bad = {
        k: v
        for k, v in parts.items()
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v)
    }
    if bad:
        raise NgffValueError(f"{where}: expected finite numbers, got {bad}")
    if parts["start"] > parts["end"]:
        raise NgffValueError(f"{where}: expected start <= end, got {parts}")
    return dataclasses.replace(
        channel, window=OmeroWindow(**{k: float(v) for k, v in parts.items()})
    )
