"""SQLite as the embedded database of a small group: twenty people ticking, resetting and
importing at the same moment against a real server, each request on its own connection to the
database file. Nobody gets a server error and nothing is lost.

The test database must be a file for this (prepsite.settings gives SQLite one): an in-memory
test database is shared by the live server's threads as a single connection, so it never
locks the way a deployed site's file does.
"""

import hashlib
import json
import random
import re
import threading
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from progress.models import ActivityDay, Note, Star, StudiedMark
from tests.conftest import PASSWORD, make_topic
from tests.http import Browserish
from topics.models import Question

pytestmark = pytest.mark.sqlite  # SQLite's own locking

USERS = 5
IMPORTS_PER_USER = 3
RESET_ROUNDS = 4
TICKS_PER_WORKER = 12


@pytest.fixture
def world(transactional_db, settings):
    # Everyone here comes from one address; the hourly limit per client is not under test, nor
    # is password hashing, which would make the twenty logins most of the test's time.
    settings.IMPORT_PREVIEWS_PER_HOUR_PER_CLIENT = 10_000
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make_topic("ticks", sections=2, per_section=10)
    make_topic("wiped", sections=1, per_section=4, order=2)
    make_topic("imported", sections=1, per_section=2 * IMPORTS_PER_USER, order=3)
    return [User.objects.create_user(f"user{n}", f"user{n}@example.org", PASSWORD) for n in range(USERS)]


def slugs(topic: str) -> list[str]:
    return list(Question.objects.filter(section__topic__slug=topic).order_by("id").values_list("slug", flat=True))


def logged_in(base: str, user: User) -> Browserish:
    browser = Browserish(base)
    assert browser.post("/accounts/login/", {"username": user.username, "password": PASSWORD})[0] == 302
    return browser


def post_file(browser: Browserish, path: str, raw: bytes) -> tuple[int, str]:
    """Upload `raw` as the form's `file`, as a browser's multipart form post does."""
    boundary = uuid.uuid4().hex
    body = b"".join(
        [
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'.encode(),
            browser.csrf_token().encode(),
            f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="export.json"\r\n'.encode(),
            b"Content-Type: application/json\r\n\r\n",
            raw,
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    request = urllib.request.Request(
        browser.base + path,
        data=body,
        method="POST",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": browser.base + "/"},
    )
    try:
        with browser.opener.open(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def export_file(questions: list[str], note: str) -> bytes:
    """An export marking `questions` studied long ago, with a note on the first."""
    studied_at = "2025-01-01T09:00:00+00:00"
    return json.dumps(
        {
            "format": "prepsite-progress",
            "version": 1,
            "marks": [{"question": slug, "studied_at": studied_at} for slug in questions],
            "notes": [{"question": questions[0], "body": note, "updated_at": studied_at}],
        }
    ).encode()


def test_twenty_people_ticking_resetting_and_importing_at_once_lose_nothing(world, live_server):
    ticked, wiped, imported = slugs("ticks"), slugs("wiped"), slugs("imported")
    rng = random.Random(11)
    # Two tickers per user, on separate halves of the topic, so each one's last wish is final.
    halves = [ticked[: len(ticked) // 2], ticked[len(ticked) // 2 :]]
    tick_plans = {
        (user.username, half): [(rng.choice(halves[half]), rng.choice("01")) for _ in range(TICKS_PER_WORKER)]
        for user in world
        for half in (0, 1)
    }
    imports = {
        user.username: [(imported[2 * n : 2 * n + 2], f"Note {n} of {user.username}") for n in range(IMPORTS_PER_USER)]
        for user in world
    }
    workers = [(user, kind) for user in world for kind in ("tick-0", "tick-1", "reset", "import")]
    browsers = [logged_in(live_server.url, user) for user, _ in workers]
    start = threading.Barrier(len(workers))
    told: dict[str, list[str]] = {user.username: [] for user in world}  # what each import's page said
    day_before = timezone.localdate()

    def ticker(browser: Browserish, user: User, half: int) -> list[tuple[str, int]]:
        return [
            ("tick", browser.post(f"/questions/{slug}/studied/", {"studied": wanted}, htmx=True)[0])
            for slug, wanted in tick_plans[(user.username, half)]
        ]

    def resetter(browser: Browserish) -> list[tuple[str, int]]:
        statuses = []
        for _ in range(RESET_ROUNDS):
            for slug in wiped[:2]:
                statuses.append(("tick", browser.post(f"/questions/{slug}/studied/", {"studied": "1"}, htmx=True)[0]))
            statuses.append(("star", browser.post(f"/questions/{wiped[2]}/star/", {"starred": "1"}, htmx=True)[0]))
            statuses.append(("reset page", browser.get("/account/progress/reset/?topic=wiped")[0]))
            statuses.append(("reset", browser.post("/account/progress/reset/", {"topic": "wiped", "confirm": "on"})[0]))
        return statuses

    def importer(browser: Browserish, user: User) -> list[tuple[str, int]]:
        statuses = []
        for questions, note in imports[user.username]:
            raw = export_file(questions, note)
            statuses.append(("preview", post_file(browser, "/account/progress/import/", raw)[0]))
            digest = hashlib.sha256(raw).hexdigest()  # what the preview's apply form names
            statuses.append(("apply", browser.post("/account/progress/import/apply/", {"digest": digest})[0]))
            status, page, _ = browser.get("/account/progress/")
            statuses.append(("progress page", status))
            told[user.username] += re.findall(r'<p class="message[^"]*">([^<]*)</p>', page)
        return statuses

    def work(index: int) -> list[tuple[str, int]]:
        user, kind = workers[index]
        browser = browsers[index]
        start.wait(timeout=60)
        if kind.startswith("tick"):
            return ticker(browser, user, int(kind[-1]))
        if kind == "reset":
            return resetter(browser)
        return importer(browser, user)

    with ThreadPoolExecutor(max_workers=len(workers)) as pool:
        results = [result for results in pool.map(work, range(len(workers))) for result in results]

    failed = [(what, status) for what, status in results if status >= 500]
    assert failed == []
    expected_status = {
        "tick": 200,
        "star": 200,
        "reset page": 200,
        "reset": 302,
        "preview": 200,
        "apply": 302,
        "progress page": 200,
    }
    assert [(what, status) for what, status in results if status != expected_status[what]] == []
    assert told == {user.username: ["Imported: 3 changes applied."] * IMPORTS_PER_USER for user in world}

    for user in world:
        wanted: dict[str, bool] = {}
        for half in (0, 1):
            for slug, flag in tick_plans[(user.username, half)]:
                wanted[slug] = flag == "1"
        marks = set(StudiedMark.objects.filter(user=user).values_list("question__slug", flat=True))
        # Exactly the last wish on each ticked question, nothing left of the reset topic (its
        # stars neither), and every mark of every applied import.
        assert marks == {slug for slug, on in wanted.items() if on} | set(imported)
        assert not Star.objects.filter(user=user).exists()
        notes = dict(Note.objects.filter(user=user).values_list("question__slug", "body"))
        assert notes == {questions[0]: note for questions, note in imports[user.username]}
        if timezone.localdate() == day_before:  # the day's count is checked unless midnight passed
            ticked_today = sum(1 for slug, on in wanted.items() if on) + 2 * RESET_ROUNDS
            assert ActivityDay.objects.get(user=user).ticks == ticked_today
