"""Middleware of our own: the health check's host, the Permissions-Policy header, pages that must
not be stored, and session cookies that cannot name a session."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.cache import add_never_cache_headers, has_vary_header

HEALTH_CHECK_PATH = "/healthz"


class HealthCheckHostMiddleware:
    """Let the health check answer whatever Host header it arrives with.

    Container engines and load balancers probe `/healthz` by address (`127.0.0.1:8000`, the
    container's IP), not by the site's name, so under production's ALLOWED_HOSTS Django would
    answer them 400 and the container would never be healthy. The health check builds no URL
    from the host and shows nothing, so for that one path the host is taken as sent; every other
    path is checked as usual. Placed first, so the rest of the stack runs as for any other request.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.path_info == HEALTH_CHECK_PATH:
            request.get_host = lambda: request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", "")
        return self.get_response(request)


# Browser features the site never uses, denied to it and to anything it might embed, so an
# injected script cannot ask for them. browsing-topics replaces the retired interest-cohort
# (FLoC), which browsers now report as an unknown feature.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class PermissionsPolicyMiddleware:
    """Send PERMISSIONS_POLICY with every response, error pages and redirects included (placed
    near the top), unless a view set its own."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class PerUserPagesNotStoredMiddleware:
    """A page that read the session (it varies on the cookie: the user's own progress, a form
    with their CSRF token) is not kept by the browser or any cache on the way. Otherwise Back
    shows counters from before the last tick, and after logging out, the last user's pages.
    Placed before the session middleware, so it sees the Vary header that one adds."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        if has_vary_header(response, "Cookie") and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class MalformedSessionCookieMiddleware:
    """A session cookie that cannot be a session key is dropped before the session is looked up.

    Django's keys are lowercase letters and digits. A cookie with anything else names no session,
    and one with a NUL byte (which PostgreSQL refuses in a query) would make the lookup fail with
    a server error instead of the visitor being anonymous. Placed before the session middleware.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if key is not None and not (key.isascii() and key.isalnum()):
            del request.COOKIES[settings.SESSION_COOKIE_NAME]
        return self.get_response(request)
