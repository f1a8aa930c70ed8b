"""Rate limits (accounts.throttle) and login hardening: pages that ask for the password share the
login's lockout, password-reset mails, sign-ups and import previews are limited per hour, an
over-long username is an ordinary failed login, and every response carries a Permissions-Policy."""

import json
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django_ratelimit.exceptions import Ratelimited

from accounts.throttle import permission_denied_or_ratelimited
from progress.models import PendingImport
from progress.portability import export_progress
from tests.conftest import PASSWORD, CsrfClient

OTHER_IP = "10.0.0.2"  # the test client's own address is 127.0.0.1


@pytest.fixture(autouse=True)
def empty_cache(db):
    """Counters of another test (or of a server test that committed them) do not count here."""
    cache.clear()


def failures(username: str = "alice") -> int:
    return sum(AccessAttempt.objects.filter(username=username).values_list("failures_since_start", flat=True))


def change_password(client: CsrfClient, old_password: str):
    new = "another long passphrase"
    return client.post_form(
        "/accounts/password_change/", {"old_password": old_password, "new_password1": new, "new_password2": new}
    )


def log_in(password: str, ip: str = "127.0.0.1", username: str = "alice"):
    return CsrfClient().post_form("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


# Passwords asked for again share the login's lockout.


def test_wrong_passwords_on_password_change_lock_the_account_like_login(alice_client, alice):
    for _ in range(2):
        response = change_password(alice_client, "wrong")
    assert response.status_code == 200
    assert "That is not your current password" in response.content.decode()
    assert failures() == 2
    for _ in range(2):
        change_password(alice_client, "wrong")
    response = change_password(alice_client, "wrong")  # the fifth
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert failures() == 5
    response = change_password(alice_client, PASSWORD)  # not even checked
    assert response.status_code == 429 and "Too many failed attempts" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD) and failures() == 5
    assert log_in(PASSWORD).status_code == 429  # the login page, same user and client
    assert log_in(PASSWORD, ip=OTHER_IP).status_code == 302  # another client is not locked out


def test_wrong_passwords_on_account_deletion_lock_the_account_like_login(alice_client, alice):
    for _ in range(2):
        response = alice_client.post_form("/account/delete/", {"password": "wrong"})
    assert response.status_code == 400 and "That is not your password." in response.content.decode()
    assert failures() == 2
    for _ in range(3):
        response = alice_client.post_form("/account/delete/", {"password": "wrong"})
    assert response.status_code == 429 and "Too many failed attempts" in response.content.decode()
    response = alice_client.post_form("/account/delete/", {"password": PASSWORD})
    assert response.status_code == 429 and "Too many failed attempts" in response.content.decode()
    assert User.objects.filter(username="alice").exists() and failures() == 5
    assert log_in(PASSWORD).status_code == 429


def test_failed_logins_lock_password_change_and_account_deletion_for_that_client(alice_client, alice):
    for _ in range(5):
        log_in("wrong")
    assert failures() == 5
    response = change_password(alice_client, PASSWORD)
    assert response.status_code == 429 and "Too many failed attempts" in response.content.decode()
    response = alice_client.post_form("/account/delete/", {"password": PASSWORD})
    assert response.status_code == 429
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD) and User.objects.filter(username="alice").exists()
    other_client = CsrfClient(REMOTE_ADDR=OTHER_IP)
    other_client.force_login(alice)
    assert change_password(other_client, PASSWORD).status_code == 302  # another client is not locked out


def test_the_right_password_on_password_change_does_not_wipe_earlier_failures(alice_client, alice):
    for _ in range(4):
        change_password(alice_client, "wrong")
    assert change_password(alice_client, PASSWORD).status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("another long passphrase")
    assert failures() == 4
    assert log_in("wrong again").status_code == 429  # the fifth failure, wherever it is made


# Over-long usernames.


def test_a_username_longer_than_any_account_is_refused_like_a_wrong_password(alice):
    response = log_in(PASSWORD, username="a" * 300)
    assert response.status_code == 200
    assert "That username and password do not match an account" in response.content.decode()
    assert not AccessAttempt.objects.exists()  # nothing for django-axes to store in its 255 characters
    assert log_in(PASSWORD).status_code == 302


def test_the_admin_login_refuses_an_over_long_username_too(db):
    response = CsrfClient().post_form("/admin/login/", {"username": "a" * 300, "password": "x"})
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()


# Password-reset mails.


def main(response) -> str:
    """The page's own content, without the header, and without CSRF tokens (new on every page)."""
    page = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page[page.index("<main") : page.index("</main>")])


def ask_for_reset(email: str, ip: str = "127.0.0.1"):
    return CsrfClient().post_form("/accounts/password_reset/", {"email": email}, REMOTE_ADDR=ip, follow=True)


