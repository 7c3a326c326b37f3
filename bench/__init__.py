"""Benchmarks for issue 7: five years of history, still instant.

- ``python -m bench.generate --years 5``: a fictional, seeded, reproducible
  history written through the real schema (:mod:`bench.generate`);
- ``python -m bench.run``: every measurement next to its baseline and bar
  (:mod:`bench.run`); see BENCHMARKS.md for the numbers and how to reproduce them.

Nothing in ``vip_tui`` imports this package.
"""
