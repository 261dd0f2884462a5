"""``to_ngff_image``: any array, with dims and physical metadata, into an :class:`NgffImage`."""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import dask.array as da
import numpy as np

from ._units import normalize_unit
from .errors import InvalidDimsError, InvalidMetadataError
from .ngff_image import NgffImage
from .v04.zarr_metadata import SPATIAL_DIMS, SUPPORTED_DIMS

__all__ = ["to_ngff_image"]

_DEFAULT_DIMS: dict[int, tuple[str, ...]] = {
    2: ("y", "x"),
    3: ("z", "y", "x"),
    4: ("c", "z", "y", "x"),
    5: ("t", "c", "z", "y", "x"),
}


def to_ngff_image(
    data: Any,
    dims: Sequence[str] | None = None,
    scale: Mapping[str, float] | Sequence[float] | None = None,
    translation: Mapping[str, float] | Sequence[float] | None = None,
    name: str = "image",
    axes_units: Mapping[str, str] | None = None,
) -> NgffImage:
    """Wrap an array and its physical metadata in an :class:`NgffImage`, lazily.

    Parameters
    ----------
    data
        A NumPy, Dask or Zarr array, or any object of the Python array API (a CPU PyTorch
        tensor, a CuPy array...). Nothing is loaded: the result's ``data`` is a dask array.
    dims
        The name of each axis of ``data``, from ``t``, ``c``, ``z``, ``y``, ``x``, in the order
        of ``data`` (channel-last input such as ``("y", "x", "c")`` is fine: the result is
        presented in the spec's order t, c, z, y, x). Default by ndim: ``yx``, ``zyx``,
        ``czyx``, ``tczyx``.
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

    Returns
    -------
    NgffImage

    Raises
    ------
    InvalidDimsError
        Unknown, duplicated or missing dims, or fewer than two spatial dims.
    InvalidMetadataError
        A scale, translation or unit for a dim that does not exist, a non-positive scale,
        or a unit that does not fit its axis.

    Examples
    --------
    >>> import numpy as np
    >>> from ngff_zarr import to_ngff_image
    >>> rgb = np.zeros((32, 48, 3), dtype="uint8")
    >>> image = to_ngff_image(rgb, dims=("y", "x", "c"), scale={"x": 0.5, "y": 0.5},
    ...                       axes_units={"x": "µm", "y": "µm"})
    >>> image.dims, image.shape, image.axes_units["x"]
    (('c', 'y', 'x'), (3, 32, 48), 'micrometer')
    """
    array = _as_dask(data)
    given = _check_dims(dims, array.ndim)
    scale_by_dim = _per_dim("scale", scale, given, 1.0)
    translation_by_dim = _per_dim("translation", translation, given, 0.0)
    for dim, value in scale_by_dim.items():
        if not (math.isfinite(value) and value > 0):
            raise InvalidMetadataError(
                f"expected a finite positive spacing, got {value!r}", field=f"scale[{dim!r}]"
            )
    for dim, value in translation_by_dim.items():
        if not math.isfinite(value):
            raise InvalidMetadataError(
                f"expected a finite number, got {value!r}", field=f"translation[{dim!r}]"
            )
    units: dict[str, str] | None = None
    if axes_units:
        units = {}
        for dim, unit in axes_units.items():
            if dim not in given:
                raise InvalidMetadataError(
                    f"dim {dim!r} is not one of the image dims {list(given)}",
                    field="axes_units",
                )
            if unit is None or unit == "":
                continue
            units[dim] = normalize_unit(str(unit), dim)
    order = tuple(d for d in SUPPORTED_DIMS if d in given)
    if order != given:
        array = array.transpose([given.index(d) for d in order])
    return NgffImage(
        data=array,
        dims=order,
        scale={d: scale_by_dim[d] for d in order},
        translation={d: translation_by_dim[d] for d in order},
        name=name,
        axes_units={d: units[d] for d in order if d in units} if units else None,
    )


