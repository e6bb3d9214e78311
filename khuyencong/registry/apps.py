from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RegistryConfig(AppConfig):
    name = "khuyencong.registry"
    label = "registry"
    verbose_name = "Cơ sở công nghiệp nông thôn"

    def ready(self) -> None:
        from khuyencong.imports.importers import register_importer
        from khuyencong.registry.importer import EstablishmentImporter

        register_importer(EstablishmentImporter())
        post_migrate.connect(_ensure_search_index, sender=self)


def _ensure_search_index(sender, using, **kwargs) -> None:
    """A migration that rebuilt the establishment table on SQLite dropped the search index's triggers and the
    list-order index: put them back."""
    from django.db import connections

    from khuyencong.registry.search import ensure_list_order_index, ensure_sqlite_index

    ensure_sqlite_index(connections[using])
    ensure_list_order_index(connections[using])
