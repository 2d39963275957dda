"""Settings shared by every environment; every deploy-specific value comes from the environment.

See `.env.example` for the full list of variables.
"""
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# With DEBUG on, a missing page is still the site's 404 page; true shows Django's technical 404 instead.
DEBUG_404_PAGE = env.bool("DEBUG_404_PAGE", default=False)

_DEV_SECRET_KEY = "django-insecure-jinzhou-development-only"  # noqa: S105 - refused below unless DEBUG
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "core",
    "org",
    "clusters",
    "parks",
    "investment",
    "funds",
    "indicators",
    "plan",
    "progress",
    "dashboards",
    "briefing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.unavailable.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.language.ChineseByDefaultMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.errors.DebugNotFoundMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "jinzhou.urls"
WSGI_APPLICATION = "jinzhou.wsgi.application"

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
            ],
        },
    },
]

# Unset DATABASE_URL: a SQLite file in the project folder, so a bare machine runs without PostgreSQL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# A persistent connection is checked before a request reuses it: after a database restart the
# next request reconnects instead of failing (docs/deploy.md).
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", env.bool("CONN_HEALTH_CHECKS", default=True))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The bare-machine database serves several requests at once (runserver threads, the in-process roll-up):
    # WAL lets readers go on while one writes; IMMEDIATE takes the write lock when a transaction starts, so
    # two writers queue for up to SQLITE_BUSY_TIMEOUT seconds instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
    })
    # The figures' covering index (clusters.QuarterlyFigure) INCLUDEs a column for PostgreSQL's index-only
    # scans; SQLite builds the index without it, which is all a bare machine needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
# Pages and the API only (jinzhou/wsgi.py, PostgreSQL): a statement running longer is cancelled and the
# request answered 503 "请重试", instead of holding a web thread for minutes. 0 = no limit. Celery
# workers (the roll-up) and management commands never load jinzhou/wsgi.py and are not limited.
DB_STATEMENT_TIMEOUT_MS = env.int("DB_STATEMENT_TIMEOUT_MS", default=20000)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# AUTH_PASSWORD_VALIDATORS: in the security section at the end.

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where collectstatic writes (production; whitenoise serves it). A test stack points it at a temp dir.
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Celery: with REDIS_URL unset, tasks run in-process (eagerly) so a bare machine needs no broker.
# The default cache: Redis when CACHE_URL is set (shared by every process: the API's throttle counters),
# else per-process memory. Short socket timeouts: an unreachable cache must not hang a request.
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL:
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }}

REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# Short socket timeouts: publishing must never hang a user's request when Redis is down.
# visibility_timeout: how long an unacknowledged message (its worker was killed) waits before
# redelivery; longer than the slowest roll-up, shorter than the nightly window.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 3,
    "socket_timeout": 5,
    "max_retries": 1,
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=1800),
    # How often a worker looks for such messages: every interval × throttle seconds (kombu's defaults).
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# The API (docs/api.md). Token first: an unauthenticated request gets 401 with
# `WWW-Authenticate: Token`; the browser's session works as well. Every view adds the permission
# layer (core.access) on top of these defaults; the error shape is core.api.exceptions'.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.ReadOrWriteInScope"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "core.api.renderers.CSVRenderer",
        "core.api.renderers.XLSXRenderer",
    ],
    # JSON only (docs/api.md): no form-encoded bodies, duplicate keys refused (core/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": [
        "core.api.filters.FilterBackend",
        "core.api.filters.Ordering",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttles.FailOpenAnonRateThrottle",
        "core.api.throttles.FailOpenUserRateThrottle",
    ],
    # Per token / signed-in user, and per address for anonymous requests. Generous: a dashboard
    # polling every few seconds never meets them; a runaway client does. Counted in the default
    # cache: per process unless CACHE_URL points at Redis.
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="120/minute"),
        "user": env.str("API_THROTTLE_USER", default="3000/minute"),
    },
    "COERCE_DECIMAL_TO_STRING": True,
    "URL_FORMAT_OVERRIDE": "format",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    # ASCII: client generators name the package after it (core/api/schema.py); the Chinese name is below.
    "TITLE": "Jinzhou Cluster Plan API",
    "DESCRIPTION": (
        "锦州产业集群规划与进度 API. Read progress of Jinzhou's industrial-cluster plan, and enter and review "
        "quarterly figures. "
        "Every response is scoped by the caller's department (按部门范围返回数据). Amounts are decimal "
        "strings; each field states its unit (亿元 = 100 million yuan, 万元 = 10,000 yuan). Errors share "
        "one shape: `{detail, code, errors}`. See docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # PATCH bodies keep their `required` (the version): "send only what changes" is what they say anyway.
    "COMPONENT_SPLIT_PATCH": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "FigureStatusEnum": "clusters.choices.FigureStatus",
        "FigureSourceEnum": "clusters.choices.FigureSource",
        "ClusterLevelEnum": "clusters.choices.Level",
        "GoalKindEnum": "clusters.choices.GoalKind",
        "ReadinessItemKindEnum": "parks.choices.ReadinessItemKind",
        "ReadinessStatusEnum": "parks.choices.ReadinessStatus",
        "RegionKindEnum": "org.models.Region.Kind",
        "DepartmentKindEnum": "org.models.Department.Kind",
        "ProjectStageEnum": "investment.choices.ProjectStage",
        "OriginEnum": "investment.choices.Origin",
        "CurrencyEnum": "investment.choices.Currency",
        "ChannelEnum": "investment.choices.Channel",
        "ProgressScopeEnum": "progress.models.Scope",
        "GoalStatusEnum": "progress.api.serializers.STATUSES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.add_error_responses",
        "clusters.api.schema.add_figure_links",
    ],
}

# Demo users exist only for local exploration; the command refuses to create them with DEBUG off.
DEMO_PASSWORD = "jinzhou-demo"  # noqa: S105 - demo-only, refused when DEBUG is off

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

PLACEHOLDER_TEXT = _("TBD")

# Goal projection: "at risk" when the growth achieved falls short of the growth needed by at most
# this much (a ratio: 0.05 = 5 percentage points); further short is "off track".
from decimal import Decimal  # noqa: E402

GOAL_AT_RISK_MARGIN = Decimal(env.str("GOAL_AT_RISK_MARGIN", default="0.05"))

# Trend + pipeline projection (progress.pipeline): a project counts from its expected production start,
# ramped up linearly over this many quarters unless it states its own ramp-up ...
PIPELINE_RAMP_UP_QUARTERS = env.int("PIPELINE_RAMP_UP_QUARTERS", default=4)
# ... once it has reached this stage (investment.choices.ProjectStage: 3 = 开工建设, under construction) and
# until it reaches 达产达效 (4), when its enterprise reports the output itself and it is no longer added.
PIPELINE_FROM_STAGE = env.int("PIPELINE_FROM_STAGE", default=3)

# Fault injection for the worker-kill test only: seconds a roll-up waits before committing.
ROLLUP_FAULT_PAUSE_SECONDS = env.float("ROLLUP_FAULT_PAUSE_SECONDS", default=0)

# --- Data entry, review, reminders and spreadsheets (issue 3) --------------------------------------
INSTALLED_APPS += ["django_htmx", "reporting", "notices", "commentary", "scenarios"]
# After authentication, before messages: request.htmx tells a view to answer with a fragment.
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware"),
                  "django_htmx.middleware.HtmxMiddleware")

# E-mail: the console by default (a bare machine prints what it would send).
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="jinzhou-clusters@localhost")

# A quarter is complete only when its figures and the departments' commentary (进展说明) are submitted; False
# makes the commentary optional for completeness (it is still collected, reviewed and quoted when written).
COMMENTARY_REQUIRED = env.bool("COMMENTARY_REQUIRED", default=True)

