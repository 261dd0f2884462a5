"""The graph of coordinate systems joined by transformations, and the chain between two systems.

Every top-level transformation is an edge from its ``input`` to its ``output`` system, and, when
it has an inverse, an edge back. :func:`find_chain` finds the shortest chain of edges between two
systems and returns it as one ``sequence``.

Examples
--------
>>> from ngff_zarr.v06.coordinate_systems import CoordinateSystemIdentifier as Ref
>>> from ngff_zarr.v06.elementary import Scale, Translation
>>> to_physical = Scale([2.0, 2.0], input=Ref(path="s0"), output=Ref(name="physical"))
>>> to_world = Translation([10.0, 0.0], input=Ref(name="physical"), output=Ref(name="world"))
>>> chain = find_chain([to_physical, to_world], "world", Ref(path="s0"))
>>> [t.type for t in chain.transformations], chain.apply([12.0, 4.0]).tolist()
(['translation', 'scale'], [1.0, 2.0])
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from ..errors import NgffValueError
from ._base import Arrays, Transformation
from .composite import TransformSequence
from .coordinate_systems import CoordinateSystemIdentifier
from .elementary import Identity

Ref = CoordinateSystemIdentifier

__all__ = ["find_chain"]

_Key = tuple[str | None, str | None]


def _identifier(system: CoordinateSystemIdentifier | str) -> CoordinateSystemIdentifier:
    return CoordinateSystemIdentifier(name=system) if isinstance(system, str) else system


def _show(key: _Key) -> str:
    return repr(str(CoordinateSystemIdentifier(name=key[1], path=key[0])))


def find_chain(
    transformations: Iterable[Transformation],
    source: CoordinateSystemIdentifier | str,
    target: CoordinateSystemIdentifier | str,
    *,
    arrays: Arrays | None = None,
) -> TransformSequence:
    """The shortest chain of transformations from ``source`` to ``target``, as one sequence.

    Parameters
    ----------
    transformations
        Top-level transformations, each with ``input`` and ``output``.
    source, target
        The coordinate systems: a name, or a :class:`CoordinateSystemIdentifier` (for an
        array's system give its ``path``; for another group's system its ``path`` and ``name``).
    arrays
        Loaded parameter arrays (see :mod:`ngff_zarr.v06.transformations`), used to invert
        transformations whose matrices are stored in arrays.

    Returns
    -------
    TransformSequence
        With ``input`` = ``source`` and ``output`` = ``target``; its members are the
        transformations along the chain (inverted where the chain runs backwards), nested
        sequences spliced in. ``[identity]`` when ``source`` is ``target``.

    Raises
    ------
    NgffValueError
        When a transformation lacks ``input``/``output``, a system is in no transformation, or
        no chain joins the two (the message lists what ``source`` reaches and which
        transformations could not be inverted).

    Examples
    --------
    >>> from ngff_zarr.v06.fields import Displacements
    >>> warp = Displacements("d", input=Ref(name="a"), output=Ref(name="b"))
    >>> find_chain([warp], "b", "a")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ngff_zarr.errors.NgffValueError: no chain of transformations from 'b' to 'a': from 'b' ...
    """
    edges: dict[_Key, list[tuple[_Key, Transformation]]] = {}
    one_way: list[str] = []
    for i, t in enumerate(transformations):
        if t.input is None or t.output is None:
            raise NgffValueError(
                f"transformations[{i}]: expected input and output on the {t.label}, got "
                f"input {t.input} and output {t.output}"
            )
        start, end = t.input.key, t.output.key
        edges.setdefault(start, []).append((end, t))
        edges.setdefault(end, [])
        try:
            inverse = t.invert(arrays=arrays)
        except NgffValueError as exc:
            one_way.append(f"{t.label} {_show(start)} -> {_show(end)} ({exc})")
        else:
            edges[end].append((start, inverse))
    src, dst = _identifier(source), _identifier(target)
    for role, ref in (("source", src), ("target", dst)):
        if ref.key not in edges:
            known = sorted(_show(k) for k in edges)
            raise NgffValueError(
                f"{role}: expected a coordinate system that a transformation starts or ends "
                f"in, one of [{', '.join(known)}], got {_show(ref.key)}"
            )
    steps = _search(edges, src.key, dst.key)
    if steps is None:
        reached = sorted(_show(k) for k in _reachable(edges, src.key))
        message = (
            f"no chain of transformations from {_show(src.key)} to {_show(dst.key)}: from "
            f"{_show(src.key)} one reaches [{', '.join(reached)}]"
        )
        if one_way:
            message += "; these can only be followed forwards: " + "; ".join(one_way)
        raise NgffValueError(message)
    chain = TransformSequence(steps or [Identity()], input=src, output=dst)
    return chain.flattened()


def _search(
    edges: dict[_Key, list[tuple[_Key, Transformation]]], start: _Key, goal: _Key
) -> list[Transformation] | None:
    """The transformations along a shortest path (breadth first), None when there is none."""
    previous: dict[_Key, tuple[_Key, Transformation] | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            steps: list[Transformation] = []
            while (link := previous[node]) is not None:
                node, step = link
                steps.append(step)
            return steps[::-1]
        for nxt, step in edges[node]:
            if nxt not in previous:
                previous[nxt] = (node, step)
                queue.append(nxt)
    return None


def _reachable(edges: dict[_Key, list[tuple[_Key, Transformation]]], start: _Key) -> set[_Key]:
    seen, queue = {start}, deque([start])
    while queue:
        for nxt, _ in edges[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen
