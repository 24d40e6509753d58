"""Settings for every run mode; production differs only by environment variables.

Embedded default (no variables set): SQLite, a file-system Celery broker, e-mail
written to files under var/mail. Production/CI: set DATABASE_URL and REDIS_URL.
"""

import datetime
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from crm.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = env_str("SECRET_KEY", "insecure-embedded-mode-key-change-me-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "auditlog",
    "relations",
    "stakeholders",
    "events",
    "transfer",
    "privacy",
    "network_manager",
    # Counts failed logins and locks out (see "Security: login throttling, sessions").
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records who made each change in the audit trail.
    "auditlog.middleware.AuditlogMiddleware",
    "relations.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a locked-out login into the lockout page (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"

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
                "django.template.context_processors.csp",
                "relations.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web server, the worker and beat share the file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "relations.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "relations:my_network"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Language and time
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates day-first (27-11-2026), as the organisations using this write them.
FORMAT_MODULE_PATH = ["crm.formats"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Europe/Amsterdam")
USE_TZ = True

# Static files: htmx comes from npm at install time into static/vendor (never a CDN).
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail: SMTP in production (DEBUG off or EMAIL_HOST set), files under var/mail otherwise.
_email_host = env_str("EMAIL_HOST")
if _email_host or not DEBUG:
    # Without EMAIL_HOST, production hands its mail to the local MTA on port 25.
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host or "localhost",
                "port": env_int("EMAIL_PORT", 587 if _email_host else 25),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", default=bool(_email_host)),
                "timeout": env_int("EMAIL_TIMEOUT", 30),
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Network CRM <crm@localhost>")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# Celery: Redis in production, a broker without a server in the embedded mode.
# Connection attempts are bounded so that a broker outage never hangs a request:
# due work lives in the database and the next sweep catches up.
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
_broker_retry = {"max_retries": 1, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 1}
if REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Longer than the largest retry countdown, so a waiting retry is not redelivered.
        "visibility_timeout": 3600,
        "socket_connect_timeout": 3,
        "socket_timeout": 10,
        **_broker_retry,
    }
else:
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        **_broker_retry,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_PUBLISH_RETRY = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE
# Local hour from which the day's follow-up reminders go out.
FOLLOWUP_REMINDER_HOUR = env_int("FOLLOWUP_REMINDER_HOUR", 8)
# A reminder claim older than this is a worker's that died half-way; another may take it over.
REMINDER_STALE_CLAIM_SECONDS = env_int("REMINDER_STALE_CLAIM_SECONDS", 600)
# Local hour from which the day's event briefings and outcome nudges go out.
EVENT_REMINDER_HOUR = env_int("EVENT_REMINDER_HOUR", 8)
# Local hour on Mondays from which the weekly digest goes out to network managers and team
# leads (the figures of the week Monday–Sunday before).
WEEKLY_DIGEST_HOUR = env_int("WEEKLY_DIGEST_HOUR", 8)
CELERY_BEAT_SCHEDULE = {
    "followup-reminders-daily": {
        "task": "relations.tasks.sweep_followup_reminders",
        "schedule": crontab(hour=FOLLOWUP_REMINDER_HOUR, minute=0),
    },
    # Catches up later in the day when the daily run was missed (broker or worker down,
    # a send that failed for good); already-sent reminders are skipped.
    "followup-reminders-catch-up": {
        "task": "relations.tasks.sweep_followup_reminders",
        "schedule": crontab(
            minute="*/15", hour=f"{FOLLOWUP_REMINDER_HOUR}-{max(FOLLOWUP_REMINDER_HOUR, 20)}"
        ),
    },
    # Briefings for events in two days, outcome nudges for events that ended yesterday.
    "event-reminders-daily": {
        "task": "events.tasks.sweep_event_reminders",
        "schedule": crontab(hour=EVENT_REMINDER_HOUR, minute=0),
    },
    "event-reminders-catch-up": {
        "task": "events.tasks.sweep_event_reminders",
        "schedule": crontab(
            minute="*/15", hour=f"{EVENT_REMINDER_HOUR}-{max(EVENT_REMINDER_HOUR, 20)}"
        ),
    },
    # The weekly digest, Mondays (day_of_week 1) in CELERY_TIMEZONE, with the same catch-up.
    "weekly-digest": {
        "task": "network_manager.tasks.sweep_weekly_digests",
        "schedule": crontab(hour=WEEKLY_DIGEST_HOUR, minute=0, day_of_week=1),
    },
    "weekly-digest-catch-up": {
        "task": "network_manager.tasks.sweep_weekly_digests",
        "schedule": crontab(
            minute="*/15",
            hour=f"{WEEKLY_DIGEST_HOUR}-{max(WEEKLY_DIGEST_HOUR, 20)}",
            day_of_week=1,
        ),
    },
    # The dashboard's meetings per team and give/ask per group (network_manager rollups).
    "dashboard-activity-refresh": {
        "task": "network_manager.tasks.refresh_activity",
        "schedule": crontab(minute="*/15"),
    },
    # Relationships by warmth on the 1st of each month, for the dashboard's trend line.
    "warmth-snapshot-monthly": {
        "task": "network_manager.tasks.record_warmth_snapshot",
        "schedule": crontab(minute=30, hour=0, day_of_month=1),
    },
}

# REST API
REST_FRAMEWORK = {
    # Token first: an anonymous request gets 401 with `WWW-Authenticate: Token` (DRF takes
    # the challenge from the first class); a browser's session works all the same.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Network CRM API",
    "DESCRIPTION": "Contacts, relationships, meetings, follow-ups, the stakeholder map and the "
    "event calendar.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `kind` choice field; each enum gets its own name.
    "ENUM_NAME_OVERRIDES": {
        "InteractionKindEnum": "relations.models.InteractionKind",
        "GoalKindEnum": "stakeholders.models.GoalKind",
        "EventKindEnum": "events.models.EventKind",
        # Goals and guests both have a `status`.
        "InvitationStatusEnum": "events.models.InvitationStatus",
        "PlanWarningCodeEnum": "events.serializers.PLAN_WARNING_CODES",
    },
}

# Security: strict in production (DEBUG off), relaxed for the embedded mode.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env_bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Security: login throttling, sessions
# django-axes counts failed logins (the login page, the admin) per username and IP address
# together: after AXES_FAILURE_LIMIT failures that combination is locked out for
# AXES_COOLOFF_TIME, and a success resets the count. Locking a username everywhere would let
# anybody lock a colleague out; locking an IP address alone would lock out a whole office.
# `python manage.py axes_reset` (or `axes_reset_username NAME`) lifts a lockout at once.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before checking
    "django.contrib.auth.backends.ModelBackend",
]
# On everywhere, tests included (AXES_ENABLED=0 is an escape hatch, never for production).
# authenticate() now needs the request: in tests, client.login(request=HttpRequest(), …).
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lockout page (429) says when to try again; see crm/lockout.py.
AXES_LOCKOUT_CALLABLE = "crm.lockout.lockout_response"
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
# Behind a proxy REMOTE_ADDR is the proxy: every user would share one address. The client is
# then the address the proxies appended to X-Forwarded-For, counted from the right, since a
# client can put anything at the left. PROXY_COUNT is the number of proxies that append to
# the header (1 for a single nginx in front of gunicorn).
PROXY_COUNT = max(env_int("PROXY_COUNT", 1), 1) if env_bool("BEHIND_PROXY", default=False) else 0
if PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_ORDER = "left-most"
    # django-ipware counts the proxies after the client in the header: the last proxy
    # appends the client's address and does not list itself.
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT - 1
    # A longer header (a client that sent its own X-Forwarded-For) is fine: the address is
    # still taken at the trusted position from the right.
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

