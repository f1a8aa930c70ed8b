"""The visitor's time zone decides where their day starts: the day a tick counts for, what is
due today, the dates shown. It is kept in a cookie; a cookie naming no known zone means UTC."""

from datetime import date, datetime
from datetime import timezone as dt_timezone

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from progress.models import ActivityDay, ReviewCard, ReviewSettings
from topics.models import Question

# 19:00 on Tuesday 1 December in Los Angeles, 12:00 on Wednesday 2 December in Tokyo.
NOW = datetime(2026, 12, 2, 3, 0, tzinfo=dt_timezone.utc)


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def tick(client, slug: str = "ml-breadth-q1-1"):
    response = client.post_form(f"/questions/{slug}/studied/", {"studied": "1"})
    assert response.status_code == 302
    return response


def days_of(user) -> list[date]:
    return list(ActivityDay.objects.filter(user=user).values_list("day", flat=True))


def test_a_tick_counts_for_the_day_in_the_visitors_time_zone(alice_client, alice, topic, frozen):
    alice_client.cookies["tz"] = "America/Los_Angeles"
    tick(alice_client)
    assert days_of(alice) == [date(2026, 12, 1)]


def test_without_a_time_zone_the_day_is_the_utc_one(alice_client, alice, topic, frozen):
    tick(alice_client)
    assert days_of(alice) == [date(2026, 12, 2)]


@pytest.mark.parametrize(
    "cookie",
    ["Mars/Olympus_Mons", "../../../etc/passwd", "/etc/localtime", "localtime", "Factory", "europe/paris", "x" * 5000],
)
def test_a_cookie_naming_no_known_zone_is_ignored(alice_client, alice, topic, frozen, cookie):
    alice_client.cookies["tz"] = cookie
    for url in ("/", "/review/", "/account/time-zone/", "/account/progress/"):
        response = alice_client.get(url)
        assert response.status_code == 200, url
    assert "starts at midnight in UTC" in alice_client.get("/review/").content.decode()
    tick(alice_client)
    assert days_of(alice) == [date(2026, 12, 2)]


def test_due_today_ends_at_the_visitors_midnight(alice_client, alice, topic, frozen):
    """A card due at 10:00 UTC on 2 December is due today in UTC (it is 03:00 there), and not
    yet in Los Angeles, where today ends at 08:00 UTC."""
    ReviewSettings.objects.create(user=alice, new_cards_per_day=0)
    ReviewCard.objects.create(
        user=alice,
        question=Question.objects.get(slug="ml-breadth-q1-1"),
        state=2,
        stability=3.0,
        difficulty=5.0,
        due=datetime(2026, 12, 2, 10, 0, tzinfo=dt_timezone.utc),
        last_review=datetime(2026, 11, 29, 10, 0, tzinfo=dt_timezone.utc),
        created_at=datetime(2026, 11, 29, 10, 0, tzinfo=dt_timezone.utc),
    )
    assert "<strong>1</strong> card in this session" in alice_client.get("/review/").content.decode()
    alice_client.cookies["tz"] = "America/Los_Angeles"
    page = alice_client.get("/review/").content.decode()
    assert "All done for today" in page
    assert "Your day starts at midnight in America/Los_Angeles" in page


def test_the_zone_costs_no_query(alice_client, topic):
    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert alice_client.get(url).status_code == 200
        return len(queries)

    urls = ("/topics/ml-breadth/", "/review/")
    [count(url) for url in urls]  # the content is read once per process, then cached
    without = [count(url) for url in urls]
    alice_client.cookies["tz"] = "Asia/Tokyo"
    assert [count(url) for url in urls] == without


def test_the_page_shows_the_zone_the_browser_sent(anon_client, frozen):
    page = anon_client.get("/account/time-zone/").content.decode()
    assert "midnight in <strong>UTC</strong>: your browser has not told us its time zone" in page
    anon_client.cookies["tz"] = "Asia/Tokyo"
    page = anon_client.get("/account/time-zone/").content.decode()
    assert "midnight in <strong>Asia/Tokyo</strong>, your browser's time zone" in page
    assert "It is now Wednesday 2 December, 12:00 there." in page
    assert '<option value="" selected>Detect from my browser</option>' in page


def test_choosing_a_zone_keeps_it_and_marks_it_chosen(alice_client, alice, topic, frozen):
    response = alice_client.post_form("/account/time-zone/", {"time_zone": "Asia/Kolkata", "next": "/review/"})
    assert response.status_code == 302 and response["Location"] == "/review/"
    assert response.cookies["tz"].value == "Asia/Kolkata"
    assert response.cookies["tz_chosen"].value == "1"
    assert response.cookies["tz"]["max-age"] == 365 * 24 * 60 * 60
    assert response.cookies["tz"]["samesite"] == "Lax"
    assert (
        "Time zone saved: your days start at midnight in Asia/Kolkata." in alice_client.get("/review/").content.decode()
    )
    page = alice_client.get("/account/time-zone/").content.decode()
    assert "midnight in <strong>Asia/Kolkata</strong>, which you chose" in page
    assert '<option value="Asia/Kolkata" selected>' in page
    tick(alice_client)  # 08:30 on 2 December in Kolkata
    assert days_of(alice) == [date(2026, 12, 2)]


def test_going_back_to_the_browsers_zone_forgets_the_choice(anon_client):
    anon_client.cookies["tz"] = "Asia/Kolkata"
    anon_client.cookies["tz_chosen"] = "1"
    response = anon_client.post_form("/account/time-zone/", {"time_zone": ""})
    assert response.status_code == 302 and response["Location"] == "/account/time-zone/"
    assert response.cookies["tz"]["max-age"] == 0 and response.cookies["tz_chosen"]["max-age"] == 0
    assert "follow your browser" in anon_client.get("/account/time-zone/").content.decode()


@pytest.mark.parametrize("value", ["Mars/Olympus_Mons", "localtime", "Etc/../../passwd", "x" * 300])
def test_an_unknown_zone_is_refused_and_changes_nothing(anon_client, value):
    anon_client.cookies["tz"] = "Europe/Paris"
    response = anon_client.post_form("/account/time-zone/", {"time_zone": value})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert "tz" not in response.cookies and "tz_chosen" not in response.cookies


def test_choosing_needs_the_csrf_token(anon_client):
    anon_client.get("/account/time-zone/")
    response = anon_client.post("/account/time-zone/", {"time_zone": "Asia/Tokyo"})
    assert response.status_code == 403
    assert "tz" not in response.cookies


def test_it_returns_only_to_a_page_of_this_site(anon_client):
    response = anon_client.post_form(
        "/account/time-zone/", {"time_zone": "Asia/Tokyo", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/account/time-zone/"


def test_an_alias_the_browser_sent_stays_selectable(anon_client):
    anon_client.cookies["tz"] = "US/Pacific"
    anon_client.cookies["tz_chosen"] = "1"
    page = anon_client.get("/account/time-zone/").content.decode()
    assert '<option value="US/Pacific" selected>' in page
    assert '<option value="America/Los_Angeles">' in page


def test_all_done_says_how_many_reviews_come_due_tomorrow_in_the_visitors_day(alice_client, alice, topic, frozen):
    """At 03:00 UTC on 2 December it is 19:00 on 1 December in Los Angeles: their tomorrow is
    2 December there, 08:00 UTC on the 2nd to 08:00 UTC on the 3rd."""
    ReviewSettings.objects.create(user=alice, new_cards_per_day=0)
    assert "No review comes due tomorrow." in alice_client.get("/review/").content.decode()
    for slug, due in (
        ("ml-breadth-q1-1", datetime(2026, 12, 2, 12, 0, tzinfo=dt_timezone.utc)),  # tomorrow in LA; today in UTC
        ("ml-breadth-q1-2", datetime(2026, 12, 3, 5, 0, tzinfo=dt_timezone.utc)),  # tomorrow in both
        ("ml-breadth-q1-3", datetime(2026, 12, 3, 12, 0, tzinfo=dt_timezone.utc)),  # tomorrow in UTC only
    ):
        ReviewCard.objects.create(
            user=alice, question=Question.objects.get(slug=slug), state=2, stability=3.0, difficulty=5.0,
            due=due, last_review=NOW, created_at=NOW,
        )  # fmt: skip
    alice_client.cookies["tz"] = "America/Los_Angeles"
    page = alice_client.get("/review/").content.decode()
    assert "All done for today" in page and "Tomorrow: <strong>2</strong> reviews come due." in page
    Question.objects.filter(slug="ml-breadth-q1-2").update(archived=True)
    assert "Tomorrow: <strong>1</strong> review comes due." in alice_client.get("/review/").content.decode()
    del alice_client.cookies["tz"]  # UTC: q1-1 is due today, so today is not done
    assert "<strong>1</strong> card in this session" in alice_client.get("/review/").content.decode()
