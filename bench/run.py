"""Benchmarks: `make bench` prints a JSON list of {name, value, unit} results.

Goals for speed live here, never in timed tests. Later features add their benchmarks.
"""

from __future__ import annotations

import json

BENCHMARKS: list = []


def main() -> None:
    print(json.dumps([bench() for bench in BENCHMARKS], indent=2))


if __name__ == "__main__":
    main()
