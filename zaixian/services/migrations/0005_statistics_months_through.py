import datetime

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0004_statistics_months"),
    ]

    operations = [
        # Months stored before this field counted an unknown span: an early date marks them
        # incomplete, so the nightly job counts them again.
        migrations.AddField(
            model_name="statisticsmonth",
            name="through",
            field=models.DateField(
                default=datetime.date(1970, 1, 1),
                help_text="The last day counted: the month's last day once over.",
                verbose_name="counted through",
            ),
            preserve_default=False,
        ),
    ]
