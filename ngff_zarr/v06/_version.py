"""The 0.6 version strings: what is written and what is read.

These belong in :mod:`ngff_zarr.vocab` (the one home of versions) once 0.6 joins its
``READ_VERSIONS``/``WRITE_VERSIONS``; they live here until then.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["READ_VERSIONS", "VERSION", "is_read_version"]

VERSION: Final = "0.6"
# the release, its release candidate; pre-release drafts "0.6.devN" are recognised as well
READ_VERSIONS: Final[tuple[str, ...]] = ("0.6", "0.6rc0")
_DEV: Final = re.compile(r"^0\.6\.dev[0-9]+$")


def is_read_version(version: object) -> bool:
    """True for a version string of OME-Zarr 0.6 (``"0.6"``, ``"0.6rc0"``, ``"0.6.devN"``).

    >>> is_read_version("0.6rc0"), is_read_version("0.6.dev3"), is_read_version("0.5")
    (True, True, False)
    """
    return isinstance(version, str) and (version in READ_VERSIONS or bool(_DEV.match(version)))
