"""The error hierarchy of ngff_zarr.

Every error raised on purpose by the package derives from :class:`NgffZarrError` and from
the builtin exception it stands for, so callers can catch either.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "ArrayNotFoundError",
    "DependencyError",
    "InternalError",
    "InvalidDimsError",
    "InvalidMetadataError",
    "MetadataNotFoundError",
    "NgffIndexError",
    "NgffValidationError",
    "NgffValueError",
    "NgffWarning",
    "NgffZarrError",
    "PathNotFoundError",
    "ReadError",
    "StoreExistsError",
    "UnsupportedVersionError",
    "WriteError",
]


class NgffZarrError(Exception):
    """Base class of every error raised on purpose by ngff_zarr."""


class NgffValueError(NgffZarrError, ValueError):
    """An argument has a value the function cannot use (wrong type, range, choice or shape)."""


class InvalidDimsError(NgffValueError):
    """Dims are unknown, duplicated, in an order the spec forbids, or do not match the data."""


class InvalidMetadataError(NgffZarrError, ValueError):
    """OME-NGFF metadata is malformed or contradicts itself or the arrays it describes.

    ``path`` names the file (or store key) and ``field`` the JSON field at fault, when known.
    """

    def __init__(self, message: str, *, path: str | None = None, field: str | None = None) -> None:
        prefix = ""
        if path is not None:
            prefix += f"{path}: "
        if field is not None:
            prefix += f"{field}: "
        super().__init__(prefix + message)
        self.path = path
        self.field = field


class MetadataNotFoundError(NgffZarrError, FileNotFoundError):
    """A store or group holds no OME-NGFF metadata where some was expected."""


class PathNotFoundError(NgffZarrError, FileNotFoundError):
    """A file or directory given as input does not exist."""


class ArrayNotFoundError(NgffZarrError, FileNotFoundError):
    """An array that the metadata refers to does not exist."""


class UnsupportedVersionError(NgffValueError):
    """An OME-NGFF version that this package cannot read or write."""


class StoreExistsError(NgffZarrError, FileExistsError):
    """The target store already holds data and ``overwrite`` was not given."""


class WriteError(NgffZarrError, OSError):
    """Writing to the target failed (unwritable location, interrupted write, ...)."""


class NgffIndexError(NgffZarrError, IndexError):
    """An index of an array read is out of its bounds (or has too many dims), as NumPy says."""


class ReadError(NgffZarrError, OSError):
    """Reading pixels or metadata from a file or store failed (truncated file, I/O error)."""


class InternalError(NgffZarrError, RuntimeError):
    """A condition the package guarantees was broken: a bug, to be reported."""


class DependencyError(NgffZarrError, ImportError):
    """An optional package that a feature needs is not installed."""


class NgffValidationError(NgffZarrError, ValueError):
    """A store or metadata document failed validation; ``report`` holds every finding."""

    def __init__(self, message: str, report: Any = None) -> None:
        super().__init__(message)
        self.report = report


class NgffWarning(UserWarning):
    """Data that can be read but is not fully compliant, or metadata that had to be assumed."""


def missing_dependency(
    feature: str, package: str, extra: str, *, python: str | None = None
) -> DependencyError:
    """Return the error raised when ``feature`` needs ``package`` that is not installed.

    ``python`` names the Python version the package needs, when that is why it is missing.
    """
    needs = f" (which needs Python {python} or newer)" if python else ""
    return DependencyError(f"{feature} needs {package}{needs}: pip install 'ngff-zarr[{extra}]'")


def unknown_choice(
    field: str,
    got: object,
    choices: Iterable[object],
    *,
    hint: str | None = None,
    install: Mapping[str, str] | None = None,
    error: type[NgffValueError] | None = None,
) -> NgffValueError:
    """The one message shape for a choice that is not available.

    ``"method: expected one of ['a', 'b'], got 'c'"``, followed by ``"; install ..."`` for
    choices whose optional package is missing (``install`` maps a choice to its extra).

    >>> str(unknown_choice("method", "c", ["a", "b"], install={"b": "itk"}))
    "method: expected one of ['a', 'b'], got 'c'; install b with pip install 'ngff-zarr[itk]'"
    """
    what = f" ({hint})" if hint else ""
    message = f"{field}: expected one of {list(choices)}{what}, got {got!r}"
    if install:
        hints = ", ".join(
            f"{name} with pip install 'ngff-zarr[{extra}]'" for name, extra in install.items()
        )
        message += f"; install {hints}"
    return (error or NgffValueError)(message)
