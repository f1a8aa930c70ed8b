"""Django's own sessions and authentication: who is logged in, and whose progress a page shows."""

from django.contrib.sessions.models import Session
from django.db import connection

from tests.conftest import PASSWORD, CsrfClient


def logged_in(client) -> bool:
    return "Log out" in client.get("/").content.decode()


def test_logging_in_and_out(anon_client, alice):
    response = anon_client.post_form("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert logged_in(anon_client)
    anon_client.post_form("/accounts/logout/")
    assert not logged_in(anon_client)


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


def test_deleting_an_account_logs_it_out(alice, alice_client, bob_client):
    alice.delete()
    assert not logged_in(alice_client)
    assert logged_in(bob_client)


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
        assert anon_client.get("/").status_code == 200


def test_a_page_for_a_session_that_fails_the_checks_shows_none_of_its_users_progress(alice, alice_client, topic):
    from progress.models import StudiedMark
    from topics.models import Question

    StudiedMark.objects.set_studied(alice, Question.objects.get(slug="ml-breadth-q1-1"), True)
    assert "<strong>1</strong> / 6 studied" in alice_client.get("/topics/ml-breadth/").content.decode()
    alice.set_password("changed elsewhere, somewhere else 42")
    alice.save()
    page = alice_client.get("/topics/ml-breadth/").content.decode()
    assert "Log in" in page and "<strong>1</strong>" not in page and "is-studied" not in page


def test_a_visitors_session_shows_no_ones_flags_and_the_current_content(anon_client, alice, topic):
    from progress.models import StudiedMark
    from topics.models import Question

    question = Question.objects.get(slug="ml-breadth-q1-1")
    StudiedMark.objects.set_studied(alice, question, True)
    # A visitor's tick is remembered in their session for after they log in.
    anon_client.post_form(f"/questions/{question.slug}/studied/", {"studied": "1"})
    assert anon_client.session.get("pending_tick")
    page = anon_client.get("/topics/ml-breadth/").content.decode()
    assert "Log in" in page and "is-studied" not in page
    question.title = "A title edited after the visitor's last page"
    question.save()
    assert (
        "A title edited after the visitor&#x27;s last page" in anon_client.get("/topics/ml-breadth/").content.decode()
    )


def test_the_old_session_table_is_dropped_and_everybody_logs_in_again(alice, alice_client):
    """On a database that had the earlier session table (prepsite.0001_sessions), the migration
    drops it and the sessions left in Django's table, which may have been logged out since."""
    from types import SimpleNamespace

    from django.apps import apps

    drop = __import__("core.migrations.0001_drop_prepsite_session", fromlist=["x"]).drop_old_sessions

    def execute(sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    # The schema editor as the migration uses it (SQLite's cannot open inside a test's transaction).
    editor = SimpleNamespace(connection=connection, execute=execute, quote_name=connection.ops.quote_name)
    drop(apps, editor)  # no old table: nothing happens
    assert logged_in(alice_client)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE prepsite_session (session_key varchar(40) PRIMARY KEY)")
    drop(apps, editor)
    assert "prepsite_session" not in connection.introspection.table_names()
    assert not Session.objects.exists()
    assert not logged_in(alice_client)
