"""Reading 0.6 JSON objects with errors that name the field, what was expected and what was found.

Every ``from_dict`` of the 0.6 mirror reads through :class:`Reader`, so a malformed document
raises :class:`~ngff_zarr.errors.InvalidMetadataError` whose ``field`` is the dotted path of the
offending member (``multiscales[0].datasets[1].coordinateTransformations[0].scale``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidMetadataError

__all__ = ["Reader", "found", "is_number"]


def is_number(value: object) -> bool:
    """True for a JSON number (``bool`` is not one, although Python says it is an ``int``)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def found(value: object, limit: int = 60) -> str:
    """A short JSON rendering of a found value, for messages."""
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True, slots=True, kw_only=True)
class Reader:
    """A JSON object being parsed, with its dotted ``field`` and the ``path`` of its file."""

    doc: Mapping[str, Any]
    field: str
    path: str | None = None

    @classmethod
    def of(cls, value: object, field: str, path: str | None = None) -> Reader:
        """A reader of ``value``, which must be a JSON object."""
        if not isinstance(value, Mapping):
            raise InvalidMetadataError(
                f"expected an object, found {found(value)}", path=path, field=field
            )
        return cls(doc=value, field=field, path=path)

    def at(self, key: str | int) -> str:
        """The dotted field of member ``key``."""
        return f"{self.field}[{key}]" if isinstance(key, int) else f"{self.field}.{key}"

    def error(self, key: str, expected: str, value: object = ...) -> InvalidMetadataError:
        """The error for member ``key``: ``expected ...``, found ``value`` (or missing)."""
        got = "it is missing" if value is ... else f"found {found(value)}"
        return InvalidMetadataError(
            f"expected {expected}, {got}", path=self.path, field=self.at(key)
        )

    def required(self, key: str, expected: str) -> Any:
        """Member ``key``, which must be present."""
        if key not in self.doc:
            raise self.error(key, expected)
        return self.doc[key]

    def string(self, key: str, *, required: bool = False) -> str | None:
        """A string member (None when absent and not required)."""
        if key not in self.doc and not required:
            return None
        value = self.required(key, "a string")
        if not isinstance(value, str):
            raise self.error(key, "a string", value)
        return value

    def boolean(self, key: str) -> bool | None:
        """An optional boolean member."""
        value = self.doc.get(key)
        if value is not None and not isinstance(value, bool):
            raise self.error(key, "true or false", value)
        return value

    def numbers(self, key: str) -> list[float]:
        """A required list of numbers (integers stay integers, so that output equals input)."""
        value = self.required(key, "a list of numbers")
        if not isinstance(value, list) or not all(is_number(v) for v in value):
            raise self.error(key, "a list of numbers", value)
        return list(value)

    def indices(self, key: str, *, required: bool = True) -> list[int] | None:
        """A list of non-negative integers (axis indices)."""
        if key not in self.doc and not required:
            return None
        value = self.required(key, "a list of axis indices (non-negative integers)")
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value
        ):
            raise self.error(key, "a list of axis indices (non-negative integers)", value)
        return list(value)

    def matrix(self, key: str) -> list[list[float]]:
        """A required matrix: a list of rows, each a list of numbers."""
        value = self.required(key, "a matrix (a list of rows of numbers)")
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(r, list) and all(is_number(v) for v in r) for r in value)
        ):
            raise self.error(key, "a matrix (a non-empty list of rows of numbers)", value)
        return [list(row) for row in value]

    def object(self, key: str) -> Reader:
        """A required member that is an object."""
        return Reader.of(self.required(key, "an object"), self.at(key), self.path)

    def objects(self, key: str, *, required: bool = True) -> list[Reader] | None:
        """A list of objects (None when absent and not required)."""
        if key not in self.doc and not required:
            return None
        value = self.required(key, "a list of objects")
        if not isinstance(value, list):
            raise self.error(key, "a list of objects", value)
        field = self.at(key)
        return [Reader.of(item, f"{field}[{i}]", self.path) for i, item in enumerate(value)]

    def mapping(self, key: str) -> dict[str, Any] | None:
        """An optional member that is an object, kept as given."""
        value = self.doc.get(key)
        if value is not None and not isinstance(value, Mapping):
            raise self.error(key, "an object", value)
        return None if value is None else dict(value)

    def extra(self, known: Iterable[str]) -> dict[str, Any]:
        """The members that the specification does not name, kept so that output equals input."""
        names = set(known)
        return {k: v for k, v in self.doc.items() if k not in names}
