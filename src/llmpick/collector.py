"""How llmpick's long-running processes set CPython's cycle collector (the server's workers, the benchmarks).

A settled worker holds a few hundred thousand long-lived objects (the catalog, the policy, the per-record
memos), and each recommendation allocates hundreds of thousands of short-lived ones (routes, costs, reasons)
that reference counting frees: they form next to no cycles. With CPython's defaults a young collection runs
every 700 net allocations and the older ones follow: even with the catalog frozen, about a tenth of a warm
recommendation went to collections that found nothing to free (BENCHMARKS.md). One-shot CLI commands switch
the collector off instead (`llmpick.cli.main.run`); library callers keep whatever settings their process has.
"""

from __future__ import annotations

import gc

# Net allocations between young collections. Cyclic garbage is still found, in batches of this size; a young
# collection walks at most this many objects (measured: ~2 ms when all 50,000 are alive, far less as most are
# freed by reference counting first).
YOUNG_THRESHOLD = 50_000


def settle() -> None:
    """Call once start-up is done: collect, move everything alive to the permanent generation (no collection
    walks the catalog again), and collect the young generation every `YOUNG_THRESHOLD` allocations."""
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, oldest)
