"""Allow `python -m app.content`."""

import sys

from .cli import main

sys.exit(main())
