"""OME-Zarr 0.6 coordinate systems: named lists of axes, and the references transformations use.

A coordinate system (``{"name": ..., "axes": [...]}``) gives the dimensions of a space and their
meaning. Transformations name their ``input`` and ``output`` systems with a
:class:`CoordinateSystemIdentifier`: a ``name`` of a system in the same document, a ``path`` to an
array (its array coordinate system) or to another group, or both (a system of another group).

``from_dict`` checks the structure of a document (members present and of the right JSON type); the
rules that relate members to each other (unique names, axis order, ...) are in
:mod:`ngff_zarr.v06.rules`.

Examples
--------
>>> cs = CoordinateSystem.from_dict(
...     {"name": "physical", "axes": [{"name": "y", "type": "space", "unit": "micrometer"},
...                                   {"name": "x", "type": "space", "unit": "micrometer"}]}
... )
>>> cs.ndim, cs.axis_names
(2, ('y', 'x'))
>>> cs.to_dict()["axes"][1]
{'name': 'x', 'type': 'space', 'unit': 'micrometer'}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from ..errors import InvalidMetadataError
from ..vocab import AXIS_TYPES as _V05_AXIS_TYPES
from ._parse import Reader

__all__ = ["AXIS_TYPES", "Axis", "CoordinateSystem", "CoordinateSystemIdentifier"]

# The axis types the 0.6 text names; other strings are allowed as custom types (a SHOULD).
AXIS_TYPES: Final[tuple[str, ...]] = (*_V05_AXIS_TYPES, "array", "coordinate", "displacement")

_AXIS_KEYS: Final = ("name", "type", "discrete", "unit", "longName")


@dataclass
class Axis:
    """One entry of ``axes``: ``name``, and optional ``type``, ``discrete``, ``unit``, ``longName``.

    Members the specification does not name are kept in ``extra``.

    Examples
    --------
    >>> Axis.from_dict({"name": "c", "type": "channel", "discrete": True}).discrete
    True
    """

    name: str
    type: str | None = None
    discrete: bool | None = None
    unit: str | None = None
    longName: str | None = None  # spec field name
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, doc: object, *, path: str | None = None, field: str = "axes[0]") -> Axis:
        """Parse an axis object.

        Raises
        ------
        InvalidMetadataError
            When ``name`` is missing or empty, or a member has the wrong JSON type.
        """
        r = Reader.of(doc, field, path)
        name = r.string("name", required=True)
        if not name:
            raise r.error("name", "a non-empty string", name)
        return cls(
            name=name,
            type=r.string("type"),
            discrete=r.boolean("discrete"),
            unit=r.string("unit"),
            longName=r.string("longName"),
            extra=r.extra(_AXIS_KEYS),
        )

    def to_dict(self) -> dict[str, Any]:
        """The axis as JSON (absent members stay absent)."""
        out: dict[str, Any] = {"name": self.name}
        for key in _AXIS_KEYS[1:]:
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        out.update(self.extra)
        return out


@dataclass
class CoordinateSystem:
    """A named coordinate system: its ``axes`` give the dimensions of its points, in order.

    Examples
    --------
    >>> cs = CoordinateSystem("world", [Axis("z", "space"), Axis("y", "space"), Axis("x", "space")])
    >>> cs.ndim
    3
    """

    name: str
    axes: list[Axis]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ndim(self) -> int:
        """The dimensionality (number of axes)."""
        return len(self.axes)

    @property
    def axis_names(self) -> tuple[str, ...]:
        """The axis names, in order."""
        return tuple(a.name for a in self.axes)

    @classmethod
    def from_dict(
        cls, doc: object, *, path: str | None = None, field: str = "coordinateSystems[0]"
    ) -> CoordinateSystem:
        """Parse a coordinate system object.

        Raises
        ------
        InvalidMetadataError
            When ``name`` or ``axes`` is missing or has the wrong JSON type.
        """
        r = Reader.of(doc, field, path)
        name = r.string("name", required=True)
        if not name:
            raise r.error("name", "a non-empty string", name)
        axes = [Axis.from_dict(a.doc, path=path, field=a.field) for a in r.objects("axes") or []]
        return cls(name=name, axes=axes, extra=r.extra(("name", "axes")))

    def to_dict(self) -> dict[str, Any]:
        """The coordinate system as JSON."""
        return {"name": self.name, "axes": [a.to_dict() for a in self.axes], **self.extra}


@dataclass(frozen=True)
class CoordinateSystemIdentifier:
    """A transformation's ``input`` or ``output``: a system ``name``, a ``path``, or both.

    - only ``name``: a coordinate system of the same metadata document;
    - only ``path``: the array coordinate system of the array at ``path`` (a dataset);
    - both: the coordinate system ``name`` of the group at ``path`` (a scene's images, labels).

    Examples
    --------
    >>> ref = CoordinateSystemIdentifier.from_dict({"path": "tile_0", "name": "physical"})
    >>> str(ref), ref.key
    ('tile_0:physical', ('tile_0', 'physical'))
    >>> CoordinateSystemIdentifier(name="physical").to_dict()
    {'name': 'physical'}
    """

    name: str | None = None
    path: str | None = None

    @property
    def key(self) -> tuple[str | None, str | None]:
        """``(path, name)``: identifies the coordinate system within one metadata document."""
        return (self.path, self.name)

    def __str__(self) -> str:
        if self.path is None:
            return self.name or ""
        return self.path if self.name is None else f"{self.path}:{self.name}"

    @classmethod
    def from_dict(
        cls, doc: object, *, path: str | None = None, field: str = "input"
    ) -> CoordinateSystemIdentifier:
        """Parse an ``input``/``output`` object.

        Raises
        ------
        InvalidMetadataError
            When it is not an object (the pre-0.6rc0 drafts used a bare string), or has neither a
            string ``name`` nor a string ``path``.
        """
        if isinstance(doc, str):
            raise InvalidMetadataError(
                f'expected an object {{"name": ..., "path": ...}}, found the string {doc!r} '
                "(the form of the 0.6 drafts before 0.6rc0)",
                path=path,
                field=field,
            )
        r = Reader.of(doc, field, path)
        ref = cls(name=r.string("name"), path=r.string("path"))
        if ref.name is None and ref.path is None:
            raise r.error("name", "a coordinate system name or a path (or both)")
        return ref

    def to_dict(self) -> dict[str, str]:
        """The reference as JSON."""
        out: dict[str, str] = {}
        if self.name is not None:
            out["name"] = self.name
        if self.path is not None:
            out["path"] = self.path
        return out
