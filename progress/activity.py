"""The activity heatmap and streaks, drawn on the server as SVG."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CELL = 11
GAP = 2
WEEKS = 52


def level(count: int) -> int:
    if count <= 0:
        return 0
    if count <= 2:
        return 1
    if count <= 5:
        return 2
    if count <= 10:
        return 3
    return 4


def streaks(active_days: set[date], today: date) -> tuple[int, int]:
    """(current, longest). The current streak counts back from today, or from yesterday when
    nothing is done yet today, so a streak is not lost before the day is over."""
    longest = run = 0
    previous = None
    for day in sorted(active_days):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    current = 0
    day = today if today in active_days else today - timedelta(days=1)
    while day in active_days:
        current += 1
        day -= timedelta(days=1)
    return current, longest


@dataclass
class Heatmap:
    svg: SafeString
    active_days: int
    total: int
    current_streak: int
    longest_streak: int


def heatmap(counts: dict[date, int], today: date) -> Heatmap:
    """52 weeks of activity ending today, one column per week (Monday on top)."""
    end = today
    start = end - timedelta(days=end.weekday()) - timedelta(weeks=WEEKS - 1)
    cells = []
    day = start
    while day <= end:
        column = (day - start).days // 7
        row = day.weekday()
        count = counts.get(day, 0)
        label = f"{day:%a %d %b %Y}: {count} tick{'s' if count != 1 else ''} or review{'s' if count != 1 else ''}"
        cells.append(
            f'<rect x="{column * (CELL + GAP)}" y="{row * (CELL + GAP)}" width="{CELL}" height="{CELL}" rx="2" '
            f'class="heat-{level(count)}"><title>{escape(label)}</title></rect>'
        )
        day += timedelta(days=1)
    in_range = {d: c for d, c in counts.items() if start <= d <= end and c > 0}
    current, longest = streaks({d for d, c in counts.items() if c > 0}, today)
    width = WEEKS * (CELL + GAP)
    height = 7 * (CELL + GAP)
    summary = (
        f"{len(in_range)} active days in the last year, {sum(in_range.values())} ticks and reviews; "
        f"current streak {current} day{'s' if current != 1 else ''}, longest {longest}."
    )
    svg = (
        f'<svg class="heatmap" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="{escape(summary)}"><title>{escape(summary)}</title>{"".join(cells)}</svg>'
    )
    return Heatmap(mark_safe(svg), len(in_range), sum(in_range.values()), current, longest)
