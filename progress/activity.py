"""The activity heatmap and streaks, drawn on the server as SVG."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# The drawing's own units: the SVG scales to the width of its card (viewBox, width 100%).
CELL = 11
GAP = 2
STEP = CELL + GAP
LABEL_COLUMN = 30  # left of the cells: the weekday names
LABEL_ROW = 16  # above the cells: the month names
LABEL_SIZE = 11
WEEKS = 52
# Narrow cards show the last 22 weeks (about five months), so that on a 390 px phone a cell is
# still about 12 px wide; the switch is a container query in static/css/code.css.
RECENT_WEEKS = 22
WEEKDAY_LABELS = {0: "Mon", 2: "Wed", 4: "Fri"}
# What each colour of the legend means, in the order of `level`.
LEGEND = (
    (0, "No activity"),
    (1, "1–2 a day"),
    (2, "3–5 a day"),
    (3, "6–10 a day"),
    (4, "11 or more a day"),
)


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
    svg: SafeString  # the last 52 weeks
    recent_svg: SafeString  # the last RECENT_WEEKS weeks, for narrow screens
    active_days: int
    total: int
    current_streak: int
    longest_streak: int
    legend: tuple[tuple[int, str], ...] = field(default=LEGEND)


def heatmap(counts: dict[date, int], today: date) -> Heatmap:
    """The calendars of activity ending today, one column per week (Monday on top): the last 52
    weeks, and the last few for narrow screens."""
    current, longest = streaks({d for d, c in counts.items() if c > 0}, today)
    streak = f"current streak {current} day{'s' if current != 1 else ''}, longest {longest}."
    year = _in_weeks(counts, today, WEEKS)
    recent = _in_weeks(counts, today, RECENT_WEEKS)
    year_summary = f"{len(year)} active days in the last year, {sum(year.values())} ticks and reviews; {streak}"
    recent_summary = f"{len(recent)} active days in the last {RECENT_WEEKS} weeks, {sum(recent.values())} ticks and "
    recent_summary += f"reviews; {streak}"
    return Heatmap(
        svg=calendar_svg(counts, today, WEEKS, year_summary, "heatmap-year"),
        recent_svg=calendar_svg(counts, today, RECENT_WEEKS, recent_summary, "heatmap-recent"),
        active_days=len(year),
        total=sum(year.values()),
        current_streak=current,
        longest_streak=longest,
    )


def _first_monday(today: date, weeks: int) -> date:
    return today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)


def _in_weeks(counts: dict[date, int], today: date, weeks: int) -> dict[date, int]:
    start = _first_monday(today, weeks)
    return {d: c for d, c in counts.items() if start <= d <= today and c > 0}


def month_columns(today: date, weeks: int) -> list[tuple[int, str]]:
    """(column, month name) for each column whose Monday starts a new month. The first column is
    named too, unless the next name follows within two columns and the two would overlap."""
    start = _first_monday(today, weeks)
    mondays = [start + timedelta(weeks=column) for column in range(weeks)]
    columns = [c for c in range(weeks) if c == 0 or mondays[c].month != mondays[c - 1].month]
    if len(columns) > 1 and columns[1] < 3:
        columns = columns[1:]
    return [(column, f"{mondays[column]:%b}") for column in columns]


def calendar_svg(counts: dict[date, int], today: date, weeks: int, summary: str, kind: str) -> SafeString:
    """One calendar of `weeks` columns ending today: month names on top, weekday names on the left,
    a cell per day whose title says its date and count."""
    start = _first_monday(today, weeks)
    parts = []
    for column, name in month_columns(today, weeks):
        parts.append(
            f'<text class="heatmap-label" x="{LABEL_COLUMN + column * STEP}" y="{LABEL_ROW - 5}" '
            f'font-size="{LABEL_SIZE}">{escape(name)}</text>'
        )
    for row, name in WEEKDAY_LABELS.items():
        parts.append(
            f'<text class="heatmap-label" x="{LABEL_COLUMN - 5}" y="{LABEL_ROW + row * STEP + CELL - 2}" '
            f'font-size="{LABEL_SIZE}" text-anchor="end">{name}</text>'
        )
    day = start
    while day <= today:
        column = (day - start).days // 7
        row = day.weekday()
        count = counts.get(day, 0)
        label = f"{day:%a %d %b %Y}: {count} tick{'s' if count != 1 else ''} or review{'s' if count != 1 else ''}"
        parts.append(
            f'<rect x="{LABEL_COLUMN + column * STEP}" y="{LABEL_ROW + row * STEP}" width="{CELL}" height="{CELL}" '
            f'rx="2" class="heat-{level(count)}"><title>{escape(label)}</title></rect>'
        )
        day += timedelta(days=1)
    width = LABEL_COLUMN + weeks * STEP - GAP
    height = LABEL_ROW + 7 * STEP - GAP
    return mark_safe(
        f'<svg class="heatmap {kind}" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'aria-label="{escape(summary)}"><title>{escape(summary)}</title>{"".join(parts)}</svg>'
    )
