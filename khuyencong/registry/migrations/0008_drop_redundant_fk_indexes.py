"""The single-column indexes Django gave these foreign keys duplicate the first column of a composite index
(registry_est_province_idx, _commune_idx, _industry_idx) or a named one (registry_est_batch_idx): every
insert paid for both. Dropped by name as the database reports it, without rebuilding the table (SQLite would
copy 300,000 rows for AlterField).
"""

import django.db.models.deletion
from django.db import migrations, models

from khuyencong.core.migration_indexes import drop_single_column_indexes


FIELDS = [("Establishment", name) for name in ("province", "commune", "main_industry", "import_batch")]
KEPT = frozenset({"registry_est_batch_idx"})  # the named index of Meta.indexes on import_batch


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0005_unit_name_level_index"),
        ("imports", "0001_initial"),
        ("registry", "0007_establishment_list_order_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[drop_single_column_indexes("registry", FIELDS, kept=KEPT)],
            state_operations=[
                migrations.AlterField(
                    model_name="establishment",
                    name="commune",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="geo.unit",
                        verbose_name="Xã/phường",
                    ),
                ),
                migrations.AlterField(
                    model_name="establishment",
                    name="import_batch",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="imports.importbatch",
                    ),
                ),
                migrations.AlterField(
                    model_name="establishment",
                    name="main_industry",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        limit_choices_to={"level": 2},
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="geo.industrycode",
                        verbose_name="Ngành chính (VSIC cấp 2)",
                    ),
                ),
                migrations.AlterField(
                    model_name="establishment",
                    name="province",
                    field=models.ForeignKey(
                        db_index=False,
                        limit_choices_to={"level": "province"},
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="geo.unit",
                        verbose_name="Tỉnh/thành phố",
                    ),
                ),
            ],
        ),
    ]
