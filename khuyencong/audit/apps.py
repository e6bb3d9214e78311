from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "khuyencong.audit"
    label = "audit"
    verbose_name = "Nhật ký kiểm tra"
