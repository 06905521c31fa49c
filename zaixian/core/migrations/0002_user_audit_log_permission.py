from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="user",
            options={
                "permissions": [("view_audit_log", "Can view and export the audit log")],
                "verbose_name": "user",
                "verbose_name_plural": "users",
            },
        ),
    ]
