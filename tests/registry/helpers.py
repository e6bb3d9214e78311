"""Small helpers for registry tests: today's units by name and establishments made through the service."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from khuyencong.geo.models import IndustryCode, Unit
from khuyencong.registry.models import LegalForm
from khuyencong.registry.services import establishment_create, figures_save


def commune(province_code: str, name: str) -> Unit:
    return Unit.objects.get(level="commune", valid_to__isnull=True, province__code=province_code, name=name)


def division(code: str) -> IndustryCode:
    return IndustryCode.objects.get(version="2018", level=2, code=code)


def make(name: str, *, where: Unit, legal_form: str = LegalForm.HOUSEHOLD, actor=None, **data):
    """An establishment in commune `where` (or a province), created by the system unless `actor` is given."""
    if where.level == "province":
        return establishment_create(actor=actor, data={"name": name, "legal_form": legal_form, **data}, province=where)
    return establishment_create(actor=actor, data={"name": name, "legal_form": legal_form, "commune": where, **data})


def with_figures(establishment, year: int, **figures):
    """Set (replace) the year's figures and return the refreshed establishment."""
    existing = establishment.figures.filter(year=year).first()
    figures_save(actor=None, establishment_id=establishment.pk, year=year, data=figures,
                 version=existing.version if existing else None)  # fmt: skip
    establishment.refresh_from_db()
    return establishment


def image_upload(name: str = "anh.jpg", image_format: str = "JPEG", size=(64, 48), exif: bytes | None = None):
    buffer = io.BytesIO()
    options = {"exif": exif} if exif else {}
    Image.new("RGB", size, "#2a7f62").save(buffer, format=image_format, **options)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")
