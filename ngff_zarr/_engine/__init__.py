"""The streaming write engine.

``geometry`` (boxes) -> ``pyramid`` (the plan: how every level derives from the one above, and
the cascade that computes a region of them) -> ``passes`` (the regions of a write, sized to
the memory target) -> ``assemble`` (write units filled by several regions) -> ``run`` (regions
on a thread pool, or on a dask ``cluster``), with ``progress`` bars.
"""
