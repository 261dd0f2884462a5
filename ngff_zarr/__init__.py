"""ngff_zarr: images and microscope files to multiscale OME-Zarr, and back, lazily.

The pipeline::

    array --to_ngff_image--> NgffImage --to_multiscales--> Multiscales --to_ngff_zarr--> store
    store --from_ngff_zarr--> Multiscales
"""

from ._io.stale import remove_stale_staging
from .concatenate import concatenate
from .config import config
from .convert import ConversionOptions, RunReport, convert_file, convert_folder
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
from .hcs import HCSPlate, HCSWell, from_hcs_zarr, to_hcs_zarr, write_hcs_well_image
from .methods import Methods
from .multiscales import Multiscales
from .ngff_image import NgffImage
from .read_image import read_image, read_images, read_multiscales
from .to_multiscales import to_multiscales
from .to_ngff_image import to_ngff_image
from .to_ngff_zarr import to_ngff_zarr
from .to_ome_tiff import to_ome_tiff
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

__all__ = [
    "ArrayNotFoundError",
    "Axis",
    "ConversionOptions",
    "Dataset",
    "DependencyError",
    "Finding",
    "HCSPlate",
    "HCSWell",
    "InternalError",
    "InvalidDimsError",
    "InvalidMetadataError",
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
    "Plate",
    "PlateAcquisition",
    "PlateColumn",
    "PlateRow",
    "PlateWell",
    "ReadError",
    "RunReport",
    "Scale",
    "Severity",
    "StoreExistsError",
    "Translation",
    "UnsupportedVersionError",
    "ValidationReport",
    "Well",
    "WellImage",
    "WriteError",
    "concatenate",
    "config",
    "convert_file",
    "convert_folder",
    "from_hcs_zarr",
    "from_ngff_zarr",
    "read_image",
    "read_images",
    "read_multiscales",
    "remove_stale_staging",
    "to_hcs_zarr",
    "to_multiscales",
    "to_ngff_image",
    "to_ngff_zarr",
    "to_ome_tiff",
    "validate",
    "write_hcs_well_image",
]
