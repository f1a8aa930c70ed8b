"""Property-based fuzzing: random slugs, query strings and form fields on every URL never
produce a server error."""

from urllib.parse import quote, urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import CsrfClient
from topics.models import PathStep, StudyPath

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
slug = st.one_of(
    st.just("ml-breadth"),
    st.just("ml-breadth-q1-1"),
    st.just("plan"),
    st.from_regex(r"[a-z0-9-]{1,30}", fullmatch=True),
)
params = st.dictionaries(
    st.sampled_from(
        ["q", "difficulty", "status", "path", "topic", "after", "practice", "next", "confirm", "page", "x"]
    ),
    text,
    max_size=4,
)
form = st.dictionaries(
    st.sampled_from(
        [
            "studied",
            "starred",
            "follow",
            "target_date",
            "rating",
            "last_review",
            "body",
            "next",
            "desired_retention",
            "new_cards_per_day",
            "topic",
            "path",
            "confirm",
            "digest",
            "username",
            "password",
            "password1",
            "password2",
            "email",
            "time_zone",
        ]
    ),
    text,
    max_size=6,
)

GET_URLS = [
    "/",
    "/topics/{}/",
    "/questions/{}/",
    "/questions/",
    "/random/",
    "/paths/",
    "/paths/{}/",
    "/review/",
    "/questions/{}/note/",
    "/account/progress/",
    "/account/progress/reset/",
    "/account/delete/",
    "/account/time-zone/",
    "/accounts/login/",
    "/accounts/signup/",
    "/healthz",
]
POST_URLS = [
    "/questions/{}/studied/",
    "/questions/{}/star/",
    "/questions/{}/note/",
    "/questions/{}/recall/",
    "/paths/{}/follow/",
    "/review/settings/",
    "/account/progress/import/apply/",
    "/account/progress/reset/",
    "/account/time-zone/",
    "/accounts/signup/",
    "/accounts/login/",
    "/topics/{}/",
    "/account/delete/",
]


@pytest.fixture
def clients(alice, topic, request):
    # Hypothesis sends hundreds of requests from one address in one test, far past the hourly
    # limits of a client (pytest-django's `settings` fixture; here `settings` is Hypothesis's).
    limits = request.getfixturevalue("settings")
    limits.IMPORT_PREVIEWS_PER_HOUR_PER_CLIENT = limits.SIGNUPS_PER_HOUR_PER_CLIENT = 10_000
    path = StudyPath.objects.create(slug="plan", title="Plan")
    PathStep.objects.create(path=path, topic=topic)
    logged_in = CsrfClient()
    logged_in.force_login(alice)
    return [logged_in, CsrfClient()]


@FUZZ
@given(url=st.sampled_from(GET_URLS), value=slug, query=params, htmx=st.booleans(), who=st.integers(0, 1))
def test_get_never_fails(clients, url, value, query, htmx, who):
    path = url.format(quote(value, safe=""))
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = clients[who].get(f"{path}?{urlencode(query)}", **extra)
    assert response.status_code < 500


@FUZZ
@given(url=st.sampled_from(POST_URLS), value=slug, data=form, htmx=st.booleans(), who=st.integers(0, 1))
def test_post_never_fails(clients, url, value, data, htmx, who):
    path = url.format(quote(value, safe=""))
    response = clients[who].post_form(path, data, htmx=htmx)
    assert response.status_code < 500


@FUZZ
@given(url=st.sampled_from(GET_URLS), value=slug, zone=text, who=st.integers(0, 1))
def test_any_time_zone_cookie_never_fails(clients, url, value, zone, who):
    # As a server hands a header to Django: its UTF-8 bytes, each read as one ISO-8859-1 character.
    clients[who].cookies["tz"] = zone.encode().decode("iso-8859-1")
    try:
        response = clients[who].get(url.format(quote(value, safe="")))
    finally:
        del clients[who].cookies["tz"]
    assert response.status_code < 500


@FUZZ
@given(content=st.binary(max_size=300))
def test_import_of_random_bytes_never_fails(clients, content):
    response = clients[0].post_form("/account/progress/import/", {"file": SimpleUploadedFile("x.json", content)})
    assert response.status_code in (200, 400)
