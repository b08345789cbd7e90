"""Deskmate: an offline office assistant on the desktop."""

__version__ = "0.1.0"
