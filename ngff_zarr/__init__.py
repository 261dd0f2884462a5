"""ngff_zarr: images and microscope files to multiscale OME-Zarr, and back, lazily.

The pipeline::

    array --to_ngff_image--> NgffImage --to_multiscales--> Multiscales --to_ngff_zarr--> store
    store --from_ngff_zarr--> Multiscales
"""

from . import v06
from ._io.stale import remove_stale_staging
from .append import append
from .codecs import codec_from_name, get_available_codecs
from .compute_omero import (
    GLASBEY_COLORS,
    compute_omero_from_multiscales,
    compute_omero_from_ngff_image,
)
from .concatenate import concatenate
from .config import config
from .convert import ConversionOptions, RunReport, convert_file, convert_folder
from .derive import derive_image, derive_label
from .errors import (
    ArrayNotFoundError,
    DependencyError,
    InternalError,
    InvalidDimsError,
    InvalidMetadataError,
    MetadataNotFoundError,
    NgffValidationError,
    NgffValueError,
    NgffWarning,
    NgffZarrError,
    PathNotFoundError,
    ReadError,
    StoreExistsError,
    UnsupportedVersionError,
    WriteError,
)
from .from_ngff_zarr import from_ngff_zarr, from_ome_zarr
from .from_xarray import from_xarray
from .hcs import (
    HCSPlate,
    HCSPlateWriter,
    HCSWell,
    from_hcs_zarr,
    to_hcs_zarr,
    write_hcs_well_image,
)
from .itk_image_to_ngff_image import itk_image_to_ngff_image
from .labels import LabelMultiscales, list_labels, read_labels, write_labels
from .memory_usage import memory_usage
from .methods import Methods
from .multiscales import Multiscales, NgffMultiscales
from .ngff_image import NgffImage
from .ngff_image_to_itk_image import ngff_image_to_itk_image
from .open_array import open_array
from .read_image import read_image, read_images, read_multiscales
from .region_iterator import Region, RegionIterator
from .resample import resample, resample_onto_bounding_box
from .rfc4 import (
    LPS,
    RAS,
    AnatomicalOrientation,
    AnatomicalOrientationValues,
    add_anatomical_orientation_to_axis,
    anatomical_orientation_to_itk_direction,
    itk_direction_to_anatomical_orientation,
    itk_lps_to_anatomical_orientation,
    orientation_from_name,
    remove_anatomical_orientation_from_axis,
)
from .rfc9_zip import is_ozx_path, read_ozx_json_first, read_ozx_version, write_store_to_zip
from .rois import (
    ROI,
    MaskedRegion,
    PixelROI,
    build_masking_roi_table,
    iter_masked,
    read_masked,
    read_roi,
    rois_from_table,
    table_from_rois,
    write_roi,
)
from .scene import NgffScene, from_ngff_scene, list_scene_images, open_scene_image, to_ngff_scene
from .structural_validation import (
    SpecRule,
    ValidateOptions,
    ValidationError,
    ValidationLevel,
    validate_plate,
    validate_structural,
    validate_well,
)
from .tables import TableMetadata, list_tables, read_table, read_table_metadata, write_table
from .task_count import task_count
from .tiff_to_ngff_image import tiff_file_to_ngff_images
from .to_multiscales import to_multiscales
from .to_ngff_image import to_ngff_image
from .to_ngff_zarr import ScaleStrategy, to_ngff_zarr, to_ome_zarr
from .to_ome_tiff import to_ome_tiff
from .to_xarray import to_xarray
from .transformation_arrays import (
    TransformationArrays,
    open_transformation_arrays,
    to_field_array,
)
from .update_metadata import update_metadata
from .update_root_attributes import update_root_attributes
from .upgrade_ome_zarr import upgrade_ome_zarr
from .v04.zarr_metadata import (
    Axis,
    Dataset,
    Identity,
    Metadata,
    MethodMetadata,
    Omero,
    OmeroChannel,
    OmeroWindow,
    Plate,
    PlateAcquisition,
    PlateColumn,
    PlateRow,
    PlateWell,
    Scale,
    Transform,
    Translation,
    Well,
    WellImage,
)
from .v06.zarr_metadata import (
    Coordinates,
    CoordinateSystem,
    CoordinateSystemIdentifier,
    Displacements,
)
from .validate import Finding, Severity, ValidationReport, validate
from .vocab import (
    SUPPORTED_VERSIONS,
    AxesType,
    AxisUnit,
    NgffVersion,
    SpaceUnits,
    SpatialDims,
    SupportedDims,
    TimeUnits,
    Units,
)
from .write_region import finish_edits, write_region


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ngff-zarr")
    except PackageNotFoundError:  # a source tree on sys.path, not installed
        return "0+unknown"


