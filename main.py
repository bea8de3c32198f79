"""Start the NewsDesk window: `python main.py` is `newsdesk gui`."""

import sys

from newsdesk.cli import main

if __name__ == "__main__":
    sys.exit(main(["gui", *sys.argv[1:]]))
