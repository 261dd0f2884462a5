"""OME-Zarr 0.6 images: datasets, multiscales and the ``ome`` namespace of an image group.

Each dataset (resolution level) has one transformation from its array (``input.path``) to the
*intrinsic* coordinate system of the image (``output.name``): a ``scale``, an ``identity`` or a
``sequence`` of one scale and one translation. A multiscale lists its coordinate systems and may
add transformations from the intrinsic system to others.

Examples
--------
>>> from ngff_zarr.v06.coordinate_systems import CoordinateSystemIdentifier as Ref
>>> image = Image.from_attributes({"ome": {"version": "0.6", "multiscales": [{
...     "coordinateSystems": [{"name": "physical", "axes": [
...         {"name": "y", "type": "space", "unit": "micrometer"},
...         {"name": "x", "type": "space", "unit": "micrometer"}]}],
...     "datasets": [
...         {"path": "s0", "coordinateTransformations": [{"type": "scale", "scale": [0.5, 0.5],
...          "input": {"path": "s0"}, "output": {"name": "physical"}}]},
...         {"path": "s1", "coordinateTransformations": [{"type": "sequence",
...          "input": {"path": "s1"}, "output": {"name": "physical"}, "transformations": [
...              {"type": "scale", "scale": [1.0, 1.0]},
...              {"type": "translation", "translation": [0.25, 0.25]}]}]}]}]}})
>>> ms = image.multiscales[0]
>>> ms.intrinsic.name, ms.datasets[1].scale_and_translation()
('physical', ([1.0, 1.0], [0.25, 0.25]))
>>> ms.find_chain(Ref(path="s1"), Ref(path="s0")).apply([1.0, 1.0]).tolist()
[2.5, 2.5]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import InvalidMetadataError, NgffValueError
from ._base import Arrays, Transformation
from ._parse import Reader
from ._version import VERSION, is_read_version
from .composite import TransformSequence
from .coordinate_systems import CoordinateSystem
from .coordinate_systems import CoordinateSystemIdentifier as Ref
from .graph import find_chain

__all__ = ["Dataset", "Image", "Multiscale"]


def _transformations(r: Reader, key: str, *, required: bool) -> list[Transformation] | None:
    members = r.objects(key, required=required)
    if members is None:
        return None
    return [Transformation.from_dict(m.doc, path=r.path, field=m.field) for m in members]


@dataclass
class Dataset:
    """One resolution level: the array ``path`` and its ``coordinateTransformations`` (one).

    Examples
    --------
    >>> from ngff_zarr.v06.coordinate_systems import CoordinateSystemIdentifier as Ref
    >>> from ngff_zarr.v06.elementary import Scale
    >>> ds = Dataset("s0", [Scale([2.0, 2.0], input=Ref(path="s0"), output=Ref(name="physical"))])
    >>> ds.transformation.output.name, ds.scale_and_translation()
    ('physical', ([2.0, 2.0], [0.0, 0.0]))
    """

    path: str
    coordinateTransformations: list[Transformation]  # spec field name
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(
        cls, doc: object, *, path: str | None = None, field: str = "datasets[0]"
    ) -> Dataset:
        """Parse a dataset object (InvalidMetadataError names a missing/mistyped field)."""
        r = Reader.of(doc, field, path)
        return cls(
            path=r.string("path", required=True) or "",
            coordinateTransformations=_transformations(
                r, "coordinateTransformations", required=True
            )
            or [],
            extra=r.extra(("path", "coordinateTransformations")),
        )

    def to_dict(self) -> dict[str, Any]:
        """The dataset as JSON."""
        return {
            "path": self.path,
            "coordinateTransformations": [t.to_dict() for t in self.coordinateTransformations],
            **self.extra,
        }

    @property
    def transformation(self) -> Transformation:
        """The transformation from the array to the intrinsic coordinate system.

        Raises
        ------
        InvalidMetadataError
            When the dataset does not have exactly one.
        """
        if len(self.coordinateTransformations) != 1:
            raise InvalidMetadataError(
                f"expected exactly one transformation for the dataset {self.path!r}, found "
                f"{len(self.coordinateTransformations)}",
                field="coordinateTransformations",
            )
        return self.coordinateTransformations[0]

    def scale_and_translation(self, ndim: int | None = None) -> tuple[list[float], list[float]]:
        """The per-axis scale and translation of the level (identity: ones and zeros).

        ``ndim`` is needed only for an ``identity``.

        Raises
        ------
        NgffValueError
            When the transformation is not axis-aligned (not a scale and a translation).
        """
        t = self.transformation
        n = ndim if ndim is not None else t.input_ndim()
        if n is None:
            raise NgffValueError(f"ndim: the {t.label} of {self.path!r} needs the number of axes")
        matrix = t.affine_matrix(n)
        if matrix is None or not _axis_aligned(matrix, n):
            raise NgffValueError(
                f"{self.path}: expected a scale and translation, got the {t.label}"
            )
        linear = matrix[:-1, :-1]
        return [float(v) for v in np.diag(linear)], [float(v) for v in matrix[:-1, -1]]


def _axis_aligned(matrix: Any, n: int) -> bool:
    linear = matrix[:-1, :-1]
    return bool(linear.shape == (n, n) and not np.count_nonzero(linear - np.diag(np.diag(linear))))


@dataclass
class Multiscale:
    """One entry of ``multiscales``: coordinate systems, datasets, extra transformations.

    ``type`` names the downscaling method and ``metadata`` describes it (kept as given).

    Examples
    --------
    >>> from ngff_zarr.v06.coordinate_systems import Axis, CoordinateSystem
    >>> from ngff_zarr.v06.elementary import Identity
    >>> level = Identity(input=Ref(path="s0"), output=Ref(name="physical"))
    >>> ms = Multiscale([CoordinateSystem("physical", [Axis("y"), Axis("x")])],
    ...                 [Dataset("s0", [level])])
    >>> ms.intrinsic.name, ms.to_dict()["datasets"][0]["coordinateTransformations"][0]["type"]
    ('physical', 'identity')
    """

    coordinateSystems: list[CoordinateSystem]  # spec field name
    datasets: list[Dataset]
    coordinateTransformations: list[Transformation] | None = None  # spec field name
    name: str | None = None
    type: str | None = None
    metadata: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    _KEYS = (
        "coordinateSystems",
        "datasets",
        "coordinateTransformations",
        "name",
        "type",
        "metadata",
    )

    @classmethod
    def from_dict(
        cls, doc: object, *, path: str | None = None, field: str = "multiscales[0]"
    ) -> Multiscale:
        """Parse a multiscale object (InvalidMetadataError names a missing/mistyped field)."""
        r = Reader.of(doc, field, path)
        systems = [
            CoordinateSystem.from_dict(c.doc, path=path, field=c.field)
            for c in r.objects("coordinateSystems") or []
        ]
        datasets = [
            Dataset.from_dict(d.doc, path=path, field=d.field) for d in r.objects("datasets") or []
        ]
        return cls(
            coordinateSystems=systems,
            datasets=datasets,
            coordinateTransformations=_transformations(
                r, "coordinateTransformations", required=False
            ),
            name=r.string("name"),
            type=r.string("type"),
            metadata=r.mapping("metadata"),
            extra=r.extra(cls._KEYS),
        )

    def to_dict(self) -> dict[str, Any]:
        """The multiscale as JSON."""
        out: dict[str, Any] = {}
        if self.name is not None:
            out["name"] = self.name
        out["coordinateSystems"] = [c.to_dict() for c in self.coordinateSystems]
        out["datasets"] = [d.to_dict() for d in self.datasets]
        if self.coordinateTransformations is not None:
            out["coordinateTransformations"] = [t.to_dict() for t in self.coordinateTransformations]
        if self.type is not None:
            out["type"] = self.type
        if self.metadata is not None:
            out["metadata"] = dict(self.metadata)
        out.update(self.extra)
        return out

    def coordinate_system(self, name: str) -> CoordinateSystem:
        """The coordinate system called ``name``.

        Raises
        ------
        NgffValueError
            Listing the names there are.
        """
        for system in self.coordinateSystems:
            if system.name == name:
                return system
        names = [c.name for c in self.coordinateSystems]
        raise NgffValueError(f"name: expected one of {names}, got {name!r}")

    @property
    def intrinsic(self) -> CoordinateSystem:
        """The intrinsic coordinate system: the output of every dataset's transformation.

        Raises
        ------
        InvalidMetadataError
            When the datasets name different outputs, or one that is not a coordinate system here.
        """
        names = {
            str(d.transformation.output.name) for d in self.datasets if d.transformation.output
        }
        if len(names) != 1:
            raise InvalidMetadataError(
                f"expected every dataset to output to one coordinate system, found {sorted(names)}",
                field="datasets",
            )
        (name,) = names
        try:
            return self.coordinate_system(name)
        except NgffValueError as exc:
            raise InvalidMetadataError(str(exc), field="coordinateSystems") from exc

    def transformations(self) -> list[Transformation]:
        """Every top-level transformation: those of the datasets, then the multiscale's."""
        return [t for d in self.datasets for t in d.coordinateTransformations] + list(
            self.coordinateTransformations or []
        )

    def find_chain(
        self, source: Ref | str, target: Ref | str, *, arrays: Arrays | None = None
    ) -> TransformSequence:
        """The chain of transformations from ``source`` to ``target`` (see :func:`find_chain`).

        A dataset's array system is ``CoordinateSystemIdentifier(path=dataset.path)``.
        """
        return find_chain(self.transformations(), source, target, arrays=arrays)


