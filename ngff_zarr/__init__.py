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
from .methods import Methods
from .multiscales import Multiscales
from .ngff_image import NgffImage
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
    "Scale",
    "StoreExistsError",
    "Translation",
    "UnsupportedVersionError",
    "WriteError",
]
