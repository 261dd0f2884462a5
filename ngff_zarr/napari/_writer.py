"""The plugin's writers: napari image and labels layers to an OME-Zarr store.

napari hands a writer plain layer data: the array (or the list of levels of a multiscale
layer) and the layer's attributes (``name``, ``scale``, ``translate``, ``axis_labels``,
``units``, ``colormap``, ``contrast_limits``, ``visible``, ``rgb``, ``metadata``). An image
layer is written as the full-resolution level with a new pyramid; several image layers of the
same shape are the channels of one image (their names, colours and contrast limits its
``omero``); labels layers are written as label images of that image.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import dask.array as da
import numpy as np

from .._palette import NAMED_COLORS
from ..errors import InvalidDimsError, NgffValueError, StoreExistsError
from ..labels import write_labels as write_label_image
from ..multiscales import Multiscales
from ..ngff_image import NgffImage
from ..to_multiscales import to_multiscales
from ..to_ngff_zarr import to_ngff_zarr
from ..v04.omero import Omero, OmeroChannel, OmeroWindow
from ..vocab import DIMS
from ._layers import LayerData

__all__ = ["write_image", "write_labels", "write_layers"]

# the dims of a layer without axis labels that name them, by its number of dims
_DEFAULT_DIMS = (
    ("x",),
    ("y", "x"),
    ("z", "y", "x"),
    ("t", "z", "y", "x"),
    ("t", "c", "z", "y", "x"),
)


def write_image(
    path: str | os.PathLike[str], data: Any, attributes: Mapping[str, Any]
) -> list[str]:
    """npe2 single-layer writer: one image layer as a new OME-Zarr image at ``path``.

    Examples
    --------
    >>> import numpy as np, tempfile, pathlib
    >>> import ngff_zarr as nz
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "saved.ome.zarr"
    >>> written = write_image(path, np.zeros((64, 64), "uint8"),
    ...     {"name": "cells", "scale": (0.5, 0.5), "axis_labels": ("y", "x")})
    >>> written == [str(path)], nz.from_ngff_zarr(path).images[0].scale
    (True, {'y': 0.5, 'x': 0.5})
    """
    return write_layers(path, [(data, dict(attributes), "image")])


def write_labels(
    path: str | os.PathLike[str], data: Any, attributes: Mapping[str, Any]
) -> list[str]:
    """npe2 single-layer writer: one labels layer into the OME-Zarr image at ``path``.

    The label image is added beside the image (``labels/<layer name>``); a path that holds
    no image is refused (save the labels together with an image layer).
    """
    return write_layers(path, [(data, dict(attributes), "labels")])


def write_layers(path: str | os.PathLike[str], layers: Sequence[LayerData]) -> list[str]:
    """npe2 multi-layer writer: image layers as one image (one channel each), then labels.

    Parameters
    ----------
    path
        The new store (image layers given), or an existing OME-Zarr image (labels only).
    layers
        ``(data, attributes, layer_type)`` per layer, ``layer_type`` ``"image"`` or
        ``"labels"``.

    Returns
    -------
    list of str
        ``[path]``.

    Raises
    ------
    NgffValueError
        A layer type other than image and labels; image layers of different shapes or
        placements; labels without an image layer nor an image at ``path``.
    StoreExistsError
        ``path`` exists and image layers were given (napari asks before overwriting; this
        plugin never replaces a store).
    """
    images = [(d, a) for d, a, kind in layers if kind == "image"]
    labels = [(d, a) for d, a, kind in layers if kind == "labels"]
    other = sorted({kind for _, _, kind in layers} - {"image", "labels"})
    if other:
        raise NgffValueError(
            f"layers: expected image and labels layers, got {other}; OME-Zarr holds neither"
        )
    target = Path(os.fspath(path))
    if images:
        if target.exists():
            raise StoreExistsError(f"{target}: exists; choose a new path for the OME-Zarr store")
        to_ngff_zarr(target, _multiscales(images))
    elif not labels:
        raise NgffValueError("layers: expected at least one image or labels layer, got none")
    for data, attributes in labels:
        name = str(attributes.get("name") or "labels")
        colors = _label_colors(attributes.get("colormap"))
        write_label_image(target, name, _level0(data, attributes), colors=colors)
    return [str(target)]


def _multiscales(images: Sequence[tuple[Any, Mapping[str, Any]]]) -> Multiscales:
    channels = [_image(data, attributes) for data, attributes in images]
    first = channels[0]
    for other, (_, attributes) in zip(channels[1:], images[1:], strict=True):
        if (other.dims, other.shape, other.scale, other.translation) != (
            first.dims,
            first.shape,
            first.scale,
            first.translation,
        ):
            raise NgffValueError(
                f"layers: image layers become the channels of one image and must match; "
                f"{attributes.get('name')!r} has dims {other.dims}, shape {other.shape}, "
                f"scale {other.scale}, translation {other.translation}, the first "
                f"{first.dims}, {first.shape}, {first.scale}, {first.translation}"
            )
    windows = [_window(data, attributes) for data, attributes in images]
    colors = [_color(attributes.get("colormap")) for _, attributes in images]
    names = [
        str(attributes.get("name") or f"channel {i}") for i, (_, attributes) in enumerate(images)
    ]
    if len(channels) == 1 and "c" in first.dims:  # one multi-channel layer: keep its channels
        image = first
        omero = None
    else:
        if len(channels) == 1:
            image = replace(first, channel_names=names, channel_colors=_filled(colors))
        else:
            stacked = da.stack([c.data for c in channels], axis=_channel_axis(first.dims))
            dims = _with_channel(first.dims)
            image_name, names = _common_name(names)
            image = NgffImage(
                stacked,
                dims,
                {**first.scale, "c": 1.0},
                {**first.translation, "c": 0.0},
                name=image_name,
                axes_units=first.axes_units,
                channel_names=names,
                channel_colors=_filled(colors),
            )
        omero = None
        if all(w is not None for w in windows):  # else to_ngff_zarr computes them
            omero = Omero(
                channels=[
                    OmeroChannel(
                        color=color or "FFFFFF",
                        window=window,
                        label=name,
                        active=bool(attributes.get("visible", True)),
                    )
                    for color, window, name, (_, attributes) in zip(
                        colors, windows, names, images, strict=True
                    )
                    if window is not None
                ]
            )
    multiscales = to_multiscales(image)
    if omero is not None:
        multiscales.metadata = replace(multiscales.metadata, omero=omero)
    return multiscales


def _image(data: Any, attributes: Mapping[str, Any]) -> NgffImage:
    array = _level0(data, attributes)
    ndim = array.ndim
    dims = _dims(attributes, ndim)
    spatial = [d for d in dims if d != "c"]
    scale = _per_dim(attributes.get("scale"), spatial, "scale")
    translation = _per_dim(attributes.get("translate"), spatial, "translate")
    units = attributes.get("units")
    axes_units: dict[str, str] = {}
    if units is not None:
        for dim, unit in zip(spatial, units, strict=False):
            text = str(unit)
            if text not in ("pixel", "", "dimensionless"):
                axes_units[dim] = text
    return NgffImage(
        array,
        dims,
        scale,
        translation,
        name=str(attributes.get("name") or "image"),
        axes_units=axes_units or None,
    )


def _level0(data: Any, attributes: Mapping[str, Any]) -> da.Array:
    """The full-resolution array of a layer (the first level of a multiscale one).

    A multiscale layer's data is a list of levels from a reader, napari's own sequence of
    levels from a viewer (``multiscale`` is then True in the attributes).
    """
    if attributes.get("multiscale") or isinstance(data, list | tuple):
        data = data[0]
    array: da.Array = data if isinstance(data, da.Array) else da.asarray(data)
    return array


def _dims(attributes: Mapping[str, Any], ndim: int) -> tuple[str, ...]:
    """The layer's dims: its metadata's (layers this plugin read), its axis labels, or a guess."""
    metadata = attributes.get("metadata") or {}
    stated = metadata.get("dims") if isinstance(metadata, Mapping) else None
    if stated is not None and "channel" in metadata and "c" in stated:  # one channel of an image
        stated = tuple(d for d in stated if d != "c")
    if stated is not None and len(stated) == ndim:
        return tuple(str(d) for d in stated)
    labels = attributes.get("axis_labels")
    rgb = bool(attributes.get("rgb"))
    spatial_ndim = ndim - 1 if rgb else ndim
    if labels is not None and len(labels) == spatial_ndim and set(labels) <= set(DIMS):
        names = tuple(str(d) for d in labels)
    elif 1 <= spatial_ndim <= len(_DEFAULT_DIMS):
        names = _DEFAULT_DIMS[spatial_ndim - 1]
    else:
        raise InvalidDimsError(f"layer: expected 1 to 5 dims, got {ndim}")
    return (*names, "c") if rgb else names


def _per_dim(values: Any, dims: Sequence[str], field: str) -> dict[str, float]:
    if values is None:
        return {}
    values = [float(v) for v in values]
    if len(values) != len(dims):
        raise NgffValueError(f"{field}: expected one value per dim {list(dims)}, got {values}")
    return dict(zip(dims, values, strict=True))


def _with_channel(dims: tuple[str, ...]) -> tuple[str, ...]:
    index = _channel_axis(dims)
    return (*dims[:index], "c", *dims[index:])


def _channel_axis(dims: tuple[str, ...]) -> int:
    """Where ``c`` goes: after ``t`` (the spec's order), else first."""
    return 1 if dims and dims[0] == "t" else 0


def _window(data: Any, attributes: Mapping[str, Any]) -> OmeroWindow | None:
    limits = attributes.get("contrast_limits")
    if limits is None:
        return None
    start, end = (float(v) for v in limits)
    dtype = np.dtype(_level0(data, attributes).dtype)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        low, high = float(info.min), float(info.max)
    else:
        low, high = start, end
    return OmeroWindow(min=low, max=high, start=start, end=end)


def _color(colormap: Any) -> str | None:
    """The RRGGBB colour of a one-colour map: a name, a ``#RRGGBB`` or napari's colours."""
    if colormap is None:
        return None
    if isinstance(colormap, str):
        text = colormap.strip().lstrip("#")
        if colormap.strip().lower() in NAMED_COLORS:
            return NAMED_COLORS[colormap.strip().lower()]
        if len(text) == 6 and all(ch in "0123456789abcdefABCDEF" for ch in text):
            return text.upper()
        return None
    colors = (
        colormap.get("colors")
        if isinstance(colormap, Mapping)
        else getattr(colormap, "colors", None)
    )
    if colors is None:
        return _color(getattr(colormap, "name", None))
    last = np.asarray(colors, dtype=float)[-1]
    return "".join(f"{round(float(v) * 255):02X}" for v in last[:3])


def _filled(colors: list[str | None]) -> list[str] | None:
    return None if all(c is None for c in colors) else [c or "FFFFFF" for c in colors]


def _common_name(names: list[str]) -> tuple[str, list[str]]:
    """The image name and channel names of layers named ``"{image} {channel}"`` (as read).

    Layers named otherwise keep their names as channel names, in an image named ``image``.
    """
    heads = {n.rsplit(" ", 1)[0] for n in names}
    if len(names) > 1 and len(heads) == 1 and all(" " in n for n in names):
        head = heads.pop()
        return head, [n[len(head) + 1 :] for n in names]
    return "image", names


def _label_colors(colormap: Any) -> dict[int | float, Sequence[int]] | None:
    """``{value: rgba}`` of a labels layer's direct colour map (None: keep the defaults)."""
    mapping = colormap if isinstance(colormap, Mapping) else getattr(colormap, "color_dict", None)
    if not mapping:
        return None
    out: dict[int | float, Sequence[int]] = {}
    for value, rgba in mapping.items():
        if value is None:
            continue
        channels = [round(float(v) * 255) for v in np.asarray(rgba, dtype=float).ravel()[:4]]
        out[int(value)] = (
            channels[0],
            channels[1],
            channels[2],
            channels[3] if len(channels) > 3 else 255,
        )
    return out or None
