"""Settings for the fund-supervision portal, read from the environment (see README)."""

from pathlib import Path  # noqa: I001

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

import os
import tempfile

BASE_DIR = Path(__file__).resolve().parent.parent

# Under pytest (which exports PYTEST_VERSION) use test defaults; explicit environment values still win.
TESTING = "PYTEST_VERSION" in os.environ
if TESTING:
    for _name, _value in {
        "SECRET_KEY": "test-only-secret-key-not-for-production",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "FAST_PASSWORD_HASHER": "1",
        "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "MEDIA_ROOT": str(BASE_DIR / "var" / "test-media"),
    }.items():
        os.environ.setdefault(_name, _value)
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", False)
# The key is only optional in DEBUG, where a fixed development key keeps sessions across restarts.
SECRET_KEY = env_str("SECRET_KEY", required=not DEBUG) or "dev-insecure-key-only-for-debug"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
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
    "guardian",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "config.apps.LoginLockoutsConfig",  # axes
    "django_tasks",
    "config.apps.BackgroundTasksConfig",  # django_tasks_db
    "supervision",
    "enforcement",
    "credit",
    "django.forms",  # the built-in widget templates, for FORM_RENDERER below
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.RequestIdMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "portal.api_errors.JsonErrorsMiddleware",  # JSON for every error under /api/v1/ (issue 13)
    "portal.gate.InputGateMiddleware",  # upload size caps and the text gate, before CSRF reads the body
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
# Widgets render through TEMPLATES, so templates/ can restyle a third-party widget (the date ranges).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
                "supervision.notifications.selectors.nav_badges",  # the bell and the inbox count (issue 16)
            ],
            "builtins": ["portal.formatting"],  # |money on every page
        },
    },
]

# SQLite in var/ is the embedded default so `make run` needs nothing else; production sets DATABASE_URL.
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker and the web server use the file at the same time.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            # Take the write lock when a transaction starts, so two actions on one case are serialised
            # (SQLite ignores SELECT … FOR UPDATE).
            "transaction_mode": "IMMEDIATE",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif TESTING and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django empties tables with TRUNCATE between transactional tests; the audit table refuses TRUNCATE
    # unless the session allows it (supervision migration audit_no_truncate).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c portal.allow_audit_truncate=on"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "supervision.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "portal.permissions.RoleBackend",
    "guardian.backends.ObjectPermissionBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

if env_bool("FAST_PASSWORD_HASHER", False):
    # Tests only: hashing with PBKDF2 would dominate the suite's run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions: a working day, and gone when the browser closes (shared office machines).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Lockout after repeated failed logins (per user name and address).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

# Statutory clocks (domain §4; law-reference §1.2). Working-day clocks use the admin-maintained calendar.
# My inbox (issue 16): an item is "due soon" from this many working days before its due date.
INBOX_DUE_SOON_WORKING_DAYS = env_int("INBOX_DUE_SOON_WORKING_DAYS", 3)

PROCEDURE_CLOCKS = {
    "filing_working_days": env_int("CLOCK_FILING_WORKING_DAYS", 15),
    "decision_days": env_int("CLOCK_DECISION_DAYS", 90),
    "extension_days": env_int("CLOCK_EXTENSION_DAYS", 30),
    "hearing_request_working_days": env_int("CLOCK_HEARING_REQUEST_WORKING_DAYS", 5),
    # APL Art 85: the law's 二日/三日/五日/七日 are working days, so the hearing notice is 7 working days.
    "hearing_notice_working_days": env_int(
        "CLOCK_HEARING_NOTICE_WORKING_DAYS", env_int("CLOCK_HEARING_NOTICE_DAYS", 7)
    ),
    # APL Art 56: after advance registration and preservation of evidence, decide within 7 working days.
    "evidence_preservation_working_days": env_int("CLOCK_EVIDENCE_PRESERVATION_WORKING_DAYS", 7),
    "service_working_days": env_int("CLOCK_SERVICE_WORKING_DAYS", 7),
    "payment_days": env_int("CLOCK_PAYMENT_DAYS", 15),
    "surcharge_rate": env_str("CLOCK_SURCHARGE_RATE", "0.03"),
    "due_soon_days": env_int("CLOCK_DUE_SOON_DAYS", 5),
    "escalate_to_director_days": env_int("CLOCK_ESCALATE_DAYS", 10),
}

