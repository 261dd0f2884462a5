"""OME-NGFF 0.5 metadata: the 0.4 types under the ``ome`` key of Zarr v3 attributes."""
