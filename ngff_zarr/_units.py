"""Unit names: the spec's UDUNITS-2 vocabulary and the spellings found in microscope files."""

from __future__ import annotations

from typing import Final

from .errors import InvalidMetadataError
from .v04.zarr_metadata import SPACE_UNITS, TIME_UNITS

_ALIASES: Final[dict[str, str]] = {
    "µm": "micrometer",
    "μm": "micrometer",  # Greek mu
    "um": "micrometer",
    "micron": "micrometer",
    "microns": "micrometer",
    "\\u00b5m": "micrometer",
    "nm": "nanometer",
    "mm": "millimeter",
    "cm": "centimeter",
    "m": "meter",
    "pm": "picometer",
    "å": "angstrom",
    "a": "angstrom",
    "s": "second",
    "sec": "second",
    "seconds": "second",
    "ms": "millisecond",
    "µs": "microsecond",
    "us": "microsecond",
    "ns": "nanosecond",
    "min": "minute",
    "h": "hour",
    "hr": "hour",
}


def normalize_unit(unit: str, dim: str) -> str:
    """The spec's name for ``unit`` on ``dim``; raises when it is not a unit of that axis type."""
    text = unit.strip()
    key = text.lower()
    name = _ALIASES.get(key, key)
    if dim in ("z", "y", "x"):
        allowed = SPACE_UNITS
    elif dim == "t":
        allowed = TIME_UNITS
    else:
        raise InvalidMetadataError(
            f"expected no unit for the channel axis, got {unit!r}", field=f"axes_units[{dim!r}]"
        )
    if name not in allowed:
        kind = "space" if allowed is SPACE_UNITS else "time"
        raise InvalidMetadataError(
            f"expected a {kind} unit such as "
            f"{'micrometer' if kind == 'space' else 'second'}, got {unit!r}",
            field=f"axes_units[{dim!r}]",
        )
    return name
