"""A record of each generated dataset in the database: what `generate_data` made, so a second run with the
same scale and seed does nothing and a different one is refused (two datasets would mix)."""

from __future__ import annotations

from django.db import models


class GeneratedDataset(models.Model):
    scale = models.CharField("Quy mô", max_length=20)
    seed = models.BigIntegerField("Hạt giống")
    mode = models.CharField("Cách ghi", max_length=10)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    counts = models.JSONField("Số dòng", default=dict)

    class Meta:
        verbose_name = "Bộ dữ liệu sinh"
        verbose_name_plural = "Bộ dữ liệu sinh"

    def __str__(self) -> str:
        return f"{self.scale} (seed {self.seed})"
