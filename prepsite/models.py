from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class Session(AbstractBaseSession):
    """A session that also names its user in a column, so that one query reads both the session
    and the logged-in user (see prepsite.sessions and prepsite.auth)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,  # deleting an account ends its sessions
        db_constraint=False,  # a session saved as its user is deleted must not fail the request
        related_name="+",
    )

    @classmethod
    def get_session_store_class(cls):
        from prepsite.sessions import SessionStore

        return SessionStore
