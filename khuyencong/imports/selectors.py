"""Reads of the import pipeline: batches in the user's scope, their issues, the file's first rows."""

from __future__ import annotations

from itertools import islice

from django.db.models import QuerySet

from khuyencong.accounts.access import scope_queryset
from khuyencong.accounts.roles import can
from khuyencong.imports.models import ImportBatch, ImportIssue, IssueSeverity, SavedMapping
from khuyencong.imports.normalise import clean_text
from khuyencong.imports.pipeline import data_rows
from khuyencong.imports.readers import open_table


def batches_for(user) -> QuerySet[ImportBatch]:
    if not can(user, "import.run"):
        return ImportBatch.objects.none()
    batches = ImportBatch.objects.select_related("province", "created_by").order_by("-created_at", "-pk")
    return scope_queryset(user, batches, province="province_id", establishment=None)


def issues_of(batch: ImportBatch, *, severity: str | None = None) -> QuerySet[ImportIssue]:
    issues = batch.issues.order_by("row", "pk")
    return issues.filter(severity=severity) if severity in IssueSeverity.values else issues


def saved_mappings_of(user, kind: str) -> QuerySet[SavedMapping]:
    return SavedMapping.objects.filter(owner=user, kind=kind).order_by("name")


def sample_rows(batch: ImportBatch, rows: int = 3) -> list[list[str]]:
    """The first data rows under the header (as the pipeline reads them), as text, for the mapping page."""
    return [
        [clean_text(cell, batch.legacy_columns.get(str(index))) for index, cell in enumerate(cells)]
        for _, cells in islice(data_rows(batch), rows)
    ]


def sheet_names(batch: ImportBatch) -> list[str]:
    with open_table(batch.file.path, batch.file_format, batch.text_encoding) as reader:
        return reader.sheet_names()
