"""Rate limits per client and per address, and password checks that count as failed logins.

Hourly limits are counted by django-ratelimit in the default cache, a database table every
worker process shares (settings.CACHES), keyed by the client address of
`accounts.security.client_ip`, the same address django-axes locks logins out by. Each limit is a
setting read at every request, so a deployment (through the environment) or a test can change it.
A form past its limit is answered with its own page, an error on it and status 429.

Outside the login form, a page that asks for the password again (changing it, deleting the
account) shares the login's lockout: a wrong password there is a failed login for that user from
that client, and once the user is locked out there, those pages check no password at all.
"""

from collections.abc import Callable

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_login_failed
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.defaults import permission_denied
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit
from django_ratelimit.exceptions import Ratelimited

from accounts.security import client_ip

TRY_LATER = "Please try again in an hour."


def client_key(group: str, request: HttpRequest) -> str:
    """django-ratelimit's key for a request: the client's address, as the login lockout sees it."""
    return client_ip(request) or "unknown"


def per_hour(setting: str) -> Callable[[str, HttpRequest], str]:
    """A django-ratelimit rate of `settings.<setting>` uses per hour, read when a request is counted."""

    def rate(group: str, request: HttpRequest) -> str:
        return f"{getattr(settings, setting)}/h"

    return rate


def limit_per_client(group: str, setting: str) -> Callable:
    """Count every POST to the view against the client's hourly `setting`; the view sees
    `request.limited` set once the client is past it, and answers with `refused()`. Every POST
    counts, not only the ones that succeed: a form that answers differently for taken and free
    names (sign-up) must not be a free oracle either."""
    return ratelimit(group=group, key=client_key, rate=per_hour(setting), method="POST", block=False)


def over_limit(request: HttpRequest, group: str, setting: str, value: str) -> bool:
    """Count one use of `value` (e.g. an email address) against its hourly `setting`; True once
    past it. The cache key is a hash, so the value is not stored as such."""
    return is_ratelimited(
        request, group=group, key=lambda group, request: value, rate=per_hour(setting), increment=True
    )


def with_error(form: Form, message: str) -> Form:
    """An unbound `form` showing `message` as its error: a refused request's data is not
    validated, so no field error appears next to the reason."""
    if not form.is_bound:
        form.cleaned_data = {}  # add_error() expects it; only validating a bound form sets it
    form.add_error(None, message)
    return form


def refused(request: HttpRequest, template: str, form: Form, message: str, **context) -> HttpResponse:
    """The form's own page, with `message` as the form's error and status 429 (Too Many Requests)."""
    return render(request, template, {**context, "form": with_error(form, message)}, status=429)


def permission_denied_or_ratelimited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403: a view that lets django-ratelimit block (it raises `Ratelimited`, a
    PermissionDenied) gets our 429 page, not "Not allowed"; anything else Django's 403 page."""
    if isinstance(exception, Ratelimited):
        return render(request, "429.html", status=429)
    return permission_denied(request, exception)


def _credentials(user: AbstractBaseUser) -> dict:
    # The login form's credentials, so axes counts both under the same username.
    return {"username": user.get_username()}


def password_checks_locked(request: HttpRequest, user: AbstractBaseUser) -> bool:
    """True when django-axes has locked this user out for this client: no password is checked."""
    return not AxesProxyHandler.is_allowed(request, _credentials(user))


def lockout_response(request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    """The login's lockout page (status 429), for a page that asks for the password again."""
    return get_lockout_response(request, None, _credentials(user))


def check_password_like_login(request: HttpRequest, user: AbstractBaseUser, password: str) -> bool:
    """Check the password of a logged-in user; a wrong one is recorded as a failed login for this
    user from this client, as `authenticate()` would (django-axes listens to user_login_failed and,
    at the limit, marks the request so its middleware answers with the lockout page). A right
    one resets nothing: the failures stand until a real login or the cool-off."""
    if user.check_password(password):
        return True
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
    return False
