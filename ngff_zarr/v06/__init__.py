"""OME-Zarr 0.6 metadata (RFC-5: coordinate systems, coordinate transformations, scenes).

One module per concept of the specification:

- :mod:`~ngff_zarr.v06.coordinate_systems`: axes, coordinate systems and the references to them;
- :mod:`~ngff_zarr.v06.transformations`: every transformation type (:mod:`.elementary`,
  :mod:`.matrices`, :mod:`.composite`, :mod:`.fields`), mapping points and inverting;
- :mod:`~ngff_zarr.v06.multiscales`: images (datasets, multiscales, the ``ome`` namespace);
- :mod:`~ngff_zarr.v06.scene`: scenes, several images placed in shared coordinate systems;
- :mod:`~ngff_zarr.v06.graph`: finding the chain of transformations between two systems;
- :mod:`~ngff_zarr.v06.bounding_boxes`: mapping axis-aligned boxes;
- :mod:`~ngff_zarr.v06.rules`: the data-level rules a JSON Schema cannot express;
- :mod:`~ngff_zarr.v06.common`: a 0.6 image as the rest of the package sees it (the axes and
  per-level scale and translation of every version, plus the 0.6 systems), and conversion;
- :mod:`~ngff_zarr.v06.groups`: the attributes of 0.6 label, labels, plate and well groups.

Plates, wells and label images keep their 0.5 objects (under an ``ome`` of version 0.6).
:mod:`~ngff_zarr.v06.zarr_metadata` re-exports the public classes.
"""

from . import transformations  # noqa: F401 - registers every transformation type for from_dict
