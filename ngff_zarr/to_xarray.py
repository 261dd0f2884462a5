"""``to_xarray``: an :class:`NgffImage` as an ``xarray.DataArray``, a :class:`Multiscales` as a
``xarray.DataTree``, lazily (the dask arrays are wrapped, never computed).

The layout is spatial-image's and multiscale-spatial-image's:

- a ``DataArray`` named after the image, with the image's dims; each dim has a coordinate:
  the physical position of each pixel centre (``translation + scale * index``, float64) for
  space, time and custom dims, the channel names (or ``0, 1, ...``) for ``c``; each
  coordinate's attrs give its ``long_name`` and ``units`` (``""`` when it has none);
- a ``DataTree`` with one child per level, ``scale0``, ``scale1``, ..., each holding that
  level's ``DataArray`` as the variable named after the image (``scale0/image``).

What these coordinates cannot hold travels in attrs, so that :func:`~ngff_zarr.from_xarray`
gives back the same object: the exact pixel spacing (``"scale"`` in a coordinate's attrs: a
spacing read back from float coordinates would be off in the last digits), a custom axis
type (``"type"``), an RFC-4 anatomical orientation (``"orientation"``, its JSON object), the
channel colours (a ``channel_color`` coordinate along ``c``), and at the tree's root the
``multiscales`` and ``omero`` metadata (JSON, as in an OME-Zarr 0.4 image group, the
multiscale stating the metadata's version), the pyramid's scale factors, method and chunks
(under ``"ngff_zarr"``) and its ``root_attributes`` (as they are). An image's
``computed_callbacks`` (functions, not data) are not carried.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, overload

import numpy as np

from .errors import NgffValueError, missing_dependency
from .multiscales import Multiscales
from .ngff_image import NgffImage
from .v04.multiscales import multiscale_to_dict

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["to_xarray"]

# names shared with from_xarray
CHANNEL_COLOR = "channel_color"  # the coordinate along c holding the channel colours
PYRAMID_KEY = "ngff_zarr"  # the tree's root attr holding scale factors, method and chunks
LEVEL_PREFIX = "scale"  # the tree's children: scale0, scale1, ...


def _xarray() -> Any:
    try:
        import xarray
    except ImportError:
        raise missing_dependency("converting to and from xarray", "xarray", "xarray") from None
    return xarray


@overload
def to_xarray(image: NgffImage) -> xr.DataArray: ...
@overload
def to_xarray(image: Multiscales) -> xr.DataTree: ...
def to_xarray(image: NgffImage | Multiscales) -> xr.DataArray | xr.DataTree:
    """An image as an ``xarray.DataArray``, or a pyramid as an ``xarray.DataTree``, lazily.

    Parameters
    ----------
    image
        An :class:`NgffImage` (gives a ``DataArray``) or a :class:`Multiscales` (gives a
        ``DataTree`` with children ``scale0``, ``scale1``, ..., each holding the level as
        the variable named after the image).

    Returns
    -------
    xarray.DataArray or xarray.DataTree
        Wrapping the same dask arrays: nothing is computed.

    Raises
    ------
    DependencyError
        xarray is not installed (``pip install 'ngff-zarr[xarray]'``).
    NgffValueError
        Not an image or a pyramid, or a pyramid whose name contains ``/`` or is the name of
        one of its coordinates (``x``, ``c``, ...; a DataTree variable name cannot be).

    Examples
    --------
    >>> import numpy as np
    >>> import ngff_zarr as nz
    >>> image = nz.to_ngff_image(np.zeros((2, 4, 6), "uint8"), dims=("c", "y", "x"),
    ...     scale={"y": 0.5, "x": 0.5}, translation={"x": 10.0},
    ...     axes_units={"y": "micrometer", "x": "micrometer"}, channel_names=["DAPI", "GFP"])
    >>> array = nz.to_xarray(image)
    >>> array.dims, array.name, array.coords["x"].values.tolist()
    (('c', 'y', 'x'), 'image', [10.0, 10.5, 11.0, 11.5, 12.0, 12.5])
    >>> array.coords["c"].values.tolist(), array.coords["x"].attrs["units"]
    (['DAPI', 'GFP'], 'micrometer')
    >>> tree = nz.to_xarray(nz.to_multiscales(image, scale_factors=[2]))
    >>> [tree[f"scale{i}/image"].shape for i in range(2)]
    [(2, 4, 6), (2, 2, 3)]
    """
    if isinstance(image, NgffImage):
        return _data_array(image)
    if isinstance(image, Multiscales):
        return _data_tree(image)
    raise NgffValueError(
        f"image: expected an NgffImage or a Multiscales, got {type(image).__name__}"
    )


def _data_array(image: NgffImage) -> xr.DataArray:
    xarray = _xarray()
    units = image.axes_units or {}
    types = image.axes_types or {}
    orientations = image.axes_orientations or {}
    coords: dict[str, Any] = {}
    for dim, size in image.sizes.items():
        attrs: dict[str, Any] = {"long_name": dim, "units": units.get(dim, "")}
        if dim in types:
            attrs["type"] = types[dim]
        if dim in orientations:
            attrs["orientation"] = orientations[dim].to_dict()
        scale, translation = image.scale[dim], image.translation[dim]
        if dim == "c":
            names = image.channel_names
            values: Any = np.asarray(names) if names else np.arange(size)
            # a channel axis's coordinates are names: its spacing and offset, when not the
            # default, are attrs
            if scale != 1.0:
                attrs["scale"] = scale
            if translation != 0.0:
                attrs["translation"] = translation
        else:
            values = translation + scale * np.arange(size, dtype=np.float64)
            attrs["scale"] = scale
        coords[dim] = xarray.Variable((dim,), values, attrs)
    attrs = {}
    if "c" in image.dims:
        if image.channel_colors is not None:
            coords[CHANNEL_COLOR] = xarray.Variable(("c",), np.asarray(image.channel_colors))
    else:  # one channel without a c dim: its name and colour are attrs
        if image.channel_names is not None:
            attrs["channel_names"] = list(image.channel_names)
        if image.channel_colors is not None:
            attrs["channel_colors"] = list(image.channel_colors)
    if image.provenance is not None:
        attrs["provenance"] = image.provenance
    array: xr.DataArray = xarray.DataArray(
        image.data, dims=image.dims, coords=coords, name=image.name, attrs=attrs
    )
    return array


def _data_tree(multiscales: Multiscales) -> xr.DataTree:
    xarray = _xarray()
    name = multiscales.images[0].name
    if "/" in name:
        raise NgffValueError(
            f"name: a DataTree variable name cannot contain '/', got {name!r}; rename the image"
        )
    arrays = [_data_array(level) for level in multiscales.images]
    if name in arrays[0].coords:
        raise NgffValueError(
            f"name: a DataTree variable cannot share its name with a coordinate "
            f"{sorted(map(str, arrays[0].coords))}, got {name!r}; rename the image"
        )
    levels = {f"{LEVEL_PREFIX}{i}": xarray.Dataset({name: array}) for i, array in enumerate(arrays)}
    pyramid: dict[str, Any] = {}
    factors = multiscales.scale_factors
    if factors is not None:
        pyramid["scale_factors"] = (
            factors
            if isinstance(factors, int)
            else [f if isinstance(f, int) else dict(f) for f in factors]
        )
    if multiscales.method is not None:
        pyramid["method"] = multiscales.method.value
    if multiscales.chunks is not None:
        pyramid["chunks"] = dict(multiscales.chunks)
    metadata = multiscales.metadata
    ome: dict[str, Any] = {
        "multiscales": [multiscale_to_dict(metadata, with_version=metadata.version)]
    }
    if metadata.omero is not None:
        ome["omero"] = metadata.omero.to_dict()
    root_attributes = multiscales.root_attributes or {}
    root = xarray.Dataset(attrs={**root_attributes, **ome, PYRAMID_KEY: pyramid})
    tree: xr.DataTree = xarray.DataTree.from_dict({"/": root, **levels})
    return tree
