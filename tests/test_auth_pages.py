"""The account pages speak our words and show each error at the field it is about."""

import re

import html5lib
import pytest
from django.contrib.auth.models import User
from django.core import mail

from tests.conftest import PASSWORD, CsrfClient

# Django's own wording, which none of our pages should show (both apostrophes Django has used).
DJANGO_DEFAULTS = [
    "too similar to your other personal information",
    "must contain at least 8 characters",
    "a commonly used password",
    "can’t be entirely numeric",
    "can't be entirely numeric",
    "Enter the same password as before, for verification",
    "Required. 150 characters or fewer",
    "Password confirmation",
    "This field is required",
    "Please enter a correct",
    "fields didn’t match",
    "fields didn't match",
    "This password is too short",
    "This password is too common",
    "This password is entirely numeric",
    "The password is too similar",
    "A user with that username already exists",
    "Your old password was entered incorrectly",
    "Enter a valid email address",
    "Old password",
]


def parse(response):
    return html5lib.parse(response.content.decode(), namespaceHTMLElements=False)


def by_id(tree, element_id: str):
    return next((element for element in tree.iter() if element.get("id") == element_id), None)


def text(element) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def field_block(tree, name: str):
    """The block of one field: its label, help, control and error."""
    block = by_id(tree, f"field-{name}")
    assert block is not None, f"no block for {name}"
    return block


def assert_no_django_defaults(response) -> None:
    page = response.content.decode()
    found = [phrase for phrase in DJANGO_DEFAULTS if phrase in page]
    assert found == [], found


def sign_up(client: CsrfClient, **fields):
    data = {"username": "carol", "email": "carol@example.org", "password1": PASSWORD, "password2": PASSWORD}
    return client.post_form("/accounts/signup/", {**data, **fields})


# Errors at their own field.


def test_a_rejected_password_shows_under_the_first_password_field(anon_client):
    response = sign_up(anon_client, password1="12345678", password2="12345678")
    assert response.status_code == 400
    tree = parse(response)
    first, second = field_block(tree, "password1"), field_block(tree, "password2")
    assert "Digits alone are quick to guess" in text(first)
    assert "Many people use this one" in text(first)
    assert "Digits alone" not in text(second) and "Many people" not in text(second)
    assert "has-error" in first.get("class") and "has-error" not in second.get("class")
    assert not User.objects.filter(username="carol").exists()


def test_the_first_password_field_names_its_help_and_error_and_is_marked_invalid(anon_client):
    tree = parse(sign_up(anon_client, password1="short", password2="short"))
    control = by_id(tree, "id_password1")
    assert control.get("aria-invalid") == "true"
    described = control.get("aria-describedby").split()
    assert described == ["id_password1_helptext", "id_password1_error"]
    block = field_block(tree, "password1")
    assert by_id(block, "id_password1_helptext") is not None
    assert "Too short: use at least 8 characters." in text(by_id(block, "id_password1_error"))
    # The first field with an error takes the focus, not the username at the top.
    assert control.get("autofocus") is not None
    assert by_id(tree, "id_username").get("autofocus") is None


def test_two_different_passwords_are_reported_at_the_second(anon_client):
    tree = parse(sign_up(anon_client, password2="correct horse battery stapler"))
    assert "The two passwords differ" in text(field_block(tree, "password2"))
    assert "The two passwords differ" not in text(field_block(tree, "password1"))


def test_a_taken_username_and_a_missing_email_show_at_their_fields(anon_client, alice):
    response = sign_up(anon_client, username="Alice", email="")
    tree = parse(response)
    assert "That username is taken" in text(field_block(tree, "username"))
    assert "Enter your email address." in text(field_block(tree, "email"))
    assert by_id(tree, "id_username").get("aria-invalid") == "true"
    summary = tree.find(".//div[@class='form-errors']")
    assert summary.get("role") == "alert" and "fix what is marked below" in text(summary)
    assert_no_django_defaults(response)


def test_a_wrong_login_is_an_alert_at_the_top_of_the_form(anon_client, alice):
    response = anon_client.post_form("/accounts/login/", {"username": "alice", "password": "wrong"})
    tree = parse(response)
    form = tree.find(".//form[@class='stacked-form']")
    alert = form.find("div[@class='form-errors']")
    assert alert.get("role") == "alert"
    assert "That username and password do not match an account" in text(alert)
    assert list(form).index(alert) < list(form).index(field_block(tree, "username"))
    assert_no_django_defaults(response)


