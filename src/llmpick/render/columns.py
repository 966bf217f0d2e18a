"""Terminal tables that read at any width (80 columns and up): columns chosen by width, cells cut with "…".

A table gets the columns that fit, most important first; the rest are named in a caption (``--format json``
always has everything). Rows never wrap: a long cell ends in an ellipsis instead of folding letter by letter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rich.table import Table
from rich.text import Text

Justify = Literal["left", "right", "center"]
_BORDER = 3  # "│ " before a cell and " " after it, in rich's default box


@dataclass(frozen=True)
class Column:
    header: str
    keep: int = 5  # columns with the lowest value are left out first when the table is too wide
    justify: Justify = "left"
    shrink_to: int | None = None  # narrowest this column may be cut to (default: never cut)


def width_table(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], *, width: int, title: str | None = None
) -> Table:
    """A rich Table of the columns that fit in ``width`` characters, cells cut with an ellipsis."""
    natural = [max([len(c.header), *(len(str(r[i])) for r in rows)]) for i, c in enumerate(columns)]
    smallest = [
        min(n, max(c.shrink_to, len(c.header))) if c.shrink_to else n for c, n in zip(columns, natural, strict=True)
    ]
    kept = list(range(len(columns)))

    def needed(indices: list[int]) -> int:
        return sum(smallest[i] + _BORDER for i in indices) + 1

    dropped: list[int] = []
    while needed(kept) > width and len(kept) > 1:
        victim = min(kept, key=lambda i: (columns[i].keep, -i))
        kept.remove(victim)
        dropped.append(victim)
    caption = None
    if dropped:
        names = ", ".join(columns[i].header for i in sorted(dropped))
        caption = f"left out at {width} columns: {names} (widen the terminal, or --format json)"
    widths = {i: natural[i] for i in kept}
    room = width - (_BORDER * len(kept) + 1)
    while sum(widths.values()) > room:  # take one character at a time from the column with most to spare
        spare = max(kept, key=lambda i: (widths[i] - smallest[i], widths[i]))
        if widths[spare] <= smallest[spare]:
            break
        widths[spare] -= 1
    table = Table(title=title, caption=caption)
    for i in kept:
        c = columns[i]
        table.add_column(c.header, justify=c.justify, no_wrap=True, width=widths[i])
    for row in rows:
        table.add_row(*(Text(cut(str(row[i]), widths[i])) for i in kept))  # Text: a "[" is not rich markup
    return table


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` characters, ending in "…" when it had to be shortened."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"
