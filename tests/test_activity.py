from datetime import date, timedelta

from progress.activity import heatmap, level, streaks
from progress.models import ActivityDay, StudiedMark
from topics.models import Question

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


def tick(client, slug: str, studied: str) -> None:
    response = client.post_form(f"/questions/{slug}/studied/", {"studied": studied})
    assert response.status_code == 302


def ticks_by_day(user) -> dict[date, int]:
    return dict(ActivityDay.objects.filter(user=user).values_list("day", "ticks"))


def test_ticking_unticking_and_ticking_again_on_one_day_counts_one_question(alice_client, alice, topic):
    from django.utils import timezone

    today = timezone.localdate()
    tick(alice_client, "ml-breadth-q1-1", "1")
    tick(alice_client, "ml-breadth-q1-1", "0")
    assert ticks_by_day(alice) == {today: 0}
    tick(alice_client, "ml-breadth-q1-1", "1")
    assert ticks_by_day(alice) == {today: 1}
    assert StudiedMark.objects.filter(user=alice).count() == 1
    page = alice_client.get("/").content.decode()
    assert "1 active days in the last year, 1 ticks and reviews" in page
    assert f"{today:%a %d %b %Y}: 1 tick or review<" in page
    assert "Current streak <strong>1</strong> day" in page


def test_a_tick_taken_back_the_same_day_leaves_the_day_without_activity(alice_client, alice, topic):
    from django.utils import timezone

    today = timezone.localdate()
    tick(alice_client, "ml-breadth-q1-1", "1")
    tick(alice_client, "ml-breadth-q1-2", "1")
    tick(alice_client, "ml-breadth-q1-1", "0")
    tick(alice_client, "ml-breadth-q1-1", "0")  # a repeat takes nothing more off
    assert ticks_by_day(alice) == {today: 1}
    tick(alice_client, "ml-breadth-q1-2", "0")
    assert ticks_by_day(alice) == {today: 0}
    assert not StudiedMark.objects.filter(user=alice).exists()
    page = alice_client.get("/").content.decode()
    assert "0 active days in the last year, 0 ticks and reviews" in page
    assert "Current streak <strong>0</strong> days" in page


def test_unticking_yesterdays_mark_today_changes_neither_days_count(alice_client, alice, topic):
    from django.utils import timezone

    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    StudiedMark.objects.create(
        user=alice, question=Question.objects.get(slug="ml-breadth-q1-1"), created_at=timezone.now() - timedelta(days=1)
    )
    ActivityDay.objects.create(user=alice, day=yesterday, ticks=1)
    tick(alice_client, "ml-breadth-q1-2", "1")
    tick(alice_client, "ml-breadth-q1-1", "0")
    assert ticks_by_day(alice) == {yesterday: 1, today: 1}
    assert list(StudiedMark.objects.filter(user=alice).values_list("question__slug", flat=True)) == ["ml-breadth-q1-2"]
    page = alice_client.get("/").content.decode()
    assert "2 active days in the last year, 2 ticks and reviews" in page


def test_unticking_a_mark_never_counted_leaves_the_days_count_at_zero(alice_client, alice, topic):
    """A mark that came with an import was never counted; taking it away counts nothing below 0."""
    from django.utils import timezone

    StudiedMark.objects.create(user=alice, question=Question.objects.get(slug="ml-breadth-q1-1"))
    ActivityDay.objects.create(user=alice, day=timezone.localdate(), ticks=0, reviews=2)
    tick(alice_client, "ml-breadth-q1-1", "0")
    assert list(ActivityDay.objects.filter(user=alice).values_list("ticks", "reviews")) == [(0, 2)]
    assert not StudiedMark.objects.filter(user=alice).exists()


def test_the_day_a_mark_was_made_is_the_day_in_the_users_time_zone(alice_client, alice, topic, monkeypatch):
    """At 03:00 UTC on 2 December it is still 1 December in Los Angeles, where a mark made at
    20:00 UTC on 1 December was made today; in UTC it was made yesterday."""
    from datetime import datetime
    from datetime import timezone as dt_timezone

    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 2, 3, 0, tzinfo=dt_timezone.utc))
    made = datetime(2026, 12, 1, 20, 0, tzinfo=dt_timezone.utc)
    for slug in ("ml-breadth-q1-1", "ml-breadth-q1-2"):
        StudiedMark.objects.create(user=alice, question=Question.objects.get(slug=slug), created_at=made)
    ActivityDay.objects.create(user=alice, day=date(2026, 12, 1), ticks=2)
    tick(alice_client, "ml-breadth-q1-1", "0")  # in UTC: made yesterday, so not taken back
    assert ticks_by_day(alice) == {date(2026, 12, 1): 2}
    alice_client.cookies["tz"] = "America/Los_Angeles"
    tick(alice_client, "ml-breadth-q1-2", "0")  # in Los Angeles: made today, so taken back
    assert ticks_by_day(alice) == {date(2026, 12, 1): 1}
    assert not StudiedMark.objects.filter(user=alice).exists()
