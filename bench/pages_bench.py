"""Benchmark (not a test): list pages, a case page and the API lists on PostgreSQL with the bench data set.

    .venv/bin/python bench/pages_bench.py        # what `make bench` runs
    BENCH_ONLY=statistics .venv/bin/python bench/pages_bench.py   # the statistics section alone
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench BENCH_REQUESTS=40 BENCH_SCALE=1 ...

1. Prepares its database (default ``portal_bench``): creates it when missing, migrates, and loads
   ``seed_demo --bench`` (scale ``BENCH_SCALE``, default 1) unless the bench set is there — the load is timed
   (contract: under 10 minutes on 2 cores).
2. Server time, in process with Django's test client (DEBUG off, nothing but the view's own work): for a branch
   user (the chief of bench branch B04, 1/17 of the bench data) and a city user (the director, everything),
   ``BENCH_REQUESTS`` requests per page after 3 warm-up requests → p50 / p95 in ms, and the queries of one
   request (``CaptureQueriesContext``). Pages: the case, lead and institution lists, a case page, the matching
   API lists; and Django admin's changelist of the same cases (as the superuser, all rows) beside our case list.
   The statistics page, API and the director's home (issue 17): stored monthly aggregates against the live
   computation, timed alternately in one run (``statistics_report``).
3. Throughput of the case list served by gunicorn (2 sync workers, ``CONN_MAX_AGE`` 60) under ``wrk``
   (Debian's ``wrk``; `make bench` installs it) with a logged-in user's session cookie, on loopback.

Figures are printed and written to bench/results.md (sections "Bench data load", "Pages", "Throughput").
"""

import gc
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _report import DEFAULT_DATABASE_URL, bench_environment, ensure_database, write_section  # noqa: E402

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "40"))
SCALE = float(os.environ.get("BENCH_SCALE", "1"))
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "20"))
WRK_CONNECTIONS = int(os.environ.get("BENCH_WRK_CONNECTIONS", "16"))
ONLY = os.environ.get("BENCH_ONLY", "")  # "statistics": only the statistics section (make bench-statistics)
BRANCH_USER = "bench_b04_chief001"
CITY_USER = "director"
# The bench database's files (the demo's issued decisions) live as long as the database: kept in var/.
MEDIA_ROOT = os.environ.get("BENCH_MEDIA_ROOT", str(ROOT / "var" / "bench-media"))


def setup() -> float | None:
    """Database, migrations, bench data. Returns the seconds the bench data took to load, if it was loaded."""
    bench_environment(DATABASE_URL)
    os.environ["MEDIA_ROOT"] = MEDIA_ROOT
    ensure_database(DATABASE_URL)
    import django

    django.setup()
    gc.freeze()  # as config/wsgi.py does in every server process, at the same point
    from django.core.management import call_command

    from bench import seed_supervision as bench_data

    call_command("migrate", verbosity=0)
    if bench_data.is_seeded():
        return None
    started = time.perf_counter()
    call_command("seed_demo", "--bench", "--bench-scale", str(SCALE))
    return time.perf_counter() - started


def measure(client, path: str, total: int | None = None) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    # Read now: the next request's request_started signal empties the connection's query log.
    captured = [q["sql"] for q in queries.captured_queries]
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    if response.get("Content-Type", "").startswith("application/json") and "results" in response.json():
        data = response.json()
        rows = f"{len(data['results'])} of {data['count']:,}"
    else:
        rows = "1" if total is None else f"{min(50, total)} of {total:,}"
    return {
        "p50": statistics.median(times),
        "p95": statistics.quantiles(times, n=20, method="inclusive")[18],
        "queries": len(captured),
        "rows": rows,
        "sql": captured,
        "bytes": len(response.content),
    }


def pages_report() -> tuple[str, dict]:
    from django.test import Client

    from enforcement.cases.models import Case
    from supervision.leads.models import Lead
    from supervision.org.models import User
    from supervision.register.models import Institution

    branch_user, city_user = User.objects.get(username=BRANCH_USER), User.objects.get(username=CITY_USER)
    case = Case.objects.filter(jurisdiction__code="B04", state="archived").order_by("pk").first()
    pages = [
        ("case list", "/cases/"),
        ("lead list", "/leads/"),
        ("institution list", "/institutions/"),
        ("case page", f"/cases/{case.pk}/"),
        ("API cases", "/api/v1/cases/"),
        ("API leads", "/api/v1/leads/"),
        ("API institutions", "/api/v1/institutions/"),
    ]
    results = {}
    for who, user in (("branch", branch_user), ("city", city_user)):
        client = Client()
        client.force_login(user)
        totals = {
            "case list": Case.objects.visible_to(user).count(),
            "lead list": Lead.objects.visible_to(user).count(),
            "institution list": Institution.objects.visible_to(user).count(),
        }
        for name, path in pages:
            results[(name, who)] = measure(client, path, totals.get(name))
            r = results[(name, who)]
            print(
                f"{name:18} {who:7} {r['p50']:7.1f} {r['p95']:7.1f} ms {r['queries']:3} queries {r['rows']}", flush=True
            )
    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    results[("admin changelist", "superuser")] = measure(admin, "/admin/enforcement/case/", Case.objects.count())

    lines = [
        f"Database: PostgreSQL, the bench data set (demo + `seed_demo --bench`); {REQUESTS} requests per page after "
        "3 warm-up requests, in process (Django test client, DEBUG off). Branch user: `bench_b04_chief001`, chief of "
        "bench branch B04 (1/17 of the bench rows); city user: `director` (every row). Queries: one request.",
        "",
        "| page | user | p50 ms | p95 ms | queries | rows shown / total | response KB |",
        "|---|---|---:|---:|---:|---|---:|",
    ]
    for (name, who), r in results.items():
        lines.append(f"| {name} | {who} | {r['p50']:.1f} | **{r['p95']:.1f}** | {r['queries']} | {r['rows']} | "
                     f"{r['bytes'] / 1024:.0f} |")  # fmt: skip
    lines += ["", "Targets:", ""]
    lists = [k for k in results if "list" in k[0] or k[0].startswith("API")]
    worst_queries = max(results[k]["queries"] for k in lists if k[0] != "admin changelist")
    worst_p95 = max(r["p95"] for r in results.values())
    ratios = []
    for name, _path in pages:
        branch, city = results[(name, "branch")]["p95"], results[(name, "city")]["p95"]
        ratios.append(f"{name} {max(branch, city) / min(branch, city):.2f}×")
    admin_r, ours_r = results[("admin changelist", "superuser")], results[("case list", "city")]
    lines += [
        f"- list pages and API lists ≤ 10 queries: worst **{worst_queries}** "
        f"({'met' if worst_queries <= 10 else 'missed'});",
        f"- p95 ≤ 150 ms at bench scale: worst **{worst_p95:.0f} ms** ({'met' if worst_p95 <= 150 else 'missed'});",
        "- branch-scoped and city-wide within 1.2× of each other (slower / faster p95): " + ", ".join(ratios) + ";",
        f"- our case list (city user, all {ours_r['rows'].split(' of ')[-1]} cases) vs the admin changelist of the "
        f"same rows: p50 {ours_r['p50']:.0f} vs {admin_r['p50']:.0f} ms, p95 {ours_r['p95']:.0f} vs "
        f"{admin_r['p95']:.0f} ms, {ours_r['queries']} vs {admin_r['queries']} queries "
        f"({'met' if ours_r['p95'] <= admin_r['p95'] else 'missed'}: ours no slower).",
        "",
        "The statistics pages have their own section (before/after the stored monthly aggregates).",
    ]
    return "\n".join(lines), results


# --- Statistics: stored monthly aggregates against the live computation, side by side -------------------------