# Quarterly figures are due this many days after the quarter's last day.
ENTRY_DEADLINE_DAYS = env.int("ENTRY_DEADLINE_DAYS", default=15)
# Editors whose units are not submitted get a reminder this many days before the deadline (each listed day).
ENTRY_REMINDER_DAYS = env.list("ENTRY_REMINDER_DAYS", cast=int, default=[5, 1])
# A change against the same quarter last year beyond this ratio (0.5 = ±50 %) needs an explanation.
ENTRY_OUTLIER_THRESHOLD = Decimal(env.str("ENTRY_OUTLIER_THRESHOLD", default="0.5"))
# Four eyes: a figure entered or submitted by a user is approved by somebody else (on in production).
REVIEW_REQUIRES_SECOND_PERSON = env.bool("REVIEW_REQUIRES_SECOND_PERSON", default=False)
# An output value above this (亿元, one reporting unit, one quarter) is a typing error, not a figure:
# the whole city's industry produced well under 2,000 亿元 a year when the plan was made.
ENTRY_MAX_OUTPUT = Decimal(env.str("ENTRY_MAX_OUTPUT", default="5000"))
# Uploads: the explicit check refuses larger files with a message; Django keeps files up to this size
# in memory and refuses request bodies (other than files) over DATA_UPLOAD_MAX_MEMORY_SIZE.
ENTRY_UPLOAD_MAX_BYTES = env.int("ENTRY_UPLOAD_MAX_BYTES", default=2 * 1024 * 1024)
ENTRY_IMPORT_MAX_ROWS = env.int("ENTRY_IMPORT_MAX_ROWS", default=2000)
# What an uploaded workbook may unpack to and hold, checked before openpyxl parses it (core/uploads.py).
# Sized to the template: ENTRY_IMPORT_MAX_ROWS units, 13 columns, long explanations, fit in ~5 MB unpacked.
ENTRY_UPLOAD_MAX_UNPACKED_BYTES = env.int("ENTRY_UPLOAD_MAX_UNPACKED_BYTES", default=16 * 1024 * 1024)
ENTRY_UPLOAD_MAX_PART_BYTES = env.int("ENTRY_UPLOAD_MAX_PART_BYTES", default=8 * 1024 * 1024)
ENTRY_UPLOAD_MAX_RATIO = env.int("ENTRY_UPLOAD_MAX_RATIO", default=100)
ENTRY_UPLOAD_MAX_PARTS = env.int("ENTRY_UPLOAD_MAX_PARTS", default=64)
ENTRY_UPLOAD_MAX_COLUMNS = env.int("ENTRY_UPLOAD_MAX_COLUMNS", default=20)
ENTRY_UPLOAD_MAX_SHARED_STRINGS = env.int("ENTRY_UPLOAD_MAX_SHARED_STRINGS", default=8 * ENTRY_IMPORT_MAX_ROWS)
# The largest template holds ~41 XML elements a row (13 cells of 3 elements as openpyxl writes them).
ENTRY_UPLOAD_MAX_XML_ELEMENTS = env.int("ENTRY_UPLOAD_MAX_XML_ELEMENTS", default=60 * ENTRY_IMPORT_MAX_ROWS)
FILE_UPLOAD_MAX_MEMORY_SIZE = ENTRY_UPLOAD_MAX_BYTES
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)

# --- Security (issue 6; docs/security.md says what each setting protects and which test proves it) ----
from datetime import timedelta  # noqa: E402

from csp.constants import NONE, SELF, UNSAFE_INLINE  # noqa: E402

INSTALLED_APPS += ["axes", "csp"]
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware")
# After the locale (its 413 page is translated), before anything reads the body (CSRF reads POST).
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.locale.LocaleMiddleware") + 1,
                  "core.middleware.RequestSizeLimitMiddleware")
# After authentication: signs out sessions past their absolute or idle age.
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "core.middleware.SessionTimeoutMiddleware")
# Inside authentication (it looks at the user after the view): no cache keeps a signed-in user's response.
MIDDLEWARE.insert(MIDDLEWARE.index("core.middleware.SessionTimeoutMiddleware") + 1,
                  "core.middleware.PrivateResponsesMiddleware")
