"""The napari plugin (npe2), shipped in the package: napari finds it through the
``napari.manifest`` entry point and its manifest, ``napari.yaml``.

Readers: OME-Zarr images (one image layer per channel, multiscale, with scale, translation,
names, colours and contrast limits from ``omero``; one labels layer per label image, with its
colours), plates (as one mosaic, or one layer per field) and the microscope files
:func:`~ngff_zarr.read_image` reads. Writers: image and labels layers to OME-Zarr.

Nothing here imports napari: the layer data are plain tuples, so the plugin works (and is
tested) without a viewer. Install napari with ``pip install 'ngff-zarr[napari]'``.
"""

from ._layers import LayerData, image_layers, label_layers
from ._reader import get_plate_fields_reader, get_reader, read_layers
from ._writer import write_image, write_labels, write_layers

__all__ = [
    "LayerData",
    "get_plate_fields_reader",
    "get_reader",
    "image_layers",
    "label_layers",
    "read_layers",
    "write_image",
    "write_labels",
    "write_layers",
]
