"""Settings for Lianxin, read from the environment.

Every default works on a laptop with nothing installed: SQLite under ``var/``, huey on its own
SQLite file, e-mail and SMS to the console. Production sets ``DATABASE_URL``, ``SECRET_KEY``,
``ALLOWED_HOSTS`` and ``HUEY_BACKEND=redis``.
"""

from __future__ import annotations

import ipaddress
import secrets
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from lianxin.ops.instance import queue_key

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

VAR_DIR = Path(env.str("LIANXIN_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)


def _secret_key() -> str:
    """An explicit SECRET_KEY wins; otherwise one is made once and kept in var/ (mode 0600)."""
    if key := env.str("SECRET_KEY", default=""):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "lianxin.core.admin_site.AdminConfig",  # django.contrib.admin with the protected-lookups guard
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "django_htmx",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "template_partials",
    "huey.contrib.djhuey",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "lianxin.core",
    "lianxin.accounts",
    "lianxin.territory",
    "lianxin.people",
    "lianxin.demands",
    "lianxin.notify",
    "lianxin.api",
    "lianxin.portal",
    "lianxin.board",
    "lianxin.tracking",
    "lianxin.duty",
    "lianxin.supervision",
    "lianxin.intake",
    "lianxin.audit",
    "lianxin.privacy",
    "lianxin.jobs",
    "lianxin.exports",
    "lianxin.insight",
    "lianxin.disputes",
    "lianxin.ops",
    "lianxin.demo",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",  # first and last: times the whole request
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lianxin.core.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "lianxin.core.middleware.RefuseControlCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lianxin.accounts.middleware.StaffSessionMiddleware",
    "lianxin.accounts.middleware.CountyFocusMiddleware",  # a county viewer reading one town, read only
    "lianxin.accounts.language.UserLanguageMiddleware",  # a staff account's own language (after auth)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "lianxin.audit.context.AuditContextMiddleware",
    "lianxin.core.routers.ReadYourWritesMiddleware",  # with a replica: who just wrote reads the primary
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "lianxin.notify.context_processors.bell",
                "lianxin.core.wechat.context",  # in_wechat: the download hint inside WeChat's browser
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'lianxin.sqlite3'}")}
# PostgreSQL roles (docs/operations.md, Database roles): the web and the worker connect as DATABASE_URL's role,
# which owns no table; `lianxin migrate` connects as DATABASE_OWNER_URL's (it sets LIANXIN_AS_OWNER) and grants
# the application role, DATABASE_APP_ROLE or else DATABASE_URL's user, what it needs.
DATABASE_APP_ROLE = env.str("DATABASE_APP_ROLE", default="") or str(DATABASES["default"].get("USER") or "")
if env.bool("LIANXIN_AS_OWNER", default=False) and env.str("DATABASE_OWNER_URL", default=""):
    DATABASES["default"] = env.db("DATABASE_OWNER_URL")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so that
    # concurrent writers wait for the busy timeout instead of failing half-way with "locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A streaming replica of the primary (PostgreSQL): dashboards, lists, exports and the public and API reads marked
# for it read there, everything else and every write stays on `default` (lianxin/core/routers.py, docs/scaling.md).
# Unset: no alias, the router does nothing. A person who changed something reads the primary for this many seconds.
if replica_url := env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url_config(replica_url)
    DATABASES["replica"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # a test run reads its own test database there
DATABASE_ROUTERS = ["lianxin.core.routers.ReplicaRouter"]
DATABASE_REPLICA_STICKY_SECONDS = env.int("DATABASE_REPLICA_STICKY_SECONDS", default=10)

# --- accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Staff passwords (citizens sign in by SMS): three kinds of characters, never the user name.
    {"NAME": "lianxin.accounts.passwords.CharacterClassesValidator"},
    {"NAME": "lianxin.accounts.passwords.NotUsernameValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "login"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Behind a reverse proxy: the request.META key the proxy writes the visitor's address into (HTTP_X_FORWARDED_FOR,
# HTTP_X_REAL_IP) and how many proxies of ours stand in front; the lockout and the audit trail read the same
# address (lianxin/accounts/client_ip.py). Unset: the connection's own address.
AXES_CLIENT_IP_HEADER = env.str("AXES_CLIENT_IP_HEADER", default="")
AXES_TRUSTED_PROXY_COUNT = env.int("AXES_TRUSTED_PROXY_COUNT", default=1)
AXES_CLIENT_IP_CALLABLE = "lianxin.accounts.client_ip.client_ip"
# A staff session ends after this many minutes without a request (lianxin/accounts/middleware.py).
STAFF_IDLE_MINUTES = env.int("STAFF_IDLE_MINUTES", default=30)
# The administrators and the presidium give a TOTP code after their password. On unless switched off
# (the demo and the test suite switch it off; see docs/security.md).
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=True)
OTP_TOTP_ISSUER = "Lianxin"

# --- language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "lianxin" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing root before the first collectstatic
STATICFILES_DIRS = [BASE_DIR / "static"]
# ECharts and Leaflet come from npm (package.json, installed into node_modules by ./dev setup), never a CDN:
# the finder serves only the built files the pages load.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "lianxin.insight.npm.NpmFinder",
]
MEDIA_URL = "media/"  # never routed: files go out through views that check scope (lianxin/core/media.py)
MEDIA_ROOT = VAR_DIR / "media"
# Who sends a checked file's bytes: Django itself, or the front server (nginx: X-Accel-Redirect to an
# internal location SENDFILE_URL aliased to MEDIA_ROOT; apache: X-Sendfile). See the README.
SENDFILE_BACKEND = {
    "django": "django_sendfile.backends.simple",
    "nginx": "django_sendfile.backends.nginx",
    "apache": "django_sendfile.backends.xsendfile",
}[env.str("MEDIA_SENDFILE", default="django")]
SENDFILE_ROOT = MEDIA_ROOT
SENDFILE_URL = env.str("MEDIA_SENDFILE_URL", default="/protected-media")
# Collected files get hashed names (cached for a year) and, in production, brotli and gzip copies made ahead of
# time. Compressing at brotli's highest level is nearly all of a collection's time (24 s of 24.4 s of CPU for
# some 330 files); `lianxin demo` serves the loopback, where compression buys nothing, so it turns it off.
STATIC_PRECOMPRESS = env.bool("STATIC_PRECOMPRESS", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_PRECOMPRESS
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Source maps (the API docs' and the admin's, 9 MB) are read by a developer's browser tools only: served as they
# are, never compressed. Compressing them at brotli's highest level was most of a collection's time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

# --- security -------------------------------------------------------------------------------
# HTTPS=true (production behind TLS): secure cookies, redirect plain HTTP, HSTS for a year. Behind a proxy that
# ends TLS, name the header it sets (SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO) or every request looks
# plain and is redirected forever; the proxy must overwrite that header, never pass on a client's.
HTTPS = env.bool("HTTPS", default=False) and not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool(
    "SECURE_HSTS_PRELOAD", default=HTTPS
)  # eligible; listing is a separate request
if proxy_header := env.str("SECURE_PROXY_SSL_HEADER", default=""):
    SECURE_PROXY_SSL_HEADER = (proxy_header, "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'", "blob:"],  # a voice note is played back from the phone before it is sent
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- background work ------------------------------------------------------------------------
HUEY_BACKEND = env.str("HUEY_BACKEND", default="sqlite")
# One queue per database (lianxin/ops/instance.py): two instances on one machine, or on one Redis, never run
# each other's tasks. The key changes with the database's engine, host, port or name (or SQLite file).
HUEY_QUEUE_KEY = queue_key(DATABASES["default"])
HUEY: dict[str, object] = {
    "name": f"lianxin-{HUEY_QUEUE_KEY}",
    "immediate": env.bool("HUEY_IMMEDIATE", default=False),
    "consumer": {"workers": env.int("HUEY_WORKERS", default=2), "worker_type": "thread"},
}
if HUEY_BACKEND == "redis":
    HUEY.update(
        {
            "huey_class": "huey.RedisHuey",
            "connection": {"url": env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")},
        }
    )
else:
    HUEY.update(
        {"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / f"huey-{HUEY_QUEUE_KEY}.sqlite3")}
    )

# The daily digest for staff (lianxin/notify/digest.py): sent from this hour on, town time (TIME_ZONE).
DIGEST_HOUR = env.int("DIGEST_HOUR", default=8)

# Supervision: an assignment turns yellow this long before its deadline (emergencies: minutes).
SUPERVISION_YELLOW_HOURS = env.int("SUPERVISION_YELLOW_HOURS", default=24)
SUPERVISION_YELLOW_MINUTES_EMERGENCY = env.int("SUPERVISION_YELLOW_MINUTES_EMERGENCY", default=30)

# Rate limits and throttles count in the default cache, so every worker must see the same one: `lianxin serve`
# sets CACHE_URL to the database cache (dbcache://lianxin_cache, made by `lianxin migrate`) unless one is given.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://lianxin")}
# The limits decide by the count an atomic increment returns; Django's database cache increments by a read and
# a write, so a database cache is ours, which holds the row while it counts (lianxin/core/cache.py).
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
    CACHES["default"]["BACKEND"] = "lianxin.core.cache.DatabaseCache"

FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
# Where `lianxin backup` writes its archives unless told (--out); keep them off this machine too (docs/operations.md).
BACKUP_DIR = Path(env.str("LIANXIN_BACKUP_DIR", default=str(VAR_DIR / "backups")))
# The WSGI entry point (gunicorn, however started) refuses to start without SECRET_KEY and FIELD_ENCRYPTION_KEYS
# in the environment (lianxin/ops/startkeys.py) unless this is on: `lianxin demo` and the test suite turn it on.
ALLOW_DERIVED_KEYS = env.bool("LIANXIN_ALLOW_DERIVED_KEYS", default=False)
# The key that signs the intake's trained models (lianxin/intake/sealing.py); empty: derived from SECRET_KEY.
# Never kept in the database: a model row whose signature this key does not confirm is never unpickled.
INTAKE_MODEL_KEY = env.str("INTAKE_MODEL_KEY", default="")
# The web and worker processes load jieba's dictionary and every town's intake model in a thread as they
# start (lianxin/intake/warm.py), so the first suggestion does not wait for them. Off in the test suite.
INTAKE_WARM_AT_START = env.bool("INTAKE_WARM_AT_START", default=True)

# The audit trail (lianxin/audit) keeps every entry at least this long; the database refuses to delete a
# younger one (never fewer than 180 days, whatever is set).
AUDIT_RETENTION_DAYS = max(180, env.int("AUDIT_RETENTION_DAYS", default=365))
# A finished demand keeps its requester's name, phone and ID number this long after closing; then the worker
# clears them (lianxin/privacy, nightly; `lianxin manage anonymise_demands`).
DEMAND_RETENTION_DAYS = env.int("DEMAND_RETENTION_DAYS", default=730)

# Exported sheets (django-import-export): a leading "=" is stripped so no cell becomes a formula, and
# characters Excel refuses are replaced instead of failing the export.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True

# --- personal data ---------------------------------------------------------------------------
# Names, phones and ID numbers are masked for every reader; one who needs them gives a reason and sees
# them once (a reveal, written to the audit trail). Reveals per account, counted on the default cache.
PERSONAL_REVEAL_RATE = env.str("PERSONAL_REVEAL_RATE", default="30/h")

# --- citizen portal -------------------------------------------------------------------------
# Anonymous submissions, tracking guesses and sign-in texts are limited per address and per phone or code
# (lianxin/portal/limits.py: counted in the default cache, shared by every worker under `lianxin serve`: the
# database, or Redis with CACHE_URL).
PORTAL_SUBMIT_RATE_IP = env.str("PORTAL_SUBMIT_RATE_IP", default="20/h")
PORTAL_SUBMIT_RATE_PHONE = env.str("PORTAL_SUBMIT_RATE_PHONE", default="5/h")
PORTAL_TRACK_FAIL_RATE = env.str("PORTAL_TRACK_FAIL_RATE", default="5/15m")
PORTAL_SMS_RATE = env.str("PORTAL_SMS_RATE", default="5/h")
# Behind a reverse proxy every visitor arrives from the proxy's address: name the request.META key that
# holds the visitor's (e.g. HTTP_X_REAL_IP, set by the proxy) or a dotted path to a function of the request.
RATELIMIT_IP_META_KEY = env.str("RATELIMIT_IP_META_KEY", default=None)
PORTAL_PHOTO_MAX_BYTES = env.int("PORTAL_PHOTO_MAX_BYTES", default=8 * 1024 * 1024)
PORTAL_PHOTO_MAX_COUNT = env.int("PORTAL_PHOTO_MAX_COUNT", default=4)
# Staff forms (recording, completion evidence) also take PDF documents (lianxin/core/uploads.py).
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
ATTACHMENT_MAX_COUNT = env.int("ATTACHMENT_MAX_COUNT", default=8)
# Voice notes on the phone pages (lianxin/core/audio.py): checked with ffprobe, re-encoded with ffmpeg.
VOICE_MAX_BYTES = env.int("VOICE_MAX_BYTES", default=10 * 1024 * 1024)
VOICE_MAX_SECONDS = env.int("VOICE_MAX_SECONDS", default=120)
VOICE_FFMPEG_SECONDS = env.int("VOICE_FFMPEG_SECONDS", default=30)  # each ffprobe/ffmpeg call's time limit
FFMPEG_BINARY = env.str("FFMPEG_BINARY", default="ffmpeg")
FFPROBE_BINARY = env.str("FFPROBE_BINARY", default="ffprobe")
# The address printed QR codes point at; empty: the address the request came in on.
PORTAL_PUBLIC_BASE_URL = env.str("PORTAL_PUBLIC_BASE_URL", default="")
LOGIN_CODE_MINUTES = env.int("LOGIN_CODE_MINUTES", default=5)
LOGIN_CODE_MAX_ATTEMPTS = env.int("LOGIN_CODE_MAX_ATTEMPTS", default=5)

# --- REST API and Open311 (lianxin/api) -------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "lianxin.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "lianxin.api.exceptions.handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lianxin API",
    "DESCRIPTION": "Demands (诉求) and the town's grid, people and departments. See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "lianxin.api.schema.document_bad_input",
    ],
}

# The edge refuses control characters (lianxin/core/middleware.py); the APIs answer in their own error shape.
BAD_INPUT_RESPONSES = {
    "/open311/": "lianxin.api.open311.bad_input_response",
    "/api/": "lianxin.api.exceptions.bad_input_response",
}

# Outbound calls (webhooks; SMS gateways and group robots too): https only unless OUTBOUND_ALLOW_HTTP, and never to
# a loopback, private, link-local or other non-public address unless it lies in one of OUTBOUND_ALLOWED_NETWORKS
# (comma-separated CIDRs, e.g. a town's own intranet receiver 10.20.0.0/16; a typo stops the start). The rule:
# lianxin/core/outbound.py, docs/security.md.
OUTBOUND_ALLOW_HTTP = env.bool("OUTBOUND_ALLOW_HTTP", default=False)
OUTBOUND_ALLOWED_NETWORKS = [
    str(ipaddress.ip_network(cidr, strict=False))
    for cidr in env.list("OUTBOUND_ALLOWED_NETWORKS", default=[])
]

SMS_BACKEND = env.str("SMS_BACKEND", default="lianxin.notify.channels.FileSMSBackend")
# SMS gateways (docs/notifications.md, "SMS gateways"): SMS_BACKEND names lianxin.notify.sms.AliyunSMSBackend or
# lianxin.notify.sms.TencentSMSBackend for real texts. Gateways send approved templates only: SMS_TEMPLATES (JSON)
# maps each of Lianxin's template names to the provider's template code/id, e.g.
# {"receipt": {"aliyun": "SMS_4000001", "tencent": "2000001"}}; a notice without one is not texted (its outbox
# row fails with the reason). Keys come from the environment only.
SMS_SIGN_NAME = env.str("SMS_SIGN_NAME", default="连心")
SMS_TEMPLATES: dict[str, dict[str, str]] = env.json("SMS_TEMPLATES", default={})
SMS_ALIYUN_ACCESS_KEY_ID = env.str("SMS_ALIYUN_ACCESS_KEY_ID", default="")
SMS_ALIYUN_ACCESS_KEY_SECRET = env.str("SMS_ALIYUN_ACCESS_KEY_SECRET", default="")
SMS_ALIYUN_ENDPOINT = env.str("SMS_ALIYUN_ENDPOINT", default="https://dysmsapi.aliyuncs.com")
SMS_TENCENT_SECRET_ID = env.str("SMS_TENCENT_SECRET_ID", default="")
SMS_TENCENT_SECRET_KEY = env.str("SMS_TENCENT_SECRET_KEY", default="")
SMS_TENCENT_APP_ID = env.str("SMS_TENCENT_APP_ID", default="")  # the SmsSdkAppId
SMS_TENCENT_REGION = env.str("SMS_TENCENT_REGION", default="ap-guangzhou")
SMS_TENCENT_ENDPOINT = env.str("SMS_TENCENT_ENDPOINT", default="https://sms.tencentcloudapi.com")
SMS_TIMEOUT_SECONDS = env.float("SMS_TIMEOUT_SECONDS", default=10)
SMS_DAILY_CAP_PER_NUMBER = env.int("SMS_DAILY_CAP_PER_NUMBER", default=10)  # notice texts a number gets a day
SMS_QUIET_HOURS = (env.int("SMS_QUIET_FROM", default=21), env.int("SMS_QUIET_UNTIL", default=8))  # town time
# The secret part of the receipt callback URLs (neither gateway signs its callbacks); blank: derived from
# SECRET_KEY. `manage.py sms_callbacks` prints the URLs to enter in each console. SMS_CALLBACK_NETWORKS (CIDRs),
# when set, is the only source the callbacks are taken from.
SMS_CALLBACK_TOKEN = env.str("SMS_CALLBACK_TOKEN", default="")
SMS_CALLBACK_NETWORKS = env.list("SMS_CALLBACK_NETWORKS", default=[])
EMAIL_CHANNEL_BACKEND = env.str("EMAIL_CHANNEL_BACKEND", default="lianxin.notify.channels.DjangoEmailBackend")
# Group robots (lianxin/notify/robots.py, docs/notifications.md): the platforms' webhook addresses (a test or an
# intranet relay may point them elsewhere; the outbound rule applies) and each robot's messages a minute.
ROBOT_WECOM_URL = env.str("ROBOT_WECOM_URL", default="https://qyapi.weixin.qq.com/cgi-bin/webhook/send")
ROBOT_DINGTALK_URL = env.str("ROBOT_DINGTALK_URL", default="https://oapi.dingtalk.com/robot/send")
ROBOT_RATE_PER_MINUTE = env.int("ROBOT_RATE_PER_MINUTE", default=20)
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals_without_traceback": {"()": "lianxin.core.logs.RefusalsWithoutTraceback"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["refusals_without_traceback"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's own console handler (DEBUG only) would write each of its records a second time beside the root's.
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # django-health-check logs each failing check with its traceback at WARNING: a load balancer asking
        # every few seconds would bury the log. /readyz says what failed; its unexpected errors stay (ERROR).
        "health_check": {"level": "ERROR"},
    },
}

