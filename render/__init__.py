"""tul: the tjänsteutlåtande report generator."""

__version__ = "0.1.0"
