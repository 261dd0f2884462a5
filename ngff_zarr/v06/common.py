"""A 0.6 image as the rest of the package sees it: the common view, plus what only 0.6 can say.

Every OME-NGFF version can describe an image by its axes and, per resolution level, a scale and a
translation: that is :class:`ngff_zarr.v04.multiscales.Metadata`, which the writers, the pyramid
engine and :class:`~ngff_zarr.NgffImage` use. :class:`Metadata` here is that class with the 0.6
additions: the coordinate systems besides the intrinsic one and the transformations between them.
Code written for 0.4/0.5 keeps working on a 0.6 image (``axes``, ``datasets[i]`` with their
``Scale`` and ``Translation``); code that knows 0.6 finds each level's transformation into the
intrinsic system (:meth:`Metadata.level_transformation`), the systems and transformations, and
chains between any two systems (:meth:`Metadata.find_chain`).

Conversion: :func:`upgrade` takes 0.4/0.5 metadata to 0.6 (a multiscale-level scale and
translation are folded into every level's, which has the same meaning);
:meth:`Metadata.to_version` goes back to 0.4/0.5 when the metadata has nothing that those
versions cannot express, and otherwise raises an error that names what cannot be expressed.

Examples
--------
>>> from ngff_zarr.v04.axes import Axis
>>> from ngff_zarr.v04.multiscales import Dataset, Metadata as Metadata05
>>> from ngff_zarr.v04.transformations import Scale, Translation
>>> old = Metadata05(axes=[Axis("y", "space", "micrometer"), Axis("x", "space", "micrometer")],
...     datasets=[Dataset("s0", [Scale([0.5, 0.5])]),
...               Dataset("s1", [Scale([1.0, 1.0]), Translation([0.25, 0.25])])],
...     version="0.5")
>>> new = upgrade(old)
>>> new.version, new.intrinsic_coordinate_system.name, new.level_transformation(1).to_dict()["type"]
('0.6', 'physical', 'sequence')
>>> new.to_version("0.5").datasets == old.datasets
True
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, fields, replace
from typing import Any, Final

from ..errors import InvalidMetadataError, NgffValueError, NgffWarning, UnsupportedVersionError
from ..v04 import axes as v04_axes
from ..v04.multiscales import Dataset as Dataset04
from ..v04.multiscales import Metadata as Metadata04
from ..v04.multiscales import MethodMetadata
from ..v04.omero import Omero
from ..v04.transformations import Scale as Scale04
from ..v04.transformations import Translation as Translation04
from ..vocab import WRITE_VERSIONS
from ._base import Arrays, Transformation
from ._version import VERSION
from .composite import TransformSequence
from .coordinate_systems import Axis, CoordinateSystem
from .coordinate_systems import CoordinateSystemIdentifier as Ref
from .elementary import Scale, Translation
from .graph import find_chain
from .multiscales import Dataset, Image, Multiscale

__all__ = ["DEFAULT_INTRINSIC", "Metadata", "image_attributes", "upgrade"]

# the name given to the intrinsic coordinate system of an image converted from 0.4/0.5
DEFAULT_INTRINSIC = "physical"


@dataclass
class Metadata(Metadata04):
    """The multiscale metadata of a 0.6 image: the common view and the 0.6 coordinate systems.

    The fields of :class:`ngff_zarr.v04.multiscales.Metadata` describe the intrinsic coordinate
    system (``axes``) and each level's scale and translation into it (``datasets``), as in every
    version. The 0.6 fields:

    Parameters
    ----------
    coordinateSystems
        Every coordinate system of the multiscale, the intrinsic one included (its axes are
        written from ``axes``; its ``longName``/``discrete`` members are kept from here).
    transformations
        The multiscale's ``coordinateTransformations``: transformations between coordinate
        systems (``input``/``output`` name them), e.g. from the intrinsic system to a world
        system. Each level's transformation into the intrinsic system is derived from
        ``datasets``; see :meth:`level_transformation`.
    intrinsic_name
        The name of the intrinsic coordinate system.

    Examples
    --------
    >>> from ngff_zarr.v04.axes import Axis as Axis04
    >>> from ngff_zarr.v04.multiscales import Dataset
    >>> from ngff_zarr.v04.transformations import Scale as Scale04
    >>> from ngff_zarr.v06.matrices import Rotation
    >>> world = CoordinateSystem("world", [Axis("y", "space"), Axis("x", "space")])
    >>> turn = Rotation([[0.0, -1.0], [1.0, 0.0]], input=Ref(name="physical"),
    ...                 output=Ref(name="world"))
    >>> md = Metadata(axes=[Axis04("y", "space"), Axis04("x", "space")],
    ...     datasets=[Dataset("s0", [Scale04([2.0, 2.0])])],
    ...     coordinateSystems=[world], transformations=[turn])
    >>> md.find_chain(Ref(path="s0"), Ref(name="world")).apply([1.0, 0.0]).tolist()
    [0.0, 2.0]
    >>> try:
    ...     md.to_version("0.5")
    ... except ValueError as exc:
    ...     print(exc)
    OME-Zarr 0.5 cannot express the coordinate system 'world' and the rotation transformation \
