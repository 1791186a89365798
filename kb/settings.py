"""Kennisbank settings.

Everything that differs between a laptop and production is read from the
environment (``DJANGO_`` prefix, plus ``DATABASE_URL``). The defaults are safe:
debug is off unless asked for, and the database is an SQLite file in the
project folder.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def media_origins(storage, media_url):
    """The origins images are served from when that is not this site: what the
    Content-Security-Policy's img-src must allow."""
    options = storage.get("OPTIONS", {})
    if storage["BACKEND"].startswith("storages.backends.s3"):
        if options.get("custom_domain"):
            return [f"https://{options['custom_domain']}"]
        endpoint = options.get("endpoint_url")
        if endpoint:
            scheme, _, host = endpoint.partition("://")
            host = host.split("/")[0]
            if options.get("addressing_style") == "virtual":
                return [f"{scheme}://{options['bucket_name']}.{host}"]
            return [f"{scheme}://{host}"]
        region = options.get("region_name")
        host = f"s3.{region}.amazonaws.com" if region else "s3.amazonaws.com"
        return [f"https://{options['bucket_name']}.{host}"]
    if "://" in media_url:
        scheme, _, rest = media_url.partition("://")
        return [f"{scheme}://{rest.split('/')[0]}"]
    return []


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string, "
            "or set DJANGO_DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# Reverse proxies (addresses or networks) whose X-Forwarded-For is believed.
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.forms",
    "taggit",
    "reversion",
    "articles",
    "images",
    "search",
    # The parts of the column page come in this order: "Was dit nuttig?", the share
    # links, the reactions.
    "feedback",
    "subscriptions",
    "reactions",
    "figures",
    "transfer",
    "ops",
]

MIDDLEWARE = [
    "ops.requestlog.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Above the page cache, so that views of cached column pages are counted too,
    # and searches answered from it are logged.
    "figures.counter.ViewCountMiddleware",
    "search.log.SearchLogMiddleware",
    # Old WordPress addresses (?p=123, /2012/01/07/titel/) answer 301 to the column.
    "transfer.middleware.LegacyAddressMiddleware",
    # A page from the cache skips the middleware below: it is rendered already (with
    # the headers the middleware gave it), for an anonymous reader without messages.
    "ops.pagecache.PageCacheMiddleware",
    # After the cache, as Django advises for its own; no URL here is translated, so
    # CommonMiddleware needs no active language.
    "django.middleware.locale.LocaleMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "kb.urls"

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
                "articles.context_processors.site",
            ],
        },
    },
]

# Form widgets render with the project's templates too (the column editor's widget).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "kb.wsgi.application"

# Database: an SQLite file by default; DATABASE_URL switches to PostgreSQL.
SQLITE_PATH = BASE_DIR / "db.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{SQLITE_PATH}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait for each other instead of failing with
    # "database is locked": WAL journal, IMMEDIATE transactions, a busy timeout.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DJANGO_CONN_MAX_AGE", 60)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# Read replicas: PostgreSQL streaming replicas of the primary above (docs/scaling.md).
