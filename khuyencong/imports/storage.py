"""Private files: uploaded import files and product photos live outside MEDIA_ROOT.

MEDIA_ROOT may be served directly (Django serves it under DEBUG, a proxy may in production), but these
files belong to one province's records: they are only ever sent by a view that checked access first.
The location is `settings.PRIVATE_MEDIA_ROOT`, by default `var/private/`, read on each use so tests can
point it at a temporary directory.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


def private_root() -> Path:
    return Path(getattr(settings, "PRIVATE_MEDIA_ROOT", None) or Path(settings.VAR_DIR) / "private")


@deconstructible(path="khuyencong.imports.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """A file system storage without a public URL, rooted at `private_root()` at the moment of use."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(private_root())

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL: serve them through a view that checks access.")


def private_storage() -> PrivateStorage:
    return PrivateStorage()