def test_password_reset_mails_stop_after_three_an_hour_without_the_page_saying_so(alice, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for _ in range(2):
        response = ask_for_reset("alice@example.org")
    assert response.status_code == 200 and "a link to reset its password is on its way" in response.content.decode()
    assert len(mail.outbox) == 2
    ask_for_reset("ALICE@example.org")  # the same address
    assert len(mail.outbox) == 3
    for ip in ("127.0.0.1", OTHER_IP):  # the fourth, from here or elsewhere
        response = ask_for_reset("alice@example.org", ip=ip)
        assert response.status_code == 200
        assert response.redirect_chain == [("/accounts/password_reset/done/", 302)]
        assert "a link to reset its password is on its way" in response.content.decode()
    assert len(mail.outbox) == 3
    unknown = ask_for_reset("nobody@example.org")  # the same answer for an address no account has
    assert unknown.redirect_chain == response.redirect_chain and main(unknown) == main(response)


def test_password_reset_requests_stop_after_ten_an_hour_from_one_client(alice, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for n in range(10):
        response = ask_for_reset(f"someone-{n}@example.org")
        assert response.status_code == 200, n
    assert len(mail.outbox) == 0
    response = ask_for_reset("alice@example.org")  # the eleventh
    assert response.status_code == 429
    page = response.content.decode()
    assert "Reset your password" in page and "Too many password-reset requests from your network" in page
    assert len(mail.outbox) == 0
    ask_for_reset("alice@example.org", ip=OTHER_IP)
    assert len(mail.outbox) == 1


# Sign-ups and import previews.


def sign_up(username: str, ip: str = "127.0.0.1"):
    data = {"username": username, "email": f"{username}@example.org", "password1": PASSWORD, "password2": PASSWORD}
    return CsrfClient().post_form("/accounts/signup/", data, REMOTE_ADDR=ip)


def test_sign_ups_stop_after_the_limit_with_a_429_on_the_sign_up_page(db, settings):
    assert settings.SIGNUPS_PER_HOUR_PER_CLIENT == 10
    settings.SIGNUPS_PER_HOUR_PER_CLIENT = 3  # each sign-up hashes a password: keep the test short
    for n in range(2):
        assert sign_up(f"user{n}").status_code == 302
    assert User.objects.count() == 2
    assert sign_up("user2").status_code == 302
    response = sign_up("user3")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Create your account" in page and "Too many sign-ups from your network" in page
    assert 'value="user3"' in page  # what they typed is kept
    assert not User.objects.filter(username="user3").exists()
    assert sign_up("user3", ip=OTHER_IP).status_code == 302


def preview(client: CsrfClient, data: dict, ip: str = "127.0.0.1"):
    upload = SimpleUploadedFile("export.json", json.dumps(data).encode())
    return client.post_form("/account/progress/import/", {"file": upload}, REMOTE_ADDR=ip)


def test_import_previews_stop_after_twenty_an_hour_from_one_client(alice_client, bob_client, alice, bob, topic):
    export = export_progress(alice)
    for _ in range(2):
        response = preview(alice_client, export)
    assert response.status_code == 200 and "Nothing to change" in response.content.decode()
    digest = PendingImport.objects.get(user=alice).digest
    for _ in range(18):
        assert preview(alice_client, export).status_code == 200
    response = preview(alice_client, {**export, "exported_at": "2020-01-01T00:00:00+00:00"})  # the twenty-first
    assert response.status_code == 429
    page = response.content.decode()
    assert "Your progress data" in page and "Too many imports checked from your network" in page
    assert PendingImport.objects.get(user=alice).digest == digest  # the file was not read
    assert preview(bob_client, export_progress(bob)).status_code == 429  # per client, whoever logs in
    assert preview(bob_client, export_progress(bob), ip=OTHER_IP).status_code == 200


# The 429 page, the cache and the Permissions-Policy header.


def test_a_view_that_lets_ratelimit_block_answers_a_429_page_not_a_403(db):
    request = RequestFactory().get("/")
    response = permission_denied_or_ratelimited(request, Ratelimited())
    assert response.status_code == 429 and b"Too many requests" in response.content
    response = permission_denied_or_ratelimited(request, PermissionDenied())
    assert response.status_code == 403 and b"Not allowed" in response.content


def test_the_counters_live_in_a_database_table_every_worker_shares(db):
    assert "prepsite_cache" in connection.introspection.table_names()
    call_command("check")  # django-ratelimit's checks about this cache are silenced, nothing else


def test_every_response_carries_a_permissions_policy(alice_client, anon_client, topic):
    responses = [
        anon_client.get("/"),
        anon_client.get("/healthz"),
        anon_client.get("/no/such/page/"),
        anon_client.get("/account/progress/"),  # a redirect to the login page
        alice_client.get("/topics/ml-breadth/"),
        alice_client.post("/questions/ml-breadth-q1-1/studied/", {"studied": "1"}),  # 403, no CSRF token
    ]
    assert [response.status_code for response in responses] == [200, 200, 404, 302, 200, 403]
    for response in responses:
        policy = response["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
            assert f"{feature}=()" in policy
