"""Benchmark (not a test): the home page at bench scale against a tenth of it (issue 19, "a home page that does not
grow with the tables").

    BENCH_HOME_FULL=postgres://postgres@127.0.0.1:5432/portal_bench \\
    BENCH_HOME_TENTH=postgres://postgres@127.0.0.1:5432/portal_bench_tenth \\
    .venv/bin/python bench/home_bench.py

Both databases hold the bench data set (``seed_demo --bench``, the tenth one with ``--bench-scale 0.1``), migrated
and analysed. Each round runs one short worker process per database, one after the other (``BENCH_ROUNDS``
rounds, ``BENCH_REQUESTS`` timed requests per user and round after 2 warm-up requests, Django test client in
process, DEBUG off), so that the load of a shared machine falls on both scales alike: the ratio full / tenth
is the figure. Users: the director (the whole city), a city chief, a branch chief and a branch officer.
Prints p50 / p95 per user and scale, the ratio of the p50s, and the home page's queries.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
USERS = ["director", "enf_chief", "bench_b04_chief001", "bench_b04_officer001"]
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "15"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def worker(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    from _report import bench_environment

    bench_environment(url)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from supervision.org.models import User

    result = {}
    for username in USERS:
        client = Client()
        client.force_login(User.objects.get(username=username))
        for _ in range(2):
            assert client.get("/").status_code == 200
        executed = []

        def count(execute, sql, params, many, context, executed=executed):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get("/")
        times = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            response = client.get("/")
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        result[username] = {"times": times, "queries": len(executed)}
    print(json.dumps(result))


def main() -> None:
    scales = {"full": os.environ["BENCH_HOME_FULL"], "tenth": os.environ["BENCH_HOME_TENTH"]}
    times = {(scale, u): [] for scale in scales for u in USERS}
    queries = {}
    for _ in range(ROUNDS):
        for scale, url in scales.items():
            out = subprocess.run(  # noqa: S603
                [sys.executable, __file__, "--worker", url], capture_output=True, text=True, check=True, cwd=ROOT
            ).stdout
            for username, r in json.loads(out.strip().splitlines()[-1]).items():
                times[(scale, username)] += r["times"]
                queries[(scale, username)] = r["queries"]
    print("| user | full p50 | full p95 | tenth p50 | tenth p95 | p50 full/tenth | queries full/tenth |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for username in USERS:
        f, t = times[("full", username)], times[("tenth", username)]
        p50f, p50t = statistics.median(f), statistics.median(t)
        p95f = statistics.quantiles(f, n=20, method="inclusive")[18]
        p95t = statistics.quantiles(t, n=20, method="inclusive")[18]
        print(f"| {username} | {p50f:.0f} | {p95f:.0f} | {p50t:.0f} | {p95t:.0f} | {p50f / p50t:.2f} | "
              f"{queries[('full', username)]}/{queries[('tenth', username)]} |")  # fmt: skip
    print(f"load average {os.getloadavg()[0]:.1f}; {ROUNDS} rounds × {REQUESTS} requests per user and scale")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        worker(sys.argv[2])
    else:
        main()
