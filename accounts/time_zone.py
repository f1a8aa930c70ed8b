"""The visitor's time zone: where "today" begins for the review queue, the activity calendar,
a path's days left and every date shown.

The zone is kept in a cookie, per browser: the device's own clock is what "today" means to the
person using it. static/js/app.js writes the browser's zone there; a visitor can also choose one
on /account/time-zone/ (that works without JavaScript), and a chosen zone is not overwritten by
the detected one. A cookie naming no known zone is ignored: the site then uses UTC.
"""

import re
import zoneinfo
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

COOKIE = "tz"
CHOSEN_COOKIE = "tz_chosen"  # set when the visitor picked the zone; the browser's then stays out
COOKIE_MAX_AGE = 365 * 24 * 60 * 60
DEFAULT = "UTC"

# The regions of the IANA database, as browsers name a zone; Etc/ and the old aliases (US/...,
# Japan, EST5EDT) are still accepted from the cookie but not offered in the list.
_OFFERED = re.compile(
    r"(Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific)/[A-Za-z0-9_+/-]+"
)


@lru_cache(maxsize=1)
def known_zones() -> frozenset[str]:
    """Every zone name this Python can load ("localtime" and "Factory" are not places)."""
    return frozenset(zoneinfo.available_timezones() - {"localtime", "Factory"})


@lru_cache(maxsize=1)
def offered_zones() -> tuple[str, ...]:
    return (DEFAULT, *sorted(name for name in known_zones() if _OFFERED.fullmatch(name)))


def requested_zone(request: HttpRequest) -> str | None:
    """The zone the visitor's cookie names, if it is a known one."""
    name = request.COOKIES.get(COOKIE, "")
    return name if name in known_zones() else None


def zone_was_chosen(request: HttpRequest) -> bool:
    return request.COOKIES.get(CHOSEN_COOKIE) == "1" and requested_zone(request) is not None


def remember_zone(response: HttpResponse, name: str | None) -> None:
    """Keep the visitor's chosen zone (`name`), or go back to the browser's (None)."""
    if name is None:
        response.delete_cookie(COOKIE, samesite="Lax")
        response.delete_cookie(CHOSEN_COOKIE, samesite="Lax")
        return
    # Not HttpOnly: the script that writes the detected zone reads whether one was chosen.
    for key, value in ((COOKIE, name), (CHOSEN_COOKIE, "1")):
        response.set_cookie(key, value, max_age=COOKIE_MAX_AGE, secure=settings.SESSION_COOKIE_SECURE, samesite="Lax")
