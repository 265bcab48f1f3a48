"""``python -m k8stutor``."""

import sys

from .cli import main

sys.exit(main())
