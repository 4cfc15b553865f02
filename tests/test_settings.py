"""Settings come from the environment, strictly; production passes `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from rapport import env

ROOT = Path(__file__).resolve().parent.parent


def test_a_misspelt_boolean_is_an_error_not_false(monkeypatch):
    monkeypatch.setenv("DEBUG", "ture")
    with pytest.raises(ImproperlyConfigured, match="not a boolean"):
        env.get_bool("DEBUG", False)
    monkeypatch.setenv("DEBUG", "Off")
    assert env.get_bool("DEBUG", True) is False


def test_secrets_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert env.get("SECRET_KEY") == "from-a-file"
    monkeypatch.setenv("SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        env.get("SECRET_KEY")


def test_email_url_becomes_smtp_settings():
    parsed = env.parse_email_url("smtp://me%40x.de:p%20w@mail.x.de:587?tls=true")
    assert parsed["EMAIL_HOST"] == "mail.x.de" and parsed["EMAIL_PORT"] == 587
    assert parsed["EMAIL_HOST_USER"] == "me@x.de" and parsed["EMAIL_HOST_PASSWORD"] == "p w"
    assert parsed["EMAIL_USE_TLS"] is True and parsed["EMAIL_USE_SSL"] is False
    assert env.parse_email_url("smtps://mail.x.de")["EMAIL_PORT"] == 465
    with pytest.raises(ImproperlyConfigured):
        env.parse_email_url("pigeon://coop")


def _run(args, extra_env):
    environment = {k: v for k, v in os.environ.items()
                   if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    environment.update(extra_env)
    return subprocess.run(
        [sys.executable, "-m", "rapport", *args], cwd=ROOT, env=environment,
        capture_output=True, text=True, timeout=120, check=False,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], {
        "DJANGO_SETTINGS_MODULE": "rapport.settings.production",
        "SECRET_KEY": "k3y-" + "Zq8#mW2!xR5@vT9$pL1^" * 3,
        "ALLOWED_HOSTS": "rapport.example.com",
        "RAPPORT_VAR_DIR": str(tmp_path),
    })
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _run(["check"], {"DJANGO_SETTINGS_MODULE": "rapport.settings.production",
                              "SECRET_KEY": "", "RAPPORT_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_default_database_is_sqlite_in_wal_mode(tmp_path):
    code = (
        "import django; django.setup();"
        "from django.db import connection;"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]);"
        "print(connection.settings_dict['NAME'])"
    )
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update({"DJANGO_SETTINGS_MODULE": "rapport.settings.dev",
                        "RAPPORT_VAR_DIR": str(tmp_path)})
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    mode, name = result.stdout.split()
    assert mode == "wal" and name == str(tmp_path / "rapport.sqlite3")


def test_a_sqlite_file_named_by_database_url_waits_for_other_writers(tmp_path):
    """Web server and worker share the file: without WAL and IMMEDIATE transactions the
    worker's signal detection failed with "database is locked"."""
    code = (
        "import django; django.setup();"
        "from django.db import connection;"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]);"
        "c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0]);"
        "print(connection.settings_dict['OPTIONS']['transaction_mode'])"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "rapport.settings.dev",
                   "DATABASE_URL": f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}",
                   "RAPPORT_VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "20000", "IMMEDIATE"]
    assert (tmp_path / "elsewhere.sqlite3").exists()


@pytest.mark.django_db
def test_the_migrations_match_the_models():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_private_addresses_are_refused_unless_the_operator_allows_them(tmp_path):
    from django.conf import settings

    assert settings.RAPPORT_ALLOW_PRIVATE_ADDRESSES is False  # not even for the tests
    base = {"DJANGO_SETTINGS_MODULE": "rapport.settings.production",
            "SECRET_KEY": "k3y-" + "Zq8#mW2!xR5@vT9$pL1^" * 3,
            "ALLOWED_HOSTS": "rapport.example.com", "RAPPORT_VAR_DIR": str(tmp_path)}
    result = _run(["check"], {**base, "RAPPORT_ALLOW_PRIVATE_ADDRESSES": "yes please"})
    assert result.returncode != 0
    assert "RAPPORT_ALLOW_PRIVATE_ADDRESSES='yes please' is not a boolean" in result.stderr
    result = _run(["check"], {**base, "RAPPORT_MAX_UPLOAD_MB": "0"})
    assert "RAPPORT_MAX_UPLOAD_MB must be at least 1" in result.stderr