# Public reads of a request go to one of them; writes, the admin and everything outside
# a request stay on the primary (ops/replicas.py).
DATABASE_REPLICAS = []
for number, url in enumerate(env_list("DJANGO_DATABASE_REPLICA_URLS"), start=1):
    replica = dj_database_url.parse(
        url, conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    if replica["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DJANGO_DATABASE_REPLICA_URLS holds PostgreSQL streaming replicas only, "
            f"not {url.split('://')[0]!r} databases."
        )
    # A replica that does not answer is skipped after this many seconds, not waited for.
    replica["OPTIONS"] = {"connect_timeout": 2, **replica.get("OPTIONS", {})}
    # Tests create no database on a replica (it is read-only): it reads the test database.
    replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica_{number}"] = replica
    DATABASE_REPLICAS.append(f"replica_{number}")
if DATABASE_REPLICAS and DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DJANGO_DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL.")
# A replica further behind the primary than this is skipped until it has caught up.
REPLICA_MAX_LAG_SECONDS = env_int("DJANGO_REPLICA_MAX_LAG_SECONDS", 5)
if DATABASE_REPLICAS:
    DATABASE_ROUTERS = ["ops.replicas.ReplicaRouter"]
    # Below the request ids (its warnings carry one), above every middleware that reads.
    MIDDLEWARE.insert(1, "ops.replicas.ReplicaMiddleware")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache shared by all worker processes: Redis when configured, else the database.
REDIS_URL = os.environ.get("DJANGO_REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kb",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "kb_cache",
            "KEY_PREFIX": "kb",
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands")]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
# Dutch for the admin texts that Django ships untranslated (see locale/nl/).
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_MAX_AGE = 31536000  # hashed names: cache for a year

# Uploaded media (the image library): a folder on this machine by default, served under
# MEDIA_URL (by `make run` in development, by the reverse proxy in production). With
# DJANGO_MEDIA_S3_BUCKET set they go to S3-compatible object storage instead, which
# several app servers share. See docs/images.md.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
MEDIA_S3_BUCKET = os.environ.get("DJANGO_MEDIA_S3_BUCKET", "")
if MEDIA_S3_BUCKET:
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": os.environ.get("DJANGO_MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("DJANGO_MEDIA_S3_REGION") or None,
            "access_key": os.environ.get("DJANGO_MEDIA_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("DJANGO_MEDIA_S3_SECRET_ACCESS_KEY") or None,
            "custom_domain": os.environ.get("DJANGO_MEDIA_S3_CUSTOM_DOMAIN") or None,
            "addressing_style": os.environ.get("DJANGO_MEDIA_S3_ADDRESSING_STYLE") or None,
            # Public, permanent addresses: pages with images are cached whole.
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# Django itself serves MEDIA_URL from MEDIA_ROOT when true (development, tests, `make
# audit`); in production the reverse proxy does, or the files are in object storage.
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", DEBUG)
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

# Uploads to the image library: the largest file and picture accepted, and the widths of
# the renditions made of each image (never wider than the image itself).
IMAGES_MAX_BYTES = env_int("DJANGO_IMAGES_MAX_BYTES", 10 * 1024 * 1024)
IMAGES_MAX_PIXELS = env_int("DJANGO_IMAGES_MAX_PIXELS", 40_000_000)
IMAGES_RENDITION_WIDTHS = env_list("DJANGO_IMAGES_RENDITION_WIDTHS", "400,800,1200,1600")
if not all(width.isdigit() and int(width) > 0 for width in IMAGES_RENDITION_WIDTHS):
    raise ImproperlyConfigured(
        "DJANGO_IMAGES_RENDITION_WIDTHS must be whole numbers of pixels, comma-separated, "
        f"not {','.join(IMAGES_RENDITION_WIDTHS)!r}."
    )
IMAGES_RENDITION_WIDTHS = [int(width) for width in IMAGES_RENDITION_WIDTHS]

# The largest WordPress export an editor may upload in the admin (transfer/); larger
# files are imported with `manage.py import_wordpress`.
TRANSFER_UPLOAD_MAX_BYTES = env_int("DJANGO_TRANSFER_UPLOAD_MAX_BYTES", 50 * 1024 * 1024)

# The admin's is the only login: after it, a `?next=` that is not on this site leads
# to the admin index (Django's default, /accounts/profile/, does not exist here).
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

# Themes typed as "Klant Centraal" match the existing "klant centraal".
TAGGIT_CASE_INSENSITIVE = True

# The public name of the site, used in titles, feeds and e-mails.
SITE_NAME = os.environ.get("DJANGO_SITE_NAME", "Kennisbank")
# Columns per page in listings.
COLUMNS_PER_PAGE = env_int("DJANGO_COLUMNS_PER_PAGE", 10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# Reader reactions (see README, "Reader reactions").
# Flood control per client address and per e-mail address, counted in the shared cache.
REACTIONS_MIN_INTERVAL = env_int("DJANGO_REACTIONS_MIN_INTERVAL", 30)
REACTIONS_PER_HOUR = env_int("DJANGO_REACTIONS_PER_HOUR", 10)
# "Was dit nuttig?": answers per client address per hour (feedback/services.py).
FEEDBACK_PER_HOUR = env_int("DJANGO_FEEDBACK_PER_HOUR", 30)
# Views of columns are counted in each worker's memory and written to the database
# this often, or after this many views (figures/counter.py); a crash loses at most that.
FIGURES_FLUSH_SECONDS = env_int("DJANGO_FIGURES_FLUSH_SECONDS", 10)
FIGURES_FLUSH_VIEWS = env_int("DJANGO_FIGURES_FLUSH_VIEWS", 500)
# The search log (search/log.py): kept this many days (`purge_search_log`); written
# from each worker's memory this often, or after this many entries, so a search shows
# in Zoekinzicht within a minute; a crash loses at most that.
SEARCH_LOG_DAYS = env_int("DJANGO_SEARCH_LOG_DAYS", 90)
SEARCH_LOG_FLUSH_SECONDS = env_int("DJANGO_SEARCH_LOG_FLUSH_SECONDS", 30)
SEARCH_LOG_FLUSH_ENTRIES = env_int("DJANGO_SEARCH_LOG_FLUSH_ENTRIES", 200)
# How many columns "Meest gelezen" lists on the home page and theme pages.
MOST_READ_COUNT = 5
# A form sent back faster than this many seconds after it was shown is a robot's.
REACTIONS_MIN_FORM_SECONDS = env_int("DJANGO_REACTIONS_MIN_FORM_SECONDS", 3)
# How long a shown form may be sent back; after that the reader gets a fresh one.
REACTIONS_FORM_MAX_AGE = env_int("DJANGO_REACTIONS_FORM_MAX_AGE", 24 * 3600)
# Reactions close by themselves this many days after publication (0: never).
REACTIONS_CLOSE_AFTER_DAYS = env_int("DJANGO_REACTIONS_CLOSE_AFTER_DAYS", 90)
# Days a reaction keeps the keyed hash of its client address.
REACTIONS_ADDRESS_RETENTION_DAYS = env_int("DJANGO_REACTIONS_ADDRESS_RETENTION_DAYS", 30)
# Who gets an e-mail when a reaction waits for approval.
REACTIONS_MODERATORS = env_list("DJANGO_REACTIONS_MODERATORS")
# Key of the client-address hash; rotating it makes old hashes unlinkable.
REACTIONS_CLIENT_HASH_KEY = os.environ.get("DJANGO_REACTIONS_CLIENT_HASH_KEY", "") or (
    f"reactions-client-hash:{SECRET_KEY}"
)

# E-mail: printed on the console in development (tests use locmem), SMTP otherwise.
if env_bool("DJANGO_EMAIL_CONSOLE", DEBUG):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
                "port": env_int("DJANGO_EMAIL_PORT", 25),
            },
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "redactie@localhost")
# Scheme and host of the site, for links in mail sent outside a request (send_digests).
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Following by e-mail (subscriptions app, docs/subscriptions.md).
# Days a confirmation link works; an address still unconfirmed after it is deleted.
SUBSCRIPTIONS_CONFIRM_DAYS = env_int("DJANGO_SUBSCRIPTIONS_CONFIRM_DAYS", 7)
# Sign-ups per hour per client address and per e-mail address.
SUBSCRIPTIONS_PER_HOUR = env_int("DJANGO_SUBSCRIPTIONS_PER_HOUR", 10)
# A follow form sent back faster than this is a robot's; older than this is stale.
SUBSCRIPTIONS_MIN_FORM_SECONDS = env_int("DJANGO_SUBSCRIPTIONS_MIN_FORM_SECONDS", 2)
SUBSCRIPTIONS_FORM_MAX_AGE = env_int("DJANGO_SUBSCRIPTIONS_FORM_MAX_AGE", 24 * 3600)

# --- Production: page cache, security headers, logging, backups (ops app) ---

# Public pages cached whole in the shared cache; 0 turns the page cache off.
PAGE_CACHE_SECONDS = env_int("DJANGO_PAGE_CACHE_SECONDS", 600)
PAGE_CACHE_NAMESPACES = ["articles", "search"]
# Cookies that do not make a request personal (the CSRF cookie always counts as such).
# kb_bekend: a reader's proof for posting reactions (reactions.views); no page shows it.
PAGE_CACHE_NEUTRAL_COOKIES = ["kb_bekend"]
if CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
    CACHES["default"]["OPTIONS"] = {"MAX_ENTRIES": env_int("DJANGO_CACHE_MAX_ENTRIES", 20000)}

# HTTPS: the reverse proxy terminates TLS and says so in X-Forwarded-Proto.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT")
if env_bool("DJANGO_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
# Strict Content Security Policy: only this site's own files (and the media storage's
# origin, when images are served from object storage); no inline code.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *media_origins(MEDIA_STORAGE, MEDIA_URL)],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Admin login: failed attempts allowed per client address and per user name.
LOGIN_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_PERIOD = env_int("DJANGO_LOGIN_FAILURE_PERIOD", 900)

# Where `make backup` writes its timestamped files.
BACKUP_DIR = Path(os.environ.get("DJANGO_BACKUP_DIR", BASE_DIR / "backups"))

# Logs on stdout, one line per event with the request id: JSON in production, plain
# text for reading by eye with debug on (DJANGO_LOG_FORMAT=json or plain chooses).
LOGGING["filters"] = {
    "request_context": {"()": "ops.requestlog.RequestContextFilter"},
    "access_below_400": {"()": "ops.requestlog.AccessLinesBelow400"},
}
LOGGING["formatters"]["json"] = {"()": "ops.requestlog.JsonFormatter"}
LOGGING["handlers"]["console"]["formatter"] = os.environ.get("DJANGO_LOG_FORMAT") or (
    "plain" if DEBUG else "json"
)
LOGGING["handlers"]["console"]["filters"] = ["request_context"]
LOGGING["handlers"]["console"]["stream"] = "ext://sys.stdout"
LOGGING["loggers"] = {
    # Only the console handler above: Django's own (stderr, in debug) would write
    # every warning a second time.
    "django": {"handlers": [], "propagate": True},
    # runserver's access lines; a response of 400 or more is logged by django.request.
    "django.server": {
        "handlers": ["console"],
        "filters": ["access_below_400"],
        "level": "INFO",
        "propagate": False,
    },
}