LIANXIN_VERBOSE_NAME = _("Lianxin")

# --- insight (lianxin/insight) ----------------------------------------------------------------
# The grid map draws the cells' own shapes; a base layer only when one is named: a Tianditu key, or any tile
# URL with {z}/{x}/{y} (and {s}). Empty (the default): nothing is fetched from the internet.
MAP_TIANDITU_KEY = env.str("MAP_TIANDITU_KEY", default="")
MAP_TILE_URL = env.str("MAP_TILE_URL", default="")
# A cell with demands in this many days and no deputy contact in them is a coverage gap.
INSIGHT_CONTACT_DAYS = env.int("INSIGHT_CONTACT_DAYS", default=30)

# --- duty (lianxin/duty) ----------------------------------------------------------------------
# A station's check-in code changes every this many local days (7: a sheet printed weekly, from Monday); the
# code of the period before stays good, for a shift across midnight.
DUTY_CHECKIN_PERIOD_DAYS = env.int("DUTY_CHECKIN_PERIOD_DAYS", default=1)

# Exports (lianxin/exports): a list of up to EXPORT_DIRECT_ROWS rows downloads at once, a longer one is a worker
# job read in keyset batches of EXPORT_BATCH rows. A job's file (lianxin/jobs) is removed after JOB_KEEP_DAYS days
# (EXPORT_KEEP_DAYS, its name before the job app, still sets it).
EXPORT_DIRECT_ROWS = env.int("EXPORT_DIRECT_ROWS", default=2000)
EXPORT_BATCH = env.int("EXPORT_BATCH", default=2000)
EXPORT_KEEP_DAYS = env.int("EXPORT_KEEP_DAYS", default=7)
JOB_KEEP_DAYS = env.int("JOB_KEEP_DAYS", default=EXPORT_KEEP_DAYS)

