"""`python -m newsdesk` runs the command line."""

import sys

from newsdesk.cli import main

if __name__ == "__main__":  # guarded: parser worker processes re-import this module
    sys.exit(main())
