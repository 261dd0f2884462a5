"""ngff_zarr: images and microscope files to multiscale OME-Zarr, and back, lazily.

The pipeline::

    array --to_ngff_image--> NgffImage --to_multiscales--> Multiscales --to_ngff_zarr--> store
    store --from_ngff_zarr--> Multiscales
"""

from .errors import (
    ArrayNotFoundError,
    DependencyError,
    InvalidDimsError,
    InvalidMetadataError,
    MetadataNotFoundError,
    NgffValidationError,
    NgffWarning,
    NgffZarrError,
    StoreExistsError,
    UnsupportedVersionError,
    WriteError,
)
from .hcs import HCSPlate, HCSWell, from_hcs_zarr, to_hcs_zarr, write_hcs_well_image
from . import config
from .from_ngff_zarr import from_ngff_zarr
from .methods import Methods
from .multiscales import Multiscales
from .ngff_image import NgffImage
from .to_multiscales import to_multiscales
from .to_ngff_image import to_ngff_image
from .to_ngff_zarr import to_ngff_zarr
from .v04.hcs_metadata import (
    Plate,
    PlateAcquisition,
    PlateColumn,
    PlateRow,
    PlateWell,
    Well,
    WellImage,
)
from .v04.zarr_metadata import (
    Axis,
    Dataset,
    Metadata,
    MethodMetadata,
    Omero,
    OmeroChannel,
    OmeroWindow,
    Scale,
    Translation,
)

__all__ = [
    "ArrayNotFoundError",
    "Axis",
    "Dataset",
    "DependencyError",
    "HCSPlate",
    "HCSWell",
    "InvalidDimsError",
    "InvalidMetadataError",
    "Metadata",
    "MetadataNotFoundError",
    "MethodMetadata",
    "Methods",
    "Multiscales",
    "NgffImage",
    "NgffValidationError",
    "NgffWarning",
    "NgffZarrError",
    "Omero",
    "OmeroChannel",
    "OmeroWindow",
    "Plate",
    "PlateAcquisition",
    "PlateColumn",
    "PlateRow",
    "PlateWell",
    "Scale",
    "StoreExistsError",
    "Translation",
    "UnsupportedVersionError",
    "Well",
    "WellImage",
    "WriteError",
    "config",
    "from_ngff_zarr",
    "to_multiscales",
    "to_ngff_image",
    "to_ngff_zarr",
    "from_hcs_zarr",
    "to_hcs_zarr",
    "write_hcs_well_image",
]
