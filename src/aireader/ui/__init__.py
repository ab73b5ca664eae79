"""The Textual user interface: a thin layer over :mod:`aireader.core`."""
