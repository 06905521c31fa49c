"""SQLite only: the bitmaps of common terms (``backends.SQLITE_TERM_BITS_TABLE``), from which
the total of a query whose terms are all common is counted without walking their doclists.

Created empty: an untracked term counts through FTS5 as before, so results are the same; the
nightly job (``search-common-terms``) or a rebuild of the index fills it."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE TABLE zaixian_search_term_bits (term TEXT PRIMARY KEY, bits BLOB NOT NULL) "
    "WITHOUT ROWID",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS zaixian_search_term_bits"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("zaixian_search", "0007_lead_index")]

    operations = [migrations.RunPython(forward, backward)]