# Leads (domain §3): verification is due this many working days after dispatch.
LEAD_VERIFICATION_WORKING_DAYS = env_int("LEAD_VERIFICATION_WORKING_DAYS", 15)
# Bulk import of screening leads (supervision/leads_import.py).
LEAD_IMPORT = {
    "max_rows": env_int("LEAD_IMPORT_MAX_ROWS", 500_000),
    "max_errors": env_int("LEAD_IMPORT_MAX_ERRORS", 100_000),  # rows listed in one report
    "chunk_size": 5_000,  # rows per spooled chunk and per write
    "bulk_batch_size": 1_000,  # rows per INSERT where COPY is not available (SQLite)
    "progress_every": 2_000,  # rows between progress updates of the batch row
    "use_copy": True,  # PostgreSQL: write with COPY rather than bulk_create (bench/lead_import_bench.py)
}
# Smart screening (supervision/screening): settlement lines are Parquet files partitioned by month here;
# `--engine spark` runs the same rules on Spark at SPARK_MASTER. Uploads are capped before parsing.
# Tests default to a fresh directory per process (Parquet files are not rolled back with the database).
SCREENING_DATA_DIR = Path(
    env_str("SCREENING_DATA_DIR", tempfile.mkdtemp(prefix="screening-") if TESTING else str(VAR_DIR / "screening"))
)
SPARK_MASTER = env_str("SPARK_MASTER", "local[2]")
SCREENING = {
    "max_errors": env_int("SCREENING_MAX_ERRORS", 10_000),  # rows listed in one report
    "max_upload_bytes": env_int("SCREENING_MAX_UPLOAD_BYTES", 2 * 1024 * 1024 * 1024),
}
# Random draws (双随机, domain §3): default ratio and team size, and the credit-grade weights (grades come
# from the credit app; an institution without a grade weighs default_weight).
RANDOM_DRAW = {
    "ratio": env_str("RANDOM_DRAW_RATIO", "0.10"),
    "team_size": env_int("RANDOM_DRAW_TEAM_SIZE", 2),
    "grade_weights": {"A": "0.5", "B": "1", "C": "1.5", "D": "2", "E": "4"},
    "default_weight": "1",
}

# Printable documents (domain §6). What decisions print about payment and legal remedies. The periods are
# confirmed: 60 days (Administrative Reconsideration Law) and 6 months (Administrative Litigation Law Art 46);
# configurable, like the accounts.
DOCUMENTS = {
    "reconsideration_days": env_int("DOC_RECONSIDERATION_DAYS", 60),  # 行政复议法: 60 days
    "reconsideration_body": env_str("DOC_RECONSIDERATION_BODY", "江川市人民政府"),  # configurable
    "litigation_months": env_int("DOC_LITIGATION_MONTHS", 6),  # 行政诉讼法 Art 46: 6 months
    "court": env_str("DOC_COURT", "有管辖权的人民法院"),  # configurable
    # Returned funds go to the fund's special fiscal account, fines to the treasury (law-reference §1.2).
    "fund_account_name": env_str("DOC_FUND_ACCOUNT_NAME", "江川市医疗保障基金财政专户"),  # configurable
    "fund_bank": env_str("DOC_FUND_BANK", "江川农村商业银行营业部"),  # configurable (demo value)
    "fund_account_no": env_str("DOC_FUND_ACCOUNT_NO", "3301 0000 0000 0000 001"),  # configurable (demo value)
    "fine_payment": env_str(
        "DOC_FINE_PAYMENT", "凭本局开具的《非税收入一般缴款书》到指定代理银行缴入国库"
    ),  # configurable
    # 责令改正: the period the orders to correct (notice and decision) give, in days from receipt (configurable).
    "correction_days": env_int("DOC_CORRECTION_DAYS", 30),
    # 催告书 (行政强制法 Art 54): the party is asked to perform within this many days of receiving the demand.
    "demand_days": env_int("DOC_DEMAND_DAYS", 10),
    # Batch printing: up to this many documents are merged during the request, more by the task worker.
    "batch_inline_max": env_int("DOC_BATCH_INLINE_MAX", 10),
    "batch_max": env_int("DOC_BATCH_MAX", 1000),
}

