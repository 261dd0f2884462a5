"""``python -m ngff_zarr.cli``: the ``ngff-zarr`` command line."""

import sys

from . import main

sys.exit(main())
