"""``from_xarray``: an ``xarray.DataArray`` as an :class:`NgffImage`, an ``xarray.DataTree`` as
a :class:`Multiscales`, lazily (see :mod:`ngff_zarr.to_xarray` for the layout).

Any spatial-image ``DataArray`` converts, not only those :func:`~ngff_zarr.to_xarray` made:
the coordinates give each dim's position and spacing (they must be evenly spaced and
increasing), the coordinate attrs its ``units``; a dim without a coordinate has spacing 1 and
starts at 0. A multiscale-spatial-image ``DataTree`` converts too; without the ``multiscales``
metadata at its root, the metadata is built from the levels.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from .errors import InvalidMetadataError, NgffValueError, unknown_choice
from .methods import Methods
from .multiscales import Multiscales, build_metadata
from .ngff_image import NgffImage
from .rfc4 import AnatomicalOrientation
from .to_xarray import CHANNEL_COLOR, LEVEL_PREFIX, PYRAMID_KEY, _xarray
from .v04.multiscales import Metadata
from .v04.transformations import Scale, Translation

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["from_xarray"]

# relative tolerance within which a coordinate spacing matches the exact spacing in its attrs,
# and within which the spacings of one coordinate count as even
_RTOL = 1e-6


@overload
def from_xarray(data: xr.DataArray) -> NgffImage: ...
@overload
def from_xarray(data: xr.DataTree) -> Multiscales: ...
def from_xarray(data: xr.DataArray | xr.DataTree) -> NgffImage | Multiscales:
    """An ``xarray.DataArray`` as an :class:`NgffImage`, a ``DataTree`` as a :class:`Multiscales`.

    The inverse of :func:`~ngff_zarr.to_xarray`: ``from_xarray(to_xarray(x))`` equals ``x``.

    Parameters
    ----------
    data
        A ``DataArray`` whose dims are NGFF dims (``t``, ``c``, ``z``, ``y``, ``x``, or custom
        ones with a ``type`` in their coordinate's attrs), or a ``DataTree`` whose children
        ``scale0``, ``scale1``, ... each hold one such array (the variable named after the
        image, or the only variable).

    Returns
    -------
    NgffImage or Multiscales
        Wrapping the same (dask) arrays: nothing is computed.

    Raises
    ------
    NgffValueError
        Not a DataArray or DataTree; coordinates that are not numbers, not increasing or not
        evenly spaced; a tree without ``scale0``, or a level with several variables none of
        which is named after the image. Bad dims or units raise what :class:`NgffImage`
        raises.
    InvalidMetadataError
        The ``multiscales`` metadata at the tree's root is malformed.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> import ngff_zarr as nz
    >>> array = xr.DataArray(np.zeros((3, 4)), dims=("y", "x"), name="cells",
    ...     coords={"y": [5.0, 5.5, 6.0], "x": ("x", [0.0, 2.0, 4.0, 6.0], {"units": "um"})})
    >>> image = nz.from_xarray(array)
    >>> image.name, image.scale, image.translation, image.axes_units
    ('cells', {'y': 0.5, 'x': 2.0}, {'y': 5.0, 'x': 0.0}, {'x': 'micrometer'})
    >>> nz.from_xarray(nz.to_xarray(image)) == image
    True
    """
    xarray = _xarray()
    if isinstance(data, xarray.DataArray):
        return _image(data)
    if isinstance(data, xarray.DataTree):
        return _multiscales(data)
    raise NgffValueError(
        f"data: expected an xarray DataArray or DataTree, got {type(data).__name__}"
    )


def _image(array: xr.DataArray) -> NgffImage:
    dims = tuple(array.dims)
    bad = [d for d in dims if not isinstance(d, str)]
    if bad:
        raise NgffValueError(f"dims: expected names (strings), got {bad}")
    scale: dict[str, float] = {}
    translation: dict[str, float] = {}
    units: dict[str, str] = {}
    types: dict[str, str | None] = {}
    orientations: dict[str, AnatomicalOrientation] = {}
    channel_names: list[str] | None = None
    for dim in dims:
        coord = array.coords.get(dim)
        attrs: Mapping[str, Any] = coord.attrs if coord is not None else {}
        if attrs.get("units"):
            units[str(dim)] = str(attrs["units"])
        if "type" in attrs:
            types[str(dim)] = None if attrs["type"] is None else str(attrs["type"])
        if attrs.get("orientation"):
            orientations[str(dim)] = AnatomicalOrientation.from_dict(attrs["orientation"])
        if dim == "c":
            channel_names = _channel_names(coord)
            scale[dim] = float(attrs.get("scale", 1.0))
            translation[dim] = float(attrs.get("translation", 0.0))
        elif coord is not None:
            scale[str(dim)], translation[str(dim)] = _spacing(str(dim), coord, attrs)
    colors: list[str] | None = None
    if "c" in dims:
        if CHANNEL_COLOR in array.coords:
            colors = [str(v) for v in array.coords[CHANNEL_COLOR].values.tolist()]
    else:
        channel_names = _strings(array.attrs.get("channel_names"))
        colors = _strings(array.attrs.get("channel_colors"))
    return NgffImage(
        array.data,
        dims,  # type: ignore[arg-type]  # checked to be strings above
        scale,
        translation,
        name=str(array.name) if array.name is not None else "image",
        axes_units=units or None,
        axes_orientations=orientations or None,
        axes_types=types or None,
        channel_names=channel_names,
        channel_colors=colors,
        provenance=array.attrs.get("provenance"),
    )


def _spacing(dim: str, coord: xr.DataArray, attrs: Mapping[str, Any]) -> tuple[float, float]:
    """The (spacing, position of the first pixel) of a dim from its coordinate."""
    values = np.asarray(coord.values)
    if values.dtype.kind not in "iuf":
        raise NgffValueError(
            f"coords[{dim!r}]: expected numbers (pixel positions), got dtype {values.dtype}"
        )
    values = values.astype(np.float64)
    exact = attrs.get("scale")
    if values.size == 0:
        return float(exact if exact is not None else 1.0), 0.0
    start = float(values[0])
    if values.size == 1:
        return float(exact if exact is not None else 1.0), start
    steps = np.diff(values)
    step = float(steps.mean())
    if step <= 0:
        raise NgffValueError(
            f"coords[{dim!r}]: expected increasing positions, got {values[0]}, {values[1]}, ..."
        )
    if not np.allclose(steps, step, rtol=_RTOL, atol=0.0):
        raise NgffValueError(
            f"coords[{dim!r}]: expected evenly spaced positions, got spacings from "
            f"{steps.min()} to {steps.max()}"
        )
    if exact is not None and np.isclose(float(exact), step, rtol=_RTOL, atol=0.0):
        return float(exact), start  # the exact spacing, which the float positions round
    return step, start


def _channel_names(coord: xr.DataArray | None) -> list[str] | None:
    """Channel names from a ``c`` coordinate: None for none or the default ``0, 1, ...``."""
    if coord is None:
        return None
    values = np.asarray(coord.values)
    if values.dtype.kind in "iu" and np.array_equal(values, np.arange(values.size)):
        return None
    return [str(v) for v in values.tolist()]


def _strings(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _multiscales(tree: xr.DataTree) -> Multiscales:
    pattern = re.compile(rf"{LEVEL_PREFIX}(\d+)")
    found = {
        int(match.group(1)): child
        for key, child in tree.children.items()
        if (match := pattern.fullmatch(str(key)))
    }
    if 0 not in found:
        raise NgffValueError(
            f"data: expected a DataTree with children {LEVEL_PREFIX}0, {LEVEL_PREFIX}1, ... "
            f"(one per level), got children {sorted(map(str, tree.children))}"
        )
    count = next(i for i in range(len(found) + 1) if i not in found)
    attrs = {str(k): v for k, v in tree.attrs.items()}
    stored = _stored_metadata(attrs)
    name = stored.name if stored is not None else None
    images = [_image(_level_array(found[i], name, i)) for i in range(count)]
    built = build_metadata(images)
    metadata = stored if stored is not None and _describes(stored, built) else built
    factors, method, chunks = _pyramid(attrs.get(PYRAMID_KEY))
    root = {k: v for k, v in attrs.items() if k not in ("multiscales", "omero", PYRAMID_KEY)}
    return Multiscales(
        images=images,
        metadata=metadata,
        scale_factors=factors,
        method=method,
        chunks=chunks,
        root_attributes=root or None,
    )


def _pyramid(
    value: Any,
) -> tuple[int | list[int] | list[dict[str, int]] | None, Methods | None, dict[str, int] | None]:
    """The scale factors, method and chunks stored under the tree's ``ngff_zarr`` attr."""
    if value is None:
        return None, None, None

    def bad(field: str, got: Any) -> InvalidMetadataError:
        return InvalidMetadataError(
            f"expected {field}, found {got!r}", path="DataTree attrs", field=PYRAMID_KEY
        )

    if not isinstance(value, Mapping):
        raise bad("an object with scale_factors, method and chunks", value)

    def counts(item: Any, field: str) -> dict[str, int]:
        if not isinstance(item, Mapping) or not all(_integer(v) for v in item.values()):
            raise bad(f"{field} as an object of integers per dim", item)
        return {str(k): int(v) for k, v in item.items()}

    factors = value.get("scale_factors")
    if factors is not None and not _integer(factors):
        if not isinstance(factors, list):
            raise bad("scale_factors as an integer or a list", factors)
        if not all(_integer(f) for f in factors):
            factors = [counts(f, "each scale factor") for f in factors]
    method = value.get("method")
    if method is not None:
        choices = [m.value for m in Methods]
        if method not in choices:
            # the one "expected one of" message, as a metadata error: the tree holds it
            message = str(unknown_choice(f"{PYRAMID_KEY}.method", method, choices))
            raise InvalidMetadataError(message, path="DataTree attrs")
        method = Methods(method)
    chunks = value.get("chunks")
    return factors, method, None if chunks is None else counts(chunks, "chunks")


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _level_array(node: xr.DataTree, name: str | None, level: int) -> xr.DataArray:
    variables = [str(v) for v in node.data_vars]
    if name is not None and name in variables:
        chosen = name
    elif len(variables) == 1:
        chosen = variables[0]
    else:
        raise NgffValueError(
            f"{LEVEL_PREFIX}{level}: expected one variable (the image), got {variables}"
        )
    array: xr.DataArray = node.dataset[chosen]
    return array


def _stored_metadata(attrs: Mapping[str, Any]) -> Metadata | None:
    """The ``multiscales`` metadata in a tree's root attrs (0.4 JSON), None without any."""
    multiscales = attrs.get("multiscales")
    if multiscales is None:
        return None
    if (
        not isinstance(multiscales, list)
        or not multiscales
        or not isinstance(multiscales[0], Mapping)
    ):
        raise InvalidMetadataError(
            f"expected a list with one object, found {multiscales!r}",
            path="DataTree attrs",
            field="multiscales",
        )
    axes = multiscales[0].get("axes")
    return Metadata.from_dict(
        dict(multiscales[0]),
        version=str(multiscales[0].get("version", "0.4")),
        ndim=len(axes) if isinstance(axes, list) else 0,
        omero=attrs.get("omero"),
        path="DataTree attrs",
    )


def _describes(stored: Metadata, built: Metadata) -> bool:
    """Whether stored metadata still describes the levels (same axes, scales, translations)."""
    if stored.axes != built.axes or len(stored.datasets) != len(built.datasets):
        return False
    return all(
        _vectors(a.coordinateTransformations) == _vectors(b.coordinateTransformations)
        for a, b in zip(stored.datasets, built.datasets, strict=True)
    )


def _vectors(transforms: Any) -> tuple[list[float] | None, list[float] | None]:
    scale = next((t.scale for t in transforms if isinstance(t, Scale)), None)
    translation = next((t.translation for t in transforms if isinstance(t, Translation)), None)
    if translation is not None and not any(translation):
        translation = None
    return (
        None if scale is None else [float(v) for v in scale],
        None if translation is None else [float(v) for v in translation],
    )
