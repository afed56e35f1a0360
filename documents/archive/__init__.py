"""The Noark 5 v5.0 archive extract (arkivuttrekk) of a municipality's closed cases:
``manage.py archive_extract`` (documents/management/commands/archive_extract.py) calls
``write_extract``; extract.py says what the package holds."""

from .extract import ArchiveError, ExtractResult, closed_cases, write_extract

__all__ = ["ArchiveError", "ExtractResult", "closed_cases", "write_extract"]
