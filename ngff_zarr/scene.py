"""OME-Zarr 0.6 scenes: several images placed in shared coordinate systems, written and read.

A scene is a Zarr group whose ``ome.scene`` holds transformations from coordinate systems of its
child images (``{"path": "tile_0", "name": "physical"}``) to systems of the scene
(``{"name": "world"}``) or of other images. :class:`NgffScene` is its data: the images (a
:class:`~ngff_zarr.Multiscales` each, by group path), the transformations and the scene's
coordinate systems. :func:`to_ngff_scene` writes one (every image as OME-Zarr 0.6, the scene's
metadata last, the whole beside its final place and moved there when complete);
:func:`from_ngff_scene` reads one lazily, :func:`list_scene_images` lists its images and
:func:`open_scene_image` opens one of them.

Examples
--------
>>> import numpy as np, os, tempfile
>>> import ngff_zarr as nz
>>> from ngff_zarr.v06.coordinate_systems import Axis, CoordinateSystem
>>> from ngff_zarr.v06.coordinate_systems import CoordinateSystemIdentifier as Ref
>>> from ngff_zarr.v06.elementary import Translation
>>> tile = nz.to_multiscales(nz.to_ngff_image(np.ones((32, 32), "uint8")), scale_factors=[2])
>>> world = CoordinateSystem("world", [Axis("y", "space"), Axis("x", "space")])
>>> shift = Translation([0.0, 32.0], input=Ref(path="right", name="physical"),
...                     output=Ref(name="world"))
>>> same = Translation([0.0, 0.0], input=Ref(path="left", name="physical"),
...                    output=Ref(name="world"))
>>> scene = NgffScene({"left": tile, "right": tile}, [same, shift], [world])
>>> path = os.path.join(tempfile.mkdtemp(), "scene.ome.zarr")
>>> to_ngff_scene(path, scene)
>>> list_scene_images(path)
['left', 'right']
>>> back = from_ngff_scene(path)
>>> back.find_chain(Ref(path="right/scale0/image"), "world").apply([1.0, 1.0]).tolist()
[1.0, 33.0]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any

import zarr

from ._io.documents import group_attributes
from ._io.staging import Target
from ._io.store import StoreLike, as_store, describe, join
from .errors import InvalidMetadataError, NgffValueError, unknown_choice
from .from_ngff_zarr import from_ngff_zarr
from .multiscales import Multiscales
from .to_ngff_zarr import to_ngff_zarr
from .v06 import rules
from .v06._base import Arrays, Transformation
from .v06.common import Metadata, upgrade
from .v06.composite import TransformSequence
from .v06.coordinate_systems import CoordinateSystem
from .v06.coordinate_systems import CoordinateSystemIdentifier as Ref
from .v06.graph import find_chain
from .v06.scene import Scene

__all__ = [
    "NgffScene",
    "from_ngff_scene",
    "list_scene_images",
    "open_scene_image",
    "to_ngff_scene",
]


@dataclass
class NgffScene:
    """Images placed in shared coordinate systems by transformations (OME-Zarr 0.6).

    Parameters
    ----------
    images
        Each image by its group path below the scene (``"tile_0"``, ``"round1/cells"``).
    coordinateTransformations
        The scene's transformations; an image's system is ``{"path": <image>, "name": <system>}``
        (its intrinsic system is ``"physical"`` unless its 0.6 metadata names another), a
        system of the scene is ``{"name": ...}``.
    coordinateSystems
        The scene's own coordinate systems (those named without a path).

    Examples
    --------
    >>> NgffScene({}, []).image_paths
    []
    """

    images: dict[str, Multiscales]
    coordinateTransformations: list[Transformation]  # spec field name
    coordinateSystems: list[CoordinateSystem] | None = None  # spec field name
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def image_paths(self) -> list[str]:
        """The images' group paths, in order."""
        return list(self.images)

    def metadata(self) -> Scene:
        """The ``scene`` object (the spec mirror, :class:`ngff_zarr.v06.scene.Scene`)."""
        return Scene(
            list(self.coordinateTransformations),
            list(self.coordinateSystems) if self.coordinateSystems is not None else None,
            dict(self.extra),
        )

    def transformations(self) -> list[Transformation]:
        """The scene's transformations and every image's, with the image paths prefixed.

        An image's level ``s0`` becomes ``{"path": "<image>/s0"}`` and its system ``physical``
        ``{"path": "<image>", "name": "physical"}``: one graph from any array to any system.
        The paths of stored parameter and field arrays get the same prefix, so that
        ``open_transformation_arrays(<scene store>)`` resolves every one of them.
        """
        out = list(self.coordinateTransformations)
        for path, ms in self.images.items():
            out.extend(
                replace(
                    _arrays_below(t, path),
                    input=_prefixed(t.input, path),
                    output=_prefixed(t.output, path),
                )
                for t in upgrade(ms.metadata).all_transformations()
            )
        return out

    def find_chain(
        self, source: Ref | str, target: Ref | str, *, arrays: Arrays | None = None
    ) -> TransformSequence:
        """The chain from ``source`` to ``target`` through the scene and its images.

        See :meth:`transformations` for how the images' systems and arrays are named.
        """
        return find_chain(self.transformations(), source, target, arrays=arrays)


def _prefixed(ref: Ref | None, image: str) -> Ref | None:
    if ref is None:
        return None
    if ref.path is not None:  # a level's array
        return Ref(path=join(image, ref.path), name=ref.name)
    return Ref(path=image, name=ref.name)


