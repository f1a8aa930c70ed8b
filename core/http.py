from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The page the user came from, if it is on this site; otherwise `fallback`."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path on this site: redirect() would read anything else as a view name or a host.
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback
