from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "khuyencong.registry"
    label = "registry"
    verbose_name = "Cơ sở công nghiệp nông thôn"