# --- health and monitoring (lianxin/ops, docs/operations.md "Health and monitoring") ----------------------------
# /readyz fails (503) when no worker beat within this many seconds; HEALTH_WORKER_REQUIRED=false makes a silent
# worker a warning only (200, "degraded"), for a load balancer that should keep the web nodes in service.
HEALTH_WORKER_MAX_AGE = env.int("HEALTH_WORKER_MAX_AGE", default=120)
HEALTH_WORKER_REQUIRED = env.bool("HEALTH_WORKER_REQUIRED", default=True)
# Warnings ("degraded", still 200): the oldest undelivered message older than this many seconds; this many jobs
# failed in the last day; less free disk than this under VAR_DIR and MEDIA_ROOT (below HEALTH_DISK_FAIL_MB: 503).
HEALTH_OUTBOX_MAX_AGE = env.int("HEALTH_OUTBOX_MAX_AGE", default=900)
HEALTH_FAILED_JOBS_WARN = env.int("HEALTH_FAILED_JOBS_WARN", default=1)
HEALTH_DISK_WARN_MB = env.int("HEALTH_DISK_WARN_MB", default=2048)
HEALTH_DISK_FAIL_MB = env.int("HEALTH_DISK_FAIL_MB", default=200)
# /metrics, and the details of /readyz, for a bearer of METRICS_TOKEN (Authorization: Bearer …) or a visitor
# from METRICS_ALLOWED_NETWORKS (CIDRs; the address as lianxin/accounts/client_ip.py reads it). Neither set:
# /metrics answers 404 to everyone.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = [
    str(ipaddress.ip_network(cidr, strict=False)) for cidr in env.list("METRICS_ALLOWED_NETWORKS", default=[])
]
# The name a worker's heartbeat is kept under (one row each); empty: the host's name.
WORKER_NAME = env.str("WORKER_NAME", default="")
# Jobs that cannot hang (lianxin/jobs, the sweep every five minutes): a running job not heard from for
# JOB_STALE_MINUTES, or a queued one no worker took in JOB_QUEUE_LIMIT_MINUTES, is failed with a retry for its owner.
JOB_STALE_MINUTES = env.int("JOB_STALE_MINUTES", default=15)
JOB_QUEUE_LIMIT_MINUTES = env.int("JOB_QUEUE_LIMIT_MINUTES", default=240)
