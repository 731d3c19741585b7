"""Benchmark (not a test) of smart screening — figures to bench/results.md:

1. import: a generated settlement CSV through the real service (every row checked in DuckDB, duplicates
   skipped, Parquet by month) in lines/s, against DuckDB's own CSV → Parquet copy of the same file;
2. all twelve rules over BENCH_SCREENING_LINES lines (default 20M, written set-based straight to Parquet) with
   hits materialized and leads written: `manage.py run_screening` in a child process, wall time and peak RSS;
3. the same rules as SQL on PostgreSQL (sqlglot: DuckDB → postgres dialect) over 2M lines, against DuckDB on
   the same 2M, with the hit counts of both side by side;
4. Spark local[2] on the same 2M (report, no target).

    .venv/bin/python bench/screening_bench.py [--lines 20000000] [--small 2000000] [--skip-spark]

Database: BENCH_DATABASE_URL (default portal_bench; created and migrated when missing). Its own institutions
(codes SCRB…) and an analyst are added when missing. Parquet data go to a temporary directory, never the repo.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _report import DEFAULT_DATABASE_URL, ensure_database, write_section  # noqa: E402

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
KINDS = [("hospital", "3", 100), ("hospital", "2", 150), ("hospital", "1", 150), ("primary", "", 1000),
         ("pharmacy", "", 600)]  # fmt: skip


def setup(data_dir: Path) -> None:
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ["SCREENING_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("MEDIA_ROOT", str(data_dir / "media"))
    # The bench imports files far above the web upload cap (20 MB), as the import_settlements command may.
    os.environ.setdefault("UPLOAD_MAX_BYTES_SETTLEMENT_IMPORT", str(8 << 30))
    ensure_database(DATABASE_URL)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def ensure_people_and_places() -> list[tuple[str, str, int]]:
    from supervision.org import services as org_services
    from supervision.org.models import OrgUnit, Role, RoleAssignment, User
    from supervision.register.models import Institution

    city = OrgUnit.objects.filter(code="CITY").first() or org_services.orgunit_save(
        unit=OrgUnit(code="CITY", name="江川市医疗保障局", kind=OrgUnit.Kind.CITY), by=None
    )
    mon = OrgUnit.objects.filter(code="MON").first() or org_services.orgunit_save(
        unit=OrgUnit(code="MON", name="监测中心", kind=OrgUnit.Kind.DIVISION, parent=city), by=None
    )
    branch = OrgUnit.objects.filter(kind="branch").first() or org_services.orgunit_save(
        unit=OrgUnit(code="B01", name="第1分局", kind=OrgUnit.Kind.BRANCH, parent=city), by=None
    )
    analyst, _ = User.objects.get_or_create(username="analyst")
    RoleAssignment.objects.get_or_create(user=analyst, role=Role.ANALYST, unit=mon)
    if not Institution.objects.filter(code__startswith="SCRB").exists():
        rows, n = [], 0
        for kind, level, count in KINDS:
            for _ in range(count):
                rows.append(Institution(code=f"SCRB{n:06d}", name=f"筛查基准机构{n}", kind=kind, level=level,
                                        credit_code=f"91SCRB{n:012d}", legal_representative="张三",
                                        address="江川市人民路1号", jurisdiction=branch))  # fmt: skip
                n += 1
        Institution.objects.bulk_create(rows, batch_size=2000)
    return [
        (code, kind, int(level or 0))
        for code, kind, level in Institution.objects.filter(code__startswith="SCRB").values_list(
            "code", "kind", "level"
        )
    ]


def plan_for(lines: int, prefix: str):
    from supervision.screening import generator

    # ≈ 2 lines per visit (70 %), 1 per purchase (15 %), ~5.5 per stay (15 %).
    return generator.Plan(visits=int(lines * 0.35), purchases=int(lines * 0.15), stays=int(lines * 0.15 / 5.5),
                          planted=max(10, lines // 40_000), days=120, prefix=prefix)  # fmt: skip


def generate(institutions, lines: int, prefix: str, workdir: Path):
    import duckdb

    from supervision.screening import generator

    con = duckdb.connect(str(workdir / f"gen-{prefix}.duckdb"), config={"memory_limit": "3GB"})
    started = time.perf_counter()
    generator.generate(con, institutions, plan_for(lines, prefix))
    count = con.execute("SELECT COUNT(*) FROM gen_lines").fetchone()[0]
    return con, count, time.perf_counter() - started


def write_parquet(con, data_dir: Path, batch_id: int) -> float:
    started = time.perf_counter()
    target = data_dir / "settlements"
    target.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"COPY (SELECT *, CAST(fee_ocur_time AS DATE) AS fee_date, CAST({batch_id} AS BIGINT) AS batch_id, "
        f"strftime(fee_ocur_time, '%Y-%m') AS month FROM gen_lines) TO '{target}' "
        f"(FORMAT PARQUET, PARTITION_BY (month), FILENAME_PATTERN 'bench{batch_id}-{{i}}', OVERWRITE_OR_IGNORE)"
    )
    return time.perf_counter() - started


def bench_import(institutions, lines: int, workdir: Path) -> dict:
    import duckdb

    from supervision.org.models import User
    from supervision.screening import generator
    from supervision.screening.imports import settlement_import

    con, count, _ = generate(institutions, lines, "IMP", workdir)
    csv_path = workdir / "import.csv"
    generator.write_csv(con, csv_path)
    con.close()
    copy = duckdb.connect(config={"threads": 2})
    started, cpu, load = time.perf_counter(), time.process_time(), os.getloadavg()[0]
    copy.execute(f"COPY (SELECT * FROM read_csv('{csv_path}', all_varchar = true)) TO '{workdir}/copy.parquet' "
                 "(FORMAT PARQUET)")  # fmt: skip
    duck_seconds, duck_cpu = time.perf_counter() - started, time.process_time() - cpu
    copy.close()
    analyst = User.objects.get(username="analyst")
    started, cpu = time.perf_counter(), time.process_time()
    with csv_path.open("rb") as handle:
        batch = settlement_import(by=analyst, fileobj=handle, file_name="bench.csv")
    seconds, service_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert batch.status == "done", batch.errors[:3] or batch.message
    return {"lines": count, "bytes": csv_path.stat().st_size, "seconds": seconds, "duck_seconds": duck_seconds,
            "cpu": service_cpu, "duck_cpu": duck_cpu, "load": (load, os.getloadavg()[0])}  # fmt: skip


def run_command(args: list[str]) -> tuple[float, int, str, float, str]:
    """Wall time, the child's peak RSS (KiB), its output, its CPU seconds (user + system, all threads) and the
    load average (1 min) before → after. On a shared machine CPU ÷ 2 cores is what an idle machine would take."""
    load = os.getloadavg()[0]
    command = [sys.executable, "-c", RSS_WRAPPER, str(ROOT / "manage.py"), *args]  # our own manage.py
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy(), check=False)  # noqa: S603
    seconds = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    output, _sep, usage = done.stdout.strip().rpartition("\n")
    rss, cpu = (float(x) for x in usage.split())
    return seconds, int(rss), output.strip(), cpu, f"{load:.1f} → {os.getloadavg()[0]:.1f}"


# Runs manage.py in a child and prints its own peak RSS (KiB) and CPU seconds last. The peak is the child's
# VmHWM: getrusage's ru_maxrss of a child started by (v)fork + exec inherits the bench's own peak (Linux
# carries the old address space's high-water mark over exec), which is how the first 20M figure read 2.8 GB.
RSS_WRAPPER = """
import resource, runpy, sys
sys.argv = sys.argv[1:]
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
finally:
    u = resource.getrusage(resource.RUSAGE_SELF)
    hwm = next(int(x.split()[1]) for x in open("/proc/self/status") if x.startswith("VmHWM:"))
    sys.stdout.flush()
    print(f"\\n{hwm} {u.ru_utime + u.ru_stime:.2f}")
