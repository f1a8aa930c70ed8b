from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    """The rate limits' counters live in the database cache (settings.CACHES); create its table
    with the database, test databases included. `manage.py createcachetable` (run by `make
    migrate` and bin/start) does the same and also covers a table renamed later in the settings."""
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_drop_prepsite_session")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
