"""OME-Zarr 0.6 coordinate transformations: every type of the specification, in one namespace.

=================  ===================================================  ====================
``type``           class                                                inverse
=================  ===================================================  ====================
identity           :class:`~ngff_zarr.v06.elementary.Identity`          identity
mapAxis            :class:`~ngff_zarr.v06.elementary.MapAxis`           inverse permutation
projectAxis        :class:`~ngff_zarr.v06.elementary.ProjectAxis`       none
translation        :class:`~ngff_zarr.v06.elementary.Translation`       negated
scale              :class:`~ngff_zarr.v06.elementary.Scale`             reciprocal
affine             :class:`~ngff_zarr.v06.matrices.Affine`              inverse matrix
rotation           :class:`~ngff_zarr.v06.matrices.Rotation`            transpose
sequence           :class:`~ngff_zarr.v06.composite.TransformSequence`  reversed inverses
bijection          :class:`~ngff_zarr.v06.composite.Bijection`          forward and inverse
byDimension        :class:`~ngff_zarr.v06.composite.ByDimension`        per member
displacements      :class:`~ngff_zarr.v06.fields.Displacements`         none
coordinates        :class:`~ngff_zarr.v06.fields.Coordinates`           none
=================  ===================================================  ====================

Parse any of them with :meth:`Transformation.from_dict`; each has ``to_dict``, ``apply``,
``invert`` and ``affine_matrix`` (see :mod:`ngff_zarr.v06._base` for the conventions).

Examples
--------
>>> t = Transformation.from_dict(
...     {"type": "sequence", "input": {"path": "s1"}, "output": {"name": "physical"},
...      "transformations": [{"type": "scale", "scale": [2, 2]},
...                          {"type": "translation", "translation": [0.5, 0.5]}]})
>>> t.apply([[0, 0], [10, 10]]).tolist()
[[0.5, 0.5], [20.5, 20.5]]
>>> t.invert().apply([20.5, 20.5]).tolist()
[10.0, 10.0]
>>> t.to_dict()["input"]
{'path': 's1'}
"""

from __future__ import annotations

from ._base import Arrays, FloatArray, Transformation, transformation_types
from .composite import Bijection, ByDimension, ByDimensionItem, TransformSequence
from .elementary import Identity, MapAxis, ProjectAxis, Scale, Translation
from .fields import Coordinates, Displacements, Field
from .matrices import Affine, Rotation

__all__ = [
    "Affine",
    "Arrays",
    "Bijection",
    "ByDimension",
    "ByDimensionItem",
    "Coordinates",
    "Displacements",
    "Field",
    "FloatArray",
    "Identity",
    "MapAxis",
    "ProjectAxis",
    "Rotation",
    "Scale",
    "TransformSequence",
    "Transformation",
    "Translation",
    "transformation_types",
]
