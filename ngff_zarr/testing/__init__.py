"""Contract tests for the package's pluggable parts, shipped for their implementations.

Each class holds the tests every implementation of one kind must pass; a test module
subclasses it once per implementation (as zarr-python's ``StoreTests``), so a new downsampling
method, array writer or file-format reader gets the whole suite by naming itself:

.. code-block:: python

    from ngff_zarr.methods import Methods
    from ngff_zarr.testing import MethodContract

    class TestLocalMean(MethodContract):
        method = Methods.LOCAL_MEAN

The classes need pytest (the ``test`` extra).
"""

from __future__ import annotations

from .formats import ReaderContract
from .methods import MethodContract
from .writers import WriterContract

__all__ = ["MethodContract", "ReaderContract", "WriterContract"]
