"""Print the README's table of settings: ``python -m deskmate.core.settings``."""

from .reference import markdown

if __name__ == "__main__":
    print(markdown(), end="")
