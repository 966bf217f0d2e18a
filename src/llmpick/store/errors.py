"""The decision database's error (its own module: the connection code and the migrations both raise it)."""

from __future__ import annotations

from llmpick.errors import LlmpickError


class StoreError(LlmpickError):
    """The decision database cannot be opened, or a record is missing."""
