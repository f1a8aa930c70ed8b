"""Many clients ticking at once against PostgreSQL: no server error, never two rows for one
(user, question), and the counters agree with the table afterwards."""

import random
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import User
from django.test import Client

from progress.models import StudiedMark
from tests.conftest import PASSWORD, make_topic
from topics.models import Question

pytestmark = pytest.mark.postgres


@pytest.fixture
def world(transactional_db):
    make_topic("race", sections=2, per_section=10)
    users = [User.objects.create_user(f"user{n}", f"user{n}@example.org", PASSWORD) for n in range(6)]
    return users, list(Question.objects.order_by("id"))


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_same_question_ticked_and_unticked_at_once(world, live_server):
    from tests.http import Browserish

    users, questions = world
    target = questions[0]
    browsers = []
    for n in range(4):
        browser = Browserish(live_server.url)
        status, _, _ = browser.post("/accounts/login/", {"username": users[0].username, "password": PASSWORD})
        assert status == 302
        browsers.append(browser)

    def hammer(index: int) -> list[int]:
        statuses = []
        for step in range(25):
            wanted = "1" if (index + step) % 2 else "0"
            status, _, _ = browsers[index].post(f"/questions/{target.slug}/studied/", {"studied": wanted}, htmx=True)
            statuses.append(status)
        # everyone ends by asking for "studied"
        statuses.append(browsers[index].post(f"/questions/{target.slug}/studied/", {"studied": "1"}, htmx=True)[0])
        return statuses

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = [status for statuses in pool.map(hammer, range(4)) for status in statuses]
    assert set(results) == {200}
    assert StudiedMark.objects.filter(user=users[0], question=target).count() == 1


def test_different_users_and_questions_at_once(world, live_server):
    from tests.http import Browserish, counter

    users, questions = world
    rng = random.Random(7)
    plans = {user.username: [(rng.choice(questions).slug, rng.choice("01")) for _ in range(30)] for user in users}

    def run(user: User) -> list[int]:
        browser = Browserish(live_server.url)
        assert browser.post("/accounts/login/", {"username": user.username, "password": PASSWORD})[0] == 302
        return [
            browser.post(f"/questions/{slug}/studied/", {"studied": wanted}, htmx=True)[0]
            for slug, wanted in plans[user.username]
        ]

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = [status for statuses in pool.map(run, users) for status in statuses]
    assert set(results) == {200}

    for user in users:
        # The table holds exactly the last wish for each question...
        expected = {}
        for slug, wanted in plans[user.username]:
            expected[slug] = wanted == "1"
        rows = set(StudiedMark.objects.filter(user=user).values_list("question__slug", flat=True))
        assert rows == {slug for slug, on in expected.items() if on}
        # ...and the page agrees with the table.
        page = client_for(user).get("/topics/race/").content.decode()
        assert counter(page) == f"{len(rows)} / 20"
