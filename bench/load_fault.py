"""Load and fault test (a script, not a test; not part of `make test` or `make bench`).

    .venv/bin/python bench/load_fault.py                          # 50 users, 2 runs of 300 s, restart in run 2
    .venv/bin/python bench/load_fault.py --duration 120 --users 50 --pg-cluster "15 main"
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5441/portal_fault .venv/bin/python bench/load_fault.py \\
        --pg-cluster "15 h8b"                                      # a private cluster: others' tests keep theirs

What it does, all on loopback (127.0.0.1):

1. Prepares the database like bench/pages_bench.py (created, migrated, ``seed_demo --bench`` at ``BENCH_SCALE``
   when the bench set is missing) and starts gunicorn (``config.wsgi``, ``--workers`` sync workers with
   ``--threads`` threads each, DEBUG off, ``CONN_MAX_AGE`` 60 with health checks).
2. Run 1 — load: ``--users`` simulated users (threads, Python's urllib, one cookie jar each) for ``--duration``
   seconds. Users come in teams of one branch chief and four officers of a bench branch (no two teams share a
   branch, so chiefs never race each other). Every user logs in through the login page, then loops: the case
   list page, a case page, and a transition — an officer opens a case (``POST /api/v1/cases/``, → ``filing``);
   a chief approves the filing of a case his officers opened (``approve_filing`` with two certified officers,
   → ``investigating``), and every fifth time issues the penalty decision (PDF) of a decided case of his branch.
   A think time of ``--think`` seconds (random up to that) separates requests.
3. Run 2 — fault: the same load, and half way through PostgreSQL is restarted
   (``pg_ctlcluster --skip-systemctl-redirect VERSION CLUSTER restart``). The time the server is down is taken
   from the command and from polling the port.
4. After each run, consistency checks in SQL prove that no half-written case or document exists: every case's
   state is the target of its latest timeline event, every case has its ``open`` event and its audit row,
   every filed case has two officers, case numbers have no gaps or duplicates in their yearly series, every
   issued document has its PDF on disk with the recorded SHA-256, and every timeline chains state to state.

Reported (printed, and written to bench/results.md, section "Load and fault test"): requests, errors (5xx,
connection errors, unexpected 4xx; a 409 from a lost race would be counted apart), p50/p95 per request kind,
the error timeline around the restart, the recovery time, and the consistency checks.
"""

import argparse
import hashlib
import http.cookiejar
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _report import DEFAULT_DATABASE_URL, bench_environment, ensure_database, write_section  # noqa: E402

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
MEDIA_ROOT = os.environ.get("BENCH_MEDIA_ROOT", str(ROOT / "var" / "bench-media"))
SCALE = float(os.environ.get("BENCH_SCALE", "1"))
PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-pass-2026")


# --- Setup --------------------------------------------------------------------------------------------------


def setup() -> None:
    bench_environment(DATABASE_URL)
    os.environ["MEDIA_ROOT"] = MEDIA_ROOT
    os.environ["AXES_ENABLED"] = "0"  # 50 logins from one address are the test, not an attack
    ensure_database(DATABASE_URL)
    import django

    django.setup()
    from django.core.management import call_command

    from bench import seed_supervision as bench_data

    call_command("migrate", verbosity=0)
    if not bench_data.is_seeded():
        call_command("seed_demo", "--bench", "--bench-scale", str(SCALE))


def teams(users: int) -> list[dict]:
    """Teams of a chief and four officers, one bench branch each (B04, B05, …)."""
    from enforcement.cases.models import Case
    from supervision.org.models import OrgUnit, User
    from supervision.register.models import Institution

    result = []
    branches = OrgUnit.objects.filter(kind="branch", code__gte="B04").order_by("code")
    for branch in branches:
        if len(result) * 5 >= users:
            break
        prefix = f"bench_{branch.code.lower()}_"
        chief = User.objects.get(username=f"{prefix}chief001")
        officers = list(User.objects.filter(username__startswith=f"{prefix}officer").order_by("username")[:4])
        result.append({
            "branch": branch.code, "chief": chief.username, "officers": [o.username for o in officers],
            "officer_ids": {o.username: o.pk for o in officers},
            "institutions": list(Institution.objects.filter(jurisdiction=branch).values_list("pk", flat=True)[:200]),
            "cases": list(Case.objects.filter(jurisdiction=branch).values_list("pk", flat=True)[:300]),
            "decided": list(Case.objects.filter(jurisdiction=branch, state="decided", outcome="penalty",
                                                documents__isnull=True).values_list("pk", flat=True)),
        })  # fmt: skip
    return result


def start_gunicorn(port: int, workers: int, threads: int) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    command = [gunicorn, "config.wsgi", "-w", str(workers), "--threads", str(threads), "-b", f"127.0.0.1:{port}",
               "--log-level", "warning", "--timeout", "60"]  # fmt: skip
    log = (ROOT / "var" / "bench-gunicorn.log").open("ab")  # the tracebacks of the restart go here, not the console
    process = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=os.environ.copy(), start_new_session=True, stdout=log, stderr=subprocess.STDOUT
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
        process.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


# --- Simulated users ----------------------------------------------------------------------------------------


class Recorder:
    """Every request: start, end, kind, outcome (an HTTP status or the exception's name)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.rows = []

    def add(self, started, ended, kind, outcome):
        with self.lock:
            self.rows.append((started, ended, kind, outcome))


class User:
    def __init__(self, base, username, recorder, think):
        self.base, self.username, self.recorder, self.think = base, username, recorder, think
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, kind, path, data=None, json_body=None, expect=(200,)):
        headers = {}
        body = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers = {"Content-Type": "application/json", "X-CSRFToken": self.csrf()}
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": self.base + path}
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310 (http://127.0.0.1)
        started = time.time()
        try:
            with self.opener.open(request, timeout=30) as response:
                payload = response.read()
                status = response.status
                final = response.url
        except urllib.error.HTTPError as exc:
            payload, status, final = exc.read(), exc.code, path
        except Exception as exc:  # connection refused, reset, timeout: all count as errors
            self.recorder.add(started, time.time(), kind, type(exc).__name__)
            return None, None
        if kind != "login" and "/accounts/login/" in final:
            status = 401  # the session was lost: an error
        self.recorder.add(started, time.time(), kind, status)
        return status, payload

    def pause(self):
        time.sleep(random.uniform(0, self.think))

    def login(self) -> bool:
        status, page = self.request("login", "/accounts/login/")
        if status != 200:
            return False
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        form = {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        status, _page = self.request("login", "/accounts/login/", data=form)
        return status == 200 and any(c.name == "sessionid" for c in self.jar)


def officer_loop(user: User, team: dict, deadline: float, opened: list, lock: threading.Lock):
    while time.time() < deadline and not user.login():
        time.sleep(1)
    while time.time() < deadline:
        user.request("list", "/cases/")
        user.pause()
        user.request("detail", f"/cases/{random.choice(team['cases'])}/")
        user.pause()
        body = {"title": f"压力测试立案 {user.username} {time.time():.3f}",
                "institution": random.choice(team["institutions"]),
                "violation_codes": ["OVER_STANDARD_CHARGE"], "amount_involved": "12000.00"}  # fmt: skip
        status, payload = user.request("open case", "/api/v1/cases/", json_body=body, expect=(201,))
        if status == 201:
            with lock:
                opened.append((json.loads(payload)["id"], user.username))
        user.pause()


def chief_loop(user: User, team: dict, deadline: float, opened: list, lock: threading.Lock):
    while time.time() < deadline and not user.login():
        time.sleep(1)
    turn = 0
    while time.time() < deadline:
        turn += 1
        user.request("list", "/cases/")
        user.pause()
        with lock:
            case = opened.pop(0) if opened else None
        if case is not None:
            case_id, opener = case
            user.request("detail", f"/cases/{case_id}/")
            user.pause()
            partner = next(o for o in team["officers"] if o != opener)
            ids = team["officer_ids"]
            body = {"action": "approve_filing", "comment": "同意立案", "officers": [ids[opener], ids[partner]],
                    "lead_officer": ids[opener]}  # fmt: skip
            status, _payload = user.request("approve filing", f"/api/v1/cases/{case_id}/actions/", json_body=body)
            if status is None or status >= 500:
                with lock:
                    opened.append(case)  # try again later: the action did not happen (or will be seen as done)
        if turn % 5 == 0 and team["decided"]:
            case_id = team["decided"].pop()
            user.request("issue decision", f"/api/v1/cases/{case_id}/documents/",
                         json_body={"kind": "penalty_decision"}, expect=(201,))  # fmt: skip
        user.pause()


def run(base: str, all_teams: list, users: int, duration: float, think: float, fault=None) -> dict:
    recorder = Recorder()
    deadline = time.time() + duration
    threads, count = [], 0
    for team in all_teams:
        opened, lock = [], threading.Lock()
        for username in [team["chief"], *team["officers"]]:
            if count >= users:
                break
            loop = chief_loop if username == team["chief"] else officer_loop
            user = User(base, username, recorder, think)
            threads.append(threading.Thread(target=loop, args=(user, team, deadline, opened, lock), daemon=True))
            count += 1
    started = time.time()
    for thread in threads:
        thread.start()
    events = {}
    if fault is not None:
        time.sleep(max(0.0, duration * 0.5))
        events = fault()
    for thread in threads:
        thread.join(timeout=duration + 120)
    return {"rows": recorder.rows, "started": started, "ended": time.time(), "users": count, "events": events}


def restart_postgres(cluster: str, port: int) -> dict:
    version, name = cluster.split()
    events = {"restart_begin": time.time()}
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart"], check=True)  # noqa: S603, S607
    events["restart_returned"] = time.time()
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.1)
    ready = subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", str(port)], capture_output=True)  # noqa: S603, S607
    while ready.returncode != 0:
        time.sleep(0.1)
        ready = subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", str(port)], capture_output=True)  # noqa: S603, S607
    events["ready"] = time.time()
    return events


# --- Figures ------------------------------------------------------------------------------------------------


def summarise(result: dict) -> dict:
    rows = result["rows"]
    ok = [r for r in rows if isinstance(r[3], int) and r[3] < 400]
    errors = [r for r in rows if not (isinstance(r[3], int) and r[3] < 400) and r[3] != 409]
    conflicts = [r for r in rows if r[3] == 409]
    kinds = defaultdict(list)
    for started, ended, kind, _outcome in ok:
        kinds[kind].append((ended - started) * 1000)
    per_kind = {kind: (len(t), statistics.median(t), _p95(t)) for kind, t in sorted(kinds.items())}
    all_times = [(r[1] - r[0]) * 1000 for r in ok]
    seconds = result["ended"] - result["started"]
    return {
        "requests": len(rows), "ok": len(ok), "errors": errors, "conflicts": len(conflicts), "per_kind": per_kind,
        "p50": statistics.median(all_times) if all_times else 0,
        "p95": _p95(all_times) if all_times else 0,
        "rate": len(rows) / seconds, "seconds": seconds, "error_kinds": Counter(str(r[3]) for r in errors),
    }  # fmt: skip


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20, method="inclusive")[18] if len(times) > 1 else times[0]


def consistency(since) -> list[tuple[str, int]]:
    """SQL checks; each returns the number of offending rows (0 = consistent)."""
    from django.conf import settings
    from django.db import connection

    checks = {
        "cases whose state is not the target of their latest timeline event": """
            SELECT count(*) FROM enforcement_case c JOIN LATERAL (
                SELECT e.to_state FROM enforcement_caseevent e WHERE e.case_id = c.id
                ORDER BY e.at DESC, e.id DESC LIMIT 1
            ) last ON true WHERE last.to_state <> c.state""",
        "cases without their `open` event": """
            SELECT count(*) FROM enforcement_case c WHERE NOT EXISTS (
                SELECT 1 FROM enforcement_caseevent e WHERE e.case_id = c.id AND e.action = 'open')""",
        "timeline steps that do not start where the previous one ended": """
            SELECT count(*) FROM (SELECT from_state, action,
                lag(to_state) OVER (PARTITION BY case_id ORDER BY at, id) AS previous FROM enforcement_caseevent) t
            WHERE previous IS NOT NULL AND from_state <> previous""",
        "cases opened in these runs without their audit row": """
            SELECT count(*) FROM enforcement_case c WHERE c.opened_at >= %(since)s AND NOT EXISTS (
                SELECT 1 FROM supervision_auditevent a JOIN django_content_type t ON t.id = a.content_type_id
                WHERE t.app_label = 'enforcement' AND t.model = 'case' AND a.object_id = c.id::text
                AND a.verb = 'open')""",
        "filed cases opened in these runs with fewer than two officers": """
            SELECT count(*) FROM enforcement_case c WHERE c.opened_at >= %(since)s AND c.filed_on IS NOT NULL
            AND (SELECT count(*) FROM enforcement_caseofficer o WHERE o.case_id = c.id) < 2""",
        "approve_filing events without the case's filing date and clock": """
            SELECT count(*) FROM enforcement_caseevent e JOIN enforcement_case c ON c.id = e.case_id
            WHERE e.action = 'approve_filing' AND (c.filed_on IS NULL OR c.decision_due IS NULL)""",
        "duplicate case numbers": "SELECT count(*) - count(DISTINCT number) FROM enforcement_case",
        "case number series with a gap (count ≠ last number issued)": """
            SELECT count(*) FROM supervision_numbersequence s WHERE s.series LIKE 'case:%%' AND s.last <> (
                SELECT count(*) FROM enforcement_case c
                WHERE c.number LIKE substr(s.series, 6) || '-' || s.year || '-%%')""",
        "documents without a number or a SHA-256": """
            SELECT count(*) FROM enforcement_document WHERE number = '' OR sha256 = '' OR file = ''""",
    }
    results = []
    with connection.cursor() as cursor:
        for label, sql in checks.items():
            cursor.execute(sql, {"since": since})
            results.append((label, cursor.fetchone()[0]))
        cursor.execute("SELECT file, sha256 FROM enforcement_document")
        documents = cursor.fetchall()
    bad = 0
    for name, digest in documents:
        path = Path(settings.MEDIA_ROOT) / name
        if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            bad += 1
    results.append((f"issued documents ({len(documents)}) whose PDF is missing or differs from its SHA-256", bad))
    return results


def report(args, runs: list, checks: list, since_counts: dict) -> str:
    lines = [
        f"{args.users} simulated users (teams of a branch chief and four officers, one bench branch each) against "
        f"gunicorn (`config.wsgi`, {args.workers} workers × {args.threads} threads, DEBUG off, `CONN_MAX_AGE` 60 "
        f"with health checks) and PostgreSQL on 127.0.0.1, think time up to {args.think:g} s between requests. "
        "Each user logs in through the login page, then loops: case list, case page, a transition (officers open "
        "a case through the API; chiefs approve the filing of their officers' cases with two certified "
        "officers, and every fifth turn issue a penalty decision PDF). Machine: 2 cores, shared and loaded.",
        "",
        "| run | seconds | requests | req/s | errors | p50 ms | p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, _result, summary in runs:
        lines.append(f"| {name} | {summary['seconds']:.0f} | {summary['requests']:,} | {summary['rate']:.1f} | "
                     f"**{len(summary['errors'])}** | {summary['p50']:.0f} | **{summary['p95']:.0f}** |")  # fmt: skip
    for name, _result, summary in runs:
        lines += ["", f"{name}, per request kind (successful requests):", "",
                  "| kind | count | p50 ms | p95 ms |", "|---|---:|---:|---:|"]  # fmt: skip
        for kind, (count, p50, p95) in summary["per_kind"].items():
            lines.append(f"| {kind} | {count:,} | {p50:.0f} | {p95:.0f} |")
        if summary["errors"]:
            lines.append("")
            lines.append("Errors by kind: " + ", ".join(f"{k} × {v}" for k, v in summary["error_kinds"].items()))
    fault = runs[-1]
    events = fault[1]["events"]
    if events:
        begin, ready = events["restart_begin"], events["ready"]
        errors = fault[2]["errors"]
        outside = [e for e in errors if e[1] < begin or e[0] > ready + 10]
        last = max((e[1] for e in errors), default=None)
        recovery = max(0.0, last - ready) if last is not None else 0.0
        per_second = Counter(int(e[0] - begin) for e in errors)
        lines += [
            "",
            f"PostgreSQL restart (`pg_ctlcluster --skip-systemctl-redirect {args.pg_cluster} restart`) at "
            f"{begin - fault[1]['started']:.0f} s into the fault run: the command returned after "
            f"{events['restart_returned'] - begin:.1f} s, PostgreSQL accepted connections "
            f"{ready - begin:.1f} s after the restart began.",
            f"- errors: {len(errors)} in all, **{len(outside)}** outside the window from the restart to 10 s after "
            "PostgreSQL was ready (target: errors only while the database is down);",
            f"- recovery: the last error ended **{recovery:.1f} s** after PostgreSQL was ready (target ≤ 10 s);",
            "- errors per second from the restart: "
            + (", ".join(f"{s:+d} s: {n}" for s, n in sorted(per_second.items())) or "none")
            + ".",
        ]
    lines += ["", "Consistency afterwards (SQL over the whole database; 0 = none found):", "",
              "| check | rows |", "|---|---:|"]  # fmt: skip
    lines += [f"| {label} | **{count}** |" for label, count in checks]
    lines += ["", "Written during the two runs: " + ", ".join(f"{k} {v:,}" for k, v in since_counts.items()) + "."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=300, help="seconds per run (default 300)")
    parser.add_argument("--think", type=float, default=1.0, help="maximum think time between requests (s)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--pg-cluster", default=os.environ.get("BENCH_PG_CLUSTER", "15 main"),
                        help='PostgreSQL version and cluster name for pg_ctlcluster (default "15 main")')  # fmt: skip
    parser.add_argument("--skip-load-run", action="store_true", help="only the fault run")
    parser.add_argument("--no-write", action="store_true", help="do not write bench/results.md")
    args = parser.parse_args()

    setup()
    from django.db import connection
    from django.utils import timezone

    from enforcement.cases.models import Case, CaseEvent
    from enforcement.documents.models import Document

    all_teams = teams(args.users)
    port = _free_port()
    pg_port = int(connection.settings_dict.get("PORT") or 5432)
    connection.close()
    since = timezone.now()
    before = {"cases": Case.objects.count(), "case events": CaseEvent.objects.count(),
              "documents": Document.objects.count()}  # fmt: skip
    connection.close()
    runs = []
    process = start_gunicorn(port, args.workers, args.threads)
    try:
        base = f"http://127.0.0.1:{port}"
        if not args.skip_load_run:
            result = run(base, all_teams, args.users, args.duration, args.think)
            runs.append(("run 1: load", result, summarise(result)))
            print(runs[-1][0], {k: v for k, v in runs[-1][2].items() if k != "errors"}, flush=True)
        result = run(base, all_teams, args.users, args.duration, args.think,
                     fault=lambda: restart_postgres(args.pg_cluster, pg_port))  # fmt: skip
        runs.append(("run 2: PostgreSQL restarted half way", result, summarise(result)))
        print(runs[-1][0], {k: v for k, v in runs[-1][2].items() if k != "errors"}, result["events"], flush=True)
    finally:
        stop(process)
    connection.close()
    checks = consistency(since)
    after = {"cases": Case.objects.count(), "case events": CaseEvent.objects.count(),
             "documents": Document.objects.count()}  # fmt: skip
    written = {k: after[k] - before[k] for k in after}
    body = report(args, runs, checks, written)
    print(body)
    if not args.no_write:
        write_section("## Load and fault test (bench/load_fault.py)", body)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    main()
