"""Official change files uploaded on the change page: kept as the archive of what was applied.

They live in a private folder outside MEDIA_ROOT (`settings.GEO_CHANGE_FILES_DIR`, by default
`var/private/geo-changes/`, read on each use so tests can point it at a temporary directory), one folder
per upload so the original file name is kept for the audit note. Nothing here decides anything: the
services plan and apply the file.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from khuyencong.core.errors import NotFound

_STORED_NAME = re.compile(r"^[0-9a-f]{32}/[^/\\]+$")
_UNSAFE = re.compile(r"[^\w.\- ]+")


def change_files_root() -> Path:
    return Path(getattr(settings, "GEO_CHANGE_FILES_DIR", None) or Path(settings.PRIVATE_MEDIA_ROOT) / "geo-changes")


def store_change_file(upload: UploadedFile) -> str:
    """Save the upload under a fresh folder; returns its stored name ("<hex>/<original name>")."""
    original = _UNSAFE.sub("_", Path(upload.name or "thay-doi.csv").name).strip(" .") or "thay-doi.csv"
    name = f"{uuid.uuid4().hex}/{original}"
    path = change_files_root() / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return name


def change_file_path(name: str) -> Path:
    """The stored file for a name made by `store_change_file`; anything else is refused."""
    if not _STORED_NAME.match(name or ""):
        raise NotFound("Không tìm thấy tệp thay đổi đã tải lên.")
    path = change_files_root() / name
    if not path.is_file():
        raise NotFound("Không tìm thấy tệp thay đổi đã tải lên.")
    return path
