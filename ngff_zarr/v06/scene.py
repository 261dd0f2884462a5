"""OME-Zarr 0.6 scenes: several images placed in shared coordinate systems by transformations.

A scene group's ``ome`` holds a ``scene`` object: ``coordinateTransformations`` between coordinate
systems of its child images (``{"path": "tile_0", "name": "physical"}``) and of the scene itself
(``{"name": "world"}``), and optionally the scene's own ``coordinateSystems``.

Examples
--------
>>> scene = Scene.from_attributes({"ome": {"version": "0.6", "scene": {
...     "coordinateSystems": [{"name": "world", "axes": [{"name": "y", "type": "space"},
...                                                      {"name": "x", "type": "space"}]}],
...     "coordinateTransformations": [
...         {"type": "translation", "translation": [0, 348],
...          "input": {"path": "tile_1", "name": "physical"}, "output": {"name": "world"}}]}}})
>>> scene.images()
['tile_1']
>>> scene.find_chain(Ref(path="tile_1", name="physical"), "world").apply([1.0, 2.0]).tolist()
[1.0, 350.0]
>>> scene.to_attributes()["ome"]["version"]
'0.6'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import NgffValueError
from ._base import Arrays, Transformation
from ._parse import Reader
from ._version import VERSION, is_read_version
from .composite import TransformSequence
from .coordinate_systems import CoordinateSystem
from .coordinate_systems import CoordinateSystemIdentifier as Ref
from .graph import find_chain

__all__ = ["Scene"]


@dataclass
class Scene:
    """The ``scene`` object: transformations between coordinate systems of images and the scene.

    Examples
    --------
    >>> Scene([]).to_dict()
    {'coordinateTransformations': []}
    """

    coordinateTransformations: list[Transformation]  # spec field name
    coordinateSystems: list[CoordinateSystem] | None = None  # spec field name
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, doc: object, *, path: str | None = None, field: str = "scene") -> Scene:
        """Parse a ``scene`` object (InvalidMetadataError names a missing/mistyped field)."""
        r = Reader.of(doc, field, path)
        transformations = [
            Transformation.from_dict(t.doc, path=path, field=t.field)
            for t in r.objects("coordinateTransformations") or []
        ]
        systems = r.objects("coordinateSystems", required=False)
        return cls(
            coordinateTransformations=transformations,
            coordinateSystems=None
            if systems is None
            else [CoordinateSystem.from_dict(c.doc, path=path, field=c.field) for c in systems],
            extra=r.extra(("coordinateTransformations", "coordinateSystems")),
        )

    def to_dict(self) -> dict[str, Any]:
        """The ``scene`` object as JSON."""
        out: dict[str, Any] = {
            "coordinateTransformations": [t.to_dict() for t in self.coordinateTransformations]
        }
        if self.coordinateSystems is not None:
            out["coordinateSystems"] = [c.to_dict() for c in self.coordinateSystems]
        out.update(self.extra)
        return out

    @classmethod
    def from_attributes(cls, attrs: object, *, path: str | None = None) -> Scene:
        """Parse the ``attributes`` of a scene group's ``zarr.json``.

        Raises
        ------
        InvalidMetadataError
            When there is no ``ome.scene`` object, or ``ome.version`` is not a 0.6 version.
        """
        namespace = Reader.of(attrs, "attributes", path).required("ome", "an object")
        ome = Reader.of(namespace, "ome", path)
        version = ome.string("version", required=True)
        if not is_read_version(version):
            raise ome.error("version", "'0.6' (or '0.6rc0', '0.6.devN')", version)
        return cls.from_dict(ome.required("scene", "a scene object"), path=path, field="ome.scene")

    def to_attributes(self, *, version: str = VERSION) -> dict[str, Any]:
        """The ``attributes`` of the scene group's ``zarr.json``."""
        return {"ome": {"version": version, "scene": self.to_dict()}}

    def images(self) -> list[str]:
        """The paths of the groups (images) the transformations refer to, in first-use order."""
        paths = [
            ref.path
            for t in self.coordinateTransformations
            for ref in (t.input, t.output)
            if ref is not None and ref.path is not None
        ]
        return list(dict.fromkeys(paths))

    def coordinate_system(self, name: str) -> CoordinateSystem:
        """The scene's coordinate system called ``name``.

        Raises
        ------
        NgffValueError
            Listing the names there are.
        """
        for system in self.coordinateSystems or []:
            if system.name == name:
                return system
        names = [c.name for c in self.coordinateSystems or []]
        raise NgffValueError(f"name: expected one of {names}, got {name!r}")

    def find_chain(
        self, source: Ref | str, target: Ref | str, *, arrays: Arrays | None = None
    ) -> TransformSequence:
        """The chain of the scene's transformations from ``source`` to ``target``.

        See :func:`ngff_zarr.v06.graph.find_chain`; an image's system is
        ``CoordinateSystemIdentifier(path=image_path, name=system_name)``.
        """
        return find_chain(self.coordinateTransformations, source, target, arrays=arrays)
