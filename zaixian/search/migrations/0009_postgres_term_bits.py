"""PostgreSQL too keeps the bitmaps of common terms (``backends.TERM_BITS_TABLE``): the exact
total of a query whose terms are all common is the population count of their AND, instead of
a GIN bitmap scan that rechecks tens of thousands of heap rows.

Created empty: an untracked term counts through the GIN index as before, so results are the
same; the nightly job (``search-common-terms``) or a rebuild of the index fills it."""

from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE TABLE zaixian_search_term_bits (term text PRIMARY KEY, bits bytea NOT NULL)",
]
POSTGRES_BACKWARD = ["DROP TABLE IF EXISTS zaixian_search_term_bits"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("zaixian_search", "0008_sqlite_term_bits")]

    operations = [migrations.RunPython(forward, backward)]
