"""Load benchmark (`make bench`, `make bench ARGS=--quick`); see bot/bench/run.py."""

import sys

from bot.bench.run import main

if __name__ == "__main__":
    sys.exit(main())
