"""`flush` that respects the audit trail: refused unless AUDIT_ALLOW_FLUSH is on (the test suite only).

The immutability triggers would otherwise make flush fail; where flushing is allowed they are dropped for
the flush and recreated right after, using the migration that created them.
"""

from __future__ import annotations

import importlib

from django.conf import settings
from django.core.management import CommandError
from django.core.management.commands.flush import Command as DjangoFlushCommand
from django.db import connections

TRIGGERS = importlib.import_module("khuyencong.audit.migrations.0002_immutable_triggers")


class Command(DjangoFlushCommand):
    def handle(self, **options):
        if not getattr(settings, "AUDIT_ALLOW_FLUSH", False):
            raise CommandError("Không được xóa toàn bộ dữ liệu: nhật ký kiểm tra phải được giữ nguyên.")
        connection = connections[options["database"]]
        with connection.schema_editor() as editor:
            TRIGGERS.drop(None, editor)
        try:
            super().handle(**options)
        finally:
            with connection.schema_editor() as editor:
                TRIGGERS.create(None, editor)
