"""Rimelig's settings: one module, every value read from the environment (see README).

Nothing here branches on "where are we running"; the environment says. A bad value stops
start-up with ImproperlyConfigured (config/env.py).
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config import embedded
from config.env import (
    BROKER_SCHEMES,
    env,
    read_bool,
    read_database,
    read_email,
    read_int,
    read_list,
    read_url,
)
from core import logging as config_logging

BASE_DIR = Path(__file__).resolve().parent.parent
# A developer's .env (git-ignored; `make install` writes DEBUG=1 into a new one) fills in what
# the environment does not set, so a plain `manage.py` works on a workstation. Production sets
# its variables in the environment and has no .env.
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")
VAR_DIR = Path(env.str("RIMELIG_VAR_DIR", default=str(BASE_DIR / "var"))).resolve()

DEBUG = read_bool("DEBUG", False)
# Django's technical error pages (every URL, the traceback) only when asked for; otherwise
# Rimelig's own 404 and 500 pages under DEBUG too (ops.errors.OwnErrorPagesMiddleware).
DEBUG_ERROR_PAGES = read_bool("DEBUG_ERROR_PAGES", False)
_INSECURE_KEY = "django-insecure-rimelig-demo-only-never-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_INSECURE_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
if not DEBUG and (SECRET_KEY == _INSECURE_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 random characters in production.")

ALLOWED_HOSTS = read_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = read_list("CSRF_TRUSTED_ORIGINS", [])

# Synthetic identity numbers (month + 80, Skatteetaten's test numbers) are for the demo and the
# tests only; a production municipality registers real children.
ALLOW_SYNTHETIC_ID_NUMBERS = read_bool("ALLOW_SYNTHETIC_ID_NUMBERS", DEBUG)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "pgtrigger",
    "pghistory",
    "axes",
    "core",
    "teams",
    "referrals",
    "decisions",
    "documents",
    "ops",
    "demo",
    # The JSON API for the municipality's other systems (issue 21, api/). Not "rest_framework":
    # the API renders JSON only (no browsable API, none of its templates), and its Norwegian
    # catalogue would override Django's own messages on every page ("Feltet er påkrevet." became
    # "Dette feltet er påkrevd.").
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    # First: a request id for every log line and the X-Request-ID header (ops/middleware.py).
    "ops.middleware.RequestIdMiddleware",
    # Above SecurityMiddleware, so that an error it raises (an unknown Host) gets the policy:
    # the CSP, and (core/middleware.py) the security headers on every error answer, DEBUG
    # pages included; X-Frame-Options on every answer, short-circuited ones included.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "core.middleware.PolicyOnErrorPagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Under DEBUG, Rimelig's own 404 and 500 pages unless DEBUG_ERROR_PAGES=1.
    "ops.errors.OwnErrorPagesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # GET, HEAD and POST only; OPTIONS, TRACE and the rest get an empty 405.
    "core.middleware.AllowedMethodsMiddleware",
    # An admin query string with NUL or another control character is a 400 (Django's filters).
    "core.middleware.ControlCharactersInQueryMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.NorwegianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Logs each refused (403/404) attempt on a child's or case's page once.
    "referrals.access_log.AccessLogDeniedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After auth, messages and htmx: it logs out, says why, and answers htmx with a redirect.
    "teams.middleware.SessionTimeoutMiddleware",
    "core.middleware.NoStoreForSignedInMiddleware",
    # Records request.user and the path with every change (core/history.py).
    "pghistory.middleware.HistoryMiddleware",
    # Last: turns a login refused by AxesStandaloneBackend into the lockout page.
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "teams.context_processors.navigation",
                "decisions.context_processors.inbox",
            ],
        },
    },
    # The hot lists' rows only (caseloads, worklist, dashboard tables): Django's engine cost
    # 0.5 ms a row there (bench/README.md). Compiled once, autoescaped; core/jinja.py.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "core.jinja.environment", "autoescape": True},
    },
]

# --- Database: PostgreSQL everywhere; the embedded server when DATABASE_URL is not given.
_database = read_database("DATABASE_URL")
if _database is None:
    _database = embedded.database_config(VAR_DIR)
_database["CONN_MAX_AGE"] = read_int("CONN_MAX_AGE", 60, maximum=3600)
_database["CONN_HEALTH_CHECKS"] = True
_database.setdefault("OPTIONS", {})["connect_timeout"] = 5
# PostgreSQL's JIT compiles "expensive" plans first: 0.3–0.7 s for 20–80 ms of work on the
# dashboard's aggregates (bench/dashboard.py). Rimelig's queries are short; compile nothing.
_database["OPTIONS"]["options"] = "-c jit=off"
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "teams.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Axes first: it refuses a locked-out username+address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# --- Single sign-on with the municipality's OpenID Connect provider (teams/oidc.py), beside
# the local login, when OIDC_RP_CLIENT_ID is set. It signs in existing, active users by
# verified e-mail; it never creates users or roles.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
if OIDC_RP_CLIENT_ID:
    _oidc_schemes = {"https", "http"} if DEBUG else {"https"}
    OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
    OIDC_OP_AUTHORIZATION_ENDPOINT = read_url("OIDC_OP_AUTHORIZATION_ENDPOINT", _oidc_schemes)
    OIDC_OP_TOKEN_ENDPOINT = read_url("OIDC_OP_TOKEN_ENDPOINT", _oidc_schemes)
    OIDC_OP_USER_ENDPOINT = read_url("OIDC_OP_USER_ENDPOINT", _oidc_schemes)
    OIDC_OP_JWKS_ENDPOINT = read_url("OIDC_OP_JWKS_ENDPOINT", _oidc_schemes)
    _oidc_missing = [
        name
        for name in (
            "OIDC_RP_CLIENT_SECRET",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
            "OIDC_OP_JWKS_ENDPOINT",
        )
        if not globals()[name]
    ]
    if _oidc_missing:
        raise ImproperlyConfigured(
            "OIDC_RP_CLIENT_ID is set, so these must be set too: " + ", ".join(_oidc_missing)
        )
    OIDC_RP_SIGN_ALGO = "RS256"
    OIDC_RP_SCOPES = "openid email"
    OIDC_CREATE_USER = False
    # Seconds for each request to the provider; the user waits that long at most per call.
    OIDC_TIMEOUT = read_int("OIDC_TIMEOUT", 10, minimum=1, maximum=60)
    AUTHENTICATION_BACKENDS.append("teams.oidc.MunicipalOIDCBackend")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Redis and Celery. Without REDIS_URL, kombu's filesystem transport under var/ carries the
# tasks, so the demo needs no Redis.
REDIS_URL = read_url("REDIS_URL", {"redis", "rediss"})
CELERY_BROKER_URL = read_url("CELERY_BROKER_URL", BROKER_SCHEMES, REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {
    # Longer than any task may run (tasks are bounded well below an hour), or Redis would
    # hand an unacknowledged task to a second worker while the first still runs it.
    "visibility_timeout": read_int("CELERY_VISIBILITY_TIMEOUT", 2 * 3600, minimum=60),
}
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # A Redis that hangs (rather than refuses) fails a connection attempt in 2 s, not never.
    CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"] = 2
if CELERY_BROKER_URL.startswith("filesystem"):
    _broker_dir = VAR_DIR / "broker"
    for sub in ("queue", "processed", "control"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS.update(
        {
            "data_folder_in": str(_broker_dir / "queue"),
            "data_folder_out": str(_broker_dir / "queue"),
            "processed_folder": str(_broker_dir / "processed"),
            "control_folder": str(_broker_dir / "control"),
            "store_processed": False,
        }
    )
CELERY_TASK_ALWAYS_EAGER = False

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# {% cache %}'s fragments (the caseload's filter form): in each process's memory, keyed on
# everything the fragment shows; nothing about a child is ever in one.
CACHES["template_fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "template-fragments",
    "OPTIONS": {"MAX_ENTRIES": 2000},
}

# --- E-mail, as Django 6.1's MAILERS (the EMAIL_* settings are deprecated).
_email = read_email("EMAIL_URL", "consolemail://")
_mail_options: dict = {}
if _email["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
    # filemail://var/mail (relative to the project) or filemail:///srv/rimelig/mail
    _parts = urlsplit(env.str("EMAIL_URL"))
    _mail_options["file_path"] = str((BASE_DIR / (_parts.netloc + _parts.path)).resolve())
elif _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": _email.get("EMAIL_HOST") or "localhost",
        "port": int(_email.get("EMAIL_PORT") or 25),
        "username": _email.get("EMAIL_HOST_USER") or "",
        "password": _email.get("EMAIL_HOST_PASSWORD") or "",
        "use_tls": bool(_email.get("EMAIL_USE_TLS")),
        "use_ssl": bool(_email.get("EMAIL_USE_SSL")),
        "timeout": read_int("EMAIL_TIMEOUT", 20, minimum=1),
    }
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"], "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Rimelig <ikke-svar@rimelig.local>")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Language, time and dates: Norwegian bokmål first, English available; 25.11.2026.
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norsk bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

# --- Static files: Bootstrap, htmx and Chart.js are vendored under static/vendor, never a CDN.
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "var" / "staticfiles"))).resolve()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "ops.storage.StaticFilesStorage"  # whitenoise's, minus missing source maps
    },
}
# Attachments live outside the web root and are served only through a scoped view.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))).resolve()
# The access log is kept this many days; manage.py prune_access_log deletes older rows.
ACCESS_LOG_RETENTION_DAYS = read_int("ACCESS_LOG_RETENTION_DAYS", 5 * 365, minimum=30)
ATTACHMENT_MAX_BYTES = read_int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security: cookies and headers that hold in production; HTTPS settings when DEBUG is off.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = read_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = read_bool("CSRF_COOKIE_SECURE", True)
    LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = read_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = read_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading commits the whole domain to HTTPS in every browser, for months and beyond
    # our control; the municipality opts in. Until then Django's reminder (W021) is silenced.
    SECURE_HSTS_PRELOAD = read_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy, enforced on every response (Django's own middleware): scripts and
# styles only from our origin or carrying the request's nonce ({{ csp_nonce }} in templates);
# no inline style attributes, no plugins, no framing, forms post only to us.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],  # Bootstrap draws its icons as data: SVGs
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# --- The JSON API (api/, issue 21): keys only (no session: a signed-in browser gets a 401), a
# scope per view, a fixed window per client in Redis, JSON errors, the schema by drf-spectacular
# and Swagger UI from drf-spectacular-sidecar's files (no CDN, the CSP above unchanged).
API_RATE_PER_MINUTE = read_int("API_RATE_PER_MINUTE", 600, minimum=1, maximum=1_000_000)
API_KEY_PEPPER = env.str("API_KEY_PEPPER", default="")  # empty: SECRET_KEY (api/keys.py)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasScopes"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rimelig API",
    "DESCRIPTION": (
        "Saker, frister, vedtak, levert hjelp, dokumenter og oversiktens tall for kommunens "
        "andre systemer. Nøkler lages i administrasjonen (API-klienter), én kommune per nøkkel."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "teams.models.Unit.Kind",
        "DeadlineKindEnum": "referrals.clock.DeadlineKind",
    },
}

# --- Sessions: in the database, so that deactivating a user can delete all their sessions
# (a trigger on teams_user, see teams/models.py UserSession). A session ends after
# SESSION_IDLE_TIMEOUT without a request and SESSION_COOKIE_AGE after login, whatever
# happens in between (teams.middleware.SessionTimeoutMiddleware); a shared PC's browser
# forgets the cookie when it closes.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = read_int("SESSION_MAX_HOURS", 10, minimum=1, maximum=24) * 3600
SESSION_IDLE_TIMEOUT = timedelta(
    minutes=read_int("SESSION_IDLE_MINUTES", 30, minimum=1, maximum=24 * 60)
)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Login hardening (django-axes): AXES_FAILURE_LIMIT wrong passwords lock that e-mail
# address from that client address for AXES_COOLOFF_TIME. Locking on the combination means
# one person's mistakes cannot lock out a whole kindergarten behind one address, nor can a
# stranger lock a user out from everywhere. A successful login clears the count.
AXES_FAILURE_LIMIT = read_int("AXES_FAILURE_LIMIT", 5, minimum=1, maximum=100)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(
    minutes=read_int("AXES_COOLOFF_MINUTES", 30, minimum=1, maximum=24 * 60)
)
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # teams.forms.LoginForm's e-mail field
AXES_USERNAME_CALLABLE = "teams.security.login_username"
AXES_CLIENT_IP_CALLABLE = "teams.security.client_ip"
# A failed single sign-on is not a password guess: axes would lock SSO for a whole address.
AXES_WHITELIST_CALLABLE = "teams.oidc.not_a_password_attempt"
AXES_LOCKOUT_CALLABLE = "teams.security.lockout_response"
# The number of proxies in front of the app that append to X-Forwarded-For; 0 trusts none.
TRUSTED_PROXY_COUNT = read_int("TRUSTED_PROXY_COUNT", 0, maximum=10)

# pghistory's middleware attaches the user and path to changes made by writing requests.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# Structured logs (core/logging.py): JSON lines in production, readable text under DEBUG.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or text.")
LOGGING = config_logging.config(LOG_FORMAT, env.str("LOG_LEVEL", default="INFO"))

# --- Operations (ops/): the health endpoints answer a load balancer's plain-HTTP probe; one
# beat at a time (a PostgreSQL advisory lock; a second beat retries every N seconds).
SECURE_REDIRECT_EXEMPT = [r"^helse/"]
BEAT_LOCK = read_bool("BEAT_LOCK", True)
BEAT_LOCK_RETRY_SECONDS = read_int("BEAT_LOCK_RETRY_SECONDS", 10, minimum=1, maximum=300)
# A notification claimed ("sending") this long ago by a worker that died goes back to pending.
NOTIFICATION_STUCK_SECONDS = read_int("NOTIFICATION_STUCK_SECONDS", 15 * 60, minimum=5)

# --- Dispatch of final letters (documents/dispatch/): "local" writes each shipment (PDF and
# metadata) under OUTBOX_DIR for print and post; "svarut" sends through KS Fiks SvarUt's REST
# interface with the municipality's service account (avsender and service password, Basic).
DISPATCH_BACKEND = env.str("DISPATCH_BACKEND", default="local")
if DISPATCH_BACKEND not in ("local", "svarut"):
    raise ImproperlyConfigured("DISPATCH_BACKEND must be local or svarut.")
OUTBOX_DIR = Path(env.str("OUTBOX_DIR", default=str(VAR_DIR / "outbox"))).resolve()
SVARUT_URL = read_url("SVARUT_URL", {"https", "http"}, "https://svarut.ks.no")
SVARUT_USER = env.str("SVARUT_USER", default="")
SVARUT_PASSWORD = env.str("SVARUT_PASSWORD", default="")
if DISPATCH_BACKEND == "svarut" and not (SVARUT_USER and SVARUT_PASSWORD):
    raise ImproperlyConfigured("DISPATCH_BACKEND=svarut needs SVARUT_USER and SVARUT_PASSWORD.")
# Per call; a call that times out is retried and asks SvarUt first (by eksternReferanse)
# whether the letter arrived. KS recommends up to 16 minutes for large files; a letter is small.
SVARUT_TIMEOUT_SECONDS = read_int("SVARUT_TIMEOUT_SECONDS", 120, minimum=1, maximum=16 * 60)
