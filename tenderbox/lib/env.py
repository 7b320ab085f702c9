"""Small typed readers of environment variables for settings.py.

Each refuses a bad value with a message that names the variable and says what would be accepted,
so a misconfigured deployment stops at start-up instead of misbehaving later.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit


class ConfigError(Exception):
    """A setting taken from the environment has a value Tenderbox cannot use."""


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = _raw(name)
    if value is None:
        if required:
            raise ConfigError(f"{name} must be set.")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false (1/0, yes/no, on/off), not {value!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = _raw(name) or default
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


def parse_database_url(url: str, *, name: str = "DATABASE_URL") -> dict:
    """Turn sqlite:///path or postgres://user:pass@host:port/db into a Django DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///relative/path and sqlite:////absolute/path, as in dj-database-url.
        path = unquote(parts.path)[1:] if parts.path.startswith("/") else unquote(parts.path)
        if not path:
            raise ConfigError(f"{name} names no SQLite file: {url!r}.")
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            # WAL lets the worker read while the web process writes; IMMEDIATE transactions
            # take the write lock up front, so two writers queue instead of failing mid-way.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    if parts.scheme in {"postgres", "postgresql"}:
        database = unquote(parts.path.lstrip("/"))
        if not database:
            raise ConfigError(f"{name} names no PostgreSQL database: {url!r}.")
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": database,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ConfigError(f"{name} must start with sqlite:/// or postgres://, not {parts.scheme or url!r}.")


def parse_email_url(url: str, *, name: str = "EMAIL_URL") -> dict:
    """Turn console://, file:///path, memory:// or smtp://user:pass@host:port?tls=1 into a
    Django MAILERS entry (BACKEND and OPTIONS)."""
    parts = urlsplit(url)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    backends = "django.core.mail.backends."
    if parts.scheme == "console":
        return {"BACKEND": backends + "console.EmailBackend"}
    if parts.scheme == "memory":
        return {"BACKEND": backends + "locmem.EmailBackend"}
    if parts.scheme == "file":
        path = unquote(parts.path)
        if not path:
            raise ConfigError(f"{name} names no folder: {url!r}.")
        return {"BACKEND": backends + "filebased.EmailBackend", "OPTIONS": {"file_path": path}}
    if parts.scheme in {"smtp", "smtps"}:
        if not parts.hostname:
            raise ConfigError(f"{name} names no SMTP host: {url!r}.")
        return {
            "BACKEND": backends + "smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname,
                "port": parts.port or (465 if parts.scheme == "smtps" else 587),
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_ssl": parts.scheme == "smtps",
                "use_tls": parts.scheme == "smtp" and query.get("tls", "1") != "0",
                "timeout": 20,
            },
        }
    raise ConfigError(
        f"{name} must start with console://, file://, memory://, smtp:// or smtps://, "
        f"not {parts.scheme or url!r}."
    )


def development_secret_key(var_dir: Path) -> str:
    """A secret key generated once and kept under var/, for development only."""
    import secrets

    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


def development_master_key(var_dir: Path) -> str:
    """A master encryption key generated once and kept under var/, for development only."""
    import base64
    import secrets

    path = var_dir / "master_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    path.write_text(key)
    path.chmod(0o600)
    return key


def env_ocds_prefix(name: str, default: str | None) -> str:
    """An OCDS ocid prefix: `ocds-` and six lower-case letters or digits, as the Open Contracting
    Partnership registers them. Required when there is no default (production)."""
    import re

    value = _raw(name)
    if value is None:
        if default is None:
            raise ConfigError(
                f"{name} must be set to the deployment's registered OCDS prefix, like ocds-h6vhtk."
            )
        return default
    if not re.fullmatch(r"ocds-[a-z0-9]{6}", value):
        raise ConfigError(
            f"{name} must be 'ocds-' and six lower-case letters or digits, like ocds-h6vhtk, not {value!r}."
        )
    return value
