"""Calibration values as the readers find them, in the units the package writes.

Lengths become micrometers and times seconds, through the unit table of :mod:`ngff_zarr.vocab`.
"""

from __future__ import annotations

import math
from typing import Final

from ..vocab import spec_unit, unit_factor, unit_kind

__all__ = ["MICROMETER", "SECOND", "is_length_unit", "length_um", "rgb_hex", "time_s"]

MICROMETER: Final = "micrometer"
SECOND: Final = "second"


def length_um(value: float, unit: str | None) -> float | None:
    """``value`` in ``unit`` (micrometer when None) as micrometers; None when unusable."""
    name = spec_unit(unit or MICROMETER)
    if name is None or unit_kind(name) != "space":
        return None
    return _spacing(value * unit_factor(name, MICROMETER))


def time_s(value: float, unit: str | None) -> float | None:
    """``value`` in ``unit`` (second when None) as seconds; None when unusable."""
    name = spec_unit(unit or SECOND)
    if name is None or unit_kind(name) != "time":
        return None
    return _spacing(value * unit_factor(name, SECOND))


def is_length_unit(unit: str | None) -> bool:
    """Whether ``unit`` is a length spelling the vocabulary knows."""
    return unit is not None and unit_kind(unit) == "space"


def _spacing(value: float) -> float | None:
    """A usable pixel spacing: finite and non-zero, as its magnitude (LIF z steps can be < 0)."""
    value = abs(float(value))
    if value == 0.0 or not math.isfinite(value):
        return None
    return float(f"{value:.12g}")  # drop the noise of unit conversion (1.6e-6 m -> 1.6 um)


def rgb_hex(red: int, green: int, blue: int) -> str:
    """``RRGGBB`` hex of an 8-bit colour."""
    return f"{int(red) & 255:02X}{int(green) & 255:02X}{int(blue) & 255:02X}"
