"""Unit normalisation shared by the readers: lengths to micrometer, times to second."""

from __future__ import annotations

from typing import Final

MICROMETER: Final = "micrometer"
SECOND: Final = "second"

# unit spelling (lower case) -> micrometers per unit
_LENGTH: Final[dict[str, float]] = {
    "m": 1e6,
    "meter": 1e6,
    "metre": 1e6,
    "cm": 1e4,
    "centimeter": 1e4,
    "mm": 1e3,
    "millimeter": 1e3,
    "µm": 1.0,
    "μm": 1.0,
    "um": 1.0,
    "micron": 1.0,
    "microns": 1.0,
    "micrometer": 1.0,
    "micrometre": 1.0,
    "nm": 1e-3,
    "nanometer": 1e-3,
    "pm": 1e-6,
    "picometer": 1e-6,
    "å": 1e-4,
    "angstrom": 1e-4,
    "in": 25400.0,
    "inch": 25400.0,
}
# unit spelling (lower case) -> seconds per unit
_TIME: Final[dict[str, float]] = {
    "s": 1.0,
    "sec": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "ms": 1e-3,
    "millisecond": 1e-3,
    "µs": 1e-6,
    "μs": 1e-6,
    "us": 1e-6,
    "microsecond": 1e-6,
    "ns": 1e-9,
    "nanosecond": 1e-9,
    "min": 60.0,
    "minute": 60.0,
    "h": 3600.0,
    "hr": 3600.0,
    "hour": 3600.0,
}


def unescape_unit(unit: str) -> str:
    r"""Decode ImageJ's escaped unit strings (the literal text ``\u00B5m`` means ``µm``)."""
    if "\\u" in unit or "\\U" in unit:
        try:
            return unit.encode("ascii", "backslashreplace").decode("unicode_escape")
        except UnicodeDecodeError:
            return unit
    return unit


def length_um(value: float, unit: str | None) -> float | None:
    """``value`` in ``unit`` as micrometers, or None for an unknown unit or unusable value."""
    factor = _LENGTH.get(unescape_unit(unit or "µm").strip().lower())
    return _positive(value * factor) if factor is not None else None


def time_s(value: float, unit: str | None) -> float | None:
    """``value`` in ``unit`` as seconds, or None for an unknown unit or unusable value."""
    factor = _TIME.get(unescape_unit(unit or "s").strip().lower())
    return _positive(value * factor) if factor is not None else None


def is_length_unit(unit: str | None) -> bool:
    """Whether ``unit`` is a length spelling this module knows."""
    return unit is not None and unescape_unit(unit).strip().lower() in _LENGTH


def _positive(value: float) -> float | None:
    """A usable pixel spacing: finite and non-zero, as its magnitude (LIF z steps can be < 0)."""
    value = abs(float(value))
    if value == 0.0 or value != value or value == float("inf"):
        return None
    return float(f"{value:.12g}")  # drop the noise of unit conversion (1.6e-6 m -> 1.6 um)


def rgb_hex(red: int, green: int, blue: int) -> str:
    """``RRGGBB`` hex of an 8-bit colour."""
    return f"{int(red) & 255:02X}{int(green) & 255:02X}{int(blue) & 255:02X}"