def _timed(client, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (path, response.status_code)
    return elapsed


def _queries(client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return len(queries.captured_queries)


def statistics_report() -> str:
    """Issue 17: the director's statistics page, the API and the director's home, and a branch chief's page and
    API, with the closed months read from the stored aggregates ("after") and everything computed live from the
    records as before ("before": ``STATISTICS_AGGREGATES`` off). The two are timed alternately, request by request,
    in one process, so that the machine's load falls on both alike: the ratio is the figure, not the milliseconds.
    """
    from django.test import Client, override_settings

    from enforcement.statistics.services import statistics_refresh
    from supervision.org.models import User

    year = time.localtime().tm_year
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    for y in (year - 1, year):
        statistics_refresh(y)  # what the nightly job does
    refresh_seconds = time.perf_counter() - started
    pages = [
        ("statistics page", CITY_USER, "/statistics/"),
        ("statistics API", CITY_USER, "/api/v1/statistics/"),
        ("director home", CITY_USER, "/"),
        ("statistics page", BRANCH_USER, "/statistics/"),
        ("statistics API", BRANCH_USER, "/api/v1/statistics/"),
    ]
    lines = [
        f"PostgreSQL, the bench data set; {REQUESTS} requests per page and mode after 3 warm-up requests each, in "
        "process (Django test client, DEBUG off), the two modes alternating request by request. *before*: every "
        "figure computed from the records (the issue-17 build, plus the screening series); *after*: the closed "
        "months from the stored monthly aggregates, the current month live. Refreshing the stored aggregates of "
        f"this year and last (the nightly job) took **{refresh_seconds:.1f} s**.",
        "",
        "| page | user | before p50 ms | before p95 ms | after p50 ms | after p95 ms | p95 before/after | queries "
        "before → after |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    worst_after = 0.0
    for name, username, path in pages:
        client = Client()
        client.force_login(User.objects.get(username=username))
        times = {"before": [], "after": []}
        queries = {}
        for mode, aggregates in (("before", False), ("after", True)):
            with override_settings(STATISTICS_AGGREGATES=aggregates):
                for _ in range(3):
                    _timed(client, path)
                queries[mode] = _queries(client, path)
        for _ in range(REQUESTS):
            for mode, aggregates in (("before", False), ("after", True)):
                with override_settings(STATISTICS_AGGREGATES=aggregates):
                    times[mode].append(_timed(client, path))
        p50 = {m: statistics.median(t) for m, t in times.items()}
        p95 = {m: statistics.quantiles(t, n=20, method="inclusive")[18] for m, t in times.items()}
        who = "city (director)" if username == CITY_USER else "branch (B04 chief)"
        if name != "director home":
            worst_after = max(worst_after, p95["after"])
        print(f"{name:18} {who:18} before {p50['before']:7.1f}/{p95['before']:7.1f}  after {p50['after']:7.1f}/"
              f"{p95['after']:7.1f} ms  queries {queries['before']} → {queries['after']}", flush=True)  # fmt: skip
        lines.append(f"| {name} | {who} | {p50['before']:.0f} | {p95['before']:.0f} | {p50['after']:.0f} | "
                     f"**{p95['after']:.0f}** | **{p95['before'] / p95['after']:.1f}×** | "
                     f"{queries['before']} → {queries['after']} |")  # fmt: skip
    lines += ["", f"Load average of the 2-core machine (other engineers' runs): {load_before:.1f} at the start, "
                  f"{os.getloadavg()[0]:.1f} at the end; the before/after ratio is the figure to read."]  # fmt: skip
    lines += ["", f"Target (issue 17): the statistics page and API ≤ 300 ms p95 at bench scale: worst after "
                  f"**{worst_after:.0f} ms** ({'met' if worst_after <= 300 else 'missed'} on this run)."]  # fmt: skip
    return "\n".join(lines)


# --- Throughput -------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, workers: int = 2) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    process = subprocess.Popen(  # noqa: S603
        [gunicorn, "config.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=os.environ.copy(),
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


def session_cookie(username: str) -> str:
    from django.test import Client

    from supervision.org.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client.cookies["sessionid"].value


def wrk(url: str, cookie: str) -> dict:
    command = ["wrk", "-t2", f"-c{WRK_CONNECTIONS}", f"-d{WRK_SECONDS}s", "--latency",
               "-H", f"Cookie: sessionid={cookie}", url]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:(.*)", output)
    total = int(re.search(r"(\d+) requests in", output).group(1))

    def percentile(p):
        match = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", output, re.MULTILINE)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    return {"rate": rate, "requests": total, "non2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errors.group(1).strip() if errors else "none",
            "p50": percentile(50), "p99": percentile(99)}  # fmt: skip


def throughput_report() -> str:
    if shutil.which("wrk") is None:
        return "Skipped: `wrk` is not installed (`apt-get install wrk`; `make bench` installs it)."
    port = _free_port()
    process = start_gunicorn(port)
    rows = []
    try:
        for who, username in (("branch", BRANCH_USER), ("city", CITY_USER)):
            cookie = session_cookie(username)
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/cases/", headers={"Cookie": f"sessionid={cookie}"}
            )
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                assert response.status == 200 and "/accounts/login/" not in response.url
            result = wrk(f"http://127.0.0.1:{port}/cases/", cookie)
            print(f"throughput {who}: {result}", flush=True)
            rows.append((who, username, result))
    finally:
        stop(process)
    lines = [
        f"gunicorn `config.wsgi`, 2 sync workers, DEBUG off, `CONN_MAX_AGE` 60, on 127.0.0.1; `wrk -t2 "
        f"-c{WRK_CONNECTIONS} -d{WRK_SECONDS}s` with the user's session cookie, GET `/cases/` (first page of 50). "
        "wrk, gunicorn and PostgreSQL share the 2 cores (and other engineers' test runs).",
        "",
        "| user | requests | req/s | latency p50 ms | p99 ms | non-2xx | socket errors |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for who, username, r in rows:
        lines.append(f"| {who} (`{username}`) | {r['requests']:,} | **{r['rate']:.0f}** | {r['p50']:.0f} | "
                     f"{r['p99']:.0f} | {r['non2xx']} | {r['socket_errors']} |")  # fmt: skip
    best = max(r["rate"] for _w, _u, r in rows)
    lines += ["", f"Target ≥ 250 req/s on the case list: best **{best:.0f} req/s** "
                  f"({'met' if best >= 250 else 'missed'})."]  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    seconds = setup()
    from django.db import connection

    from enforcement.cases.models import Case, CaseEvent
    from supervision.inspections.models import Inspection
    from supervision.leads.models import Lead
    from supervision.org.models import OrgUnit, User
    from supervision.register.models import Institution

    counts = {
        "branches": OrgUnit.objects.filter(kind="branch").count(),
        "institutions": Institution.objects.count(),
        "staff users": User.objects.count(),
        "leads": Lead.objects.count(),
        "inspections": Inspection.objects.count(),
        "cases": Case.objects.count(),
        "case events": CaseEvent.objects.count(),
    }
    version = connection.cursor().connection.info.server_version // 10000
    if seconds is not None:
        load = (
            f"`seed_demo --bench` (scale {SCALE:g}) on PostgreSQL {version}, demo data included: "
            f"**{seconds:.0f} s** (target < 600 s on 2 cores; {'met' if seconds < 600 else 'missed'}).\n\n"
            + "Rows after loading: "
            + ", ".join(f"{name} {count:,}" for name, count in counts.items())
            + "."
        )
        write_section("## Bench data load (seed_demo --bench)", load)
    print(counts, flush=True)
    if ONLY == "statistics":
        write_section("## Statistics: stored monthly aggregates vs live (bench/pages_bench.py)", statistics_report())
        return
    body, _results = pages_report()
    write_section("## Pages: server time and queries (bench/pages_bench.py)", body)
    write_section("## Statistics: stored monthly aggregates vs live (bench/pages_bench.py)", statistics_report())
    write_section("## Throughput: case list under load (bench/pages_bench.py)", throughput_report())
    print((ROOT / "bench" / "results.md").read_text())


if __name__ == "__main__":
    main()
