"""Model instances from SQL written once, for the lookups on every page.

The ORM compiles a queryset's SQL each time it is evaluated, and for a one-row lookup by an
index that costs several times what running it does. For the few lookups that nearly every
request makes (the session with its user, a question's review card and note), the SQL is
written once per model and database, and the values go through the same converters the ORM
applies, so the instances are exactly the ORM's.
"""

import functools
from dataclasses import dataclass

from django.db import connections, router


@dataclass(frozen=True)
class Columns:
    """A model's concrete columns as one database returns them."""

    model: type
    names: list[str]  # quoted column names, in order
    attnames: list[str]
    converters: list[tuple]  # (position, column, converter functions)

    def select(self, table_alias: str) -> list[str]:
        return [f"{table_alias}.{name}" for name in self.names]

    def instance(self, alias: str, values):
        """The model instance for `values` (the columns' values, in order)."""
        if self.converters:
            values = list(values)
            connection = connections[alias]
            for position, column, found in self.converters:
                for converter in found:
                    values[position] = converter(values[position], column, connection)
        return self.model.from_db(alias, self.attnames, values)


@functools.cache
def columns(model: type, alias: str, vendor: str, exclude: tuple[str, ...] = ()) -> Columns:
    """`model`'s concrete columns but those named in `exclude`, for one database. `vendor` is in
    the key because the converters depend on it."""
    connection = connections[alias]
    fields = [field for field in model._meta.concrete_fields if field.column not in exclude]
    converters = []
    for position, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converters.append((position, column, found))
    return Columns(
        model=model,
        names=[connection.ops.quote_name(field.column) for field in fields],
        attnames=[field.attname for field in fields],
        converters=converters,
    )


@functools.cache
def _first_sql(model: type, keys: tuple[str, ...], alias: str, vendor: str) -> str:
    quote = connections[alias].ops.quote_name
    where = " AND ".join(f"t.{quote(model._meta.get_field(key).column)} = %s" for key in keys)
    return (
        f"SELECT {', '.join(columns(model, alias, vendor).select('t'))} FROM {quote(model._meta.db_table)} t "
        f"WHERE {where} ORDER BY t.{quote(model._meta.pk.column)} LIMIT 1"
    )


def first(model: type, **equal):
    """`model.objects.filter(**equal).first()` for equality on columns (attnames, such as
    `user_id`), without compiling a queryset: the instance, or None."""
    alias = router.db_for_read(model)
    connection = connections[alias]
    keys = tuple(equal)
    with connection.cursor() as cursor:
        cursor.execute(_first_sql(model, keys, alias, connection.vendor), [equal[key] for key in keys])
        row = cursor.fetchone()
    return None if row is None else columns(model, alias, connection.vendor).instance(alias, row)
