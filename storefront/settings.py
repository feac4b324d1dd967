"""Settings for the storefront, every one read from the environment.

With nothing set, the store runs on the embedded default: a SQLite file, Celery tasks executed eagerly,
emails printed to the console and kept in the development outbox. Production sets DATABASE_URL,
REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and the mail settings, and leaves DEBUG off.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from storefront.broker import give_up_on_a_timeout

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-key-never-used-with-debug-off-0123456789abcdef"
# Former keys, comma-separated, still accepted while a rotation completes: signed sessions and reset
# links, and the authenticator secrets until `manage.py mfa_secrets_rotate` (accounts.mfa_secrets).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

STORE_NAME = os.environ.get("STORE_NAME", "WebStore")
# A visitor who has not chosen a country sees this one (the code of accounts.countries: US is Miami).
STORE_DEFAULT_COUNTRY = os.environ.get("STORE_DEFAULT_COUNTRY", "US")
# The help centre's support line and the mailbox "Questions or Concerns" are sent to.
STORE_SUPPORT_PHONE = os.environ.get("STORE_SUPPORT_PHONE", "+1 305 406 4001")
STORE_SUPPORT_EMAIL = os.environ.get("STORE_SUPPORT_EMAIL", "support@store.test")
# The address links in emails point to.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Registers the trigram lookups catalog search uses on PostgreSQL; inert on SQLite.
    "django.contrib.postgres",
    "django_htmx",
    "template_partials",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "storefront",
    "accounts",
    "catalog",
    "orders",
    "quotes",
    "rma",
    "licensing",
    "storefront.help",
    "storefront.chat",
    "storefront.events",
    "storefront.audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Keeps the request for the audit trail's address (storefront.audit.services); no query.
    "storefront.audit.middleware.AuditRequestMiddleware",
    # Serves the collected static files from the web process itself (no separate file server).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's, without looking for a language in paths that cannot carry one (storefront/language.py).
    "storefront.language.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's, with the policy built once (storefront/csp.py).
    "storefront.csp.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.ContactMiddleware",
    "accounts.middleware.TotpRequiredMiddleware",
    "storefront.country.CountryMiddleware",
]

ROOT_URLCONF = "storefront.urls"
WSGI_APPLICATION = "storefront.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "storefront.context_processors.store",
                "storefront.context_processors.csp_nonce",
            ],
        },
    },
]

# Database: DATABASE_URL, else a SQLite file beside the code.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, placeholders found without a regular expression (storefront/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "storefront.sqlite"
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Writers take the lock when their transaction begins, not halfway: two orders placed at once
    # wait in turn instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    # Write-ahead log: a commit appends to one file and syncs it once (the rollback journal syncs the
    # journal, the database and the directory), and readers never wait for a writer. A sign-in makes
    # five small commits; with the journal they cost as much as everything else it does but the hash.
    # synchronous=FULL keeps every commit durable across a power cut (NORMAL could lose the last ones).
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A scan of a large table starts at its first page, not wherever another scan of it has got to:
    # a search for a common word reads products until its window is full (catalog.selectors), and the
    # same search must find the same window on its first page and its second.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronize_seqscans=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.StoreAuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.passwords.LengthValidator"},
    {"NAME": "accounts.passwords.LetterValidator"},
    {"NAME": "accounts.passwords.CapitalLetterValidator"},
    {"NAME": "accounts.passwords.NumberValidator"},
    {"NAME": "accounts.passwords.NoNamesValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: sign in by user id or email; no self sign-up (contacts are created by their
# account administrator, and new customers go through the distributor).
ACCOUNT_ADAPTER = "accounts.adapter.StoreAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Reset links carry Django's own token: bound to the password hash and email (single use) and to this
# timeout. (allauth's default token generator would also create allauth EmailAddress rows, which keep
# an old address signing in after an email change.)
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "django.contrib.auth.tokens.PasswordResetTokenGenerator"
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(2 * 3600)))
ACCOUNT_FORMS = {
    "login": "accounts.forms.SignInForm",
    "reset_password": "accounts.forms.ForgotPasswordForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
}
# Guessing is bounded per account whatever the address: at most SIGNIN_GUESSES_PER_HOUR wrong passwords
# or authenticator codes for one account in each clock hour (accounts.signin, counted in the database so
# the bound holds while Redis is down), however many addresses and names (user id, email) they come
# from. allauth's limits below count in the cache, and let everything through while Redis is down: per
# address, 10 a minute and 30 an hour; per name, 5 in 5 minutes (allauth's defaults, 10 a minute per
# address, would let 600 an hour through from each address).
SIGNIN_GUESSES_PER_HOUR = 100
# While an account's bound is spent, its holder can ask for a sign-in link by email: it works once,
# for SIGNIN_LINK_TTL, and allows SIGNIN_LINK_TRIES passwords (and codes) of its own; one live link per
# user at a time, and SIGNIN_LINK_REQUESTS_PER_IP_PER_HOUR requests per address.
SIGNIN_LINK_TTL = timedelta(minutes=15)
SIGNIN_LINK_TRIES = 5
SIGNIN_LINK_REQUESTS_PER_IP_PER_HOUR = 10
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,30/h/ip,5/5m/key",
    "reset_password": "20/m/ip,5/h/key",
    "reset_password_from_key": "20/m/ip,60/h/ip",
    "change_password": "10/m/user",
    "reauthenticate": "10/m/user",
}
# The client address every per-address limit counts (sign-in, Questions or Concerns, Become a
# Customer, Request Access, events, chat): behind N proxies of ours, the Nth address from the right of
# X-Forwarded-For (or the header a proxy sets, e.g. X-Real-IP); with none, the connection's address.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("TRUSTED_CLIENT_IP_HEADER") or None
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_PASSWORD_MIN_LENGTH = None
ACCOUNT_EMAIL_NOTIFICATIONS = False

# Two-step sign-in: a code from an authenticator app (TOTP), optional for every contact, required for
# the administrators of an account that turns it on (Account.totp_required_for_admins). Wrong codes
# count in the account's bound of guesses (accounts.forms.AuthenticatorCodeForm). No recovery codes: a
# contact who loses its phone asks its administrator's sales executive, who removes the authenticator
# in the back office.
MFA_SUPPORTED_TYPES = ["totp"]
MFA_ADAPTER = "accounts.adapter.StoreMFAAdapter"
MFA_FORMS = {
    "authenticate": "accounts.forms.AuthenticatorCodeForm",
    "reauthenticate": "accounts.forms.AuthenticatorReauthenticateForm",
    "activate_totp": "accounts.forms.AuthenticatorActivateForm",
}
MFA_TOTP_ISSUER = STORE_NAME
# A phone whose clock is a little off still works: the codes of the 30 seconds before and after count
# too (RFC 6238's one step). Three right codes in a million, at 100 guesses an hour at most.
MFA_TOTP_TOLERANCE = 1

# The cache holds the per-address rate limits and the sessions' read copies; with DEBUG off it must be
# Redis, shared by every web process. A cache in each process's memory (LOCAL_CACHE) is for
# development and for a single process with nothing to share: the test suite, a build step.
REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT", "2"))
LOCAL_CACHE = env_bool("LOCAL_CACHE", DEBUG)
if not REDIS_URL and not LOCAL_CACHE:
    raise ImproperlyConfigured(
        "REDIS_URL must be set when DEBUG is off: without Redis each web process would keep its own cache, "
        "so the per-address sign-in limits and the other throttles would count per process, not for the store. "
        "(A single process with nothing to share, such as a build step, may set LOCAL_CACHE=1 instead.)"
    )
if REDIS_URL:
    CACHES = {
        "default": {
            # An unreachable Redis is a cache miss, not a 500 (storefront/cache.py); and it is found
            # unreachable within REDIS_TIMEOUT seconds, not the operating system's minutes.
            "BACKEND": "storefront.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "storefront"),
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Django's cookie-then-session messages, the cookie's signer made only when there is a cookie (storefront/messages.py).
MESSAGE_STORAGE = "storefront.messages.MessageStorage"

# Sessions are read from the cache (Redis in production) and written through to the database, so a
# signed-in request costs no session query and a restarted cache signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Internationalisation: every string is marked; English and Spanish.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "STATICFILES_STORAGE",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Email: every message is first a row of storefront.OutboundEmail, then sent by a task.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "WebStore <no-reply@webstore.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
OUTBOX_SWEEP_SECONDS = float(os.environ.get("OUTBOX_SWEEP_SECONDS", "60"))
OUTBOX_RETRY_AFTER_SECONDS = int(os.environ.get("OUTBOX_RETRY_AFTER_SECONDS", "120"))
# After this many failed deliveries the sweep stops; the email stays "failed" in the back office.
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "10"))
# A delivery claims its row for this long before it sends; a worker killed mid-send leaves the claim,
# and the sweep sends the email again once it expires. Longer than any send can take (several
# EMAIL_TIMEOUTs), or a slow send could be claimed and sent again by a second worker.
OUTBOX_CLAIM_SECONDS = int(os.environ.get("OUTBOX_CLAIM_SECONDS", "300"))

# Celery: Redis when REDIS_URL is set; otherwise tasks run eagerly in the calling process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
# kombu's Redis transport with one redis-py client per channel (storefront/broker.py): the same broker,
# messages and acks, without building a client for each publish and ack. Only for redis://: memory://
# (no Redis) and rediss:// (kombu checks its TLS options by that name) keep kombu's own.
REDIS_BROKER_TRANSPORT = "storefront.broker:Transport"
CELERY_BROKER_TRANSPORT = REDIS_BROKER_TRANSPORT if REDIS_URL.startswith("redis://") else None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing fails fast when the broker is down (Celery #4296: `.delay()` must not hang a checkout):
# a bounded connect timeout and at most two quick retries, then the caller logs and the outbox sweep
# delivers the stored email later.
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT
# A timeout is not retried (storefront/broker.py): a frozen Redis would make each retry wait as long.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5, "errback": give_up_on_a_timeout,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": REDIS_TIMEOUT,
    # Above the worker's one-second BRPOP, so an idle worker's poll never times out.
    "socket_timeout": max(REDIS_TIMEOUT, 2.0),
}
# Emails, the most frequent tasks and waiting on SMTP, go to a queue of their own served by a worker
# with a threads pool (docker-compose.yml's worker-email): handing a message to a thread costs less
# than handing it to a prefork child. Everything else (PDFs, Price List exports, the sweeps) stays on
# the default queue and its prefork worker, which enforces time limits and runs CPU-heavy work in
# parallel. Routes only apply to tasks sent to the broker; eagerly run tasks ignore them.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {"storefront.tasks.email_send": {"queue": "emails"}}
# Volume licensing: an order's eCertificate becomes available this many hours after it is received;
# beat looks for due certificates every VL_CERTIFICATE_SWEEP_SECONDS.
VL_CERTIFICATE_DELAY_HOURS = int(os.environ.get("VL_CERTIFICATE_DELAY_HOURS", "24"))
VL_CERTIFICATE_SWEEP_SECONDS = int(os.environ.get("VL_CERTIFICATE_SWEEP_SECONDS", "300"))
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {
        "task": "storefront.tasks.outbox_sweep",
        "schedule": timedelta(seconds=OUTBOX_SWEEP_SECONDS),
    },
    "licensing-certificates-release": {
        "task": "licensing.tasks.vl_certificates_release_due",
        "schedule": timedelta(seconds=VL_CERTIFICATE_SWEEP_SECONDS),
    },
    "price-list-exports-purge": {
        "task": "catalog.tasks.price_list_exports_purge_task",
        "schedule": timedelta(days=1),
    },
    "search-words-refresh": {
        "task": "catalog.tasks.search_words_refresh_task",
        "schedule": timedelta(days=1),
    },
    "signin-records-purge": {
        "task": "accounts.tasks.signin_records_purge_task",
        "schedule": timedelta(days=1),
    },
}

# Price List downloads: a listing of at most this many rows is built by the request and downloaded at
# once; a larger one is built by a task while the page shows its progress, so no web process is held
# up by a big file.
PRICE_LIST_SYNC_MAX_ROWS = int(os.environ.get("PRICE_LIST_SYNC_MAX_ROWS", "2000"))
# Files built by the task are kept this many days ("My recent files"), then purged by beat.
PRICE_LIST_KEEP_DAYS = int(os.environ.get("PRICE_LIST_KEEP_DAYS", "7"))

# Invoices: the payment terms every account buys on. An invoice is due this many days after the day
# it is issued; the account statement ages what is still unpaid from that due date.
# A new quote is valid this many days unless the reseller sets another date.
QUOTE_VALID_DAYS = int(os.environ.get("QUOTE_VALID_DAYS", "15"))
INVOICE_PAYMENT_DAYS = int(os.environ.get("INVOICE_PAYMENT_DAYS", "30"))

# Contact lifecycle: codes and links.
VERIFICATION_CODE_TTL = timedelta(minutes=10)
VERIFICATION_CODE_MAX_TRIES = 5
VERIFICATION_CODE_SENDS_PER_HOUR = 5
CONTACT_LINK_TTL = timedelta(hours=int(os.environ.get("CONTACT_LINK_TTL_HOURS", "72")))

# Content security policy, enforced (not report-only) on every response: only our own scripts, each
# <script> of a page also carrying the response's nonce ({{ csp_nonce }}, which htmx_script adds);
# no inline script, event handler attribute, style attribute or eval (hence no hx-on).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Security: secure by default; DEBUG (development) relaxes what needs HTTPS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# No script reads a cookie: htmx sends the CSRF token from the page (base.html's hx-headers).
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
# Lax: a link from an email still opens the store signed in; a cross-site POST carries no cookie.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Lines that carry a request's path (a 404 on a reset link) have link keys and secrets masked.
    "filters": {"redact_secrets": {"()": "storefront.logfilters.RedactSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers replaced by the root's console: its mail_admins would email the request's
        # report (path, query, headers, a traceback's local variables) unmasked, and sends nothing here
        # anyway (no ADMINS); errors are read where every other line is, in the process's output.
        "django": {"handlers": [], "level": "INFO"},
        # WeasyPrint logs every step of every PDF at INFO; its warnings (a missing font) still show.
        "weasyprint.progress": {"level": "WARNING"},
        # A worker logs each task once, when it ends ("succeeded in", a retry, a failure, with its name
        # and id): the line a worker also wrote on receiving it cost every task ~0.1 ms before it started.
        "celery.worker.strategy": {"level": "WARNING"},
        # A filter on a logger applies to the lines logged there, whatever handler takes them.
        "django.request": {"filters": ["redact_secrets"]},
        "django.server": {"filters": ["redact_secrets"]},
        "django.security": {"filters": ["redact_secrets"]},
    },
}
