"""Structural validation of metadata objects: the data-level rules, raising on the first failure.

These are ngff-zarr's call forms (:func:`validate_structural`, :func:`validate_plate`,
:func:`validate_well`) over the package's one rule set, the checks that :func:`validate` runs
(:mod:`ngff_zarr._validation.rules`): they take metadata dataclasses instead of documents and
raise :class:`ValidationError` naming the rule (:class:`SpecRule`) of the first problem,
instead of returning a report. JSON Schema checks are :func:`validate`'s.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from ._validation.codes import RULE_NAMES
from ._validation.report import Finding, Severity
from ._validation.rules import Sink, check_image, check_plate, check_well, check_well_acquisitions
from .errors import NgffValidationError, NgffValueError
from .v04.multiscales import Metadata, multiscale_to_dict
from .v04.plate import Plate
from .v04.well import Well
from .vocab import WRITE_VERSIONS, check_version

__all__ = [
    "SpecRule",
    "ValidateOptions",
    "ValidationError",
    "ValidationLevel",
    "validate_plate",
    "validate_structural",
    "validate_well",
]


class SpecRule(enum.StrEnum):
    """The rule a structural problem breaks, by kebab-case name.

    The first fifteen are the names ngff-zarr uses; the others name the rest of the rule set
    (see ``docs/validation.md`` for each code's rule).
    """

    AXIS_COUNT = "axis-count"
    AXIS_TYPE = "axis-type"
    AXIS_ORDER = "axis-order"
    AXIS_NAMES_UNIQUE = "axis-names-unique"
    SCALE_LENGTH_MISMATCH = "scale-length-mismatch"
    GLOBAL_COORD_TRANSFORM_AFTER_PER_LEVEL = "global-coord-transform-after-per-level"
    DATASET_ORDER_HIGHEST_TO_LOWEST = "dataset-order-highest-to-lowest"
    OMERO_CHANNEL_COLOR_FORMAT = "omero-channel-color-format"
    AXIS_ORIENTATION_ANATOMICAL_TYPE = "axis-orientation-anatomical-type"
    AXIS_ORIENTATION_ON_NON_SPACE = "axis-orientation-on-non-space"
    AXIS_ORIENTATION_UNIQUE_AXIS = "axis-orientation-unique-axis"
    ZARR_FORMAT = "zarr-format"
    OME_NAMESPACE = "ome-namespace"
    PLATE_ROW_INDEX_CONSISTENCY = "plate-row-index-consistency"
    WELL_ACQUISITION_MISSING = "well-acquisition-missing"
    JSON_DOCUMENT = "json-document"
    VERSION_KNOWN = "version-known"
    VERSION_PRESENT = "version-present"
    VERSION_CONSISTENT = "version-consistent"
    ZARR_V2_ZGROUP = "zarr-v2-zgroup"
    METADATA_SIZE_LIMIT = "metadata-size-limit"
    JSON_SCHEMA = "json-schema"
    SPACE_AXIS_COUNT = "space-axis-count"
    AXIS_TYPE_COUNT = "axis-type-count"
    AXIS_UNIT = "axis-unit"
    MULTISCALE_NAME = "multiscale-name"
    MULTISCALE_TYPE = "multiscale-type"
    MULTISCALE_METADATA = "multiscale-metadata"
    MULTISCALES_UNIQUE = "multiscales-unique"
    SCALE_COUNT = "scale-count"
    TRANSFORM_ORDER = "transform-order"
    SCALE_POSITIVE_FINITE = "scale-positive-finite"
    DATASET_ARRAY_EXISTS = "dataset-array-exists"
    DATASET_ARRAY_NDIM = "dataset-array-ndim"
    DATASET_SHAPE_SCALE = "dataset-shape-scale"
    DATASET_PATHS_UNIQUE = "dataset-paths-unique"
    DIMENSION_NAMES = "dimension-names"
    ZARR_ARRAY_METADATA = "zarr-array-metadata"
    LABEL_DTYPE = "label-dtype"
    LABEL_EXISTS = "label-exists"
    LABEL_VALUES_UNIQUE = "label-values-unique"
    LABEL_MULTISCALES = "label-multiscales"
    LABEL_COLORS = "label-colors"
    LABEL_LEVELS = "label-levels"
    WELL_PATH = "well-path"
    PLATE_WELL_EXISTS = "plate-well-exists"
    WELL_IMAGE_EXISTS = "well-image-exists"
    NAMES_UNIQUE = "names-unique"
    PLATE_NAME = "plate-name"
    ACQUISITION_FIELDS = "acquisition-fields"
    ACQUISITION_IDS_UNIQUE = "acquisition-ids-unique"
    WELL_ACQUISITION_REQUIRED = "well-acquisition-required"
    BF2RAW_SERIES = "bf2raw-series"
    AXIS_ORIENTATION_VALUE = "axis-orientation-value"
    AXIS_ORIENTATION_NULL = "axis-orientation-null"
    TABLE_EXISTS = "table-exists"
    TABLE_TYPE = "table-type"
    TABLE_METADATA = "table-metadata"
    TABLE_REGION = "table-region"
    COORDINATE_SYSTEM_NAMES_UNIQUE = "coordinate-system-names-unique"
    COORDINATE_SYSTEM_EXISTS = "coordinate-system-exists"
    DATASET_INPUT_PATH = "dataset-input-path"
    INTRINSIC_SYSTEM = "intrinsic-system"
    TRANSFORMATION_DIMENSIONS = "transformation-dimensions"
    COORDINATE_SYSTEMS_CONNECTED = "coordinate-systems-connected"
    SEQUENCE_FLAT = "sequence-flat"
    AXIS_INDICES = "axis-indices"
    BY_DIMENSION_COVERAGE = "by-dimension-coverage"
    ROTATION_ORTHONORMAL = "rotation-orthonormal"
    MATRIX_ROWS = "matrix-rows"
    TRANSFORMATION_SAME_DIMENSIONS = "transformation-same-dimensions"
    TRANSFORMATION_READABLE = "transformation-readable"
    TRANSFORMATION_ARRAY_SHAPE = "transformation-array-shape"
    TRANSFORMATION_ARRAY_EXISTS = "transformation-array-exists"


assert set(RULE_NAMES.values()) <= {r.value for r in SpecRule}

# SHOULD-level rules that the structural forms enforce all the same (as ngff-zarr does); the
# orientation rules only for an unversioned check (RFC-4 is not part of 0.4 and 0.5)
_ENFORCED: Final[frozenset[str]] = frozenset({"NGFF130"})
_ORIENTATION: Final[frozenset[str]] = frozenset(
    {"NGFF120", "NGFF121", "NGFF122", "NGFF123", "NGFF124"}
)


class ValidationLevel(enum.StrEnum):
    """How much the structural forms check: every rule (``STRICT``) or none (``SCHEMA_ONLY``:
    leave validation to the JSON Schemas of :func:`~ngff_zarr.validate`)."""

    SCHEMA_ONLY = "schema_only"
    STRICT = "strict"


@dataclass
class ValidateOptions:
    """Options of the structural forms.

    ``allow_unknown_fields`` is accepted for ngff-zarr's call form; the rules never reject a
    field they do not know (the specification allows extra fields).
    """

    level: ValidationLevel = ValidationLevel.STRICT
    allow_unknown_fields: bool = True


class ValidationError(NgffValidationError):
    """A structural rule is broken: ``rule`` (a :class:`SpecRule`), ``message``, ``location``
    (the JSON field, e.g. ``"multiscales[0].axes"``)."""

    def __init__(self, rule: SpecRule, message: str, location: str | None = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"Spec rule [{self.rule.value}] violated: {self.message}"


def _skip(options: ValidateOptions | None) -> bool:
    return options is not None and options.level == ValidationLevel.SCHEMA_ONLY


def _raise_first(findings: list[Finding], enforced: frozenset[str]) -> None:
    for finding in findings:
        if finding.severity is Severity.ERROR or finding.code in enforced:
            raise ValidationError(
                SpecRule(RULE_NAMES[finding.code]), finding.message, finding.field
            )


def validate_structural(
    metadata: Metadata | Mapping[str, Any],
    options: ValidateOptions | None = None,
    version: object | None = None,
) -> None:
    """Check a multiscales metadata object against the rules no schema can express.

    Axis count, names, types and order; one scale per dataset and one value per axis; levels
    from the highest resolution to the lowest; omero colours; and, when ``version`` is None,
    RFC-4 anatomical orientation (one direction per anatomical axis, space axes only).

    Parameters
    ----------
    metadata
        A :class:`~ngff_zarr.Metadata` (e.g. ``multiscales.metadata``), or one multiscale
        object as a mapping.
    options
        ``ValidateOptions(level=ValidationLevel.SCHEMA_ONLY)`` skips every rule.
    version
        The OME-NGFF version to check as (``"0.4"``, ``"0.5"``); None: 0.4's rules plus RFC-4.

    Raises
    ------
    ValidationError
        At the first rule broken; ``exc.rule`` names it.
    UnsupportedVersionError
        An unknown ``version``.
    NgffValueError
        ``metadata`` is neither a Metadata nor a mapping.

    Examples
    --------
    >>> from ngff_zarr import Axis, Dataset, Metadata, Scale
    >>> axes = [Axis("y", "space"), Axis("x", "space")]
    >>> levels = [Dataset(p, [Scale([s, s])]) for p, s in (("0", 2.0), ("1", 1.0))]
    >>> try:
    ...     validate_structural(Metadata(axes, levels))
    ... except ValidationError as exc:
    ...     print(exc.rule.value)
    dataset-order-highest-to-lowest
    """
    if _skip(options):
        return
    checked = "0.4" if version is None else check_version(str(version))
    if isinstance(metadata, Metadata):
        document = multiscale_to_dict(metadata, with_version=checked)
        omero = metadata.omero.to_dict() if metadata.omero is not None else None
    elif isinstance(metadata, Mapping):
        document, omero = dict(metadata), None
    else:
        raise NgffValueError(
            f"metadata: expected a Metadata or a multiscale mapping, got {type(metadata).__name__}"
        )
    content: dict[str, Any] = {"multiscales": [document]}
    if omero is not None:
        content["omero"] = omero
    sink = Sink("<metadata>")
    check_image(content, checked, sink)
    enforced = _ENFORCED | _ORIENTATION if version is None else _ENFORCED
    _raise_first(sink.findings, enforced)


def validate_plate(plate: Plate, options: ValidateOptions | None = None) -> None:
    """Check a plate's layout: unique names, well paths and row/column indices, acquisitions.

    Raises
    ------
    ValidationError
        At the first rule broken.

    Examples
    --------
    >>> from ngff_zarr import Plate, PlateColumn, PlateRow, PlateWell
    >>> plate = Plate(columns=[PlateColumn("1")], rows=[PlateRow("A")],
    ...               wells=[PlateWell("A/1", rowIndex=1, columnIndex=0)])
    >>> try:
    ...     validate_plate(plate)
    ... except ValidationError as exc:
    ...     print(exc.rule.value)
    plate-row-index-consistency
    """
    if _skip(options):
        return
    sink = Sink("<plate>")
    check_plate({"plate": plate.to_dict()}, _hcs_version(plate), sink)
    _raise_first(sink.findings, frozenset())


def validate_well(plate: Plate, well: Well, options: ValidateOptions | None = None) -> None:
    """Check a well in the context of its plate: unique fields, acquisitions the plate defines.

    Raises
    ------
    ValidationError
        At the first rule broken.

    Examples
    --------
    >>> from ngff_zarr import Plate, PlateAcquisition, Well, WellImage
    >>> plate = Plate.from_names(["A"], ["1"], acquisitions=[PlateAcquisition(id=0)])
    >>> try:
    ...     validate_well(plate, Well([WellImage("0", acquisition=3)]))
    ... except ValidationError as exc:
    ...     print(exc.rule.value)
    well-acquisition-missing
    """
    if _skip(options):
        return
    sink = Sink("<well>")
    content = {"well": well.to_dict()}
    check_well(content, _hcs_version(plate), sink)
    check_well_acquisitions(content, tuple(a.id for a in plate.acquisitions or []), sink)
    _raise_first(sink.findings, frozenset())


def _hcs_version(plate: Plate) -> str:
    version = getattr(plate, "version", None)
    return version if isinstance(version, str) and version in WRITE_VERSIONS else "0.4"
