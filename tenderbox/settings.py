"""Tenderbox settings: every deployment-specific value comes from the environment.

The variables are listed in README.md and .env.example. With none set, Tenderbox runs on the
embedded default (SQLite and a SQLite task queue under var/) for development; TENDERBOX_ENV=production
switches on HTTPS settings and requires a real SECRET_KEY.
"""

import os
from pathlib import Path

from django.utils.csp import CSP

from tenderbox.lib.env import (
    ConfigError,
    development_master_key,
    development_secret_key,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_ocds_prefix,
    env_str,
    parse_database_url,
    parse_email_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TENDERBOX_VAR_DIR", str(BASE_DIR / "var")))

# pytest (8.2+) sets PYTEST_VERSION, so the test suite gets test settings without a flag to forget.
ENVIRONMENT = env_choice(
    "TENDERBOX_ENV",
    ("development", "production", "test"),
    "test" if os.environ.get("PYTEST_VERSION") else "development",
)
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_bool("DEBUG", default=ENVIRONMENT == "development")

if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY", required=True)
    if len(SECRET_KEY) < 50:
        raise ConfigError("SECRET_KEY must be at least 50 characters in production.")
else:
    SECRET_KEY = env_str("SECRET_KEY") or development_secret_key(VAR_DIR)

# The key that wraps every procurement's tender key and encrypts drafts and documents. Outside the
# database by design (docs/decisions/0004-sealed-tenders.md): required in production.
if PRODUCTION:
    TENDERBOX_MASTER_KEY = env_str("TENDERBOX_MASTER_KEY", required=True)
else:
    TENDERBOX_MASTER_KEY = env_str("TENDERBOX_MASTER_KEY") or development_master_key(VAR_DIR)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "huey.contrib.djhuey",
    "tenderbox.audit",
    "tenderbox.accounts",
    "tenderbox.organisations",
    "tenderbox.notifications",
    "tenderbox.privacy",
    "tenderbox.analytics",
    "tenderbox.tenders",
    "tenderbox.submissions",
    "tenderbox.evaluation",
    "tenderbox.frameworks",
    "tenderbox.contracts",
    "tenderbox.spend",
    "tenderbox.performance",
    "tenderbox.publishing",
    "tenderbox.portal",
    "tenderbox.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tenderbox.portal.middleware.RefuseNulCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Counts page views only for people who accepted analytics cookies (analytics/middleware.py).
    "tenderbox.analytics.middleware.AnalyticsMiddleware",
    "tenderbox.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
    "tenderbox.portal.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "tenderbox.urls"
WSGI_APPLICATION = "tenderbox.wsgi.application"

TEMPLATES = [
    {
        # Pages are Jinja2, so they can use the GOV.UK Frontend macros as published.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "tenderbox.jinja2.environment", "autoescape": True},
    },
    {
        # Django's own admin keeps its Django templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ]
        },
    },
]

