"""Let the health check answer whatever Host header it arrives with.

Container engines and load balancers probe `/healthz` by address (`127.0.0.1:8000`, the
container's IP), not by the site's name, so under production's ALLOWED_HOSTS Django would answer
them 400 and the container would never be healthy. The health check builds no URL from the
host and shows nothing, so for that one path the host is taken as sent; every other path is
checked as usual. Placed first, so the rest of the stack runs as for any other request.
"""

from django.http import HttpRequest

HEALTH_CHECK_PATH = "/healthz"


class HealthCheckHostMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.path_info == HEALTH_CHECK_PATH:
            request.get_host = lambda: request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", "")
        return self.get_response(request)
