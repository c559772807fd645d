"""Loaders of the prefix database: one module per source, merged by ``upsert``."""

from .common import LoadError, PrefixRecord
from .service import SOURCES, LoadResult, prefixes_load

__all__ = ["SOURCES", "LoadError", "LoadResult", "PrefixRecord", "prefixes_load"]
