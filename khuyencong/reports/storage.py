"""Report files, stored privately under content-addressed names: `bao-cao/ab/<sha256>.xlsx`.

A name is the SHA-256 of the bytes, so a stored file can never be replaced by different content under the
same name, the same bytes are stored once, and anyone can check a download against the hash on the version.
Files are only ever sent by a view that checked access (never from MEDIA_ROOT).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile

from khuyencong.imports.storage import private_storage

FOLDER = "bao-cao"


@dataclass(frozen=True)
class StoredFile:
    name: str
    sha256: str
    size: int


def store(content: bytes, extension: str) -> StoredFile:
    sha = hashlib.sha256(content).hexdigest()
    name = f"{FOLDER}/{sha[:2]}/{sha}.{extension}"
    storage = private_storage()
    if not storage.exists(name):
        saved = storage.save(name, ContentFile(content))
        if saved != name:  # a concurrent writer stored the same bytes first: keep one copy
            storage.delete(saved)
    return StoredFile(name=name, sha256=sha, size=len(content))


def open_file(name: str):
    return private_storage().open(name, "rb")


def read(name: str) -> bytes:
    with open_file(name) as handle:
        return handle.read()