__version__ = _version()
"""This package's version, from its installed metadata."""

__all__ = [  # noqa: RUF022 - plain sorted order, as test_examples checks
    "AnatomicalOrientation",
    "AnatomicalOrientationValues",
    "ArrayNotFoundError",
    "AxesType",
    "Axis",
    "AxisUnit",
    "ConversionOptions",
    "CoordinateSystem",
    "CoordinateSystemIdentifier",
    "Coordinates",
    "Dataset",
    "DependencyError",
    "Displacements",
    "Finding",
    "GLASBEY_COLORS",
    "HCSPlate",
    "HCSPlateWriter",
    "HCSWell",
    "Identity",
    "InternalError",
    "InvalidDimsError",
    "InvalidMetadataError",
    "LPS",
    "LabelMultiscales",
    "MaskedRegion",
    "Metadata",
    "MetadataNotFoundError",
    "MethodMetadata",
    "Methods",
    "Multiscales",
    "NgffImage",
    "NgffMultiscales",
    "NgffScene",
    "NgffValidationError",
    "NgffValueError",
    "NgffVersion",
    "NgffWarning",
    "NgffZarrError",
    "Omero",
    "OmeroChannel",
    "OmeroWindow",
    "PathNotFoundError",
    "PixelROI",
    "Plate",
    "PlateAcquisition",
    "PlateColumn",
    "PlateRow",
    "PlateWell",
    "RAS",
    "ROI",
    "ReadError",
    "Region",
    "RegionIterator",
    "RunReport",
    "SUPPORTED_VERSIONS",
    "Scale",
    "ScaleStrategy",
    "Severity",
    "SpaceUnits",
    "SpatialDims",
    "SpecRule",
    "StoreExistsError",
    "SupportedDims",
    "TableMetadata",
    "TimeUnits",
    "Transform",
    "TransformationArrays",
    "Translation",
    "Units",
    "UnsupportedVersionError",
    "ValidateOptions",
    "ValidationError",
    "ValidationLevel",
    "ValidationReport",
    "Well",
    "WellImage",
    "WriteError",
    "__version__",
    "add_anatomical_orientation_to_axis",
    "anatomical_orientation_to_itk_direction",
    "append",
    "build_masking_roi_table",
    "codec_from_name",
    "compute_omero_from_multiscales",
    "compute_omero_from_ngff_image",
    "concatenate",
    "config",
    "convert_file",
    "convert_folder",
    "derive_image",
    "derive_label",
    "finish_edits",
    "from_hcs_zarr",
    "from_ngff_scene",
    "from_ngff_zarr",
    "from_ome_zarr",
    "from_xarray",
    "get_available_codecs",
    "is_ozx_path",
    "iter_masked",
    "itk_direction_to_anatomical_orientation",
    "itk_image_to_ngff_image",
    "itk_lps_to_anatomical_orientation",
    "list_labels",
    "list_scene_images",
    "list_tables",
    "memory_usage",
    "ngff_image_to_itk_image",
    "open_array",
    "open_scene_image",
    "open_transformation_arrays",
    "orientation_from_name",
    "read_image",
    "read_images",
    "read_labels",
    "read_masked",
    "read_multiscales",
    "read_ozx_json_first",
    "read_ozx_version",
    "read_roi",
    "read_table",
    "read_table_metadata",
    "remove_anatomical_orientation_from_axis",
    "remove_stale_staging",
    "resample",
    "resample_onto_bounding_box",
    "rois_from_table",
    "table_from_rois",
    "task_count",
    "tiff_file_to_ngff_images",
    "to_field_array",
    "to_hcs_zarr",
    "to_multiscales",
    "to_ngff_image",
    "to_ngff_scene",
    "to_ngff_zarr",
    "to_ome_tiff",
    "to_ome_zarr",
    "to_xarray",
    "update_metadata",
    "update_root_attributes",
    "upgrade_ome_zarr",
    "v06",
    "validate",
    "validate_plate",
    "validate_structural",
    "validate_well",
    "write_hcs_well_image",
    "write_labels",
    "write_region",
    "write_roi",
    "write_store_to_zip",
    "write_table",
]
