"""The PostgreSQL vector table keeps no foreign key to the documents table.

It is not a Django model, so Django's flush (``TRUNCATE`` of the model tables, as test runs
and ``manage.py flush`` do) cannot include it and fails on the foreign key. Deletion is kept in
step by ``actions.remove_document``, a ``post_delete`` handler for documents removed by a
cascade, and a ``post_migrate`` sweep of rows whose document is gone (``actions.remove_orphan_index_rows``)."""

from django.db import migrations

CONSTRAINT = "zaixian_search_vector_document_id_fkey"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE zaixian_search_vector DROP CONSTRAINT IF EXISTS {CONSTRAINT}"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DELETE FROM zaixian_search_vector v WHERE NOT EXISTS "
            "(SELECT 1 FROM zaixian_search_searchdocument d WHERE d.id = v.document_id)"
        )
        schema_editor.execute(
            f"ALTER TABLE zaixian_search_vector ADD CONSTRAINT {CONSTRAINT} FOREIGN KEY "
            "(document_id) REFERENCES zaixian_search_searchdocument (id) "
            "ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED"
        )


class Migration(migrations.Migration):
    dependencies = [("zaixian_search", "0004_title_index")]

    operations = [migrations.RunPython(forward, backward)]
