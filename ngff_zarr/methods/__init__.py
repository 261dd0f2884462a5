"""Downsampling methods: the :class:`Methods` enum and the registry of block functions.

Every method is a *block function*: it takes a NumPy block that carries ``halo`` extra pixels
on each side of each dim (the engine pads at the array's edges) and returns the downsampled
interior. Because a block function sees only its block, the streaming writer can run it on any
tiling of the image and obtain exactly what a whole-array computation would give.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

__all__ = ["BlockMethod", "Methods", "get_method"]


class Methods(enum.Enum):
    """The downsampling methods, by the name recorded in the metadata's ``type``."""

    ITKWASM_GAUSSIAN = "itkwasm_gaussian"
    ITKWASM_BIN_SHRINK = "itkwasm_bin_shrink"
    ITKWASM_LABEL_IMAGE = "itkwasm_label_image"
    GAUSSIAN = "gaussian"
    LOCAL_MEAN = "local_mean"
    MODE = "mode"
    NEAREST = "nearest"


class BlockFunction(Protocol):
    def __call__(
        self, block: np.ndarray, factors: tuple[int, ...], *, spatial: tuple[bool, ...]
    ) -> np.ndarray: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class BlockMethod:
    """A registered method: its block function, the halo it needs and its provenance."""

    method: Methods
    function: BlockFunction
    halo: Callable[[tuple[int, ...]], tuple[int, ...]]
    label_safe: bool
    package: str
    description: str
    extra: str | None = None
    kwargs: dict[str, Any] | None = None

    def package_version(self) -> str:
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version(self.package)
        except PackageNotFoundError:
            return "unknown"
