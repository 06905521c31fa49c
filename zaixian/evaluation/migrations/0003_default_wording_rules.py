"""The shipped wording rules (data/wording_rules.csv) in the table offices maintain, so a new
installation checks wording from its first run. Rows an office already has are kept."""

import csv
from pathlib import Path

from django.db import migrations

CSV_PATH = Path(__file__).resolve().parent.parent / "data" / "wording_rules.csv"
KINDS = {"leader", "institution", "division", "typo", "forbidden"}


def load_rules(apps, schema_editor):
    WordingRule = apps.get_model("evaluation", "WordingRule")
    existing = set(WordingRule.objects.values_list("wrong", flat=True))
    lines = [line for line in CSV_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = csv.DictReader(line for line in lines if not line.startswith("#"))
    new = {}
    for row in rows:
        kind, wrong = row["kind"].strip(), row["wrong"].strip()
        if kind not in KINDS or not wrong or wrong in existing or wrong in new:
            continue
        new[wrong] = WordingRule(
            kind=kind,
            wrong=wrong,
            correct=(row.get("correct") or "").strip(),
            is_serious=(row.get("is_serious") or "").strip().lower() in {"1", "true", "yes"},
            note=(row.get("note") or "").strip()[:200],
        )
    WordingRule.objects.bulk_create(new.values())


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0002_yearlyreportfacts")]

    operations = [migrations.RunPython(load_rules, migrations.RunPython.noop)]
