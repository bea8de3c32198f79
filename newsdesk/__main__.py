"""`python -m newsdesk` runs the command line."""

import sys

from newsdesk.cli import main

sys.exit(main())
