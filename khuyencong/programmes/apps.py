from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "khuyencong.programmes"
    label = "programmes"
    verbose_name = "Chương trình, kế hoạch, đề án khuyến công"

    def ready(self) -> None:
        from khuyencong.programmes.support import ProjectSupport
        from khuyencong.registry.support import register_support_source

        register_support_source(ProjectSupport())
