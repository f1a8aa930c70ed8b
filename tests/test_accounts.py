import re

from django.contrib.auth.models import User
from django.core import mail

from tests.conftest import PASSWORD, CsrfClient


def test_signup_creates_the_account_logs_in_and_returns_to_the_page(anon_client, db):
    response = anon_client.post_form(
        "/accounts/signup/",
        {
            "username": "carol",
            "email": "carol@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": "/topics/ml-breadth/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/topics/ml-breadth/"
    assert User.objects.filter(username="carol", email="carol@example.org").exists()
    assert "carol" in anon_client.get("/").content.decode()


def test_signup_with_bad_input_shows_the_errors(anon_client, db):
    response = anon_client.post_form(
        "/accounts/signup/", {"username": "carol", "email": "", "password1": "short", "password2": "other"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter your email address." in page
    assert not User.objects.filter(username="carol").exists()


def test_signup_refuses_an_offsite_next(anon_client, db):
    response = anon_client.post_form(
        "/accounts/signup/",
        {
            "username": "dan",
            "email": "d@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == "/"


def test_login_and_return_to_the_page(anon_client, alice):
    response = anon_client.post_form(
        "/accounts/login/", {"username": "alice", "password": PASSWORD, "next": "/topics/ml-breadth/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/topics/ml-breadth/"


def test_login_with_a_wrong_password_says_so(anon_client, alice):
    response = anon_client.post_form("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "That username and password do not match an account" in response.content.decode()


def test_logout_is_a_post(alice_client):
    assert alice_client.get("/accounts/logout/").status_code == 405
    response = alice_client.post_form("/accounts/logout/")
    assert response.status_code == 302
    assert "Log in" in alice_client.get("/").content.decode()


def test_password_change(alice_client, alice):
    response = alice_client.post_form(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("another long passphrase")


def test_password_reset_by_mail(alice, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client = CsrfClient()
    response = client.post_form("/accounts/password_reset/", {"email": "alice@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    response = client.post_form(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("a brand new passphrase")


def test_a_next_that_is_not_a_path_is_ignored(alice_client):
    # Found by the fuzzer: "0" used to be read as a view name by redirect().
    for value in ["0", "home", "//evil.example/", "javascript:alert(1)"]:
        response = alice_client.post_form("/accounts/signup/", {"next": value})
        assert response.status_code == 302 and response["Location"] == "/"
