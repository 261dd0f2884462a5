"""Validation of OME-Zarr documents and stores.

``report`` (findings and reports) <- ``schema`` (the package's JSON Schemas) and ``rules`` (every
data-level rule of images, labels, plates and wells) <- ``document`` (one group's attributes)
<- ``walk`` (a whole hierarchy in a store).
"""