# Social supervisors and reports (issue 6; domain §3, law-reference §5–6). Replies to reporters are due this
# many working days after a report is received; attachments are limited by type, size and count; public reports
# are rate-limited per address through the cache (LocMem by default: per process).
REPORTS = {
    "reply_working_days": env_int("REPORT_REPLY_WORKING_DAYS", 15),  # configurable
    "supervisor_term_years": env_int("SUPERVISOR_TERM_YEARS", 2),  # configurable
    "attachment_extensions": env_list("REPORT_ATTACHMENT_TYPES", ["pdf", "jpg", "jpeg", "png", "docx", "xlsx"]),
    "attachment_max_bytes": env_int("REPORT_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024),
    "attachment_max_count": env_int("REPORT_ATTACHMENT_MAX_COUNT", 5),
    "public_rate_limit": env_int("PUBLIC_REPORT_RATE_LIMIT", 5),  # public reports per address per window
    "public_rate_window_seconds": env_int("PUBLIC_REPORT_RATE_WINDOW", 3600),
}
# Whistleblower rewards (domain §3; 医保办发〔2022〕22号, Guangdong tiers): clamp(value × rate, floor, cap).
REWARDS = {
    "tiers": {  # configurable per province: tier → (rate, floor in CNY)
        "1": ("0.03", "400"),
        "2": ("0.02", "300"),
        "3": ("0.01", "200"),
    },
    "cap": env_str("REWARD_CAP", "200000"),
    "claim_months": env_int("REWARD_CLAIM_MONTHS", 2),
}
# One cache shared by every process (gunicorn workers, the task worker): the public pages' cached data and
# the public report form's per-address rate limit must hold across workers. A database table by default
# (created by every `migrate`, see supervision.apps); CACHE_BACKEND/CACHE_LOCATION select e.g. Redis.
CACHES = {
    "default": {
        "BACKEND": env_str("CACHE_BACKEND", "django.core.cache.backends.db.DatabaseCache"),
        "LOCATION": env_str("CACHE_LOCATION", "portal_cache"),
    }
}

# Public disclosure (domain §8): decided penalty cases are published within this many working days of the
# decision (the daily refresh_agreements job publishes what is due); public pages cache their data this long.
PUBLIC_DISCLOSURE = {
    "publish_working_days": env_int("DISCLOSURE_PUBLISH_WORKING_DAYS", 7),  # configurable
    "cache_seconds": env_int("DISCLOSURE_CACHE_SECONDS", 300),
}

# Demo data of the apps after the organisation (seed_demo), in dependency order.
DEMO_SEEDERS = [
    "supervision.org.demo.seed_calendar",
    "supervision.leads.demo.seed",  # leads, a screening import, draws and inspections (issue 5)
    "enforcement.cases.demo.seed",
    "enforcement.follow_ups.demo.seed",  # confirmed leads and a finding followed up (issue 5)
    "supervision.reports.demo.seed",  # supervisor appointments, supervisor and public reports (issue 6)
    "enforcement.public.demo.seed",  # rewards and published decisions (issue 6)
    "credit.demo.seed",  # ratings in every grade, repair applications, an assessment (issue 7)
    "supervision.screening.demo.seed",  # settlement lines with planted violations, screened into leads (issue 18)
    # Every month of the demo year in every branch (issue 17); last, so the seeders above keep their clean slate.
    "enforcement.statistics.demo.seed",
    "supervision.notifications.demo.seed",  # a lead falling due soon and the daily due-soon notices (issue 16)
]

# The bench data set (contract §Bench) that `seed_demo --bench` adds on top of the demo data, in order: the
# first builds the org, people, institutions, leads and inspections and hands them to the others.
BENCH_SEEDERS = [
    "bench.seed_supervision.seed",
    "bench.seed_enforcement.seed",
    "bench.seed_enforcement.publish",  # what the nightly disclosure job would have published
    "enforcement.recoveries.services.ledger_backfill",  # the recovery ledger of the bulk-written cases (issue 17)
]

# Demo accounts all share this password (contract).
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "demo-pass-2026")