@dataclass
class Image:
    """The ``ome`` namespace of an image (or label image) group: version, multiscales, omero.

    ``omero`` is kept as given, and every other member (``image-label``, ...) in ``extra``.

    Examples
    --------
    >>> Image([], version="0.6").to_attributes()
    {'ome': {'version': '0.6', 'multiscales': []}}
    """

    multiscales: list[Multiscale]
    version: str = VERSION
    omero: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, doc: object, *, path: str | None = None, field: str = "ome") -> Image:
        """Parse the ``ome`` object of an image group.

        Raises
        ------
        InvalidMetadataError
            When ``version`` is not a 0.6 version, or a member is missing or mistyped.
        """
        r = Reader.of(doc, field, path)
        version = r.string("version", required=True)
        if not is_read_version(version):
            raise r.error("version", "'0.6' (or '0.6rc0', '0.6.devN')", version)
        multiscales = [
            Multiscale.from_dict(m.doc, path=path, field=m.field)
            for m in r.objects("multiscales") or []
        ]
        return cls(
            multiscales=multiscales,
            version=version or VERSION,
            omero=r.mapping("omero"),
            extra=r.extra(("version", "multiscales", "omero")),
        )

    def to_dict(self) -> dict[str, Any]:
        """The ``ome`` object."""
        out: dict[str, Any] = {
            "version": self.version,
            "multiscales": [m.to_dict() for m in self.multiscales],
        }
        if self.omero is not None:
            out["omero"] = dict(self.omero)
        out.update(self.extra)
        return out

    @classmethod
    def from_attributes(cls, attrs: object, *, path: str | None = None) -> Image:
        """Parse the ``attributes`` of an image group's ``zarr.json``."""
        r = Reader.of(attrs, "attributes", path)
        return cls.from_dict(r.required("ome", "an object"), path=path, field="ome")

    def to_attributes(self) -> dict[str, Any]:
        """The ``attributes`` of the image group's ``zarr.json``."""
        return {"ome": self.to_dict()}
