"""Sessions read their user in the same query (prepsite.sessions, prepsite.auth); Django's rules
for who is logged in must hold unchanged."""

from types import SimpleNamespace

from django.apps import apps
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session as DjangoSession
from django.db import connection
from django.test.utils import CaptureQueriesContext

from prepsite.models import Session
from tests.conftest import PASSWORD, CsrfClient


def logged_in(client) -> bool:
    return "Log out" in client.get("/").content.decode()


def test_a_page_reads_the_session_and_its_user_in_one_query(alice_client, alice):
    alice_client.get("/healthz")
    with CaptureQueriesContext(connection) as context:
        assert alice_client.get("/account/progress/").status_code == 200
    session_queries = [q["sql"] for q in context.captured_queries if "prepsite_session" in q["sql"]]
    assert len(session_queries) == 1 and "auth_user" in session_queries[0]
    assert not [q for q in context.captured_queries if q["sql"].startswith('SELECT "auth_user"')]


def test_the_session_row_names_its_user(alice_client, alice):
    assert Session.objects.get().user_id == alice.id


def test_logging_in_and_out(anon_client, alice):
    response = anon_client.post_form("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert logged_in(anon_client)
    assert Session.objects.filter(user=alice).count() == 1
    anon_client.post_form("/accounts/logout/")
    assert not logged_in(anon_client)
    assert not Session.objects.filter(user=alice).exists()


def test_a_password_change_logs_out_the_other_sessions(alice, alice_client):
    other = CsrfClient()
    other.force_login(alice)
    assert logged_in(other)
    response = alice_client.post_form(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a new long passphrase 42",
            "new_password2": "a new long passphrase 42",
        },
    )
    assert response.status_code == 302
    assert logged_in(alice_client)
    assert not logged_in(other)


def test_a_deactivated_account_is_logged_out(alice, alice_client):
    alice.is_active = False
    alice.save()
    assert not logged_in(alice_client)


def test_deleting_an_account_ends_its_sessions(alice, alice_client, bob_client):
    alice.delete()
    assert not Session.objects.filter(user_id=alice.id).exists()
    assert Session.objects.count() == 1  # bob's
    assert not logged_in(alice_client)


def test_sessions_from_before_the_change_are_kept(alice, db):
    """The migration copies Django's sessions, so an upgrade logs nobody out."""
    keep_sessions = __import__("prepsite.migrations.0001_sessions", fromlist=["keep_sessions"]).keep_sessions
    old = DjangoStore()
    old.update(
        {
            SESSION_KEY: str(alice.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            "_auth_user_hash": alice.get_session_auth_hash(),
        }
    )
    old.create()
    DjangoSession.objects.create(
        session_key="x" * 32, session_data="not a signed session", expire_date=old.get_expiry_date()
    )
    keep_sessions(apps, SimpleNamespace(connection=connection))
    copied = Session.objects.get()
    assert copied.session_key == old.session_key and copied.user_id == alice.id
    client = CsrfClient()
    client.cookies["sessionid"] = old.session_key
    assert logged_in(client)


def test_the_user_read_with_the_session_equals_the_orms(alice, alice_client):
    from prepsite.sessions import read_session_and_user

    alice.last_login = alice.date_joined
    alice.save()
    session, user, _ = read_session_and_user(Session.objects.get().session_key)
    expected = type(alice).objects.get(pk=alice.pk)
    for field in type(alice)._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(expected, field.attname), field.name
    assert session.get_decoded()[SESSION_KEY] == str(alice.pk)


def test_an_expired_session_is_not_read(alice, alice_client):
    from django.utils import timezone

    Session.objects.update(expire_date=timezone.now())
    assert not logged_in(alice_client)


def test_a_session_that_expires_soon_is_still_read(alice, alice_client):
    from datetime import timedelta

    from django.utils import timezone

    Session.objects.update(expire_date=timezone.now() + timedelta(seconds=30))
    assert logged_in(alice_client)


def test_a_malformed_session_cookie_is_anonymous_not_an_error(anon_client, db):
    """A NUL byte in the cookie (which PostgreSQL refuses in a query) or other odd characters."""
    for key in ["abcdefgh\x00ijklmnop", "ABCDEFGH-ijklmnop", "é" * 32, "short"]:
        anon_client.cookies["sessionid"] = key
        with CaptureQueriesContext(connection) as context:
            response = anon_client.get("/")
        assert response.status_code == 200
        assert not [q for q in context.captured_queries if "prepsite_session" in q["sql"]]


def test_the_flags_read_with_the_session_are_its_users_own(alice, alice_client, bob, topic):
    from prepsite.sessions import read_session_and_user
    from progress.models import Note, Star, StudiedMark
    from progress.queries import flags_and_version
    from topics.models import Question

    first, second, third = Question.objects.filter(section__topic=topic).order_by("id")[:3]
    StudiedMark.objects.set_studied(alice, first, True)
    StudiedMark.objects.set_studied(alice, second, True)
    Star.objects.set_starred(alice, second, True)
    Note.objects.create(user=alice, question=third, body="mine")
    StudiedMark.objects.set_studied(bob, third, True)
    _, user, flags_and_token = read_session_and_user(Session.objects.get(user=alice).session_key)
    assert user == alice
    assert flags_and_token == flags_and_version(alice)
    flags, _ = flags_and_token
    assert (flags.studied, flags.starred, flags.noted) == ({first.id, second.id}, {second.id}, {third.id})


def test_a_page_for_a_session_that_fails_the_checks_shows_none_of_its_users_progress(alice, alice_client, topic):
    from progress.models import StudiedMark
    from topics.models import Question

    StudiedMark.objects.set_studied(alice, Question.objects.get(slug="ml-breadth-q1-1"), True)
    assert "<strong>1</strong> / 6 studied" in alice_client.get("/topics/ml-breadth/").content.decode()
    alice.set_password("changed elsewhere, somewhere else 42")
    alice.save()
    page = alice_client.get("/topics/ml-breadth/").content.decode()
    assert "Log in" in page and "<strong>1</strong>" not in page and "is-studied" not in page


def test_a_visitors_session_gives_the_content_version_and_no_ones_flags(anon_client, alice, topic):
    from progress.models import StudiedMark
    from topics.models import Question

    question = Question.objects.get(slug="ml-breadth-q1-1")
    StudiedMark.objects.set_studied(alice, question, True)
    # A visitor's tick is remembered in their session for after they log in.
    anon_client.post_form(f"/questions/{question.slug}/studied/", {"studied": "1"})
    assert anon_client.session.get("pending_tick")
    anon_client.get("/topics/ml-breadth/")
    with CaptureQueriesContext(connection) as context:
        page = anon_client.get("/topics/ml-breadth/").content.decode()
    assert [q["sql"] for q in context.captured_queries if "prepsite_session" in q["sql"]]
    assert len(context.captured_queries) == 1
    assert "Log in" in page and "is-studied" not in page
    # The version read with the session is the current one: an edit shows at once.
    question.title = "A title edited after the visitor's last page"
    question.save()
    assert (
        "A title edited after the visitor&#x27;s last page" in anon_client.get("/topics/ml-breadth/").content.decode()
    )
