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
   (Debian's ``wrk``; `make bench` installs it) with a logged-in user's session cookie, on loopback; the login
   page on the same server right after, for the ratio.
4. The director's home page at bench scale against the same page on a tenth of the data (its own database,
   ``BENCH_TENTH_DATABASE_URL``, default the main name + ``_tenth``, created and loaded with
   ``seed_demo --bench --bench-scale 0.1`` when missing): two server processes, one per database, asked in turn.

The branch and city users are timed alternately, request by request, and each request's own SQL time is
summed (``connection.execute_wrapper``): the issue-19 ratios (page / its SQL, branch / city, case list / login
throughput, home at full / a tenth of the data) are read from one interleaved run, so that the machine's load
falls on both sides alike. ``BENCH_ONLY`` runs a subset, comma-separated: ``pages``, ``statistics``,
``throughput``, ``home`` (default: all); ``BENCH_REQUESTS`` and ``BENCH_WRK_SECONDS`` keep a run short.

Figures are printed and written to bench/results.md (sections "Bench data load", "Pages", "Throughput",
"Home page", "Issue 19 ratios").
"""

import gc
import json
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
# A subset, comma-separated: pages, statistics, throughput, home (empty: all). "statistics": make bench-statistics.
ONLY = {part.strip() for part in os.environ.get("BENCH_ONLY", "").split(",") if part.strip()}
TENTH_DATABASE_URL = os.environ.get("BENCH_TENTH_DATABASE_URL", f"{DATABASE_URL}_tenth")
TENTH_SCALE = 0.1
FIGURES: dict = {}  # what each section measured, for the issue-19 ratios
BRANCH_USER = "bench_b04_chief001"
CITY_USER = "director"
# The bench database's files (the demo's issued decisions) live as long as the database: kept in var/.
MEDIA_ROOT = os.environ.get("BENCH_MEDIA_ROOT", str(ROOT / "var" / "bench-media"))


def wanted(section: str) -> bool:
    return not ONLY or section in ONLY


def setup(url: str = DATABASE_URL, scale: float = SCALE, media_root: str = MEDIA_ROOT) -> float | None:
    """Database, migrations, bench data. Returns the seconds the bench data took to load, if it was loaded."""
    bench_environment(url)
    os.environ["MEDIA_ROOT"] = media_root
    ensure_database(url)
    import django

    django.setup()
    gc.freeze()  # as config/wsgi.py does in every server process, at the same point
    from django.core.management import call_command

    from bench import seed_supervision as bench_data

    call_command("migrate", verbosity=0)
    if bench_data.is_seeded():
        _analyze()
        return None
    started = time.perf_counter()
    call_command("seed_demo", "--bench", "--bench-scale", str(scale))
    seconds = time.perf_counter() - started
    _analyze()
    return seconds


def _analyze() -> None:
    """The planner's statistics as autovacuum leaves them on a settled database. A freshly loaded database, or a
    copy made with ``createdb -T`` (whose row counts the statistics collector starts again from zero, so autovacuum
    never analyzes it), keeps the row estimates of some point during the load: 14,000 inspections for 50,000, and
    the list plans a hash join of every row."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


