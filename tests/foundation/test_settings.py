"""Settings that users and operators notice: formats, language, security headers, deploy checks."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format, get_format

ROOT = Path(__file__).resolve().parents[2]


class DateForm(forms.Form):
    day = forms.DateField()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("05/06/2025", dt.date(2025, 6, 5)), ("31/12/2024", dt.date(2024, 12, 31)), ("2025-06-05", dt.date(2025, 6, 5))],
)
def test_vietnamese_date_input_is_day_first(text, expected):
    with translation.override("vi"):
        form = DateForm({"day": text})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == expected


def test_month_first_input_is_refused_when_it_cannot_be_a_date():
    with translation.override("vi"):
        form = DateForm({"day": "12/31/2024"})
        assert not form.is_valid()


def test_dates_print_day_first_and_week_starts_monday():
    for language in ("vi", "en"):
        with translation.override(language):
            assert date_format(dt.date(2025, 6, 5), "SHORT_DATE_FORMAT") == "05/06/2025"
            assert get_format("FIRST_DAY_OF_WEEK") == 1


def test_number_and_money_filters_group_vietnamese_style():
    with translation.override("vi"):
        rendered = Template("{{ n|so }} {{ d|so:1 }} {{ m|vnd }} {{ m|vnd:'trieu' }}").render(
            Context({"n": 1234567, "d": 1234.5, "m": 1234567890})
        )
    assert rendered.split() == ["1.234.567", "1.234,5", "1.234.567.890", "1.234,57"]


def test_settings_defaults(settings):
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.PASSWORD_HASHERS  # tests use a fast hasher; production order checked below
    from khuyencong import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert project_settings.DEBUG is False or os.environ.get("DEBUG")


def run_manage(*args: str, env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "HTTPS", "DATABASE_URL"}}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_variables():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "SECRET_KEY": secrets.token_urlsafe(50),
            "HTTPS": "on",
            "ALLOWED_HOSTS": "khuyencong.example.gov.vn",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_complains_without_https():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={"SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "khuyencong.example.gov.vn"},
    )
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stdout + result.stderr


def test_missing_secret_key_is_a_clear_error(tmp_path):
    result = run_manage("check", env_extra={"SECRET_KEY": "", "KHUYENCONG_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SECRET_KEY chưa được cấu hình" in result.stderr


def _postgres_options(prepare_threshold: str | None) -> str:
    """The database OPTIONS the settings build for a PostgreSQL URL (nothing connects)."""
    env = {key: value for key, value in os.environ.items() if key != "DB_PREPARE_THRESHOLD"}
    env.update(DATABASE_URL="postgres://someone@127.0.0.1:1/khuyencong", DJANGO_SETTINGS_MODULE="khuyencong.settings")
    if prepare_threshold is not None:
        env["DB_PREPARE_THRESHOLD"] = prepare_threshold
    code = "from khuyencong import settings; print(sorted(settings.DATABASES['default'].get('OPTIONS', {}).items()))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_postgresql_statements_are_prepared_unless_turned_off():
    assert _postgres_options(None) == "[('prepare_threshold', 5), ('server_side_binding', True)]"
    assert _postgres_options("2") == "[('prepare_threshold', 2), ('server_side_binding', True)]"
    assert _postgres_options("") == "[]"  # behind a pooler that cannot keep prepared statements


@pytest.mark.django_db
def test_a_statement_run_again_is_prepared_on_the_postgresql_server():
    from django.db import connection

    from khuyencong.geo.models import Unit

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    for code in ["01", "79", "01", "79", "01", "79"]:
        list(Unit.objects.filter(code=code).values_list("name", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "geo_unit"' in statement and "$1" in statement for statement in prepared), prepared
