"""Shared by the benchmark scripts: bench/results.md is one report, each script owns sections of it."""

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.md"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"

HEADER = """# Benchmarks

Figures written by `make bench` (bench/pages_bench.py, bench/lead_import_bench.py, bench/pdf_bench.py) and by the
load and fault test (bench/load_fault.py, run by hand), on a 2-core development machine; each section says when
and under what load it was measured, and the reading below says which run its figures come from. Targets
(issue 8) are reported here, never asserted by tests.
"""


def write_section(heading: str, body: str) -> None:
    """Replace the section that starts with ``heading`` (up to the next ``## ``), or add it; keep the rest."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    # The report opens with HEADER; whatever stood before the first section is replaced by it.
    sections = text[text.index("\n## ") :] if "\n## " in text else ""
    text = HEADER + sections
    section = f"{heading}\n\n{body.strip()}\n\n"
    pattern = re.compile(re.escape(heading) + r"\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in ``url`` when it is missing."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def bench_environment(url: str) -> dict:
    """Settings of a production-like run (DEBUG off, no query log) on loopback over plain HTTP."""
    env = {
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key"),
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",  # loopback HTTP; in production TLS ends at the proxy
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings"),
    }
    os.environ.update(env)
    return env