class SqlTimer:
    """``connection.execute_wrapper``: the wall time of every query run inside it, summed."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20, method="inclusive")[18]


def measure_alternately(clients: dict, path: str, totals: dict | None = None) -> dict:
    """``path`` for each of ``clients`` ({who: logged-in client}), the users taking turns request by request (the
    order swapped every round): p50 / p95 of the whole request and of its own SQL time, the queries of one
    request, the rows shown."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = {who: [] for who in clients}
    sql = {who: [] for who in clients}
    captured, last = {}, {}
    for who, client in clients.items():
        for _ in range(3):
            response = client.get(path)
            assert response.status_code == 200, (path, who, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        # Read now: the next request's request_started signal empties the connection's query log.
        captured[who] = [q["sql"] for q in queries.captured_queries]
    order = list(clients)
    for round_ in range(REQUESTS):
        for who in order if round_ % 2 == 0 else reversed(order):
            timer = SqlTimer()
            with connection.execute_wrapper(timer):
                started = time.perf_counter()
                response = clients[who].get(path)
                times[who].append((time.perf_counter() - started) * 1000)
            sql[who].append(timer.seconds * 1000)
            assert response.status_code == 200
            last[who] = response
    results = {}
    for who, response in last.items():
        total = (totals or {}).get(who)
        if response.get("Content-Type", "").startswith("application/json") and "results" in response.json():
            data = response.json()
            rows = f"{len(data['results'])} of {data['count']:,}"
        else:
            rows = "1" if total is None else f"{min(50, total)} of {total:,}"
        results[who] = {
            "p50": statistics.median(times[who]),
            "p95": _p95(times[who]),
            "sql_p50": statistics.median(sql[who]),
            "queries": len(captured[who]),
            "rows": rows,
            "sql": captured[who],
            "bytes": len(response.content),
        }
    return results


LIST_PAGES = ("case list", "lead list", "institution list", "inspection list", "report list")


def pages_report() -> tuple[str, dict]:
    from django.test import Client

    from enforcement.cases.models import Case
    from supervision.inspections.models import Inspection
    from supervision.leads.models import Lead
    from supervision.org.models import User
    from supervision.register.models import Institution
    from supervision.reports.models import Report

    branch_user, city_user = User.objects.get(username=BRANCH_USER), User.objects.get(username=CITY_USER)
    case = Case.objects.filter(jurisdiction__code="B04", state="archived").order_by("pk").first()
    pages = [
        ("case list", "/cases/"),
        ("lead list", "/leads/"),
        ("institution list", "/institutions/"),
        ("inspection list", "/inspections/"),
        ("report list", "/reports/"),
        ("case page", f"/cases/{case.pk}/"),
        ("API cases", "/api/v1/cases/"),
        ("API leads", "/api/v1/leads/"),
        ("API institutions", "/api/v1/institutions/"),
    ]
    models = {"case list": Case, "lead list": Lead, "institution list": Institution, "inspection list": Inspection,
              "report list": Report}  # fmt: skip
    users = {"branch": branch_user, "city": city_user}
    clients = {}
    for who, user in users.items():
        clients[who] = Client()
        clients[who].force_login(user)
    results = {}
    for name, path in pages:
        totals = {who: models[name].objects.visible_to(user).count() for who, user in users.items()} \
            if name in models else None  # fmt: skip
        for who, r in measure_alternately(clients, path, totals).items():
            results[(name, who)] = r
            print(f"{name:18} {who:7} {r['p50']:7.1f} {r['p95']:7.1f} ms (SQL {r['sql_p50']:5.1f}) "
                  f"{r['queries']:3} queries {r['rows']}", flush=True)  # fmt: skip
    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    results[("admin changelist", "superuser")] = measure_alternately(
        {"superuser": admin}, "/admin/enforcement/case/", {"superuser": Case.objects.count()}
    )["superuser"]

    lines = [
        f"Database: PostgreSQL, the bench data set (demo + `seed_demo --bench`); {REQUESTS} requests per page and "
        "user after 3 warm-up requests, in process (Django test client, DEBUG off), the branch and the city user "
        "taking turns request by request. Branch user: `bench_b04_chief001`, chief of bench branch B04 (1/17 of the "
        "bench rows); city user: `director` (every row). SQL: the request's own query time "
        "(`connection.execute_wrapper`), p50. Queries: one request.",
        "",
        "| page | user | p50 ms | p95 ms | SQL p50 ms | p50 / SQL | queries | rows shown / total | response KB |",
        "|---|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for (name, who), r in results.items():
        lines.append(f"| {name} | {who} | {r['p50']:.1f} | **{r['p95']:.1f}** | {r['sql_p50']:.1f} | "
                     f"{r['p50'] / max(r['sql_p50'], 0.01):.1f} | {r['queries']} | {r['rows']} | "
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
        "The statistics pages have their own section (before/after the stored monthly aggregates); the issue-19 "
        "ratios are gathered in their own section.",
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
    FIGURES["statistics worst p95"] = worst_after
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
    headers = ["-H", f"Cookie: sessionid={cookie}"] if cookie else []
    command = ["wrk", "-t2", f"-c{WRK_CONNECTIONS}", f"-d{WRK_SECONDS}s", "--latency", *headers, url]
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
        # The login page on the same server, anonymous: what the server does with a page that has no data.
        login = wrk(f"http://127.0.0.1:{port}/accounts/login/", "")
        print(f"throughput login page: {login}", flush=True)
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
    r = login
    lines.append(f"| login page (anonymous, `/accounts/login/`) | {r['requests']:,} | **{r['rate']:.0f}** | "
                 f"{r['p50']:.0f} | {r['p99']:.0f} | {r['non2xx']} | {r['socket_errors']} |")  # fmt: skip
    best = max(r["rate"] for _w, _u, r in rows)
    city = next(r["rate"] for w, _u, r in rows if w == "city")
    FIGURES["throughput ratio"] = (city, login["rate"])
    lines += ["", f"Target ≥ 250 req/s on the case list: best **{best:.0f} req/s** "
                  f"({'met' if best >= 250 else 'missed'}). Case list (city) / login page on the same server: "
                  f"**1/{login['rate'] / city:.1f}** (issue 19: ≥ 1/8)."]  # fmt: skip
    return "\n".join(lines)


# --- The home page at bench scale and at a tenth of it ------------------------------------------------------------


def home_worker(url: str, scale: float, media_root: str) -> None:
    """A server process on one database (loaded when missing): answers each path read from stdin with the
    director's request time and its SQL time, as one ``BENCH {json}`` line (anything else it prints is not)."""
    seconds = setup(url, scale, media_root)
    from django.db import connection
    from django.test import Client

    from enforcement.cases.models import Case
    from supervision.org.models import User

    client = Client()
    client.force_login(User.objects.get(username=CITY_USER))
    for _ in range(3):
        assert client.get("/").status_code == 200
    print("BENCH " + json.dumps({"seeded": seconds, "cases": Case.objects.count()}), flush=True)
    for line in sys.stdin:
        timer = SqlTimer()
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            response = client.get(line.strip())
            elapsed = (time.perf_counter() - started) * 1000
        print("BENCH " + json.dumps({"ms": elapsed, "sql": timer.seconds * 1000, "status": response.status_code}),
              flush=True)  # fmt: skip


def _answer(process: subprocess.Popen) -> dict:
    while True:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"home worker ended (exit {process.wait()})")
        if line.startswith("BENCH "):
            return json.loads(line[6:])


def home_report() -> str:
    """Issue 19: the director's home must not grow with the tables. The same page on the bench data and on a
    tenth of it, one server process each, asked in turn."""
    databases = {"bench scale": (DATABASE_URL, SCALE, MEDIA_ROOT),
                 "a tenth": (TENTH_DATABASE_URL, TENTH_SCALE, f"{MEDIA_ROOT}-tenth")}  # fmt: skip
    workers, ready = {}, {}
    try:
        for label, (url, scale, media) in databases.items():
            workers[label] = subprocess.Popen(  # noqa: S603
                [sys.executable, __file__, "--home-worker", url, str(scale), media],
                cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=os.environ.copy(),
            )  # fmt: skip
            ready[label] = _answer(workers[label])  # one at a time: a missing database is loaded first
            print(f"home worker {label}: {ready[label]}", flush=True)
        times = {label: [] for label in workers}
        sql = {label: [] for label in workers}
        order = list(workers)
        for round_ in range(REQUESTS):
            for label in order if round_ % 2 == 0 else reversed(order):
                workers[label].stdin.write("/\n")
                workers[label].stdin.flush()
                answer = _answer(workers[label])
                assert answer["status"] == 200, answer
                times[label].append(answer["ms"])
                sql[label].append(answer["sql"])
    finally:
        for process in workers.values():
            process.stdin.close()
            process.wait(timeout=60)
    p50 = {label: statistics.median(t) for label, t in times.items()}
    p95 = {label: _p95(t) for label, t in times.items()}
    sql50 = {label: statistics.median(t) for label, t in sql.items()}
    ratio = p50["bench scale"] / p50["a tenth"]
    FIGURES["home ratio"] = ratio
    FIGURES["home p95"] = p95["bench scale"]
    lines = [
        f"The director's home page (`/`), {REQUESTS} requests per database after 3 warm-up requests, one server "
        "process per database (Django test client, DEBUG off) asked in turn: the bench database and a second one "
        f"loaded with `seed_demo --bench --bench-scale {TENTH_SCALE:g}` (`{TENTH_DATABASE_URL.rsplit('/', 1)[1]}`, "
        "created when missing).",
        "",
        "| data | cases | p50 ms | p95 ms | SQL p50 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for label in workers:
        lines.append(f"| {label} | {ready[label]['cases']:,} | {p50[label]:.1f} | {p95[label]:.1f} | "
                     f"{sql50[label]:.1f} |")  # fmt: skip
    lines += ["", f"Bench scale / a tenth, p50: **{ratio:.2f}×** (issue 19: ≤ 1.3; "
                  f"{'met' if ratio <= 1.3 else 'missed'})."]  # fmt: skip
    return "\n".join(lines)


# --- Issue 19: the ratios in one table -------------------------------------------------------------------------


def ratios_report(results: dict) -> str:
    def verdict(ok: bool) -> str:
        return "met" if ok else "**missed**"

    rows = []
    if results:
        case, sql = results[("case list", "city")]["p50"], results[("case list", "city")]["sql_p50"]
        rows.append(("case list p50 / its own SQL time (city user)", f"{case:.1f} / {sql:.1f} ms = "
                     f"**{case / sql:.1f}**", "≤ 2.5", verdict(case / sql <= 2.5)))  # fmt: skip
        names = [n for n in dict.fromkeys(name for name, _who in results) if "list" in n or n.startswith("API")]
        names = [n for n in names if (n, "branch") in results]
        worst = max(results[(n, "branch")]["p50"] / results[(n, "city")]["p50"] for n in names)
        each = ", ".join(f"{n} {results[(n, 'branch')]['p50'] / results[(n, 'city')]['p50']:.2f}" for n in names)
        rows.append(("branch / city p50, every list", f"{each}; worst **{worst:.2f}**", "≤ 1.0",
                     verdict(worst <= 1.0)))  # fmt: skip
        queries = max(results[(n, who)]["queries"] for n in names for who in ("branch", "city"))
        rows.append(("queries, every list (one request)", f"worst **{queries}**", "≤ 10", verdict(queries <= 10)))
        pages = {k: r for k, r in results.items() if k[0] != "admin changelist"}
        slowest = max(pages, key=lambda k: pages[k]["p95"])
        worst_p95 = pages[slowest]["p95"]
        rows.append(("p95 of each page (lists, case page, API lists)", f"worst **{worst_p95:.0f} ms** "
                     f"({slowest[0]}, {slowest[1]})", "≤ 150 ms", verdict(worst_p95 <= 150)))  # fmt: skip
    if "throughput ratio" in FIGURES:
        case, login = FIGURES["throughput ratio"]
        rows.append(("case-list throughput / login-page throughput (gunicorn, wrk)",
                     f"{case:.0f} / {login:.0f} req/s = **1/{login / case:.1f}**", "≥ 1/8",
                     verdict(case / login >= 1 / 8)))  # fmt: skip
    if "home ratio" in FIGURES:
        rows.append(("home page p50, bench scale / a tenth", f"**{FIGURES['home ratio']:.2f}**", "≤ 1.3",
                     verdict(FIGURES["home ratio"] <= 1.3)))  # fmt: skip
        rows.append(("home page p95 at bench scale", f"**{FIGURES['home p95']:.0f} ms**", "≤ 150 ms",
                     verdict(FIGURES["home p95"] <= 150)))  # fmt: skip
    if "statistics worst p95" in FIGURES:
        worst = FIGURES["statistics worst p95"]
        rows.append(("statistics page and API p95", f"worst **{worst:.0f} ms**", "≤ 300 ms", verdict(worst <= 300)))
    stamp = f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, load {os.getloadavg()[0]:.1f}"
    table = {a: f"| {a} | {b} | {c} | {d} | {stamp} |" for a, b, c, d in rows}
    # A subset run (BENCH_ONLY) replaces its own rows and keeps the others from the run that measured them.
    for line in _section_text(RATIOS_HEADING).splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 5 and cells[0] not in ("figure", *table):
            table[cells[0]] = line
    lines = [
        f"bench/pages_bench.py, {REQUESTS} requests per page; each ratio's two sides measured alternately in one "
        "run (the column *run* says which, with the machine's load average at its end). The lead import's ratio "
        "(rows/s against a bare COPY into the same table) is in the lead import section.",
        "",
        "| figure | measured | target | | run |",
        "|---|---|---|---|---|",
        *table.values(),
    ]
    return "\n".join(lines)


RATIOS_HEADING = "## Issue 19 ratios (bench/pages_bench.py)"


def _section_text(heading: str) -> str:
    results = ROOT / "bench" / "results.md"
    text = results.read_text(encoding="utf-8") if results.exists() else ""
    match = re.search(re.escape(heading) + r"\n(.*?)(?=^## |\Z)", text, re.DOTALL | re.MULTILINE)
    return match.group(1) if match else ""


def main() -> None:
    if sys.argv[1:2] == ["--home-worker"]:
        home_worker(sys.argv[2], float(sys.argv[3]), sys.argv[4])
        return
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
    results = {}
    if wanted("pages"):
        body, results = pages_report()
        write_section("## Pages: server time and queries (bench/pages_bench.py)", body)
    if wanted("statistics"):
        write_section("## Statistics: stored monthly aggregates vs live (bench/pages_bench.py)", statistics_report())
    if wanted("throughput"):
        write_section("## Throughput: case list under load (bench/pages_bench.py)", throughput_report())
    if wanted("home"):
        write_section("## Home page: bench scale against a tenth (bench/pages_bench.py)", home_report())
    if ONLY != {"statistics"}:
        write_section(RATIOS_HEADING, ratios_report(results))
    print((ROOT / "bench" / "results.md").read_text())


if __name__ == "__main__":
    main()
