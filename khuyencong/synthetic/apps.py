from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    name = "khuyencong.synthetic"
    label = "synthetic"
    verbose_name = "Dữ liệu sinh (demo, đo hiệu năng)"
