"""A small inventory package: items, and reading and writing them as text files."""
from .models import Item, total_value
from .storage import load, save

__all__ = ["Item", "total_value", "load", "save"]
__version__ = "1.0"
