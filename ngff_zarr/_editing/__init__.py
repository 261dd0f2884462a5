"""Editing a stored image in place: the image as stored, the being-edited marker, the edit.

``stored`` (open an image for editing: metadata, level arrays, write units, its pyramid plan)
-> ``journal`` (the marker an edit leaves in the image's attributes until it is finished)
-> ``apply`` (write a box of a level and rebuild exactly what depends on it, under locks).
"""
