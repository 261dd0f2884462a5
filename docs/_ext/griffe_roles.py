"""A griffe extension for the API reference: Sphinx roles in docstrings render as code.

The docstrings name other objects with Sphinx roles (``:func:`to_multiscales```), which
Markdown would show as ``:func:to_multiscales``; this extension rewrites them to inline code
(```to_multiscales```, the last part of a ``~``-prefixed path) when griffe loads each object.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?:func|class|meth|attr|mod|data|exc|obj|const):`(~?)([^`]+)`")


def plain(text: str) -> str:
    """``text`` with every Sphinx role written as Markdown inline code."""
    return ROLE.sub(lambda m: f"`{m[2].rsplit('.', 1)[-1] if m[1] else m[2]}`", text)


class SphinxRolesAsCode(griffe.Extension):
    """Rewrite Sphinx roles in every docstring griffe loads."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = plain(obj.docstring.value)
