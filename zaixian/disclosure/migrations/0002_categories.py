"""The categories of proactive disclosure, from Articles 20 and 21 of the Regulations on Open
Government Information (2019), plus policy interpretations. The codes are part of every index
number: never renumber, only add."""

from django.db import migrations

# The list lives in rules (so a flushed test database can be refilled by
# actions.ensure_disclosure_categories); codes are only ever added, never changed.
from zaixian.disclosure.rules import DISCLOSURE_CATEGORIES as CATEGORIES


def add_categories(apps, schema_editor):
    DisclosureCategory = apps.get_model("disclosure", "DisclosureCategory")
    for order, (code, name, article, is_interpretation) in enumerate(CATEGORIES):
        DisclosureCategory.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "article": article,
                "sort_order": (order + 1) * 10,
                "is_policy_interpretation": is_interpretation,
            },
        )


def remove_categories(apps, schema_editor):
    DisclosureCategory = apps.get_model("disclosure", "DisclosureCategory")
    DisclosureCategory.objects.filter(code__in=[row[0] for row in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0001_initial")]

    operations = [migrations.RunPython(add_categories, remove_categories)]
