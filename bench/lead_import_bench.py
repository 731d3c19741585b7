"""Benchmark (not a test): importing 200,000 screening leads on PostgreSQL — rows/s and peak memory.

    .venv/bin/python bench/lead_import_bench.py                 # COPY (the default on PostgreSQL)
    .venv/bin/python bench/lead_import_bench.py --bulk-create   # compare with bulk_create
    .venv/bin/python bench/lead_import_bench.py --compare 2     # streamed vs sequential vs a plain COPY
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench BENCH_ROWS=200000 ...

It uses its own database (created and migrated when missing; default ``portal_bench``), 20 branches with
10,000 institutions, and a generated CSV file of BENCH_ROWS rows. The import goes through the same service as
the API, the command and the page (``supervision.leads_import.lead_import``): stream and check every row, then
write in one transaction. Three runs:

1. the import itself, timed end to end (file kept, every row checked, leads written, audit row) → rows/s,
   with the process's peak RSS (``resource.getrusage``);
2. the same file again: every row is skipped as already imported → rows/s of a re-import;
3. the rows run 1 wrote, read back, removed and written again by one bare ``COPY supervision_lead FROM STDIN``
   in one transaction (same table, same indexes, same deferred foreign-key checks): the floor any import can
   reach on this table; the import's rows/s over this one is the issue-19 ratio (target ≥ 0.5);
4. the import once more (after removing the leads) under ``tracemalloc``: the peak of Python allocations,
   which is what the import itself holds (run 1 is not slowed by tracing).

Figures are printed and written to bench/results.md.
"""

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
ROWS = int(os.environ.get("BENCH_ROWS", "200000"))
INSTITUTIONS = 10_000
BRANCHES = 20


def _setup_django(media: str) -> None:
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ["DEBUG"] = "0"  # no query log kept in memory
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ["MEDIA_ROOT"] = media
    os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    _create_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _create_database() -> None:
    import psycopg

    base, name = DATABASE_URL.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _ensure_data():
    """20 branches, 10,000 institutions, an analyst in the city-wide monitoring centre."""
    from supervision.org import services as org_services
    from supervision.org.models import OrgUnit, Role, RoleAssignment, User
    from supervision.register.models import Institution

    city = OrgUnit.objects.filter(code="CITY").first() or org_services.orgunit_save(
        unit=OrgUnit(code="CITY", name="江川市医疗保障局", kind=OrgUnit.Kind.CITY), by=None
    )
    mon = OrgUnit.objects.filter(code="MON").first() or org_services.orgunit_save(
        unit=OrgUnit(code="MON", name="监测中心", kind=OrgUnit.Kind.DIVISION, parent=city), by=None
    )
    branches = []
    for n in range(1, BRANCHES + 1):
        code = f"B{n:02d}"
        branches.append(
            OrgUnit.objects.filter(code=code).first()
            or org_services.orgunit_save(
                unit=OrgUnit(code=code, name=f"第{n}分局", kind=OrgUnit.Kind.BRANCH, parent=city), by=None
            )
        )
    if Institution.objects.count() < INSTITUTIONS:
        Institution.objects.bulk_create(
            [
                Institution(
                    code=f"H9{n:010d}",
                    name=f"基准机构{n}",
                    kind=Institution.Kind.PRIMARY,
                    credit_code=f"91330100{n:010d}",
                    legal_representative="张三",
                    address="江川市人民路1号",
                    jurisdiction=branches[n % BRANCHES],
                )
                for n in range(INSTITUTIONS)
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )
    analyst, _created = User.objects.get_or_create(username="bench_analyst")
    RoleAssignment.objects.get_or_create(user=analyst, unit=mon, role=Role.ANALYST)
    analyst.forget_roles()
    return analyst, list(Institution.objects.values_list("code", flat=True))


def _write_csv(path: Path, codes: list[str], rows: int) -> None:
    rng = random.Random(2026)
    start = date(2026, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["institution_code", "rule_code", "description", "amount", "occurred_on", "external_id"])
        for n in range(rows):
            writer.writerow(
                [
                    rng.choice(codes),
                    f"R{n % 40:03d}",
                    f"数据筛查预警：同一参保人7日内重复开具同类药品（第{n}条）",
                    f"{rng.randint(100, 500000)}.{rng.randint(0, 99):02d}",
                    (start + timedelta(days=n % 300)).isoformat(),
                    f"BENCH-{n:08d}",
                ]
            )


def _clear() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM supervision_lead WHERE external_id LIKE 'BENCH-%%'")


def _import(analyst, path: Path):
    from supervision.leads.imports import lead_import

    with path.open("rb") as handle:
        return lead_import(by=analyst, fileobj=handle, file_name="bench-screening.csv")


def _plain_copy() -> float:
    """The bench's leads read back with COPY TO, removed, and written again with one COPY FROM in one transaction
    (commit included: the deferred foreign-key checks run there). Returns the seconds of the write."""
    from django.db import connection, transaction

    data = bytearray()
    with connection.cursor() as cursor:
        query = "COPY (SELECT * FROM supervision_lead WHERE external_id LIKE 'BENCH-%') TO STDOUT"
        with cursor.cursor.copy(query) as copy:
            for chunk in copy:
                data += chunk
    _clear()
    started = time.perf_counter()
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.cursor.copy("COPY supervision_lead FROM STDIN") as copy,
    ):
        copy.write(bytes(data))
    return time.perf_counter() - started


