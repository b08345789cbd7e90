"""Print the README's table of settings: ``python -m deskmate.core.settings``."""

from .reference import markdown

print(markdown(), end="")
