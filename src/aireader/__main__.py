"""``python -m aireader`` runs the command line."""

from aireader.cli import main

raise SystemExit(main())
