"""The one vocabulary of the package: dims, axis types, OME-NGFF versions and units.

Every module that needs to know which dims exist, which versions are read or written, or what
a unit is called takes it from here.

>>> from ngff_zarr.vocab import normalize_unit, unit_factor
>>> normalize_unit("µm", "x"), normalize_unit("ms", "t")
('micrometer', 'millisecond')
>>> unit_factor("nanometer", "micrometer")
0.001
"""

from __future__ import annotations

import enum
from typing import Final, Literal, get_args

from .errors import NgffValueError, unknown_choice

__all__ = [
    "AXIS_TYPES",
    "DEFAULT_WRITE_VERSION",
    "DIMS",
    "DIM_TYPES",
    "READ_VERSIONS",
    "SPACE_UNITS",
    "SPATIAL_DIMS",
    "SUPPORTED_VERSIONS",
    "TIME_UNITS",
    "VERSION_ALIASES",
    "WRITE_VERSIONS",
    "AxesType",
    "AxisName",
    "AxisType",
    "AxisUnit",
    "Methods",
    "NgffVersion",
    "ReadVersion",
    "SpaceUnit",
    "SpaceUnits",
    "SpatialDims",
    "SupportedDims",
    "TimeUnit",
    "TimeUnits",
    "Unit",
    "Units",
    "WriteVersion",
    "ZarrFormat",
    "check_version",
    "nearest_version",
    "normalize_unit",
    "unit_factor",
    "unit_kind",
    "version_rank",
    "zarr_format_of",
]

# --- dims and axis types ------------------------------------------------------------------

AxisName = Literal["t", "c", "z", "y", "x"]
AxisType = Literal["time", "space", "channel"]

DIMS: Final[tuple[str, ...]] = get_args(AxisName)  # the spec's order
SPATIAL_DIMS: Final[tuple[str, ...]] = ("z", "y", "x")
DIM_TYPES: Final[dict[str, str]] = {
    "t": "time",
    "c": "channel",
    "z": "space",
    "y": "space",
    "x": "space",
}
AXIS_TYPES: Final[tuple[str, ...]] = get_args(AxisType)

# --- downsampling methods -----------------------------------------------------------------


class Methods(enum.Enum):
    """The downsampling methods, by the name recorded in the metadata's ``type``.

    ngff-zarr's nine, then ours. ``ITK_*`` need the ``itk`` extra and ``DASK_IMAGE_GAUSSIAN``
    and ``DASK_IMAGE_NEAREST`` the ``dask-image`` extra; the others need nothing more.
    """

    ITKWASM_GAUSSIAN = "itkwasm_gaussian"
    ITKWASM_BIN_SHRINK = "itkwasm_bin_shrink"
    ITKWASM_LABEL_IMAGE = "itkwasm_label_image"
    ITK_GAUSSIAN = "itk_gaussian"
    ITK_BIN_SHRINK = "itk_bin_shrink"
    DASK_IMAGE_GAUSSIAN = "dask_image_gaussian"
    DASK_IMAGE_MODE = "dask_image_mode"
    DASK_IMAGE_NEAREST = "dask_image_nearest"
    DASK_BIN_SHRINK = "dask_bin_shrink"
    GAUSSIAN = "gaussian"
    LOCAL_MEAN = "local_mean"
    MODE = "mode"
    NEAREST = "nearest"


# --- versions ---------------------------------------------------------------------------

ReadVersion = Literal["0.1", "0.2", "0.3", "0.4", "0.5", "0.6"]
WriteVersion = Literal["0.4", "0.5", "0.6"]
ZarrFormat = Literal[2, 3]


class NgffVersion(enum.StrEnum):
    """The OME-NGFF versions read here (ngff-zarr 0.50's enum; members equal their strings).

    >>> NgffVersion.V05 == "0.5", NgffVersion("0.4")
    (True, <NgffVersion.V04: '0.4'>)
    """

    V01 = "0.1"
    V02 = "0.2"
    V03 = "0.3"
    V04 = "0.4"
    V05 = "0.5"
    V06 = "0.6"


