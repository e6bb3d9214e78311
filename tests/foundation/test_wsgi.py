"""The WSGI module each gunicorn worker imports leaves its long-lived objects out of the garbage collector's
full collections (gc.freeze), after loading the URL patterns and the base template."""

import gc


def test_the_worker_freezes_its_long_lived_objects():
    try:
        from khuyencong import wsgi

        assert callable(wsgi.application)
        frozen = wsgi.settle_long_lived_objects()
        assert frozen > 50_000 and gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0
