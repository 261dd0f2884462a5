"""The ``multiscales`` metadata and default chunks of a list of levels.

Shared by :func:`to_multiscales` (computed levels) and :func:`read_multiscales` (levels a file
stores), so a pyramid gets the same metadata whichever way it was made.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .errors import InvalidMetadataError
from .ngff_image import NgffImage
from .v04.zarr_metadata import (
    DIM_TYPES,
    SPATIAL_DIMS,
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

Chunks = int | Sequence[int] | Mapping[str, int]

_DEFAULT_COLORS = ("0000FF", "00FF00", "FF0000", "FF00FF", "00FFFF", "FFFF00", "FFFFFF")


def chunk_map(
    chunks: Chunks | None, dims: tuple[str, ...], shape: tuple[int, ...]
) -> dict[str, int]:
    """Chunk length per dim: 64 per spatial dim in 3-D, 256 in 2-D, 1 along t, all of c."""
    n_spatial = sum(d in SPATIAL_DIMS for d in dims)
    default_spatial = 64 if n_spatial == 3 else 256
    sizes = dict(zip(dims, shape, strict=True))
    out = {d: (default_spatial if d in SPATIAL_DIMS else 1) for d in dims}
    if "c" in out:
        out["c"] = sizes["c"]
    if chunks is None:
        pass
    elif isinstance(chunks, int | np.integer):
        for d in dims:
            if d in SPATIAL_DIMS:
                out[d] = int(chunks)
    elif isinstance(chunks, Mapping):
        unknown = [d for d in chunks if d not in dims]
        if unknown:
            raise InvalidMetadataError(
                f"dims {unknown} are not image dims {list(dims)}", field="chunks"
            )
        out.update({d: int(v) for d, v in chunks.items()})
    else:
        seq = [int(v) for v in chunks]
        if len(seq) != len(dims):
            raise InvalidMetadataError(
                f"expected one chunk length per dim {list(dims)}, got {len(seq)}", field="chunks"
            )
        out = dict(zip(dims, seq, strict=True))
    bad = {d: v for d, v in out.items() if v < 1}
    if bad:
        raise InvalidMetadataError(f"chunk lengths must be >= 1, got {bad}", field="chunks")
    return {d: min(out[d], sizes[d]) for d in dims}


def image_metadata(images: Sequence[NgffImage], method: Any = None) -> Metadata:
    """``multiscales`` metadata of ``images``; ``method`` (a BlockMethod) records provenance."""
    first = images[0]
    units = first.axes_units or {}
    axes = [Axis(name=d, type=DIM_TYPES[d], unit=units.get(d)) for d in first.dims]
    datasets = []
    for level, im in enumerate(images):
        transforms: list[Scale | Translation] = [Scale([im.scale[d] for d in im.dims])]
        if any(im.translation[d] != 0 for d in im.dims):
            transforms.append(Translation([im.translation[d] for d in im.dims]))
        datasets.append(Dataset(path=str(level), coordinateTransformations=transforms))
    return Metadata(
        axes=axes,
        datasets=datasets,
        name=first.name,
        type=None if method is None else method.method.value,
        metadata=None
        if method is None
        else MethodMetadata(
            description=method.description,
            method=f"ngff_zarr.methods.{method.method.name}",
            version=method.package_version(),
            kwargs={"package": method.package},
        ),
        omero=omero_from_provenance(first),
    )


def omero_from_provenance(image: NgffImage) -> Omero | None:
    """omero channels from the channel names and colours a reader put in the provenance.

    An image without a ``c`` axis has one channel.
    """
    prov = image.provenance or {}
    names = prov.get("channel_names")
    colors = prov.get("channel_colors")
    if not names and not colors:
        return None
    count = image.sizes.get("c", 1)
    dtype = np.dtype(image.dtype)
    if dtype.kind in "ui":
        info = np.iinfo(dtype)
        lo, hi = float(info.min), float(info.max)
    else:
        lo, hi = 0.0, 1.0
    channels = []
    for i in range(count):
        name = names[i] if names and i < len(names) else None
        color = colors[i] if colors and i < len(colors) and colors[i] else None
        channels.append(
            OmeroChannel(
                color=str(color) if color else _DEFAULT_COLORS[i % len(_DEFAULT_COLORS)],
                window=OmeroWindow(min=lo, max=hi, start=lo, end=hi),
                label=str(name) if name is not None else f"Channel {i}",
            )
        )
    return Omero(channels=channels)
