"""outcome-matcher: align learning outcomes with competency frameworks, offline and multilingual."""

__version__ = "0.1.0"
