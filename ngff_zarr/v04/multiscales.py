"""OME-NGFF 0.4 ``multiscales``: axes, one dataset per resolution level, and provenance.

0.5 keeps this object as it is and only changes where it lives (see
:mod:`ngff_zarr.v05.multiscales`); 0.1 to 0.3 documents are read into it too.

>>> doc = {"version": "0.4", "name": "img", "axes": [{"name": "y", "type": "space"},
...     {"name": "x", "type": "space"}], "datasets": [{"path": "0",
...     "coordinateTransformations": [{"type": "scale", "scale": [0.5, 0.5]}]}]}
>>> metadata = Metadata.from_dict(doc, version="0.4", ndim=2)
>>> metadata.dims, metadata.datasets[0].coordinateTransformations[0].scale
(('y', 'x'), [0.5, 0.5])
>>> multiscale_to_dict(metadata, with_version="0.4") == doc
True
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

from ..errors import InvalidMetadataError, NgffWarning
from .axes import Axis, parse_axes
from .omero import Omero
from .transformations import Scale, Transform, parse_transformations

__all__ = [
    "Dataset",
    "Metadata",
    "MethodMetadata",
    "dataset_path",
    "image_attributes",
    "multiscale_to_dict",
]


@dataclass
class Dataset:
    """One resolution level: the array ``path`` and its coordinate transformations."""

    path: str
    coordinateTransformations: list[Transform]

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "coordinateTransformations": [t.to_dict() for t in self.coordinateTransformations],
        }


@dataclass
class MethodMetadata:
    """Provenance of the downsampling: what was used, from which package and version."""

    description: str
    method: str
    version: str
    kwargs: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "description": self.description,
            "method": self.method,
            "version": self.version,
        }
        if self.kwargs:
            out["kwargs"] = dict(self.kwargs)
        return out

    @classmethod
    def from_dict(cls, raw: Any) -> MethodMetadata | None:
        """The provenance in a multiscale's ``metadata``; None when it is not in this form."""
        if not isinstance(raw, dict) or not {"description", "method", "version"} <= raw.keys():
            return None
        kwargs = raw.get("kwargs")
        return cls(
            description=str(raw["description"]),
            method=str(raw["method"]),
            version=str(raw["version"]),
            kwargs=dict(kwargs) if isinstance(kwargs, dict) else {},
        )


@dataclass
class Metadata:
    """The ``multiscales[0]`` object: axes, datasets (one per level) and provenance."""

    axes: list[Axis]
    datasets: list[Dataset]
    coordinateTransformations: list[Transform] | None = None
    omero: Omero | None = None
    name: str = "image"
    type: str | None = None
    metadata: MethodMetadata | None = None

    @property
    def dims(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.axes)

    @classmethod
    def from_dict(
        cls,
        multiscale: Any,
        *,
        version: str,
        ndim: int,
        omero: Any = None,
        path: str | None = None,
        field: str = "multiscales[0]",
    ) -> Metadata:
        """Parse one multiscale object of ``version`` (``ndim``: dims of its first array).

        ``omero`` is the image group's ``omero`` object, which sits beside ``multiscales``.
        """
        if not isinstance(multiscale, dict):
            raise InvalidMetadataError(
                f"expected an object, found {multiscale!r}", path=path, field=field
            )
        raw_datasets = multiscale.get("datasets")
        if not isinstance(raw_datasets, list) or not raw_datasets:
            raise InvalidMetadataError(
                f"expected a non-empty list, found {raw_datasets!r}",
                path=path,
                field=f"{field}.datasets",
            )
        axes = parse_axes(multiscale.get("axes"), version, ndim, path=path, field=f"{field}.axes")
        n = len(axes)
        datasets = []
        for i, ds in enumerate(raw_datasets):
            sub = f"{field}.datasets[{i}]"
            ds_path = dataset_path(ds, path=path, field=sub, warn=False)  # warned on opening
            transforms = parse_transformations(
                ds.get("coordinateTransformations"),
                n,
                path=path,
                field=f"{sub}.coordinateTransformations",
            )
            if not any(isinstance(t, Scale) for t in transforms):
                transforms.insert(0, Scale([1.0] * n))
            datasets.append(Dataset(path=ds_path, coordinateTransformations=transforms))
        overall = parse_transformations(
            multiscale.get("coordinateTransformations"),
            n,
            path=path,
            field=f"{field}.coordinateTransformations",
        )
        name = multiscale.get("name", "image")
        kind = multiscale.get("type")
        return cls(
            axes=axes,
            datasets=datasets,
            coordinateTransformations=overall or None,
            omero=Omero.from_dict(omero, path=path),
            name=str(name) if name is not None else "image",
            type=kind if isinstance(kind, str) else None,
            metadata=MethodMetadata.from_dict(multiscale.get("metadata")),
        )


def dataset_path(ds: Any, *, path: str | None, field: str, warn: bool = True) -> str:
    """The ``path`` of a dataset object; an integer (seen in the wild) reads as its string.

    Raises
    ------
    InvalidMetadataError
        ``ds`` is not an object with a string (or integer) ``path``.
    """
    raw = ds.get("path") if isinstance(ds, dict) else None
    if isinstance(raw, str):
        return raw
    if isinstance(raw, int) and not isinstance(raw, bool):
        if warn:
            warnings.warn(
                f"{path}: {field}.path: expected a string, got the integer {raw}; read as "
                f"{str(raw)!r}",
                NgffWarning,
                stacklevel=5,
            )
        return str(raw)
    raise InvalidMetadataError(
        f"expected an object with a string 'path', found {ds!r}", path=path, field=field
    )


def multiscale_to_dict(metadata: Metadata, *, with_version: str | None) -> dict[str, Any]:
    """The JSON object of one multiscale; ``with_version`` is written into it (0.4) or not."""
    out: dict[str, Any] = {}
    if with_version is not None:
        out["version"] = with_version
    out["name"] = metadata.name
    out["axes"] = [a.to_dict() for a in metadata.axes]
    out["datasets"] = [d.to_dict() for d in metadata.datasets]
    if metadata.coordinateTransformations:
        out["coordinateTransformations"] = [t.to_dict() for t in metadata.coordinateTransformations]
    if metadata.type is not None:
        out["type"] = metadata.type
    if metadata.metadata is not None:
        out["metadata"] = metadata.metadata.to_dict()
    return out


def image_attributes(metadata: Metadata) -> dict[str, Any]:
    """The ``.zattrs`` content of a 0.4 image group."""
    attrs: dict[str, Any] = {"multiscales": [multiscale_to_dict(metadata, with_version="0.4")]}
    if metadata.omero is not None:
        attrs["omero"] = metadata.omero.to_dict()
    return attrs
