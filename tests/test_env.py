import pytest

from tenderbox.lib.env import ConfigError, env_bool, env_int, parse_database_url, parse_email_url


def test_it_reads_sqlite_urls():
    db = parse_database_url("sqlite:////tmp/x/tenderbox.sqlite3")
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == "/tmp/x/tenderbox.sqlite3"


def test_it_reads_postgres_urls():
    db = parse_database_url("postgres://bob:s%40cret@db.internal:6543/tenderbox?sslmode=require")
    assert (db["ENGINE"], db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "django.db.backends.postgresql",
        "tenderbox",
        "bob",
        "s@cret",
        "db.internal",
        "6543",
    )
    assert db["OPTIONS"] == {"sslmode": "require"}


@pytest.mark.parametrize("url", ["mysql://x/y", "postgres://host/", "sqlite://", "nonsense"])
def test_it_refuses_bad_database_urls(url):
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        parse_database_url(url)


def test_it_reads_email_urls():
    assert parse_email_url("console://")["BACKEND"].endswith("console.EmailBackend")
    smtp = parse_email_url("smtp://user:pw@mail.example:2525")["OPTIONS"]
    assert (smtp["host"], smtp["port"], smtp["use_tls"], smtp["use_ssl"]) == (
        "mail.example",
        2525,
        True,
        False,
    )
    assert parse_email_url("smtps://mail.example")["OPTIONS"]["port"] == 465
    with pytest.raises(ConfigError, match="EMAIL_URL"):
        parse_email_url("pigeon://loft")


def test_it_refuses_bad_booleans_and_numbers(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ConfigError, match="FLAG must be true or false"):
        env_bool("FLAG")
    monkeypatch.setenv("COUNT", "three")
    with pytest.raises(ConfigError, match="COUNT must be a whole number"):
        env_int("COUNT", 1)
    monkeypatch.setenv("COUNT", "0")
    with pytest.raises(ConfigError, match="at least 1"):
        env_int("COUNT", 1, minimum=1)


def test_a_read_replica_is_chosen_only_when_configured():
    from unittest import mock

    from django.conf import settings

    from tenderbox.lib.db import replica

    assert replica() == "default"
    # Only the alias is looked at: no connection is opened to it.
    with mock.patch.dict(settings.DATABASES, {"replica": settings.DATABASES["default"]}):
        assert replica() == "replica"
    assert replica() == "default"


def test_a_bad_replica_url_names_its_variable():
    with pytest.raises(ConfigError, match="DATABASE_REPLICA_URL"):
        parse_database_url("mysql://x/y", name="DATABASE_REPLICA_URL")


def test_only_reads_inside_a_replica_block_go_to_the_replica():
    from unittest import mock

    from django.conf import settings

    from tenderbox.lib.db import ReplicaRouter, replica_reads
    from tenderbox.tenders.models import Procurement

    router = ReplicaRouter()
    with mock.patch.dict(settings.DATABASES, {"replica": settings.DATABASES["default"]}):
        assert router.db_for_read(Procurement) is None
        with replica_reads():
            assert router.db_for_read(Procurement) == "replica"
            assert router.db_for_write(Procurement) == "default"
        assert router.db_for_read(Procurement) is None
        assert (router.allow_migrate("replica", "tenders"), router.allow_migrate("default", "tenders")) == (
            False,
            True,
        )
    with replica_reads():  # no replica configured: the primary
        assert router.db_for_read(Procurement) == "default"
