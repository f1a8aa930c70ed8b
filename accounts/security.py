"""The client address used for login throttling.

Behind a reverse proxy every request comes from the proxy, so throttling by REMOTE_ADDR would
lock everybody out together. The proxy's forwarded-for header is trusted only when the
deployment says so (TRUSTED_PROXY_IP_HEADER), because a client can send any header it likes.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    header = settings.TRUSTED_PROXY_IP_HEADER
    if header:
        forwarded = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        # Each trusted proxy appends the address it received the request from; the client is
        # the entry added by the outermost trusted proxy.
        if len(hops) >= settings.TRUSTED_PROXY_COUNT:
            return hops[-settings.TRUSTED_PROXY_COUNT]
    return request.META.get("REMOTE_ADDR")
