"""OME-NGFF 0.4 metadata: the types of the spec, and their JSON form (Zarr v2 attributes)."""
