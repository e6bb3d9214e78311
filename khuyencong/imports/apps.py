from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "khuyencong.imports"
    label = "imports"
    verbose_name = "Nhập dữ liệu"
