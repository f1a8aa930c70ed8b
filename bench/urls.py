"""The site's addresses plus the benchmark's reference pages (bench/settings.py)."""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

_EMPTY_PAGE = engines["django"].from_string('{% extends "base.html" %}{% block title %}Reference{% endblock %}')


def session_only(request: HttpRequest) -> HttpResponse:
    """Everything a logged-in request goes through (the middleware, the session and its user),
    then two bytes: the least any logged-in page costs."""
    return HttpResponse(b"ok" if request.user.is_authenticated else b"no", content_type="text/plain")


def empty_page(request: HttpRequest) -> HttpResponse:
    """The site's layout (header, CSRF token, messages) around no content: the least any
    logged-in HTML page costs."""
    return HttpResponse(_EMPTY_PAGE.render({}, request))


urlpatterns = [
    path("bench/session-only", session_only),
    path("bench/empty-page", empty_page),
    path("", include("prepsite.urls")),
]