def _arrays_below(value: Any, image: str) -> Any:
    """``value`` (a transformation, or a part of one) with its array paths below ``image``."""
    if isinstance(value, list):
        return [_arrays_below(v, image) for v in value]
    if not is_dataclass(value) or isinstance(value, Ref | type):
        return value
    changes: dict[str, Any] = {}
    for f in fields(value):
        if f.name in ("input", "output", "extra"):
            continue
        current = getattr(value, f.name)
        if f.name == "path" and isinstance(current, str):
            changes["path"] = join(image, current)
        elif isinstance(current, list) or (is_dataclass(current) and not isinstance(current, Ref)):
            changes[f.name] = _arrays_below(current, image)
    return replace(value, **changes) if changes else value


def _systems(ms: Multiscales) -> list[dict[str, Any]]:
    return [s.to_dict() for s in upgrade(ms.metadata).coordinate_systems]


def to_ngff_scene(
    store: StoreLike,
    scene: NgffScene,
    *,
    overwrite: bool = True,
    storage_options: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> None:
    """Write ``scene``: every image as OME-Zarr 0.6 in its group, then the scene's metadata.

    Parameters
    ----------
    store
        A directory path (written beside and moved into place when complete), a zarr store or
        a URL.
    scene
        The scene; each transformation must join systems of its images or of the scene.
    overwrite
        Replace an existing Zarr store at ``store``.
    storage_options
        Passed to fsspec for URLs.
    **kwargs
        Passed to :func:`~ngff_zarr.to_ngff_zarr` for each image (``chunks_per_shard``,
        ``use_tensorstore``, ``compressors``...).

    Raises
    ------
    NgffValueError
        A transformation refers to an image that is not in ``scene.images`` or to a
        coordinate system that does not exist (nothing is written), or an image path is empty.
    StoreExistsError
        ``store`` holds data and ``overwrite`` is false.
    """
    attrs = {"ome": {**scene.metadata().to_attributes()["ome"]}}
    for path in scene.images:
        if not path or path.startswith("/") or ".." in path.split("/"):
            raise NgffValueError(f"images: expected relative group paths, got {path!r}")
    known = {path: _systems(ms) for path, ms in scene.images.items()}
    errors = [f for f in rules.check_v06_scene(attrs, group_systems=known) if f.severity == "error"]
    if errors:
        raise NgffValueError("; ".join(f"{f.field}: {f.message}" for f in errors))
    target = Target.open(store, overwrite=overwrite, storage_options=storage_options, zarr_format=3)
    try:
        for path, ms in scene.images.items():
            group = zarr.open_group(
                target.group.store, path=join(target.group.path, path), mode="w", zarr_format=3
            )
            to_ngff_zarr(group, ms, version="0.6", **kwargs)
        target.group.attrs.update(attrs)
    except BaseException:
        target.abort()
        raise
    target.commit()


def _scene(store: StoreLike, storage_options: Mapping[str, Any] | None) -> tuple[Any, Scene]:
    zstore = as_store(store, read_only=True, storage_options=storage_options)
    base = store.path if isinstance(store, zarr.Group) else ""
    _, attrs = group_attributes(zstore, base)
    where = describe(zstore, join(base, "zarr.json"))
    ome = attrs.get("ome")
    if not isinstance(ome, Mapping) or "scene" not in ome:
        raise InvalidMetadataError("expected a 0.6 scene ('ome.scene'), found none", path=where)
    return (zstore, base), Scene.from_attributes(attrs, path=where)


def list_scene_images(
    store: StoreLike, *, storage_options: Mapping[str, Any] | None = None
) -> list[str]:
    """The group paths of the images a stored scene places, in order of first use.

    Raises
    ------
    InvalidMetadataError
        The group holds no 0.6 scene, or its scene metadata is malformed.
    """
    return _scene(store, storage_options)[1].images()


def open_scene_image(
    store: StoreLike, path: str, *, storage_options: Mapping[str, Any] | None = None
) -> Multiscales:
    """One image of a stored scene, read lazily (see :func:`~ngff_zarr.from_ngff_zarr`).

    Raises
    ------
    NgffValueError
        ``path`` is not one of the scene's images (the message lists them).
    """
    (zstore, base), scene = _scene(store, storage_options)
    if path not in scene.images():
        raise unknown_choice("path", path, scene.images())
    return from_ngff_zarr(zarr.open_group(zstore, path=join(base, path), mode="r"))


def from_ngff_scene(
    store: StoreLike, *, storage_options: Mapping[str, Any] | None = None
) -> NgffScene:
    """Read a stored scene: its metadata, and every image lazily.

    Raises
    ------
    InvalidMetadataError
        The group holds no 0.6 scene, or its metadata is malformed.
    """
    (zstore, base), scene = _scene(store, storage_options)
    images = {
        path: from_ngff_zarr(zarr.open_group(zstore, path=join(base, path), mode="r"))
        for path in scene.images()
    }
    for path, ms in images.items():
        if not isinstance(ms.metadata, Metadata):
            raise InvalidMetadataError(
                f"the scene's image {path!r} is OME-Zarr {ms.metadata.version}, not 0.6",
                path=describe(zstore, join(base, path)),
            )
    return NgffScene(images, scene.coordinateTransformations, scene.coordinateSystems, scene.extra)
