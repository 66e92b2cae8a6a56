"""``python -m herald.cli``: the same as the ``herald`` command."""

import sys

from herald.cli import main

sys.exit(main())
