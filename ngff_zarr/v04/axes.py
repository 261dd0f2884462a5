"""OME-NGFF 0.4 ``axes``: one entry per array dimension (0.1-0.3 forms are read too).

>>> Axis.from_dict({"name": "x", "type": "space", "unit": "micrometer"}, field="axes[0]")
Axis(name='x', type='space', unit='micrometer', orientation=None)
>>> Axis("x", "space", "micrometer").to_dict()
{'name': 'x', 'type': 'space', 'unit': 'micrometer'}
>>> Axis("z", "space", orientation=AnatomicalOrientation("inferior-to-superior")).to_dict()[
...     "orientation"]
{'value': 'inferior-to-superior', 'type': 'anatomical'}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import InvalidMetadataError, NgffValueError
from ..rfc4 import AnatomicalOrientation
from ..vocab import DIM_TYPES, DIMS, version_rank

__all__ = ["Axis", "parse_axes"]


@dataclass
class Axis:
    """One entry of ``axes``: a name, an optional type, unit and anatomical orientation.

    The type is ``space``, ``time`` or ``channel`` for the spec's dims; a custom type is kept
    as it is (the spec says it SHOULD be one of those three; :func:`ngff_zarr.validate` warns).
    ``orientation`` is RFC-4's (:mod:`ngff_zarr.rfc4`), for space axes.
    """

    name: str
    type: str | None = None
    unit: str | None = None
    orientation: AnatomicalOrientation | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.type is not None:
            out["type"] = self.type
        if self.unit is not None:
            out["unit"] = self.unit
        if self.orientation is not None:
            out["orientation"] = self.orientation.to_dict()
        return out

    @classmethod
    def from_dict(cls, raw: Any, *, path: str | None = None, field: str = "axes[0]") -> Axis:
        """Parse one axis object; a bare string (0.3) is a name whose type is implied."""
        if isinstance(raw, str):
            return cls(name=raw, type=DIM_TYPES.get(raw))
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            raise InvalidMetadataError(
                f"expected an object with a string 'name', found {raw!r}", path=path, field=field
            )
        kind, unit = raw.get("type"), raw.get("unit")
        if kind is not None and not isinstance(kind, str):
            raise InvalidMetadataError(
                f"expected a string, found {kind!r}", path=path, field=f"{field}.type"
            )
        if unit is not None and not isinstance(unit, str):
            raise InvalidMetadataError(
                f"expected a string, found {unit!r}", path=path, field=f"{field}.unit"
            )
        orientation = None
        if raw.get("orientation") is not None:
            try:
                orientation = AnatomicalOrientation.from_dict(raw["orientation"])
            except NgffValueError as exc:
                raise InvalidMetadataError(
                    str(exc), path=path, field=f"{field}.orientation"
                ) from exc
        return cls(name=raw["name"], type=kind, unit=unit, orientation=orientation)


def parse_axes(
    raw: Any, version: str, ndim: int, *, path: str | None = None, field: str = "axes"
) -> list[Axis]:
    """The axes of a multiscale of ``version``; 0.1/0.2 imply the last ``ndim`` of t,c,z,y,x."""
    if raw is None:
        if version_rank(version) < version_rank("0.3"):
            if not 2 <= ndim <= 5:
                raise InvalidMetadataError(
                    f"a {version} image must have 2 to 5 dims, its first array has {ndim}",
                    path=path,
                )
            return [Axis(name=d, type=DIM_TYPES[d]) for d in DIMS[-ndim:]]
        raise InvalidMetadataError("missing (required since 0.3)", path=path, field=field)
    if not isinstance(raw, list):
        raise InvalidMetadataError(f"expected a list, found {raw!r}", path=path, field=field)
    axes = [Axis.from_dict(entry, path=path, field=f"{field}[{i}]") for i, entry in enumerate(raw)]
    names = [a.name for a in axes]
    if len(set(names)) != len(names):
        raise InvalidMetadataError(
            f"expected unique axis names, found {names}", path=path, field=field
        )
    return axes
