from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "khuyencong.registry"
    label = "registry"
    verbose_name = "Cơ sở công nghiệp nông thôn"

    def ready(self) -> None:
        from khuyencong.imports.importers import register_importer
        from khuyencong.registry.importer import EstablishmentImporter

        register_importer(EstablishmentImporter())
