"""OME-NGFF 0.4 ``coordinateTransformations``: a ``scale`` and an optional ``translation``.

>>> parse_transformations([{"type": "scale", "scale": [1, 0.5]}], 2, field="t")
[Scale(scale=[1.0, 0.5], type='scale')]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from ..errors import InvalidMetadataError

__all__ = ["Identity", "Scale", "Transform", "Translation", "json_number", "parse_transformations"]


@dataclass
class Identity:
    """An ``identity`` coordinate transformation (read as no transformation)."""

    type: Literal["identity"] = "identity"

    def to_dict(self) -> dict[str, Any]:
        return {"type": "identity"}


@dataclass
class Scale:
    """A ``scale`` coordinate transformation."""

    scale: list[float]
    type: Literal["scale"] = "scale"

    def to_dict(self) -> dict[str, Any]:
        return {"type": "scale", "scale": [json_number(v) for v in self.scale]}


@dataclass
class Translation:
    """A ``translation`` coordinate transformation."""

    translation: list[float]
    type: Literal["translation"] = "translation"

    def to_dict(self) -> dict[str, Any]:
        return {"type": "translation", "translation": [json_number(v) for v in self.translation]}


Transform = Scale | Translation


def parse_transformations(
    raw: Any, n: int, *, path: str | None = None, field: str = "coordinateTransformations"
) -> list[Transform]:
    """Parse a list of transformations of ``n``-D values at ``field`` (identity is dropped)."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InvalidMetadataError(f"expected a list, found {raw!r}", path=path, field=field)
    out: list[Transform] = []
    for j, t in enumerate(raw):
        sub = f"{field}[{j}]"
        if not isinstance(t, dict):
            raise InvalidMetadataError(f"expected an object, found {t!r}", path=path, field=sub)
        kind = t.get("type")
        if kind == "identity":
            continue
        if kind not in ("scale", "translation"):
            raise InvalidMetadataError(
                f"expected type 'scale' or 'translation', found {kind!r}",
                path=path,
                field=f"{sub}.type",
            )
        values = t.get(kind)
        if "path" in t and values is None:
            raise InvalidMetadataError(
                "transformations stored in a file ('path') are not supported", path=path, field=sub
            )
        if not isinstance(values, list) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            for v in values
        ):
            raise InvalidMetadataError(
                f"expected a list of finite numbers, found {values!r}",
                path=path,
                field=f"{sub}.{kind}",
            )
        if len(values) != n:
            raise InvalidMetadataError(
                f"expected {n} values (one per axis), found {len(values)}",
                path=path,
                field=f"{sub}.{kind}",
            )
        floats = [float(v) for v in values]
        out.append(Scale(floats) if kind == "scale" else Translation(floats))
    return out


def json_number(value: float) -> float:
    """``value`` as a JSON number; NaN and infinities are refused."""
    v = float(value)
    if not math.isfinite(v):
        raise InvalidMetadataError(f"expected a finite number, found {value!r}")
    return v
