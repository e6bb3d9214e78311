"""The establishment's `name_folded` is read only with `contains` (the project's establishment picker), which no
b-tree serves; its index (and on PostgreSQL its `varchar_pattern_ops` twin) only cost every insert: ≈ 1 s of
PostgreSQL's time per 50,000 imported rows (measured on the national bench data, docs/benchmarks.md B4)."""

from django.db import migrations, models

from khuyencong.core.migration_indexes import drop_single_column_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0009_drop_unused_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[drop_single_column_indexes("registry", [("Establishment", "name_folded")])],
            state_operations=[
                migrations.AlterField(
                    model_name="establishment",
                    name="name_folded",
                    field=models.CharField(editable=False, max_length=255),
                ),
            ],
        ),
    ]
