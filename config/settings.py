"""Django settings, read from the environment (12-factor); PROFILE=production hardens them."""

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from unit.private_files import private_dir, private_file

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PROFILE = os.environ.get("PROFILE", "development")
PRODUCTION = PROFILE == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
# The development key is only ever used outside production; production refuses to start without one.
SECRET_KEY = os.environ.get("SECRET_KEY", "" if PRODUCTION else "dev-only-insecure-key-never-in-production")
if PRODUCTION and not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set in the production profile")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise RuntimeError("ALLOWED_HOSTS must be set in the production profile (comma-separated host names)")
# Demo logins are printed and seeded only when this is on, never in production.
DEMO_MODE = env_bool("DEMO_MODE", default=not PRODUCTION) and not PRODUCTION

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # runserver leaves static files to whitenoise, so they pass through the middleware (Server header).
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks",
    "django_tasks_db",
    "unit",
    "admissions",
    "assessments",
    "documents",
    "journal",
    "dashboards",
    "interchange",
]

MIDDLEWARE = [
    # Outermost: replaces the software name runserver would send (gunicorn.conf.py does it for gunicorn).
    "unit.middleware.ServerHeaderMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the query string (PostgreSQL refuses NUL in text: a 500 on list pages).
    "unit.middleware.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle and absolute session timeouts (after auth and messages: it logs out with a message).
    "unit.security.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "unit.middleware.LoginRequiredMiddleware",
    # After django_otp's middleware: a token page or enrolment before any other page.
    "unit.security.TwoFactorRequiredMiddleware",
    "unit.middleware.NoStoreMiddleware",
    "unit.audit.AuditReadMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "unit.context_processors.navigation",
            ],
        },
    },
]

# var/ holds the SQLite database, uploaded imports and exported workbooks: the service account's only.
private_dir(VAR_DIR)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'unit.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _sqlite_file = str(DATABASES["default"]["NAME"])
    if _sqlite_file not in {"", ":memory:"} and not _sqlite_file.startswith("file:") \
            and Path(_sqlite_file).parent.is_dir():
        # Created here with mode 0600 rather than by SQLite with the umask's 0644 (its journals follow it).
        private_file(Path(_sqlite_file))
    # Take the write lock at BEGIN so that check-then-insert blocks (capacity) serialise,
    # and wait for a writer instead of failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
# Beyond one machine: dashboards and exports read from a replica (unit/routers.py, docs/deploy.md).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# The application's queries each touch one facility's rows and run in a few milliseconds: a parallel
# plan would spend more starting its workers than it saves (docs/performance.md). PostgreSQL's own
# default (2) can be restored with PG_MAX_PARALLEL_WORKERS_PER_GATHER=2.
PG_MAX_PARALLEL_WORKERS_PER_GATHER = int(os.environ.get("PG_MAX_PARALLEL_WORKERS_PER_GATHER", "0"))
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _options = _database.setdefault("OPTIONS", {})
        _options["options"] = " ".join(filter(None, [
            _options.get("options", ""), f"-c max_parallel_workers_per_gather={PG_MAX_PARALLEL_WORKERS_PER_GATHER}"]))
