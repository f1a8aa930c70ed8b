"""Middleware of our own: the health check's host, the Permissions-Policy header, pages that
must not be stored, the visitor's time zone, and the Content-Security-Policy header."""

import functools
import zoneinfo

import csp.middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, has_vary_header

from prepsite.time_zone import requested_zone

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


class TimeZoneMiddleware:
    """Dates follow the visitor's time zone (prepsite.time_zone): "today" in the review queue,
    the day a tick counts for, every date shown. Without a known zone in the cookie, UTC."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        name = requested_zone(request)
        if name is None:
            return self.get_response(request)
        timezone.activate(zoneinfo.ZoneInfo(name))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


@functools.cache
def _site_policies() -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    """(header, policy, exemption attribute, excluded path prefixes) for the enforced and the
    report-only policy in the settings, each built once by django-csp's own build_policy."""
    policies = []
    for header, setting, exempt, report_only in (
        (HEADER, "CONTENT_SECURITY_POLICY", "_csp_exempt", False),
        (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", "_csp_exempt_ro", True),
    ):
        policy = build_policy(report_only=report_only)
        if policy:
            prefixes = tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())
            policies.append((header, policy, exempt, prefixes))
    return tuple(policies)


@receiver(setting_changed)
def _forget_site_policies(*, setting: str, **kwargs) -> None:
    if setting in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"):
        _site_policies.cache_clear()


_PER_RESPONSE_POLICY = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's middleware, with the settings' policy built once per process.

    django-csp builds both headers from the settings on every response: about a fifth of the
    time Django spends on a /healthz request. A response whose policy no view changed (no csp_update,
    csp_replace or csp decorator) and that used no nonce gets the same headers from the policies
    built once; any other response goes through django-csp unchanged."""

    def process_response(self, request: HttpRequest, response):
        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(getattr(response, name, None) is not None for name in _PER_RESPONSE_POLICY)
            or (settings.DEBUG and response.status_code in (404, 500))
        ):
            return super().process_response(request, response)
        for header, policy, exempt, prefixes in _site_policies():
            if header not in response and not getattr(response, exempt, False):
                if not (prefixes and request.path_info.startswith(prefixes)):
                    response[header] = policy
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = csp.middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response
