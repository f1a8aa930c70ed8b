import pytest
from django.core.exceptions import ImproperlyConfigured

from prepsite.settings import env_bool, parse_database_url


def test_postgres_urls_become_psycopg_settings():
    config = parse_database_url("postgres://user:p%40ss@db.internal:6543/prep?sslmode=require")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("prep", "user", "p@ss")
    assert (config["HOST"], config["PORT"]) == ("db.internal", "6543")
    assert config["OPTIONS"] == {"sslmode": "require", "server_side_binding": True, "prepare_threshold": 5}


def test_prepared_statements_can_be_turned_off_for_a_pooler(monkeypatch):
    monkeypatch.setenv("DB_PREPARED_STATEMENTS", "0")
    assert parse_database_url("postgres://u@h/prep")["OPTIONS"] == {}


def test_sqlite_urls_become_file_paths():
    assert parse_database_url("sqlite:///relative.db")["NAME"] == "relative.db"
    assert parse_database_url("sqlite:////var/lib/prep.db")["NAME"] == "/var/lib/prep.db"


def test_unknown_schemes_are_refused():
    with pytest.raises(ImproperlyConfigured, match="unsupported scheme"):
        parse_database_url("mysql://x@y/z")


def test_env_bool(monkeypatch):
    monkeypatch.setenv("FLAG", "off")
    assert env_bool("FLAG", True) is False
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("FLAG")
