"""napari layer data from pyramids: plain ``(data, kwargs, layer_type)`` tuples, no napari.

napari builds its layers from these tuples (a reader's result); this module never imports
napari, so what the plugin shows is tested without a viewer.

- An image: one ``image`` layer per channel (the ``c`` axis split), each multiscale (the
  list of levels, finest first) with the physical ``scale`` and ``translate`` of level 0,
  ``axis_labels`` and ``units``, and from ``omero`` (or the image's channel names and
  colours) its name, colour map, contrast limits and visibility.
- A label image: one ``labels`` layer, multiscale, with its colours (a ``{value: rgba}``
  colour map) and properties (a ``features`` table).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..labels import LabelMultiscales
from ..multiscales import Multiscales
from ..ngff_image import NgffImage
from ..v04.omero import OmeroChannel
from ..vocab import SPACE_UNITS, TIME_UNITS

__all__ = ["LayerData", "image_layers", "label_layers"]

LayerData = tuple[Any, dict[str, Any], str]
"""What a napari reader returns per layer: (data, layer keyword arguments, layer type)."""

# the colour of a label value that the label image lists no colour for
_UNLISTED = (0.5, 0.5, 0.5, 1.0)

# units napari (through pint) understands: the spec's space and time units
_PINT_UNITS = SPACE_UNITS | TIME_UNITS


def image_layers(
    multiscales: Multiscales,
    *,
    name: str | None = None,
    offset: Mapping[str, float] | None = None,
) -> list[LayerData]:
    """The napari ``image`` layers of a pyramid: one per channel.

    Parameters
    ----------
    multiscales
        The pyramid (its levels are passed lazily, finest first).
    name
        Prefix of the layer names (default: the image's name); a channel's layer is named
        ``"{name} {channel}"`` when the image has several channels, else ``name``.
    offset
        Physical offset added to each dim's translation (a plate field's place on the plate).

    Returns
    -------
    list of LayerData
        ``(levels, kwargs, "image")`` per channel, in channel order.

    Examples
    --------
    >>> import numpy as np
    >>> import ngff_zarr as nz
    >>> image = nz.NgffImage(np.zeros((2, 64, 64), "uint8"), ("c", "y", "x"),
    ...     {"y": 0.5, "x": 0.5}, {}, channel_names=["DAPI", "GFP"],
    ...     channel_colors=["0000FF", "00FF00"])
    >>> layers = image_layers(nz.to_multiscales(image, scale_factors=[2]))
    >>> [(kw["name"], kw["scale"], len(data)) for data, kw, kind in layers]
    [('image DAPI', (0.5, 0.5), 2), ('image GFP', (0.5, 0.5), 2)]
    >>> layers[1][1]["colormap"]["colors"]
    [[0.0, 0.0, 0.0, 1.0], [0.0, 1.0, 0.0, 1.0]]
    """
    first = multiscales.images[0]
    base = name if name is not None else first.name
    levels = [level.data for level in multiscales.images]
    kwargs = _placement(first, offset)
    if "c" not in first.dims:
        channel = _channels(multiscales, 1)[0]
        return [(_stack(levels), {**kwargs, **_display(channel, base)}, "image")]
    axis = first.dims.index("c")
    count = first.sizes["c"]
    channels = _channels(multiscales, count)
    layers: list[LayerData] = []
    for index, channel in enumerate(channels):
        picked = [level[(slice(None),) * axis + (index,)] for level in levels]
        label = channel.label or str(index)
        title = f"{base} {label}" if count > 1 else base
        display = _display(channel, title)
        if count > 1:
            display["blending"] = "additive"
        display["metadata"] = {**kwargs["metadata"], "channel": index}
        layers.append((_stack(picked), {**kwargs, **display}, "image"))
    return layers


def label_layers(
    labels: Mapping[str, LabelMultiscales],
    *,
    prefix: str | None = None,
    offset: Mapping[str, float] | None = None,
) -> list[LayerData]:
    """The napari ``labels`` layers of an image's label images: one per label image.

    Examples
    --------
    >>> import numpy as np
    >>> import ngff_zarr as nz
    >>> from ngff_zarr.v04.labels import ImageLabel
    >>> pyramid = nz.to_multiscales(nz.to_ngff_image(np.ones((8, 8), "uint8")), [2],
    ...     method="mode")
    >>> label = nz.LabelMultiscales.of(pyramid, ImageLabel.from_maps(colors={1: (0, 255, 0)}))
    >>> [(kw["name"], kw["colormap"][1]) for _, kw, _ in label_layers({"cells": label})]
    [('cells', (0.0, 1.0, 0.0, 1.0))]
    """
    layers: list[LayerData] = []
    for label_name, label in labels.items():
        first = label.images[0]
        kwargs = _placement(first, offset)
        kwargs["name"] = f"{prefix} {label_name}" if prefix else label_name
        colors = label.colors
        if colors:
            # listed values in their colours, 0 (background) clear unless listed, any other
            # value opaque grey (napari's direct map needs a default)
            colormap: dict[Any, tuple[float, ...]] = {
                None: _UNLISTED,
                0: (0.0, 0.0, 0.0, 0.0),
            }
            colormap.update(
                {value: tuple(round(v / 255, 6) for v in rgba) for value, rgba in colors.items()}
            )
            kwargs["colormap"] = colormap
        properties = label.properties
        if properties:
            columns = sorted({key for values in properties.values() for key in values})
            values = list(properties)
            kwargs["features"] = {
                "index": values,
                **{c: [properties[v].get(c) for v in values] for c in columns},
            }
        kwargs["metadata"] = {**kwargs["metadata"], "label": label_name}
        layers.append((_stack([level.data for level in label.images]), kwargs, "labels"))
    return layers


def _stack(levels: Sequence[Any]) -> Any:
    """One level as the array itself, several as the list napari reads as multiscale."""
    return levels[0] if len(levels) == 1 else list(levels)


def _placement(image: NgffImage, offset: Mapping[str, float] | None) -> dict[str, Any]:
    """scale, translate, axis labels and units of level 0, for every dim but ``c``."""
    dims = [d for d in image.dims if d != "c"]
    shift = offset or {}
    kwargs: dict[str, Any] = {
        "scale": tuple(image.scale[d] for d in dims),
        "translate": tuple(image.translation[d] + shift.get(d, 0.0) for d in dims),
        "axis_labels": tuple(dims),
        "metadata": {"dims": tuple(image.dims)},
    }
    units = image.axes_units or {}
    # napari parses units with pint: give them when every unit is one of the spec's names
    if units and all(u in _PINT_UNITS for u in units.values()):
        kwargs["units"] = tuple(units.get(d, "pixel") for d in dims)
    return kwargs


def _channels(multiscales: Multiscales, count: int) -> list[OmeroChannel | _Channel]:
    """Per channel: omero's entry when it has one per channel, else the image's names/colours."""
    omero = multiscales.metadata.omero
    if omero is not None and len(omero.channels) == count:
        return list(omero.channels)
    image = multiscales.images[0]
    none: list[str | None] = [None] * count
    names: list[str | None] = list(image.channel_names) if image.channel_names else none
    colors: list[str | None] = list(image.channel_colors) if image.channel_colors else none
    return [_Channel(n, c) for n, c in zip(names, colors, strict=True)]


class _Channel:
    """A channel without omero metadata: a name and a colour, if known."""

    def __init__(self, label: str | None, color: str | None) -> None:
        self.label = label
        self.color = color
        self.window = None
        self.active = True


def _display(channel: OmeroChannel | _Channel, name: str) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "visible": bool(channel.active)}
    colormap = _colormap(channel.color) if channel.color else None
    if colormap is not None:
        out["colormap"] = colormap
    window = channel.window
    if window is not None and window.end > window.start:
        out["contrast_limits"] = (float(window.start), float(window.end))
    return out


def _colormap(color: str) -> dict[str, Any] | None:
    """A black-to-``color`` linear colour map (napari's ``Colormap`` arguments).

    None for a colour that is not ``RRGGBB`` hex (napari's default grey map then).
    """
    hex_color = color.lstrip("#")
    if len(hex_color) != 6 or any(ch not in "0123456789abcdefABCDEF" for ch in hex_color):
        return None
    rgb = [int(hex_color[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    return {"name": f"#{hex_color.upper()}", "colors": [[0.0, 0.0, 0.0, 1.0], [*rgb, 1.0]]}