READ_VERSIONS: Final[tuple[str, ...]] = get_args(ReadVersion)
WRITE_VERSIONS: Final[tuple[str, ...]] = get_args(WriteVersion)
# what to_ngff_zarr writes when no version is given (as ngff-zarr 0.50 does)
DEFAULT_WRITE_VERSION: Final = "0.5"
# ngff-zarr 0.50's name of every version read
SUPPORTED_VERSIONS: Final[tuple[NgffVersion, ...]] = tuple(NgffVersion)
# the OME-NGFF version -> Zarr format of its arrays and groups
_ZARR_FORMAT: Final[dict[str, int]] = {
    "0.1": 2, "0.2": 2, "0.3": 2, "0.4": 2, "0.5": 3, "0.6": 3
}  # fmt: skip
# stated versions that are a release by another name, read and validated as it without a
# warning (the 0.6 schemas accept the release candidate's "0.6rc0")
VERSION_ALIASES: Final[dict[str, str]] = {"0.6rc0": "0.6"}


def version_rank(version: str) -> int:
    """A sortable rank of a known version (``version_rank("0.4") < version_rank("0.5")``)."""
    return READ_VERSIONS.index(version)


def zarr_format_of(version: str) -> int:
    """The Zarr format (2 or 3) that OME-NGFF ``version`` is stored in."""
    return _ZARR_FORMAT[version]


def nearest_version(version: object) -> str | None:
    """The version read for a stated ``version``: itself when known, else its known release.

    A development, pre-release or patch spelling of a known version (``"0.5-dev-abc"``,
    ``"0.6rc0"``, ``"0.6.dev2"``, ``"0.4.1"``) is that version; anything else (``"0.7"``,
    ``"latest"``, a number) is None.

    >>> nearest_version("0.5-dev-spatialdata"), nearest_version("0.4.0"), nearest_version("0.7")
    ('0.5', '0.4', None)
    >>> nearest_version("0.6rc0"), nearest_version("0.6.dev3")
    ('0.6', '0.6')
    """
    if not isinstance(version, str):
        return None
    if version in READ_VERSIONS:
        return version
    if version in VERSION_ALIASES:
        return VERSION_ALIASES[version]
    for known in READ_VERSIONS:
        rest = version[len(known) :]
        if version.startswith(known) and rest[:1] in ("-", ".", "+", "r", "a", "b", "d"):
            if rest[:1] == "." and not (rest[1:2].isdigit() or rest[1:4] == "dev"):
                continue
            return known
    return None


def check_version(version: str, *, writing: bool = False, field: str = "version") -> str:
    """``version`` when this package reads (or, with ``writing``, writes) it.

    Raises
    ------
    UnsupportedVersionError
        Naming the versions that are available.
    """
    from .errors import UnsupportedVersionError

    known = WRITE_VERSIONS if writing else READ_VERSIONS
    if version not in known:
        hint = f"the OME-NGFF versions this package {'writes' if writing else 'reads'}"
        raise unknown_choice(field, version, known, hint=hint, error=UnsupportedVersionError)
    return version


# --- units ------------------------------------------------------------------------------

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

# ngff-zarr 0.50's names of the same vocabularies
AxesType = AxisType
SupportedDims = AxisName
SpatialDims = Literal["x", "y", "z"]
SpaceUnits = SpaceUnit
TimeUnits = TimeUnit
Units = Unit
AxisUnit = Unit | str

SPACE_UNITS: Final[frozenset[str]] = frozenset(get_args(SpaceUnit))
TIME_UNITS: Final[frozenset[str]] = frozenset(get_args(TimeUnit))

