"""Label images: write them beside their image, read them back lazily with their metadata.

::

    labels (array / NgffImage / Multiscales) --write_labels--> <image>/labels/<name>
    <image> --read_labels--> {name: LabelMultiscales}        <image> --list_labels--> [names]

The ``image-label`` metadata is mirrored in :mod:`ngff_zarr.v04.labels` (0.5 in
:mod:`ngff_zarr.v05.labels`).
"""

from __future__ import annotations

from ._grid import DEFAULT_LABEL_METHOD
from .model import LabelMultiscales
from .read import list_labels, read_labels
from .write import write_labels

__all__ = ["DEFAULT_LABEL_METHOD", "LabelMultiscales", "list_labels", "read_labels", "write_labels"]
