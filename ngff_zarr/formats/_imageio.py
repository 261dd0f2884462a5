"""Plain images (PNG, JPEG, ...) through imageio: one image, or a stack of frames.

The pixels are decoded whole on first access (these formats cannot decode a region), as one
dask chunk. A grey image is ``YX``; colour samples (RGB, RGBA) are a channel axis ``S``; the
frames of an animated file are an axis ``I`` of unknown meaning. Plain images carry no
physical calibration (a dpi is a print setting, not a pixel size), so none is reported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dask.array as da
import numpy as np

from ..errors import InvalidMetadataError
from . import SourceImage


class _ImageioReader:
    def read(self, path: Path) -> list[SourceImage]:
        import imageio.v3 as iio

        try:
            props = iio.improps(path)
        except (OSError, ValueError, RuntimeError) as exc:
            raise InvalidMetadataError(f"not a readable image file: {exc}", path=str(path)) from exc
        shape = tuple(int(n) for n in props.shape)
        frames = 1 if not props.is_batch else shape[0]
        plane = shape[1:] if props.is_batch else shape
        if len(plane) not in (2, 3):
            raise InvalidMetadataError(
                f"expected a grey (Y, X) or colour (Y, X, samples) image, found shape {shape}",
                path=str(path),
            )
        axes = ("I" if props.is_batch else "") + ("YXS" if len(plane) == 3 else "YX")
        name = f"imageio-{path}-{path.stat().st_mtime_ns}"
        from dask.delayed import delayed

        whole = delayed(_decode, pure=True)(path, dask_key_name=name)
        array: da.Array = da.from_delayed(whole, shape, dtype=np.dtype(props.dtype))
        meta: dict[str, Any] = {"frames": frames, "dtype": str(props.dtype)}
        return [SourceImage(levels=(array,), axes=axes, name=path.stem, metadata=meta)]


def _decode(path: Path) -> np.ndarray:
    import imageio.v3 as iio

    out: np.ndarray = np.asarray(iio.imread(path))
    return out


READER = _ImageioReader()
