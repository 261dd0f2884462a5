"""The arrays a 0.6 transformation names by ``path``, read from a store and written to one.

``displacements`` and ``coordinates`` read their vector field from the array at ``path``, and
``affine``/``rotation`` (and ``scale``/``translation``) may store their parameters in one. The
path is relative to the group whose metadata holds the transformation: the image group for a
multiscale's transformations, the scene group for a scene's.

A field is stored as a 0.6 image group of its own (as in the specification's example): one
level ``s0`` whose coordinate system has one axis of type ``displacement`` (or ``coordinate``),
discrete, for the vector components, and one axis per axis of the transformation's input
system; the level's scale and translation place the field's samples in the input system.

:func:`open_transformation_arrays` gives a mapping from path to loaded array, to pass as
``arrays=`` wherever a transformation is applied, inverted or resampled through: a field comes
back as a lazy :class:`~ngff_zarr.v06.fields.Field` (only the region its points need is read),
a parameter array as a NumPy array. :func:`to_field_array` writes a field beside an image.

Examples
--------
>>> import os, tempfile
>>> import numpy as np
>>> import ngff_zarr as nz
>>> from ngff_zarr.v06.coordinate_systems import Axis, CoordinateSystem
>>> from ngff_zarr.v06.fields import Displacements
>>> path = os.path.join(tempfile.mkdtemp(), "image.ome.zarr")
>>> nz.to_ngff_zarr(path, nz.to_multiscales(nz.to_ngff_image(np.zeros((4, 4), "uint8"))),
...                 version="0.6")
>>> physical = CoordinateSystem("physical", [Axis("y", "space"), Axis("x", "space")])
>>> field = np.zeros((4, 4, 2)); field[..., 1] = 0.5  # move every point by 0.5 along x
>>> to_field_array(path, "coordinateTransformations/shift", field, input_system=physical)
>>> arrays = open_transformation_arrays(path)
>>> Displacements("coordinateTransformations/shift").apply([1.0, 1.0], arrays=arrays).tolist()
[1.0, 1.5]
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final, Literal, cast

import numpy as np
import numpy.typing as npt
import zarr

from ._io.store import StoreLike, as_store, describe, is_relative_key, join
from .errors import ArrayNotFoundError, InvalidMetadataError, NgffValueError
from .v06.coordinate_systems import CoordinateSystem
from .v06.fields import Field
from .v06.multiscales import Image

__all__ = ["TransformationArrays", "open_transformation_arrays", "to_field_array"]

# the axis type of a field's vector components, by the transformation that reads it
FIELD_AXIS_TYPES: Final[dict[str, str]] = {
    "displacements": "displacement",
    "coordinates": "coordinate",
}


class _VectorLast:
    """A stored field array seen with its vector axis last, read region by region."""

    def __init__(self, array: Any, axis: int) -> None:
        self.array, self.axis = array, axis
        order = [i for i in range(array.ndim) if i != axis] + [axis]
        self.shape = tuple(int(array.shape[i]) for i in order)
        self.ndim = array.ndim
        self.dtype = array.dtype

    def __getitem__(self, key: tuple[slice, ...]) -> np.ndarray:
        grid, vector = list(key[:-1]), key[-1]
        stored = [*grid[: self.axis], vector, *grid[self.axis :]]
        return np.moveaxis(np.asarray(self.array[tuple(stored)]), self.axis, -1)


class TransformationArrays(Mapping[str, Any]):
    """The arrays below one group of a store by path, opened on first use and kept.

    Every path resolves against the store: ``path in arrays`` is true, and a path that names no
    array or field raises on access, naming it. Iterating gives the paths opened so far.

    Parameters
    ----------
    store
        The store (or a path or URL) holding the group.
    group
        The group the transformations' paths are relative to (``""``: the root).
    storage_options
        For an fsspec URL.
    """

    def __init__(
        self,
        store: StoreLike,
        group: str = "",
        *,
        storage_options: Mapping[str, Any] | None = None,
    ) -> None:
        self._store = as_store(store, read_only=True, storage_options=storage_options)
        self._group = group.strip("/")
        self._opened: dict[str, Any] = {}

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str)

    def __bool__(self) -> bool:  # never "no arrays", even before the first is opened
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._opened))

    def __len__(self) -> int:
        return len(self._opened)

    def __getitem__(self, path: str) -> Any:
        if path not in self._opened:
            self._opened[path] = self._open(path)
        return self._opened[path]

    def _open(self, path: str) -> Any:
        if not is_relative_key(path):
            raise NgffValueError(f"path: expected a key below the group, got {path!r}")
        key = join(self._group, path)
        where = describe(self._store, key)
        try:
            node = zarr.open(store=self._store, path=key, mode="r")
        except (FileNotFoundError, KeyError, ValueError) as exc:
            raise ArrayNotFoundError(
                f"path {path!r}: expected an array or a field image group at {where}, found none"
            ) from exc
        if isinstance(node, zarr.Array):
            return np.asarray(node[...], dtype=np.float64)
        return _field(node, path, where)


def _field(group: Any, path: str, where: str) -> Field:
    """The lazy field of the image group ``group`` (its first multiscale's first level)."""
    try:
        image = Image.from_attributes(dict(group.attrs), path=where)
        ms = image.multiscales[0]
        system = ms.intrinsic
        level = ms.datasets[0]
    except (InvalidMetadataError, IndexError) as exc:
        raise InvalidMetadataError(
            f"path {path!r}: expected a 0.6 image group holding the field at {where}, found "
            f"other metadata ({exc})"
        ) from exc
    kinds = [i for i, a in enumerate(system.axes) if a.type in FIELD_AXIS_TYPES.values()]
    if len(kinds) != 1:
        raise InvalidMetadataError(
            f"path {path!r}: expected one axis of type 'displacement' or 'coordinate' in the "
            f"field's coordinate system {system.name!r}, found {len(kinds)}"
        )
    axis = kinds[0]
    try:
        array = group[level.path]
    except KeyError as exc:
        raise ArrayNotFoundError(
            f"path {path!r}: the field's level {level.path!r} is missing at {where}"
        ) from exc
    if array.ndim != system.ndim:
        raise InvalidMetadataError(
            f"path {path!r}: expected a field array of {system.ndim} dimensions (the axes of "
            f"{system.name!r}), found shape {tuple(array.shape)}"
        )
    scale, translation = level.scale_and_translation(system.ndim)
    del scale[axis], translation[axis]
    return Field(
        values=_VectorLast(array, axis), scale=tuple(scale), translation=tuple(translation)
    )


def open_transformation_arrays(
    store: StoreLike, group: str = "", *, storage_options: Mapping[str, Any] | None = None
) -> TransformationArrays:
    """The arrays that the transformations of ``group`` name by ``path``, read on demand.

    Pass the result as ``arrays=`` to :meth:`~ngff_zarr.v06.Transformation.apply`,
    ``invert``, ``find_chain`` or :func:`ngff_zarr.resample`. For an image's transformations
    ``group`` is the image group; for a scene's (and, through
    :meth:`ngff_zarr.NgffScene.transformations`, its images'), the scene group.

    Parameters
    ----------
    store
        The store, a local path or an fsspec URL.
    group
        The group whose metadata holds the transformations (``""``: the root).
    storage_options
        For an fsspec URL.

    Returns
    -------
    TransformationArrays
        Stored fields as lazy :class:`~ngff_zarr.v06.fields.Field` s, parameter arrays as
        NumPy arrays.

    Raises
    ------
    ArrayNotFoundError
        On access to a path with no array or field group (the message names the path).
    InvalidMetadataError
        On access to a field group without a single ``displacement``/``coordinate`` axis, or
        with an array that does not match its axes.

    Examples
    --------
    >>> import tempfile
    >>> arrays = open_transformation_arrays(tempfile.mkdtemp())
    >>> try:
    ...     arrays["fields/missing"]
    ... except ArrayNotFoundError as exc:
    ...     print(str(exc).split(":")[0])
    path 'fields/missing'
    """
    return TransformationArrays(store, group, storage_options=storage_options)


def to_field_array(
    store: StoreLike,
    path: str,
    values: npt.ArrayLike | Any,
    *,
    input_system: CoordinateSystem,
    kind: Literal["displacements", "coordinates"] = "displacements",
    scale: Sequence[float] | None = None,
    translation: Sequence[float] | None = None,
    chunks: Sequence[int] | None = None,
    storage_options: Mapping[str, Any] | None = None,
) -> None:
    """Store a vector field at ``path`` as a 0.6 field image group (level ``s0``).

    Parameters
    ----------
    store
        The store (or path) of the image or scene whose transformation names ``path``.
    path
        The field's group, relative to the store root (for a field beside an image, the image
        group's key joined with the transformation's ``path``).
    values
        Shape ``(*grid, M)``: one axis per axis of ``input_system``, then the ``M`` components
        (NumPy or dask; stored as float64 with the vector axis first, as in the specification's
        example).
    input_system
        The transformation's input coordinate system: the field's grid axes and system name.
    kind
        ``"displacements"`` (vector axis of type ``displacement``, ``M`` = the input's
        dimensionality) or ``"coordinates"`` (type ``coordinate``).
    scale, translation
        Sample ``k`` along grid axis ``i`` sits at ``translation[i] + scale[i] * k`` of the
        input system (default ``1`` and ``0``).
    chunks
        Chunk shape of the stored array (vector axis first; default: the whole field).
    storage_options
        For an fsspec URL.

    Raises
    ------
    NgffValueError
        When the values do not have one axis per input axis plus the vector axis, a displacement
        field's vectors are not of the input's dimensionality, or ``kind`` is unknown.
    """
    if kind not in FIELD_AXIS_TYPES:
        raise NgffValueError(f"kind: expected one of {list(FIELD_AXIS_TYPES)}, got {kind!r}")
    shape = (
        tuple(int(n) for n in np.shape(values))
        if not hasattr(values, "shape")
        else tuple(int(n) for n in values.shape)
    )
    n = input_system.ndim
    if len(shape) != n + 1:
        raise NgffValueError(
            f"values: expected {n + 1} dimensions (the {n} axes of {input_system.name!r} and the "
            f"vector axis), got shape {shape}"
        )
    if kind == "displacements" and shape[-1] != n:
        raise NgffValueError(
            f"values: expected {n} displacement components (one per axis of "
            f"{input_system.name!r}), got {shape[-1]}"
        )
    for key, given in (("scale", scale), ("translation", translation)):
        if given is not None and len(given) != n:
            raise NgffValueError(
                f"{key}: expected {n} values (one per grid axis), got {len(given)}"
            )
    names = {a.name for a in input_system.axes}
    vector = next(c for c in ("c", "v", "vector", "component") if c not in names)
    axes = [{"name": vector, "type": FIELD_AXIS_TYPES[kind], "discrete": True}] + [
        a.to_dict() for a in input_system.axes
    ]
    level: dict[str, Any] = {
        "type": "scale",
        "scale": [1.0, *(float(s) for s in (scale or [1.0] * n))],
        "input": {"path": "s0"},
        "output": {"name": input_system.name},
    }
    transform: list[dict[str, Any]] = [level]
    if translation is not None and any(float(t) != 0.0 for t in translation):
        offset = {"type": "translation", "translation": [0.0, *map(float, translation)]}
        transform = [
            {"type": "sequence", "transformations": [
                {"type": "scale", "scale": level["scale"]}, offset],
             "input": {"path": "s0"}, "output": {"name": input_system.name}}
        ]  # fmt: skip
    attrs = {
        "ome": {
            "version": "0.6",
            "name": path.rsplit("/", 1)[-1],
            "multiscales": [
                {
                    "name": path.rsplit("/", 1)[-1],
                    "type": "none",
                    "metadata": {"description": f"a {kind} field"},
                    "coordinateSystems": [{"name": input_system.name, "axes": axes}],
                    "datasets": [{"path": "s0", "coordinateTransformations": transform}],
                }
            ],
        }
    }
    target = as_store(store, read_only=False, storage_options=storage_options)
    root = zarr.open_group(store=target, path=path.strip("/"), mode="w", zarr_format=3)
    stored = (shape[-1], *shape[:-1])
    array = root.create_array(
        "s0",
        shape=stored,
        dtype="float64",
        chunks=tuple(chunks) if chunks is not None else stored,
        dimension_names=[a["name"] for a in axes],
    )
    if hasattr(values, "dask"):
        import dask.array as da

        lazy: Any = da.moveaxis(cast(Any, values).astype("float64"), -1, 0)
        da.store(lazy, cast(Any, array), lock=False)
    else:
        array[...] = np.moveaxis(np.asarray(values, dtype=np.float64), -1, 0)
    root.attrs.update(cast(dict[str, Any], attrs))