# Last: turns a login refused during a lockout into the lockout page.
MIDDLEWARE.append("axes.middleware.AxesMiddleware")

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT failures for one user name from one address,
# that pair is locked out for LOGIN_LOCKOUT_MINUTES (the admin login is the same form, so it is covered).
# The API's tokens are throttled by DRF (API_THROTTLE_*), not here.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env.bool("LOGIN_THROTTLING", default=True)
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "org.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "org.audit.client_ip"
AXES_VERBOSE = False
# Behind N reverse proxies that each append to X-Forwarded-For, the client is the N-th address from the
# right; 0 (no proxy) uses REMOTE_ADDR. A wrong value lets a client choose its own address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=10)}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end SESSION_COOKIE_AGE seconds after sign-in whatever happens, after SESSION_IDLE_TIMEOUT
# seconds without a request (0: no idle limit), and when the browser closes unless configured otherwise.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
SESSION_COOKIE_HTTPONLY = True
# Database sessions that treat a key Django could not have made as no session (core/sessions.py).
SESSION_ENGINE = "core.sessions"
# Messages ("imported…", a row's problem) are kept in the server-side session, not in a cookie: a cookie
# travels with every request and is readable by whoever holds it (a new API key once did travel this way).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Content Security Policy (django-csp 4). No inline scripts anywhere (tests/security/test_csp.py renders
# every page to check); inline *styles* stay allowed because Apache ECharts writes style attributes on
# its tooltips and htmx inserts its indicator style, and style injection cannot run code.
_CSP_DIRECTIVES = {
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
}
# (Module names must not start with CSP_: django-csp 4 refuses its old settings' names.)
if _csp_report_uri := env.str("CSP_REPORT_URI", default=""):
    _CSP_DIRECTIVES["report-uri"] = [_csp_report_uri]
if env.bool("CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY = None
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _CSP_DIRECTIVES}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP_DIRECTIVES}

# Request bodies: anything larger than this is refused with 413 before a byte of it is read. Defaults to
# the larger of the form limit and the upload limit plus room for the form's other fields.
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=0) or None
# Uploaded spreadsheets must be .xlsx (a zip archive by content: core.sheets checks the rest) or .csv
# (UTF-8 or GBK text: core.csv_sheets) by name.
ENTRY_UPLOAD_EXTENSIONS = ["xlsx", "csv"]

# --- Work-chat reminders: 企业微信 / 钉钉 group robots (issue 17; docs/deploy.md "Chat robots") ---------
INSTALLED_APPS += ["chat"]
# The address the app is reached at: links in chat messages point here.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Keys that encrypt channels' webhook addresses and signing secrets at rest (comma-separated; the first
# encrypts, all decrypt, for rotation). Empty: derived from SECRET_KEY (changing SECRET_KEY then needs the
# old value listed here, or every channel entered again).
CHAT_SECRETS_KEYS = env.list("CHAT_SECRETS_KEYS", default=[])
# Attempts per message before it is given up; the wait after the n-th failure is BASE × 2^(n−1) seconds, at
# most MAX (kept under CELERY_VISIBILITY_TIMEOUT so a countdown is never redelivered in a loop).
CHAT_MAX_ATTEMPTS = env.int("CHAT_MAX_ATTEMPTS", default=6)
CHAT_RETRY_BASE_SECONDS = env.float("CHAT_RETRY_BASE_SECONDS", default=30)
CHAT_RETRY_MAX_SECONDS = env.float("CHAT_RETRY_MAX_SECONDS", default=900)
# Messages per robot in any 60 seconds: DingTalk and WeCom take about 20; more are postponed.
CHAT_RATE_PER_MINUTE = env.int("CHAT_RATE_PER_MINUTE", default=18)
# Seconds to connect to and to hear back from a robot: a slow service must not hold a worker.
CHAT_HTTP_TIMEOUT = env.float("CHAT_HTTP_TIMEOUT", default=10)
# urllib3 logs each request line (with the robot's token in the query) at DEBUG: never below WARNING.
LOGGING.setdefault("loggers", {})["urllib3"] = {"level": "WARNING"}
