"""One Django group per role declared in accounts/roles.py (the group name is the role code)."""

from django.db import migrations

ROLE_CODES = [
    "system_admin",
    "central_officer",
    "central_leader",
    "province_officer",
    "province_leader",
    "centre_officer",
    "commune_collaborator",
    "establishment_rep",
    "auditor",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for code in ROLE_CODES:
        Group.objects.get_or_create(name=code)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
