"""ngff_zarr: images and microscope files to multiscale OME-Zarr, and back, lazily.

The pipeline::

    array --to_ngff_image--> NgffImage --to_multiscales--> Multiscales --to_ngff_zarr--> store
    store --from_ngff_zarr--> Multiscales
"""

from ._io.stale import remove_stale_staging
from .append import append
from .codecs import codec_from_name, get_available_codecs
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
from .from_ngff_zarr import from_ngff_zarr
from .from_xarray import from_xarray
from .hcs import (
    HCSPlate,
    HCSPlateWriter,
    HCSWell,
    from_hcs_zarr,
    to_hcs_zarr,
    write_hcs_well_image,
)
from .labels import LabelMultiscales, list_labels, read_labels, write_labels
from .memory_usage import memory_usage
from .methods import Methods
from .multiscales import Multiscales
from .ngff_image import NgffImage
from .open_array import open_array
from .read_image import read_image, read_images, read_multiscales
from .region_iterator import Region, RegionIterator
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
from .to_ngff_zarr import to_ngff_zarr
from .to_ome_tiff import to_ome_tiff
from .to_xarray import to_xarray
from .update_metadata import update_metadata
from .update_root_attributes import update_root_attributes
from .upgrade_ome_zarr import upgrade_ome_zarr
from .v04.zarr_metadata import (
    Axis,
    Dataset,
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
    Translation,
    Well,
    WellImage,
)
from .validate import Finding, Severity, ValidationReport, validate
from .write_region import finish_edits, write_region

__all__ = [  # noqa: RUF022 - plain sorted order, as test_examples checks
    "ArrayNotFoundError",
    "Axis",
    "ConversionOptions",
    "Dataset",
    "DependencyError",
    "Finding",
    "HCSPlate",
    "HCSPlateWriter",
    "HCSWell",
    "InternalError",
    "InvalidDimsError",
    "InvalidMetadataError",
    "LabelMultiscales",
    "MaskedRegion",
    "Metadata",
    "MetadataNotFoundError",
    "MethodMetadata",
    "Methods",
    "Multiscales",
    "NgffImage",
    "NgffValidationError",
    "NgffValueError",
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
    "ROI",
    "ReadError",
    "Region",
    "RegionIterator",
    "RunReport",
    "Scale",
    "Severity",
    "SpecRule",
    "StoreExistsError",
    "TableMetadata",
    "Translation",
    "UnsupportedVersionError",
    "ValidateOptions",
    "ValidationError",
    "ValidationLevel",
    "ValidationReport",
    "Well",
    "WellImage",
    "WriteError",
    "append",
    "build_masking_roi_table",
    "codec_from_name",
    "concatenate",
    "config",
    "convert_file",
    "convert_folder",
    "derive_image",
    "derive_label",
    "finish_edits",
    "from_hcs_zarr",
    "from_ngff_zarr",
    "from_xarray",
    "get_available_codecs",
    "is_ozx_path",
    "iter_masked",
    "list_labels",
    "list_tables",
    "memory_usage",
    "open_array",
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
    "remove_stale_staging",
    "rois_from_table",
    "table_from_rois",
    "task_count",
    "tiff_file_to_ngff_images",
    "to_hcs_zarr",
    "to_multiscales",
    "to_ngff_image",
    "to_ngff_zarr",
    "to_ome_tiff",
    "to_xarray",
    "update_metadata",
    "update_root_attributes",
    "upgrade_ome_zarr",
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
