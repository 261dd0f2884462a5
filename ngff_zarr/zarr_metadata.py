"""The OME-NGFF 0.4 metadata types at ngff-zarr's older module path.

ngff-zarr kept its 0.4 types here before they moved to ``ngff_zarr.v04.zarr_metadata``; both
paths name the same classes.
"""

from __future__ import annotations

from .v04.zarr_metadata import *  # noqa: F403
from .v04.zarr_metadata import __all__ as __all__
