"""Indexes no query used, which every insert paid for (an import writes 50,000 rows):
- `name_sort`'s (and, on PostgreSQL, its `varchar_pattern_ops` twin, on keys of hundreds of characters): on
  SQLite the list-order index (name_sort, id, status) of 0007 starts with the column, PostgreSQL sorts by the
  ICU-collated name (≈ 0.4 s per 10,000 imported rows on SQLite);
- the yearly figures' `establishment_id`: the unique constraint (establishment, year) starts with it.
Dropped by name as the database reports them, without rebuilding the tables.
"""

import django.db.models.deletion
from django.db import migrations, models

from khuyencong.core.migration_indexes import drop_single_column_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_drop_redundant_fk_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                drop_single_column_indexes(
                    "registry", [("Establishment", "name_sort"), ("YearlyFigures", "establishment")]
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="establishment",
                    name="name_sort",
                    field=models.CharField(default="", editable=False, max_length=1600),
                ),
                migrations.AlterField(
                    model_name="yearlyfigures",
                    name="establishment",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="figures",
                        to="registry.establishment",
                    ),
                ),
            ],
        ),
    ]
