"""Benchmark (not a test): branch / city ratios of the scoped lists with the scope filter as literal unit ids
(``visible_to`` reading the subtree and the grants with the roles) against the subquery form, interleaved.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench BENCH_REQUESTS=30 \\
        .venv/bin/python bench/scope_bench.py

The subquery form is what a user object without the facts gets (``User.subtree_ids`` → None,
``User.may_hold_grants`` → True), i.e. the SQL before issue 19; both forms run in the same process, request by
request in turn (form × user × page), so the machine's load falls on both alike. Prints p50 per form, user and
page, the branch / city ratio of each, the queries of one request, and for the cases API how often the role
backend is asked per page. Writes nothing.
"""

import os
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _report import DEFAULT_DATABASE_URL, bench_environment  # noqa: E402

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "30"))
PAGES = [
    ("case list", "/cases/"),
    ("lead list", "/leads/"),
    ("API cases", "/api/v1/cases/"),
    ("API leads", "/api/v1/leads/"),
]
USERS = [("branch", "bench_b04_chief001"), ("city", "director")]


def _subquery_form():
    """The scope filter as before: subtree and grants as subqueries (the fallback path of portal.scoping)."""
    from supervision.org.models import User

    return (
        mock.patch.object(User, "subtree_ids", lambda self, units: None),
        mock.patch.object(User, "may_hold_grants", lambda self, model: True),
    )


def main() -> None:
    bench_environment(DATABASE_URL)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from portal import permissions
    from supervision.org.models import User

    clients = {}
    for who, username in USERS:
        client = Client()
        client.force_login(User.objects.get(username=username))
        clients[who] = client

    def get(client, path):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    forms = {"literal": (), "subquery": _subquery_form()}
    times = {(form, who, page): [] for form in forms for who, _u in USERS for page, _p in PAGES}
    queries = {}
    for form, patches in forms.items():  # warm-up and one counted request each
        for patch in patches:
            patch.start()
        for who, _u in USERS:
            for page, path in PAGES:
                for _ in range(2):
                    get(clients[who], path)
                with CaptureQueriesContext(connection) as captured:
                    get(clients[who], path)
                queries[(form, who, page)] = len(captured.captured_queries)
        for patch in patches:
            patch.stop()
    for _ in range(REQUESTS):
        for form, patches in forms.items():
            for patch in patches:
                patch.start()
            for who, _u in USERS:
                for page, path in PAGES:
                    started = time.perf_counter()
                    get(clients[who], path)
                    times[(form, who, page)].append((time.perf_counter() - started) * 1000)
            for patch in patches:
                patch.stop()

    print(f"{REQUESTS} requests per form × user × page, interleaved; p50 ms (queries of one request)")
    print(f"{'page':10} {'form':9} {'branch':>15} {'city':>15} {'branch/city':>12}")
    for page, _p in PAGES:
        for form in forms:
            p50 = {who: statistics.median(times[(form, who, page)]) for who, _u in USERS}
            print(
                f"{page:10} {form:9} {p50['branch']:9.1f} ({queries[(form, 'branch', page)]:2}) "
                f"{p50['city']:9.1f} ({queries[(form, 'city', page)]:2}) {p50['branch'] / p50['city']:11.2f}×"
            )
        branch_old = statistics.median(times[("subquery", "branch", page)])
        branch_new = statistics.median(times[("literal", "branch", page)])
        print(f"{'':10} branch subquery / literal: {branch_old / branch_new:.2f}×")

    # Role questions per page of the cases API: the per-page checker asks once per (permission, unit).
    for who, _u in USERS:
        with mock.patch.object(permissions.role_backend, "has_perm", wraps=permissions.role_backend.has_perm) as asked:
            get(clients[who], "/api/v1/cases/")
        print(f"API cases, {who}: the role backend asked {asked.call_count} times for one page")


if __name__ == "__main__":
    main()
