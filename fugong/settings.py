"""Settings for fugong, read from the environment (see .env.example).

FUGONG_ENV=production turns DEBUG off and requires DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS;
anything else is a development setup with a random secret key kept in .dev-secret-key (gitignored)
and an SQLite database.
"""

import os
import secrets
import time
from pathlib import Path

import dj_database_url
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


PRODUCTION = os.environ.get("FUGONG_ENV", "development") == "production"
DEBUG = False if PRODUCTION else env_bool("DJANGO_DEBUG", True)


def development_secret_key(path: Path) -> str:
    """Development only: a random key kept in a gitignored file (mode 0600), so that sessions and signed
    release notices survive a restart and agree between the server and ``manage.py`` commands (the
    demo's notice is signed by the demo command and verified by the server)."""
    for _attempt in range(50):
        try:
            key = path.read_text().strip()
        except FileNotFoundError:
            key = secrets.token_urlsafe(50)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue  # another process is writing it: read theirs
            except OSError:
                return key  # a read-only checkout: a key for this process only
            with os.fdopen(fd, "w") as handle:
                handle.write(key)
            return key
        if key:
            return key
        time.sleep(0.01)  # created by another process a moment ago, not yet written
    return secrets.token_urlsafe(50)


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when FUGONG_ENV=production")
    SECRET_KEY = development_secret_key(BASE_DIR / ".dev-secret-key")

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
if not ALLOWED_HOSTS:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when FUGONG_ENV=production")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "ninja",
    "django_ratelimit",
    "django_tasks",
    "django_tasks_db",
    "fugong.core",
    "fugong.areas",
    "fugong.accounts",
    "fugong.enterprises",
    "fugong.health",
    "fugong.resumption",
    "fugong.supervision",
    "fugong.ledger",
    "fugong.notices",
    "fugong.checkins",
    "fugong.quarantine",
    "fugong.sensors",
    "fugong.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # in every environment, so the tests run the pages under it
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "fugong.core.middleware.RequestIdMiddleware",
    "fugong.core.middleware.SessionMiddleware",  # Django's; background polls do not renew the session
    "fugong.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "fugong.core.middleware.RequestGuardMiddleware",  # control characters, oversized bodies, ids past 64 bits: 4xx
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "fugong.core.middleware.HtmxSignInMiddleware",  # an HTMX request after sign-out: the whole page to sign-in
]

ROOT_URLCONF = "fugong.urls"
WSGI_APPLICATION = "fugong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "fugong" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fugong.core.context_processors.layout",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60 if PRODUCTION else 0),
    )
}
if (
    DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    and os.environ.get("DB_SERVER_SIDE_BINDING", "1") == "1"
):
    # Server-side parameters let psycopg prepare a statement after it has run a few times on a
    # connection (persistent in production), so PostgreSQL stops re-planning the hot queries: the token
    # lookup of every API call spent longer planning than executing (bench/README.md, issue 5).
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a long import writes; a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

# Background work through Django's task API: queued in the database, run by `manage.py db_worker`.
# TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend runs tasks at once (tests, quick demos).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
    # django-ratelimit lists django-redis's backend, not Django's own; Django's counts with Redis's
    # atomic INCRBY, which is all the throttles need.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Deliberately silenced: django-ratelimit refuses a per-process cache (E003) because each worker
    # would count alone. That is right for development and the tests (one process, and the browser
    # tests' live server shares it); a production without REDIS_URL gets fugong.W001 instead
    # (core/checks.py), since its throttles then allow up to workers × the limit.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["fugong.accounts.backends.LockoutBackend"]
# The function that turns an API bearer token into its user (core.api.auth reads it; core imports no app).
FUGONG_TOKEN_AUTHENTICATOR = "fugong.accounts.services.token_authenticate"  # noqa: S105 (a dotted path)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Idle sessions end after SESSION_IDLE_MINUTES (sliding: every request renews the cookie).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 120) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the cookie-less meta tag; kept default for forms

# Throttles (core/throttle.py, django-ratelimit's notation "N/Mm": N counted attempts in M minutes).
# Login: failures per username+client lock that pair only; failures per client across usernames cap a
# client trying many names. A stranger elsewhere never locks the real user out (accounts/throttles.py).
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
LOGIN_CLIENT_MAX_FAILURES = env_int("LOGIN_CLIENT_MAX_FAILURES", 30)
FUGONG_THROTTLE_LOGIN_PAIR = f"{LOGIN_MAX_FAILURES}/{LOGIN_LOCKOUT_MINUTES}m"
FUGONG_THROTTLE_LOGIN_CLIENT = f"{LOGIN_CLIENT_MAX_FAILURES}/{LOGIN_LOCKOUT_MINUTES}m"
# The public check-in page's identification by name + ID number: failed matches per client and per
# enterprise link (a name and a birth date leave about a thousand candidates to guess).
FUGONG_THROTTLE_IDENTIFY_CLIENT = os.environ.get("FUGONG_THROTTLE_IDENTIFY_CLIENT", "10/10m")
FUGONG_THROTTLE_IDENTIFY_LINK = os.environ.get("FUGONG_THROTTLE_IDENTIFY_LINK", "50/10m")
# Release-notice verification (public): failed verifications per client.
FUGONG_THROTTLE_VERIFY_CLIENT = os.environ.get("FUGONG_THROTTLE_VERIFY_CLIENT", "20/10m")
API_TOKEN_HOURS = env_int("API_TOKEN_HOURS", 24 * 7)

# Import and export limits.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20000)
# An export of more rows than this becomes a background job whose file is downloaded from 我的任务
# (core.jobs); below it the file is sent at once. No export is capped.
FUGONG_EXPORT_INLINE_ROWS = env_int("FUGONG_EXPORT_INLINE_ROWS", 50000)
# Bulk printing of more release notices than this becomes a job too (its PDF from 我的任务).
FUGONG_PRINT_INLINE_NOTICES = env_int("FUGONG_PRINT_INLINE_NOTICES", 50)
# A running job with no log line or progress report for this long was lost with its worker: it is
# marked failed so its dedupe key is free again; a job queued this many hours never reached a worker.
FUGONG_JOB_STALE_MINUTES = env_int("FUGONG_JOB_STALE_MINUTES", 30)
FUGONG_JOB_QUEUED_HOURS = env_int("FUGONG_JOB_QUEUED_HOURS", 24)
# Result files (large exports, bulk PDFs: personal data) are deleted this many days after the job ended.
FUGONG_JOB_FILE_DAYS = env_int("FUGONG_JOB_FILE_DAYS", 7)
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
# An xlsx is a zip: its parts are checked against these before anything is parsed (core.xlsx),
# so a small upload cannot inflate a worker (a 1 MB file can declare 1 GB of XML).
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024)
IMPORT_MAX_COMPRESSION_RATIO = env_int("IMPORT_MAX_COMPRESSION_RATIO", 200)
IMPORT_MAX_ZIP_MEMBERS = env_int("IMPORT_MAX_ZIP_MEMBERS", 500)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# A filing's roster is edited inline: ~6 fields a person, up to a few thousand staff.
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 20000)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "fugong" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "fugong" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"  # never routed: attachments are served by views that check scope (core.uploads)
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# How many reverse proxies of our own stand in front (their X-Forwarded-For gives the client's address
# in security logs, core.client); 0: REMOTE_ADDR, and X-Forwarded-For is not believed.
TRUSTED_PROXIES = env_int("FUGONG_TRUSTED_PROXIES", 0)
# API tokens' last-used stamps are written together at most this often per process (accounts.services).
TOKEN_STAMP_SECONDS = float(os.environ.get("TOKEN_STAMP_SECONDS", "10"))
FUGONG_PUBLIC_URL = os.environ.get("FUGONG_PUBLIC_URL", "").rstrip(
    "/"
)  # release notices' QR links; blank: request host

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if PRODUCTION:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_CONTENT_TYPE_NOSNIFF = True
    # HSTS (sent on HTTPS answers only): a year by default; subdomains and preload only when the
    # operator knows every subdomain of the host speaks HTTPS.
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)

# Content-Security-Policy (django-csp) everywhere, tests included: only our own vendored assets; an
# inline <script> runs only with the request's nonce (nonce="{{ request.csp_nonce }}"); no eval
# (htmx's hx-on and js: values are not used); inline style attributes and <style> blocks stay allowed
# (the templates use them; htmx injects its indicator style); data: images for the QR codes and
# Bootstrap's icons; no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", csp_constants.NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The interactive API docs and the OpenAPI document: open in development, behind a sign-in (session
# or bearer token) in production unless FUGONG_API_DOCS_PUBLIC=1 (core/api/site.py).
FUGONG_API_DOCS_PUBLIC = env_bool("FUGONG_API_DOCS_PUBLIC", not PRODUCTION)

# Personal data never reaches the logs: only the request id, method, path and status are logged.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
