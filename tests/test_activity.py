from datetime import date, timedelta

from progress.activity import heatmap, level, streaks
from progress.models import ActivityDay

TODAY = date(2026, 11, 22)


def days_ago(*offsets: int) -> set[date]:
    return {TODAY - timedelta(days=offset) for offset in offsets}


def test_streaks_count_back_from_today_or_yesterday():
    assert streaks(days_ago(0, 1, 2, 5, 6, 7, 8), TODAY) == (3, 4)
    assert streaks(days_ago(1, 2), TODAY) == (2, 2)  # today is not over yet
    assert streaks(days_ago(2, 3), TODAY) == (0, 2)
    assert streaks(set(), TODAY) == (0, 0)


def test_levels():
    assert [level(n) for n in (0, 1, 2, 3, 5, 6, 10, 11)] == [0, 1, 1, 2, 2, 3, 3, 4]


def test_the_heatmap_covers_52_weeks_with_a_text_alternative():
    counts = {TODAY: 3, TODAY - timedelta(days=1): 1, TODAY - timedelta(days=400): 9}
    result = heatmap(counts, TODAY)
    svg = str(result.svg)
    assert svg.count("<rect") == 51 * 7 + TODAY.weekday() + 1
    assert 'role="img"' in svg
    assert "2 active days in the last year, 4 ticks and reviews; current streak 2 days, longest 2." in svg
    assert svg.count('class="heat-2"') == 1 and svg.count('class="heat-1"') == 1
    assert "Sun 22 Nov 2026: 3 ticks or reviews" in svg


def test_the_dashboard_shows_the_users_own_activity(alice_client, bob_client, alice):
    from django.utils import timezone

    ActivityDay.objects.create(user=alice, day=timezone.localdate(), ticks=2, reviews=1)
    assert "Current streak <strong>1</strong> day" in alice_client.get("/").content.decode()
    assert "Current streak <strong>0</strong> days" in bob_client.get("/").content.decode()
