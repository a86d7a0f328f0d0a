"""nttqa: bilingual question answering over one thesis, with citations."""

__version__ = "0.1.0"
