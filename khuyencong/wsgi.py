import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyencong.settings")

application = get_wsgi_application()


def settle_long_lived_objects() -> int:
    """Load what every request needs (the URL patterns, the base template), then move the process's objects out
    of the garbage collector's reach: a full collection otherwise walks these ~180,000 objects every few heavy
    pages, a 70–90 ms pause in the middle of a request (seen as the p95 of the dashboard). Returns how many."""
    from django.template.loader import get_template
    from django.urls import get_resolver

    get_resolver().reverse_dict  # noqa: B018 - reading it fills the URL patterns
    get_template("base.html")
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


settle_long_lived_objects()