"""


def postgres_vs_duckdb(con, workdir: Path) -> dict:
    """The rules' SQL on PostgreSQL (tables in a scratch schema) against DuckDB, same lines, same counts?"""
    import psycopg
    import sqlglot
    from django.conf import settings

    from supervision.screening import engines, rules, services

    services.rules_seed()
    specs = [services.spec_of(r.current) for r in services.Rule.objects.order_by("code")]
    institutions, _ = services.institutions_table()
    catalogue = services.catalogue_table(services.CatalogueVersion.objects.order_by("-number").first())
    inputs = engines.Inputs(workdir, settings.SCREENING_DATA_DIR, catalogue, institutions,
                            engines.FLAGGED_SCHEMA.empty_table())  # fmt: skip
    duck = engines.DuckDBEngine().connect(inputs)
    duck_counts, duck_seconds, per_rule = {}, 0.0, {}
    for spec in specs:
        started = time.perf_counter()
        duck_counts[spec.code] = duck.execute(f"SELECT COUNT(*) FROM ({rules.rule_sql(spec)})").fetchone()[0]
        per_rule[spec.code] = [time.perf_counter() - started, None]
        duck_seconds += per_rule[spec.code][0]
    # Load the same tables into PostgreSQL.
    for name in ("lines", "catalogue", "institutions", "flagged"):
        duck.execute(f"COPY (SELECT * FROM {name}) TO '{workdir}/{name}.csv' (FORMAT CSV, HEADER false)")
    url = DATABASE_URL
    pg_counts, pg_seconds, errors = {}, 0.0, {}
    with psycopg.connect(url, autocommit=True) as pg:
        pg.execute("DROP SCHEMA IF EXISTS screening_bench CASCADE; CREATE SCHEMA screening_bench")
        pg.execute("SET search_path = screening_bench")
        ddl = {
            "lines": "feedetl_sn text, setl_id text, mdtrt_id text, psn_no text, gend text, brdy date, "
            "fixmedins_code text, med_type text, begndate date, enddate date, dise_codg text, hilist_code text, "
            "cnt numeric(12,3), pric numeric(14,2), det_item_fee_sumamt numeric(14,2), fund_pay numeric(14,2), "
            "fee_ocur_time timestamp, fee_date date, batch_id bigint",
            "catalogue": "hilist_code text, hilist_name text, category text, price_cap numeric(14,2), sex_limit text, "
            "age_min int, age_max int, max_qty_per_day numeric(12,3), min_inst_level int, exclusive_group text",
            "institutions": "code text, kind text, level int",
            "flagged": "rule_code text, feedetl_sn text",
        }
        started = time.perf_counter()
        for name, columns in ddl.items():
            pg.execute(f"CREATE TABLE {name} ({columns})")
            source = Path(f"{workdir}/{name}.csv")
            with pg.cursor().copy(f"COPY {name} FROM STDIN WITH (FORMAT csv)") as copy, source.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
        pg.execute("CREATE INDEX ON lines (feedetl_sn); CREATE INDEX ON lines (psn_no); "
                   "CREATE INDEX ON lines (mdtrt_id); ANALYZE")  # fmt: skip
        load_seconds = time.perf_counter() - started
        pg.execute("SET work_mem = '256MB'")
        for spec in specs:
            sql = sqlglot.transpile(f"SELECT COUNT(*) FROM ({rules.rule_sql(spec)}) x", read="duckdb",
                                    write="postgres")[0]  # fmt: skip
            started = time.perf_counter()
            try:
                pg_counts[spec.code] = pg.execute(sql).fetchone()[0]
            except Exception as exc:  # report, do not stop the bench
                errors[spec.code] = str(exc).splitlines()[0][:160]
            per_rule[spec.code][1] = time.perf_counter() - started
            pg_seconds += per_rule[spec.code][1]
        pg.execute("DROP SCHEMA screening_bench CASCADE")
    duck.close()
    return {"duck": duck_counts, "duck_seconds": duck_seconds, "pg": pg_counts, "pg_seconds": pg_seconds,
            "pg_load_seconds": load_seconds, "errors": errors, "per_rule": per_rule}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=int(os.environ.get("BENCH_SCREENING_LINES", 20_000_000)))
    parser.add_argument("--small", type=int, default=2_000_000)
    parser.add_argument("--import-lines", type=int, default=2_000_000)
    parser.add_argument("--skip-spark", action="store_true")
    parser.add_argument("--only-run", action="store_true", help="only the big run (part 2)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="screening-bench-"))
    report = [f"Measured {time.strftime('%Y-%m-%d %H:%M')} UTC, load average {os.getloadavg()[0]:.1f} on "
              f"{os.cpu_count()} cores (the machine is shared)."]  # fmt: skip
    try:
        small_dir, big_dir = workdir / "small", workdir / "big"
        setup(small_dir)
        from django.conf import settings

        from supervision.org.models import User
        from supervision.screening import generator
        from supervision.screening.imports import catalogue_import
        from supervision.screening.models import CatalogueVersion

        institutions = ensure_people_and_places()
        if not CatalogueVersion.objects.exists():
            import io

            catalogue_import(by=User.objects.get(username="analyst"), file_name="bench-catalogue.csv",
                             fileobj=io.BytesIO(generator.catalogue_csv().encode()))  # fmt: skip

        if not args.only_run:
            # 1. Import.
            settings.SCREENING_DATA_DIR = workdir / "import"
            imported = bench_import(institutions, args.import_lines, workdir)
            rate, floor = imported["lines"] / imported["seconds"], imported["lines"] / imported["duck_seconds"]
            report.append(
                f"**Import** of {imported['lines']:,} lines ({imported['bytes'] / 1e6:.0f} MB CSV) through the service "
                f"(checks, dedup, Parquet by month): {imported['seconds']:.1f} s = **{rate:,.0f} lines/s** "
                f"(CPU {imported['cpu']:.1f} s); DuckDB's own CSV → Parquet copy of the same file just before it: "
                f"{imported['duck_seconds']:.1f} s = {floor:,.0f} lines/s (CPU {imported['duck_cpu']:.1f} s); "
                f"ratio **{rate / floor:.2f}×** by wall time, {imported['duck_cpu'] / imported['cpu']:.2f}× by CPU "
                f"(target ≥ 0.5×; load {imported['load'][0]:.1f} → {imported['load'][1]:.1f})."
            )
            shutil.rmtree(workdir / "import", ignore_errors=True)

            # 3 + 4. 2M lines: PostgreSQL vs DuckDB, and Spark.
            settings.SCREENING_DATA_DIR = small_dir
            con, count, gen_seconds = generate(institutions, args.small, "S", workdir)
            write_parquet(con, small_dir, 1)
            con.close()
            (workdir / "pg").mkdir()
            compared = postgres_vs_duckdb(None, workdir / "pg")
            same = {c: (compared["duck"][c], compared["pg"].get(c)) for c in compared["duck"]}
            report.append(
                f"**PostgreSQL vs DuckDB** on {count:,} lines, twelve rules as counts "
                f"(the same SQL; sqlglot → postgres): "
                f"PostgreSQL {compared['pg_seconds']:.1f} s (after {compared['pg_load_seconds']:.0f} s to load and "
                f"index), DuckDB {compared['duck_seconds']:.1f} s: "
                f"**{compared['pg_seconds'] / compared['duck_seconds']:.1f}× "
                f"faster in DuckDB** (load {os.getloadavg()[0]:.1f}). Counts (DuckDB/PostgreSQL) and seconds "
                "(DuckDB/PostgreSQL) per rule: "
                + ", ".join(
                    f"{c} {d}/{p if p is not None else 'error'} "
                    f"({compared['per_rule'][c][0]:.2f}/{(compared['per_rule'][c][1] or 0):.2f} s)"
                    for c, (d, p) in same.items()
                )
                + (f". PostgreSQL errors: {compared['errors']}" if compared["errors"] else ".")
            )
            os.environ["SCREENING_DATA_DIR"] = str(small_dir)
            seconds, rss, out, cpu, load = run_command(["run_screening", "--dry-run"])
            report.append(f"DuckDB dry run (all rules, hits counted) on {count:,} lines: {seconds:.1f} s wall, CPU "
                          f"{cpu:.1f} s, peak RSS {rss / 1024:.0f} MB (load {load}) — `{out[:300]}`")  # fmt: skip
            if not args.skip_spark:
                seconds, rss, out, cpu, load = run_command(["run_screening", "--dry-run", "--engine", "spark"])
                report.append(f"**Spark local[2]** dry run on the same {count:,} lines: {seconds:.1f} s (JVM start "
                              f"included; load {load}) — `{out[:300]}`")  # fmt: skip
            shutil.rmtree(small_dir, ignore_errors=True)

        # 2. The full run over the big set, hits and leads written. Fresh line ids each time, so no hit of an
        # earlier bench run in this database leaves a line out ("never flagged twice").
        prefix = f"L{int(time.time()) % 1_000_000}-"
        con, count, gen_seconds = generate(institutions, args.lines, prefix, workdir)
        write_seconds = write_parquet(con, big_dir, 2)
        con.close()
        (workdir / f"gen-{prefix}.duckdb").unlink(missing_ok=True)
        os.environ["SCREENING_DATA_DIR"] = str(big_dir)
        seconds, rss, out, cpu, load = run_command(["run_screening"])
        report.append(
            f"**All twelve rules over {count:,} lines** (generated in {gen_seconds:.0f} s, written to Parquet in "
            f"{write_seconds:.0f} s), hits materialized and leads written to PostgreSQL: **{seconds:.1f} s** wall "
            f"(process start included), CPU {cpu:.1f} s (÷ 2 cores = {cpu / 2:.1f} s on an idle machine), peak RSS "
            f"**{rss / 1024:.0f} MB** (targets ≤ 20 s, ≤ 2 GB; load {load}) — `{out[:400]}`"
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        text = "\n\n".join(report)
        print(text)
        write_section("## Smart screening (bench/screening_bench.py)", text)


if __name__ == "__main__":
    main()
