"""Profile (not a test): what the list pages cost in Python, per request — issue 19.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/lists_profile.py

For the director and a branch chief, on the case, lead, institution, inspection and report lists: the template
``{% include %}`` renders and variable lookups of one request (counted by wrapping Django's ``IncludeNode.render``
and ``Variable._resolve_lookup``), then the server process's own CPU time per request and of the filter form
alone (``time.process_time``, p50 of ``BENCH_REQUESTS``, default 15). CPU time leaves out the time spent waiting
for a core or for PostgreSQL, so the figures hold on a loaded machine; run it on two checkouts to compare.
"""

import gc
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _report import DEFAULT_DATABASE_URL, bench_environment  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "15"))
PAGES = [("case list", "/cases/"), ("lead list", "/leads/"), ("institution list", "/institutions/"),
         ("inspection list", "/inspections/"), ("report list", "/reports/")]  # fmt: skip


def main() -> None:
    bench_environment(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    import django

    django.setup()
    gc.freeze()
    from django.template import base
    from django.template.loader import get_template
    from django.template.loader_tags import IncludeNode
    from django.test import Client
    from django.test.utils import setup_test_environment, teardown_test_environment

    from supervision.org.models import User

    counts = {"includes": 0, "lookups": 0}
    include, lookup = IncludeNode.render, base.Variable._resolve_lookup

    def counted_include(self, context):
        counts["includes"] += 1
        return include(self, context)

    def counted_lookup(self, context):
        counts["lookups"] += 1
        return lookup(self, context)

    form_template = get_template("includes/_filter_form.html")
    print(f"{'user':20} {'page':17} {'includes':>8} {'lookups':>8} {'CPU ms':>7} {'form CPU ms':>11}")
    for username in ("director", "bench_b04_chief001"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        for name, path in PAGES:
            for _ in range(3):
                assert client.get(path).status_code == 200
            IncludeNode.render, base.Variable._resolve_lookup = counted_include, counted_lookup
            counts.update(includes=0, lookups=0)
            try:
                client.get(path)
            finally:
                IncludeNode.render, base.Variable._resolve_lookup = include, lookup
            setup_test_environment()  # the response's context, for the filter form alone
            try:
                context = client.get(path).context
            finally:
                teardown_test_environment()
            flat = (context if hasattr(context, "flatten") else context[0]).flatten()
            form_template.render(flat)
            form, page = [], []
            for _ in range(REQUESTS):
                started = time.process_time()
                form_template.render(flat)
                form.append((time.process_time() - started) * 1000)
            for _ in range(REQUESTS):
                started = time.process_time()
                client.get(path)
                page.append((time.process_time() - started) * 1000)
            print(f"{username:20} {name:17} {counts['includes']:8} {counts['lookups']:8} "
                  f"{statistics.median(page):7.1f} {statistics.median(form):11.1f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