def _timed(module, names: list[str], spent: dict) -> None:
    """Wrap ``module``'s functions to add their wall time to ``spent`` (where the import's time goes); a name the
    module no longer has is left out."""
    for name in names:
        original = getattr(module, name, None)
        if original is None:
            continue

        def wrapper(*args, _original=original, _name=name, **kwargs):
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_name] = spent.get(_name, 0.0) + time.perf_counter() - started

        setattr(module, name, wrapper)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _plain_copy_lines(path: Path, batch) -> tuple[bytes, str]:
    """The file's rows as COPY lines, resolved without any checking: what a bare COPY of the file writes."""
    from decimal import Decimal

    from supervision.leads.imports import Spool
    from supervision.register.models import Institution

    by_code = {code: (pk, unit) for code, pk, unit in Institution.objects.values_list("code", "pk", "jurisdiction_id")}
    with Spool(batch, batch.created_by) as spool, path.open(encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        rows = [
            (*by_code[code], rule, desc, Decimal(amount), date.fromisoformat(day), ext)
            for code, rule, desc, amount, day, ext in reader
        ]
        return "".join(spool.copy_lines(rows)).encode(), spool.copy_sql()


def _copy_bytes(data: bytes, sql: str) -> float:
    """Seconds for ``COPY supervision_lead FROM STDIN`` of ``data`` in one transaction (same indexes, same
    foreign-key checks as the import's write)."""
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with cursor.cursor.copy(sql) as copy:
            for start in range(0, len(data), 1 << 20):
                copy.write(data[start : start + (1 << 20)])
    return time.perf_counter() - started


def compare(analyst, path: Path, rounds: int) -> None:
    """Issue 19: the import (checking and writing overlapped) against the sequential import (check, then write)
    and against a bare COPY of the same rows into the same indexed table, interleaved round by round."""
    from django.conf import settings

    times: dict[str, list[float]] = {"streamed import": [], "sequential import": [], "plain COPY": []}
    data = sql = None
    for _ in range(rounds):
        for name in times:
            _clear()
            if name == "plain COPY":
                times[name].append(_copy_bytes(data, sql))
                continue
            settings.LEAD_IMPORT["stream"] = name == "streamed import"
            started = time.perf_counter()
            batch = _import(analyst, path)
            times[name].append(time.perf_counter() - started)
            assert batch.status == "done" and batch.created_count == ROWS, (batch.status, batch.message)
            if data is None:
                data, sql = _plain_copy_lines(path, batch)
    _clear()
    best = {name: min(values) for name, values in times.items()}
    print(f"{ROWS:,} rows, {rounds} interleaved rounds (best of each):")
    for name, seconds in best.items():
        print(
            f"  {name:18} {seconds:6.2f} s  {ROWS / seconds:9,.0f} rows/s   (all: "
            + ", ".join(f"{t:.2f}" for t in times[name])
            + ")"
        )
    for name in ("streamed import", "sequential import"):
        print(f"  {name} rows/s / plain COPY rows/s: {best['plain COPY'] / best[name]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bulk-create", action="store_true", help="write with bulk_create instead of COPY")
    parser.add_argument("--compare", type=int, metavar="ROUNDS", help="streamed vs sequential vs plain COPY only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as media:
        _setup_django(media)
        from django.conf import settings
        from django.db import connection

        settings.LEAD_IMPORT["use_copy"] = not args.bulk_create
        method = "bulk_create" if args.bulk_create else "COPY"
        analyst, codes = _ensure_data()
        path = Path(media) / "bench-screening.csv"
        _write_csv(path, codes, ROWS)
        size_mb = path.stat().st_size / 1e6
        _clear()
        if args.compare:
            compare(analyst, path, args.compare)
            return

        from supervision.leads import imports as leads_import

        spent: dict[str, float] = {}
        _timed(leads_import, ["lead_import_start", "_check_file", "_already_imported", "_write_copy"], spent)
        rss_before = _rss_mb()
        started = time.perf_counter()
        batch = _import(analyst, path)
        first = time.perf_counter() - started
        split = dict(spent)
        rss_after = _rss_mb()
        assert batch.status == "done" and batch.created_count == ROWS, (batch.status, batch.errors[:3], batch.message)

        started = time.perf_counter()
        again = _import(analyst, path)
        second = time.perf_counter() - started
        assert again.skipped_count == ROWS and again.created_count == 0

        copy_seconds = _plain_copy()
        ratio = copy_seconds / first  # (ROWS / first) / (ROWS / copy_seconds)

        _clear()
        tracemalloc.start()
        traced = _import(analyst, path)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert traced.created_count == ROWS
        _clear()

        version = connection.cursor().connection.info.server_version
        lines = [
            f"## Lead import ({ROWS:,} rows, PostgreSQL {version // 10000}, {method})",
            "",
            f"- file: {size_mb:.1f} MB CSV, {INSTITUTIONS:,} institutions in {BRANCHES} branches",
            f"- import (file kept, every row checked, one transaction): {first:.2f} s → **{ROWS / first:,.0f} rows/s**",
            f"  - storing the upload with its SHA-256 {split.get('lead_import_start', 0):.2f} s; checking every row "
            f"while streaming the valid ones into one COPY (rows, indexes, foreign-key checks) "
            f"{split.get('_check_file', 0):.2f} s, the COPY's end and the commit in the rest"
            if split.get("_write_copy", 0) == 0
            else f"  - storing the upload with its SHA-256 {split.get('lead_import_start', 0):.2f} s; checking every "
            f"row (and spooling the valid ones) {split.get('_check_file', 0):.2f} s; looking up ids imported before "
            f"{split.get('_already_imported', 0):.2f} s; writing (COPY: rows, indexes, foreign-key checks) "
            f"{split.get('_write_copy', 0):.2f} s",
            f"- re-import of the same file (every row skipped): {second:.2f} s → {ROWS / second:,.0f} rows/s",
            f"- the same rows by one bare COPY into the same table (indexes, foreign keys, one transaction): "
            f"{copy_seconds:.2f} s → {ROWS / copy_seconds:,.0f} rows/s; import / bare COPY: **{ratio:.2f}** "
            f"(issue 19: ≥ 0.5; {'met' if ratio >= 0.5 else 'missed'})",
            f"- peak Python allocations during an import (tracemalloc): **{peak / 1e6:.1f} MB**",
            f"- process peak RSS: {rss_before:.0f} MB before the import, {rss_after:.0f} MB after "
            f"(+{rss_after - rss_before:.0f} MB)",
            "",
        ]
        report = "\n".join(lines)
        print(report)
        results = ROOT / "bench" / "results.md"
        old = results.read_text(encoding="utf-8") if results.exists() else "# Benchmarks\n\n"
        title = lines[0][3:]
        kept = [block for block in old.split("\n## ") if block.split("\n")[0] != title]
        text = "\n## ".join(kept).rstrip() + "\n\n" + report
        results.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
