"""Typed access to the fields of a JSON object, with errors that name the field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import InvalidMetadataError

__all__ = ["get", "items"]


def items(
    doc: Mapping[str, Any], key: str, where: str, path: str | None
) -> list[tuple[int, Mapping[str, Any]]]:
    value = doc.get(key)
    if not isinstance(value, list):
        raise InvalidMetadataError(
            f"expected a list, found {type(value).__name__}", path=path, field=f"{where}.{key}"
        )
    for i, item in enumerate(value):
        if not isinstance(item, Mapping):
            raise InvalidMetadataError(
                f"expected an object, found {type(item).__name__}",
                path=path,
                field=f"{where}.{key}[{i}]",
            )
    return list(enumerate(value))


def get(
    doc: Mapping[str, Any],
    key: str,
    kind: type,
    where: str,
    path: str | None,
    *,
    required: bool = True,
) -> Any:
    value = doc.get(key)
    if value is None and not required:
        return None
    # bool is an int in Python but not a JSON integer
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        found = "nothing" if value is None else f"{type(value).__name__} {value!r}"
        raise InvalidMetadataError(
            f"expected {'an integer' if kind is int else 'a string'}, found {found}",
            path=path,
            field=f"{where}.{key}",
        )
    return value
