"""``resample``: an image sampled on another image's grid through a 0.6 transformation.

The result is lazy: one dask task per output chunk maps the chunk's grid points (physical
coordinates of ``fixed``) through ``transform`` into the physical space of ``moving``, reads only
the region of ``moving`` those points fall in (plus the interpolation margin), and interpolates
with :func:`scipy.ndimage.map_coordinates`. Memory per task is one output chunk and its source
region, whatever the size of the images; ``fixed``'s chunks are split so that a task has at most
:data:`TASK_VOXELS` output voxels, and 8/16-bit data is interpolated in float32.
"""

from __future__ import annotations

import functools
import itertools
from typing import Any, Final

import dask.array as da
import numpy as np
import numpy.typing as npt

from .errors import NgffValueError, unknown_choice
from .ngff_image import NgffImage
from .v06._base import Arrays, Transformation
from .v06.bounding_boxes import BoundingBox, transform_bounding_box
from .vocab import SPATIAL_DIMS

__all__ = ["resample", "resample_onto_bounding_box"]

_ORDERS: Final[dict[str, int]] = {"nearest": 0, "linear": 1}
TASK_VOXELS: Final[int] = 2**21
"""At most this many output voxels per task (the output chunks of ``fixed`` are split)."""


def resample(
    transform: Transformation,
    fixed: NgffImage,
    moving: NgffImage,
    padding: int | None = None,
    interpolator: str = "linear",
    default_value: float = 0.0,
    *,
    arrays: Arrays | None = None,
) -> NgffImage:
    """``moving`` sampled on the grid of ``fixed``, lazily, through ``transform``.

    Parameters
    ----------
    transform
        Maps points of ``fixed``'s physical space (its scale and translation applied to its
        indices) to points of ``moving``'s, over the spatial dims in order (any 0.6
        transformation or chain, e.g. ``metadata.find_chain(...)``; the inverse of the
        transformation that places ``moving`` in ``fixed``'s space).
    fixed
        The grid: its dims, shape, chunks, scale and translation (its pixels are not read).
    moving
        The image to sample; it has the same dims as ``fixed``.
    padding
        Extra source elements read around each task's region (default: what the interpolator
        needs).
    interpolator
        ``"nearest"`` or ``"linear"``.
    default_value
        The value of points that fall outside ``moving``.
    arrays
        Loaded parameter and field arrays of ``transform`` by path (``displacements`` and
        ``coordinates`` need theirs; see :mod:`ngff_zarr.v06.fields`).

    Returns
    -------
    NgffImage
        With ``fixed``'s dims, shape, scale and translation and ``moving``'s dtype and name.

    Raises
    ------
    NgffValueError
        Different dims, an unknown ``interpolator``, or a transformation whose dimensionality
        is not the number of spatial dims.

    Examples
    --------
    >>> import numpy as np
    >>> from ngff_zarr import to_ngff_image
    >>> from ngff_zarr.v06.elementary import Translation
    >>> moving = to_ngff_image(np.arange(16, dtype="float32").reshape(4, 4))
    >>> shifted = resample(Translation([0.0, 1.0]), moving, moving, interpolator="nearest")
    >>> shifted.data.compute()[0].tolist()
    [1.0, 2.0, 3.0, 0.0]
    """
    if interpolator not in _ORDERS:
        raise unknown_choice("interpolator", interpolator, list(_ORDERS))
    if tuple(fixed.dims) != tuple(moving.dims):
        raise NgffValueError(
            f"moving: expected the dims of fixed {list(fixed.dims)}, got {list(moving.dims)}"
        )
    dims = tuple(fixed.dims)
    spatial = [i for i, d in enumerate(dims) if d in SPATIAL_DIMS]
    expected = (
        f"{len(spatial)} input and output dims (the spatial dims {[dims[i] for i in spatial]})"
    )
    try:
        probe = transform.apply(np.zeros((1, len(spatial))), arrays=arrays)
    except NgffValueError as exc:
        raise NgffValueError(f"transform: expected {expected}; {exc}") from exc
    if probe.shape != (1, len(spatial)):
        raise NgffValueError(
            f"transform: expected {expected}, got the {transform.label} giving {probe.shape[1]}"
        )
    order = _ORDERS[interpolator]
    margin = order if padding is None else int(padding)
    geometry = {
        "spatial": spatial,
        "fixed": _grid(fixed, spatial),
        "moving": _grid(moving, spatial),
        "order": order,
        "margin": margin,
        "default": default_value,
        "index_affine": _index_affine(transform, len(spatial), fixed, moving, spatial, arrays),
        "arrays": arrays,
    }
    dtype = np.dtype(moving.data.dtype)
    template = da.empty(fixed.data.shape, chunks=_task_chunks(_chunks(fixed)), dtype=np.uint8)
    data = template.map_blocks(
        _pull,
        _Source(moving.data),
        geometry,
        transform,
        dtype=dtype,
        meta=np.empty((0,) * len(dims), dtype),
    )
    return NgffImage(
        data=data,
        dims=dims,
        scale=dict(fixed.scale),
        translation=dict(fixed.translation),
        name=moving.name,
        axes_units=dict(fixed.axes_units) if fixed.axes_units else None,
    )


