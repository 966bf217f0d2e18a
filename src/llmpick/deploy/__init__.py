"""Deployment kits: turn a recommendation's route(s) into files a team can run (``llmpick deploy``).

``build_kit(rec_json, rank)`` returns every file of the kit by its path; the web app offers it as a download.
"""

from __future__ import annotations

from typing import Any

from llmpick.deploy.kit import DeployError

__all__ = ["DeployError", "build_kit"]


def build_kit(rec: dict[str, Any] | str | bytes, rank: int | None = None, profile: Any = None) -> dict[str, bytes]:
    """Every file of the kit (README.md first) for route ``rank``, or the hybrid plan / rank 1 by default.

    ``rec`` is a ``llmpick.recommendation/1`` document (dict or JSON text); ``profile`` (a Profile) sizes the
    context and concurrency from the workload. Raises DeployError on a document or rank it cannot deploy.
    """
    from llmpick.catalog.loader import load_builtin_catalog
    from llmpick.deploy.build import build

    return build(rec, load_builtin_catalog(), rank=rank, profile=profile).files()
