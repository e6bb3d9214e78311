from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "khuyencong.indicators"
    label = "indicators"
    verbose_name = "Chỉ tiêu, mục tiêu, số liệu phân tích"
