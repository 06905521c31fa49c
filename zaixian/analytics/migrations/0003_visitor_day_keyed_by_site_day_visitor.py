"""Visitor states keyed by (site, day, visitor) with no surrogate id and no database foreign
key: one index to maintain per row instead of two, and no deferred check per row (see
``VisitorDay``). Django cannot turn a single-column primary key into a composite one, so the
states are copied into a new table that then takes the old one's name."""

import django.db.models.deletion
from django.db import migrations, models

COLUMNS = "site_id, day, visitor, last_seen, visit_pages, exit_path"


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0002_site_indexes_in_the_unique_constraints"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.CreateModel(
            name="VisitorDayKeyed",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "site",
                        "day",
                        "visitor",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "site",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="wagtailcore.site",
                    ),
                ),
                ("day", models.DateField()),
                ("visitor", models.CharField(max_length=16)),
                ("last_seen", models.FloatField()),
                ("visit_pages", models.IntegerField()),
                ("exit_path", models.CharField(max_length=500)),
            ],
        ),
        migrations.RunSQL(
            f"INSERT INTO analytics_visitordaykeyed ({COLUMNS}) "
            f"SELECT {COLUMNS} FROM analytics_visitorday",
            reverse_sql=f"INSERT INTO analytics_visitorday ({COLUMNS}) "
            f"SELECT {COLUMNS} FROM analytics_visitordaykeyed",
        ),
        migrations.DeleteModel(name="VisitorDay"),
        migrations.RenameModel(old_name="VisitorDayKeyed", new_name="VisitorDay"),
    ]
