"""The decision engine: profile + catalog → explained, ranked, costed recommendation."""

from llmpick.engine.recommend import recommend
from llmpick.engine.result import SCHEMA, Recommendation

__all__ = ["SCHEMA", "Recommendation", "recommend"]
