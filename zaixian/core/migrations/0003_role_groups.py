"""Create the role groups on a fresh install. Permissions are created after migrations
normally, so they are created here first; apps migrated later (the portal's settings) are
topped up by the post_migrate handler that runs ``ensure_role_groups`` again."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_role_groups(apps, schema_editor):
    from zaixian.core.actions import _sync_role_groups

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    _sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_user_audit_log_permission"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
    ]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