DATABASES = {
    "default": parse_database_url(env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'tenderbox.sqlite3'}")
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
# A read replica (PostgreSQL streaming replication) for the heavy public reads that may lag the
# primary by seconds: OCDS bulk downloads and exports, register downloads. They ask for it
# (`with lib.db.replica_reads():`); everything else, and every write, uses the primary. Tests mirror
# it onto the test database.
if _replica_url := env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = parse_database_url(_replica_url, name="DATABASE_REPLICA_URL") | {
        "TEST": {"MIRROR": "default"}
    }
    DATABASE_ROUTERS = ["tenderbox.lib.db.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts and sign-in
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out sign-ins before any password check
    "tenderbox.accounts.backends.EmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # verifies, then upgrades, older hashes
]
if ENVIRONMENT == "test":
    PASSWORD_HASHERS = ["tenderbox.accounts.hashers.TestArgon2PasswordHasher", *PASSWORD_HASHERS]
# NCSC password guidance: length over complexity rules, and a deny-list of common passwords.
AUTH_PASSWORD_VALIDATORS = [
    # Most telling first: the field shows one message (GOV.UK), the first that applies.
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "tenderbox.accounts.validators.MaximumLengthValidator"},
    {"NAME": "tenderbox.accounts.validators.ServiceWordsValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "accounts:dashboard"
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour: a reset link is a key to the account
EMAIL_VERIFICATION_MAX_AGE = 60 * 60 * 24 * 3
INVITATION_VALID_DAYS = 7

# A session lasts at most 8 hours and ends after 30 minutes without a request (idle timeout).
SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_IDLE_TIMEOUT = 60 * 30
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 0.25  # hours: 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "email"
AXES_USERNAME_CALLABLE = "tenderbox.accounts.views.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tenderbox.accounts.views.locked_out"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True

OTP_TOTP_ISSUER = "Tenderbox"

# Internationalisation
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Static files: GOV.UK Frontend compiled at set-up into build/static/, served by WhiteNoise.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "build" / "static"] if (BASE_DIR / "build" / "static").is_dir() else []
if not PRODUCTION:
    # In development WhiteNoise serves straight from the finders; an empty root keeps it quiet.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Documents (tender and framework documents, sealed responses, MI returns, exports) go to
# S3-compatible object storage when S3_BUCKET is set, so web and worker processes keep no state on
# their own disks and any number of them can run. Credentials come from boto3's own chain (the
# AWS_* variables, an instance role), never from settings. Everything is read back through the
# storage API and served by Tenderbox's own views after their access checks: no object is public
# and no presigned address is handed out.
S3_BUCKET = env_str("S3_BUCKET")
_default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if S3_BUCKET:
    _sse = env_str("S3_SERVER_SIDE_ENCRYPTION", "AES256")
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL"),
            "region_name": env_str("S3_REGION", "eu-west-2"),
            "location": env_str("S3_PREFIX", ""),
            "default_acl": None,  # the bucket's own policy: private
            "file_overwrite": False,  # a new name rather than replacing, as on the file system
            "querystring_auth": True,
            "object_parameters": {"ServerSideEncryption": _sse} if _sse else {},
        },
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Email
MAILERS = {"default": parse_email_url(env_str("EMAIL_URL") or "console://")}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Tenderbox <no-reply@tenderbox.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PRIVACY_OFFICER_EMAIL = env_str("PRIVACY_OFFICER_EMAIL", "privacy@tenderbox.localhost")

# The cache holds rate-limit counters and public pages for people not signed in (lib/pagecache.py):
# shared through Redis in production (CACHE_REDIS_URL), per process on the embedded default.
_cache_redis = env_str("CACHE_REDIS_URL")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_redis}
    if _cache_redis
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# The longest a public page is kept (seconds; 0 turns the page cache off). A change to what it shows
# is served at once whatever this is: pages are stored under a version of their rows
# (docs/decisions/0012-public-page-cache.md).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300, minimum=0)

# Background work: django.tasks run by Huey. SQLite storage on the embedded default; Redis when
# HUEY_REDIS_URL is set (production), where any number of `tenderbox worker` processes consume.
_huey_redis = env_str("HUEY_REDIS_URL")
HUEY = {
    "name": "tenderbox",
    "immediate": env_bool("HUEY_IMMEDIATE", default=ENVIRONMENT == "test"),
    "consumer": {"workers": env_int("HUEY_WORKERS", 2, minimum=1), "worker_type": "thread"},
}
if _huey_redis:
    HUEY |= {"huey_class": "huey.RedisHuey", "url": _huey_redis}
else:
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")}
TASKS = {
    "default": {
        "BACKEND": "huey.contrib.djhuey.tasks_backend.HueyBackend",
        # Jobs are enqueued only after the transaction that asked for them commits.
        "OPTIONS": {"enqueue_on_commit": True},
    }
}

# Security headers. Strict CSP: no inline script or style except the nonce'd GOV.UK body class.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
# A callable(content, filename) that raises DomainError for an infected upload (e.g. via clamd).
UPLOAD_SCANNER = env_str("UPLOAD_SCANNER", "")
CSRF_FAILURE_VIEW = "tenderbox.portal.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Open data (OCDS): every ocid is `<OCDS_PREFIX>-<reference>`. Production uses the prefix the Open
# Contracting Partnership registered for the deployment; `ocds-tbx000` is a placeholder.
OCDS_PREFIX = env_ocds_prefix("OCDS_PREFIX", None if PRODUCTION else "ocds-tbx000")
OCDS_PUBLISHER_NAME = env_str("OCDS_PUBLISHER_NAME", "Tenderbox")

# The privacy notice version shown at sign-up (recorded against each account).
PRIVACY_NOTICE_VERSION = "2026-11-01"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    # The worker (run_huey) attaches its own handler; don't print each line twice.
    "loggers": {"huey": {"propagate": False}},
}