def _check_dims(dims: Sequence[str] | None, ndim: int) -> tuple[str, ...]:
    if dims is None:
        if ndim not in _DEFAULT_DIMS:
            raise InvalidDimsError(
                f"dims: cannot guess dims for a {ndim}-D array; OME-NGFF images have 2 to 5 "
                f"dims from {list(SUPPORTED_DIMS)}: pass dims=..."
            )
        return _DEFAULT_DIMS[ndim]
    if isinstance(dims, str):
        dims = tuple(dims)
    given = tuple(str(d) for d in dims)
    unknown = [d for d in given if d not in SUPPORTED_DIMS]
    if unknown:
        raise InvalidDimsError(
            f"dims: expected names from {list(SUPPORTED_DIMS)}, got unknown {unknown}"
        )
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
    field: str,
    values: Mapping[str, float] | Sequence[float] | None,
    dims: tuple[str, ...],
    default: float,
) -> dict[str, float]:
    out = dict.fromkeys(dims, default)
    if values is None:
        return out
    if isinstance(values, Mapping):
        for dim, value in values.items():
            if dim not in dims:
                raise InvalidMetadataError(
                    f"dim {dim!r} is not one of the image dims {list(dims)}", field=field
                )
            out[dim] = float(value)
        return out
    seq = list(values)
    if len(seq) != len(dims):
        raise InvalidMetadataError(
            f"expected one value per dim {list(dims)}, got {len(seq)} values", field=field
        )
    for dim, value in zip(dims, seq, strict=True):
        out[dim] = float(value)
    return out


class _ArrayAPIAdapter:
    """Present an array-API object (torch, cupy, ...) as a NumPy-returning sliceable array."""

    def __init__(self, array: Any) -> None:
        self._array = array
        self.shape = tuple(int(s) for s in array.shape)
        self.ndim = len(self.shape)
        probe = _to_numpy(array[(slice(0, 0),) * self.ndim] if self.ndim else array)
        self.dtype = probe.dtype

    def __getitem__(self, key: Any) -> np.ndarray:
        return _to_numpy(self._array[key])


def _to_numpy(obj: Any) -> np.ndarray:
    if isinstance(obj, np.ndarray):
        return obj
    get = getattr(obj, "get", None)  # CuPy: copy device -> host
    if callable(get) and type(obj).__module__.startswith("cupy"):
        return np.asarray(get())
    detach = getattr(obj, "detach", None)  # PyTorch: leave the autograd graph
    if callable(detach):
        obj = detach().cpu()
    try:
        return np.from_dlpack(obj)
    except (TypeError, RuntimeError, BufferError, AttributeError):
        return np.asarray(obj)


def _as_dask(data: Any) -> da.Array:
    out: da.Array = _wrap(data)  # dask is untyped: type its result once, here
    return out


def _wrap(data: Any) -> Any:
    if isinstance(data, da.Array):
        return data
    if isinstance(data, np.ndarray):
        return _from_numpy(data)
    import zarr

    if isinstance(data, zarr.Array):
        return da.from_array(data, chunks=data.chunks, asarray=True, lock=False)
    if hasattr(data, "__array_namespace__") or hasattr(data, "__dlpack__"):
        adapter = _ArrayAPIAdapter(data)
        return da.from_array(adapter, chunks=adapter.shape, asarray=False, lock=False)
    if hasattr(data, "shape") and hasattr(data, "dtype") and hasattr(data, "__getitem__"):
        return da.from_array(data, chunks=tuple(data.shape), lock=False)
    array = np.asarray(data)
    if array.dtype == object:
        raise InvalidDimsError(
            f"data: expected a numeric array, got {type(data).__name__} of objects"
        )
    return _from_numpy(array)


class _InMemory:
    """A NumPy array behind the plain slicing protocol.

    ``dask.array.from_array`` copies (and hashes) a NumPy array it is given directly; through
    this wrapper it only slices, so a user's in-memory array is neither duplicated nor read
    beyond what a computation asks for. Reads return copies: the user's array is never shared.
    """

    def __init__(self, array: np.ndarray) -> None:
        self._array = array
        self.shape = array.shape
        self.dtype = array.dtype
        self.ndim = array.ndim

    def __getitem__(self, key: Any) -> np.ndarray:
        return np.array(self._array[key], copy=True)


def _from_numpy(array: np.ndarray) -> Any:
    name = f"ngff-zarr-in-memory-{uuid.uuid4().hex}"
    return da.from_array(
        _InMemory(array), chunks=array.shape or (), asarray=False, lock=False, name=name
    )
