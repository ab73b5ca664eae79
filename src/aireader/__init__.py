"""aireader: a keyboard-driven terminal reader for a local folder of articles."""

__version__ = "1.0.0"