def resample_onto_bounding_box(
    transform: Transformation,
    moving: NgffImage,
    scale: dict[str, float] | None = None,
    interpolator: str = "linear",
    default_value: float = 0.0,
    *,
    inverse: Transformation | None = None,
    chunks: int | tuple[int, ...] | None = None,
    arrays: Arrays | None = None,
) -> NgffImage:
    """``moving`` placed by ``transform`` and sampled on the grid covering its bounding box.

    The box of ``moving``'s pixels (their centres, from the first to the last) mapped by
    ``transform`` sets the grid: it starts at the box's lower corner and steps by ``scale``
    until it covers the upper one. Each grid point is mapped back by the inverse of
    ``transform`` and ``moving`` is sampled there, as by :func:`resample`: lazily, one output
    chunk and its source region per task.

    Parameters
    ----------
    transform
        Maps ``moving``'s physical space (its scale and translation applied to its indices) to
        the target system, over the spatial dims in order (e.g. the transformation that places
        ``moving`` in a scene, ``metadata.find_chain("physical", "world")``).
    moving
        The image to place.
    scale
        The grid spacing per spatial dim (default: ``moving``'s scale).
    interpolator, default_value
        As for :func:`resample`.
    inverse
        The transformation from the target back to ``moving`` (default:
        ``transform.invert()``; give it for a ``displacements``/``coordinates`` field, which has
        no closed-form inverse).
    chunks
        Output chunk size, one for every dim or one per dim (default: ``moving``'s chunks, at
        most the grid's shape).
    arrays
        Parameter and field arrays of the transformations by path (a mapping, or
        :func:`ngff_zarr.open_transformation_arrays` of the store).

    Returns
    -------
    NgffImage
        On the covering grid: ``translation`` the box's lower corner, ``scale`` as given, the
        non-spatial dims as in ``moving``.

    Raises
    ------
    NgffValueError
        When ``transform`` has no inverse and none is given, a ``scale`` is not positive, or
        the transformation does not fit the spatial dims.

    Examples
    --------
    >>> import numpy as np
    >>> from ngff_zarr import to_ngff_image
    >>> from ngff_zarr.v06.matrices import Rotation
    >>> image = to_ngff_image(np.arange(6, dtype="float32").reshape(2, 3))
    >>> turned = resample_onto_bounding_box(Rotation([[0, -1], [1, 0]]), image,
    ...                                     interpolator="nearest")
    >>> turned.data.shape, turned.translation
    ((3, 2), {'y': -2.0, 'x': 0.0})
    >>> turned.data.compute().tolist()
    [[2.0, 5.0], [1.0, 4.0], [0.0, 3.0]]
    """
    dims = tuple(moving.dims)
    spatial = [i for i, d in enumerate(dims) if d in SPATIAL_DIMS]
    names = [dims[i] for i in spatial]
    grid = _grid(moving, spatial)
    last = grid["translation"] + grid["scale"] * (grid["shape"] - 1)
    box = BoundingBox(
        lower=tuple(float(v) for v in np.minimum(grid["translation"], last)),
        upper=tuple(float(v) for v in np.maximum(grid["translation"], last)),
    )
    try:
        placed = transform_bounding_box(transform, box, arrays=arrays)
        back = inverse if inverse is not None else transform.invert(arrays=arrays)
    except NgffValueError as exc:
        raise NgffValueError(
            f"transform: expected a transformation of the spatial dims {names} with an "
            f"inverse (or pass inverse=); {exc}"
        ) from exc
    step = {d: float((scale or {}).get(d, moving.scale.get(d, 1.0))) for d in names}
    if any(v <= 0 for v in step.values()):
        raise NgffValueError(f"scale: expected positive spacings, got {step}")
    shape = list(moving.data.shape)
    for k, i in enumerate(spatial):
        extent = (placed.upper[k] - placed.lower[k]) / step[names[k]]
        shape[i] = int(np.floor(extent + 1e-9)) + 1
    sizes = _chunk_sizes(chunks, moving, shape)
    template = da.empty(tuple(shape), chunks=sizes, dtype=np.uint8)
    fixed = NgffImage(
        data=template,
        dims=dims,
        scale={**dict(moving.scale), **step},
        translation={
            **dict(moving.translation),
            **{d: placed.lower[k] for k, d in enumerate(names)},
        },
        name=moving.name,
        axes_units=dict(moving.axes_units) if moving.axes_units else None,
    )
    return resample(
        back, fixed, moving, interpolator=interpolator, default_value=default_value, arrays=arrays
    )