def test_a_weak_new_password_shows_under_the_first_new_password_field(alice_client, alice):
    response = alice_client.post_form(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "alice123", "new_password2": "alice123"},
    )
    tree = parse(response)
    assert "Too close to your username" in text(field_block(tree, "new_password1"))
    assert "Too close" not in text(field_block(tree, "new_password2"))
    assert_no_django_defaults(response)
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_a_wrong_current_password_shows_at_its_field(alice_client):
    response = alice_client.post_form(
        "/accounts/password_change/",
        {"old_password": "wrong", "new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )
    assert "That is not your current password" in text(field_block(parse(response), "old_password"))


def reset_link(client: CsrfClient, settings) -> str:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.post_form("/accounts/password_reset/", {"email": "alice@example.org"})
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[-1].body).group(1)
    return client.get(link, follow=True).redirect_chain[-1][0]


def test_a_reset_link_rejects_a_weak_password_under_the_first_field(alice, settings):
    client = CsrfClient()
    form_url = reset_link(client, settings)
    response = client.post_form(form_url, {"new_password1": "password", "new_password2": "password"})
    tree = parse(response)
    assert "Many people use this one" in text(field_block(tree, "new_password1"))
    assert "Many people" not in text(field_block(tree, "new_password2"))
    assert_no_django_defaults(response)


# Our words on every page.


@pytest.mark.parametrize(
    "path, words",
    [
        ("/accounts/login/", ["Log in", "Forgot your password?", "Create an account"]),
        ("/accounts/signup/", ["Create your account", "A few unrelated words in a row", "Password again"]),
        ("/accounts/password_reset/", ["Reset your password", "Email me a link", "The address you signed up with"]),
        ("/accounts/password_reset/done/", ["Check your email", "Look in the spam folder"]),
        ("/accounts/reset/done/", ["Your new password is set"]),
        ("/accounts/reset/MQ/not-a-token/", ["This link no longer works", "Send me a new link"]),
    ],
)
def test_the_visitor_pages_use_our_words(anon_client, path, words):
    response = anon_client.get(path, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    for phrase in words:
        assert phrase in page, phrase
    assert_no_django_defaults(response)


@pytest.mark.parametrize(
    "path, words",
    [
        ("/accounts/password_change/", ["Change your password", "Current password", "New password again"]),
        ("/accounts/password_change/done/", ["Password changed", "Back to your dashboard"]),
    ],
)
def test_the_member_pages_use_our_words(alice_client, path, words):
    response = alice_client.get(path)
    page = response.content.decode()
    for phrase in words:
        assert phrase in page, phrase
    assert_no_django_defaults(response)


def test_logging_out_says_so_in_our_words(alice_client, settings):
    settings.LOGOUT_REDIRECT_URL = None  # Django's own page, with our template
    response = alice_client.post_form("/accounts/logout/")
    assert "You are logged out" in response.content.decode()


def test_the_lockout_page_offers_a_reset(anon_client, alice):
    for _ in range(5):
        response = anon_client.post_form("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed attempts" in page and 'href="/accounts/password_reset/"' in page


# The forms still do their job.


def test_signing_up_logs_in_and_goes_back(anon_client):
    response = sign_up(anon_client, next="/questions/")
    assert response.status_code == 302 and response["Location"] == "/questions/"
    assert User.objects.get(username="carol").email == "carol@example.org"
    assert '<span class="who">carol</span>' in anon_client.get("/").content.decode()


def test_a_reset_then_a_login_with_the_new_password(alice, settings):
    client = CsrfClient()
    form_url = reset_link(client, settings)
    response = client.post_form(
        form_url, {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"}
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/reset/done/"
    response = CsrfClient().post_form(
        "/accounts/login/", {"username": "alice", "password": "a brand new passphrase", "next": "/review/"}
    )
    assert response.status_code == 302 and response["Location"] == "/review/"


def test_the_danger_buttons_are_marked_as_such(alice_client):
    page = alice_client.get("/account/delete/").content.decode()
    assert re.search(r'<button type="submit" class="button button-danger">Delete my account for good</button>', page)
    assert 'class="button button-secondary" href="/account/progress/">Cancel</a>' in page
