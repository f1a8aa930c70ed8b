"""Database sessions that read the logged-in user in the same query (SESSION_ENGINE).

Django's database sessions cost two queries on every logged-in request: the session, then its
user. Here the session row names its user in a column, and loading the session joins the user;
prepsite.auth hands that user to Django's usual checks (active account, session hash), so the
rules are unchanged and only a query is saved. The same query reads that user's flags and the
content version (progress.queries.flags_columns), which nearly every page shows: a page that
only reads needs no other query. They are used only once the user is authenticated
(topics.catalog.snapshot), so a session that fails the checks shows nothing of them.

The query is on every logged-in request, so its SQL is written once per database from the two
models' fields rather than compiled by the ORM each time (building that queryset cost three
times as much as running it); prepsite.rows turns its values into the ORM's instances.
"""

import functools
from dataclasses import dataclass

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.db import connections, router
from django.utils import timezone

from prepsite.rows import Columns, columns


@dataclass(frozen=True)
class _SessionQuery:
    sql: str
    session_columns: Columns  # the session's, but its user column
    user_columns: Columns
    user_pk_position: int  # in the row


@functools.cache
def _session_query(alias: str, vendor: str) -> _SessionQuery:
    """The query that reads a live session and the user it names, for one database. `vendor` is
    in the key because the SQL and the converters depend on it."""
    from prepsite.models import Session
    from progress.queries import flags_columns

    quote = connections[alias].ops.quote_name
    User = get_user_model()
    user_column = Session._meta.get_field("user").column
    session_columns = columns(Session, alias, vendor, exclude=(user_column,))
    user_columns = columns(User, alias, vendor)
    selected = session_columns.select("s") + user_columns.select("u") + flags_columns(f"s.{quote(user_column)}", vendor)
    sql = (
        f"SELECT {', '.join(selected)} FROM {quote(Session._meta.db_table)} s "
        f"LEFT JOIN {quote(User._meta.db_table)} u ON u.{quote(User._meta.pk.column)} = s.{quote(user_column)} "
        f"WHERE s.{quote(Session._meta.pk.column)} = %s "
        f"AND s.{quote(Session._meta.get_field('expire_date').column)} > %s"
    )
    return _SessionQuery(
        sql=sql,
        session_columns=session_columns,
        user_columns=user_columns,
        user_pk_position=len(session_columns.names) + user_columns.attnames.index(User._meta.pk.attname),
    )


def read_session_and_user(session_key: str):
    """(session, user, (flags, version token)) for a live session, its user None when it names
    none; None when there is no such live session."""
    from prepsite.models import Session
    from progress.queries import flags_from_columns

    alias = router.db_for_read(Session)
    connection = connections[alias]
    query = _session_query(alias, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(query.sql, [session_key, connection.ops.adapt_datetimefield_value(timezone.now())])
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(query.session_columns.names)
    flags_at = split + len(query.user_columns.names)
    session = query.session_columns.instance(alias, row[:split])
    user = None
    if row[query.user_pk_position] is not None:
        user = query.user_columns.instance(alias, row[split:flags_at])
    session.user_id = user.pk if user else None
    return session, user, flags_from_columns(row[flags_at:])


class SessionStore(DBStore):
    loaded_user = None  # the user the session row names, read with it
    loaded_flags = None  # (flags, version token) of loaded_user, read with it

    @classmethod
    def get_model_class(cls):
        from prepsite.models import Session

        return Session

    def _validate_session_key(self, key):
        """Keys are made of lowercase letters and digits; a cookie with anything else (a NUL
        byte, which PostgreSQL refuses in a query) names no session and is not looked up."""
        return super()._validate_session_key(key) and key.isascii() and key.isalnum()

    def _get_session_from_db(self):
        found = read_session_and_user(self.session_key) if self.session_key else None
        if found is None:
            self.loaded_user = self.loaded_flags = None
            self._session_key = None
            return None
        session, self.loaded_user, self.loaded_flags = found
        return session

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        try:
            instance.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            instance.user_id = None
        return instance
