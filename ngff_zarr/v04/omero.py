"""OME-NGFF 0.4 ``omero``: the transitional rendering metadata, one entry per channel.

>>> Omero.from_dict({"channels": [{"color": "FF0000", "window": {"min": 0, "max": 255,
...     "start": 10, "end": 200}, "label": "DAPI"}]}).channels[0].window.end
200.0
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidMetadataError, NgffValueError, NgffWarning
from .transformations import json_number

__all__ = ["Omero", "OmeroChannel", "OmeroWindow"]

_HEX = frozenset("0123456789abcdefABCDEF")


@dataclass
class OmeroWindow:
    """Display window of an omero channel: data range (min, max) and shown range (start, end)."""

    min: float
    max: float
    start: float
    end: float

    def to_dict(self) -> dict[str, Any]:
        return {k: json_number(getattr(self, k)) for k in ("min", "max", "start", "end")}


@dataclass
class OmeroChannel:
    """One omero channel: colour (RRGGBB hex), display window and label."""

    color: str
    window: OmeroWindow
    label: str | None = None
    active: bool = True

    def validate_color(self) -> None:
        """Check that ``color`` is six hex digits (``RRGGBB``), as ngff-zarr's method does.

        Raises
        ------
        NgffValueError
            When it is not.

        Examples
        --------
        >>> channel = OmeroChannel("00FF00", OmeroWindow(0, 255, 0, 255))
        >>> channel.validate_color()
        >>> channel.color = "green"
        >>> channel.validate_color()
        Traceback (most recent call last):
        ...
        ngff_zarr.errors.NgffValueError: color: expected 6 hex digits (RRGGBB), got 'green'
        """
        color = self.color
        if not (isinstance(color, str) and len(color) == 6 and _HEX.issuperset(color)):
            raise NgffValueError(f"color: expected 6 hex digits (RRGGBB), got {color!r}")

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

    @classmethod
    def from_dict(cls, raw: Any, *, path: str | None = None) -> Omero | None:
        """Parse an ``omero`` object; None when there is none (or it lists no channels)."""
        if not isinstance(raw, dict) or not isinstance(raw.get("channels"), list):
            return None
        channels = []
        for i, ch in enumerate(raw["channels"]):
            field = f"omero.channels[{i}]"
            if not isinstance(ch, dict):
                raise InvalidMetadataError(
                    f"expected an object, found {ch!r}", path=path, field=field
                )
            raw_window = ch.get("window")
            win: dict[str, Any] = raw_window if isinstance(raw_window, dict) else {}
            try:
                window = OmeroWindow(
                    min=float(win.get("min", 0.0)),
                    max=float(win.get("max", 0.0)),
                    start=float(win.get("start", win.get("min", 0.0))),
                    end=float(win.get("end", win.get("max", 0.0))),
                )
            except (TypeError, ValueError) as exc:
                raise InvalidMetadataError(
                    f"expected numbers, found {win!r}", path=path, field=f"{field}.window"
                ) from exc
            strings = {k: v for k, v in win.items() if isinstance(v, str)}
            if strings:  # seen in the wild: {"min": "0", "max": "255", ...}
                warnings.warn(
                    f"{path}: {field}.window: expected numbers, got strings {strings}; read as "
                    "numbers",
                    NgffWarning,
                    stacklevel=4,
                )
            channels.append(
                OmeroChannel(
                    color=str(ch.get("color", "FFFFFF")),
                    window=window,
                    label=None if ch.get("label") is None else str(ch.get("label")),
                    active=bool(ch.get("active", True)),
                )
            )
        name = raw.get("name")
        return cls(channels=channels, name=name if isinstance(name, str) else None)
