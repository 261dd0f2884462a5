"""Spec metadata of OME-NGFF 0.4 (``multiscales``, ``axes``, ``datasets``, ``omero``).

The dataclasses mirror the JSON objects of the specification one for one. They are shared
with 0.5, whose multiscales object is the same apart from where it lives in the attributes
(see :mod:`ngff_zarr.v05.zarr_metadata`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, Literal, get_args

from ..errors import InvalidMetadataError

AxisName = Literal["t", "c", "z", "y", "x"]
AxisType = Literal["time", "space", "channel"]
SpaceUnit = Literal[
    "angstrom", "attometer", "centimeter", "decimeter", "exameter", "femtometer", "foot",
    "gigameter", "hectometer", "inch", "kilometer", "megameter", "meter", "micrometer", "mile",
    "millimeter", "nanometer", "parsec", "petameter", "picometer", "terameter", "yard",
    "yoctometer", "yottameter", "zeptometer", "zettameter",
]  # fmt: skip
TimeUnit = Literal[
    "attosecond", "centisecond", "day", "decisecond", "exasecond", "femtosecond", "gigasecond",
    "hectosecond", "hour", "kilosecond", "megasecond", "microsecond", "millisecond", "minute",
    "nanosecond", "petasecond", "picosecond", "second", "terasecond", "yoctosecond",
    "yottasecond", "zeptosecond", "zettasecond",
]  # fmt: skip
Unit = SpaceUnit | TimeUnit

SPACE_UNITS: Final[frozenset[str]] = frozenset(get_args(SpaceUnit))
TIME_UNITS: Final[frozenset[str]] = frozenset(get_args(TimeUnit))
SPATIAL_DIMS: Final[tuple[str, ...]] = ("z", "y", "x")
SUPPORTED_DIMS: Final[tuple[str, ...]] = ("t", "c", "z", "y", "x")
DIM_TYPES: Final[dict[str, str]] = {
    "t": "time",
    "c": "channel",
    "z": "space",
    "y": "space",
    "x": "space",
}


@dataclass
class Axis:
    """One entry of ``axes``: a name, an optional type and an optional unit."""

    name: str
    type: str | None = None
    unit: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.type is not None:
            out["type"] = self.type
        if self.unit is not None:
            out["unit"] = self.unit
        return out


@dataclass
class Scale:
    """A ``scale`` coordinate transformation."""

    scale: list[float]
    type: Literal["scale"] = "scale"

    def to_dict(self) -> dict[str, Any]:
        return {"type": "scale", "scale": [_num(v) for v in self.scale]}


@dataclass
class Translation:
    """A ``translation`` coordinate transformation."""

    translation: list[float]
    type: Literal["translation"] = "translation"

    def to_dict(self) -> dict[str, Any]:
        return {"type": "translation", "translation": [_num(v) for v in self.translation]}


Transform = Scale | Translation


@dataclass
class Dataset:
    """One resolution level: the array ``path`` and its coordinate transformations."""

    path: str
    coordinateTransformations: list[Transform]

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "coordinateTransformations": [t.to_dict() for t in self.coordinateTransformations],
        }


@dataclass
class OmeroWindow:
    """Display window of an omero channel: data range (min, max) and shown range (start, end)."""

    min: float
    max: float
    start: float
    end: float

    def to_dict(self) -> dict[str, Any]:
        return {k: _num(getattr(self, k)) for k in ("min", "max", "start", "end")}


@dataclass
class OmeroChannel:
    """One omero channel: colour (RRGGBB hex), display window and label."""

    color: str
    window: OmeroWindow
    label: str | None = None
    active: bool = True

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "color": self.color,
            "window": self.window.to_dict(),
            "active": self.active,
        }
        if self.label is not None:
            out["label"] = self.label
        return out


@dataclass
class Omero:
    """Transitional omero rendering metadata: one entry per channel."""

    channels: list[OmeroChannel]
    name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"channels": [c.to_dict() for c in self.channels]}
        if self.name is not None:
            out["name"] = self.name
        return out


@dataclass
class MethodMetadata:
    """Provenance of the downsampling: what was used, from which package and version."""

    description: str
    method: str
    version: str
    kwargs: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "description": self.description,
            "method": self.method,
            "version": self.version,
        }
        if self.kwargs:
            out["kwargs"] = dict(self.kwargs)
        return out


@dataclass
class Metadata:
    """The ``multiscales[0]`` object: axes, datasets (one per level) and provenance."""

    axes: list[Axis]
    datasets: list[Dataset]
    coordinateTransformations: list[Transform] | None = None
    omero: Omero | None = None
    name: str = "image"
    type: str | None = None
    metadata: MethodMetadata | None = None

    @property
    def dims(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.axes)


def multiscale_to_dict(metadata: Metadata, *, with_version: str | None) -> dict[str, Any]:
    """The JSON object of one multiscale; ``with_version`` is written into it (0.4) or not."""
    out: dict[str, Any] = {}
    if with_version is not None:
        out["version"] = with_version
    out["name"] = metadata.name
    out["axes"] = [a.to_dict() for a in metadata.axes]
    out["datasets"] = [d.to_dict() for d in metadata.datasets]
    if metadata.coordinateTransformations:
        out["coordinateTransformations"] = [t.to_dict() for t in metadata.coordinateTransformations]
    if metadata.type is not None:
        out["type"] = metadata.type
    if metadata.metadata is not None:
        out["metadata"] = metadata.metadata.to_dict()
    return out


def to_attributes(metadata: Metadata) -> dict[str, Any]:
    """The ``.zattrs`` content of a 0.4 image group."""
    attrs: dict[str, Any] = {"multiscales": [multiscale_to_dict(metadata, with_version="0.4")]}
    if metadata.omero is not None:
        attrs["omero"] = metadata.omero.to_dict()
    return attrs


def _num(value: float) -> float | int:
    """JSON number for a float: integral values stay floats, NaN/inf are refused."""
    v = float(value)
    if v != v or v in (float("inf"), float("-inf")):
        raise InvalidMetadataError(f"expected a finite number, got {value!r}")
    return v
