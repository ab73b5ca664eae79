"""The headless core of aireader: parsing, the library, the user-data store.

Nothing under this package may import Textual; the UI and the command line both
build on it.
"""
