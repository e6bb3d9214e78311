from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "khuyencong.geo"
    label = "geo"
    verbose_name = "Đơn vị hành chính"