DATABASE_ROUTERS = ["unit.routers.ReportingRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Outside production, whitenoise serves straight from the finders (no collectstatic needed).
WHITENOISE_USE_FINDERS = not PRODUCTION
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap comes from the npm package installed by the Makefile (never a CDN).
    ("bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "unit.staticfiles.PlotlyFinder",
]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Lockout after repeated failures, by the pair (username, address), lifted after a cool-off.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Reverse proxies in front of gunicorn that append to X-Forwarded-For (docs/deploy.md: one nginx, so 1).
# The lockout and the audit read the client's address through the same function.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT < 0:
    raise RuntimeError("TRUSTED_PROXY_COUNT must be 0 or more (the reverse proxies in front of the application)")
AXES_CLIENT_IP_CALLABLE = "unit.client_address.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# The application's own backups (manage.py backup / restore) are encrypted and authenticated with this
# Fernet key; several comma-separated keys while rotating, the first one encrypts (docs/deploy.md).
BACKUP_KEY = os.environ.get("BACKUP_KEY", "")

# Content security policy: scripts only from this site, never inline. Styles allow inline
# attributes because plotly.js styles its SVG elements.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 12 * 60 * 60
# unit.security.SessionTimeoutMiddleware: a session ends after 30 minutes without a request, and
# 12 hours after login whatever the activity (a shift).
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", str(12 * 60 * 60)))

# Two-factor authentication (TOTP, django-otp): anyone may enrol at /accounts/2fa/setup/; these
# roles, and staff accounts, must in production (unit.security.TwoFactorRequiredMiddleware).
# Managers see named records and export them: they are held to it as well.
OTP_REQUIRED_ROLES = ("admin", "manager", "reporting") if PRODUCTION else ()
OTP_REQUIRED_FOR_STAFF = PRODUCTION
# An administrator's (or staff account's) first device needs an enrolment link issued by another
# administrator (or by `manage.py otp_enrolment_link` for the very first one): the password alone,
# stolen, does not let anyone register their own phone. Links are single-use and expire.
OTP_ENROLMENT_LINK_REQUIRED = env_bool("OTP_ENROLMENT_LINK_REQUIRED", PRODUCTION)
OTP_ENROLMENT_LINK_HOURS = int(os.environ.get("OTP_ENROLMENT_LINK_HOURS", "72"))
OTP_TOTP_ISSUER = "Dossier clinique UPB"
# The `Server` header of every response (unit.middleware.ServerHeaderMiddleware, gunicorn.conf.py).
SERVER_HEADER = os.environ.get("SERVER_HEADER", "web")
CSRF_COOKIE_HTTPONLY = True
# Background jobs (imports, large exports): django-tasks with its database backend, so the queue lives
# in the same database (SQLite for `make run`, PostgreSQL in production) and `manage.py db_worker`
# runs it (docs/deploy.md, "Background jobs"). A job is stopped after JOB_TIME_LIMIT_SECONDS; its
# result (an import's summary, an export) is kept JOB_KEEP_HOURS for the user who started it.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
JOB_TIME_LIMIT_SECONDS = int(os.environ.get("JOB_TIME_LIMIT_SECONDS", str(15 * 60)))
JOB_KEEP_HOURS = int(os.environ.get("JOB_KEEP_HOURS", "24"))

# Documents of the dossiers (documents/storage.py): a private storage, outside the static and media roots,
# never served by a URL of its own, only through the download view (access checked, each download audited).
# A folder under var/ by default; an S3-compatible bucket with django-storages (docs/security.md).
PRIVATE_STORAGE_ROOT = Path(os.environ.get("PRIVATE_STORAGE_ROOT", VAR_DIR / "private"))
DOCUMENTS_STORAGE = {
    "BACKEND": os.environ.get("DOCUMENTS_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
    "OPTIONS": json.loads(os.environ.get("DOCUMENTS_STORAGE_OPTIONS", "null")) or {
        "location": str(PRIVATE_STORAGE_ROOT), "base_url": "/no-public-url/",
        "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700},
}
if DOCUMENTS_STORAGE["BACKEND"] == "django.core.files.storage.FileSystemStorage":
    private_dir(Path(DOCUMENTS_STORAGE["OPTIONS"]["location"]))
# The largest document accepted, in megabytes (a video-feedback session included).
DOCUMENT_MAX_BYTES = int(float(os.environ.get("DOCUMENT_MAX_MB", "50")) * 1024 * 1024)
# Optional virus scan of uploads: "" (off) or "clamd" (CLAMD_ADDRESS: a unix socket path or tcp://host:port).
DOCUMENT_SCANNER = os.environ.get("DOCUMENT_SCANNER", "")
CLAMD_ADDRESS = os.environ.get("CLAMD_ADDRESS", "/run/clamav/clamd.ctl")
CLAMD_TIMEOUT_SECONDS = int(os.environ.get("CLAMD_TIMEOUT_SECONDS", "30"))

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "documents": DOCUMENTS_STORAGE,
}
if PRODUCTION:
    # Hashed names (far-future caching) and pre-compressed files, served by whitenoise after collectstatic.
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"},
                # At DEBUG, Django logs each missing template variable with the context's repr (names).
                "django.template": {"level": "INFO"}},
}

# Corrected age for prematurity is applied until this chronological age (DOMAIN.md, Instruments).
CORRECTED_AGE_UNTIL_MONTHS = int(os.environ.get("CORRECTED_AGE_UNTIL_MONTHS", "24"))
