"""Start-up, indexing and interaction benchmarks for aireader.

Run everything, from the repository root, with the project's Python::

    python -m benchmarks.run            # 1k, 10k and 100k articles, 5 runs each
    python -m benchmarks.run --quick    # 1k and 10k, 1 run each

Modules:

* :mod:`benchmarks.generate` makes deterministic synthetic libraries;
* :mod:`benchmarks.terminal` spawns a program in a pseudo-terminal and keeps a
  small model of its screen, so a start-up is timed from outside the process;
* :mod:`benchmarks.floor_app` is the bare Textual app that sets the start-up floor;
* :mod:`benchmarks.pilot` drives aireader in-process with Textual's Pilot;
* :mod:`benchmarks.search` times a fixed mix of search queries over a library's index;
* :mod:`benchmarks.run` runs it all and prints the figures, the ratios and the targets.

Nothing here asserts a timing: the benchmarks print figures for people to read.
"""
