"""Sessions are Django's own again (django.contrib.sessions.backends.db).

Until this change, the sessions lived in a table of their own (`prepsite_session`, made by the
migration `prepsite.0001_sessions`, which copied Django's sessions into it and left the old rows
behind). On a database that has that table, this drops it and empties Django's session table:
the rows left there are from before that copy, and reading them again would bring back sessions
logged out since. Everybody logs in once more. On a new database there is nothing to do.
"""

from django.db import migrations

OLD_TABLE = "prepsite_session"


def drop_old_sessions(apps, schema_editor) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    if OLD_TABLE not in tables:
        return
    apps.get_model("sessions", "Session").objects.using(connection.alias).all().delete()
    schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(OLD_TABLE)}")
    schema_editor.execute("DELETE FROM django_migrations WHERE app = %s", ["prepsite"])


class Migration(migrations.Migration):
    initial = True

    dependencies = [("sessions", "0001_initial")]

    operations = [migrations.RunPython(drop_old_sessions, migrations.RunPython.noop)]
