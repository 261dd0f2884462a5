"""``python -m ngff_zarr.cli``: the ``ngff-zarr`` command line."""

import sys

from . import main

if __name__ == "__main__":
    sys.exit(main())
