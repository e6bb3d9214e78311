from django.apps import AppConfig
from django.db.backends.signals import connection_created


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """Give every SQLite connection the Vietnamese collation `vi` and the `fold_vi` function.

    PostgreSQL gets a collation of the same name from an ICU locale in a migration, so `Collate(..., "vi")`
    works on both databases.
    """
    if connection.vendor != "sqlite":
        return
    from khuyencong.core.vietnamese import collate_vi, fold_vi

    connection.connection.create_collation("vi", collate_vi)
    connection.connection.create_function(
        "fold_vi", 1, lambda text: None if text is None else fold_vi(text), deterministic=True
    )


class CoreConfig(AppConfig):
    name = "khuyencong.core"
    label = "core"
    verbose_name = "Nền tảng"

    def ready(self) -> None:
        connection_created.connect(register_sqlite_functions, dispatch_uid="khuyencong.sqlite_functions")
