"""Shared fixtures: named users (alice owns the progress, bob is someone else, and an
anonymous visitor), clients that enforce CSRF, and small content factories."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from topics.models import Answer, Question, Section, Topic

# The browser fixtures (one Chromium for the whole run), for every module that asks for them.
pytest_plugins = ["tests.browser"]

IN_CI = os.environ.get("CI", "").lower() == "true"

# Hypothesis keeps examples and a cache of the source's constants (which names the files it
# read); keep them out of the project tree.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(Path(tempfile.gettempdir()) / "prepsite-hypothesis"))
PASSWORD = "correct horse battery staple"


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` run only when the suite runs on PostgreSQL, and those marked
    `sqlite` only on SQLite; CI runs the suite on both."""
    from django.db import connection

    other = "sqlite" if connection.vendor == "postgresql" else "postgres"
    kept = [item for item in items if other not in item.keywords]
    deselected = [item for item in items if other in item.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def needs(what: str, reason: str) -> None:
    """Skip on a developer's machine; fail in CI, where everything must be present."""
    if IN_CI:
        pytest.fail(f"{what} is required in CI: {reason}")
    pytest.skip(f"{what} not available: {reason}")


class CsrfClient(Client):
    """A client that enforces CSRF like a browser does and sends the token it was given."""

    def __init__(self, **kwargs):
        super().__init__(enforce_csrf_checks=True, **kwargs)

    def csrf_token(self) -> str:
        if "csrftoken" not in self.cookies:
            self.get("/accounts/login/")
        return self.cookies["csrftoken"].value

    def post_form(self, path: str, data: dict | None = None, htmx: bool = False, **extra):
        data = dict(data or {})
        data["csrfmiddlewaretoken"] = self.csrf_token()
        if htmx:
            extra.setdefault("HTTP_HX_REQUEST", "true")
        return self.post(path, data, **extra)


@pytest.fixture(autouse=True)
def fresh_rate_limits(request):
    """Start every test that uses the database with no rate-limit counters: they live in the
    database cache, a table that no test's rollback or flush clears, so a live-server test's
    sign-ups would otherwise count against the next test's."""
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in request.fixturenames or (marker and marker.kwargs.get("transaction")):
        request.getfixturevalue("transactional_db")
    elif "db" in request.fixturenames or marker:
        request.getfixturevalue("db")
    else:
        return
    cache.clear()


@pytest.fixture
def sandbox_ready(settings) -> None:
    """Code can run here: bubblewrap is installed and allowed (else skip, or fail in CI)."""
    from coding import sandbox

    if not shutil.which(settings.SANDBOX_BWRAP):
        needs("bubblewrap", "apt-get install bubblewrap python3-numpy")
    try:
        sandbox.check_available()
    except sandbox.SandboxUnavailable as error:
        needs("a working sandbox", str(error))


@pytest.fixture
def alice(db) -> User:
    return User.objects.create_user("alice", "alice@example.org", PASSWORD)


@pytest.fixture
def bob(db) -> User:
    return User.objects.create_user("bob", "bob@example.org", PASSWORD)


@pytest.fixture
def anon_client(db) -> CsrfClient:
    return CsrfClient()


@pytest.fixture
def alice_client(alice) -> CsrfClient:
    client = CsrfClient()
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(bob) -> CsrfClient:
    client = CsrfClient()
    client.force_login(bob)
    return client


def make_topic(slug: str = "ml-breadth", sections: int = 2, per_section: int = 3, order: int = 1) -> Topic:
    """A topic with `sections` sections of `per_section` questions each, every one answered."""
    topic = Topic.objects.create(slug=slug, title=slug.replace("-", " ").title(), summary=f"About {slug}", order=order)
    difficulties = ["easy", "medium", "hard"]
    for s in range(sections):
        section = Section.objects.create(topic=topic, slug=f"section-{s + 1}", title=f"Section {s + 1}", order=s)
        for q in range(per_section):
            question = Question.objects.create(
                section=section,
                slug=f"{slug}-q{s + 1}-{q + 1}",
                title=f"Question {s + 1}.{q + 1} of {slug}?",
                difficulty=difficulties[(s + q) % 3],
                order=q,
            )
            Answer.objects.create(question=question, body=f"The answer to **{question.title}**")
    return topic


@pytest.fixture
def topic(db) -> Topic:
    return make_topic()