def _chunk_sizes(
    chunks: int | tuple[int, ...] | None, moving: NgffImage, shape: list[int]
) -> tuple[int, ...]:
    if chunks is None:
        given: npt.ArrayLike = [c[0] for c in _chunks(moving)]
    elif isinstance(chunks, int):
        given = [chunks] * len(shape)
    else:
        given = list(chunks)
    sizes = [int(c) for c in np.asarray(given).ravel()]
    if len(sizes) != len(shape):
        raise NgffValueError(
            f"chunks: expected one size per dim {list(moving.dims)}, got {len(sizes)}"
        )
    return tuple(max(1, min(c, n)) for c, n in zip(sizes, shape, strict=True))


def _task_chunks(chunks: tuple[tuple[int, ...], ...]) -> tuple[tuple[int, ...], ...]:
    """``chunks`` split (each chunk into equal parts) until a block has at most
    :data:`TASK_VOXELS` voxels: a task holds its block and source region as floats, so an
    image read with large dask chunks (e.g. 64x256x1024) does not make tasks of hundreds of MiB.
    """
    parts = [1] * len(chunks)
    largest = [max(c) if c else 1 for c in chunks]

    def size(i: int) -> int:
        return -(-largest[i] // parts[i])

    while int(np.prod([size(i) for i in range(len(chunks))])) > TASK_VOXELS:
        i = max(range(len(chunks)), key=size)
        if size(i) == 1:
            break
        parts[i] *= 2
    out = []
    for dim, k in zip(chunks, parts, strict=True):
        split: list[int] = []
        for c in dim:
            step = -(-c // k)
            split += [min(step, c - j) for j in range(0, c, step)]
        out.append(tuple(split))
    return tuple(out)


def _chunks(image: NgffImage) -> tuple[tuple[int, ...], ...]:
    chunks = getattr(image.data, "chunks", None)
    if isinstance(chunks, tuple) and chunks and isinstance(chunks[0], tuple):
        return chunks
    return tuple((n,) for n in image.data.shape)


def _grid(image: NgffImage, spatial: list[int]) -> dict[str, Any]:
    names = [image.dims[i] for i in spatial]
    return {
        "scale": np.array([image.scale.get(d, 1.0) for d in names]),
        "translation": np.array([image.translation.get(d, 0.0) for d in names]),
        "shape": np.array([image.data.shape[i] for i in spatial]),
    }


class _Source:
    """The moving image's array, handed to each task as it is (dask does not look inside)."""

    def __init__(self, array: Any) -> None:
        self.array = array
        self.dtype = np.dtype(array.dtype)

    def read(self, key: tuple[slice, ...]) -> np.ndarray:
        region = self.array[key]
        if hasattr(region, "compute"):  # dask: this task reads its region itself
            region = region.compute(scheduler="synchronous")
        return np.asarray(region)


def _index_affine(
    transform: Transformation,
    n: int,
    fixed: NgffImage,
    moving: NgffImage,
    spatial: list[int],
    arrays: Arrays | None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """For a linear transformation: (M, c) with moving index = M @ fixed index + c."""
    try:
        matrix = transform.affine_matrix(n, arrays=arrays)
    except NgffValueError:
        return None
    if matrix is None:
        return None
    f, m = _grid(fixed, spatial), _grid(moving, spatial)
    linear, offset = matrix[:n, :n], matrix[:n, n]
    index = np.diag(1.0 / m["scale"]) @ linear @ np.diag(f["scale"])
    shift = (linear @ f["translation"] + offset - m["translation"]) / m["scale"]
    return index, shift


def _pull(
    template: np.ndarray,
    moving: _Source,
    geometry: dict[str, Any],
    transform: Transformation,
    block_info: dict[Any, Any] | None = None,
) -> np.ndarray:
    """One output block: its grid mapped into ``moving``, the region read, interpolated.

    A linear transformation maps the block's corners only and interpolates with
    :func:`scipy.ndimage.affine_transform`; any other maps every grid point.
    """
    assert block_info is not None
    location = block_info[None]["array-location"]
    shape = tuple(stop - start for start, stop in location)
    spatial: list[int] = geometry["spatial"]
    block = tuple(shape[i] for i in spatial)
    start = np.array([location[i][0] for i in spatial], dtype=float)
    out = np.full(shape, geometry["default"], dtype=moving.dtype)
    affine = geometry["index_affine"]
    if affine is not None:
        corners = np.array(list(itertools.product(*((0, n - 1) for n in block))), dtype=float)
        index = (corners + start) @ affine[0].T + affine[1]
    else:
        fixed, source = geometry["fixed"], geometry["moving"]
        axes = [np.arange(n, dtype=float) + s for n, s in zip(block, start, strict=True)]
        grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, len(spatial))
        points = transform.apply(
            grid * fixed["scale"] + fixed["translation"], arrays=geometry["arrays"]
        )
        index = (points - source["translation"]) / source["scale"]
    finite = np.isfinite(index).all(axis=1)
    if not finite.any():
        return out
    margin, limit = geometry["margin"], geometry["moving"]["shape"]
    lo = np.maximum(np.floor(index[finite].min(axis=0)).astype(int) - margin, 0)
    hi = np.minimum(np.ceil(index[finite].max(axis=0)).astype(int) + 1 + margin, limit)
    if (hi <= lo).any():
        return out
    key: list[slice] = [slice(*location[i]) for i in range(len(shape))]
    for k, i in enumerate(spatial):
        key[i] = slice(int(lo[k]), int(hi[k]))
    region = moving.read(tuple(key))
    if affine is not None:
        sample = functools.partial(
            _affine, matrix=affine[0], shift=affine[0] @ start + affine[1] - lo
        )
    else:
        coords = (np.where(finite[:, None], index, -1e9) - lo).T
        sample = functools.partial(_points, coords=coords)
    others = [i for i in range(len(shape)) if i not in spatial]
    for combo in itertools.product(*(range(shape[i]) for i in others)):
        where: list[Any] = [slice(None)] * len(shape)
        for i, j in zip(others, combo, strict=True):
            where[i] = j
        values = sample(
            region[tuple(where)].astype(_work_dtype(moving.dtype), copy=False),
            block=block,
            order=geometry["order"],
            cval=float(geometry["default"]),
        )
        if np.issubdtype(moving.dtype, np.integer):
            info = np.iinfo(moving.dtype)
            values = np.clip(np.rint(values), info.min, info.max)
        out[tuple(where)] = values.reshape(block).astype(moving.dtype)
    return out


def _work_dtype(dtype: np.dtype[Any]) -> type[np.floating[Any]]:
    """float32 where it holds every value exactly (8/16-bit integers, float16/32), else float64."""
    small = dtype.itemsize <= 2 or dtype == np.float32
    return np.float32 if small and dtype.kind in "iuf" else np.float64


def _affine(
    region: np.ndarray,
    *,
    matrix: np.ndarray,
    shift: np.ndarray,
    block: tuple[int, ...],
    order: int,
    cval: float,
) -> np.ndarray:
    from scipy.ndimage import affine_transform

    return np.asarray(
        affine_transform(
            region, matrix, shift, output_shape=block, order=order, mode="constant", cval=cval
        )
    )


def _points(
    region: np.ndarray, *, coords: np.ndarray, block: tuple[int, ...], order: int, cval: float
) -> np.ndarray:
    from scipy.ndimage import map_coordinates

    del block  # the caller reshapes
    return np.asarray(map_coordinates(region, coords, order=order, mode="constant", cval=cval))
