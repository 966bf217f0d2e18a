"""Quality per task from maintained benchmarks: comparable 0..1 scores, tiers, confidence and sources.

from llmpick.quality import rate, Rating, TIERS, tier_gap
rate(model, "code", catalog) -> Rating
"""

from llmpick.quality import rating
from llmpick.quality.benchmarks import TASKS
from llmpick.quality.rating import Rating, main_task, rate
from llmpick.quality.tiers import TIERS, tier_gap

__all__ = ["TASKS", "TIERS", "Rating", "main_task", "rate", "rating", "tier_gap"]
