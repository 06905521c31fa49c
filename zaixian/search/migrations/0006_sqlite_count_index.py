"""SQLite only: a position-free FTS5 table (``detail=none``, contentless) holding the same
tokens as ``zaixian_search_fts``, used to count matches and to find the ranking window.

A doclist without positions is a fraction of the size of one with them, and government words
occur in 10–30 % of all documents, so the exact total (and the newest-window bound) read far
less. Ranking and phrases stay on the full table (see ``backends.SQLiteFTS5Backend``).

The table is filled from the token rows already in ``zaixian_search_fts`` rather than by
segmenting the stored documents again: a contentless table can only be deleted from by
repeating exactly the tokens inserted, and the backend repeats them from the full table, so
the two must hold identical tokens (a changed jieba dictionary would break that). It is also
one SQL statement instead of running jieba over every document."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE zaixian_search_fts_count USING fts5("
    "title, body, content = '', detail = none, "
    'tokenize = "unicode61 remove_diacritics 0")',
    "INSERT INTO zaixian_search_fts_count (rowid, title, body) "
    "SELECT rowid, title, body FROM zaixian_search_fts",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS zaixian_search_fts_count"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("zaixian_search", "0005_vector_table_without_foreign_key")]

    operations = [migrations.RunPython(forward, backward)]