# A list's filter left empty reads "全部" (all), not Django's "---------" (issue 16: words, not marks).
FILTERS_EMPTY_CHOICE_LABEL = _("All")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first so that an unauthenticated request gets 401 with WWW-Authenticate, not 403.
        "supervision.accounts.api.ExpiringTokenAuthentication",  # idle expiry, revoked on password change
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "portal.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["portal.api_params.StrictFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "portal.api_schema.AutoSchema",  # blank choices in enums (issue 13)
    "EXCEPTION_HANDLER": "portal.api.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "医保基金监管执法平台 API",
    "DESCRIPTION": "Fund-supervision portal REST API. Every endpoint applies the caller's scope.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api_errors.add_error_responses",  # 400/401/403/404/409 (and 413 for uploads) on every operation
    ],
    # Choice sets that share a field name across resources get one stable name each.
    "ENUM_NAME_OVERRIDES": {
        "CaseStateEnum": "enforcement.cases.models.CaseState",
        "AgreementActionStateEnum": "enforcement.agreement_actions.models.AgreementAction.State",
        "InspectionKindEnum": "supervision.inspections.models.InspectionKind",
        "RandomDrawKindEnum": "supervision.inspections.models.RandomDraw.Kind",
        "AgreementActionKindEnum": "enforcement.agreement_actions.models.AgreementAction.Kind",
        "LeadStatusEnum": "supervision.leads.models.Lead.Status",
        "InspectionStatusEnum": "supervision.inspections.models.Inspection.Status",
        "DocumentKindEnum": "enforcement.documents.models.DocumentKind",
        "ReportStatusEnum": "supervision.reports.models.Report.Status",  # issue 6
        "ReportKindEnum": "supervision.reports.models.Report.Kind",
        "AgreementStatusEnum": "supervision.register.models.Agreement.Status",
        "ImportBatchStatusEnum": "supervision.leads.models.ImportBatch.Status",
        "ScreeningJobStatusEnum": "supervision.screening.models.JobStatus",  # runs and settlement imports (issue 18)
        "EvidenceKindEnum": "enforcement.evidence.models.Evidence.Kind",  # the APL evidence types (issue 15)
    },
}

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None  # no guardian anonymous user: anonymous visitors get public pages only

# Production hardening: on whenever DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A refused request (403, 404) is one line, without the traceback of the exception behind it.
    "filters": {"one_line_client_errors": {"()": "portal.logs.OneLineClientErrors"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["one_line_client_errors"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Security hardening (issue 13). API tokens expire after this many days without use; a password change,
# a deactivation or an administrator revokes them.
API_TOKEN_IDLE_DAYS = env_int("API_TOKEN_IDLE_DAYS", 30)
# One upload policy (portal/uploads.py): the largest request body per kind of upload, checked from
# Content-Length before anything is parsed or kept (413). Lead imports: 50 MB (contract).
UPLOAD_MAX_BYTES = {
    "default": env_int("UPLOAD_MAX_BYTES_DEFAULT", 2_621_440),  # forms and JSON without files (2.5 MB)
    "lead_import": env_int("UPLOAD_MAX_BYTES_LEAD_IMPORT", 50 * 1024 * 1024),
    "settlement_import": env_int("UPLOAD_MAX_BYTES_SETTLEMENT_IMPORT", 20 * 1024 * 1024),
    "catalogue_import": env_int("UPLOAD_MAX_BYTES_CATALOGUE_IMPORT", 20 * 1024 * 1024),
    # A report carries up to REPORTS["attachment_max_count"] files of attachment_max_bytes each.
    "attachment": env_int("UPLOAD_MAX_BYTES_ATTACHMENT", 51 * 1024 * 1024),
    "evidence": env_int("UPLOAD_MAX_BYTES_EVIDENCE", 100 * 1024 * 1024),
}
# Rows of imported files are read with these limits; the first row beyond them stops the reading.
UPLOAD_ROWS = {
    "max_cell_chars": env_int("UPLOAD_MAX_CELL_CHARS", 32_768),
    "max_line_bytes": env_int("UPLOAD_MAX_LINE_BYTES", 256 * 1024),
}
# A workbook is opened only when its parts stay within this budget (no zip or XML bomb).
UPLOAD_XLSX = {
    "max_uncompressed_bytes": env_int("UPLOAD_XLSX_MAX_UNCOMPRESSED", 400 * 1024 * 1024),
    "max_shared_strings_bytes": env_int("UPLOAD_XLSX_MAX_SHARED_STRINGS", 32 * 1024 * 1024),
    "max_ratio": 200,  # uncompressed/compressed of any part over 1 MB
    "max_parts": 1000,
}
# An import whose file (XLSX: uncompressed) is larger than this runs in the task worker, not the request.
UPLOAD_INLINE_MAX_BYTES = env_int("UPLOAD_INLINE_MAX_BYTES", 2 * 1024 * 1024)
# File types accepted as inspection evidence (checked from the content, not only the name).
EVIDENCE_TYPES = env_list(
    "EVIDENCE_TYPES", ["pdf", "jpg", "jpeg", "png", "gif", "docx", "xlsx", "mp3", "mp4", "wav", "txt"]
)

# Labels used in templates for the site.
SITE_TITLE = _("Medical Insurance Fund Supervision Portal")