physical -> world; it has one coordinate system (the axes) and a scale and translation per level
    """

    version: str = VERSION
    coordinateSystems: list[CoordinateSystem] = field(default_factory=list)  # spec field name
    transformations: list[Transformation] = field(default_factory=list)
    intrinsic_name: str = DEFAULT_INTRINSIC

    # --- the coordinate systems ----------------------------------------------------------

    @property
    def intrinsic_coordinate_system(self) -> CoordinateSystem:
        """The intrinsic coordinate system: ``axes`` with what the 0.6 system adds to them."""
        stored = {s.name: s for s in self.coordinateSystems}.get(self.intrinsic_name)
        known = {a.name: a for a in stored.axes} if stored is not None else {}
        axes = []
        for axis in self.axes:
            was = known.get(axis.name)
            extra = dict(was.extra) if was is not None else {}
            if axis.orientation is not None:
                extra["orientation"] = axis.orientation.to_dict()
            axes.append(
                Axis(
                    name=axis.name,
                    type=axis.type,
                    discrete=was.discrete if was is not None else _DISCRETE.get(str(axis.type)),
                    unit=axis.unit,
                    longName=was.longName if was is not None else None,
                    extra=extra,
                )
            )
        return CoordinateSystem(
            self.intrinsic_name, axes, dict(stored.extra) if stored is not None else {}
        )

    @property
    def coordinate_systems(self) -> list[CoordinateSystem]:
        """Every coordinate system, the intrinsic one (from ``axes``) first."""
        others = [s for s in self.coordinateSystems if s.name != self.intrinsic_name]
        return [self.intrinsic_coordinate_system, *others]

    def coordinate_system(self, name: str) -> CoordinateSystem:
        """The coordinate system called ``name``.

        Raises
        ------
        NgffValueError
            Listing the names there are.
        """
        systems = self.coordinate_systems
        for system in systems:
            if system.name == name:
                return system
        raise NgffValueError(f"name: expected one of {[s.name for s in systems]}, got {name!r}")

    # --- the transformations -------------------------------------------------------------

    def level_scale_translation(self, level: int) -> tuple[list[float], list[float]]:
        """The scale and translation of ``level`` into the intrinsic system.

        The level's transformations are applied first, then the multiscale-level ones (0.4/0.5).
        """
        n = len(self.axes)
        scale, translation = [1.0] * n, [0.0] * n
        transforms = list(self.datasets[level].coordinateTransformations)
        for t in [*transforms, *(self.coordinateTransformations or [])]:
            if isinstance(t, Scale04):
                scale = [a * b for a, b in zip(scale, t.scale, strict=True)]
                translation = [a * b for a, b in zip(translation, t.scale, strict=True)]
            elif isinstance(t, Translation04):
                translation = [a + b for a, b in zip(translation, t.translation, strict=True)]
        return scale, translation

    def level_transformation(self, level: int) -> Transformation:
        """The transformation from the array of ``level`` into the intrinsic system.

        A ``scale``, or a ``sequence`` of a scale and a translation when there is a translation.
        """
        scale, translation = self.level_scale_translation(level)
        source, target = Ref(path=self.datasets[level].path), Ref(name=self.intrinsic_name)
        if not any(translation):
            return Scale(scale, input=source, output=target)
        return TransformSequence(
            [Scale(scale), Translation(translation)], input=source, output=target
        )

    def all_transformations(self) -> list[Transformation]:
        """Every level's transformation, then the multiscale's."""
        levels = [self.level_transformation(i) for i in range(len(self.datasets))]
        return [*levels, *self.transformations]

    def find_chain(
        self, source: Ref | str, target: Ref | str, *, arrays: Arrays | None = None
    ) -> TransformSequence:
        """The chain of transformations from ``source`` to ``target`` (inverses included).

        A level's array system is ``CoordinateSystemIdentifier(path=dataset.path)``; a name
        given as a string is a coordinate system. See :func:`ngff_zarr.v06.graph.find_chain`.
        """
        return find_chain(self.all_transformations(), source, target, arrays=arrays)

    # --- conversion ----------------------------------------------------------------------

    def to_multiscale(self) -> Multiscale:
        """The 0.6 ``multiscales`` entry (the spec mirror, :class:`~.multiscales.Multiscale`)."""
        raw_meta = self.extra.get("metadata")
        meta = self.metadata.to_dict() if self.metadata is not None else raw_meta
        extra = {k: v for k, v in self.extra.items() if k != "metadata"}
        return Multiscale(
            coordinateSystems=self.coordinate_systems,
            datasets=[
                Dataset(d.path, [self.level_transformation(i)]) for i, d in enumerate(self.datasets)
            ],
            coordinateTransformations=list(self.transformations) or None,
            name=self.name,
            type=self.type,
            metadata=dict(meta) if isinstance(meta, dict) else None,
            extra=extra,
        )

    @classmethod
    def from_multiscale(
        cls, ms: Multiscale, *, omero: Any = None, path: str | None = None
    ) -> Metadata:
        """The common view of a parsed 0.6 multiscale (``omero``: the image's, as JSON).

        Raises
        ------
        InvalidMetadataError
            No single intrinsic system, or a level whose transformation is not a scale and
            translation.
        """
        try:
            intrinsic = ms.intrinsic
        except InvalidMetadataError as exc:
            raise InvalidMetadataError(str(exc), path=path, field="multiscales[0]") from exc
        datasets = []
        for i, ds in enumerate(ms.datasets):
            try:
                scale, translation = ds.scale_and_translation(intrinsic.ndim)
            except (NgffValueError, InvalidMetadataError) as exc:
                raise InvalidMetadataError(
                    f"expected a scale and translation into {intrinsic.name!r}: {exc}",
                    path=path,
                    field=f"multiscales[0].datasets[{i}].coordinateTransformations",
                ) from exc
            transforms: list[Any] = [Scale04(scale)]
            if any(translation):
                transforms.append(Translation04(translation))
            datasets.append(Dataset04(path=ds.path, coordinateTransformations=transforms))
        method = MethodMetadata.from_dict(ms.metadata)
        extra = dict(ms.extra)
        if ms.metadata is not None and method is None:
            extra["metadata"] = ms.metadata
        return cls(
            axes=[_axis04(a, path, i) for i, a in enumerate(intrinsic.axes)],
            datasets=datasets,
            omero=Omero.from_dict(omero, path=path),
            name=ms.name if ms.name is not None else "image",
            type=ms.type,
            metadata=method,
            extra=extra,
            coordinateSystems=list(ms.coordinateSystems),
            transformations=list(ms.coordinateTransformations or []),
            intrinsic_name=intrinsic.name,
        )

    def to_version(self, version: str) -> Metadata04:
        """This metadata stated as OME-NGFF ``version``.

        Raises
        ------
        NgffValueError
            For 0.4/0.5: the metadata has coordinate systems or transformations that those
            versions cannot express (the message names them).
        UnsupportedVersionError
            A version this package does not write.
        """
        if str(version) == VERSION:
            return replace(self, version=VERSION)
        if str(version) not in WRITE_VERSIONS:
            raise UnsupportedVersionError(
                f"version: expected one of {list(WRITE_VERSIONS)}, got {version!r}"
            )
        lost = [f"the coordinate system {s.name!r}" for s in self.coordinate_systems[1:]]
        lost += [f"the {t.label} {_ends(t)}" for t in self.transformations]
        if lost:
            raise NgffValueError(
                f"OME-Zarr {version} cannot express {_join(lost)}; it has one coordinate system "
                "(the axes) and a scale and translation per level"
            )
        dropped = [
            f"{a.name}.{key}"
            for a in self.intrinsic_coordinate_system.axes
            for key in ("discrete", "longName")
            if getattr(a, key) is not None
        ]
        if dropped:
            warnings.warn(
                f"OME-Zarr {version} axes have no discrete or longName: {dropped} not written",
                NgffWarning,
                stacklevel=2,
            )
        common = {f.name: getattr(self, f.name) for f in fields(Metadata04)}
        return Metadata04(**{**common, "version": str(version)})


# axis types whose indices are discrete by nature (a field's vector components)
_DISCRETE: Final[dict[str, bool]] = {"displacement": True, "coordinate": True}


def _axis04(axis: Axis, path: str | None, index: int) -> v04_axes.Axis:
    doc: dict[str, Any] = {"name": axis.name}
    for key in ("type", "unit"):
        if getattr(axis, key) is not None:
            doc[key] = getattr(axis, key)
    if "orientation" in axis.extra:
        doc["orientation"] = axis.extra["orientation"]
    return v04_axes.Axis.from_dict(doc, path=path, field=f"coordinateSystems.axes[{index}]")


def _ends(t: Transformation) -> str:
    return f"{t.input or '?'} -> {t.output or '?'}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def upgrade(metadata: Metadata04) -> Metadata:
    """``metadata`` (of any version) as 0.6 :class:`Metadata`.

    0.4/0.5 multiscale-level transformations are folded into every level's scale and
    translation (the same mapping); the intrinsic system is called ``"physical"``.

    >>> from ngff_zarr.v04.axes import Axis
    >>> from ngff_zarr.v04.multiscales import Dataset
    >>> from ngff_zarr.v04.transformations import Scale as Scale04
    >>> md = Metadata04(axes=[Axis("x", "space")], datasets=[Dataset("0", [Scale04([2.0])])],
    ...                 coordinateTransformations=[Scale04([3.0])])
    >>> upgrade(md).datasets[0].coordinateTransformations
    [Scale(scale=[6.0], type='scale')]
    """
    if isinstance(metadata, Metadata):
        return replace(metadata, version=VERSION)
    common = {f.name: getattr(metadata, f.name) for f in fields(Metadata04)}
    md = Metadata(**{**common, "version": VERSION})
    if not metadata.coordinateTransformations:
        return md
    datasets = []
    for i, ds in enumerate(metadata.datasets):
        scale, translation = md.level_scale_translation(i)
        transforms: list[Any] = [Scale04(scale)]
        if any(translation):
            transforms.append(Translation04(translation))
        datasets.append(replace(ds, coordinateTransformations=transforms))
    return replace(md, datasets=datasets, coordinateTransformations=None)


def image_attributes(metadata: Metadata04) -> dict[str, Any]:
    """The ``attributes`` of a 0.6 image group's ``zarr.json`` (metadata of any version).

    >>> from ngff_zarr.v04.axes import Axis as Axis04
    >>> from ngff_zarr.v04.multiscales import Dataset
    >>> from ngff_zarr.v04.transformations import Scale as Scale04
    >>> md = Metadata04(axes=[Axis04("x", "space")], datasets=[Dataset("s0", [Scale04([2.0])])])
    >>> image_attributes(md)["ome"]["multiscales"][0]["datasets"]
    [{'path': 's0', 'coordinateTransformations': [{'type': 'scale', 'scale': [2.0], \
'input': {'path': 's0'}, 'output': {'name': 'physical'}}]}]
    """
    md = upgrade(metadata)
    omero = md.omero.to_dict() if md.omero is not None else None
    return Image([md.to_multiscale()], version=VERSION, omero=omero).to_attributes()