_SI_PREFIX: Final[dict[str, float]] = {
    "yocto": 1e-24, "zepto": 1e-21, "atto": 1e-18, "femto": 1e-15, "pico": 1e-12,
    "nano": 1e-9, "micro": 1e-6, "milli": 1e-3, "centi": 1e-2, "deci": 1e-1, "": 1.0,
    "hecto": 1e2, "kilo": 1e3, "mega": 1e6, "giga": 1e9, "tera": 1e12, "peta": 1e15,
    "exa": 1e18, "zetta": 1e21, "yotta": 1e24,
}  # fmt: skip
# spec unit -> its size in meters (space) or seconds (time)
_ALL_SIZES: Final[dict[str, float]] = {
    **{f"{prefix}meter": factor for prefix, factor in _SI_PREFIX.items()},
    **{f"{prefix}second": factor for prefix, factor in _SI_PREFIX.items()},
    "angstrom": 1e-10,
    "inch": 0.0254,
    "foot": 0.3048,
    "yard": 0.9144,
    "mile": 1609.344,
    "parsec": 3.0856775814913673e16,
    "minute": 60.0,
    "hour": 3600.0,
    "day": 86400.0,
}
_SIZE: Final[dict[str, float]] = {
    unit: size for unit, size in _ALL_SIZES.items() if unit in SPACE_UNITS | TIME_UNITS
}

# spellings found in microscope files and user input (lower case) -> the spec's unit
_ALIASES: Final[dict[str, str]] = {
    "µm": "micrometer",
    "μm": "micrometer",  # Greek mu
    "um": "micrometer",
    "micron": "micrometer",
    "microns": "micrometer",
    "micrometre": "micrometer",
    "nm": "nanometer",
    "nanometre": "nanometer",
    "mm": "millimeter",
    "millimetre": "millimeter",
    "cm": "centimeter",
    "centimetre": "centimeter",
    "m": "meter",
    "metre": "meter",
    "pm": "picometer",
    "å": "angstrom",
    "a": "angstrom",
    "in": "inch",
    "s": "second",
    "sec": "second",
    "secs": "second",
    "seconds": "second",
    "ms": "millisecond",
    "msec": "millisecond",
    "µs": "microsecond",
    "μs": "microsecond",
    "us": "microsecond",
    "ns": "nanosecond",
    "min": "minute",
    "mins": "minute",
    "minutes": "minute",
    "h": "hour",
    "hr": "hour",
    "hours": "hour",
    "days": "day",
}


def _unescape(unit: str) -> str:
    r"""Decode escaped unit strings (ImageJ writes the literal text ``\u00B5m`` for ``µm``)."""
    if "\\u" in unit or "\\U" in unit:
        try:
            return unit.encode("ascii", "backslashreplace").decode("unicode_escape")
        except UnicodeDecodeError:
            return unit
    return unit


def spec_unit(unit: str) -> str | None:
    """The spec's name for a unit spelling (``"µm"`` -> ``"micrometer"``), None if unknown."""
    key = _unescape(unit).strip().lower()
    name = _ALIASES.get(key, key)
    return name if name in _SIZE else None


def unit_kind(unit: str) -> Literal["space", "time"] | None:
    """Whether a unit spelling is a ``"space"`` or a ``"time"`` unit; None if unknown."""
    name = spec_unit(unit)
    if name is None:
        return None
    return "space" if name in SPACE_UNITS else "time"


def unit_factor(unit: str, target: str) -> float:
    """How many ``target`` one ``unit`` is (``unit_factor("millimeter", "micrometer") == 1000``).

    Raises
    ------
    NgffValueError
        A unit that is unknown, or units of different kinds.
    """
    a, b = spec_unit(unit), spec_unit(target)
    if a is None or b is None or unit_kind(a) != unit_kind(b):
        raise NgffValueError(f"unit: cannot convert {unit!r} to {target!r}")
    return float(f"{_SIZE[a] / _SIZE[b]:.15g}")


def normalize_unit(unit: str, dim: str, kind: str | None = None) -> str:
    """The spec's name for ``unit`` on ``dim`` (whose axis type is ``kind``, default the spec's).

    Raises
    ------
    NgffValueError
        A unit on a channel axis, or a unit that is not a unit of the dim's axis type.
    """
    kind = kind or DIM_TYPES.get(dim)
    field = f"axes_units[{dim!r}]"
    if kind not in ("space", "time"):
        raise NgffValueError(
            f"{field}: expected no unit for a {kind or 'custom'} axis, got {unit!r}"
        )
    name = spec_unit(str(unit))
    if name is None or unit_kind(name) != kind:
        allowed = SPACE_UNITS if kind == "space" else TIME_UNITS
        raise unknown_choice(field, unit, sorted(allowed), hint=f"a {kind} unit")
    return name
