"""The logged-in user from the session's own query (see prepsite.sessions).

`AuthenticationMiddleware` is Django's, except that while it resolves the user it lets
`SessionModelBackend` see the request's session: when the session row already brought the user
named in the session, the backend returns that user instead of querying again. Everything else
(the active check, the session hash that logs out other sessions after a password change) is
Django's own code path.
"""

from contextvars import ContextVar

from django.contrib import auth
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.utils.functional import SimpleLazyObject

_session: ContextVar = ContextVar("session_being_authenticated", default=None)


class SessionModelBackend(ModelBackend):
    def get_user(self, user_id):
        user = getattr(_session.get(), "loaded_user", None)
        if user is not None and str(user.pk) == str(user_id):
            return user if self.user_can_authenticate(user) else None
        return super().get_user(user_id)


def get_user(request):
    if not hasattr(request, "_cached_user"):
        token = _session.set(request.session)
        try:
            request._cached_user = auth.get_user(request)
        finally:
            _session.reset(token)
    return request._cached_user


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))
