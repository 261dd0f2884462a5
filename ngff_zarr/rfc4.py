"""RFC-4 anatomical orientation: the vocabulary of the ``orientation`` object of a space axis.

An axis of type ``space`` may say which anatomical direction its increasing index runs along,
e.g. ``{"type": "anatomical", "value": "left-to-right"}``. ``LPS`` (ITK, DICOM) and ``RAS``
(NIfTI, most neuroimaging) are the two common conventions for x, y, z.

>>> str(LPS["x"].value), str(RAS["x"].value)
('right-to-left', 'left-to-right')
>>> orientation_from_name("ras") == RAS
True
>>> AnatomicalOrientation("inferior-to-superior").to_dict()
{'value': 'inferior-to-superior', 'type': 'anatomical'}
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .errors import NgffValueError, unknown_choice

__all__ = [
    "LPS",
    "RAS",
    "AnatomicalOrientation",
    "AnatomicalOrientationValues",
    "add_anatomical_orientation_to_axis",
    "anatomical_orientation_to_itk_direction",
    "axes_orientations_from_axes",
    "itk_direction_to_anatomical_orientation",
    "itk_lps_to_anatomical_orientation",
    "orientation_from_name",
    "remove_anatomical_orientation_from_axis",
]


class AnatomicalOrientationValues(enum.StrEnum):
    """The 24 directions RFC-4 names; each member equals its string (``"left-to-right"``)."""

    left_to_right = "left-to-right"
    right_to_left = "right-to-left"
    anterior_to_posterior = "anterior-to-posterior"
    posterior_to_anterior = "posterior-to-anterior"
    inferior_to_superior = "inferior-to-superior"
    superior_to_inferior = "superior-to-inferior"
    dorsal_to_ventral = "dorsal-to-ventral"
    ventral_to_dorsal = "ventral-to-dorsal"
    dorsal_to_palmar = "dorsal-to-palmar"
    palmar_to_dorsal = "palmar-to-dorsal"
    dorsal_to_plantar = "dorsal-to-plantar"
    plantar_to_dorsal = "plantar-to-dorsal"
    rostral_to_caudal = "rostral-to-caudal"
    caudal_to_rostral = "caudal-to-rostral"
    cranial_to_caudal = "cranial-to-caudal"
    caudal_to_cranial = "caudal-to-cranial"
    proximal_to_distal = "proximal-to-distal"
    distal_to_proximal = "distal-to-proximal"
    superficial_to_deep = "superficial-to-deep"
    deep_to_superficial = "deep-to-superficial"
    apical_to_basal = "apical-to-basal"
    basal_to_apical = "basal-to-apical"
    apex_to_base = "apex-to-base"
    base_to_apex = "base-to-apex"


_VALUES = [v.value for v in AnatomicalOrientationValues]


@dataclass
class AnatomicalOrientation:
    """The ``orientation`` of a space axis: the anatomical direction its index increases in.

    ``value`` may be given as a member of :class:`AnatomicalOrientationValues` or as its
    string; it is kept as the member.

    Raises
    ------
    NgffValueError
        A value that is not one of the 24 RFC-4 directions, or a type other than
        ``"anatomical"``.
    """

    value: AnatomicalOrientationValues
    type: Literal["anatomical"] = "anatomical"

    def __post_init__(self) -> None:
        if self.type != "anatomical":
            raise unknown_choice("orientation.type", self.type, ["anatomical"])
        try:
            self.value = AnatomicalOrientationValues(self.value)
        except ValueError:
            raise unknown_choice("orientation.value", self.value, _VALUES) from None

    def to_dict(self) -> dict[str, str]:
        """The JSON object, ``value`` first (the key order ngff-zarr writes)."""
        return {"value": self.value.value, "type": self.type}

    @classmethod
    def from_dict(cls, raw: Any) -> AnatomicalOrientation:
        """Parse an ``orientation`` object; a bare direction string is accepted too."""
        if isinstance(raw, AnatomicalOrientation):
            return cls(raw.value, raw.type)
        if isinstance(raw, str):
            return cls(raw)  # type: ignore[arg-type]  # checked and converted by __post_init__
        if not isinstance(raw, Mapping) or "value" not in raw:
            raise NgffValueError(
                f"orientation: expected an object with 'type' and 'value', got {raw!r}"
            )
        return cls(raw["value"], raw.get("type", "anatomical"))


def _preset(x: str, y: str, z: str) -> dict[str, AnatomicalOrientation]:
    return {
        d: AnatomicalOrientation(AnatomicalOrientationValues(v))
        for d, v in zip("xyz", (x, y, z), strict=True)
    }


LPS: dict[str, AnatomicalOrientation] = _preset(
    "right-to-left", "anterior-to-posterior", "inferior-to-superior"
)
"""x, y, z increase towards the patient's left, posterior and superior (ITK, DICOM)."""

RAS: dict[str, AnatomicalOrientation] = _preset(
    "left-to-right", "posterior-to-anterior", "inferior-to-superior"
)
"""x, y, z increase towards the patient's right, anterior and superior (NIfTI)."""

_PRESETS = {"LPS": LPS, "RAS": RAS}


def orientation_from_name(name: str) -> dict[str, AnatomicalOrientation]:
    """The per-axis orientation of a preset, ``"LPS"`` or ``"RAS"`` (any case).

    Raises
    ------
    NgffValueError
        Another name.

    Examples
    --------
    >>> orientation_from_name("lps")["y"].value
    <AnatomicalOrientationValues.anterior_to_posterior: 'anterior-to-posterior'>
    """
    preset = _PRESETS.get(str(name).upper())
    if preset is None:
        raise unknown_choice("orientation", name, sorted(_PRESETS))
    return {d: AnatomicalOrientation(o.value) for d, o in preset.items()}


def itk_lps_to_anatomical_orientation(axis_name: str) -> AnatomicalOrientation | None:
    """The orientation ITK's LPS convention gives axis ``x``, ``y`` or ``z``; None otherwise."""
    preset = LPS.get(axis_name)
    return None if preset is None else AnatomicalOrientation(preset.value)


# ITK direction columns are in LPS physical space: +x left, +y posterior, +z superior
_ITK_AXES = (
    ("right-to-left", "left-to-right"),
    ("anterior-to-posterior", "posterior-to-anterior"),
    ("inferior-to-superior", "superior-to-inferior"),
)


def itk_direction_to_anatomical_orientation(
    direction_column: Sequence[float],
) -> AnatomicalOrientation:
    """The orientation of an ITK direction-matrix column: its dominant component and sign.

    Examples
    --------
    >>> itk_direction_to_anatomical_orientation([0.0, -0.9, 0.1]).value.value
    'posterior-to-anterior'
    """
    column = [float(v) for v in direction_column]
    if len(column) != 3 or not any(column):
        raise NgffValueError(
            f"direction_column: expected a non-zero 3-vector in LPS space, got {column}"
        )
    axis = max(range(3), key=lambda i: abs(column[i]))
    positive, negative = _ITK_AXES[axis]
    return AnatomicalOrientation(
        AnatomicalOrientationValues(positive if column[axis] > 0 else negative)
    )


def anatomical_orientation_to_itk_direction(
    orientation: AnatomicalOrientationValues | str,
) -> list[float] | None:
    """The unit LPS direction of one of the six LPS-compatible values; None for the others."""
    value = str(AnatomicalOrientationValues(orientation))
    for axis, (positive, negative) in enumerate(_ITK_AXES):
        if value in (positive, negative):
            out = [0.0, 0.0, 0.0]
            out[axis] = 1.0 if value == positive else -1.0
            return out
    return None


def add_anatomical_orientation_to_axis(
    axis_dict: dict[str, Any], orientation: AnatomicalOrientation
) -> dict[str, Any]:
    """Set ``axis_dict["orientation"]`` (the dict is changed and returned)."""
    axis_dict["orientation"] = {"type": orientation.type, "value": str(orientation.value)}
    return axis_dict


def remove_anatomical_orientation_from_axis(axis_dict: dict[str, Any]) -> dict[str, Any]:
    """Drop ``axis_dict["orientation"]`` if present (the dict is changed and returned)."""
    axis_dict.pop("orientation", None)
    return axis_dict


def axes_orientations_from_axes(axes: Sequence[Any]) -> dict[str, AnatomicalOrientation] | None:
    """The orientation of each axis that has one (axis objects or dicts), None when none has."""
    out: dict[str, AnatomicalOrientation] = {}
    for axis in axes:
        raw = axis.get("orientation") if isinstance(axis, Mapping) else axis.orientation
        name = axis.get("name") if isinstance(axis, Mapping) else axis.name
        if raw is not None:
            out[str(name)] = AnatomicalOrientation.from_dict(raw)
    return out or None