# The API: what anybody may fetch (the schema, costly to build) is throttled per IP address,
# signed-in users generously per user; a missing or wrong token is refused before any throttle
# (a token cannot be guessed). Counted in the default cache, in memory per process, so that a
# Redis outage never fails a request; the rates are per process. A throttled request is a 429
# with Retry-After; a load test may raise API_THROTTLE_USER.
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    "rest_framework.throttling.AnonRateThrottle",
    "rest_framework.throttling.UserRateThrottle",
]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "anon": env_str("API_THROTTLE_ANON", "60/minute"),
    "user": env_str("API_THROTTLE_USER", "1200/minute"),
}
# DRF counts the proxies the same way as PROXY_COUNT (the client is that far from the right).
REST_FRAMEWORK["NUM_PROXIES"] = PROXY_COUNT or None

# A session lasts a working day from the login, however busy: an absolute lifetime
# (SESSION_SAVE_EVERY_REQUEST off) ends a forgotten session on a shared or lost phone the
# same day, and spares a database write on every request. Closing the browser does not end
# it: on a phone the browser is closed all the time.
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 8) * 60 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Higher apps add fields to the log-a-meeting form (see relations/extensions.py).
MEETING_FORM_EXTENSIONS = ["stakeholders.meeting.topics"]

# Imports: a larger upload is refused before it is read (Django spools big uploads to disk).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)

# Privacy
# Contacts nobody met for this many months are listed for a retention review.
RETENTION_MONTHS = env_int("RETENTION_MONTHS", 24)
