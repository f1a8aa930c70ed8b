"""The activity heatmap's drawing: month and weekday names, one cell per day, a legend, and a
shorter calendar for narrow screens."""

from collections import Counter
from datetime import date, timedelta
from xml.etree import ElementTree

from progress.activity import CELL, LABEL_COLUMN, LABEL_ROW, RECENT_WEEKS, STEP, WEEKS, heatmap, month_columns
from progress.models import ActivityDay

SUNDAY = date(2026, 11, 22)
WEDNESDAY = date(2026, 11, 18)


def parse(svg) -> ElementTree.Element:
    return ElementTree.fromstring(str(svg))


def labels(svg) -> list[tuple[str, str, str]]:
    """(x, y, text) of every label in the drawing."""
    return [(t.get("x"), t.get("y"), t.text) for t in parse(svg).iter("text")]


def test_months_are_named_above_the_week_they_start_in():
    # The year ending Sunday 22 November 2026 starts on Monday 24 November 2025; December starts
    # in the next column, too close to name November in the first.
    assert month_columns(SUNDAY, WEEKS) == [
        (1, "Dec"),
        (6, "Jan"),
        (10, "Feb"),
        (14, "Mar"),
        (19, "Apr"),
        (23, "May"),
        (27, "Jun"),
        (32, "Jul"),
        (36, "Aug"),
        (41, "Sep"),
        (45, "Oct"),
        (49, "Nov"),
    ]
    # Ending Monday 7 December 2026, the year starts on 15 December 2025: room to name December.
    assert month_columns(date(2026, 12, 7), WEEKS)[:2] == [(0, "Dec"), (3, "Jan")]
    assert month_columns(SUNDAY, RECENT_WEEKS) == [(2, "Jul"), (6, "Aug"), (11, "Sep"), (15, "Oct"), (19, "Nov")]


def test_the_drawing_puts_month_names_on_top_and_mon_wed_fri_on_the_left():
    result = heatmap({}, SUNDAY)
    drawn = labels(result.svg)
    months = [(x, text) for x, y, text in drawn if y == str(LABEL_ROW - 5)]
    assert months[:2] == [(str(LABEL_COLUMN + STEP), "Dec"), (str(LABEL_COLUMN + 6 * STEP), "Jan")]
    assert len(months) == 12
    weekdays = [(y, text) for x, y, text in drawn if x == str(LABEL_COLUMN - 5)]
    assert weekdays == [
        (str(LABEL_ROW + row * STEP + CELL - 2), name) for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri"))
    ]
    assert [text for _, _, text in labels(result.recent_svg)] == "Jul Aug Sep Oct Nov Mon Wed Fri".split()


def cells_by_column(svg) -> dict[int, list[int]]:
    """Column -> the rows (weekday, Monday 0) that have a cell."""
    columns: dict[int, list[int]] = {}
    for rect in parse(svg).iter("rect"):
        column = (int(rect.get("x")) - LABEL_COLUMN) // STEP
        columns.setdefault(column, []).append((int(rect.get("y")) - LABEL_ROW) // STEP)
    return columns


def test_there_is_a_cell_for_each_day_of_each_week_up_to_today():
    for today in (SUNDAY, WEDNESDAY):
        for svg, weeks in ((heatmap({}, today).svg, WEEKS), (heatmap({}, today).recent_svg, RECENT_WEEKS)):
            columns = cells_by_column(svg)
            assert sorted(columns) == list(range(weeks))
            assert all(columns[c] == list(range(7)) for c in range(weeks - 1))
            assert columns[weeks - 1] == list(range(today.weekday() + 1))  # nothing after today
    assert len(list(parse(heatmap({}, WEDNESDAY).svg).iter("rect"))) == 51 * 7 + 3


def test_each_cell_says_its_date_and_count_and_is_coloured_by_level():
    counts = {SUNDAY: 12, SUNDAY - timedelta(days=1): 1, SUNDAY - timedelta(days=200): 4}
    result = heatmap(counts, SUNDAY)
    year = parse(result.svg)
    titles = {rect.find("title").text: rect.get("class") for rect in year.iter("rect")}
    assert titles["Sun 22 Nov 2026: 12 ticks or reviews"] == "heat-4"
    assert titles["Sat 21 Nov 2026: 1 tick or review"] == "heat-1"
    assert titles["Wed 06 May 2026: 4 ticks or reviews"] == "heat-2"
    assert Counter(titles.values()) == Counter({"heat-0": 361, "heat-4": 1, "heat-1": 1, "heat-2": 1})
    # The recent weeks start on 22 June: the day in May is not in them.
    recent = parse(result.recent_svg)
    assert recent.get("aria-label") == (
        "2 active days in the last 22 weeks, 13 ticks and reviews; current streak 2 days, longest 2."
    )
    assert year.get("aria-label").startswith("3 active days in the last year, 17 ticks and reviews;")


def test_both_drawings_fill_their_card_width_and_scale_from_a_viewbox():
    result = heatmap({}, SUNDAY)
    for svg, weeks, kind in ((result.svg, WEEKS, "heatmap-year"), (result.recent_svg, RECENT_WEEKS, "heatmap-recent")):
        root = parse(svg)
        assert root.get("width") == "100%" and root.get("height") is None
        assert root.get("viewBox") == f"0 0 {LABEL_COLUMN + weeks * STEP - 2} {LABEL_ROW + 7 * STEP - 2}"
        assert root.get("class") == f"heatmap {kind}" and root.get("role") == "img"
        assert root.find("title").text == root.get("aria-label")


def test_the_dashboard_shows_both_calendars_and_a_legend(alice_client, alice):
    from django.utils import timezone

    ActivityDay.objects.create(user=alice, day=timezone.localdate(), ticks=3)
    page = alice_client.get("/").content.decode()
    assert page.count('class="heatmap heatmap-year"') == 1 and page.count('class="heatmap heatmap-recent"') == 1
    legend = page[page.index('<p class="heatmap-legend">') :]
    legend = legend[: legend.index("</p>")]
    assert legend.startswith('<p class="heatmap-legend">Less') and legend.endswith("More")
    swatches = [legend.index(f'class="heat-{n}"') for n in range(5)]
    assert swatches == sorted(swatches)
    for words in ("No activity", "1–2 a day", "3–5 a day", "6–10 a day", "11 or more a day"):
        assert f'aria-label="{words}"><title>{words}</title>' in legend
