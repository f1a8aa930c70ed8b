"""Database sessions that read the logged-in user in the same query (SESSION_ENGINE).

Django's database sessions cost two queries on every logged-in request: the session, then its
user. Here the session row names its user in a column, and loading the session joins the user;
prepsite.auth hands that user to Django's usual checks (active account, session hash), so the
rules are unchanged and only a query is saved.
"""

import logging

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone


class SessionStore(DBStore):
    loaded_user = None  # the user the session row names, read with it

    @classmethod
    def get_model_class(cls):
        from prepsite.models import Session

        return Session

    def _get_session_from_db(self):
        self.loaded_user = None
        try:
            session = self.model.objects.select_related("user").get(
                session_key=self.session_key, expire_date__gt=timezone.now()
            )
        except (self.model.DoesNotExist, SuspiciousOperation) as error:
            if isinstance(error, SuspiciousOperation):
                logging.getLogger(f"django.security.{error.__class__.__name__}").warning(str(error))
            self._session_key = None
            return None
        self.loaded_user = session.user
        return session

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        try:
            instance.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            instance.user_id = None
        return instance
