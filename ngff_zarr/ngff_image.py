"""The :class:`NgffImage` dataclass: one resolution level with its physical metadata."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import dask.array as da

from ._arrays import as_dask
from .errors import InvalidDimsError, NgffValueError
from .rfc4 import AnatomicalOrientation
from .vocab import AXIS_TYPES, DIM_TYPES, DIMS, normalize_unit

__all__ = ["ComputedCallback", "NgffImage", "canonical_order", "non_default_axes_types"]

ComputedCallback = Callable[[], None]


@dataclass
class NgffImage:
    """A lazily loaded image with named dims and physical coordinates.

    Constructing one checks it (every producer in the package builds images this way): the
    data becomes a dask array (a NumPy array is wrapped, not copied), ``dims`` must name each
    axis once, ``scale`` and ``translation`` get 1.0 and 0.0 for the dims they leave out, and
    units are normalised to the spec's names (``"µm"`` -> ``"micrometer"``).

    Parameters
    ----------
    data
        The pixels, an array whose axes are ``dims``.
    dims
        Axis names: the spec's ``t``, ``c``, ``z``, ``y``, ``x``, or a custom name (a custom
        axis, such as an ``angle``, is never downsampled).
    scale
        Pixel spacing per dim (1.0 where not given).
    translation
        Physical position of the first pixel's centre per dim (0.0 where not given).
    name
        Name of the image, written as the multiscale's ``name``.
    axes_units
        Unit per dim that has one (e.g. ``{"x": "micrometer", "t": "second"}``). Units of
        space and time axes are normalised; a custom axis keeps its unit as given.
    axes_orientations
        RFC-4 anatomical orientation per space dim (e.g. :data:`ngff_zarr.LPS`); values may be
        :class:`~ngff_zarr.AnatomicalOrientation` objects or direction strings.
    axes_types
        Axis type per dim whose type is not the spec's for its name: a custom dim's type
        (``{"angle": "custom"}``), or None for an untyped one.
    channel_names
        One name per channel (the length of ``c``, or one name without a ``c`` dim).
    channel_colors
        One ``RRGGBB`` hex colour per channel.
    computed_callbacks
        Functions called once the image's data has been written (e.g. to delete a cache).
    provenance
        Free-form record of where the image came from (reader, file, original metadata).

    Raises
    ------
    InvalidDimsError
        Unknown or repeated dims, or not one per array axis.
    NgffValueError
        A scale, translation, unit or orientation for a dim the image does not have, a spacing
        that is not finite and positive, a unit that does not fit its axis, an orientation on
        an axis that is not a space axis, or channel names or colours that do not match the
        channel count.

    Examples
    --------
    >>> import numpy as np
    >>> image = NgffImage(np.zeros((4, 5), dtype="uint8"), ("y", "x"), {"y": 0.5, "x": 0.5},
    ...                   {}, axes_units={"x": "µm", "y": "um"})
    >>> image.dims, image.scale["x"], image.translation, image.axes_units
    (('y', 'x'), 0.5, {'y': 0.0, 'x': 0.0}, {'y': 'micrometer', 'x': 'micrometer'})
    """

    data: da.Array
    dims: tuple[str, ...]
    scale: dict[str, float]
    translation: dict[str, float]
    name: str = "image"
    axes_units: dict[str, str] | None = None
    axes_orientations: dict[str, AnatomicalOrientation] | None = None
    axes_types: dict[str, str | None] | None = None
    channel_names: list[str] | None = None
    channel_colors: list[str] | None = None
    computed_callbacks: list[ComputedCallback] = field(default_factory=list)
    provenance: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.data = as_dask(self.data)
        self.dims = _check_dims(self.dims, self.data.ndim)
        self.axes_types = _types(self.axes_types, self.dims)
        self.scale = _per_dim("scale", self.scale, self.dims, 1.0, positive=True)
        self.translation = _per_dim("translation", self.translation, self.dims, 0.0)
        self.axes_units = _units(self.axes_units, self.dims, self.axis_type)
        self.axes_orientations = _orientations(self.axes_orientations, self.dims, self.axis_type)
        count = int(self.data.shape[self.dims.index("c")]) if "c" in self.dims else 1
        self.channel_names = _per_channel("channel_names", self.channel_names, count)
        self.channel_colors = _per_channel("channel_colors", self.channel_colors, count)
        self.computed_callbacks = list(self.computed_callbacks or [])

    def axis_type(self, dim: str) -> str | None:
        """The axis type of ``dim``: ``axes_types`` when it names one, else the spec's."""
        if self.axes_types is not None and dim in self.axes_types:
            return self.axes_types[dim]
        return DIM_TYPES.get(dim)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(int(s) for s in self.data.shape)

    @property
    def dtype(self) -> Any:
        return self.data.dtype

    @property
    def sizes(self) -> dict[str, int]:
        """Length of each dim, by name."""
        return dict(zip(self.dims, self.shape, strict=True))


def non_default_axes_types(axes: Sequence[Any]) -> dict[str, str]:
    """The axis types of ``axes`` (objects with ``name`` and ``type``) that differ from the
    type their name implies (``c`` channel, ``t`` time, ``z``/``y``/``x`` space): what a
    multiscales rebuilt from the dims alone would lose, to pass on as ``axes_types``.

    >>> from ngff_zarr.v04.axes import Axis
    >>> non_default_axes_types([Axis("c", "channel"), Axis("x", "space"), Axis("d", "custom")])
    {'d': 'custom'}
    """
    out: dict[str, str] = {}
    for axis in axes:
        if axis.type is not None and axis.type != DIM_TYPES.get(axis.name):
            out[axis.name] = axis.type
    return out


def canonical_order(image: NgffImage) -> NgffImage:
    """``image`` with its dims in the order the specification requires (a lazy transpose).

    Time first, then channel and custom dims, then space (``z``, ``y``, ``x``); the image
    itself when it is in that order already.

    >>> import numpy as np
    >>> rgb = NgffImage(np.zeros((4, 5, 3), "uint8"), ("y", "x", "c"), {}, {})
    >>> canonical_order(rgb).dims, canonical_order(rgb).shape
    (('c', 'y', 'x'), (3, 4, 5))
    """
    group = {"time": 0, "space": 2}

    def key(dim: str) -> tuple[int, int, int]:
        spec = DIMS.index(dim) if dim in DIMS else -1
        return (group.get(str(image.axis_type(dim)), 1), spec, image.dims.index(dim))

    order = tuple(sorted(image.dims, key=key))
    if order == image.dims:
        return image
    axes = [image.dims.index(d) for d in order]
    return replace(image, data=image.data.transpose(axes), dims=order)


def _check_dims(dims: Sequence[str], ndim: int) -> tuple[str, ...]:
    given = tuple(dims)
    bad = [d for d in given if not isinstance(d, str) or not d]
    if bad:
        raise InvalidDimsError(f"dims: expected non-empty names, got {bad}")
    repeated = sorted({d for d in given if given.count(d) > 1})
    if repeated:
        raise InvalidDimsError(f"dims: each dim may appear once, got {repeated} repeated")
    if len(given) != ndim:
        raise InvalidDimsError(
            f"dims: expected one name per array dimension ({ndim}), got {len(given)}: {list(given)}"
        )
    return given


def _per_dim(
    field: str,
    values: Mapping[str, float] | None,
    dims: tuple[str, ...],
    default: float,
    *,
    positive: bool = False,
) -> dict[str, float]:
    values = values or {}
    if not isinstance(values, Mapping):
        raise NgffValueError(f"{field}: expected a mapping dim -> value, got {values!r}")
    unknown = [d for d in values if d not in dims]
    if unknown:
        raise NgffValueError(f"{field}: dims {unknown} are not image dims {list(dims)}")
    out = {}
    for dim in dims:
        value = values.get(dim, default)
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise NgffValueError(f"{field}[{dim!r}]: expected a number, got {value!r}") from None
        if not math.isfinite(number) or (positive and number <= 0):
            kind = "a finite positive spacing" if positive else "a finite number"
            raise NgffValueError(f"{field}[{dim!r}]: expected {kind}, got {value!r}")
        out[dim] = number
    return out


def _types(
    types: Mapping[str, str | None] | None, dims: tuple[str, ...]
) -> dict[str, str | None] | None:
    """The axis types that differ from the spec's for each name (a custom dim needs one)."""
    given = dict(types or {})
    unknown = [d for d in given if d not in dims]
    if unknown:
        raise NgffValueError(f"axes_types: dims {unknown} are not image dims {list(dims)}")
    out = {
        d: given[d] for d in dims if d in given and (d not in DIM_TYPES or given[d] != DIM_TYPES[d])
    }
    custom = [d for d in dims if d not in DIM_TYPES and d not in out]
    if custom:
        raise InvalidDimsError(
            f"dims: expected names from {list(DIMS)}, got {custom}; a custom dim needs its type "
            f"in axes_types (e.g. axes_types={{{custom[0]!r}: 'custom'}})"
        )
    return out or None


def _units(
    units: Mapping[str, str] | None, dims: tuple[str, ...], kind: Callable[[str], str | None]
) -> dict[str, str] | None:
    if not units:
        return None
    unknown = [d for d in units if d not in dims]
    if unknown:
        raise NgffValueError(f"axes_units: dims {unknown} are not image dims {list(dims)}")
    out = {}
    for d in dims:
        if not units.get(d):
            continue
        unit = str(units[d])
        # space and time units are the spec's; a custom axis may have any unit
        out[d] = normalize_unit(unit, d, kind(d)) if kind(d) in AXIS_TYPES else unit
    return out or None


def _orientations(
    given: Mapping[str, Any] | None, dims: tuple[str, ...], kind: Callable[[str], str | None]
) -> dict[str, AnatomicalOrientation] | None:
    if not given:
        return None
    if not isinstance(given, Mapping):
        raise NgffValueError(
            f"axes_orientations: expected a mapping dim -> orientation, got {given!r}"
        )
    unknown = [d for d in given if d not in dims]
    if unknown:
        raise NgffValueError(f"axes_orientations: dims {unknown} are not image dims {list(dims)}")
    out = {}
    for d in dims:  # in dims order
        if given.get(d) is None:
            continue
        if kind(d) != "space":
            raise NgffValueError(
                f"axes_orientations[{d!r}]: expected orientations on space axes only, "
                f"got one on a {kind(d) or 'custom'} axis"
            )
        out[d] = AnatomicalOrientation.from_dict(given[d])
    return out or None


def _per_channel(field: str, values: Sequence[str] | None, count: int) -> list[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        raise NgffValueError(f"{field}: expected a list with one entry per channel, got {values!r}")
    out = [str(v) for v in values]
    if len(out) != count:
        raise NgffValueError(
            f"{field}: expected {count} entries (one per channel), got {len(out)}: {out}"
        )
    return out
