from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "khuyencong.programmes"
    label = "programmes"
    verbose_name = "Chương trình, kế hoạch, đề án khuyến công"
