import zoneinfo

from django.http import HttpRequest
from django.utils import timezone

from accounts.time_zone import requested_zone


class TimeZoneMiddleware:
    """Dates follow the visitor's time zone (accounts.time_zone): "today" in the review queue,
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
