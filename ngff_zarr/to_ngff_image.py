"""``to_ngff_image``: any array, with dims and physical metadata, into an :class:`NgffImage`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._arrays import as_dask
from .errors import InvalidDimsError, NgffValueError
from .ngff_image import NgffImage
from .vocab import DIMS, SPATIAL_DIMS

__all__ = ["to_ngff_image"]

# ngff-zarr's defaults: 4-D and 5-D arrays are channel-last (to_multiscales puts c first)
_DEFAULT_DIMS: dict[int, tuple[str, ...]] = {
    2: ("y", "x"),
    3: ("z", "y", "x"),
    4: ("z", "y", "x", "c"),
    5: ("t", "z", "y", "x", "c"),
}


def to_ngff_image(
    data: Any,
    dims: Sequence[str] | None = None,
    scale: Mapping[str, float] | Sequence[float] | None = None,
    translation: Mapping[str, float] | Sequence[float] | None = None,
    name: str = "image",
    axes_units: Mapping[str, str] | None = None,
    channel_names: Sequence[str] | None = None,
    *,
    channel_colors: Sequence[str] | None = None,
) -> NgffImage:
    """Wrap an array and its physical metadata in an :class:`NgffImage`, lazily.

    Parameters
    ----------
    data
        A NumPy, Dask or Zarr array, or any object of the Python array API (a CPU PyTorch
        tensor, a CuPy array...). Nothing is loaded: the result's ``data`` is a dask array.
    dims
        The name of each axis of ``data``, from ``t``, ``c``, ``z``, ``y``, ``x``, in the order
        of ``data``, kept as given (channel-last input such as ``("y", "x", "c")`` is fine:
        :func:`to_multiscales` puts the dims in the spec's order t, c, z, y, x). Default by
        ndim, as ngff-zarr: ``yx``, ``zyx``, ``zyxc``, ``tzyxc``.
    scale
        Pixel spacing, as a mapping by dim or a sequence in the order of ``dims``; 1.0 where
        not given.
    translation
        Position of the first pixel's centre, as for ``scale``; 0.0 where not given.
    name
        The image's name.
    axes_units
        Unit per dim, e.g. ``{"x": "micrometer", "t": "second"}``; common spellings such as
        ``"µm"`` or ``"ms"`` are accepted and normalised.
    channel_names
        One name per channel (written as the omero channel labels).
    channel_colors
        One ``RRGGBB`` hex colour per channel (written as the omero channel colours).

    Returns
    -------
    NgffImage

    Raises
    ------
    InvalidDimsError
        Unknown, duplicated or missing dims, or fewer than two spatial dims.
    NgffValueError
        A scale, translation or unit for a dim that does not exist, a non-positive scale,
        a unit that does not fit its axis, or channel names that do not match the channels.

    Examples
    --------
    >>> import numpy as np
    >>> from ngff_zarr import to_ngff_image
    >>> rgb = np.zeros((32, 48, 3), dtype="uint8")
    >>> image = to_ngff_image(rgb, dims=("y", "x", "c"), scale={"x": 0.5, "y": 0.5},
    ...                       axes_units={"x": "µm", "y": "µm"})
    >>> image.dims, image.shape, image.axes_units["x"]
    (('y', 'x', 'c'), (32, 48, 3), 'micrometer')
    """
    array = as_dask(data)
    given = _check_dims(dims, array.ndim)
    return NgffImage(
        data=array,
        dims=given,
        scale=_per_dim("scale", scale, given),
        translation=_per_dim("translation", translation, given),
        name=name,
        axes_units={d: u for d, u in axes_units.items() if u} if axes_units else None,
        channel_names=list(channel_names) if channel_names is not None else None,
        channel_colors=list(channel_colors) if channel_colors is not None else None,
    )


def _check_dims(dims: Sequence[str] | None, ndim: int) -> tuple[str, ...]:
    if dims is None:
        if ndim not in _DEFAULT_DIMS:
            raise InvalidDimsError(
                f"dims: cannot guess dims for a {ndim}-D array; OME-NGFF images have 2 to 5 "
                f"dims from {list(DIMS)}: pass dims=..."
            )
        return _DEFAULT_DIMS[ndim]
    if isinstance(dims, str):
        dims = tuple(dims)
    given = tuple(str(d) for d in dims)
    unknown = [d for d in given if d not in DIMS]
    if unknown:
        raise InvalidDimsError(f"dims: expected names from {list(DIMS)}, got unknown {unknown}")
    duplicated = sorted({d for d in given if given.count(d) > 1})
    if duplicated:
        raise InvalidDimsError(f"dims: each dim may appear once, got {duplicated} repeated")
    if len(given) != ndim:
        raise InvalidDimsError(
            f"dims: expected one name per array dimension ({ndim}), got {len(given)}: {list(given)}"
        )
    spatial = [d for d in given if d in SPATIAL_DIMS]
    if len(spatial) < 2:
        raise InvalidDimsError(
            f"dims: OME-NGFF needs 2 or 3 spatial dims from ['z', 'y', 'x'], got {spatial}; "
            "add a singleton axis (e.g. numpy.expand_dims) for line scans"
        )
    return given


def _per_dim(
    field: str, values: Mapping[str, float] | Sequence[float] | None, dims: tuple[str, ...]
) -> dict[str, float]:
    """Per-dim values given as a mapping, or as a sequence in the order of ``dims``."""
    if values is None:
        return {}
    if isinstance(values, Mapping):
        return dict(values)
    seq = list(values)
    if len(seq) != len(dims):
        raise NgffValueError(
            f"{field}: expected one value per dim {list(dims)}, got {len(seq)} values"
        )
    return dict(zip(dims, seq, strict=True))
